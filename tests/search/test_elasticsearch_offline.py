"""The Elasticsearch backend without a cluster: index definitions, exact request bodies, and the
conversation with Elasticsearch over real HTTP against a local stub server that records requests.

The stub stands in for the cluster at the process boundary, so the real client (transport, product
check, bulk helper, error mapping) runs as it does in production. Whether Elasticsearch answers the
queries as the contract expects is proven by tests/search/test_contract.py with ELASTICSEARCH_URL.
"""
from __future__ import annotations

import json
import re
import socket
import threading
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command

from catalog.models import Category, Commodity, Stage
from catalog.services import (
    ProductChanges,
    producer_permit_set,
    producer_verify,
    product_approve,
    product_create,
    product_price_tiers_set,
    product_submit_for_curation,
    stock_restock,
    village_advance_stage,
    village_profile_get_or_create,
    village_profile_update,
)
from search import language
from search.backends.base import (
    ProductQuery,
    ProductSearchFilters,
    SearchUnavailable,
    Suggestion,
    VillageQuery,
)
from search.backends.elasticsearch import (
    Elasticsearch,
    IndexingFailed,
    Unit,
    check_search,
    product_search,
    suggest_search,
    text_plan,
    village_search,
)
from search.es_indices import PRODUCT_TEXT_FIELDS, product_index, village_index
from search.models import Synonym
from tests.catalog.factories import OfficerFactory, ProducerFactory, owner_of, village

# --- a stand-in for the cluster -------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    body: Any  # a dict, a list (NDJSON: bulk, msearch) or None


