"""Errors of the investors app."""
from django.utils.translation import gettext_lazy as _

from market.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


class InvestorInvalid(ValidationFailed):
    code = "investor_invalid"


class InvestorRequired(PermissionDenied):
    code = "investor_required"
    default_message = _("Only investors can do this.")


class InvestorNotVerified(PermissionDenied):
    code = "investor_not_verified"
    default_message = _("Only investors verified by a programme officer can do this.")


class ConfidentialityTermsRequired(PermissionDenied):
    code = "confidentiality_terms_required"
    default_message = _("Accept the confidentiality terms first.")


class InvestorProfileNotFound(NotFound):
    code = "investor_profile_not_found"
    default_message = _("Investor profile not found.")


class InvestorProfileTransitionInvalid(Conflict):
    code = "investor_profile_transition_invalid"
    default_message = _("The investor profile cannot move to this status from its current one.")


class OpportunityNotFound(NotFound):
    code = "opportunity_not_found"
    default_message = _("Opportunity not found.")


class OpportunityTransitionInvalid(Conflict):
    code = "opportunity_transition_invalid"
    default_message = _("The opportunity cannot move to this status from its current one.")


class OpportunityNotOpen(Conflict):
    code = "opportunity_not_open"
    default_message = _("This opportunity no longer takes expressions of interest.")


class DocumentNotFound(NotFound):
    code = "document_not_found"
    default_message = _("Document not found.")


class DocumentInvalid(ValidationFailed):
    code = "document_invalid"


class InterestNotFound(NotFound):
    code = "interest_not_found"
    default_message = _("Expression of interest not found.")


class InterestTransitionInvalid(Conflict):
    code = "interest_transition_invalid"
    default_message = _("The expression of interest cannot move to this status from its current one.")


class InterestAlreadyOpen(Conflict):
    code = "interest_already_open"
    default_message = _("You already expressed interest in this opportunity; follow it on your interests page.")


class InvestorVillageNotFound(NotFound):
    code = "investor_village_not_found"
    default_message = _("Village not found.")


class WatchItemNotFound(NotFound):
    code = "watch_item_not_found"
    default_message = _("Not on your watchlist.")
