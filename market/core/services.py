"""Kernel services every app may call."""
from __future__ import annotations

import functools

from django.core.mail import EmailMultiAlternatives


def email_send(*, subject: str, body: str, to: list[str], html_body: str | None = None,
               from_email: str | None = None, headers: dict | None = None) -> None:
    """Send one email now (called by ``email_send_task``; use the task from services)."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to, headers=headers)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()


def task_outbox_add(*, task_name: str, args: list | tuple, kwargs: dict, options: dict, error: str) -> int:
    """Keep a task to be sent by ``task_outbox_send`` or ``task_outbox_flush``; return the row's id.

    Composes inside the caller's transaction: a task kept in the transaction that made its work
    due is sent if and only if that transaction commits, even when the process dies right after.
    """
    from market.core.models import TaskOutbox

    return TaskOutbox.objects.create(task_name=task_name, args=list(args or ()), kwargs=dict(kwargs or {}),
                                     options=dict(options or {}), last_error=error[:500]).pk


def task_outbox_send(*, pk: int) -> bool | None:
    """Send one kept task and delete its row; True if sent, None if gone (sent by another), False if the broker failed.

    The row is locked (``SKIP LOCKED``: a flush running at the same moment leaves it) and deleted in
    the transaction that sent it; a failed send leaves it, counted, for the next flush.
    """
    from celery import current_app
    from django.db import transaction
    from kombu.exceptions import OperationalError

    from market.core.models import TaskOutbox

    with transaction.atomic():
        row = TaskOutbox.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        if row is None:
            return None
        try:
            task = current_app.tasks.get(row.task_name)  # apply_async runs it at once in eager mode
            send = task.apply_async if task is not None else functools.partial(current_app.send_task, row.task_name)
            send(args=row.args, kwargs=row.kwargs, **row.options)
        except OperationalError as exc:
            TaskOutbox.objects.filter(pk=pk).update(attempts=row.attempts + 1, last_error=str(exc)[:500])
            return False
        row.delete()
    return True


def task_outbox_flush(*, limit: int = 500) -> int:
    """Send the kept tasks, oldest first; return how many were sent.

    A send that fails leaves the row for the next flush and ends this one (the broker is down).
    """
    from market.core.models import TaskOutbox

    sent = 0
    for pk in TaskOutbox.objects.order_by("pk").values_list("pk", flat=True)[:limit]:
        result = task_outbox_send(pk=pk)
        if result is False:
            return sent  # the broker is still down: try again at the next flush
        sent += bool(result)
    return sent
