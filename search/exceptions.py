"""Errors of the search app."""
from django.utils.translation import gettext_lazy as _

from market.core.errors import ApplicationError


class SearchUnavailableError(ApplicationError):
    """The search backend cannot answer now (e.g. Elasticsearch is down)."""

    code = "search_unavailable"
    default_message = _("Search is unavailable at the moment. Please try again in a minute.")
    http_status = 503
