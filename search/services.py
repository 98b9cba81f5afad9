"""Writes of the search app: mark what changed, bring the index up to date, keep synonyms.

Catalogue services call ``search_mark_dirty`` inside their transaction: it writes a mark per
product or village (``DirtyItem``) and enqueues ``search_sync_task`` for after the commit, so a
rolled-back edit leaves neither a mark nor a task. The task indexes the marked items through
the configured backend and deletes the marks it handled; when the backend is down the marks
stay and the task (or the sweep every minute) catches up later. Indexing is idempotent: it
rebuilds each item's document from the current catalogue, whatever happened before.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Producer, ProducerPermit, Product
from market.accounts.models import User
from market.core.errors import PermissionDenied, ValidationFailed
from market.core.faults import fault_point
from market.core.pagecache import public_pages_changed
from search import language
from search.backends import get_backend
from search.backends.base import SearchUnavailable
from search.models import DirtyItem, Synonym

logger = logging.getLogger(__name__)

SYNC_BATCH = 500


def _mark(kind: str, keys: list[str]) -> None:
    if not keys:
        return
    now = timezone.now()
    with connection.cursor() as cursor:
        # In key order, so that two transactions marking the same items never deadlock.
        cursor.execute(
            """INSERT INTO search_dirtyitem (kind, key, version, marked_at, attempts)
               SELECT %s, k, 1, %s, 0 FROM unnest(%s::text[]) AS k ORDER BY k
               ON CONFLICT (kind, key) DO UPDATE
               SET version = search_dirtyitem.version + 1, marked_at = EXCLUDED.marked_at""",
            [kind, now, sorted(set(keys))])


def search_mark_dirty(*, product_ids: Iterable[int] = (), producer_ids: Iterable[int] = (),
                      village_codes: Iterable[str] = (), village_products: bool = False) -> None:
    """Mark search documents that a change in the current transaction may have made stale.

    ``producer_ids`` marks the listed products of those producers and their villages (which count
    verified producers); ``village_products`` also marks the listed products of ``village_codes``.
    Indexing is enqueued for after the commit.
    """
    product_ids = {int(pk) for pk in product_ids}
    village_codes = {str(code) for code in village_codes}
    producer_ids = {int(pk) for pk in producer_ids}
    if producer_ids:
        for pk, village in (Product.objects.filter(producer_id__in=producer_ids, listed=True).order_by()
                            .values_list("pk", "producer__village_id")):
            product_ids.add(pk)
            village_codes.add(village)
        village_codes.update(Producer.objects.filter(pk__in=producer_ids).values_list("village_id", flat=True))
    if village_products and village_codes:
        product_ids.update(Product.objects.filter(producer__village_id__in=village_codes, listed=True)
                           .values_list("pk", flat=True))
    if not product_ids and not village_codes:
        return
    _mark(DirtyItem.Kind.PRODUCT, [str(pk) for pk in product_ids])
    _mark(DirtyItem.Kind.VILLAGE, sorted(village_codes))
    from search.tasks import search_sync_task

    search_sync_task.delay_on_commit()


def search_mark_all() -> int:
    """Mark every public product, every indexed entry and every village profile (a full refresh)."""
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO search_dirtyitem (kind, key, version, marked_at, attempts)
            SELECT 'product', k, 1, %(now)s, 0 FROM (
                SELECT id::text AS k FROM catalog_product WHERE listed
                UNION SELECT product_id::text FROM search_productentry) p
            UNION ALL
            SELECT 'village', k, 1, %(now)s, 0 FROM (
                SELECT village_id AS k FROM catalog_villageprofile
                UNION SELECT village_code FROM search_villageentry) v
            ON CONFLICT (kind, key) DO UPDATE
            SET version = search_dirtyitem.version + 1, marked_at = EXCLUDED.marked_at""", {"now": timezone.now()})
        return cursor.rowcount


def search_compact() -> int:
    """Let the backend reorganise its index for fast reads (nightly); return the rows it rewrote."""
    started = time.monotonic()
    rows = get_backend().compact()
    logger.info("Search index compacted: %s rows in %.1f s", rows, time.monotonic() - started)
    return rows


def search_mark_permits_expired(*, today: date, days: int = 7) -> int:
    """Mark the products of producers whose permits expired in the last ``days`` days (readiness changes
    with the date, not with an edit). Return how many producers were concerned."""
    producer_ids = set(ProducerPermit.objects.filter(expires_on__gte=today - timedelta(days=days),
                                                     expires_on__lt=today).values_list("producer_id", flat=True))
    search_mark_dirty(producer_ids=producer_ids)
    return len(producer_ids)


