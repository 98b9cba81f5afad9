"""Photo URLs for pages: thumbnails of photo rows and of approved snapshots' photos.

``{% load photos %}`` then ``{{ photo|thumb_url:480 }}`` and ``{{ photo|thumb_srcset }}``, where
``photo`` is a ``ProductPhoto``/``VillagePhoto`` or an entry of ``approved_snapshot["photos"]``.
"""
from __future__ import annotations

from django import template
from django.core.files.storage import default_storage

from catalog.images import THUMBNAIL_SIZES
from catalog.models import PhotoBase, photo_thumbnail_name

register = template.Library()


def _parts(photo) -> tuple[str, dict, int]:
    if isinstance(photo, PhotoBase):
        return photo.image.name, photo.thumbnails, max(photo.width, photo.height)
    if isinstance(photo, dict):
        return photo.get("image", ""), photo.get("thumbnails") or {}, max(photo.get("width") or 0,
                                                                          photo.get("height") or 0)
    return str(photo or ""), {}, 0


@register.filter
def thumb_url(photo, size: int = 480) -> str:
    """Return the URL of the smallest stored version at least ``size`` pixels wide."""
    image, thumbnails, _longest = _parts(photo)
    if not image:
        return ""
    return default_storage.url(photo_thumbnail_name(image=image, thumbnails=thumbnails, size=int(size)))


@register.filter
def thumb_srcset(photo) -> str:
    """Return a ``srcset`` of the thumbnails and the photo, for responsive ``<img>`` tags."""
    image, thumbnails, longest = _parts(photo)
    if not image:
        return ""
    entries = [f"{default_storage.url(thumbnails[str(size)])} {size}w"
               for size in THUMBNAIL_SIZES if str(size) in thumbnails]
    if longest:
        entries.append(f"{default_storage.url(image)} {longest}w")
    return ", ".join(entries)
