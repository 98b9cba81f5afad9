"""The Elasticsearch search backend (selected by ``ELASTICSEARCH_URL``), built with elasticsearch-dsl.

Indices are versioned behind aliases: ``<prefix>-products-<timestamp>`` is searched through the
alias ``<prefix>-products`` (the same for villages). ``rebuild()`` (``manage.py search_reindex``)
builds a new index, bulk-loads it, refreshes it and swaps the alias in one atomic
``update_aliases`` call, then deletes the old index: searches never see a missing or half-built
index. While a rebuild runs the new index also carries the alias ``<prefix>-products-next``, and
``index_products`` writes to both aliases, so changes made during the rebuild are not lost.

Writes carry an external version read from the database clock just before the documents are
read from the catalogue, so of two writers racing on one product (two workers, or a worker and
a rebuild) the one that read the newer catalogue state wins whatever order their writes reach
Elasticsearch in; deletions of withdrawn products leave versioned tombstones for the same reason.

A query is analysed as ``search.backends.base`` describes (``search.language``): normalised text
without stop words, split into units (a word, or a multi-word synonym term), each of which must
match (``multi_match`` over the weighted fields and their Indonesian and English stems, synonyms
expanded by the index's ``synonym_graph`` search analyzer). When nothing matches, one more request
asks which units match nothing at all and what the term suggester offers for them; such a word is
then matched with ``fuzziness: AUTO`` and ``did_you_mean`` holds the corrected query. Facets are
``terms`` aggregations; filters that have a facet go into ``post_filter`` and into every other
facet's ``filter`` aggregation, so facets stay disjunctive. Relevance is BM25 multiplied by
``1 + quality`` (a ``function_score``), as the database backend multiplies ``ts_rank``.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import elastic_transport
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone
from elasticsearch import ApiError, NotFoundError, helpers
from elasticsearch import Elasticsearch as Client
from elasticsearch.dsl import MultiSearch, Q, Search

from search import language
from search.backends.base import (
    COUNT_LIMIT,
    FACET_SIZE,
    MAX_OFFSET,
    MAX_PAGE_SIZE,
    PRODUCT_FACETS,
    VILLAGE_FACETS,
    Counted,
    FacetValue,
    IndexReport,
    Labels,
    ProductQuery,
    ProductResults,
    SearchUnavailable,
    Suggestion,
    VillageQuery,
    VillageResults,
    batches,
    product_facet_values,
    region_label,
    village_facet_values,
)
from search.documents import (
    ProductDocumentReader,
    product_documents,
    product_public_count,
    village_codes_all,
    village_documents,
)
from search.es_indices import (
    PRODUCT_TEXT_FIELDS,
    VILLAGE_TEXT_FIELDS,
    product_index,
    product_source,
    synonym_rules,
    synonyms_set_id,
    village_index,
    village_source,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 500  # documents per bulk request (and per read from the catalogue)
MAX_QUERY_WORDS = 32
MAX_CORRECTIONS = 10
TERM_SUGGESTIONS = 10
FUZZY_EXPANSIONS = 50
PRODUCT_FACET_FIELDS = {
    "category": "category_path", "commodity": "commodity_slug", "district": "district_code",
    "village": "village_code", "certification": "certifications", "retail_ready": "retail_ready",
    "in_stock": "in_stock",
}
VILLAGE_FACET_FIELDS = {"district": "district_code", "stage": "stage", "commodity": "commodity_slugs"}
BOOLEAN_FACETS = {"retail_ready", "in_stock"}
KINDS = ("products", "villages")


class IndexingFailed(Exception):
    """Elasticsearch refused documents for a reason that retrying will not fix (a mapping error)."""


# --- query analysis ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """Something every match must contain: a word, or a synonym term of several words."""

    text: str
    correctable: bool  # a single word without synonyms: a typo of it may be corrected


@dataclass
class TextPlan:
    tokens: list[str]  # the query's words as typed (normalised, stop words included)
    units: list[Unit]
    fuzzy: set[int] = field(default_factory=set)  # units matched with fuzziness (unknown words)


def text_plan(text: str) -> TextPlan | None:
    """Return how ``text`` is searched, or None when it has no content words (browse by quality)."""
    tokens = language.words(text)[:MAX_QUERY_WORDS]
    content = [word for word in tokens if word not in language.STOP_WORDS]
    if not content:
        return None
    synonyms = language.synonym_map()
    longest = max((len(term) for term in synonyms), default=1)
    units, i = [], 0
    while i < len(content):
        for size in range(min(longest, len(content) - i), 0, -1):
            term = tuple(content[i:i + size])
            if term in synonyms:
                units.append(Unit(text=" ".join(term), correctable=False))
                i += size
                break
        else:
            units.append(Unit(text=content[i], correctable=True))
            i += 1
    return TextPlan(tokens=tokens, units=units)


def _fields(weights: dict[str, float], *subfields: str) -> list[str]:
    return [f"{name}{subfield}^{weight:g}" for name, weight in weights.items() for subfield in subfields]


def unit_query(unit: Unit, weights: dict[str, float], *, fuzzy: bool = False) -> Q:
    """Return the clause for ``unit``: through its stems and synonyms, or (``fuzzy``) through near words."""
    if fuzzy:
        return Q("multi_match", query=unit.text, fields=_fields(weights, ".plain"), fuzziness="AUTO",
                 prefix_length=0, max_expansions=FUZZY_EXPANSIONS)
    return Q("multi_match", query=unit.text, fields=_fields(weights, "", ".en"), type="best_fields",
             operator="and", tie_breaker=0.3)


def text_clauses(plan: TextPlan | None, weights: dict[str, float]) -> list[Q]:
    if plan is None:
        return []
    return [unit_query(unit, weights, fuzzy=i in plan.fuzzy) for i, unit in enumerate(plan.units)]


def _scored(clauses: list[Q], always: list[Q]) -> Q:
    """Return the text (and ``always`` filters) scored as text rank x (1 + quality), or quality alone."""
    if clauses:
        inner = Q("bool", must=clauses, filter=always)
    else:
        inner = Q("bool", filter=always) if always else Q("match_all")
    return Q("function_score", query=inner,
             functions=[{"weight": 1}, {"field_value_factor": {"field": "quality", "missing": 0}}],
             score_mode="sum", boost_mode="multiply" if clauses else "replace")


def _unscored(clauses: list[Q], always: list[Q]) -> Q:
    return Q("bool", filter=[*clauses, *always]) if clauses or always else Q("match_all")


def _facets(search: Search, facet_filters: dict[str, Q], fields: dict[str, str], names: Iterable[str]) -> None:
    """Add one aggregation per facet, counting under every filter except the facet's own."""
    for name in names:
        others = [clause for other, clause in sorted(facet_filters.items()) if other != name]
        bucket = search.aggs.bucket(name, "filter", Q("bool", filter=others) if others else Q("match_all"))
        bucket.bucket("counts", "terms", field=fields[name], size=2 if name in BOOLEAN_FACETS else FACET_SIZE,
                      order=[{"_count": "desc"}, {"_key": "asc"}])


