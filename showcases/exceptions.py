"""Errors of the showcases app."""

from django.utils.translation import gettext_lazy as _

from market.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


class ShowcaseNotFound(NotFound):
    code = "showcase_not_found"
    default_message = _("Showcase not found.")


class MeetingNotFound(NotFound):
    code = "meeting_not_found"
    default_message = _("Meeting not found.")


class ParticipantNotFound(NotFound):
    code = "participant_not_found"
    default_message = _("Participant not found.")


class RegistrationNotFound(NotFound):
    code = "showcase_registration_not_found"
    default_message = _("Registration not found.")


class ShowcaseInvalid(ValidationFailed):
    code = "showcase_invalid"


class ShowcaseTransitionInvalid(Conflict):
    code = "showcase_transition_invalid"
    default_message = _("This cannot change from its current status.")


class ShowcaseClosed(Conflict):
    code = "showcase_closed"
    default_message = _("This showcase does not take this any more.")


class ShowcaseFull(Conflict):
    code = "showcase_full"
    default_message = _("The showcase is full: no more attendees can register.")


class SlotConflict(Conflict):
    code = "showcase_slot_conflict"
    default_message = _("This time slot cannot be used for the meeting.")


class ShowcasePermissionDenied(PermissionDenied):
    code = "showcase_permission_denied"
    default_message = _("You cannot do this for this showcase.")


class VerifiedBuyerRequired(PermissionDenied):
    code = "verified_buyer_required"
    default_message = _("Only verified buyer organisations can register for showcases.")
