"""Background work of the search app: index what changed, sweep, refresh."""
from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from search.services import search_compact, search_mark_all, search_mark_permits_expired, search_sync

RETRY_BACKOFF_MAX = 600


def _result(report) -> dict:
    return {"indexed": report.indexed, "removed": report.removed, "handled": report.handled,
            "remaining": report.remaining, "failed": report.failed}


@shared_task(bind=True, max_retries=5, soft_time_limit=55)
def search_sync_task(self) -> dict:
    """Index the items marked dirty (enqueued after each catalogue commit).

    Idempotent: a retried or duplicated run re-reads the catalogue and rewrites the same documents.
    When the backend is unavailable the marks stay and the task retries with exponential backoff
    (5 s, 10 s, ... up to ten minutes); run eagerly (no broker) it gives up at once. Either way
    ``search_sweep_task`` catches up once the backend is back.
    """
    report = search_sync(time_budget=40.0)
    if report.failed and not self.request.is_eager:
        raise self.retry(countdown=min(RETRY_BACKOFF_MAX, 5 * 2 ** self.request.retries))
    if report.remaining and not report.failed and not self.request.is_eager:
        search_sync_task.delay()  # more than one run's worth (e.g. after a full refresh)
    return _result(report)


@shared_task(soft_time_limit=55)
def search_sweep_task() -> dict:
    """Every minute (beat): index whatever is still marked, e.g. after the backend was down.

    Never retries by itself: the next sweep is the retry.
    """
    report = search_sync(time_budget=40.0)
    return _result(report)


@shared_task
def search_permits_expired_task() -> int:
    """Daily: re-index the products whose permits expired (their certifications and readiness change)."""
    count = search_mark_permits_expired(today=timezone.localdate())
    return count


@shared_task
def search_refresh_task() -> int:
    """Weekly: mark everything for re-indexing (catches edits made outside the services, e.g. category names)."""
    marked = search_mark_all()
    search_sync_task.delay()
    return marked


@shared_task(soft_time_limit=1800, time_limit=1900)
def search_compact_task() -> int:
    """Nightly: store the product entries in quality order again (see ``Database.compact``)."""
    return search_compact()