class StubElasticsearch:
    """A local HTTP server that answers like Elasticsearch 8 from canned responses and records requests.

    ``on(method, path, body, status)`` adds a response (the latest matching one wins; ``path`` is a
    regular expression matched against the whole path); ``body`` may be a function of the request.
    Bulk requests are answered item by item from ``aliases`` (which index an alias points to) and
    ``bulk_errors`` (``{(op, id): (status, error)}``). Anything else gets a 404.
    """

    def __init__(self):
        self.requests: list[Request] = []
        self.routes: list[tuple[str, re.Pattern, Any, int]] = []
        self.aliases: dict[str, str] = {}
        self.bulk_errors: dict[tuple[str, str], tuple[int, dict | None]] = {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                status, body = stub.handle(self.command, self.path, raw)
                data = b"" if body is None or self.command == "HEAD" else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("X-Elastic-Product", "Elasticsearch")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def on(self, method: str, path: str, body: Any = None, status: int = 200) -> None:
        self.routes.insert(0, (method, re.compile(path), {} if body is None else body, status))

    def handle(self, method: str, raw_path: str, raw: str) -> tuple[int, Any]:
        parts = urlsplit(raw_path)
        if raw and parts.path.endswith(("/_bulk", "/_msearch")):
            body = [json.loads(line) for line in raw.splitlines() if line.strip()]
        else:
            body = json.loads(raw) if raw else None
        request = Request(method=method, path=parts.path, params=dict(parse_qsl(parts.query)), body=body)
        self.requests.append(request)
        if parts.path.endswith("/_bulk"):
            return 200, self._bulk(body)
        for route_method, pattern, answer, status in self.routes:
            if route_method == method and pattern.fullmatch(parts.path):
                return status, answer(request) if callable(answer) else answer
        return 404, {"error": {"type": "index_not_found_exception", "reason": f"no such index [{parts.path}]"},
                     "status": 404}

    def _bulk(self, lines: list[dict]) -> dict:
        items, i = [], 0
        while i < len(lines):
            (op, meta), i = next(iter(lines[i].items())), i + (1 if "delete" in lines[i] else 2)
            index = self.aliases.get(meta["_index"], meta["_index"])
            status, error = self.bulk_errors.get((op, meta["_id"]), (200 if op == "delete" else 201, None))
            item = {"_index": index, "_id": meta["_id"], "status": status}
            if error:
                item["error"] = error
            elif status < 300:
                item["result"] = "deleted" if op == "delete" else "created"
            else:
                item["result"] = "not_found"
            items.append({op: item})
        return {"took": 1, "errors": any("error" in next(iter(item.values())) for item in items), "items": items}

    def calls(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.requests]

    def last(self, method: str, path: str) -> Request:
        return [r for r in self.requests if (r.method, r.path) == (method, path)][-1]


@pytest.fixture
def stub():
    server = StubElasticsearch()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def ready(stub: StubElasticsearch, groups: list[list[str]] | None = None) -> None:
    """Answer as a cluster whose aliases exist and whose synonyms set holds ``groups``."""
    rules = [{"id": f"group-{n}", "synonyms": ", ".join(terms)} for n, terms in enumerate(groups or [], start=1)]
    stub.on("HEAD", r"/_alias/kampung-(products|villages)")
    stub.on("GET", "/_synonyms/kampung-synonyms", {"count": len(rules), "synonyms_set": rules})


def hits(*ids, total: int | None = None, relation: str = "eq", aggregations: dict | None = None) -> dict:
    body = {"took": 1, "timed_out": False, "hits": {
        "total": {"value": len(ids) if total is None else total, "relation": relation}, "max_score": None,
        "hits": [{"_index": "kampung-products-1", "_id": str(i), "_score": None} for i in ids]}}
    if aggregations is not None:
        body["aggregations"] = aggregations
    return body


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- a small public catalogue ---------------------------------------------------------------------


@dataclass
class Catalogue:
    public: list
    hidden: object
    officer: object


def synonyms_set(*groups: list[str]) -> None:
    """Make ``groups`` the only synonym groups (the migration seeds a few of its own)."""
    Synonym.objects.all().delete()
    for terms in groups:
        Synonym.objects.create(terms=terms)
    language.synonyms_changed()


def catalogue_build() -> Catalogue:
    """Two public products and one draft in Sidomulyo (Silo), a coached village."""
    officer = OfficerFactory()
    food = Category.objects.create(slug="makanan-minuman", name="Makanan & Minuman", name_en="Food & drink",
                                   requires_food_permits=True)
    coffee = Category.objects.create(slug="kopi", parent=food, name="Kopi", name_en="Coffee",
                                     requires_food_permits=True)
    robusta = Commodity.objects.create(slug="kopi-robusta", name="Kopi robusta", name_en="Robusta coffee")
    sidomulyo = village("35.09.30.2009", "SIDOMULYO")
    profile = village_profile_get_or_create(village=sidomulyo)
    village_profile_update(profile=profile, officer=officer, story="Desa kopi di lereng Gunung Raung.",
                           flagship_commodity=robusta)
    for step in Stage.values[1:Stage.index(Stage.COACHING) + 1]:
        village_advance_stage(profile=profile, to_stage=step, officer=officer, note="")
    producer = ProducerFactory(village=sidomulyo, name="UMKM Sidomulyo")
    producer_verify(producer=producer, officer=officer)
    owner = owner_of(producer)
    producer_permit_set(producer=producer, actor=owner, kind="halal", number="HALAL-1", expires_on=date(2030, 1, 1))

    def product(n, name, name_en, price, *, approve=True):
        item = product_create(producer=producer, actor=owner, changes=ProductChanges(
            category=coffee, name=name, name_en=name_en, description="Kopi petik merah, digiling halus.",
            sku=f"SKU-{n}", commodity=robusta, unit="pack", weight_grams=250, shelf_life_days=365, retail_price=price,
            min_order_qty=1, certifications=["halal"], barcode="", packaging_status="basic"))
        if approve:
            product_price_tiers_set(product=item, tiers=[(10, price - 5000)], actor=owner)
            stock_restock(product=item, quantity=20, actor=owner)
            product_submit_for_curation(product=item, actor=owner)
            product_approve(product=item, officer=officer)
        item.refresh_from_db()
        return item

    return Catalogue(public=[product(1, "Kopi Robusta Bubuk 250 g", "Ground robusta coffee", 35_000),
                             product(2, "Kopi Luwak 100 g", "Civet coffee", 150_000)],
                     hidden=product(3, "Kopi Draf Rahasia", "", 10_000, approve=False), officer=officer)


# --- index definitions ----------------------------------------------------------------------------


def _text_field() -> dict:
    return {"type": "text", "analyzer": "kampung_indonesian", "search_analyzer": "kampung_indonesian_search",
            "copy_to": "words", "fields": {
                "en": {"type": "text", "analyzer": "kampung_english", "search_analyzer": "kampung_english_search"},
                "plain": {"type": "text", "analyzer": "kampung_plain"}}}


COMMON_PROPERTIES = {
    "words": {"type": "text", "analyzer": "kampung_plain"},
    "suggest": {"type": "text", "analyzer": "kampung_autocomplete", "search_analyzer": "kampung_autocomplete_search"},
    "title": {"type": "keyword", "index": False, "doc_values": False},
    "quality": {"type": "float"},
}


def test_product_index_analyses_indonesian_with_our_stop_words_synonyms_and_edge_ngrams():
    body = product_index("kampung-products-20250101000000000000", synonyms_set="kampung-synonyms").to_dict()

    settings = body["settings"]
    assert {key: value for key, value in settings.items() if key != "analysis"} == {
        "number_of_shards": 1, "auto_expand_replicas": "0-1", "refresh_interval": "1s"}
    chain = ["lowercase", "asciifolding", "kampung_stop"]

    def custom(filters):
        return {"type": "custom", "tokenizer": "standard", "char_filter": ["kampung_reduplication"],
                "filter": filters}

    assert settings["analysis"]["analyzer"] == {
        "kampung_indonesian": custom([*chain, "kampung_stem_id"]),
        "kampung_indonesian_search": custom([*chain, "kampung_synonyms", "kampung_stem_id"]),
        "kampung_english": custom([*chain, "kampung_stem_en"]),
        "kampung_english_search": custom([*chain, "kampung_synonyms", "kampung_stem_en"]),
        "kampung_plain": custom(chain),
        "kampung_autocomplete": custom([*chain, "kampung_edge_ngram"]),
        "kampung_autocomplete_search": custom(["lowercase", "asciifolding"]),
    }
    filters = settings["analysis"]["filter"]
    assert filters == {
        "kampung_stop": {"type": "stop", "stopwords": sorted(language.STOP_WORDS), "ignore_case": True},
        "kampung_stem_id": {"type": "stemmer", "language": "indonesian"},
        "kampung_stem_en": {"type": "stemmer", "language": "porter2"},
        "kampung_synonyms": {"type": "synonym_graph", "synonyms_set": "kampung-synonyms", "updateable": True,
                             "lenient": True},
        "kampung_edge_ngram": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20, "preserve_original": True},
    }
    assert {"yang", "dan", "di", "the"} <= set(filters["kampung_stop"]["stopwords"])
    assert not {"tahu", "buah", "tanpa"} & set(filters["kampung_stop"]["stopwords"])
    assert settings["analysis"]["char_filter"] == {"kampung_reduplication": {
        "type": "pattern_replace", "pattern": r"\b([A-Za-z]{2,})2\b", "replacement": "$1 $1"}}
    assert body["mappings"] == {"dynamic": "strict", "_meta": {"schema": 1}, "properties": {
        "name": _text_field(), "taxonomy": _text_field(), "description": _text_field(), "maker": _text_field(),
        **COMMON_PROPERTIES,
        "id": {"type": "long"}, "producer_id": {"type": "long"},
        "category_slug": {"type": "keyword"}, "category_path": {"type": "keyword"},
        "commodity_slug": {"type": "keyword"}, "district_code": {"type": "keyword"},
        "village_code": {"type": "keyword"}, "certifications": {"type": "keyword"}, "stage": {"type": "keyword"},
        "retail_ready": {"type": "boolean"}, "in_stock": {"type": "boolean"},
        "retail_price": {"type": "long"}, "wholesale_price": {"type": "long"},
        "min_order_qty": {"type": "integer"}, "approved_at": {"type": "date"}, "sales_score": {"type": "float"},
    }}


