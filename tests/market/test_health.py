"""/healthz: 200 ``ok`` when all answer, 200 ``degraded`` naming Redis (cache, broker) when it is down
(the site still serves), 503 ``down`` when the database is down."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT_REDIS = "redis://127.0.0.1:9/0"  # port 9 (discard) is closed on loopback

pytestmark = pytest.mark.django_db


def test_healthy_without_a_broker_reports_eager_tasks(client, settings):
    settings.CELERY_BROKER_URL = None

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok", "cache": "ok", "broker": "eager"}


def test_healthy_with_a_real_redis_broker(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["broker"]["status"] == "ok"


def test_broker_down_is_degraded_not_down(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT_REDIS
    settings.HEALTHCHECK_TIMEOUT_SECONDS = 0.5

    response = client.get("/healthz")

    assert response.status_code == 200  # a load balancer keeps the instance: tasks wait in the outbox
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "ok"


def test_redis_cache_down_is_degraded_and_named(client, settings):
    settings.CELERY_BROKER_URL = None
    settings.CACHES = {"default": {"BACKEND": "market.core.cache.RedisCacheWithFallback",
                                   "LOCATION": CLOSED_PORT_REDIS}}

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"] == {"status": "down", "error": "ConnectionError",
                                                  "ms": response.json()["checks"]["cache"]["ms"]}


def test_database_down_gives_503():
    """A separate process whose DATABASE_URL points at a closed port."""
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, json.dumps(r.json()))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "market.settings.test",
           "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nothing", "REDIS_URL": ""}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    body = json.loads(body)
    assert status == "503"
    assert body["checks"]["database"]["status"] == "down"
    assert body["checks"]["database"]["error"] == "OperationalError"
