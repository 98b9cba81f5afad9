from django.urls import path

from market.accounts import api

app_name = "accounts"

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="token"),
    path("auth/tokens/", api.ApiTokenListView.as_view(), name="token-list"),
    path("auth/tokens/<int:pk>/", api.ApiTokenDetailView.as_view(), name="token-detail"),
    path("me/", api.MeView.as_view(), name="me"),
    path("me/data/", api.PersonalDataView.as_view(), name="me-data"),
]
