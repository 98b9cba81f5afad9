"""Background work of the buyers app."""
from __future__ import annotations

from celery import shared_task

from buyers.notifications import buyer_registration_notify
from buyers.services import buyer_digest_send


@shared_task
def buyer_registration_notify_task(event_id: int) -> int:
    """After a verification or refusal commits: email the organisation's owners."""
    return buyer_registration_notify(event_id=event_id)


@shared_task
def buyer_digest_send_task() -> int:
    """Daily: email buyer organisations the newly listed products that are retail-ready for them.

    Safe to retry or run twice: a product is announced to an organisation once, ever.
    Scheduled in ``CELERY_BEAT_SCHEDULE`` every day at 07:00 Asia/Jakarta.
    """
    return buyer_digest_send()
