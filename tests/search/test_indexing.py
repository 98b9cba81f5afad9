"""Indexing: catalogue services mark what changed, a task indexes it after the commit, a sweep catches up."""
from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core.management import call_command
from django.db import transaction

from catalog.models import ProducerPermit
from catalog.services import (
    ProductChanges,
    category_food_permits_set,
    producer_permit_delete,
    producer_permit_set,
    producer_unverify,
    producer_update,
    product_approve,
    product_delist,
    product_submit_for_curation,
    product_update,
    stock_correct,
    stock_reserve,
    stock_restock,
    village_advance_stage,
    village_profile_update,
)
from search.backends import backend_reset
from search.backends.base import IndexReport, SearchUnavailable
from search.backends.database import Database
from search.models import DirtyItem, ProductEntry, VillageEntry
from search.services import (
    search_mark_all,
    search_mark_dirty,
    search_mark_permits_expired,
    search_sync,
)
from search.tasks import search_permits_expired_task, search_refresh_task, search_sweep_task, search_sync_task
from tests.catalog.factories import ProductFactory, owner_of

pytestmark = pytest.mark.django_db


class DownBackend(Database):
    """A backend whose server is unreachable."""

    name = "down"

    def index_products(self, ids):
        raise SearchUnavailable("connection refused")

    def index_villages(self, codes):
        raise SearchUnavailable("connection refused")


class RemarkingBackend(Database):
    """Indexes, while a catalogue change commits and marks the same product again."""

    def index_products(self, ids):
        report = super().index_products(ids)
        search_mark_dirty(product_ids=ids)
        return report


def marks() -> set[tuple[str, str]]:
    return set(DirtyItem.objects.values_list("kind", "key"))


@pytest.fixture
def use_backend(settings):
    def use(path: str) -> None:
        settings.SEARCH_BACKEND = path
        backend_reset()

    return use


@pytest.fixture
def indexed(catalogue):
    """The catalogue indexed, with no marks left from building it."""
    Database().rebuild()
    DirtyItem.objects.all().delete()
    return catalogue


# --- after commit only ----------------------------------------------------------------------


def test_an_approval_is_indexed_after_the_commit(indexed, django_capture_on_commit_callbacks):
    product = ProductFactory(producer=indexed.producers["35.09.30.2009"], name="Gula Aren Sidomulyo")
    product_submit_for_curation(product=product, actor=owner_of(product.producer))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        product_approve(product=product, officer=indexed.officer)

    assert marks() == {("product", str(product.pk)), ("village", "35.09.30.2009")}
    assert not ProductEntry.objects.filter(pk=product.pk).exists()  # nothing before the commit
    # The search task (the public page cache's generation moves after the commit too: market/core/pagecache.py).
    (index,) = [callback for callback in callbacks if getattr(callback, "__name__", "") != "_generation_bump"]

    index()  # the commit

    assert ProductEntry.objects.get(pk=product.pk).name == "Gula Aren Sidomulyo"
    assert marks() == set()


def test_a_rolled_back_edit_leaves_no_mark_and_no_task(indexed, django_capture_on_commit_callbacks):
    robusta = indexed.products["robusta"]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            product_delist(product=robusta, officer=indexed.officer, reasons=["other"], note="Audit")
            raise RuntimeError("the request failed after the service")

    assert callbacks == []
    assert marks() == set()
    assert ProductEntry.objects.filter(pk=robusta.pk).exists()
    robusta.refresh_from_db()
    assert robusta.listed is True


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_edit_is_never_indexed_with_real_commits():
    from tests.search.catalogue import catalogue_build

    catalogue = catalogue_build()  # every service commits and indexes (tasks are eager)
    robusta = catalogue.products["robusta"]
    assert ProductEntry.objects.filter(pk=robusta.pk).exists()
    assert marks() == set()

    with pytest.raises(RuntimeError), transaction.atomic():
        product_delist(product=robusta, officer=catalogue.officer, reasons=["other"], note="Audit")
        raise RuntimeError("rolled back")

    assert marks() == set()
    assert ProductEntry.objects.filter(pk=robusta.pk).exists()

    product_delist(product=robusta, officer=catalogue.officer, reasons=["other"], note="Audit")

    assert not ProductEntry.objects.filter(pk=robusta.pk).exists()
    assert marks() == set()


