"""Errors of the reviews app."""
from django.utils.translation import gettext_lazy as _

from market.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


class ReviewNotFound(NotFound):
    code = "review_not_found"
    default_message = _("Review not found.")


class ReviewLineNotFound(NotFound):
    code = "review_line_not_found"
    default_message = _("Order line not found.")


class ReviewInvalid(ValidationFailed):
    code = "review_invalid"


class ReviewNotAllowed(PermissionDenied):
    code = "review_not_allowed"
    default_message = _("You cannot do this with this review.")


class ReviewNotDelivered(Conflict):
    code = "review_not_delivered"
    default_message = _("You can review a product once its order has been delivered.")


class ReviewExists(Conflict):
    code = "review_exists"
    default_message = _("You have already reviewed this order line.")


class ReviewEditWindowClosed(Conflict):
    code = "review_edit_window_closed"
    default_message = _("A review can be changed within 30 days of writing it.")


class ReviewAlreadyReported(Conflict):
    code = "review_already_reported"
    default_message = _("You have already reported this review.")


class ReviewModerationInvalid(Conflict):
    code = "review_moderation_invalid"
    default_message = _("This review cannot make that change in its current state.")
