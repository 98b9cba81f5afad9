"""Errors of the buyers app."""
from django.utils.translation import gettext_lazy as _

from market.core.errors import PermissionDenied, ValidationFailed


class BuyerManagerRequired(PermissionDenied):
    code = "buyer_manager_required"
    default_message = _("Only an owner or manager of this buyer organisation can do this.")


class BuyerInvalid(ValidationFailed):
    code = "buyer_invalid"
