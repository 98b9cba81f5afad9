"""API routes of the search app, mounted at /api/v1/search/."""
from django.urls import path

from search import api

app_name = "search"

urlpatterns = [
    path("products", api.ProductSearchView.as_view(), name="products"),
    path("villages", api.VillageSearchView.as_view(), name="villages"),
    path("suggest", api.SuggestView.as_view(), name="suggest"),
]
