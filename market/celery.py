"""The Celery application, configured from Django settings (``CELERY_`` namespace).

Services enqueue work with ``some_task.delay_on_commit(...)`` so that a task never
runs for a transaction that rolled back, nor before its rows are visible.

The worker and beat are entry points like gunicorn: they take their settings from
:func:`market.entrypoints.use_settings` (production unless told otherwise) and run the
production start checks before they take work.
"""
import sys

from celery import Celery
from celery.signals import beat_init, worker_init

from market.entrypoints import use_settings

use_settings()

app = Celery("market", task_cls="market.core.task_base:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _refuse_unsafe_start(**kwargs) -> None:
    """Stop the worker or beat before it takes work (Celery logs and ignores a handler's exception)."""
    from django.core.exceptions import ImproperlyConfigured

    from market.startup import refuse_unsafe_start

    try:
        refuse_unsafe_start()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"{exc}\n")
        raise SystemExit(1) from exc
