"""Turn away requests no view could answer safely, before they reach a view or the database."""
from django.core.exceptions import BadRequest
from django.http import Http404
from django.urls import get_resolver, get_urlconf
from django.utils import translation
from django.utils.translation import gettext as _

# PostgreSQL text cannot hold NUL, and no URL, slug or search of ours contains a control character.
_CONTROL_CHARACTERS = frozenset(chr(c) for c in range(32)) | {"\x7f"}


class MalformedRequest(BadRequest):
    """A query string no view could use; its message is safe to show."""


def _has_control_character(value: str) -> bool:
    return not _CONTROL_CHARACTERS.isdisjoint(value)


class MalformedRequestMiddleware:
    """Answer 404 to a path with a control character (``/villages/%00/``) and 400 to such a query.

    Without it a NUL byte reaches a lookup and PostgreSQL refuses it: a 500 (and, with DEBUG on,
    a debug page). Forms and serializers already refuse NUL in submitted fields.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Before LocaleMiddleware: answer in the visitor's language, not in whatever this thread served last.
        with translation.override(translation.get_language_from_request(request)):
            return self._answer(request)

    def _answer(self, request):
        if _has_control_character(request.path):
            raise Http404(_("Not found."))
        for key, values in request.GET.lists():
            if _has_control_character(key) or any("\x00" in value for value in values):
                # The site's 400 page (JSON under /api/), without the traceback Django logs for a raised error.
                error = MalformedRequest(_("The address contains characters that are not allowed."))
                return get_resolver(get_urlconf()).resolve_error_handler(400)(request, error)
        return self.get_response(request)
