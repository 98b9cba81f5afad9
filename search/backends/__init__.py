"""Search backends behind one interface (``search.backends.base.SearchBackend``).

``get_backend()`` returns the configured one: Elasticsearch when ``ELASTICSEARCH_URL`` is set,
else the PostgreSQL ``Database`` backend.
"""
from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from search.backends.base import SearchBackend


@cache
def _backend(path: str) -> SearchBackend:
    return import_string(path)()


def get_backend() -> SearchBackend:
    return _backend(settings.SEARCH_BACKEND)


def backend_reset() -> None:
    """Forget the built backend (tests that change ``SEARCH_BACKEND``)."""
    _backend.cache_clear()
