"""The products a visitor viewed last ("Terakhir dilihat"), kept in their own session (issue 17).

A list of at most ``RECENTLY_VIEWED_MAX`` product ids, the latest first, under one session key: nothing in
the database, nothing shared between visitors, gone when they sign out (the session is flushed).

Pages that the public page cache may serve (``market.core.pagecache``: no cookie but CSRF and language)
must be the same for every such visitor, so they never read or write this list: a product page served to
a visitor without a session records the view through an htmx request after loading
(``frontend:recently-viewed``), which starts their session; from then on their pages are rendered live
and show the strip inline, with or without JavaScript.
"""
from __future__ import annotations

from django.http import HttpRequest

from market.core.pagecache import request_is_cacheable

SESSION_KEY = "recently_viewed"
RECENTLY_VIEWED_MAX = 12
SHOWN = 6


def may_use_session(request: HttpRequest) -> bool:
    """Return whether this request's page may differ by visitor (the page cache never serves or stores it)."""
    return hasattr(request, "session") and not request_is_cacheable(request)


def recently_viewed_ids(request: HttpRequest) -> list[int]:
    """Return the ids in the visitor's session, the latest first (ignoring anything malformed)."""
    if not may_use_session(request):
        return []
    raw = request.session.get(SESSION_KEY) or []
    ids = [value for value in raw if isinstance(value, int) and not isinstance(value, bool)] if isinstance(raw, list) else []
    return ids[:RECENTLY_VIEWED_MAX]


def recently_viewed_add(request: HttpRequest, product_id: int) -> None:
    """Put ``product_id`` first in the visitor's list, keeping at most ``RECENTLY_VIEWED_MAX`` ids."""
    current = recently_viewed_ids(request)
    updated = [product_id, *[pk for pk in current if pk != product_id]][:RECENTLY_VIEWED_MAX]
    if updated != request.session.get(SESSION_KEY):
        request.session[SESSION_KEY] = updated


def recently_viewed_products(request: HttpRequest, *, exclude: int | None = None) -> list:
    """Return the visitor's recently viewed products still on sale, for a page rendered live (one query; none when
    the list is empty)."""
    from catalog.selectors import product_public_view
    from catalog.selectors.storefront import product_list_by_ids

    ids = [pk for pk in recently_viewed_ids(request) if pk != exclude]
    return [product_public_view(p) for p in product_list_by_ids(ids=ids)[:SHOWN]] if ids else []
