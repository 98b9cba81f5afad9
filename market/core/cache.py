"""The shared cache: Redis, falling back to the database cache table while Redis is unreachable.

Rate limits (allauth's sign-in lockout, the API throttles) and the synonym cache live in the
shared cache. When Redis stopped, every one of those reads raised and the site answered 500 to
sign-in, sign-up, search and the whole API. Failing open would switch the lockout off exactly
when something is wrong, so instead each call falls back to ``core_cache`` (the table
``migrate`` creates everywhere): counts keep counting, in PostgreSQL, until Redis answers again.

After a failure Redis is left alone for ``retry_seconds`` (a circuit breaker), so a dead Redis
costs one failed connection per process every few seconds, not one per cache call.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

FALLBACK_TABLE = "core_cache"


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class RedisCacheWithFallback(BaseCache):
    """A ``RedisCache`` that answers from the database cache while Redis is unreachable."""

    def __init__(self, server: str, params: dict[str, Any]):
        super().__init__(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5.0))
        # A dead Redis must fail fast: short connect and read timeouts unless configured.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        shared = {key: value for key, value in params.items() if key != "OPTIONS"}
        self.primary = RedisCache(server, {**shared, "OPTIONS": options})
        self.fallback = DatabaseCache(FALLBACK_TABLE, shared)
        self._errors = _redis_errors()
        self._down_until = 0.0
        self._lock = threading.Lock()

    # -- the circuit -------------------------------------------------------------------------

    def primary_available(self) -> bool:
        """Return whether Redis is in use now (not inside a pause after a failure)."""
        return time.monotonic() >= self._down_until

    def _call(self, name: str, *args, **kwargs):
        if self.primary_available():
            try:
                return getattr(self.primary, name)(*args, **kwargs)
            except self._errors as exc:
                with self._lock:
                    if self.primary_available():
                        logger.warning("Redis cache unreachable (%s): using the database cache for %.0f s",
                                       type(exc).__name__, self.retry_seconds)
                    self._down_until = time.monotonic() + self.retry_seconds
        return getattr(self.fallback, name)(*args, **kwargs)

    def ping_primary(self) -> None:
        """Raise unless Redis answers now (for /healthz), whatever the circuit says."""
        self.primary._cache.get_client(write=True).ping()

    # -- the cache API -------------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        self.fallback.clear()
        return self._call("clear")

    def close(self, **kwargs):
        self.primary.close(**kwargs)
        self.fallback.close(**kwargs)