def test_village_index_mapping():
    body = village_index("kampung-villages-1", synonyms_set="kampung-synonyms").to_dict()

    assert body["mappings"]["properties"] == {
        "name": _text_field(), "commodities": _text_field(), "story": _text_field(), "district": _text_field(),
        **COMMON_PROPERTIES,
        "code": {"type": "keyword"}, "district_code": {"type": "keyword"}, "stage": {"type": "keyword"},
        "flagship_slug": {"type": "keyword"}, "commodity_slugs": {"type": "keyword"},
        "stage_index": {"type": "short"}, "producers": {"type": "integer"}, "listed_products": {"type": "integer"},
    }
    assert body["settings"]["analysis"]["filter"]["kampung_synonyms"]["synonyms_set"] == "kampung-synonyms"


# --- query bodies -----------------------------------------------------------------------------------

NAME_STEMS = ["name^4", "name.en^4", "taxonomy^2", "taxonomy.en^2", "description^1", "description.en^1",
              "maker^0.5", "maker.en^0.5"]
QUALITY = [{"weight": 1}, {"field_value_factor": {"field": "quality", "missing": 0}}]


def word(text: str) -> dict:
    return {"multi_match": {"query": text, "fields": NAME_STEMS, "type": "best_fields", "operator": "and",
                            "tie_breaker": 0.3}}


def facet_agg(field: str, *filters: dict, size: int = 30) -> dict:
    return {"filter": {"bool": {"filter": list(filters)}} if filters else {"match_all": {}},
            "aggs": {"counts": {"terms": {"field": field, "size": size,
                                          "order": [{"_count": "desc"}, {"_key": "asc"}]}}}}


@pytest.mark.django_db
def test_text_filters_facets_relevance_and_buyer_price():
    query = ProductQuery(
        text="Kopi bubuk dari Jember!", sort="relevance", audience="buyer", offset=20, limit=10,
        filters=ProductSearchFilters(district="35.09.30", certifications=("pirt", "halal", "pirt"), price_min=20_000,
                                     price_max=90_000, max_min_order_qty=12, in_stock=True))

    body = product_search(query, index="kampung-products", plan=text_plan(query.text)).to_dict()

    certified = {"bool": {"filter": [{"term": {"certifications": "halal"}}, {"term": {"certifications": "pirt"}}]}}
    district = {"term": {"district_code": "35.09.30"}}
    stocked = {"term": {"in_stock": True}}
    assert body == {
        "query": {"function_score": {
            "query": {"bool": {
                "must": [word("kopi"), word("bubuk"), word("jember")],
                "filter": [{"range": {"wholesale_price": {"gte": 20_000, "lte": 90_000}}},
                           {"range": {"min_order_qty": {"lte": 12}}}]}},
            "functions": QUALITY, "score_mode": "sum", "boost_mode": "multiply"}},
        "post_filter": {"bool": {"filter": [certified, district, stocked]}},
        "aggs": {
            "category": facet_agg("category_path", certified, district, stocked),
            "commodity": facet_agg("commodity_slug", certified, district, stocked),
            "district": facet_agg("district_code", certified, stocked),
            "village": facet_agg("village_code", certified, district, stocked),
            "certification": facet_agg("certifications", district, stocked),
            "retail_ready": facet_agg("retail_ready", certified, district, stocked, size=2),
            "in_stock": facet_agg("in_stock", certified, district, size=2),
        },
        "sort": [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}],
        "from": 20, "size": 10, "track_total_hits": 500, "_source": False,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("sort", "audience", "expected"), [
    ("price_asc", "consumer", [{"retail_price": {"order": "asc"}}, {"id": {"order": "asc"}}]),
    ("price_desc", "consumer", [{"retail_price": {"order": "desc"}}, {"id": {"order": "asc"}}]),
    ("price_asc", "buyer", [{"wholesale_price": {"order": "asc"}}, {"id": {"order": "asc"}}]),
    ("newest", "buyer", [{"approved_at": {"order": "desc"}}, {"id": {"order": "desc"}}]),
])
def test_sorts_filter_the_text_without_scoring(sort, audience, expected):
    query = ProductQuery(text="kopi", sort=sort, audience=audience, facets=False,
                         filters=ProductSearchFilters(price_max=50_000))

    body = product_search(query, index="kampung-products", plan=text_plan("kopi")).to_dict()

    price = "wholesale_price" if audience == "buyer" else "retail_price"
    assert body == {"query": {"bool": {"filter": [word("kopi"), {"range": {price: {"lte": 50_000}}}]}},
                    "sort": expected, "from": 0, "size": 20, "track_total_hits": 500, "_source": False}


@pytest.mark.django_db
@pytest.mark.parametrize(("offset", "limit", "expected"), [(-5, -1, (0, 0)), (5000, 500, (500, 50)), (40, 20, (40, 20))])
def test_pages_are_bounded(offset, limit, expected):
    body = product_search(ProductQuery(offset=offset, limit=limit, facets=False), index="p", plan=None).to_dict()

    assert (body["from"], body["size"], body["track_total_hits"]) == (*expected, 500)


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "   ", "yang dan di", "the of"])
def test_without_content_words_relevance_is_quality_alone(text):
    query = ProductQuery(text=text, facets=False, filters=ProductSearchFilters(retail_ready=False))

    body = product_search(query, index="kampung-products", plan=text_plan(text)).to_dict()

    assert text_plan(text) is None
    assert body["query"] == {"function_score": {"query": {"match_all": {}}, "functions": QUALITY,
                                                "score_mode": "sum", "boost_mode": "replace"}}
    assert body["post_filter"] == {"bool": {"filter": [{"term": {"retail_ready": False}}]}}


@pytest.mark.django_db
def test_a_multi_word_synonym_is_one_unit_and_typos_are_matched_fuzzily():
    synonyms_set(["singkong", "ubi kayu"])
    plan = text_plan("keripik Ubi-Kayu kopu")
    assert plan.units == [Unit("keripik", True), Unit("ubi kayu", False), Unit("kopu", True)]
    plan.fuzzy.add(2)

    body = product_search(ProductQuery(text="", facets=False), index="kampung-products", plan=plan).to_dict()

    assert body["query"]["function_score"]["query"]["bool"]["must"] == [
        word("keripik"), word("ubi kayu"),
        {"multi_match": {"query": "kopu", "fields": ["name.plain^4", "taxonomy.plain^2", "description.plain^1",
                                                     "maker.plain^0.5"],
                         "fuzziness": "AUTO", "prefix_length": 0, "max_expansions": 50}}]


