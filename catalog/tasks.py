"""Background work of the catalog app."""
from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from catalog.services import permit_expiry_notify
from catalog.services.photos import product_photo_thumbnails_make, village_photo_thumbnails_make


@shared_task
def permit_expiry_notify_task() -> int:
    """Daily: remind producers and contact officers of permits that expire in 30 days.

    Safe to retry or run twice a day: each permit is announced once per expiry date.
    Scheduled in ``CELERY_BEAT_SCHEDULE`` every day at 07:00 Asia/Jakarta.
    """
    return permit_expiry_notify(today=timezone.localdate())


@shared_task
def product_photo_thumbnails_make_task(photo_id: int) -> dict[str, str]:
    """Make a product photo's thumbnails (idempotent: retried or repeated, it writes them once)."""
    return product_photo_thumbnails_make(photo_id=photo_id)


@shared_task
def village_photo_thumbnails_make_task(photo_id: int) -> dict[str, str]:
    return village_photo_thumbnails_make(photo_id=photo_id)
