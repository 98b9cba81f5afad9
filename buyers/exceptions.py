"""Errors of the buyers app."""
from django.utils.translation import gettext_lazy as _

from market.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


class BuyerManagerRequired(PermissionDenied):
    code = "buyer_manager_required"
    default_message = _("Only an owner or manager of this buyer organisation can do this.")


class BuyerOwnerRequired(PermissionDenied):
    code = "buyer_owner_required"
    default_message = _("Only an owner of this buyer organisation can do this.")


class BuyerInvalid(ValidationFailed):
    code = "buyer_invalid"


class OutletNotFound(NotFound):
    code = "outlet_not_found"
    default_message = _("Outlet not found.")


class AddressNotFound(NotFound):
    code = "address_not_found"
    default_message = _("Address not found.")


class DeliveryPlaceLimit(ValidationFailed):
    code = "delivery_place_limit"
    default_message = _("You have reached the maximum number of delivery places; archive one first.")


class BuyerRegistrationNotFound(NotFound):
    code = "buyer_registration_not_found"
    default_message = _("Registration not found.")


class BuyerRegistrationTransitionInvalid(Conflict):
    code = "buyer_registration_transition_invalid"
    default_message = _("The registration cannot move to this status from its current one.")


class BuyerOrganisationNotFound(NotFound):
    code = "buyer_organisation_not_found"
    default_message = _("Buyer organisation not found.")
