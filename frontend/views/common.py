"""What the page views share: a domain ``NotFound`` as Django's 404, and a safe ``next`` address."""
from __future__ import annotations

from functools import wraps

from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

from market.core.errors import NotFound


def not_found_as_404(view):
    """Turn the services' and selectors' ``NotFound`` into Django's 404 page (in the person's language)."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc

    return wrapper


def next_url(request, default: str) -> str:
    """Return the ``next`` address posted or asked for if it stays on this site, else ``default``."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return default
