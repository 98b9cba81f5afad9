"""The PostgreSQL backend beyond the shared contract: both typo paths, bounds, vocabulary, queries."""
from __future__ import annotations

import pytest
from django.db import connection

from catalog.services import product_delist
from market.core.postgres import postgres_extension_available
from search.backends.base import ProductQuery, ProductSearchFilters, VillageQuery
from search.backends.database import Database
from search.backends.postgres import backend as backend_module
from search.backends.postgres import tuning, writes
from search.backends.postgres.analysis import text_plan
from search.models import ProductEntry, ProductEntryWords, Term, VillageEntry

pytestmark = pytest.mark.django_db


def keys(catalogue, ids) -> list[str]:
    by_id = {product.pk: key for key, product in catalogue.products.items()}
    return [by_id.get(pk, f"unknown:{pk}") for pk in ids]


@pytest.fixture
def backend(catalogue) -> Database:
    backend = Database()
    backend.rebuild()
    return backend


@pytest.fixture(params=[True, False], ids=["pg_trgm", "python-fallback"])
def typo_backend(request, backend) -> Database:
    """The backend with the trigram path on (when the server has pg_trgm) or forced off."""
    if request.param and not postgres_extension_available("pg_trgm"):
        pytest.skip("pg_trgm is not available on this PostgreSQL server (the embedded one lacks it)")
    backend.trigram = request.param
    return backend


def recounted_terms() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("""SELECT w, sum(p)::int, sum(v)::int FROM (
                              SELECT unnest(words) AS w, 1 AS p, 0 AS v FROM search_productentrywords
                              UNION ALL SELECT unnest(words), 0, 1 FROM search_villageentry) x GROUP BY w""")
        return {word: (products, villages) for word, products, villages in cursor.fetchall()}


def stored_terms() -> dict[str, tuple[int, int]]:
    return {t.word: (t.products, t.villages) for t in Term.objects.all()}


# --- typo tolerance: the same answers with pg_trgm and without ------------------------------


@pytest.mark.parametrize(("text", "expected", "correction"), [
    ("kopu", {"robusta", "luwak", "greenbean", "dripbag"}, "kopi"),
    ("kpoi", {"robusta", "luwak", "greenbean", "dripbag"}, "kopi"),  # a transposition
    ("keripk", {"keripik"}, "keripik"),
    ("tembakua", {"batik"}, "tembakau"),  # a long word's transposition: looked up exactly
    ("tembxkau", {"batik"}, "tembakau"),  # a long word's substitution: a trigram neighbour
    ("madu hutn", {"madu"}, "madu hutan"),
    ("suwarsuwir", {"suwar"}, "suwar suwir"),  # two indexed words typed as one
    ("keripikpisang", {"keripik"}, "keripik pisang"),
    ("xkqz", set(), None),
    ("ka", set(), None),  # two letters: no typo tolerance
])
def test_typo_tolerance(typo_backend, catalogue, text, expected, correction):
    results = typo_backend.search_products(ProductQuery(text=text))

    assert set(keys(catalogue, results.ids)) == expected
    assert results.did_you_mean == correction


def test_village_typos_use_the_village_vocabulary(typo_backend):
    results = typo_backend.search_villages(VillageQuery(text="kepatiham"))

    assert (results.codes, results.did_you_mean) == (["35.09.20.1001"], "kepatihan")


def test_a_correction_prefers_the_more_frequent_word(typo_backend, catalogue):
    # "bambo" is one edit from "bambu" and from "bamboo", both in two products: ties go alphabetically.
    results = typo_backend.search_products(ProductQuery(text="bambo"))

    assert set(keys(catalogue, results.ids)) == {"tas", "keranjang"}
    assert results.did_you_mean == "bamboo"


def test_the_fallback_vocabulary_is_bounded_to_the_most_frequent_words(backend, catalogue, monkeypatch):
    backend.trigram = False
    monkeypatch.setattr(tuning, "FALLBACK_VOCABULARY_LIMIT", 3)
    backend.vocabulary_forget()

    vocabulary = backend.analyser.vocabulary("products")

    expected = sorted(((-n, w) for w, (n, _v) in stored_terms().items() if n > 0))[:3]
    assert vocabulary.counts == {w: -n for n, w in expected}


