"""``/healthz``: is each backing service reachable?

200 ``ok`` when all are. 200 ``degraded`` when Redis (cache or broker) is down: the site still
serves (the cache falls back to the database, tasks wait in the outbox), so a load balancer must
keep the instance, while monitoring sees what is down. 503 ``down`` when the database is down.
"""
from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_cache() -> str:
    if hasattr(cache, "ping_primary"):  # Redis with the database behind it: is Redis itself up?
        cache.ping_primary()
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)
    return "ok"


def check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"  # no broker configured: tasks run in-process
    timeout = settings.HEALTHCHECK_TIMEOUT_SECONDS
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=timeout,
                    transport_options={"socket_timeout": timeout}) as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)
        # Some transports connect lazily: open a channel to touch the server.
        conn.default_channel  # noqa: B018
    return "ok"


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}
CRITICAL = {"database"}  # without it nothing works; without the others the site degrades


def run_checks() -> tuple[str, dict]:
    """Return ``ok``, ``degraded`` or ``down``, and each check's status and time."""
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            status = check()
            results[name] = {"status": status}
        except Exception as exc:  # noqa: BLE001 - any failure means the service is down
            results[name] = {"status": "down", "error": type(exc).__name__}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    failed = {name for name, result in results.items() if result["status"] == "down"}
    return ("down" if failed & CRITICAL else "degraded" if failed else "ok"), results


@never_cache
@require_GET
def healthz(request):
    status, results = run_checks()
    return JsonResponse({"status": status, "checks": results}, status=503 if status == "down" else 200)
