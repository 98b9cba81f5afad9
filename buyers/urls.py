"""API routes of the buyers app, mounted at /api/v1/: registration and verification, preferences, approval
limits, outlets and addresses (delivery places)."""
from django.urls import path

from buyers import api

app_name = "buyers"

urlpatterns = [
    path("buyer-preferences/<int:organisation_id>/", api.BuyerPreferencesView.as_view(), name="buyer-preferences"),
    path("outlets/", api.OutletListView.as_view(), name="outlet-list"),
    path("outlets/<int:pk>/", api.OutletDetailView.as_view(), name="outlet-detail"),
    path("addresses/", api.AddressListView.as_view(), name="address-list"),
    path("addresses/<int:pk>/", api.AddressDetailView.as_view(), name="address-detail"),
    path("buyer-organisations/<int:pk>/registration/", api.RegistrationView.as_view(), name="registration"),
    path("buyer-organisations/<int:pk>/registration/submit/", api.RegistrationSubmitView.as_view(),
         name="registration-submit"),
    path("buyer-registrations/", api.OfficerRegistrationListView.as_view(), name="officer-registration-list"),
    path("buyer-registrations/<int:pk>/", api.OfficerRegistrationDetailView.as_view(),
         name="officer-registration-detail"),
    path("buyer-registrations/<int:pk>/verify/", api.OfficerRegistrationVerifyView.as_view(),
         name="officer-registration-verify"),
    path("buyer-registrations/<int:pk>/refuse/", api.OfficerRegistrationRefuseView.as_view(),
         name="officer-registration-refuse"),
    path("buyer-organisations/<int:pk>/approval-limit/", api.ApprovalLimitView.as_view(), name="approval-limit"),
]