@pytest.mark.django_db
def test_check_request_asks_which_units_match_and_corrections_for_single_words():
    synonyms_set(["hp", "handphone"])

    body = check_search(text_plan("kopu hp sarung ab"), index="kampung-products", weights=PRODUCT_TEXT_FIELDS).to_dict()

    def term(text, edits):
        return {"text": text, "term": {
            "field": "words", "suggest_mode": "always", "max_edits": edits, "prefix_length": 0, "min_word_length": 3,
            "accuracy": 0.1, "size": 10, "sort": "score", "string_distance": "damerau_levenshtein"}}

    assert body == {
        "aggs": {"units": {"filters": {"filters": {"0": word("kopu"), "1": word("hp"), "2": word("sarung"),
                                                   "3": word("ab")}}}},
        "size": 0, "track_total_hits": False,
        "suggest": {"unit0": term("kopu", 1), "unit2": term("sarung", 2)},  # "hp" has synonyms, "ab" is too short
    }


@pytest.mark.django_db
def test_village_query_body():
    query = VillageQuery(text="desa kopi", district="35.09.30", commodity="kopi-robusta", offset=2, limit=3)

    body = village_search(query, index="kampung-villages", plan=text_plan(query.text)).to_dict()

    fields = ["name^4", "name.en^4", "commodities^2", "commodities.en^2", "story^1", "story.en^1", "district^0.5",
              "district.en^0.5"]
    commodity = {"term": {"commodity_slugs": "kopi-robusta"}}
    district = {"term": {"district_code": "35.09.30"}}
    assert body == {
        "query": {"function_score": {
            "query": {"bool": {"must": [
                {"multi_match": {"query": q, "fields": fields, "type": "best_fields", "operator": "and",
                                 "tie_breaker": 0.3}} for q in ("desa", "kopi")]}},
            "functions": QUALITY, "score_mode": "sum", "boost_mode": "multiply"}},
        "post_filter": {"bool": {"filter": [commodity, district]}},
        "aggs": {"district": facet_agg("district_code", commodity), "stage": facet_agg("stage", commodity, district),
                 "commodity": facet_agg("commodity_slugs", district)},
        "sort": [{"_score": {"order": "desc"}}, {"code": {"order": "asc"}}],
        "from": 2, "size": 3, "track_total_hits": 500, "_source": False,
    }


def test_suggest_body_matches_every_prefix():
    body = suggest_search(["kopi", "luw"], index="kampung-products", limit=8, key="id").to_dict()

    assert body == {"query": {"match": {"suggest": {"query": "kopi luw", "operator": "and"}}},
                    "sort": [{"quality": {"order": "desc"}}, {"id": {"order": "asc"}}],
                    "_source": ["title", "quality"], "size": 8, "track_total_hits": False}


# --- synonyms ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_synonyms_set_holds_the_officers_groups_and_is_written_only_when_they_change(stub):
    synonyms_set(["Kopi", "coffee"], ["ubi kayu", "singkong", "Ketela-Pohon"])
    stub.on("PUT", "/_synonyms/kampung-synonyms", {"result": "created"})
    backend = Elasticsearch(url=stub.url, prefix="kampung")

    assert backend.synonyms_sync() is True
    assert backend.synonyms_sync() is False  # nothing changed: no request at all

    assert stub.calls() == [("GET", "/_synonyms/kampung-synonyms"), ("PUT", "/_synonyms/kampung-synonyms")]
    assert stub.requests[0].params == {"size": "10000"}
    assert stub.requests[1].body == {"synonyms_set": [{"id": "group-1", "synonyms": "kopi, coffee"},
                                                      {"id": "group-2", "synonyms": "ubi kayu, singkong, ketela pohon"}]}


@pytest.mark.django_db
def test_synonyms_set_already_in_the_cluster_is_not_rewritten(stub):
    synonyms_set(["kopi", "coffee"])
    ready(stub, [["kopi", "coffee"]])
    backend = Elasticsearch(url=stub.url, prefix="kampung")

    assert backend.synonyms_sync() is False

    assert stub.calls() == [("GET", "/_synonyms/kampung-synonyms")]


# --- indexing ----------------------------------------------------------------------------------------


def product_body(product, *, quality: float = 0.3) -> dict:
    return {
        "id": product.pk, "title": product.approved_snapshot["name"],
        "name": [language.clean(product.approved_snapshot["name"]), language.clean(product.approved_snapshot["name_en"])],
        "taxonomy": ["makanan minuman", "food drink", "kopi", "coffee", "kopi robusta", "robusta coffee"],
        "description": ["kopi petik merah digiling halus"], "maker": ["umkm sidomulyo", "sidomulyo", "jombang"],
        "suggest": language.clean(f"{product.approved_snapshot['name']} {product.approved_snapshot['name_en']}"),
        "producer_id": product.producer_id, "category_slug": "kopi", "category_path": ["makanan-minuman", "kopi"],
        "commodity_slug": "kopi-robusta", "district_code": "35.09.30", "village_code": "35.09.30.2009",
        "certifications": ["halal"], "stage": "coaching", "retail_ready": False, "in_stock": True,
        "retail_price": product.approved_snapshot["retail_price"],
        "wholesale_price": product.approved_snapshot["retail_price"] - 5000, "min_order_qty": 1,
        "approved_at": product.approved_at.isoformat(), "sales_score": 0.0, "quality": quality,
    }


def bulk_pairs(request: Request) -> list[tuple[dict, dict | None]]:
    """Return the bulk request's (action, source) pairs; the version is checked and then left out."""
    pairs, lines = [], list(request.body)
    while lines:
        action = lines.pop(0)
        op, meta = next(iter(action.items()))
        assert isinstance(meta.pop("version"), int)
        pairs.append(({op: meta}, None if op == "delete" else lines.pop(0)))
    return pairs


