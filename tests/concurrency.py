"""Run code at the same moment on separate database connections (tests on real PostgreSQL)."""
from __future__ import annotations

import threading

from django.db import connection
from django.utils import translation


def race(workers: int, target, *, timeout: float = 120) -> list:
    """Run ``target(i)`` in ``workers`` threads that start together; return what each returned or raised.

    Each thread has its own database connection (closed at the end) and runs in English, as the
    language is per thread.
    """
    barrier = threading.Barrier(workers)
    results = [None] * workers

    def run(index):
        try:
            barrier.wait()
            with translation.override("en"):
                results[index] = target(index)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