def test_the_fallback_vocabulary_is_cached_until_indexing(backend, catalogue, django_assert_num_queries):
    backend.trigram = False
    backend.search_products(ProductQuery(text="kopu"))

    # cache, analysis, correction lexemes, search with facet labels (savepoint, settings, statement,
    # release): no vocabulary read
    with django_assert_num_queries(7):
        backend.search_products(ProductQuery(text="kopu"))

    backend.index_products([catalogue.id("robusta")])
    assert backend.analyser.vocabularies == {}


# --- stemming and weights -------------------------------------------------------------------


def test_name_weight_ranks_a_product_above_its_category_neighbour(backend, catalogue):
    assert keys(catalogue, backend.search_products(ProductQuery(text="bambu")).ids) == ["tas", "keranjang"]


def test_words_known_by_their_stem_are_not_typos(backend):
    # The index has "petani" and "pembelian"; "tani" and "pembelian" are known through their stems.
    analysis = backend.analyse("tani pembelian")

    assert analysis.tsquery == "(('tani')) & (('beli' | 'pembelian'))"  # Indonesian and English stems
    assert analysis.did_you_mean is None


def test_synonym_terms_of_several_words_become_phrases(backend, catalogue, django_capture_on_commit_callbacks):
    from search.services import synonym_create

    with django_capture_on_commit_callbacks(execute=True):
        synonym_create(terms=["pisang kepok", "Banana"], officer=catalogue.officer)

    assert backend.analyse("banana").tsquery == "(('pisang') <-> ('kepok') | ('banana'))"
    assert set(keys(catalogue, backend.search_products(ProductQuery(text="pisang kepok")).ids)) == {"keripik"}


def test_synonym_terms_that_nothing_holds_are_left_out(backend):
    assert backend.analyse("ketela pohon").tsquery == "(('singkong'))"  # ketela pohon ~ singkong ~ telo


def test_stop_words_alone_are_no_text(backend):
    assert backend.analyse("yang dan di").tsquery is None
    assert backend.analyse("").tsquery is None


# --- bounds ---------------------------------------------------------------------------------


def test_totals_are_counted_up_to_the_limit(backend, catalogue, monkeypatch):
    monkeypatch.setattr(tuning, "COUNT_LIMIT", 5)

    results = backend.search_products(ProductQuery())

    assert (results.total, results.total_is_exact) == (5, False)
    assert len(results.ids) == 6  # the candidates: COUNT_LIMIT + 1, ranked


def test_relevance_ranks_only_the_best_quality_candidates(backend, catalogue, monkeypatch):
    monkeypatch.setattr(tuning, "COUNT_LIMIT", 1)

    results = backend.search_products(ProductQuery(text="kopi"))

    # Two candidates, best quality first: robusta and dripbag are retail ready and in stock.
    assert set(keys(catalogue, results.ids)) == {"robusta", "dripbag"}
    assert (results.total, results.total_is_exact) == (1, False)


def test_price_sorts_read_every_match_not_only_the_candidates(backend, catalogue, monkeypatch):
    monkeypatch.setattr(tuning, "COUNT_LIMIT", 1)

    results = backend.search_products(ProductQuery(sort="price_asc", limit=3))

    assert keys(catalogue, results.ids) == ["keripik", "dodol", "suwar"]


@pytest.mark.parametrize(("offset", "limit", "count"), [(0, 500, 12), (-5, 3, 3), (2000, 5, 0)])
def test_pages_are_clamped(backend, offset, limit, count):
    assert len(backend.search_products(ProductQuery(offset=offset, limit=limit)).ids) == count