@pytest.mark.django_db
def test_rebuild_loads_new_indices_then_swaps_the_aliases_atomically_and_drops_the_old(stub):
    catalogue = catalogue_build()
    synonyms_set(["kopi", "coffee"])
    ready(stub, [["kopi", "coffee"]])
    stub.on("PUT", r"/kampung-(products|villages)-\d{20}", {"acknowledged": True})
    stub.on("PUT", r"/kampung-(products|villages)-\d{20}/_settings", {"acknowledged": True})
    stub.on("POST", r"/kampung-(products|villages)-\d{20}/_refresh", {"_shards": {}})
    stub.on("GET", "/_alias/kampung-products", {"kampung-products-initial": {"aliases": {"kampung-products": {}}}})
    stub.on("POST", "/kampung-products-initial/_count", {"count": 5})
    stub.on("POST", "/_aliases", {"acknowledged": True})
    stub.on("DELETE", "/kampung-products-initial", {"acknowledged": True})
    backend = Elasticsearch(url=stub.url, prefix="kampung")
    seen = []

    report = backend.rebuild(progress=lambda done, total: seen.append((done, total)))

    products, villages = [r.path for r in stub.requests if r.method == "PUT" and re.fullmatch(
        r"/kampung-(products|villages)-\d{20}", r.path)]
    assert stub.calls() == [
        ("GET", "/_synonyms/kampung-synonyms"),
        ("PUT", products), ("PUT", "/_bulk"), ("PUT", f"{products}/_settings"),
        ("POST", f"{products}/_refresh"), ("GET", "/_alias/kampung-products"), ("POST", "/_aliases"),
        ("POST", "/kampung-products-initial/_count"), ("DELETE", "/kampung-products-initial"),
        ("PUT", villages), ("PUT", "/_bulk"), ("PUT", f"{villages}/_settings"),
        ("POST", f"{villages}/_refresh"), ("GET", "/_alias/kampung-villages"), ("POST", "/_aliases"),
    ]
    new = products.lstrip("/")
    created = stub.last("PUT", products).body
    assert created["aliases"] == {"kampung-products-next": {}}
    assert created["settings"]["refresh_interval"] == "-1"
    assert created["mappings"] == product_index(new, synonyms_set="kampung-synonyms").to_dict()["mappings"]
    first, second = catalogue.public
    product_bulk, village_bulk = [r for r in stub.requests if r.path == "/_bulk"]
    assert bulk_pairs(product_bulk) == [
        ({"index": {"_index": new, "_id": str(first.pk), "version_type": "external_gte"}}, product_body(first)),
        ({"index": {"_index": new, "_id": str(second.pk), "version_type": "external_gte"}}, product_body(second)),
    ]  # the draft is not there
    assert stub.last("PUT", f"{products}/_settings").body == {"index": {"refresh_interval": "1s"}}
    swaps = [r.body for r in stub.requests if r.path == "/_aliases"]
    assert swaps == [
        {"actions": [{"remove": {"index": "kampung-products-initial", "alias": "kampung-products"}},
                     {"remove": {"index": new, "alias": "kampung-products-next"}},
                     {"add": {"index": new, "alias": "kampung-products"}}]},
        {"actions": [{"remove": {"index": villages.lstrip("/"), "alias": "kampung-villages-next"}},
                     {"add": {"index": villages.lstrip("/"), "alias": "kampung-villages"}}]},
    ]
    village_pairs = bulk_pairs(village_bulk)
    assert [action for action, _source in village_pairs] == [
        {"index": {"_index": villages.lstrip("/"), "_id": "35.09.30.2009", "version_type": "external_gte"}}]
    assert village_pairs[0][1] == {
        "code": "35.09.30.2009", "title": "Sidomulyo", "name": ["sidomulyo"],
        "commodities": ["kopi robusta", "robusta coffee"], "story": ["desa kopi lereng gunung raung"],
        "district": ["jombang"], "suggest": "sidomulyo", "district_code": "35.09.30", "stage": "coaching",
        "stage_index": 2, "flagship_slug": "kopi-robusta", "commodity_slugs": ["kopi-robusta"], "producers": 1,
        "listed_products": 2, "quality": 0.25}
    assert seen == [(0, 3), (2, 3), (3, 3)]
    assert (report.indexed, report.removed) == (3, 3)  # the old product index held 5 documents, the new one 2


@pytest.mark.django_db
def test_a_failed_rebuild_deletes_its_unfinished_index_and_leaves_the_alias_alone(stub):
    catalogue = catalogue_build()
    synonyms_set()
    ready(stub)
    stub.on("PUT", r"/kampung-products-\d{20}", {"acknowledged": True})
    stub.on("DELETE", r"/kampung-products-\d{20}", {"acknowledged": True})
    stub.bulk_errors[("index", str(catalogue.public[1].pk))] = (400, {"type": "document_parsing_exception",
                                                                      "reason": "failed to parse"})
    backend = Elasticsearch(url=stub.url, prefix="kampung")

    with pytest.raises(IndexingFailed, match="document_parsing_exception"):
        backend.rebuild()

    created = [r.path for r in stub.requests if r.method == "PUT" and re.fullmatch(r"/kampung-products-\d{20}", r.path)]
    assert stub.calls()[-1] == ("DELETE", created[0])
    assert not [r for r in stub.requests if r.path == "/_aliases"]