def _page(search: Search, offset: int, limit: int) -> Search:
    offset = min(max(offset, 0), MAX_OFFSET)
    limit = min(max(limit, 0), MAX_PAGE_SIZE)
    return search.extra(from_=offset, size=limit, track_total_hits=COUNT_LIMIT).source(False)


def product_search(query: ProductQuery, *, index: str, plan: TextPlan | None) -> Search:
    """Return the request for ``query`` (``plan``: its text, see ``text_plan``)."""
    price = "wholesale_price" if query.audience == "buyer" else "retail_price"
    f = query.filters
    facet_filters: dict[str, Q] = {}
    if f.category:
        facet_filters["category"] = Q("term", category_path=f.category)
    if f.commodity:
        facet_filters["commodity"] = Q("term", commodity_slug=f.commodity)
    if f.district:
        facet_filters["district"] = Q("term", district_code=f.district)
    if f.village:
        facet_filters["village"] = Q("term", village_code=f.village)
    if f.certifications:
        facet_filters["certification"] = Q("bool", filter=[Q("term", certifications=kind)
                                                           for kind in sorted(set(f.certifications))])
    if f.retail_ready is not None:
        facet_filters["retail_ready"] = Q("term", retail_ready=f.retail_ready)
    if f.in_stock is not None:
        facet_filters["in_stock"] = Q("term", in_stock=f.in_stock)
    always = []
    if f.price_min is not None or f.price_max is not None:
        bounds = {"gte": f.price_min, "lte": f.price_max}
        always.append(Q("range", **{price: {key: value for key, value in bounds.items() if value is not None}}))
    if f.max_min_order_qty is not None:
        always.append(Q("range", min_order_qty={"lte": f.max_min_order_qty}))

    clauses = text_clauses(plan, PRODUCT_TEXT_FIELDS)
    search = Search(index=index)
    if query.sort == "relevance":
        search = search.query(_scored(clauses, always)).sort({"_score": {"order": "desc"}}, {"id": {"order": "asc"}})
    else:
        search = search.query(_unscored(clauses, always)).sort(*{
            "price_asc": [{price: {"order": "asc"}}, {"id": {"order": "asc"}}],
            "price_desc": [{price: {"order": "desc"}}, {"id": {"order": "asc"}}],
            "newest": [{"approved_at": {"order": "desc"}}, {"id": {"order": "desc"}}],
        }[query.sort])
    if facet_filters:
        search = search.post_filter(Q("bool", filter=[clause for _name, clause in sorted(facet_filters.items())]))
    if query.facets:
        _facets(search, facet_filters, PRODUCT_FACET_FIELDS, PRODUCT_FACETS)
    return _page(search, query.offset, query.limit)