def test_a_search_takes_a_fixed_number_of_queries(backend, django_assert_num_queries):
    backend.search_products(ProductQuery(text="kopi"))  # the synonym groups are now cached

    # The search statement runs in its own transaction (here a savepoint) with JIT and parallel
    # workers off: savepoint, settings, statement, release.
    with django_assert_num_queries(2 + 4):  # cache, analysis, search with facets and their labels
        backend.search_products(ProductQuery(text="kopi robusta", filters=ProductSearchFilters(
            district="35.09.30", category="kopi", certifications=("halal",), retail_ready=True, in_stock=True)))
    with django_assert_num_queries(4):  # no text: search with facets and their labels
        backend.search_products(ProductQuery(sort="price_desc"))
    with django_assert_num_queries(4):
        backend.search_products(ProductQuery(facets=False))


def test_suggest_is_one_statement(backend, django_assert_num_queries):
    with django_assert_num_queries(4) as captured:  # savepoint, settings, the statement, release
        backend.suggest("kopi ro")
    assert "set_config('jit', 'off', true)" in captured.captured_queries[1]["sql"]


@pytest.mark.django_db(transaction=True)
def test_search_statements_run_without_jit_or_parallel_workers():
    backend = Database()
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")
        try:
            with backend.connection.read_cursor() as inner:
                inner.execute("SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather')")
                assert inner.fetchone() == ("off", "0")
            cursor.execute("SELECT current_setting('jit')")  # only for the search's own transaction
            assert cursor.fetchone() == ("on",)
        finally:
            cursor.execute("RESET jit")


def test_the_search_uses_the_gin_index_when_the_table_is_large_enough(backend):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT product_id FROM search_productentry WHERE document @@ 'kopi'::tsquery")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "search_product_document" in plan


# --- facet labels ---------------------------------------------------------------------------


def test_facet_labels(backend):
    results = backend.search_products(ProductQuery(text="kopi"))

    labels = {name: [(v.value, v.label) for v in values] for name, values in results.facets.items()}
    assert labels["category"] == [("kopi", "Kopi"), ("makanan-minuman", "Makanan & Minuman"),
                                  ("kopi-bubuk", "Kopi bubuk")]
    assert labels["district"] == [("35.09.14", "Panti"), ("35.09.30", "Silo")]
    assert labels["village"] == [("35.09.14.2005", "Suci"), ("35.09.30.2009", "Sidomulyo")]
    assert labels["commodity"] == [("kopi-robusta", "Kopi robusta")]
    assert labels["certification"] == [("halal", "Halal certificate"),
                                       ("pirt", "P-IRT (home-industry food permit)")]
    assert labels["retail_ready"] == [("false", "Not retail ready"), ("true", "Retail ready")]
    assert labels["in_stock"] == [("true", "In stock"), ("false", "Out of stock")]


# --- indexing and the vocabulary ------------------------------------------------------------


def test_rebuild_writes_one_entry_per_public_product_and_village(backend, catalogue):
    assert set(ProductEntry.objects.values_list("product_id", flat=True)) == catalogue.public_ids
    assert set(VillageEntry.objects.values_list("village_code", flat=True)) == {
        "35.09.30.2009", "35.09.14.2005", "35.09.20.1001", "35.09.31.2006"}
    entry = ProductEntry.objects.get(pk=catalogue.id("keripik"))
    assert (entry.category_path, entry.commodity_slug, entry.district_code, entry.certifications,
            entry.retail_ready, entry.in_stock, entry.retail_price, entry.wholesale_price, entry.min_order_qty,
            entry.quality) == (["makanan-minuman", "makanan-ringan"], "pisang", "35.09.20", ["halal", "pirt"],
                               True, True, 15_000, 12_000, 1, 0.8)


def test_the_vocabulary_counts_stay_exact_through_incremental_indexing(backend, catalogue):
    assert stored_terms() == recounted_terms()
    assert stored_terms()["luwak"] == (1, 0)

    product_delist(product=catalogue.products["luwak"], officer=catalogue.officer, reasons=["other"], note="Audit")
    backend.index_products(catalogue.public_ids)

    assert stored_terms() == recounted_terms()
    assert "luwak" not in stored_terms()  # the only product with the word is gone
    assert stored_terms()["kopi"][0] == 3


