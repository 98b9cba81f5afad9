"""Database configuration: a PostgreSQL server from ``DATABASE_URL`` or an embedded one.

When ``DATABASE_URL`` is unset (local runs, a newcomer's first ``make run``), an
embedded PostgreSQL 16 from the ``pgserver`` package is started in a data folder
under the project and shared by every process that uses it; it stops when the last
of them exits. The same migrations serve both.
"""
from __future__ import annotations

import logging
from pathlib import Path

import dj_database_url

logger = logging.getLogger(__name__)

EMBEDDED_DATABASE_NAME = "kampung"


def database_from_url(url: str, *, conn_max_age: int = 0) -> dict:
    """Return a Django ``DATABASES`` entry for a PostgreSQL URL."""
    config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=conn_max_age > 0)
    if config["ENGINE"] != "django.db.backends.postgresql":
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://...).")
    return config


def _repair_handle_list(data_dir: Path) -> None:
    """Reset pgserver's list of attached processes when a killed process left it unreadable.

    pgserver keeps the processes that use the embedded server in ``.handle_pids.json`` (the last
    to leave stops the server). A process killed while rewriting it leaves an empty or cut file,
    and every later start crashed with a ``JSONDecodeError``. A second read after a pause tells a
    file being rewritten right now from a broken one.
    """
    import json
    import time

    path = data_dir / ".handle_pids.json"
    for attempt in range(2):
        try:
            values = json.loads(path.read_text())
        except FileNotFoundError:
            return
        except ValueError:
            values = None
        if isinstance(values, list) and all(isinstance(value, int) for value in values):
            return
        if attempt == 0:
            time.sleep(0.2)
    logger.warning("Reset the embedded database's process list %s: it was unreadable", path)
    path.write_text("[]")


def embedded_database(data_dir: Path) -> dict:
    """Start (or join) the embedded PostgreSQL in ``data_dir`` and return its settings."""
    import warnings

    import psycopg

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); pgserver copes.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    _repair_handle_list(data_dir)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    info = server.get_postmaster_info()
    host = str(info.socket_dir) if info.socket_dir else "127.0.0.1"
    port = str(info.port or "")
    with psycopg.connect(host=host, port=port or None, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DATABASE_NAME]).fetchone()
        if not exists:
            try:
                conn.execute(f'CREATE DATABASE "{EMBEDDED_DATABASE_NAME}"')
                logger.info("Created embedded database %s in %s", EMBEDDED_DATABASE_NAME, data_dir)
            except psycopg.errors.DuplicateDatabase:
                pass  # another process sharing the server (a parallel test worker) created it just now
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": EMBEDDED_DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": host,
        "PORT": port,
        "CONN_MAX_AGE": 0,
    }
