"""The base class of every task: sending after commit never turns a saved change into a 500.

Celery's ``DjangoTask.delay_on_commit`` sends the task once the transaction commits; when the
broker was down, the send raised after the change was saved, and the person saw an error for
something that had happened (and the task was lost). Here a refused send is kept in the
``TaskOutbox`` table and sent by ``task_outbox_flush_task`` when the broker is back.
"""
from __future__ import annotations

import functools
import logging

from celery.contrib.django.task import DjangoTask
from django.db import transaction

logger = logging.getLogger(__name__)


class OutboxTask(DjangoTask):
    def delay_on_commit(self, *args, **kwargs) -> None:
        """Send ``delay(*args, **kwargs)`` after commit; keep it in the outbox if the broker is down."""
        transaction.on_commit(functools.partial(self._send_or_keep, args, kwargs, {}))

    def apply_async_on_commit(self, args=None, kwargs=None, **options) -> None:
        """Send ``apply_async(...)`` after commit; keep it in the outbox if the broker is down."""
        transaction.on_commit(functools.partial(self._send_or_keep, args or (), kwargs or {}, options))

    def delay_durably(self, *args, **kwargs) -> int:
        """Send ``delay(*args, **kwargs)`` if and only if the current transaction commits, even if this
        process dies right after the commit.

        The task is written to the ``TaskOutbox`` in the transaction and sent from there after commit;
        if the process died first (or the broker is down), ``task_outbox_flush_task`` sends it. For work
        recorded as done in the same transaction (a notification marked sent), so that a killed worker
        neither sends it twice nor loses it. Return the outbox row's id: a caller that knows its
        transaction has ended may send it at once with ``task_outbox_send`` (sent once either way).
        """
        from market.core.services import task_outbox_add, task_outbox_send

        pk = task_outbox_add(task_name=self.name, args=args, kwargs=kwargs, options={}, error="")
        transaction.on_commit(functools.partial(task_outbox_send, pk=pk))
        return pk

    def _send_or_keep(self, args, kwargs, options) -> None:
        from kombu.exceptions import OperationalError

        from market.core.services import task_outbox_add

        try:
            self.apply_async(args, kwargs, **options)
        except OperationalError as exc:
            logger.warning("Broker unreachable: %s kept in the task outbox (%s)", self.name, exc)
            task_outbox_add(task_name=self.name, args=args, kwargs=kwargs, options=options, error=str(exc))