@pytest.mark.django_db
def test_index_products_writes_public_documents_and_deletes_the_others_through_both_aliases(stub):
    catalogue = catalogue_build()
    first, second = catalogue.public
    hidden = catalogue.hidden
    synonyms_set()
    ready(stub)
    stub.on("GET", "/_alias/kampung-products,kampung-products-next", {
        "kampung-products-1": {"aliases": {"kampung-products": {}}},
        "kampung-products-2": {"aliases": {"kampung-products-next": {}}}})
    stub.aliases = {"kampung-products": "kampung-products-1", "kampung-products-next": "kampung-products-2"}
    # A newer version of the second product is already there; the made-up id was never indexed.
    stub.bulk_errors[("index", str(second.pk))] = (409, {"type": "version_conflict_engine_exception"})
    stub.bulk_errors[("delete", "999999")] = (404, None)
    backend = Elasticsearch(url=stub.url, prefix="kampung")

    report = backend.index_products([hidden.pk, 999999, first.pk, second.pk, first.pk])

    assert (report.indexed, report.removed) == (2, 1)
    bulk = stub.last("PUT", "/_bulk")
    assert bulk.params == {"require_alias": "true", "refresh": "wait_for"}
    versions = {next(iter(line.values()))["version"] for line in bulk.body if set(line) & {"index", "delete"}}
    assert len(versions) == 1
    expected = []
    for alias in ("kampung-products", "kampung-products-next"):
        expected += [
            ({"index": {"_index": alias, "_id": str(first.pk), "version_type": "external_gte"}}, product_body(first)),
            ({"index": {"_index": alias, "_id": str(second.pk), "version_type": "external_gte"}},
             product_body(second)),
            ({"delete": {"_index": alias, "_id": str(hidden.pk), "version_type": "external_gte"}}, None),
            ({"delete": {"_index": alias, "_id": "999999", "version_type": "external_gte"}}, None),
        ]
    assert bulk_pairs(bulk) == expected


@pytest.mark.django_db
def test_a_write_to_the_rebuild_alias_that_just_went_away_is_ignored(stub):
    catalogue = catalogue_build()
    synonyms_set()
    ready(stub)
    stub.on("GET", "/_alias/kampung-products,kampung-products-next", {
        "kampung-products-1": {"aliases": {"kampung-products": {}}},
        "kampung-products-2": {"aliases": {"kampung-products-next": {}}}})
    stub.aliases = {"kampung-products": "kampung-products-1"}
    gone = {"type": "index_not_found_exception", "reason": "no such index [kampung-products-next]"}
    original = stub._bulk

    def bulk(lines):
        answer = original(lines)
        for item in answer["items"]:
            meta = next(iter(item.values()))
            if meta["_index"] == "kampung-products-next":
                meta.update(status=404, error=gone)
                meta.pop("result")
        return answer

    stub._bulk = bulk
    backend = Elasticsearch(url=stub.url, prefix="kampung", refresh=False)

    report = backend.index_products([p.pk for p in catalogue.public])

    assert (report.indexed, report.removed) == (2, 0)
    assert stub.last("PUT", "/_bulk").params == {"require_alias": "true"}


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "error", "raised"), [
    (503, {"type": "unavailable_shards_exception"}, SearchUnavailable),
    (404, {"type": "index_not_found_exception"}, SearchUnavailable),  # the live alias itself is gone
    (400, {"type": "document_parsing_exception", "reason": "bad date"}, IndexingFailed),
])
def test_refused_writes(stub, status, error, raised):
    catalogue = catalogue_build()
    synonyms_set()
    ready(stub)
    stub.on("GET", "/_alias/kampung-products,kampung-products-next",
            {"kampung-products-1": {"aliases": {"kampung-products": {}}}})
    stub.bulk_errors[("index", str(catalogue.public[0].pk))] = (status, error)
    backend = Elasticsearch(url=stub.url, prefix="kampung")

    with pytest.raises(raised):
        backend.index_products([catalogue.public[0].pk])


@pytest.mark.django_db
def test_the_first_use_creates_empty_indices_behind_the_aliases(stub):
    synonyms_set(["kopi", "coffee"])
    stub.on("PUT", "/_synonyms/kampung-synonyms", {"result": "created"})
    stub.on("PUT", "/kampung-products-initial", {"acknowledged": True})
    stub.on("PUT", "/kampung-villages-initial", {"error": {"type": "resource_already_exists_exception"},
                                                 "status": 400}, status=400)  # another process was quicker
    backend = Elasticsearch(url=stub.url, prefix="kampung")

    backend.ensure_indices()
    backend.ensure_indices()  # remembered: no more requests

    assert stub.calls() == [
        ("HEAD", "/_alias/kampung-products"), ("GET", "/_synonyms/kampung-synonyms"),
        ("PUT", "/_synonyms/kampung-synonyms"), ("PUT", "/kampung-products-initial"),
        ("HEAD", "/_alias/kampung-villages"), ("PUT", "/kampung-villages-initial"),
    ]
    body = stub.last("PUT", "/kampung-products-initial").body
    assert body == {"aliases": {"kampung-products": {}},
                    **product_index("kampung-products-initial", synonyms_set="kampung-synonyms").to_dict()}


# --- searching ---------------------------------------------------------------------------------------


def _search_route(stub: StubElasticsearch, *, first: dict, check: dict | None = None, again: dict | None = None):
    """Answer the exact query with ``first``, the check request with ``check``, the fuzzy one with ``again``."""
    def answer(request):
        if request.body.get("size") == 0:
            return check
        return again if "fuzziness" in json.dumps(request.body) else first
    stub.on("POST", "/kampung-(products|villages)/_search", answer)


