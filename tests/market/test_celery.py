"""Celery: configuration, tasks only after commit, and a real worker on Redis."""
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction
from kombu import Connection

from market.celery import app
from market.core.tasks import email_send_task

ROOT = Path(__file__).resolve().parents[2]


def test_configuration_for_idempotent_tasks():
    conf = app.conf

    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert (conf.task_soft_time_limit, conf.task_time_limit) == (60, 120)
    assert conf.timezone == "Asia/Jakarta"
    assert hasattr(email_send_task, "delay_on_commit")


@pytest.mark.django_db(transaction=True)
def test_tasks_enqueued_on_commit_never_run_for_a_rolled_back_transaction():
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            email_send_task.delay_on_commit(subject="Rolled back", body="-", to=["a@example.id"])
            raise RuntimeError("boom")
    assert mail.outbox == []

    with transaction.atomic():
        email_send_task.delay_on_commit(subject="Committed", body="Halo", to=["a@example.id"])
        assert mail.outbox == []  # not before commit
    assert [m.subject for m in mail.outbox] == ["Committed"]


@pytest.mark.worker
def test_a_real_worker_runs_a_task_from_redis(redis_url, tmp_path):
    """Start `celery worker` as its own process; send a task through Redis; see its effect."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    outbox = tmp_path / "mail"
    outbox.mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "market.settings.local", "CELERY_BROKER_URL": redis_url,
           "EMAIL_FILE_PATH": str(outbox), "DEBUG": "false"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "market", "worker", "--pool=solo", "--concurrency=1",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", queue, "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with Connection(redis_url) as connection:
            email_send_task.apply_async(
                kwargs={"subject": "Pesanan diterima", "body": "Terima kasih", "to": ["toko@example.id"]},
                queue=queue, connection=connection,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(outbox.iterdir()):
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.2)
        files = list(outbox.iterdir())
        assert len(files) == 1, "the worker did not send the email within 60 s"
        message = files[0].read_text()
        assert "Subject: Pesanan diterima" in message
        assert "To: toko@example.id" in message
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_beat_schedule_names_registered_tasks():
    from django.conf import settings

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "catalog.tasks.permit_expiry_notify_task" in scheduled
    assert scheduled <= set(app.tasks)
