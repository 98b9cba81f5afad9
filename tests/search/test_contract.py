"""The contract every search backend fulfils (``search.backends.base``), run once per backend.

Same fixture catalogue (tests/search/catalogue.py), same queries, same expected results and exact
facet counts. The Elasticsearch run needs a server: it runs when ELASTICSEARCH_URL is set.
"""
from __future__ import annotations

import pytest

from catalog.services import producer_unverify, product_delist, village_advance_stage
from search.backends.base import ProductQuery, ProductSearchFilters, VillageQuery

pytestmark = pytest.mark.django_db

KOPI = {"robusta", "luwak", "greenbean", "dripbag"}
ALL = ["robusta", "luwak", "greenbean", "madu", "keripik", "suwar", "tas", "keranjang", "batik", "sarung", "dripbag",
       "dodol"]


def search(backend, text="", **kwargs):
    filters = kwargs.pop("filters", None)
    return backend.search_products(ProductQuery(text=text, filters=filters or ProductSearchFilters(), **kwargs))


def keys(catalogue, ids) -> list[str]:
    by_id = {product.pk: key for key, product in catalogue.products.items()}
    by_id.update({product.pk: f"hidden:{key}" for key, product in catalogue.hidden.items()})
    return [by_id.get(pk, f"unknown:{pk}") for pk in ids]


def facet(results, name) -> list[tuple[str, int]]:
    return [(value.value, value.count) for value in results.facets[name]]


# --- what is searchable ---------------------------------------------------------------------


def test_browsing_returns_every_public_product_and_nothing_else(search_backend, indexed):
    results = search(search_backend)

    assert sorted(keys(indexed, results.ids)) == sorted(ALL)
    assert (results.total, results.total_is_exact, results.did_you_mean) == (12, True, None)


@pytest.mark.parametrize("text", ["rahasia", "kopi rahasia", "menunggu kurasi", "ditolak", "produsen baru",
                                  "pra pembinaan"])
def test_curation_keeps_drafts_rejected_pending_unverified_and_precoaching_out(search_backend, indexed, text):
    results = search(search_backend, text)

    assert (results.ids, results.total) == ([], 0)


def test_delisted_product_disappears_once_indexed(search_backend, indexed):
    robusta = indexed.products["robusta"]
    product_delist(product=robusta, officer=indexed.officer, reasons=["other"], note="Izin kedaluwarsa")

    report = search_backend.index_products([robusta.pk])

    assert (report.indexed, report.removed) == (0, 1)
    assert sorted(keys(indexed, search(search_backend, "kopi").ids)) == sorted(KOPI - {"robusta"})
    assert search(search_backend).total == 11


def test_unverified_producer_and_village_moved_back_disappear_once_indexed(search_backend, indexed):
    kepatihan = indexed.producers["35.09.20.1001"]
    producer_unverify(producer=kepatihan, officer=indexed.officer, reason="Audit")
    profile = indexed.producers["35.09.14.2005"].village.profile
    village_advance_stage(profile=profile, to_stage="socialisation", officer=indexed.officer, note="",
                          reason="Pembinaan diulang")

    search_backend.index_products(indexed.public_ids)

    assert sorted(keys(indexed, search(search_backend).ids)) == sorted(["robusta", "luwak", "keranjang", "dodol"])


# --- Indonesian text ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("tani", {"madu"}), ("petani", {"madu"}),  # "petani lebah"
    ("beli", {"greenbean"}), ("pembelian", {"greenbean"}),  # "pembelian grosir"
    ("rajin", {"tas", "keranjang"}), ("kerajinan", {"tas", "keranjang"}),  # category "Kerajinan"
    ("anyam", {"tas", "keranjang"}),
])
def test_affixes_are_stemmed(search_backend, indexed, text, expected):
    assert set(keys(indexed, search(search_backend, text).ids)) == expected


@pytest.mark.parametrize(("text", "expected", "correction"), [
    ("kopu", KOPI, "kopi"),
    ("keripk", {"keripik"}, "keripik"),
    ("madu hutn", {"madu"}, "madu hutan"),
    ("kopu dari sidomulyo", {"robusta", "luwak"}, "kopi dari sidomulyo"),
])
def test_typos_find_the_word_and_say_what_was_searched(search_backend, indexed, text, expected, correction):
    results = search(search_backend, text)

    assert set(keys(indexed, results.ids)) == expected
    assert results.did_you_mean == correction


@pytest.mark.parametrize("text", ["suwar suwir", "suwar-suwir", "Suwar-Suwir", "SUWAR  SUWIR!"])
def test_hyphenated_words_match_however_they_are_typed(search_backend, indexed, text):
    results = search(search_backend, text)

    assert keys(indexed, results.ids) == ["suwar"]
    assert results.did_you_mean is None


