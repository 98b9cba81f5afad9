"""Background work of the placements app."""
from __future__ import annotations

from celery import shared_task

from placements.notifications import placement_notify


@shared_task
def placement_notify_task(event_id: int) -> int:
    """After a placement is proposed or changes status: email the other side."""
    return placement_notify(event_id=event_id)