def village_search(query: VillageQuery, *, index: str, plan: TextPlan | None) -> Search:
    facet_filters: dict[str, Q] = {}
    if query.district:
        facet_filters["district"] = Q("term", district_code=query.district)
    if query.stage:
        facet_filters["stage"] = Q("term", stage=query.stage)
    if query.commodity:
        facet_filters["commodity"] = Q("term", commodity_slugs=query.commodity)
    search = (Search(index=index).query(_scored(text_clauses(plan, VILLAGE_TEXT_FIELDS), []))
              .sort({"_score": {"order": "desc"}}, {"code": {"order": "asc"}}))
    if facet_filters:
        search = search.post_filter(Q("bool", filter=[clause for _name, clause in sorted(facet_filters.items())]))
    _facets(search, facet_filters, VILLAGE_FACET_FIELDS, VILLAGE_FACETS)
    return _page(search, query.offset, query.limit)


def check_search(plan: TextPlan, *, index: str, weights: dict[str, float]) -> Search:
    """Return the request that tells which units match anything, with corrections for unknown words."""
    search = Search(index=index).extra(size=0, track_total_hits=False)
    search.aggs.bucket("units", "filters", filters={
        str(i): unit_query(unit, weights) for i, unit in enumerate(plan.units)})
    for i, unit in enumerate(plan.units):
        edits = language.max_edits(unit.text)
        if unit.correctable and edits:
            search = search.suggest(f"unit{i}", unit.text, term={
                "field": "words", "suggest_mode": "always", "max_edits": edits, "prefix_length": 0,
                "min_word_length": 3, "accuracy": 0.1, "size": TERM_SUGGESTIONS, "sort": "score",
                "string_distance": "damerau_levenshtein"})
    return search


def corrections(word: str, options: list[dict]) -> list[str]:
    """Return the indexed words near ``word``: fewest edits, then most frequent, then alphabetical."""
    limit = language.max_edits(word)
    scored = []
    for option in options:
        distance = language.edit_distance(word, option["text"], limit)
        if distance <= limit and option["text"] != word:
            scored.append((distance, -option.get("freq", 0), option["text"]))
    return [text for _distance, _freq, text in sorted(scored)[:MAX_CORRECTIONS]]


def suggest_search(tokens: list[str], *, index: str, limit: int, key: str) -> Search:
    """Return the autocomplete request: names whose words start with every token, best quality first."""
    return (Search(index=index).query(Q("match", suggest={"query": " ".join(tokens), "operator": "and"}))
            .sort({"quality": {"order": "desc"}}, {key: {"order": "asc"}})
            .source(["title", "quality"]).extra(size=limit, track_total_hits=False))


def _words_match(tokens: list[str], *names: str) -> bool:
    words = language.words(" ".join(names))
    return all(any(word.startswith(token) for word in words) for token in tokens)


# --- response parsing -------------------------------------------------------------------------


