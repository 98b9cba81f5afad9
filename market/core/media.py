"""Serve uploaded media (product, village and problem photos, their thumbnails) from the app itself.

For small deployments whose media live on the web server's file system (no bucket): with ``DEBUG`` off
Django serves nothing under ``MEDIA_URL`` by itself, so every photo would be a 404. ``MEDIA_SERVE``
(on by default when no bucket is named) routes ``MEDIA_URL`` here; a deployment whose proxy, CDN or separate
media domain serves ``MEDIA_ROOT`` turns it off (docs/scaling.md#media).

Whatever is served from the site's own origin could run as the site if a browser took it for HTML or SVG,
so the response never trusts the file:

- the path is joined below ``MEDIA_ROOT`` the way ``django.views.static.serve`` does (``safe_join``), and is
  also refused when it climbs out (``..``), names a hidden file, a directory (no listings) or leads out of
  ``MEDIA_ROOT`` through a symbolic link: all of them are a plain 404;
- the content type comes from an allowlist of image types by extension; anything else (an ``.html`` or
  ``.svg`` that reached the folder some other way) is ``application/octet-stream`` sent as an attachment;
- ``X-Content-Type-Options: nosniff``, a sandboxing ``Content-Security-Policy`` (a file opened on its own
  runs no script and gets no origin) and ``Cross-Origin-Resource-Policy: same-site``;
- names made by ``catalog.images`` carry a random 128-bit hex token and never change content, so they are
  cached for a year (``immutable``); other names for an hour. ``If-Modified-Since`` answers 304.

Uploads themselves are re-encoded from pixels by ``catalog.images`` before they are stored (JPEG/WebP);
this view is the second line of defence, for whatever else may ever land in ``MEDIA_ROOT``.
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import URLPattern, re_path
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".avif": "image/avif",
}
MEDIA_CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
CACHE_SHORT = "public, max-age=3600"
# Folders of uploads that are not public: buyers' proofs of transfer (frontend/views/payments.py serves them to
# the checkout's buyer and to officers only).
PRIVATE_FOLDERS = frozenset({"transfer-proofs"})
# catalog.images names every stored photo with uuid4().hex; thumbnails keep that stem.
_UNIQUE_NAME = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


def media_path(path: str) -> Path:
    """Return the file below ``MEDIA_ROOT`` that ``path`` names; ``Http404`` for anything else."""
    if "\x00" in path or "\\" in path:
        raise Http404("Not found")
    parts = PurePosixPath(posixpath.normpath(path).lstrip("/")).parts
    if not parts or any(part.startswith(".") for part in parts):  # "..", ".", hidden files
        raise Http404("Not found")
    if parts[0] in PRIVATE_FOLDERS:  # served by their own views, to the people allowed to see them
        raise Http404("Not found")
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        fullpath = Path(safe_join(root, *parts)).resolve()
    except (SuspiciousFileOperation, ValueError, OSError) as exc:
        raise Http404("Not found") from exc
    if not fullpath.is_relative_to(root) or not fullpath.is_file():
        raise Http404("Not found")
    return fullpath


def image_content_type(name: str) -> str:
    """Return the content type of an image by its extension (allowlist); anything else is an inert download type."""
    return IMAGE_TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")


@require_safe
def media_serve(request: HttpRequest, path: str) -> HttpResponse:
    """Answer one uploaded file: images inline, anything else as an inert download."""
    fullpath = media_path(path)
    stat = fullpath.stat()
    if not was_modified_since(request.headers.get("If-Modified-Since"), stat.st_mtime):
        response: HttpResponse = HttpResponseNotModified()
    else:
        content_type = IMAGE_TYPES.get(fullpath.suffix.lower())
        response = FileResponse(fullpath.open("rb"), content_type=content_type or "application/octet-stream",
                                as_attachment=content_type is None, filename=fullpath.name)
    response.headers["Last-Modified"] = http_date(stat.st_mtime)
    response.headers["Cache-Control"] = CACHE_IMMUTABLE if _UNIQUE_NAME.search(fullpath.name) else CACHE_SHORT
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = MEDIA_CONTENT_SECURITY_POLICY
    response.headers["Cross-Origin-Resource-Policy"] = "same-site"
    return response


def media_urlpatterns() -> list[URLPattern]:
    """Return the route of ``MEDIA_URL`` when the app serves media itself (``MEDIA_SERVE``), else nothing.

    A ``MEDIA_URL`` on another origin (a media domain, a bucket) is never served from here.
    """
    prefix = settings.MEDIA_URL or ""
    if not settings.MEDIA_SERVE or urlsplit(prefix).netloc or not prefix.startswith("/") or prefix == "/":
        return []
    return [re_path(rf"^{re.escape(prefix.lstrip('/'))}(?P<path>.*)$", media_serve, name="media")]
