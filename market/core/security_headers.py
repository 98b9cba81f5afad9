"""Content-Security-Policy and Permissions-Policy on every response (Django 5.2 has no CSP of its own).

The pages run no inline script, no inline event handler and no inline style: behaviour lives in static files
(``frontend/static/frontend/js/``), data reaches it through ``data-`` attributes or ``json_script``, and htmx is
configured without ``eval`` and without its injected indicator styles (``base.html``). So the policy can say
``'self'`` for scripts and styles, and an injected ``<script>`` or ``onerror=`` does not run.

The origins beyond ``'self'`` come from the settings, so the policy follows the deployment:

- Stripe, when card payments are configured (both keys): Stripe.js from ``STRIPE_JS_URL``'s origin (scripts
  and frames: the card element and 3-D Secure live in Stripe's frames), the API at ``STRIPE_API_BASE``
  (``https://api.stripe.com`` by default). Against the real Stripe.js the origins Stripe documents for it are
  added (``*.js.stripe.com``, ``hooks.stripe.com``); in tests both point at the local emulator.
- Media: the origin of an absolute ``MEDIA_URL``, or of the S3 storage (its custom domain, its endpoint, or
  the bucket's AWS host).

Two kinds of page get their own policy: the API documentation (Swagger UI, served by the split view so
its start-up script is a file, and ReDoc from drf-spectacular's sidecar, whose templates carry inline
styles; ReDoc parses the schema in a ``blob:`` worker), and the other HTML answers under ``/api/`` (DRF's
browsable API, whose templates use ``style`` attributes): both allow inline styles, none inline script.
A response that already carries a policy keeps it (the media view sends a sandboxing one).

``CSP_REPORT_ONLY`` sends the policy as ``Content-Security-Policy-Report-Only`` (to try a change in
production first); ``CSP_REPORT_URI`` adds a ``report-uri`` where browsers send violations.
Django's ``SecurityMiddleware`` sends ``Cross-Origin-Opener-Policy`` (``SECURE_CROSS_ORIGIN_OPENER_POLICY``).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

STRIPE_JS_ORIGIN = "https://js.stripe.com"
STRIPE_API_ORIGIN = "https://api.stripe.com"
# Stripe's documented sources for Stripe.js besides js.stripe.com (docs.stripe.com/security/guide).
STRIPE_EXTRA_SCRIPT = ("https://*.js.stripe.com",)
STRIPE_EXTRA_FRAME = ("https://*.js.stripe.com", "https://hooks.stripe.com")
# Views whose templates we do not control (drf-spectacular's): inline styles, a worker for ReDoc.
API_DOCS_URL_NAMES = frozenset({"swagger-ui", "redoc"})
# Powerful features no page of ours uses: off for us and for any frame.
PERMISSIONS_OFF = (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "hid",
    "idle-detection", "magnetometer", "microphone", "midi", "screen-wake-lock", "serial", "usb",
    "xr-spatial-tracking",
)
CSP_HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def _origin(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def stripe_configured() -> bool:
    """Return whether card payments are on (the same test as the Stripe provider's ``is_configured``)."""
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


def _stripe_sources() -> dict[str, tuple[str, ...]]:
    if not stripe_configured():
        return {}
    js = _origin(settings.STRIPE_JS_URL) or STRIPE_JS_ORIGIN
    api = _origin(settings.STRIPE_API_BASE) or STRIPE_API_ORIGIN
    real = js == STRIPE_JS_ORIGIN
    return {
        "script-src": (js, *(STRIPE_EXTRA_SCRIPT if real else ())),
        "frame-src": (js, *(STRIPE_EXTRA_FRAME if real else ())),
        "connect-src": (api,),
    }


def media_origins() -> tuple[str, ...]:
    """Return the origins other than the site's from which media (photos) are shown."""
    origins = [_origin(settings.MEDIA_URL)]
    storage = settings.STORAGES["default"]
    if storage["BACKEND"].endswith("S3Storage"):
        options = storage.get("OPTIONS", {})
        bucket, region = options.get("bucket_name"), options.get("region_name")
        scheme = (options.get("url_protocol") or "https:").rstrip(":")
        if options.get("custom_domain"):
            origins.append(f"{scheme}://{options['custom_domain']}")
        elif options.get("endpoint_url"):
            endpoint = urlsplit(options["endpoint_url"])
            # Path-style (endpoint/bucket/key) and virtual-hosted (bucket.endpoint/key) addresses.
            origins += [f"{endpoint.scheme}://{endpoint.netloc}", f"{endpoint.scheme}://{bucket}.{endpoint.netloc}"]
        else:
            origins.append(f"https://{bucket}.s3.amazonaws.com")
            if region:
                origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return tuple(dict.fromkeys(origin for origin in origins if origin))


def _serialise(directives: dict[str, tuple[str, ...]]) -> str:
    return "; ".join(" ".join((name, *sources)) for name, sources in directives.items())


def content_security_policy(*, inline_styles: bool = False, api_docs: bool = False) -> str:
    """Return the policy for the current settings (pages; ``inline_styles``/``api_docs`` for the API's HTML)."""
    return _policy(inline_styles, api_docs, _settings_key())


def _settings_key() -> tuple:
    """Return what the policy depends on: it is built once per distinct value (settings change in tests)."""
    return (settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY, settings.STRIPE_JS_URL,
            settings.STRIPE_API_BASE, settings.MEDIA_URL, repr(settings.STORAGES["default"]),
            settings.CSP_REPORT_URI)


@lru_cache(maxsize=32)
def _policy(inline_styles: bool, api_docs: bool, _key: tuple) -> str:
    # The API documentation never loads Stripe.js: no Stripe for it.
    stripe = {} if api_docs else _stripe_sources()
    inline = ("'unsafe-inline'",)
    directives = {
        "default-src": ("'self'",),
        "script-src": ("'self'", *stripe.get("script-src", ())),
        "style-src": ("'self'", *(inline if inline_styles else ())),
        "img-src": ("'self'", "data:", *media_origins()),
        "font-src": ("'self'",),
        "connect-src": ("'self'", *stripe.get("connect-src", ())),
        "frame-src": stripe.get("frame-src", ("'none'",)),
        **({"worker-src": ("'self'", "blob:")} if api_docs else {}),  # ReDoc parses the schema in a worker
        "form-action": ("'self'",),
        "frame-ancestors": ("'none'",),
        "base-uri": ("'self'",),
        "object-src": ("'none'",),
    }
    if settings.CSP_REPORT_URI:
        directives["report-uri"] = (settings.CSP_REPORT_URI,)
    return _serialise(directives)


def permissions_policy() -> str:
    """Return the Permissions-Policy: every powerful feature off; payment for our own pages with Stripe."""
    features = [f"{feature}=()" for feature in PERMISSIONS_OFF]
    features.append("payment=(self)" if stripe_configured() else "payment=()")
    return ", ".join(sorted(features))


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy and Permissions-Policy to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", permissions_policy())
        if any(header in response.headers for header in CSP_HEADERS):
            return response
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's technical error pages (DEBUG only) are made of inline scripts and styles
        match = getattr(request, "resolver_match", None)
        docs = match is not None and match.url_name in API_DOCS_URL_NAMES and not match.namespace
        api_html = request.path.startswith("/api/") and response.get("Content-Type", "").startswith("text/html")
        policy = content_security_policy(inline_styles=docs or api_html, api_docs=docs)
        response.headers[CSP_HEADERS[1] if settings.CSP_REPORT_ONLY else CSP_HEADERS[0]] = policy
        return response
