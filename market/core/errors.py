"""The application's error family: each error has a stable ``code`` and a translatable message.

Services raise these; the API renders them as ``{"code", "message", "fields"}`` and
pages show the same message in the user's language.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """Base of every error the application reports to a user."""

    code = "error"
    default_message = _("Something went wrong.")
    http_status = 400
    retry_after: int | None = None  # seconds: sent as Retry-After (429, 503)

    def __init__(self, message=None, *, fields: dict[str, list[str]] | None = None, code: str | None = None):
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        if code is not None:
            self.code = code
        super().__init__(str(self.message))


class ValidationFailed(ApplicationError):
    code = "invalid"
    default_message = _("The data you sent is not valid.")


class NotFound(ApplicationError):
    code = "not_found"
    default_message = _("Not found.")
    http_status = 404


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    default_message = _("You do not have permission to do this.")
    http_status = 403


class Conflict(ApplicationError):
    code = "conflict"
    default_message = _("This conflicts with the current state.")
    http_status = 409
