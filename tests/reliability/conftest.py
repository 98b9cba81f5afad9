"""Fixtures of the fault-injection tests: a real worker to kill, and the figures they report."""
from __future__ import annotations

import pytest

from tests.reliability.report import fault_record


@pytest.fixture
def broker(redis_url):
    """The test's own Redis database as the broker, emptied, with tasks really sent (not eager)."""
    import redis
    from kombu import pools

    from market.celery import app

    redis.Redis.from_url(redis_url).flushdb()

    def forget_connections():
        pools.reset()
        app.amqp._producer_pool = None
        app._pool = None

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = redis_url, False
    forget_connections()
    yield redis_url
    app.conf.broker_url, app.conf.task_always_eager = saved
    forget_connections()
    redis.Redis.from_url(redis_url).flushdb()


@pytest.fixture
def eager(broker):
    """``with eager():`` runs tasks in this process while the test builds its data (nothing reaches the queue)."""
    from contextlib import contextmanager

    from market.celery import app

    @contextmanager
    def running_here():
        app.conf.task_always_eager = True
        try:
            yield
        finally:
            app.conf.task_always_eager = False

    return running_here


@pytest.fixture
def idle(broker):
    """Return a check that every task sent is done and acknowledged (empty queue, nothing unacknowledged)."""
    import redis

    client = redis.Redis.from_url(broker)
    return lambda: client.llen("celery") == 0 and client.hlen("unacked") == 0


@pytest.fixture
def workers(broker, tmp_path, transactional_db):
    """Start workers with ``workers(pause_at=..., env=...)``; every one is stopped before the database is flushed."""
    from tests.reliability.processes import Worker

    started: list[Worker] = []
    (tmp_path / "mail").mkdir()

    def start(*, pause_at: str = "", env: dict[str, str] | None = None) -> Worker:
        worker = Worker(broker_url=broker, fault_dir=tmp_path, env=env).start(pause_at=pause_at)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def fault(request):
    """Record a fault this test injects (``fault("worker killed", "point")``): printed at the end of the run."""
    def record(kind: str, where: str) -> None:
        fault_record(request.node, kind=kind, where=where)

    return record


# The Stripe emulator of the payments tests (localstripe, a process of its own).
from tests.payments.conftest import localstripe_server, stripe_emulator  # noqa: E402, F401
