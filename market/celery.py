"""The Celery application, configured from Django settings (``CELERY_`` namespace).

Services enqueue work with ``some_task.delay_on_commit(...)`` so that a task never
runs for a transaction that rolled back, nor before its rows are visible.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "market.settings.local")

app = Celery("market", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
