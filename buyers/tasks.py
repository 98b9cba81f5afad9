"""Background work of the buyers app."""
from __future__ import annotations

from celery import shared_task

from buyers.notifications import buyer_registration_notify


@shared_task
def buyer_registration_notify_task(event_id: int) -> int:
    """After a verification or refusal commits: email the organisation's owners."""
    return buyer_registration_notify(event_id=event_id)