def test_indexing_twice_changes_nothing(backend, catalogue):
    before = (stored_terms(), sorted(ProductEntry.objects.values_list("product_id", "quality", "name")),
              sorted(ProductEntryWords.objects.values_list("product_id", "words")))

    report = backend.index_products(catalogue.public_ids)

    assert (report.indexed, report.removed) == (12, 0)
    assert (stored_terms(), sorted(ProductEntry.objects.values_list("product_id", "quality", "name")),
            sorted(ProductEntryWords.objects.values_list("product_id", "words"))) == before


def test_rebuild_removes_what_is_no_longer_public(backend, catalogue):
    luwak = catalogue.products["luwak"]
    product_delist(product=luwak, officer=catalogue.officer, reasons=["other"], note="Audit")

    report = backend.rebuild()

    assert (report.indexed, report.removed) == (15, 1)
    assert not ProductEntry.objects.filter(pk=luwak.pk).exists()
    assert not ProductEntryWords.objects.filter(pk=luwak.pk).exists()
    assert stored_terms() == recounted_terms()


def test_rebuild_reports_progress(catalogue):
    calls = []

    Database().rebuild(progress=lambda done, total: calls.append((done, total)))

    assert calls == [(0, 16), (12, 16), (16, 16)]


def test_ping(backend):
    assert backend.ping() is True


def test_an_unknown_sort_is_refused(backend):
    with pytest.raises(ValueError, match="Unknown sort: 'cheapest'"):
        backend.search_products(ProductQuery(sort="cheapest"))


def test_each_facet_keeps_its_most_frequent_values_and_the_chosen_one(backend, monkeypatch):
    everything = backend.search_products(ProductQuery(text=""))
    villages = everything.facets["village"]
    assert len(villages) > 2
    rarest = villages[-1]

    monkeypatch.setattr(tuning, "FACET_SIZE", 1)
    trimmed = backend.search_products(ProductQuery(text=""))
    chosen = backend.search_products(ProductQuery(text="", filters=ProductSearchFilters(village=rarest.value)))
    top = backend.search_products(ProductQuery(text="", filters=ProductSearchFilters(village=villages[0].value)))

    assert trimmed.facets["village"] == villages[:1]
    assert chosen.facets["village"] == [villages[0], rarest]  # the chosen value stays, however rare
    assert top.facets["village"] == villages[:1]  # chosen and among the most frequent: once


# --- compaction -----------------------------------------------------------------------------


def _table_shape() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("""SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                          WHERE x.indrelid = 'search_productentry'::regclass ORDER BY 1""")
        indexes = cursor.fetchall()
        cursor.execute("""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                          WHERE conrelid = 'search_productentry'::regclass ORDER BY 1""")
        constraints = cursor.fetchall()
        cursor.execute("""SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
                          WHERE table_name = 'search_productentry' ORDER BY ordinal_position""")
        columns = cursor.fetchall()
    return {"indexes": indexes, "constraints": constraints, "columns": columns}


def _physical_order() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT product_id FROM search_productentry ORDER BY ctid")
        return [pk for (pk,) in cursor.fetchall()]


def test_compaction_stores_the_entries_in_quality_order_and_keeps_the_table_as_it_was(backend, catalogue):
    shape = _table_shape()
    rows = sorted(ProductEntry.objects.values_list("product_id", "quality", "name", "document", "certifications"))
    ProductEntry.objects.filter(pk=catalogue.id("keripik")).update(quality=0.99)  # an update moves a row's place
    by_quality = list(ProductEntry.objects.order_by("-quality", "product_id").values_list("product_id", flat=True))
    assert _physical_order() != by_quality

    assert backend.compact() == len(catalogue.public_ids)

    assert _physical_order() == by_quality
    assert _table_shape() == shape  # the same columns, constraints and index names and definitions
    assert sorted(ProductEntry.objects.exclude(pk=catalogue.id("keripik"))
                  .values_list("product_id", "quality", "name", "document", "certifications")) == \
        [row for row in rows if row[0] != catalogue.id("keripik")]
    # searching and indexing go on as before
    assert keys(catalogue, backend.search_products(ProductQuery(text="keripik")).ids)[0] == "keripik"
    product_delist(product=catalogue.products["luwak"], officer=catalogue.officer, reasons=["other"], note="Audit")
    backend.index_products(catalogue.public_ids)
    assert catalogue.id("luwak") not in set(ProductEntry.objects.values_list("product_id", flat=True))
    assert backend.compact() == len(catalogue.public_ids) - 1  # and again, as the nightly task does