def _counted(response: dict, names: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    aggregations = response.get("aggregations", {})
    counted = {}
    for name in names:
        buckets = aggregations.get(name, {}).get("counts", {}).get("buckets", [])
        counted[name] = [(str(bucket.get("key_as_string", bucket["key"])), bucket["doc_count"]) for bucket in buckets]
    return counted


def _total(response: dict) -> tuple[int, bool]:
    total = response["hits"]["total"]
    exact = total["relation"] == "eq" and total["value"] <= COUNT_LIMIT
    return min(total["value"], COUNT_LIMIT), exact


def _labels(counted: Counted) -> Labels:
    """Return ``{(kind, value): label}`` for the categories, commodities, districts and villages counted."""
    from catalog.models import Category, Commodity
    from market.regions.models import District, Village

    labels: Labels = {}
    for kind, model, key in (("category", Category, "slug"), ("commodity", Commodity, "slug"),
                             ("district", District, "code"), ("village", Village, "code")):
        values = sorted({value for value, _n in counted.get(kind, ())})
        if values:
            for value, name in model.objects.filter(**{f"{key}__in": values}).values_list(key, "name"):
                labels[(kind, value)] = region_label(kind, name)
    return labels


def product_facets(counted: Counted) -> dict[str, list[FacetValue]]:
    return product_facet_values(counted, _labels(counted))


def village_facets(counted: Counted) -> dict[str, list[FacetValue]]:
    return village_facet_values(counted, _labels(counted))




def database_clock() -> int:
    """Return the database's clock in microseconds: one clock for every machine that indexes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint")
        return int(cursor.fetchone()[0])


# --- the backend --------------------------------------------------------------------------------


class Elasticsearch:
    """Search in Elasticsearch 8 (see the module docstring)."""

    name = "elasticsearch"

    def __init__(self, url: str | None = None, prefix: str | None = None, client: Client | None = None, *,
                 refresh: bool | str | None = None, timeout: float | None = None):
        self.url = url or settings.ELASTICSEARCH_URL
        self.prefix = prefix or settings.ELASTICSEARCH_INDEX_PREFIX
        # How index_products makes its writes searchable: "wait_for" (the default) returns once the
        # next scheduled refresh (within a second) has made them visible, so a delisted product is
        # gone when its indexing task ends; True forces a refresh at once; False does not wait.
        self.refresh = getattr(settings, "ELASTICSEARCH_REFRESH", "wait_for") if refresh is None else refresh
        if client is None:
            if not self.url:
                raise ImproperlyConfigured("ELASTICSEARCH_URL is not set.")
            options = {"request_timeout": timeout or getattr(settings, "ELASTICSEARCH_TIMEOUT", 10),
                       "retry_on_timeout": True, "max_retries": 2}
            api_key = getattr(settings, "ELASTICSEARCH_API_KEY", None)
            ca_certs = getattr(settings, "ELASTICSEARCH_CA_CERTS", None)
            if api_key:
                options["api_key"] = api_key
            if ca_certs:
                options["ca_certs"] = ca_certs
            client = Client([host.strip() for host in self.url.split(",") if host.strip()], **options)
        self.client = client
        self._lock = threading.Lock()
        self._synonyms_applied: tuple | None = None
        self._ready: set[str] = set()

    # --- names --------------------------------------------------------------------------------

    def alias(self, kind: str) -> str:
        return f"{self.prefix}-{kind}"

    def next_alias(self, kind: str) -> str:
        """The alias of an index being built: writes go to it too, searches never read it."""
        return f"{self.prefix}-{kind}-next"

    def index_name(self, kind: str) -> str:
        return f"{self.prefix}-{kind}-{timezone.now():%Y%m%d%H%M%S%f}"

    @property
    def synonyms_set(self) -> str:
        return synonyms_set_id(self.prefix)

    def definition(self, kind: str, name: str):
        """Return the elasticsearch-dsl ``Index`` of ``kind`` called ``name``."""
        build = product_index if kind == "products" else village_index
        return build(name, synonyms_set=self.synonyms_set)

    # --- errors -------------------------------------------------------------------------------

    @contextmanager
    def _available(self) -> Iterator[None]:
        """Turn an unreachable, overloaded or unprepared cluster into ``SearchUnavailable``."""
        try:
            yield
        except elastic_transport.TransportError as exc:  # connection refused, timeout, TLS
            raise SearchUnavailable(f"Elasticsearch is unreachable: {exc}") from exc
        except NotFoundError as exc:
            self._ready.clear()
            raise SearchUnavailable(f"Elasticsearch index missing: {exc}") from exc
        except ApiError as exc:
            if exc.meta.status == 429 or exc.meta.status >= 500:
                raise SearchUnavailable(f"Elasticsearch is unavailable: {exc}") from exc
            raise

    def ping(self) -> bool:
        return self.client.ping()

    def compact(self) -> int:
        """Nothing to do: Elasticsearch merges its segments by itself, and ``rebuild`` writes fresh indices."""
        return 0

    # --- setup --------------------------------------------------------------------------------

    def synonyms_sync(self, *, force: bool = False) -> bool:
        """Make the synonyms set hold the officers' groups; return whether it was written.

        Elasticsearch reloads the search analyzers that read the set when it changes, so a new
        group works at once without reindexing. Every process compares its cached groups at
        each search (cheap) and asks the cluster only when they changed.
        """
        rules = synonym_rules(language.synonym_groups())
        wanted = tuple(sorted((rule["id"], rule["synonyms"]) for rule in rules))
        if not force and wanted == self._synonyms_applied:
            return False
        with self._lock:
            try:
                body = self.client.synonyms.get_synonym(id=self.synonyms_set, size=10_000)
                current = tuple(sorted((rule["id"], rule["synonyms"]) for rule in body["synonyms_set"]))
            except NotFoundError:
                current = None
            written = current != wanted
            if written:
                self.client.synonyms.put_synonym(id=self.synonyms_set, synonyms_set=rules)
            self._synonyms_applied = wanted
        return written

    def _synonyms_refresh(self) -> None:
        """Apply changed synonym groups before a search; a failure here never fails the search."""
        try:
            self.synonyms_sync()
        except (ApiError, elastic_transport.TransportError):
            logger.exception("Could not update the Elasticsearch synonyms set %s", self.synonyms_set)
            self._synonyms_applied = tuple(sorted((rule["id"], rule["synonyms"])
                                                  for rule in synonym_rules(language.synonym_groups())))

    def ensure_indices(self) -> None:
        """Create empty indices behind the aliases when there are none yet (``rebuild`` fills them)."""
        synced = False
        for kind in KINDS:
            if kind in self._ready:
                continue
            if not self.client.indices.exists_alias(name=self.alias(kind)):
                if not synced:  # the set must exist before an index that reads it, or the index is unusable
                    self.synonyms_sync(force=True)
                    synced = True
                # A fixed name: processes that bootstrap at the same time create one index, not two.
                name = f"{self.prefix}-{kind}-initial"
                try:
                    self.client.indices.create(index=name, aliases={self.alias(kind): {}},
                                               **self.definition(kind, name).to_dict())
                except ApiError as exc:
                    if exc.error != "resource_already_exists_exception":
                        raise
            self._ready.add(kind)

    def destroy(self) -> None:
        """Delete every index and the synonyms set of this prefix (tests, or giving Elasticsearch up)."""
        with self._available():
            for kind in KINDS:
                # By name: clusters refuse wildcard deletions (action.destructive_requires_name).
                names = sorted(self.client.indices.get(index=f"{self.prefix}-{kind}-*", expand_wildcards="all"))
                if names:
                    self.client.indices.delete(index=names)
            try:  # after the indices: a set that an index uses cannot be deleted
                self.client.synonyms.delete_synonym(id=self.synonyms_set)
            except NotFoundError:
                pass
        self._ready.clear()
        self._synonyms_applied = None

    # --- searching ----------------------------------------------------------------------------

    def _run(self, search: Search) -> dict:
        return search.using(self.client).execute().to_dict()

    def _resolve(self, plan: TextPlan | None, *, index: str, weights: dict[str, float],
                 first: dict) -> tuple[str, str | None]:
        """Decide what to do after the exact text query; return ``(outcome, did_you_mean)``.

        ``outcome`` is ``"done"`` (the first response stands), ``"again"`` (some words are unknown
        to the index and are now in ``plan.fuzzy``: search again) or ``"nothing"`` (a word
        matches nothing and has no correction: the result is empty).
        """
        if plan is None or first["hits"]["total"]["value"] > 0:
            return "done", None
        response = self._run(check_search(plan, index=index, weights=weights))
        buckets = response["aggregations"]["units"]["buckets"]
        suggestions = response.get("suggest", {})
        replaced: dict[str, str] = {}
        matchable = True
        for i, unit in enumerate(plan.units):
            if buckets[str(i)]["doc_count"] > 0:
                continue
            options = [option for entry in suggestions.get(f"unit{i}", []) for option in entry["options"]]
            found = corrections(unit.text, options) if unit.correctable else []
            if found:
                replaced[unit.text] = found[0]
                plan.fuzzy.add(i)
            else:
                matchable = False
        did_you_mean = " ".join(replaced.get(word, word) for word in plan.tokens) if replaced else None
        if not matchable:
            return "nothing", did_you_mean
        return ("again" if plan.fuzzy else "done"), did_you_mean

    def search_products(self, query: ProductQuery) -> ProductResults:
        plan = text_plan(query.text)
        with self._available():
            self.ensure_indices()
            self._synonyms_refresh()
            index = self.alias("products")
            response = self._run(product_search(query, index=index, plan=plan))
            outcome, did_you_mean = self._resolve(plan, index=index, weights=PRODUCT_TEXT_FIELDS, first=response)
            if outcome == "nothing":
                return ProductResults(ids=[], total=0, total_is_exact=True, facets={}, did_you_mean=did_you_mean)
            if outcome == "again":
                response = self._run(product_search(query, index=index, plan=plan))
        total, exact = _total(response)
        facets = product_facets(_counted(response, PRODUCT_FACETS)) if query.facets else {}
        return ProductResults(ids=[int(hit["_id"]) for hit in response["hits"]["hits"]], total=total,
                              total_is_exact=exact, facets=facets, did_you_mean=did_you_mean)

    def search_villages(self, query: VillageQuery) -> VillageResults:
        plan = text_plan(query.text)
        with self._available():
            self.ensure_indices()
            self._synonyms_refresh()
            index = self.alias("villages")
            response = self._run(village_search(query, index=index, plan=plan))
            outcome, did_you_mean = self._resolve(plan, index=index, weights=VILLAGE_TEXT_FIELDS, first=response)
            if outcome == "nothing":
                return VillageResults(codes=[], total=0, total_is_exact=True, did_you_mean=did_you_mean)
            if outcome == "again":
                response = self._run(village_search(query, index=index, plan=plan))
        total, exact = _total(response)
        return VillageResults(codes=[hit["_id"] for hit in response["hits"]["hits"]], total=total,
                              total_is_exact=exact, facets=village_facets(_counted(response, VILLAGE_FACETS)),
                              did_you_mean=did_you_mean)

    def suggest(self, prefix: str, *, limit: int = 8) -> list[Suggestion]:
        from catalog.models import Category, Commodity

        tokens = language.words(prefix)[:8]
        tokens = [word for word in tokens[:-1] if word not in language.STOP_WORDS] + tokens[-1:]
        if not tokens or len("".join(tokens)) < 2:
            return []
        limit = max(1, min(limit, 20))
        categories = [c for c in Category.objects.order_by("name", "slug") if _words_match(tokens, c.name, c.name_en)]
        commodities = [c for c in Commodity.objects.order_by("name", "slug")
                       if _words_match(tokens, c.name, c.name_en)]
        products = suggest_search(tokens, index=self.alias("products"), limit=limit, key="id")
        villages = suggest_search(tokens, index=self.alias("villages"), limit=limit, key="code")
        # Categories and commodities are offered only when something indexed carries them.
        if categories:
            products.aggs.bucket("all", "global").bucket(
                "categories", "terms", field="category_path", include=[c.slug for c in categories],
                size=len(categories))
        if commodities:
            slugs = [c.slug for c in commodities]
            products.aggs.bucket("all_commodities", "global").bucket(
                "commodities", "terms", field="commodity_slug", include=slugs, size=len(slugs))
            villages.aggs.bucket("all", "global").bucket(
                "commodities", "terms", field="commodity_slugs", include=slugs, size=len(slugs))
        with self._available():
            self.ensure_indices()
            responses = MultiSearch().using(self.client).add(products).add(villages).execute()
        found_products, found_villages = (response.to_dict() for response in responses)
        aggregations = found_products.get("aggregations", {})
        used_categories = {b["key"] for b in aggregations.get("all", {}).get("categories", {}).get("buckets", [])}
        used_commodities = {
            b["key"] for b in
            aggregations.get("all_commodities", {}).get("commodities", {}).get("buckets", [])
            + found_villages.get("aggregations", {}).get("all", {}).get("commodities", {}).get("buckets", [])}
        rows = [(1, "category", c.name, c.slug, 0.0) for c in categories if c.slug in used_categories][:limit]
        rows += [(2, "commodity", c.name, c.slug, 0.0) for c in commodities if c.slug in used_commodities][:limit]
        rows += [(3, "product", hit["_source"]["title"], hit["_id"], hit["_source"].get("quality", 0.0))
                 for hit in found_products["hits"]["hits"]]
        rows += [(4, "village", hit["_source"]["title"], hit["_id"], hit["_source"].get("quality", 0.0))
                 for hit in found_villages["hits"]["hits"]]
        seen: set[str] = set()
        suggestions = []
        for _order, kind, text, hint, _quality in sorted(rows, key=lambda r: (r[0], -r[4], r[2], r[3])):
            if text.casefold() in seen:
                continue
            seen.add(text.casefold())
            suggestions.append(Suggestion(text=text, kind=kind, url_hint=hint))
        return suggestions[:limit]

    # --- indexing -----------------------------------------------------------------------------

    def _aliases(self, *names: str) -> dict[str, str]:
        """Return ``{alias: index}`` for those of the aliases ``names`` that exist."""
        body = self.client.options(ignore_status=404).indices.get_alias(name=list(names))
        found = {}
        for index, value in sorted(body.items()):
            if index not in ("error", "status"):  # a 404 for some of the names says so beside the others
                for alias in value.get("aliases", {}):
                    if alias in names:
                        found[alias] = index
        return found

    def _bulk(self, actions: Iterable[dict], *, live_alias: str | None = None, live_index: str | None = None,
              **options) -> int:
        """Send ``actions``; return how many documents were deleted from ``live_index``.

        A version conflict means that a newer state is already there; a document that is not
        there needs no deletion; a write to the ``-next`` alias that a finished rebuild has just
        removed is moot (the rebuilt index read the catalogue later).
        """
        removed = 0
        client = self.client.options(request_timeout=120)
        for ok, item in helpers.streaming_bulk(client, actions, chunk_size=BATCH_SIZE, raise_on_error=False,
                                               max_retries=3, **options):
            op, result = next(iter(item.items()))
            if ok:
                if op == "delete" and result.get("result") == "deleted" and result.get("_index") == live_index:
                    removed += 1
                continue
            status, error = result.get("status", 500), result.get("error") or {}
            if status == 409 or (status == 404 and not error):
                continue
            if error.get("type") == "index_not_found_exception" and result.get("_index") != live_alias:
                continue
            if status == 429 or status >= 500 or error.get("type") == "index_not_found_exception":
                self._ready.clear()
                raise SearchUnavailable(f"Elasticsearch refused a write: {error or status}")
            raise IndexingFailed(f"Elasticsearch refused to {op} {result.get('_id')}: {error}")
        return removed

    def _refresh_options(self) -> dict:
        if self.refresh in (True, "true"):
            return {"refresh": True}
        if self.refresh == "wait_for":
            return {"refresh": "wait_for"}
        return {}

    @staticmethod
    def _actions(targets: Iterable[str], keys: list, sources: dict[str, dict], version: int) -> Iterator[dict]:
        for target in targets:
            for key in keys:
                action = {"_index": target, "_id": str(key), "version": version, "version_type": "external_gte"}
                source = sources.get(str(key))
                if source is None:
                    yield {**action, "_op_type": "delete"}
                else:
                    yield {**action, "_op_type": "index", "_source": source}

    def _sync(self, kind: str, keys: list, sources: dict[str, dict], version: int) -> IndexReport:
        """Write ``sources`` and delete the other ``keys`` through the live alias (and ``-next``)."""
        self.ensure_indices()
        live = self.alias(kind)
        targets = self._aliases(live, self.next_alias(kind))
        removed = self._bulk(self._actions(sorted(targets), keys, sources, version), live_alias=live,
                             live_index=targets.get(live), require_alias=True, **self._refresh_options())
        return IndexReport(indexed=len(sources), removed=removed)

    def index_products(self, ids: Iterable[int]) -> IndexReport:
        report = IndexReport()
        with self._available():
            for batch in batches(sorted({int(pk) for pk in ids}), BATCH_SIZE):
                version = database_clock()  # before reading the catalogue: see the module docstring
                sources = {str(d.id): product_source(d) for d in product_documents(batch)}
                part = self._sync("products", batch, sources, version)
                report.indexed += part.indexed
                report.removed += part.removed
        return report

    def index_villages(self, codes: Iterable[str]) -> IndexReport:
        report = IndexReport()
        with self._available():
            for batch in batches(sorted({str(code) for code in codes}), BATCH_SIZE):
                version = database_clock()
                sources = {d.code: village_source(d) for d in village_documents(batch)}
                part = self._sync("villages", batch, sources, version)
                report.indexed += part.indexed
                report.removed += part.removed
        return report

    # --- rebuilding -----------------------------------------------------------------------------

    def rebuild(self, *, progress: Callable[[int, int], None] | None = None) -> IndexReport:
        """Build new product and village indices from the catalogue and swap the aliases to them.

        ``progress(done, total)`` is called after every batch. ``removed`` counts how many
        documents the previous indices held beyond the new ones.
        """
        report = IndexReport()
        with self._available():
            self.synonyms_sync(force=True)
            village_codes = village_codes_all()
            total, done = product_public_count() + len(village_codes), 0
            if progress:
                progress(0, total)
            for kind, keys in (("products", None), ("villages", village_codes)):
                name = self.index_name(kind)
                body = self.definition(kind, name).to_dict()
                body["settings"]["refresh_interval"] = "-1"  # no refreshes while loading
                self.client.indices.create(index=name, aliases={self.next_alias(kind): {}}, **body)
                try:
                    indexed = 0
                    for version, sources, read in self._rebuild_sources(kind, keys):
                        # Only what is public now is written; the fresh index has nothing to delete.
                        self._bulk(self._actions([name], list(sources), sources, version))
                        indexed += len(sources)
                        done += read
                        if progress:
                            progress(done, total)
                    self.client.indices.put_settings(index=name, settings={"index": {"refresh_interval": "1s"}})
                    self.client.indices.refresh(index=name)
                    old = self._swap(kind, name)
                except BaseException:
                    self._discard(name)
                    raise
                if old:
                    before = self.client.count(index=old)["count"]
                    self.client.indices.delete(index=old)
                    report.removed += max(before - indexed, 0)
                report.indexed += indexed
            self._ready.update(KINDS)
        return report

    def _rebuild_sources(self, kind: str, keys: list | None) -> Iterator[tuple[int, dict[str, dict], int]]:
        """Yield ``(version, sources, items read)`` per bulk request of a rebuild.

        Products are read from the catalogue by id ranges (``ProductDocumentReader.after``: one query per
        range, the category paths and commodities once), villages by their codes.
        """
        if kind == "products":
            reader, after = ProductDocumentReader(), 0
            while after is not None:
                version = database_clock()  # before reading the catalogue: see the module docstring
                documents, after = reader.after(after, limit=BATCH_SIZE)
                yield version, {str(d.id): product_source(d) for d in documents}, len(documents)
            return
        for batch in batches(keys or [], BATCH_SIZE):
            version = database_clock()
            yield version, {d.code: village_source(d) for d in village_documents(batch)}, len(batch)

    def _swap(self, kind: str, new: str) -> list[str]:
        """Point the alias of ``kind`` at ``new`` in one atomic request; return the indices it left."""
        alias = self.alias(kind)
        old = sorted(self._indices_behind(alias))
        actions = [{"remove": {"index": index, "alias": alias}} for index in old]
        actions += [{"remove": {"index": new, "alias": self.next_alias(kind)}}, {"add": {"index": new, "alias": alias}}]
        self.client.indices.update_aliases(actions=actions)
        return old

    def _indices_behind(self, alias: str) -> list[str]:
        body = self.client.options(ignore_status=404).indices.get_alias(name=alias)
        return [index for index in body if index not in ("error", "status")]

    def _discard(self, name: str) -> None:
        try:
            self.client.indices.delete(index=name, ignore_unavailable=True)
        except (ApiError, elastic_transport.TransportError):
            logger.exception("Could not delete the unfinished index %s", name)