@dataclass
class SyncReport:
    indexed: int = 0
    removed: int = 0
    handled: int = 0
    remaining: int = 0
    failed: bool = False


def _handled(items: list[tuple[int, int]]) -> None:
    """Delete the marks handled, unless they were marked again meanwhile (another version)."""
    with connection.cursor() as cursor:
        cursor.execute("""DELETE FROM search_dirtyitem d USING unnest(%s::bigint[], %s::int[]) AS h(id, version)
                          WHERE d.id = h.id AND d.version = h.version""",
                       [[pk for pk, _v in items], [version for _pk, version in items]])


def _failed(items: list[tuple[int, int]]) -> None:
    DirtyItem.objects.filter(pk__in=[pk for pk, _v in items]).update(attempts=F("attempts") + 1)


def search_sync(*, batch: int = SYNC_BATCH, time_budget: float = 40.0) -> SyncReport:
    """Index the marked items through the configured backend, oldest marks first.

    Stops when nothing is left, when ``time_budget`` seconds have passed (the task enqueues
    itself again) or when the backend is unavailable (the marks stay; ``failed`` is set).
    """
    backend = get_backend()
    report = SyncReport()
    started = time.monotonic()
    while True:
        marks = list(DirtyItem.objects.order_by("marked_at", "pk").values_list("pk", "kind", "key", "version")[:batch])
        if not marks:
            break
        products = [(pk, version, key) for pk, kind, key, version in marks if kind == DirtyItem.Kind.PRODUCT]
        villages = [(pk, version, key) for pk, kind, key, version in marks if kind == DirtyItem.Kind.VILLAGE]
        for items, index in ((products, lambda keys: backend.index_products([int(k) for k in keys])),
                             (villages, backend.index_villages)):
            if not items:
                continue
            try:
                result = index([key for _pk, _version, key in items])
            except SearchUnavailable:
                logger.warning("Search backend %s unavailable; %s marks kept.", backend.name, len(items))
                _failed([(pk, version) for pk, version, _key in items])
                report.failed = True
                report.remaining = DirtyItem.objects.count()
                if report.indexed or report.removed:
                    public_pages_changed()
                return report
            fault_point("search_sync.indexed")  # written to the index, marks not yet cleared
            report.indexed += result.indexed
            report.removed += result.removed
            _handled([(pk, version) for pk, version, _key in items])
            report.handled += len(items)
        if time.monotonic() - started > time_budget:
            break
    report.remaining = DirtyItem.objects.count() if report.handled else 0
    if report.indexed or report.removed:  # cached search pages answer from the index: stale now
        public_pages_changed()
    return report


# --- synonyms -------------------------------------------------------------------------------


def _require_officer(user: User | None) -> None:
    if user is None or not user.is_active or not user.is_officer:
        raise PermissionDenied()


def synonym_terms_validate(terms: Iterable[str]) -> list[str]:
    """Return ``terms`` normalised; raise ``ValidationFailed`` unless two different terms remain."""
    raw = [term.strip() for term in terms if term and term.strip()]
    cleaned = language.synonym_terms_clean(raw)
    if len(cleaned) < 2:
        raise ValidationFailed(fields={"terms": [str(_("Give at least two different words or phrases "
                                                        "(stop words alone do not count)."))]})
    if any(len(term) > 100 for term in cleaned):
        raise ValidationFailed(fields={"terms": [str(_("A term has at most 100 characters."))]})
    return cleaned


@transaction.atomic
def synonym_create(*, terms: Iterable[str], officer: User, note: str = "") -> Synonym:
    """Create a group of equivalent terms (normalised); queries use it within minutes."""
    _require_officer(officer)
    synonym = Synonym.objects.create(terms=synonym_terms_validate(terms), note=note.strip()[:200], updated_by=officer)
    transaction.on_commit(language.synonyms_changed)
    return synonym


@transaction.atomic
def synonym_update(*, synonym: Synonym, terms: Iterable[str], officer: User, note: str | None = None) -> Synonym:
    _require_officer(officer)
    locked = Synonym.objects.select_for_update().get(pk=synonym.pk)
    locked.terms = synonym_terms_validate(terms)
    if note is not None:
        locked.note = note.strip()[:200]
    locked.updated_by = officer
    locked.save()
    transaction.on_commit(language.synonyms_changed)
    return locked


@transaction.atomic
def synonym_delete(*, synonym: Synonym, officer: User) -> None:
    _require_officer(officer)
    Synonym.objects.filter(pk=synonym.pk).delete()
    transaction.on_commit(language.synonyms_changed)
