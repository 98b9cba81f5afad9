"""Background work of the showcases app."""

from __future__ import annotations

from celery import shared_task

from showcases.notifications import agendas_notify, meeting_notify


@shared_task
def showcase_agendas_notify_task(showcase_id: int, registration_ids: list[int], participant_ids: list[int]) -> int:
    """After a schedule is published or changed: email each side concerned its agenda."""
    return agendas_notify(showcase_id=showcase_id, registration_ids=registration_ids, participant_ids=participant_ids)


@shared_task
def showcase_meeting_notify_task(event_id: int) -> int:
    """After a meeting is requested, answered or cancelled: email the other side."""
    return meeting_notify(event_id=event_id)
