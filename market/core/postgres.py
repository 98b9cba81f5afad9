"""PostgreSQL capabilities that differ between servers (the embedded one lacks pg_trgm)."""
from __future__ import annotations

import logging

from django.db import DatabaseError, connections, transaction

logger = logging.getLogger(__name__)


def postgres_extension_available(name: str, *, using: str = "default") -> bool:
    """Return whether the server can provide extension ``name`` (installed or installable)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s", [name])
        return cursor.fetchone() is not None


def postgres_extension_ensure(name: str, *, using: str = "default") -> bool:
    """Create extension ``name`` if the server has it; return whether it is now installed.

    Never raises for a missing extension or missing privilege: callers degrade instead.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [name])
        if cursor.fetchone():
            return True
    if not postgres_extension_available(name, using=using):
        logger.info("PostgreSQL extension %s is not available on this server; degrading.", name)
        return False
    try:
        # atomic() makes a savepoint when nested, so a refusal leaves the caller's transaction usable.
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(f'CREATE EXTENSION IF NOT EXISTS "{name}"')
        return True
    except DatabaseError:  # e.g. insufficient privilege on a managed server
        logger.warning("Could not create PostgreSQL extension %s; degrading.", name, exc_info=True)
        return False


def text_search_config_available(name: str = "indonesian", *, using: str = "default") -> bool:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [name])
        return cursor.fetchone() is not None