@pytest.mark.parametrize(("text", "expected"), [
    ("handphone", {"sarung"}), ("hp", {"sarung"}),  # hp ~ handphone ~ ponsel
    ("telo", {"suwar"}), ("ketela pohon", {"suwar"}),  # singkong ~ ketela pohon ~ telo
    ("kripik", {"keripik"}),  # a spelling variant kept as a synonym
    ("coffee", KOPI), ("kopi", KOPI),
])
def test_synonyms_join_everyday_words(search_backend, indexed, text, expected):
    results = search(search_backend, text)

    assert set(keys(indexed, results.ids)) == expected
    assert results.did_you_mean is None


def test_a_query_of_stop_words_only_browses_everything(search_backend, indexed):
    results = search(search_backend, "yang dan di")

    assert sorted(keys(indexed, results.ids)) == sorted(ALL)
    assert (results.total, results.did_you_mean) == (12, None)


@pytest.mark.parametrize(("text", "expected"), [
    ("madu dari hutan", {"madu"}), ("the honey", {"madu"}), ("kopi yang luwak", {"luwak"}),
])
def test_stop_words_do_not_have_to_match(search_backend, indexed, text, expected):
    assert set(keys(indexed, search(search_backend, text).ids)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("keripik banana", {"keripik"}), ("batik tobacco", {"batik"}), ("honey argopuro", {"madu"}),
    ("woven bag bambu", {"tas"}),
])
def test_indonesian_and_english_mix(search_backend, indexed, text, expected):
    assert set(keys(indexed, search(search_backend, text).ids)) == expected


def test_every_word_must_match(search_backend, indexed):
    assert search(search_backend, "kopi batik").ids == []


def test_nothing_matches_and_nothing_is_close(search_backend, indexed):
    results = search(search_backend, "qqqzzz")

    assert (results.ids, results.total, results.did_you_mean) == ([], 0, None)


# --- ranking --------------------------------------------------------------------------------


def test_a_name_match_ranks_above_a_category_match(search_backend, indexed):
    assert keys(indexed, search(search_backend, "anyaman").ids) == ["tas", "keranjang"]


def test_a_product_named_after_the_word_comes_first(search_backend, indexed):
    ranked = keys(indexed, search(search_backend, "robusta ground").ids)

    assert ranked == ["robusta", "luwak"]  # luwak matches through its category "Ground coffee" only


def test_kopi_puts_a_product_named_kopi_first(search_backend, indexed):
    ranked = keys(indexed, search(search_backend, "kopi").ids)

    assert ranked[0] in {"robusta", "luwak", "dripbag"}
    assert set(ranked) == KOPI


def test_without_text_relevance_is_quality_then_id(search_backend, indexed):
    assert keys(indexed, search(search_backend).ids) == [
        "robusta", "madu", "keripik", "tas", "batik", "dripbag",  # retail ready and in stock
        "luwak", "suwar", "sarung",  # in stock
        "greenbean", "keranjang", "dodol",
    ]


# --- filters --------------------------------------------------------------------------------


@pytest.mark.parametrize(("filters", "expected"), [
    ({"district": "35.09.30"}, {"robusta", "luwak", "keranjang", "dodol"}),
    ({"village": "35.09.14.2005"}, {"greenbean", "madu", "tas", "dripbag"}),
    ({"category": "makanan-minuman"}, {"robusta", "luwak", "greenbean", "madu", "keripik", "suwar", "dripbag",
                                       "dodol"}),
    ({"category": "kopi"}, KOPI),
    ({"category": "kopi-bubuk"}, {"robusta", "luwak"}),
    ({"category": "no-such-category"}, set()),
    ({"commodity": "bambu"}, {"tas", "keranjang"}),
    ({"certifications": ("halal",)}, {"robusta", "luwak", "madu", "keripik", "dripbag", "dodol"}),
    ({"certifications": ("pirt", "trademark")}, set()),
    ({"certifications": ("trademark",)}, {"batik"}),
    ({"retail_ready": True}, {"robusta", "madu", "keripik", "tas", "batik", "dripbag"}),
    ({"retail_ready": False}, {"luwak", "greenbean", "suwar", "keranjang", "sarung", "dodol"}),
    ({"in_stock": False}, {"greenbean", "keranjang", "dodol"}),
    ({"price_min": 30_000, "price_max": 90_000}, {"robusta", "greenbean", "madu", "keranjang", "sarung", "dripbag"}),
    ({"max_min_order_qty": 1}, set(ALL) - {"greenbean", "keranjang", "dripbag"}),
    ({"max_min_order_qty": 5}, set(ALL) - {"keranjang"}),
    ({"district": "35.09.30", "in_stock": True, "retail_ready": True}, {"robusta"}),
])
def test_filters(search_backend, indexed, filters, expected):
    results = search(search_backend, filters=ProductSearchFilters(**filters))

    assert set(keys(indexed, results.ids)) == expected
    assert results.total == len(expected)