@pytest.mark.django_db
def test_a_typo_is_searched_through_near_words_and_the_correction_is_offered(stub):
    catalogue = catalogue_build()
    first, second = catalogue.public
    synonyms_set()
    ready(stub)
    aggregations = {
        "category": {"doc_count": 2, "counts": {"buckets": [{"key": "kopi", "doc_count": 2},
                                                            {"key": "makanan-minuman", "doc_count": 2}]}},
        "commodity": {"doc_count": 2, "counts": {"buckets": [{"key": "kopi-robusta", "doc_count": 2}]}},
        "district": {"doc_count": 2, "counts": {"buckets": [{"key": "35.09.30", "doc_count": 2}]}},
        "village": {"doc_count": 2, "counts": {"buckets": [{"key": "35.09.30.2009", "doc_count": 2}]}},
        "certification": {"doc_count": 2, "counts": {"buckets": [{"key": "halal", "doc_count": 2}]}},
        "retail_ready": {"doc_count": 2, "counts": {"buckets": [{"key": 0, "key_as_string": "false", "doc_count": 2}]}},
        "in_stock": {"doc_count": 2, "counts": {"buckets": [{"key": 1, "key_as_string": "true", "doc_count": 2}]}},
    }
    _search_route(
        stub, first=hits(), again=hits(second.pk, first.pk, aggregations=aggregations),
        check={"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
               "aggregations": {"units": {"buckets": {"0": {"doc_count": 0}, "1": {"doc_count": 3}}}},
               "suggest": {"unit0": [{"text": "kopu", "offset": 0, "length": 4, "options": [
                   {"text": "kopiah", "score": 0.6, "freq": 50},  # two edits: too far for a four-letter word
                   {"text": "kapu", "score": 0.75, "freq": 1},
                   {"text": "kopi", "score": 0.75, "freq": 4}]}]}})
    backend = Elasticsearch(url=stub.url, prefix="kampung")

    results = backend.search_products(ProductQuery(text="Kopu dari Sidomulyo"))

    assert (results.ids, results.total, results.total_is_exact) == ([second.pk, first.pk], 2, True)
    assert results.did_you_mean == "kopi dari sidomulyo"
    searches = [r.body for r in stub.requests if r.path == "/kampung-products/_search"]
    assert len(searches) == 3
    assert searches[0]["query"]["function_score"]["query"]["bool"]["must"] == [word("kopu"), word("sidomulyo")]
    assert searches[2]["query"]["function_score"]["query"]["bool"]["must"] == [
        {"multi_match": {"query": "kopu", "fields": ["name.plain^4", "taxonomy.plain^2", "description.plain^1",
                                                     "maker.plain^0.5"],
                         "fuzziness": "AUTO", "prefix_length": 0, "max_expansions": 50}},
        word("sidomulyo")]
    assert {name: [(v.value, v.label, v.count) for v in values] for name, values in results.facets.items()} == {
        "category": [("kopi", "Kopi", 2), ("makanan-minuman", "Makanan & Minuman", 2)],
        "commodity": [("kopi-robusta", "Kopi robusta", 2)],
        "district": [("35.09.30", "Jombang", 2)],
        "village": [("35.09.30.2009", "Sidomulyo", 2)],
        "certification": [("halal", "Halal certificate", 2)],
        "retail_ready": [("false", "Not retail ready", 2)],
        "in_stock": [("true", "In stock", 2)],
    }


@pytest.mark.django_db
def test_a_word_that_matches_nothing_and_has_no_near_word_finds_nothing(stub):
    synonyms_set()
    ready(stub)
    _search_route(stub, first=hits(), check={
        "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
        "aggregations": {"units": {"buckets": {"0": {"doc_count": 0}}}},
        "suggest": {"unit0": [{"text": "qqqzzz", "offset": 0, "length": 6, "options": []}]}})
    backend = Elasticsearch(url=stub.url, prefix="kampung")

    results = backend.search_products(ProductQuery(text="qqqzzz"))

    assert (results.ids, results.total, results.facets, results.did_you_mean) == ([], 0, {}, None)
    assert len([r for r in stub.requests if r.path == "/kampung-products/_search"]) == 2


@pytest.mark.django_db
def test_known_words_that_never_meet_find_nothing_without_a_correction(stub):
    synonyms_set()
    ready(stub)
    _search_route(stub, first=hits(), check={
        "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
        "aggregations": {"units": {"buckets": {"0": {"doc_count": 4}, "1": {"doc_count": 2}}}},
        "suggest": {"unit0": [{"text": "kopi", "options": []}], "unit1": [{"text": "batik", "options": []}]}})
    backend = Elasticsearch(url=stub.url, prefix="kampung")

    results = backend.search_products(ProductQuery(text="kopi batik", facets=False))

    assert (results.ids, results.total, results.did_you_mean) == ([], 0, None)
    assert len([r for r in stub.requests if r.path == "/kampung-products/_search"]) == 2


@pytest.mark.django_db
def test_totals_beyond_the_count_limit_are_not_exact(stub):
    synonyms_set()
    ready(stub)
    _search_route(stub, first=hits(*range(1, 21), total=500, relation="gte"))
    backend = Elasticsearch(url=stub.url, prefix="kampung")

    results = backend.search_products(ProductQuery(text="kopi", facets=False))

    assert (results.ids, results.total, results.total_is_exact, results.facets) == (
        list(range(1, 21)), 500, False, {})


@pytest.mark.django_db
def test_village_search_reads_codes_and_labels_stages(stub):
    catalogue_build()
    synonyms_set()
    ready(stub)
    body = {"hits": {"total": {"value": 1, "relation": "eq"}, "hits": [{"_id": "35.09.30.2009"}]}, "aggregations": {
        "district": {"counts": {"buckets": [{"key": "35.09.30", "doc_count": 1}]}},
        "stage": {"counts": {"buckets": [{"key": "coaching", "doc_count": 1}]}},
        "commodity": {"counts": {"buckets": [{"key": "kopi-robusta", "doc_count": 1}]}}}}
    _search_route(stub, first=body)
    backend = Elasticsearch(url=stub.url, prefix="kampung")

    results = backend.search_villages(VillageQuery(text="kopi"))

    assert (results.codes, results.total, results.total_is_exact, results.did_you_mean) == (
        ["35.09.30.2009"], 1, True, None)
    assert {name: [(v.value, v.label, v.count) for v in values] for name, values in results.facets.items()} == {
        "district": [("35.09.30", "Jombang", 1)],
        "stage": [("coaching", "Coaching (incl. industrial management)", 1)],
        "commodity": [("kopi-robusta", "Kopi robusta", 1)],
    }


