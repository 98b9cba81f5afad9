"""Redis stops while people use the site: pages, sign-in, the API and search keep working, and the
tasks sent while it is down wait in the outbox and go out when it is back.

A private ``redis-server`` is started on a free port for each test and really stopped and started
again (the shared Redis of the machine is never touched). Before: every API call answered 500
(DRF's throttle reads the cache), sign-in and sign-up answered 500 (allauth's rate limiter), search
answered 500, and sign-up committed the account and then raised the broker's error.
"""
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core import mail

from market.accounts.models import User
from market.core.models import TaskOutbox
from market.core.services import task_outbox_flush
from tests.conftest import require
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


class PrivateRedis:
    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url).ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("the private Redis did not start")

    def stop(self):
        self.process.kill()
        self.process.wait(timeout=10)

    def client(self):
        return redis.Redis.from_url(self.url)


@pytest.fixture
def private_redis():
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = PrivateRedis()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def redis_cache(settings, private_redis):
    settings.CACHES = {"default": {"BACKEND": "market.core.cache.RedisCacheWithFallback",
                                   "LOCATION": private_redis.url, "KEY_PREFIX": "test",
                                   "OPTIONS": {"RETRY_SECONDS": 1}}}
    return private_redis


@pytest.fixture
def redis_broker(private_redis):
    """Point the Celery app at the private Redis and stop running tasks eagerly, for this test."""
    from kombu import pools

    from market.celery import app

    def forget_connections():
        pools.reset()
        app.amqp._producer_pool = None
        app._pool = None

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = private_redis.url, False
    forget_connections()
    yield private_redis
    app.conf.broker_url, app.conf.task_always_eager = saved
    forget_connections()


def test_pages_the_api_and_search_keep_working_when_the_cache_stops(client, redis_cache):
    assert client.get("/api/v1/products/").status_code == 200
    assert redis_cache.client().dbsize() > 0  # the throttle counted in Redis

    redis_cache.stop()

    assert client.get("/api/v1/products/").status_code == 200
    assert client.get("/search/?q=kopi").status_code == 200
    assert client.get("/accounts/signup/").status_code == 200
    assert client.get("/healthz").json()["checks"]["cache"]["status"] == "down"


def test_the_sign_in_lockout_holds_while_the_cache_is_down(client, redis_cache):
    person = UserFactory(email="siti@example.id")
    redis_cache.stop()

    for _ in range(5):
        wrong = client.post("/accounts/login/", {"login": person.email, "password": "salah-sandi-2026"})
        assert wrong.status_code == 200
    locked = client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})

    assert locked.status_code == 200  # refused: the failures were counted in the database meanwhile
    assert "_auth_user_id" not in client.session


def test_the_cache_goes_back_to_redis_when_it_returns(client, redis_cache):
    redis_cache.stop()
    assert client.get("/api/v1/products/").status_code == 200

    redis_cache.start()
    time.sleep(1.1)  # the pause after a failure (RETRY_SECONDS)
    client.get("/api/v1/products/")

    assert redis_cache.client().dbsize() > 0


def test_a_sign_up_while_the_broker_is_down_is_saved_and_its_email_sent_later(client, redis_broker):
    # given: the broker stops
    redis_broker.stop()

    # when: someone signs up (the confirmation email is a task sent after commit)
    response = client.post("/accounts/signup/", {
        "full_name": "Siti Aminah", "email": "siti@example.id", "role": "consumer",
        "password1": PASSWORD, "password2": PASSWORD})

    # then: no error page, the account exists, the email task waits in the outbox
    assert response.status_code == 302
    assert User.objects.filter(email="siti@example.id").exists()
    assert list(TaskOutbox.objects.values_list("task_name", flat=True)) == ["market.core.tasks.email_send_task"]
    assert task_outbox_flush() == 0  # still down: nothing sent, nothing lost
    assert TaskOutbox.objects.get().attempts == 2

    # when: the broker is back and the flush runs
    redis_broker.start()
    sent = task_outbox_flush()

    # then: the task is on the queue, once
    assert sent == 1
    assert not TaskOutbox.objects.exists()
    assert redis_broker.client().llen("celery") == 1
    assert mail.outbox == []  # a worker sends it; nothing ran in this process
