"""Background work of the investors app."""
from __future__ import annotations

from celery import shared_task

from investors.services import investor_alerts_send


@shared_task
def investor_alerts_send_task() -> int:
    """Daily: email investors the new opportunities and stage changes that match their profile or watchlist.

    Safe to retry or run twice: an item is announced to an investor once, ever.
    Scheduled in ``CELERY_BEAT_SCHEDULE`` every day at 07:15 Asia/Jakarta.
    """
    return investor_alerts_send()