def test_the_compact_command_and_the_nightly_task(backend, catalogue, capsys, settings):
    from django.core.management import call_command

    from search.tasks import search_compact_task

    call_command("search_compact")
    assert f"Search index compacted: {len(catalogue.public_ids)} rows in" in capsys.readouterr().out
    assert search_compact_task.delay().get() == len(catalogue.public_ids)
    assert settings.CELERY_BEAT_SCHEDULE["search-compact"]["task"] == "search.tasks.search_compact_task"


# --- one walk for the results and the disjunctive facets -------------------------------------


BROAD_FILTERS = [
    ProductSearchFilters(certifications=("halal",)),
    ProductSearchFilters(category="makanan-minuman", certifications=("halal",)),
    ProductSearchFilters(retail_ready=True, in_stock=True),
    ProductSearchFilters(category="kerajinan", in_stock=False),
    ProductSearchFilters(category="makanan-minuman", certifications=("pirt",), retail_ready=True, in_stock=True),
    ProductSearchFilters(certifications=("halal",), price_max=20_000),
]


@pytest.mark.parametrize("count_limit", [0, 1, 3, 1000])
def test_the_single_walk_answers_exactly_as_one_query_per_facet_filter(backend, catalogue, monkeypatch, count_limit):
    monkeypatch.setattr(tuning, "COUNT_LIMIT", count_limit)
    queries = [ProductQuery(text=text, filters=filters, sort=sort) for text in ("", "kopi", "keripik")
               for filters in BROAD_FILTERS for sort in ("relevance", "price_asc")]

    def answers() -> list:
        return [(r.ids, r.total, r.total_is_exact, r.facets) for r in map(backend.search_products, queries)]

    walked = answers()  # the walk finds its `count_limit + 1` rows, or runs out of entries
    monkeypatch.setattr(tuning, "WALK_ONCE_ROWS", 2)
    cut_short = answers()  # the walk stops too early: the separate queries answer
    monkeypatch.setattr(tuning, "WALK_ONCE_FILTERS", set())
    separate = answers()

    assert walked == separate
    assert cut_short == separate
    assert sum(bool(ids) for ids, _total, _exact, _facets in separate) > len(queries) // 2


# --- several words: the walk first, or the text index -----------------------------------------


@pytest.mark.parametrize("count_limit", [0, 1, 3, 1000])
def test_several_words_find_the_same_candidates_however_they_are_read(backend, catalogue, monkeypatch, count_limit):
    monkeypatch.setattr(tuning, "COUNT_LIMIT", count_limit)
    queries = [ProductQuery(text=text, filters=filters) for text in ("kopi robusta", "keripik pisang", "kopi bambu",
                                                                     "kripik pisnag", "kopi jember", "batik tulis")
               for filters in (ProductSearchFilters(), ProductSearchFilters(price_max=20_000))]

    def answers(plan) -> list:
        monkeypatch.setattr(backend_module, "text_plan", lambda analysis: plan)
        return [(r.ids, r.total, r.total_is_exact, r.facets, r.did_you_mean)
                for r in map(backend.search_products, queries)]

    planner = answers({})
    assert sum(bool(ids) for ids, *_rest in planner) >= len(queries) // 2
    for plan in ({"text_index": True}, {"walk_first": 1, "text_index": True}, {"walk_first": 3, "text_index": True},
                 {"walk_first": 100, "text_index": True}, {"walk_first": 5}):
        assert answers(plan) == planner, plan