# --- what the catalogue services mark -------------------------------------------------------


def test_delist_marks_the_product_and_its_village(indexed):
    product_delist(product=indexed.products["luwak"], officer=indexed.officer, reasons=["other"], note="Audit")

    assert marks() == {("product", str(indexed.id("luwak"))), ("village", "35.09.30.2009")}


def test_unverifying_a_producer_marks_its_listed_products_and_village(indexed):
    producer_unverify(producer=indexed.producers["35.09.20.1001"], officer=indexed.officer, reason="Audit")

    assert marks() == {("product", str(pk)) for pk in indexed.ids("keripik", "suwar", "batik", "sarung")} | {
        ("village", "35.09.20.1001")}


@pytest.mark.parametrize("change", ["permit_set", "permit_delete", "producer_update"])
def test_permits_and_producer_details_mark_the_producers_products(indexed, change):
    producer = indexed.producers["35.09.14.2005"]
    owner = producer.organisation.memberships.get(role="owner").user  # officers edit producers in assisted mode only
    if change == "permit_set":
        producer_permit_set(producer=producer, actor=owner, kind="bpom_md", number="MD-1",
                            expires_on=date(2031, 1, 1))
    elif change == "permit_delete":
        producer_permit_delete(permit=ProducerPermit.objects.get(producer=producer, kind="halal"), actor=owner)
    else:
        producer_update(producer=producer, actor=owner, name="UMKM Suci Makmur")

    assert marks() == {("product", str(pk)) for pk in indexed.ids("greenbean", "madu", "tas", "dripbag")} | {
        ("village", "35.09.14.2005")}


def test_a_stage_change_marks_the_village_and_its_products(indexed):
    profile = indexed.producers["35.09.14.2005"].village.profile

    village_advance_stage(profile=profile, to_stage="commodity_management", officer=indexed.officer, note="")

    assert marks() == {("product", str(pk)) for pk in indexed.ids("greenbean", "madu", "tas", "dripbag")} | {
        ("village", "35.09.14.2005")}


def test_a_profile_update_marks_the_village_only(indexed):
    profile = indexed.producers["35.09.14.2005"].village.profile

    village_profile_update(profile=profile, officer=indexed.officer, story="Desa madu.")

    assert marks() == {("village", "35.09.14.2005")}


def test_the_food_flag_marks_the_products_of_its_categories(indexed):
    from catalog.models import Category

    category_food_permits_set(root=Category.objects.get(slug="kerajinan"), requires_food_permits=True,
                              officer=indexed.officer)

    assert marks() == {("product", str(pk)) for pk in indexed.ids("tas", "keranjang")}


@pytest.mark.parametrize(("key", "change", "marked"), [
    ("greenbean", "restock", True),  # 0 -> 10: now in stock
    ("robusta", "restock", False),  # 100 -> 110: still in stock
    ("luwak", "reserve_all", True),  # 5 available -> 0
    ("luwak", "reserve_some", False),
    ("madu", "correct_to_zero", True),
])
def test_stock_marks_only_when_in_stock_changes(indexed, key, change, marked):
    product = indexed.products[key]
    owner = owner_of(product.producer)
    if change == "restock":
        stock_restock(product=product, quantity=10, actor=owner)
    elif change == "reserve_all":
        stock_reserve(items=[(product.pk, 5)], reference="ORDER-1")
    elif change == "reserve_some":
        stock_reserve(items=[(product.pk, 2)], reference="ORDER-1")
    else:
        stock_correct(product=product, on_hand=0, actor=owner, reference="Stock opname")

    assert marks() == ({("product", str(product.pk))} if marked else set())


def test_working_copy_edits_mark_nothing(indexed):
    """What buyers see changes on approval; edits of the working copy wait for it."""
    product = indexed.products["robusta"]

    product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(
        name="Kopi Robusta Premium 250 g"))

    assert marks() == set()


def test_marking_again_bumps_the_version(indexed):
    search_mark_dirty(product_ids=[indexed.id("robusta")])
    search_mark_dirty(product_ids=[indexed.id("robusta")])

    assert list(DirtyItem.objects.values_list("kind", "key", "version")) == [
        ("product", str(indexed.id("robusta")), 2)]


# --- the sync task --------------------------------------------------------------------------


