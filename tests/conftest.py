"""Shared fixtures: users, real services (Redis, a Celery worker) and the browser."""
from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest

from market.settings.test import xdist_worker_redis_url

# Playwright's sync API runs an event loop in the test thread; the live server and ORM are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
# One Redis database per parallel worker (market.settings.test): queues and flushes stay apart.
TEST_REDIS_URL = xdist_worker_redis_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))


def require(condition: bool, reason: str) -> None:
    """Skip when a real service is missing locally; in CI a missing service is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required in CI: .ci/run installs and starts it)")
    pytest.skip(reason)


def tcp_reachable(url: str, timeout: float = 0.5) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=timeout):
            return True
    except OSError:
        return False


def mutant_run() -> bool:
    """Return whether this run tests one of mutmut's mutants (``make mutation``, docs/testing.md).

    mutmut runs the core's tests unchanged first ("stats", then a clean run, in the same test
    database), then each mutant with the tests that call the mutated function.
    """
    return "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", "")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_keepdb):
    """For a mutant, use the test database as the clean run of the same mutmut run left it.

    With ``--reuse-db`` Django keeps the test database but still runs ``migrate`` on it (it renders
    every model's state to find nothing to do): two to three seconds per mutant, more than most of
    the tests a mutant runs. mutmut's clean run of the same tests, just before the mutants, has
    set up and migrated that database (and passed), so a mutant's run only points the connections
    at it: pytest-django's ``django_db_setup`` then calls this ``setup_databases`` instead of Django's.
    """
    if not (mutant_run() and django_db_keepdb):
        yield
        return
    from django.test import utils

    def point_at_the_test_databases(*, aliases=None, **_kwargs):
        from django.conf import settings
        from django.db import connections

        for alias in aliases if aliases is not None else connections:
            connection = connections[alias]
            name = connection.creation._get_test_db_name()
            connection.close()
            settings.DATABASES[alias]["NAME"] = connection.settings_dict["NAME"] = name
        return []  # nothing to tear down: --reuse-db keeps the database

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(utils, "setup_databases", point_at_the_test_databases)
        yield


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Start each test with an empty cache: allauth's rate limits count in it, and transactional
    tests do not roll back the database cache table."""
    if "django_db_setup" in request.fixturenames or request.node.get_closest_marker("django_db"):
        from django.core.cache import cache

        with request.getfixturevalue("django_db_blocker").unblock():
            cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _media_root(tmp_path_factory):
    """Keep uploaded files of the test run out of the project's var/media."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture
def english_pages(client):
    """Pages and messages in English, the source language the tests assert (cookie and active language)."""
    from django.utils import translation

    client.cookies["ki_language"] = "en"
    with translation.override("en"):
        yield client


@pytest.fixture
def redis_url() -> str:
    require(tcp_reachable(TEST_REDIS_URL), f"Redis is not reachable at {TEST_REDIS_URL}")
    return TEST_REDIS_URL


pytest_plugins = ["tests.fixtures", "tests.reliability.report"]  # the report: faults and fuzzing figures


# The authorization matrix's figures, printed at the end of any run that includes it (see the module).
from tests.security.report import pytest_runtest_logreport, pytest_terminal_summary  # noqa: E402, F401
