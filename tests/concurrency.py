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


def while_held(first, second, *, settle: float = 0.5, timeout: float = 20) -> tuple:
    """Run ``first()`` in a transaction it keeps open, and ``second()`` in another thread meanwhile.

    ``second`` starts once ``first`` has returned (its writes and locks uncommitted), is given ``settle``
    seconds to reach the lock it must wait for, and then ``first``'s transaction commits. Return what
    ``first`` returned and what ``second`` returned or raised. Each thread closes its own connection.
    """
    from django.db import close_old_connections, transaction

    done, may_commit = threading.Event(), threading.Event()
    results = {}

    def hold():
        try:
            with transaction.atomic():
                results["first"] = first()
                done.set()
                may_commit.wait(timeout)
        finally:
            done.set()
            close_old_connections()

    def wait_then_run():
        try:
            done.wait(timeout)
            results["second"] = second()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            results["second"] = error
        finally:
            close_old_connections()

    threads = [threading.Thread(target=hold), threading.Thread(target=wait_then_run)]
    for thread in threads:
        thread.start()
    done.wait(timeout)
    threading.Event().wait(settle)
    may_commit.set()
    for thread in threads:
        thread.join(timeout)
    return results.get("first"), results.get("second")
