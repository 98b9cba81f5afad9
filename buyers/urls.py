"""API routes of the buyers app, mounted at /api/v1/: buyer preferences, outlets and addresses (delivery places)."""
from django.urls import path

from buyers import api

app_name = "buyers"

urlpatterns = [
    path("buyer-preferences/<int:organisation_id>/", api.BuyerPreferencesView.as_view(), name="buyer-preferences"),
    path("outlets/", api.OutletListView.as_view(), name="outlet-list"),
    path("outlets/<int:pk>/", api.OutletDetailView.as_view(), name="outlet-detail"),
    path("addresses/", api.AddressListView.as_view(), name="address-list"),
    path("addresses/<int:pk>/", api.AddressDetailView.as_view(), name="address-detail"),
]
