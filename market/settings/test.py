"""Test runs: like local, fast password hashing, mail kept in memory, tasks eager by default."""
import os
from urllib.parse import urlparse

from market.settings.base import *  # noqa: F401,F403
from market.settings.base import CACHE_URL, CACHES, CELERY_BROKER_URL, env_str


def xdist_worker_redis_url(url: str) -> str:
    """Return ``url`` with a Redis database of this pytest-xdist worker's own (gw0: as given, gw1: one below...).

    ``make test`` runs the suite in parallel; a worker that clears its cache (``flushdb``) or fills
    its queues must not touch another's. Outside xdist the URL is returned unchanged.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not url.startswith(("redis://", "rediss://")):
        return url
    parsed = urlparse(url)
    base = int(parsed.path.strip("/") or 0)
    return parsed._replace(path=f"/{(base - int(worker[2:])) % 16}").geturl()


if CACHE_URL:  # a Redis cache (the default is the database cache table, already one per worker's database)
    CACHES = {"default": {**CACHES["default"], "LOCATION": xdist_worker_redis_url(CACHE_URL)}}

DEBUG = False
# Factories write the catalogue without its services: pages are live unless a test turns the cache on.
PAGE_CACHE_SECONDS = 0
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-test-only-7d2e4a1b")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests that need a real worker start one against CELERY_BROKER_URL themselves.
CELERY_TASK_ALWAYS_EAGER = True
TEST_CELERY_BROKER_URL = CELERY_BROKER_URL
# WhiteNoise serves from the apps' static folders (finders); no collectstatic needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Card payments are offered in tests; tests/payments point STRIPE_API_BASE at a local emulator
# (localstripe), and anything else that reached Stripe would fail fast on this closed port.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "sk_test_kampung")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "pk_test_kampung")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "whsec_test_kampung")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "http://127.0.0.1:9")
# A programme bank account for the tests (none is configured by default: docs/configuration.md).
PAYMENTS_BANK_NAME = env_str("PAYMENTS_BANK_NAME", "Bank Jatim")
PAYMENTS_BANK_ACCOUNT_NUMBER = env_str("PAYMENTS_BANK_ACCOUNT_NUMBER", "0011223344")
PAYMENTS_BANK_ACCOUNT_NAME = env_str("PAYMENTS_BANK_ACCOUNT_NAME", "Disperindag Kabupaten Jember")