def test_sync_indexes_the_marked_items_and_clears_their_marks(indexed):
    luwak = indexed.products["luwak"]
    product_delist(product=luwak, officer=indexed.officer, reasons=["other"], note="Audit")

    report = search_sync()

    assert (report.handled, report.removed, report.indexed, report.remaining, report.failed) == (2, 1, 1, 0, False)
    assert not ProductEntry.objects.filter(pk=luwak.pk).exists()
    assert VillageEntry.objects.get(pk="35.09.30.2009").listed_products == 3
    assert marks() == set()


def test_a_retried_sync_is_idempotent(indexed):
    product_delist(product=indexed.products["luwak"], officer=indexed.officer, reasons=["other"], note="Audit")
    search_sync()
    entries = sorted(ProductEntry.objects.values_list("product_id", "quality", "name", "indexed_at"))
    search_mark_dirty(product_ids=[indexed.id("luwak"), indexed.id("robusta")])

    report = search_sync()

    assert (report.handled, report.indexed, report.removed) == (2, 1, 0)
    after = sorted(ProductEntry.objects.values_list("product_id", "quality", "name"))
    assert after == [(pk, quality, name) for pk, quality, name, _at in entries]


def test_a_mark_made_while_indexing_survives_for_the_next_run(indexed, use_backend):
    use_backend("tests.search.test_indexing.RemarkingBackend")
    search_mark_dirty(product_ids=[indexed.id("robusta")])

    search_sync(time_budget=0)

    assert list(DirtyItem.objects.values_list("key", "version")) == [(str(indexed.id("robusta")), 2)]


def test_backend_down_the_save_succeeds_and_the_sweep_catches_up(indexed, use_backend,
                                                                 django_capture_on_commit_callbacks):
    use_backend("tests.search.test_indexing.DownBackend")
    luwak = indexed.products["luwak"]

    with django_capture_on_commit_callbacks(execute=True):
        product_delist(product=luwak, officer=indexed.officer, reasons=["other"], note="Audit")

    luwak.refresh_from_db()
    assert luwak.listed is False  # the catalogue change stands
    assert ProductEntry.objects.filter(pk=luwak.pk).exists()  # the index lags behind
    assert sorted(DirtyItem.objects.values_list("kind", "attempts")) == [("product", 1), ("village", 0)]

    use_backend("search.backends.database.Database")  # the backend is back
    result = search_sweep_task.delay().get()

    assert result == {"indexed": 1, "removed": 1, "handled": 2, "remaining": 0, "failed": False}
    assert not ProductEntry.objects.filter(pk=luwak.pk).exists()
    assert marks() == set()


def test_the_task_retries_with_backoff_when_the_backend_is_down(indexed, use_backend):
    use_backend("tests.search.test_indexing.DownBackend")
    search_mark_dirty(product_ids=[indexed.id("robusta")])

    search_sync_task.push_request(is_eager=False, retries=2)
    try:
        with mock.patch.object(search_sync_task, "retry", side_effect=Retry()) as retry, pytest.raises(Retry):
            search_sync_task.run()
    finally:
        search_sync_task.pop_request()

    retry.assert_called_once_with(countdown=20)
    assert marks() == {("product", str(indexed.id("robusta")))}


def test_the_task_run_eagerly_gives_up_quietly_and_keeps_the_marks(indexed, use_backend):
    use_backend("tests.search.test_indexing.DownBackend")
    search_mark_dirty(product_ids=[indexed.id("robusta")])

    result = search_sync_task.delay().get()

    assert result["failed"] is True
    assert marks() == {("product", str(indexed.id("robusta")))}


def test_sync_stops_after_its_time_budget(indexed):
    search_mark_dirty(product_ids=[indexed.id("robusta"), indexed.id("madu")])

    report = search_sync(batch=1, time_budget=0)

    assert (report.handled, report.remaining) == (1, 1)


# --- sweeps and refreshes -------------------------------------------------------------------


def test_expired_permits_mark_the_producers_products(indexed):
    producer = indexed.producers["35.09.20.1001"]
    ProducerPermit.objects.filter(producer=producer, kind="halal").update(expires_on=date(2026, 5, 30))
    DirtyItem.objects.all().delete()

    assert search_mark_permits_expired(today=date(2026, 6, 1)) == 1
    assert ("product", str(indexed.id("keripik"))) in marks()

    search_sync()
    assert ProductEntry.objects.get(pk=indexed.id("keripik")).certifications == ["pirt"]
    assert ProductEntry.objects.get(pk=indexed.id("keripik")).retail_ready is False