def test_buyers_filter_on_their_wholesale_price(search_backend, indexed):
    filters = ProductSearchFilters(price_min=30_000, price_max=90_000)

    results = search(search_backend, filters=filters, audience="buyer")

    assert set(keys(indexed, results.ids)) == {"greenbean", "madu", "keranjang", "sarung"}


def test_text_and_filters_together(search_backend, indexed):
    results = search(search_backend, "kopi", filters=ProductSearchFilters(district="35.09.30"))

    assert set(keys(indexed, results.ids)) == {"robusta", "luwak"}


# --- facets ---------------------------------------------------------------------------------


def test_facet_counts_when_browsing(search_backend, indexed):
    results = search(search_backend)

    assert facet(results, "category") == [("makanan-minuman", 8), ("kopi", 4), ("makanan-ringan", 3),
                                          ("anyaman", 2), ("batik", 2), ("kerajinan", 2), ("kopi-bubuk", 2)]
    assert facet(results, "commodity") == [("kopi-robusta", 4), ("bambu", 2), ("madu", 1), ("pisang", 1)]
    assert facet(results, "district") == [("35.09.14", 4), ("35.09.20", 4), ("35.09.30", 4)]
    assert facet(results, "village") == [("35.09.14.2005", 4), ("35.09.20.1001", 4), ("35.09.30.2009", 4)]
    assert facet(results, "certification") == [("pirt", 7), ("halal", 6), ("trademark", 1)]
    assert facet(results, "retail_ready") == [("false", 6), ("true", 6)]
    assert facet(results, "in_stock") == [("true", 9), ("false", 3)]


def test_facets_count_the_text_matches(search_backend, indexed):
    results = search(search_backend, "kopi")

    assert facet(results, "category") == [("kopi", 4), ("makanan-minuman", 4), ("kopi-bubuk", 2)]
    assert facet(results, "district") == [("35.09.14", 2), ("35.09.30", 2)]
    assert facet(results, "in_stock") == [("true", 3), ("false", 1)]


def test_facets_are_disjunctive(search_backend, indexed):
    """A facet ignores its own filter (the other districts stay on offer) but applies the others."""
    results = search(search_backend, filters=ProductSearchFilters(district="35.09.30", in_stock=True))

    assert set(keys(indexed, results.ids)) == {"robusta", "luwak"}
    assert facet(results, "district") == [("35.09.20", 4), ("35.09.14", 3), ("35.09.30", 2)]
    assert facet(results, "in_stock") == [("false", 2), ("true", 2)]
    assert facet(results, "category") == [("kopi", 2), ("kopi-bubuk", 2), ("makanan-minuman", 2)]
    assert facet(results, "certification") == [("halal", 2), ("pirt", 2)]


def test_facets_can_be_left_out(search_backend, indexed):
    results = search(search_backend, "kopi", facets=False)

    assert all(values == [] for values in results.facets.values())
    assert results.total == 4


# --- sorts and pages ------------------------------------------------------------------------


def test_price_ascending_for_consumers(search_backend, indexed):
    results = search(search_backend, sort="price_asc")

    assert keys(indexed, results.ids) == ["keripik", "dodol", "suwar", "dripbag", "robusta", "sarung", "keranjang",
                                          "madu", "greenbean", "tas", "luwak", "batik"]


def test_price_descending_for_consumers(search_backend, indexed):
    results = search(search_backend, sort="price_desc")

    assert keys(indexed, results.ids) == ["batik", "luwak", "tas", "greenbean", "madu", "keranjang", "sarung",
                                          "robusta", "dripbag", "suwar", "dodol", "keripik"]


def test_price_ascending_for_buyers_uses_the_lowest_tier_and_breaks_ties_by_id(search_backend, indexed):
    results = search(search_backend, sort="price_asc", audience="buyer")

    assert keys(indexed, results.ids) == ["keripik", "dodol", "suwar", "dripbag", "robusta", "sarung", "keranjang",
                                          "greenbean", "madu", "tas", "luwak", "batik"]


def test_newest_first(search_backend, indexed):
    results = search(search_backend, sort="newest")

    assert keys(indexed, results.ids) == list(reversed(ALL))


