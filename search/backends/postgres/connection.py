"""The bottom of the PostgreSQL backend: cursors, the settings of a search's transaction, the index lock."""
from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property

from django.db import connections, transaction

from . import tuning


class Connection:
    """One database alias of the backend, and what its server can do."""

    def __init__(self, using: str = "default"):
        self.using = using

    @cached_property
    def trigram(self) -> bool:
        """Whether ``pg_trgm`` is installed."""
        with self.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            return cursor.fetchone() is not None

    def ping(self) -> bool:
        try:
            with self.cursor() as cursor:
                cursor.execute("SELECT 1 FROM search_productentry LIMIT 1")
            return True
        except Exception:  # noqa: BLE001 - a ping answers, it does not raise
            return False

    def cursor(self):
        return connections[self.using].cursor()

    @contextmanager
    def read_cursor(self):
        """A cursor for one interactive read, in its own transaction, without JIT and parallel workers.

        Over a million entries the planner's costs pass ``jit_above_cost`` and compiling the
        statement takes longer (100+ ms) than running it; starting parallel workers costs tens of
        milliseconds, even for a branch that a one-time filter never runs.
        """
        with transaction.atomic(using=self.using), self.cursor() as cursor:
            cursor.execute("SELECT set_config('jit', 'off', true), "
                           "set_config('max_parallel_workers_per_gather', '0', true)")
            yield cursor

    @contextmanager
    def write_cursor(self):
        """A cursor in a transaction that holds the index lock (index writes are serialised)."""
        with transaction.atomic(using=self.using), self.cursor() as cursor:
            lock(cursor)
            yield cursor


def lock(cursor) -> None:
    """Take the index lock for the rest of ``cursor``'s transaction."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [tuning.LOCK_KEY])