def test_permits_expired_long_ago_are_not_swept_again(indexed):
    ProducerPermit.objects.update(expires_on=date(2026, 6, 1) - timedelta(days=30))
    DirtyItem.objects.all().delete()

    assert search_mark_permits_expired(today=date(2026, 6, 1)) == 0
    assert marks() == set()


def test_the_daily_task_marks_and_indexes(indexed):
    assert search_permits_expired_task.delay().get() == 0


def test_the_weekly_refresh_marks_everything_and_indexes_it(indexed):
    ProductEntry.objects.filter(pk=indexed.id("robusta")).update(quality=0)

    marked = search_refresh_task.delay().get()

    assert marked == 18  # 14 listed products (2 of them not public) and 4 villages
    assert ProductEntry.objects.get(pk=indexed.id("robusta")).quality == 0.8
    assert marks() == set()


def test_mark_all_includes_stale_entries(indexed):
    ProductEntry.objects.filter(pk=indexed.id("robusta")).update(product_id=999_999)

    search_mark_all()

    assert ("product", "999999") in marks()
    search_sync()
    assert not ProductEntry.objects.filter(pk=999_999).exists()


# --- the rebuild command --------------------------------------------------------------------


def test_search_reindex_command_with_the_database_backend(catalogue, capsys):
    call_command("search_reindex")

    out = capsys.readouterr().out
    assert "Rebuilding the database search index..." in out
    assert "100% 16/16" in out
    assert "Indexed 16 documents and removed 0 in" in out
    assert "compacted" not in out  # the rebuild stored the entries in quality order itself
    assert ProductEntry.objects.count() == 12


def test_search_reindex_command_reports_a_backend_down(catalogue, use_backend):
    class Down(Database):
        def rebuild(self, *, progress=None):
            raise SearchUnavailable("connection refused")

    from django.core.management.base import CommandError

    with mock.patch("search.management.commands.search_reindex.get_backend", return_value=Down()), \
            pytest.raises(CommandError, match="The search backend is unavailable.*connection refused"):
        call_command("search_reindex")


def test_index_report_defaults():
    assert IndexReport() == IndexReport(indexed=0, removed=0)


# --- a real worker --------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_indexes_a_delisting_after_the_commit(redis_url):
    """A `celery worker` process on Redis indexes what a committed delisting marked."""
    import os
    import subprocess
    import sys
    import time
    import uuid
    from pathlib import Path

    from django.db import connection
    from kombu import Connection

    from market.celery import app
    from tests.search.catalogue import catalogue_build

    catalogue = catalogue_build()  # indexed eagerly as it is built
    robusta = catalogue.products["robusta"]
    assert ProductEntry.objects.filter(pk=robusta.pk).exists()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    from urllib.parse import quote

    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    # the test database; the embedded server listens on a socket folder (a percent-encoded host)
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "market.settings.local", "CELERY_BROKER_URL": redis_url,
           "DEBUG": "false", "DATABASE_URL": f"postgres://{credentials}@{host}{port}/{db['NAME']}"}
    root = Path(__file__).resolve().parents[2]
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "market", "worker", "--pool=solo", "--concurrency=1",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", queue, "--loglevel=INFO"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with mock.patch.object(search_sync_task, "delay_on_commit") as enqueue:
            product_delist(product=robusta, officer=catalogue.officer, reasons=["other"], note="Audit")
        assert enqueue.call_count == 1  # enqueued once, after the commit: now send it to the real queue
        assert marks() == {("product", str(robusta.pk)), ("village", "35.09.30.2009")}
        with Connection(redis_url) as broker:
            search_sync_task.apply_async(queue=queue, connection=broker)
        deadline = time.monotonic() + 60
        # The worker removes the product, then re-indexes its village (each batch commits on its own).
        while time.monotonic() < deadline and (ProductEntry.objects.filter(pk=robusta.pk).exists() or marks()):
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.2)
        assert not ProductEntry.objects.filter(pk=robusta.pk).exists(), "the worker did not index within 60 s"
        assert marks() == set(), "the worker left marks behind"
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