def test_sorted_text_search(search_backend, indexed):
    results = search(search_backend, "kopi", sort="price_asc")

    assert keys(indexed, results.ids) == ["dripbag", "robusta", "greenbean", "luwak"]


def test_pages(search_backend, indexed):
    first = search(search_backend, sort="price_asc", offset=0, limit=5)
    last = search(search_backend, sort="price_asc", offset=10, limit=5)

    assert keys(indexed, first.ids) == ["keripik", "dodol", "suwar", "dripbag", "robusta"]
    assert keys(indexed, last.ids) == ["luwak", "batik"]
    assert (first.total, last.total) == (12, 12)


def test_relevance_pages_follow_the_same_order(search_backend, indexed):
    whole = search(search_backend).ids
    pages = [search(search_backend, offset=offset, limit=5).ids for offset in (0, 5, 10)]

    assert pages[0] + pages[1] + pages[2] == whole


# --- suggestions ----------------------------------------------------------------------------


def test_suggest_completes_categories_commodities_and_products_in_that_order(search_backend, indexed):
    suggestions = search_backend.suggest("kop")

    kinds = [s.kind for s in suggestions]
    assert kinds == sorted(kinds, key=["category", "commodity", "product", "village"].index)
    assert [s.text for s in suggestions if s.kind == "category"] == ["Kopi", "Kopi bubuk"]
    assert [s.text for s in suggestions if s.kind == "commodity"] == ["Kopi robusta"]
    assert {s.url_hint for s in suggestions if s.kind == "product"} == {
        str(pk) for pk in indexed.ids("robusta", "luwak", "dripbag")}


@pytest.mark.parametrize(("prefix", "expected"), [
    ("sido", {("product", "Kopi Luwak Sidomulyo 100 g"), ("village", "Sidomulyo")}),
    ("bamb", {("commodity", "Bambu"), ("product", "Tas Anyaman Bambu"), ("product", "Keranjang Bambu Serbaguna")}),
    ("suwar-s", {("product", "Suwar-Suwir Aneka Rasa 250 g")}),
    ("KOPI LUW", {("product", "Kopi Luwak Sidomulyo 100 g")}),
    ("kopi rah", set()),  # drafts and other hidden products are never suggested
    ("k", set()),
    ("", set()),
])
def test_suggest_prefixes(search_backend, indexed, prefix, expected):
    assert {(s.kind, s.text) for s in search_backend.suggest(prefix)} == expected


def test_suggest_respects_the_limit_without_duplicates(search_backend, indexed):
    suggestions = search_backend.suggest("ko", limit=3)

    assert [(s.kind, s.text) for s in suggestions] == [("category", "Kopi"), ("category", "Kopi bubuk"),
                                                      ("commodity", "Kopi robusta")]


# --- villages -------------------------------------------------------------------------------


def test_villages_of_every_stage_are_searchable(search_backend, indexed):
    results = search_backend.search_villages(VillageQuery())

    assert set(results.codes) == {"35.09.30.2009", "35.09.14.2005", "35.09.20.1001", "35.09.31.2006"}
    assert results.total == 4
    assert [(v.value, v.count) for v in results.facets["stage"]] == [
        ("coaching", 1), ("packaging_design", 1), ("showcase_ready", 1), ("socialisation", 1)]


@pytest.mark.parametrize(("query", "expected"), [
    ({"text": "kopi"}, {"35.09.30.2009", "35.09.31.2006"}),
    ({"text": "lebah"}, {"35.09.14.2005"}),
    ({"text": "batik tulis"}, {"35.09.20.1001"}),
    ({"text": "sidomulyo"}, {"35.09.30.2009"}),
    ({"text": "sidomulya"}, {"35.09.30.2009"}),
    ({"text": "kopi", "district": "35.09.31"}, {"35.09.31.2006"}),
    ({"stage": "coaching"}, {"35.09.14.2005"}),
    ({"commodity": "madu"}, {"35.09.14.2005"}),
])
def test_village_search(search_backend, indexed, query, expected):
    assert set(search_backend.search_villages(VillageQuery(**query)).codes) == expected


def test_village_facets_are_disjunctive(search_backend, indexed):
    results = search_backend.search_villages(VillageQuery(text="kopi", district="35.09.30"))

    assert results.codes == ["35.09.30.2009"]
    assert [(v.value, v.count) for v in results.facets["district"]] == [("35.09.30", 1), ("35.09.31", 1)]
    assert [(v.value, v.count) for v in results.facets["commodity"]] == [("kopi-robusta", 1)]
