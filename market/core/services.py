"""Kernel services every app may call."""
from __future__ import annotations

from django.core.mail import EmailMultiAlternatives


def email_send(*, subject: str, body: str, to: list[str], html_body: str | None = None,
               from_email: str | None = None, headers: dict | None = None) -> None:
    """Send one email now (called by ``email_send_task``; use the task from services)."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to, headers=headers)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()


def task_outbox_add(*, task_name: str, args: list | tuple, kwargs: dict, options: dict, error: str) -> None:
    """Keep a task the broker refused, to be sent by ``task_outbox_flush``."""
    from market.core.models import TaskOutbox

    TaskOutbox.objects.create(task_name=task_name, args=list(args or ()), kwargs=dict(kwargs or {}),
                              options=dict(options or {}), last_error=error[:500])


def task_outbox_flush(*, limit: int = 500) -> int:
    """Send the tasks kept while the broker was down, oldest first; return how many were sent.

    Each row is locked (``SKIP LOCKED``: overlapping flushes share the work) and deleted in the
    transaction that sent it. A send that fails leaves the row for the next flush.
    """
    from celery import current_app
    from django.db import transaction
    from kombu.exceptions import OperationalError

    from market.core.models import TaskOutbox

    sent = 0
    for pk in TaskOutbox.objects.order_by("pk").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            row = TaskOutbox.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                continue
            try:
                current_app.send_task(row.task_name, args=row.args, kwargs=row.kwargs, **row.options)
            except OperationalError as exc:
                TaskOutbox.objects.filter(pk=pk).update(attempts=row.attempts + 1, last_error=str(exc)[:500])
                return sent  # the broker is still down: try again at the next flush
            row.delete()
            sent += 1
    return sent