def test_the_words_counts_decide_how_several_words_are_read(backend, catalogue):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_productentry")
    one_word = backend.analyse("kopi")
    together = backend.analyse("kopi robusta")
    rare = backend.analyse("luwak robusta")

    assert text_plan(one_word) == {}  # the planner knows one word's frequency
    assert (together.terms, together.entries) == (2, len(catalogue.public_ids))
    assert together.at_most == min(Term.objects.get(word="kopi").products, Term.objects.get(word="robusta").products)
    assert text_plan(together) == {"walk_first": 0, "text_index": True}  # 12 entries: too few to walk
    assert rare.at_most == 1
    together.entries = 1_000_000
    together.at_most = 15_000
    assert text_plan(together) == {"walk_first": 38_768, "text_index": True}  # sqrt(501 * 1M * 3)
    together.at_most = 12_000  # below sqrt(501 * 1M / 3) matches: the text index is cheaper
    assert text_plan(together) == {"walk_first": 0, "text_index": True}
    together.beyond_memory = True  # a match read through the text index costs a page from the OS
    assert text_plan(together) == {"walk_first": 44_766, "text_index": True}  # sqrt(501 * 1M * 4)
    together.at_most = 10_000  # below sqrt(501 * 1M / 4) matches: the text index is cheaper
    assert text_plan(together) == {"walk_first": 0, "text_index": True}
    assert not backend.analyse("kopi robusta").beyond_memory


def test_rebuild_stores_the_entries_in_quality_order(catalogue):
    Database().rebuild()

    with connection.cursor() as cursor:
        cursor.execute("SELECT product_id FROM search_productentry ORDER BY ctid")
        stored = [pk for (pk,) in cursor.fetchall()]
    assert stored == list(ProductEntry.objects.order_by("-quality", "product_id").values_list("product_id", flat=True))
    assert len(stored) == 12


def test_a_delisting_indexed_while_a_rebuild_runs_is_not_undone_by_it(catalogue, monkeypatch):
    # given: a rebuild that reads three products per range, and a delisting indexed incrementally
    # right after the rebuild wrote the range that holds the product
    backend = Database()
    backend.rebuild()
    monkeypatch.setattr(tuning, "REBUILD_BATCH_SIZE", 3)
    first = min(catalogue.public_ids)
    product = next(p for p in catalogue.products.values() if p.pk == first)
    rebuild_write, ranges = writes.rebuild_write, []

    def write_then_delist(cursor, rows, **kwargs):
        rebuild_write(cursor, rows, **kwargs)
        ranges.append((kwargs["after"], kwargs["last"]))
        if len(ranges) == 1:
            product_delist(product=product, officer=catalogue.officer, reasons=["other"], note="Audit")
            backend.index_products([first])

    monkeypatch.setattr(writes, "rebuild_write", write_then_delist)

    # when
    report = backend.rebuild()

    # then
    assert ranges[0][0] == 0 and ranges[-1][1] is None and len(ranges) == 5  # 12 products, 3 a range, the open end
    # the rebuild wrote it before the delisting; the incremental write removed it from both tables
    assert (report.indexed, report.removed) == (16, 0)
    assert set(ProductEntry.objects.values_list("product_id", flat=True)) == catalogue.public_ids - {first}
    assert not ProductEntryWords.objects.filter(pk=first).exists()
    assert stored_terms() == recounted_terms()
    with connection.cursor() as cursor:
        assert not writes.rebuild_running(cursor)


def test_a_failed_rebuild_leaves_the_live_entries_and_no_copy(backend, catalogue, monkeypatch):
    before = sorted(ProductEntry.objects.values_list("product_id", "quality"))

    def broken(cursor, rows, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writes, "rebuild_write", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        backend.rebuild()

    assert sorted(ProductEntry.objects.values_list("product_id", "quality")) == before
    with connection.cursor() as cursor:
        assert not writes.rebuild_running(cursor)