@pytest.mark.django_db
def test_suggest_offers_used_categories_and_commodities_then_products_and_villages(stub):
    synonyms_set()
    food = Category.objects.create(slug="makanan-minuman", name="Makanan & Minuman", name_en="Food & drink")
    Category.objects.create(slug="kopi", parent=food, name="Kopi", name_en="Coffee")
    Category.objects.create(slug="kopi-bubuk", parent=food, name="Kopi bubuk", name_en="Ground coffee")
    Commodity.objects.create(slug="kopi-robusta", name="Kopi robusta", name_en="Robusta coffee")
    Commodity.objects.create(slug="kopi-arabika", name="Kopi arabika", name_en="Arabica coffee")
    ready(stub)

    stub.on("POST", "/_msearch", {"responses": [
        {"status": 200, "hits": {"hits": [
            {"_id": "7", "_source": {"title": "Kopi Luwak", "quality": 0.3}},
            {"_id": "3", "_source": {"title": "Kopi", "quality": 0.8}},  # the category says it already
            {"_id": "5", "_source": {"title": "Kopi Robusta Bubuk", "quality": 0.8}}]},
         "aggregations": {"all": {"categories": {"buckets": [{"key": "kopi", "doc_count": 3}]}},
                          "all_commodities": {"commodities": {"buckets": []}}}},
        {"status": 200, "hits": {"hits": [{"_id": "35.09.30.2010", "_source": {"title": "Kopang", "quality": 0.1}}]},
         "aggregations": {"all": {"commodities": {"buckets": [{"key": "kopi-robusta", "doc_count": 1}]}}}},
    ]})
    backend = Elasticsearch(url=stub.url, prefix="kampung")

    suggestions = backend.suggest("Kop")

    header, products, header2, villages = stub.last("POST", "/_msearch").body
    assert (header, header2) == ({"index": ["kampung-products"]}, {"index": ["kampung-villages"]})
    assert products == {
        "query": {"match": {"suggest": {"query": "kop", "operator": "and"}}},
        "sort": [{"quality": {"order": "desc"}}, {"id": {"order": "asc"}}],
        "_source": ["title", "quality"], "size": 8, "track_total_hits": False,
        "aggs": {
            "all": {"global": {}, "aggs": {"categories": {"terms": {
                "field": "category_path", "include": ["kopi", "kopi-bubuk"], "size": 2}}}},
            "all_commodities": {"global": {}, "aggs": {"commodities": {"terms": {
                "field": "commodity_slug", "include": ["kopi-arabika", "kopi-robusta"], "size": 2}}}}}}
    assert villages["aggs"] == {"all": {"global": {}, "aggs": {"commodities": {"terms": {
        "field": "commodity_slugs", "include": ["kopi-arabika", "kopi-robusta"], "size": 2}}}}}
    assert villages["sort"] == [{"quality": {"order": "desc"}}, {"code": {"order": "asc"}}]

    assert suggestions == [
        Suggestion(text="Kopi", kind="category", url_hint="kopi"),
        Suggestion(text="Kopi robusta", kind="commodity", url_hint="kopi-robusta"),
        Suggestion(text="Kopi Robusta Bubuk", kind="product", url_hint="5"),
        Suggestion(text="Kopi Luwak", kind="product", url_hint="7"),
        Suggestion(text="Kopang", kind="village", url_hint="35.09.30.2010"),
    ]
    assert backend.suggest("Kop", limit=2) == suggestions[:2]
    assert backend.suggest("k") == [] and backend.suggest(" - ") == []


# --- when the cluster is away ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("call", [
    lambda backend: backend.search_products(ProductQuery(text="kopi")),
    lambda backend: backend.search_villages(VillageQuery()),
    lambda backend: backend.suggest("kopi"),
    lambda backend: backend.index_products([1, 2]),
    lambda backend: backend.index_villages(["35.09.30.2009"]),
    lambda backend: backend.rebuild(),
])
def test_a_refused_connection_is_search_unavailable(call):
    backend = Elasticsearch(url=closed_port_url(), prefix="kampung")

    with pytest.raises(SearchUnavailable, match="unreachable"):
        call(backend)

    assert backend.ping() is False


@pytest.mark.django_db
def test_an_overloaded_cluster_is_search_unavailable(stub):
    synonyms_set()
    ready(stub)
    stub.on("POST", "/kampung-products/_search", {"error": {"type": "search_phase_execution_exception"},
                                                  "status": 503}, status=503)
    backend = Elasticsearch(url=stub.url, prefix="kampung")

    with pytest.raises(SearchUnavailable, match="unavailable"):
        backend.search_products(ProductQuery())


def test_destroy_deletes_the_indices_by_name_then_the_synonyms_set(stub):
    stub.on("GET", r"/kampung-products-\*", {"kampung-products-1": {}, "kampung-products-initial": {}})
    stub.on("GET", r"/kampung-villages-\*", {})
    stub.on("DELETE", "/kampung-products-1,kampung-products-initial", {"acknowledged": True})
    stub.on("DELETE", "/_synonyms/kampung-synonyms", {"acknowledged": True})

    Elasticsearch(url=stub.url, prefix="kampung").destroy()

    assert stub.calls() == [("GET", "/kampung-products-*"), ("DELETE", "/kampung-products-1,kampung-products-initial"),
                            ("GET", "/kampung-villages-*"), ("DELETE", "/_synonyms/kampung-synonyms")]
    assert stub.requests[0].params == {"expand_wildcards": "all"}


def test_ping(stub):
    stub.on("HEAD", "/")

    assert Elasticsearch(url=stub.url, prefix="kampung").ping() is True


# --- the command ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_reindex_command_prints_progress(stub, settings):
    catalogue_build()
    synonyms_set()
    ready(stub)
    stub.on("PUT", r"/kampung-(products|villages)-\d{20}(/_settings)?", {"acknowledged": True})
    stub.on("POST", r"/kampung-(products|villages)-\d{20}/_refresh", {"_shards": {}})
    stub.on("POST", "/_aliases", {"acknowledged": True})
    settings.ELASTICSEARCH_URL = stub.url
    settings.ELASTICSEARCH_INDEX_PREFIX = "kampung"
    settings.SEARCH_BACKEND = "search.backends.elasticsearch.Elasticsearch"
    out = StringIO()

    call_command("search_reindex", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[:4] == ["Rebuilding the elasticsearch search index...", "  0% 0/3", " 66% 2/3", "100% 3/3"]
    assert re.fullmatch(r"Indexed 3 documents and removed 0 in \d+\.\d s\.", lines[4])
    assert len(lines) == 5


@pytest.mark.django_db
def test_search_reindex_command_fails_cleanly_when_the_cluster_is_away(settings):
    from django.core.management.base import CommandError

    settings.ELASTICSEARCH_URL = closed_port_url()
    settings.SEARCH_BACKEND = "search.backends.elasticsearch.Elasticsearch"

    with pytest.raises(CommandError, match="searches keep using the current index"):
        call_command("search_reindex", stdout=StringIO())
