"""Reads for officer-assisted mode: the open assist session and what officers did on a producer's behalf."""
from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from catalog.models import AssistAction, AssistSession, Producer
from market.accounts.models import User


def assist_session_active(*, officer: User, producer: Producer | int | None = None) -> AssistSession | None:
    """Return ``officer``'s active assist session (for ``producer`` if given), or ``None``.

    A session is active until it is ended or its ``expires_at`` passes; an expired one needs no
    write to stop counting.
    """
    if not (officer.is_authenticated and officer.is_active and officer.is_officer):
        return None
    sessions = AssistSession.objects.filter(officer=officer, ended_at__isnull=True, expires_at__gt=timezone.now())
    if producer is not None:
        sessions = sessions.filter(producer=producer)
    return sessions.select_related("producer").first()


def assist_session_list(*, producer: Producer) -> QuerySet[AssistSession]:
    """Return ``producer``'s assist sessions, latest first, with their officer."""
    return AssistSession.objects.filter(producer=producer).select_related("officer").order_by("-started_at", "-pk")


def assist_action_list(*, producer: Producer | None = None, officer: User | None = None,
                       producer_ids=None) -> QuerySet[AssistAction]:
    """Return assisted actions, latest first, with their session's officer, producer and reason (one query).

    Filter by ``producer``, by a set of ``producer_ids`` (a member's producers) or by ``officer``.
    """
    actions = AssistAction.objects.select_related("session__officer", "session__producer")
    if producer is not None:
        actions = actions.filter(session__producer=producer)
    if producer_ids is not None:
        actions = actions.filter(session__producer_id__in=producer_ids)
    if officer is not None:
        actions = actions.filter(session__officer=officer)
    return actions.order_by("-created_at", "-pk")


def assist_touched_product_since(*, officer: User, product_id: int, since) -> bool:
    """Return whether ``officer`` changed or submitted the product on a producer's behalf after ``since``
    (``None``: ever)."""
    actions = AssistAction.objects.filter(session__officer=officer, product_id=product_id)
    if since is not None:
        actions = actions.filter(created_at__gt=since)
    return actions.exists()
