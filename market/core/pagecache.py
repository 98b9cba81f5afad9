"""Whole public pages and public API answers cached for visitors who carry no session (issue 14).

Most visits to a marketplace's catalogue come from people (and crawlers) who are not signed in and
have nothing in a cart: for them the product list, a product page, a village or producer profile
and the public API are the same for everybody who speaks their language. Those answers are kept
in the shared cache (Redis) and served without running the view: one generation read and one page
read instead of a dozen queries and a template render.

Correctness rests on three rules:

- **Who is served from the cache.** Only ``GET``/``HEAD`` requests with no cookie but the CSRF and
  language cookies and no ``Authorization`` header: no session means no sign-in, no cart, no acting
  for an organisation and no messages, so nothing personal can be in the page or be shown to another
  visitor. Everyone else gets the live view. A response is stored only when it is a plain 200 that
  set no cookie but the CSRF cookie and left the session unchanged.
- **Invalidation by generation.** Every key carries the current generation; a change that may alter
  what the public sees calls ``public_pages_changed()`` inside its transaction, and the generation
  moves once that transaction commits (``catalog.hooks.catalog_changed`` does it for every catalogue
  change, the stock service when a product's shown stock changes, the delivery options service for
  fees). Pages cached before the change are then never read again and expire on their own.
  Reading the generation before rendering means a page rendered from data older than a commit is
  stored under the generation before it: a stale page can't outlive the bump.
- **CSRF tokens are not shared.** A stored page keeps a placeholder where its CSRF token was; each
  visitor's copy gets a fresh masked token of their own (``get_token``), which also sets their CSRF
  cookie as the live view would.

Carts, checkout and every signed-in page are never cached: their prices are computed on each
request. ``PAGE_CACHE_SECONDS`` (600 by default, 0 switches the cache off) bounds how long an entry
lives; the test settings switch it off except in the tests of this module.
"""
from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

GENERATION_KEY = "pagecache:generation"
HEADER = "X-Page-Cache"  # "hit" or "miss" on pages the cache may serve (benchmarks and tests read it)
_SENTINEL = b"__kampung_csrf_token__"
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"|"X-CSRFToken": "([A-Za-z0-9]+)"')


def public_pages_changed() -> None:
    """Make every cached public page stale once the current transaction commits (now outside one)."""
    transaction.on_commit(_generation_bump)


def _generation_bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # never set, or evicted: start again from a number above every earlier one
        cache.set(GENERATION_KEY, time.time_ns(), None)


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY, 0)
    return int(generation)


def _enabled() -> bool:
    if not getattr(settings, "PAGE_CACHE_SECONDS", 0):
        return False
    # While Redis is down the shared cache answers from a database table: pages don't belong there.
    primary_available = getattr(cache, "primary_available", None)
    return primary_available() if primary_available is not None else True


def request_is_cacheable(request: HttpRequest) -> bool:
    """Return whether ``request`` may be answered from (and fill) the public cache."""
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    if request.headers.get("HX-Request"):  # fragments for htmx are rendered live
        return False
    allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    return set(request.COOKIES) <= allowed


def _key(request: HttpRequest, kind: str) -> str:
    raw = f"{request.get_host()}|{request.get_full_path()}|{get_language()}"
    return f"pagecache:{kind}:{_generation()}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _without_token(content: bytes) -> bytes | None:
    """Return ``content`` with its one CSRF token replaced by the placeholder (None if it holds several)."""
    tokens = {group for match in _TOKEN.finditer(content) for group in match.groups() if group}
    if len(tokens) > 1:
        return None
    return content.replace(tokens.pop(), _SENTINEL) if tokens else content


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or getattr(response, "is_rendered", True) is False:
        return False
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.modified)


def cache_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve ``view``'s page from the shared cache to visitors without a session (see the module)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _enabled() or not request_is_cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request, "page")
        stored = cache.get(key)
        if stored is not None:
            content_type, content = stored
            response = HttpResponse(content.replace(_SENTINEL, get_token(request).encode()),
                                    content_type=content_type)
            response[HEADER] = "hit"
        else:
            response = view(request, *args, **kwargs)
            if _storable(request, response) and (content := _without_token(response.content)) is not None:
                cache.set(key, (response["Content-Type"], content), settings.PAGE_CACHE_SECONDS)
                response[HEADER] = "miss"
        # The same URL differs for signed-in people: no shared cache downstream may mix them.
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapped


def public_data(request: HttpRequest, compute: Callable[[], Any]) -> tuple[Any, bool]:
    """Return ``(data, from_cache)``: an anonymous API answer's data, computed once per generation.

    For API views after DRF's authentication and throttling: ``request`` is DRF's request, and only
    an anonymous one with no cookies but CSRF and language is served from the cache. ``compute``
    raising (a 404, a bad filter) stores nothing.
    """
    user = getattr(request, "user", None)
    if not _enabled() or (user is not None and user.is_authenticated) or not request_is_cacheable(request):
        return compute(), False
    key = _key(request, "api")
    stored = cache.get(key)
    if stored is not None:
        return stored, True
    data = compute()
    cache.set(key, data, settings.PAGE_CACHE_SECONDS)
    return data, False


def shared_data(name: str, compute: Callable[[], Any]) -> Any:
    """Return data that is the same for every visitor (``name`` says which: the suggestions for a prefix),
    computed once per generation. Signed-in people get it from here too: nothing in it is theirs."""
    if not _enabled():
        return compute()
    key = f"pagecache:data:{_generation()}:{hashlib.sha256(f'{name}|{get_language()}'.encode()).hexdigest()}"
    stored = cache.get(key)
    if stored is not None:
        return stored
    data = compute()
    cache.set(key, data, settings.PAGE_CACHE_SECONDS)
    return data
