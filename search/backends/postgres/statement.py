"""The search statement: results, the capped total and the facets with their labels, in one SQL statement.

The matches (text and filters) are read best ``quality`` first up to ``COUNT_LIMIT + 1`` rows
(the candidates, CTE ``c``); relevance ranks those candidates with ``ts_rank`` blended with
quality; the price and date sorts read the matches in index order instead; facets group the same
bounded sets (one more bounded set per active facet filter, as facets are disjunctive), and their
labels are joined in the same statement.

Where the planner cannot know better, the statement says how to read: filters that most entries
pass share one walk down the quality index (``tuning.WALK_ONCE_FILTERS``), and several words are
read by a bounded walk first or through the text index, as ``analysis.text_plan`` decides. Both
walks are cheap because ``compact`` (nightly) stores the entries in quality order.

Every piece is a ``Sql`` fragment that carries its own parameters.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from search.backends.base import ProductSearchFilters, VillageQuery, region_label

from . import tuning
from .sql import AND, TRUE, Sql, param

FACET_SQL = {
    "category": "SELECT 'category', v, count(*) FROM (SELECT unnest(category_path) AS v FROM {s}) x GROUP BY v",
    "certification": "SELECT 'certification', v, count(*) FROM (SELECT unnest(certifications) AS v FROM {s}) x "
                     "GROUP BY v",
    "commodity": "SELECT 'commodity', commodity_slug, count(*) FROM {s} WHERE commodity_slug <> '' GROUP BY 2",
    "retail_ready": "SELECT 'retail_ready', CASE WHEN retail_ready THEN 'true' ELSE 'false' END, count(*) "
                    "FROM {s} GROUP BY 2",
    "in_stock": "SELECT 'in_stock', CASE WHEN in_stock THEN 'true' ELSE 'false' END, count(*) FROM {s} GROUP BY 2",
    "stage": "SELECT 'stage', stage, count(*) FROM {s} GROUP BY 2",
    "commodities": "SELECT 'commodity', v, count(*) FROM (SELECT unnest(commodity_slugs) AS v FROM {s}) x "
                   "GROUP BY v",
}
# Facets with hundreds of values among the candidates: only the top ones (and the chosen one) are sent.
TOP_FACETS = {"district": "district_code", "village": "village_code"}
# Facets whose values are named in a catalogue or regions table: (table, key column), the label is ``name``.
FACET_LABELS = {
    "category": ("catalog_category", "slug"), "commodity": ("catalog_commodity", "slug"),
    "commodities": ("catalog_commodity", "slug"), "district": ("regions_district", "code"),
    "village": ("regions_village", "code"),
}
FACET_COLUMNS = {
    "search_productentry": "category_path, certifications, commodity_slug, district_code, village_code, "
                           "retail_ready, in_stock",
    "search_villageentry": "district_code, stage, commodity_slugs",
}
PAGE_ORDERS = {"price_asc": "e.{price}, e.{key}", "price_desc": "e.{price} DESC, e.{key}",
               "newest": "e.approved_at DESC, e.{key} DESC"}

# --- filters --------------------------------------------------------------------------------

# facet: (condition on one value, the value in the filters; None or "" when not filtered)
PRODUCT_FACET_FILTERS: dict[str, tuple[str, Callable[[ProductSearchFilters], object]]] = {
    "category": ("e.category_path @> ARRAY[%s]::varchar[]", lambda f: f.category),
    "commodity": ("e.commodity_slug = %s", lambda f: f.commodity),
    "district": ("e.district_code = %s", lambda f: f.district),
    "village": ("e.village_code = %s", lambda f: f.village),
    "certification": ("e.certifications @> %s::varchar[]", lambda f: sorted(set(f.certifications))),
    "retail_ready": ("e.retail_ready = %s", lambda f: f.retail_ready),
    "in_stock": ("e.in_stock = %s", lambda f: f.in_stock),
}
# conditions on the audience's price and the order size: not facets, every set obeys them
PRODUCT_FILTERS: tuple[tuple[str, Callable[[ProductSearchFilters], object]], ...] = (
    ("e.{price} >= %s", lambda f: f.price_min),
    ("e.{price} <= %s", lambda f: f.price_max),
    ("e.min_order_qty <= %s", lambda f: f.max_min_order_qty),
)
VILLAGE_FACET_FILTERS: dict[str, tuple[str, Callable[[VillageQuery], object]]] = {
    "district": ("e.district_code = %s", lambda q: q.district),
    "stage": ("e.stage = %s", lambda q: q.stage),
    "commodity": ("e.commodity_slugs @> ARRAY[%s]::varchar[]", lambda q: q.commodity),
}


def _given(value) -> bool:
    return value is not None and value != "" and value != []


def product_facet_filters(filters: ProductSearchFilters) -> dict[str, Sql]:
    """The query's facet filters, by facet (each facet's counts leave out its own filter)."""
    return {name: Sql(condition, [value]) for name, (condition, value_of) in PRODUCT_FACET_FILTERS.items()
            if _given(value := value_of(filters))}


def product_filters(filters: ProductSearchFilters, *, price: str) -> list[Sql]:
    """The query's other filters (price range, minimum order)."""
    return [Sql(condition.replace("{price}", price), [value]) for condition, value_of in PRODUCT_FILTERS
            if (value := value_of(filters)) is not None]


def product_chosen(filters: ProductSearchFilters) -> dict[str, set[str]]:
    """The facet values the query filters on: they stay in the facets however rare."""
    f = filters
    chosen = {name: {value} for name, value in (("category", f.category), ("commodity", f.commodity),
                                                ("district", f.district), ("village", f.village)) if value}
    chosen.update({name: {"true" if value else "false"} for name, value in
                   (("retail_ready", f.retail_ready), ("in_stock", f.in_stock)) if value is not None})
    if f.certifications:
        chosen["certification"] = set(f.certifications)
    return chosen


def village_facet_filters(query: VillageQuery) -> dict[str, Sql]:
    return {name: Sql(condition, [value]) for name, (condition, value_of) in VILLAGE_FACET_FILTERS.items()
            if (value := value_of(query))}


def village_chosen(query: VillageQuery) -> dict[str, set[str]]:
    return {name: {value} for name, value in (("district", query.district), ("stage", query.stage),
                                              ("commodity", query.commodity)) if value}


def text_filter(tsquery: str) -> Sql:
    return Sql("e.document @@ %s::tsquery", [tsquery])


# --- the statement --------------------------------------------------------------------------


@dataclass
class Search:
    """What one search statement reads: the entries table, the filters, the facets, the page, the plan."""

    table: str
    key: str
    text: str | None  # the tsquery (None: no text)
    facet_filters: dict[str, Sql]
    always: list[Sql]  # filters every set obeys (the text, the price range...)
    facets: tuple[str, ...]
    sort: str
    offset: int
    limit: int
    price: str = ""
    chosen: dict[str, set[str]] = field(default_factory=dict)  # facet values kept however rare
    walk_once: bool = False  # may the broad facet filters share one walk (products)
    walk_first: int = 0  # read this many best entries first (several words, see ``analysis.text_plan``)
    text_index: bool = False  # else read the matches through the text index


@dataclass
class Rows:
    ids: list[str]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    labels: dict[tuple[str, str], str]  # {(facet, value): name} of categories, commodities, districts, villages


def _facet_filter_name(facet: str) -> str:
    return "commodity" if facet == "commodities" else facet


def _flags(names: list[str], exclude: str | None = None) -> str:
    """``m_a AND m_b``: an entry passes every facet filter of ``names`` but ``exclude``."""
    return " AND ".join(f"m_{name}" for name in names if name != exclude) or "TRUE"


class SearchStatement:
    """Build the statement of one ``Search`` and read its rows back."""

    def __init__(self, search: Search):
        self.search = search
        self.cap = tuning.COUNT_LIMIT + 1
        self.facet_columns = FACET_COLUMNS[search.table]
        self.rank = search.sort == "relevance" and search.text is not None
        self.columns = f"{search.key}, quality, {'document, ' if self.rank else ''}{self.facet_columns}"
        self.names = sorted(search.facet_filters)
        disjunctive = [name for name in search.facets if _facet_filter_name(name) in search.facet_filters]
        self.walk_once = (search.walk_once and bool(disjunctive)
                          and set(search.facet_filters) <= tuning.WALK_ONCE_FILTERS)

    def where(self, exclude: str | None = None) -> Sql:
        """Every filter but the facet ``exclude``'s own."""
        clauses = self.search.always + [clause for name, clause in sorted(self.search.facet_filters.items())
                                        if name != exclude]
        return AND.join(clauses) if clauses else TRUE

    def sql(self) -> Sql:
        ctes: list[Sql] = []
        walked = None
        if self.walk_once:
            ctes += self._walk_once()
            walked = self._walk_once_candidates()
        elif self.search.walk_first:
            ctes += self._walk_first()
            walked = Sql.format("SELECT {columns} FROM {table} WHERE ctid = ANY(ARRAY(SELECT at FROM s))",
                                columns=self.columns, table=self.search.table)
        ctes.append(self._candidates(walked))
        sources = {}
        for name in self.search.facets:
            if _facet_filter_name(name) in self.search.facet_filters:
                ctes.append(self._facet_set(name))
                sources[name] = f"f_{name}"
            else:
                sources[name] = "c"
        selects = [Sql.format("SELECT 'r', x.k::text, x.n::float8, NULL::text FROM unnest(ARRAY({page})) "
                              "WITH ORDINALITY AS x(k, n)", page=self._page()),
                   Sql("SELECT 't', NULL, count(*)::float8, NULL FROM c")]
        selects += [self._facet_select(name, source) for name, source in sources.items()]
        return Sql.format("WITH {ctes} {selects}", ctes=Sql(", ").join(ctes),
                          selects=Sql(" UNION ALL ").join(Sql.format("({s})", s=s) for s in selects))

    def _walk_once(self) -> list[Sql]:
        """One walk down the quality index instead of one per facet filter (see ``tuning.WALK_ONCE_FILTERS``).

        Every entry that misses at most one filter is read once and flagged, and the walk stops as
        soon as ``cap`` entries pass them all. Every disjunctive set holds those, so each finds its
        own best ``cap`` in the walk: running counts (``n_all``, ``n_<filter>``) mark them in walk
        order, without sorting again. When WALK_ONCE_ROWS entries are not enough, the one-time
        filters of the candidates and the facet sets run the separate queries instead.
        """
        search, names = self.search, self.names
        flags = Sql(", ").join(Sql.format("({condition}) AS m_{name}", condition=search.facet_filters[name],
                                          name=name) for name in names)
        # what the walk reads of each entry: only what the filters, facets and ranking use
        walked_columns = (f"ctid AS at, {search.key}, quality, document, retail_price, wholesale_price, "
                          f"min_order_qty, {self.facet_columns}")
        # the walk keeps the row addresses, not the documents: the candidates fetch theirs by address
        kept_columns = f"{search.key}, quality, {'at, ' if self.rank else ''}{self.facet_columns}"
        running = "".join(f", count(*) FILTER (WHERE {_flags(names, name)}) OVER walk AS n_{name}" for name in names)
        walk = Sql.format(
            "s AS MATERIALIZED (SELECT {kept}, {marks} FROM ("
            "SELECT i.*, count(*) FILTER (WHERE {every}) OVER walk AS n_all{running} FROM ("
            "SELECT e.*, {flags} FROM (SELECT {walked} FROM {table} ORDER BY quality DESC, {key} LIMIT {rows}) e "
            "WHERE {always}) i WHERE {passed} >= {missed} WINDOW walk AS (ORDER BY i.quality DESC, i.{key} "
            "ROWS UNBOUNDED PRECEDING)) w "
            "WHERE n_all <= {cap})",
            kept=kept_columns, marks=", ".join(f"m_{name}, n_{name}" for name in names), every=_flags(names),
            running=running, flags=flags, walked=walked_columns, table=search.table, key=search.key,
            rows=param(tuning.WALK_ONCE_ROWS), always=AND.join(search.always) or TRUE,
            passed=" + ".join(f"m_{name}::int" for name in names), missed=param(len(names) - 1), cap=param(self.cap))
        done = Sql.format("k AS (SELECT count(*) FILTER (WHERE {every}) >= {cap} AS done FROM s)",
                          every=_flags(names), cap=param(self.cap))
        return [walk, done]

    def _walk_once_candidates(self) -> Sql:
        """The candidates out of the single walk (n_all <= cap: the best cap)."""
        if self.rank:
            return Sql.format("SELECT {columns} FROM {table} WHERE ctid = ANY(ARRAY(SELECT at FROM s WHERE {every}))",
                              columns=self.columns, table=self.search.table, every=_flags(self.names))
        return Sql.format("SELECT {columns} FROM s WHERE {every}", columns=self.columns, every=_flags(self.names))

    def _walk_first(self) -> list[Sql]:
        """The best ``walk_first`` entries, read in quality order with only what the text and price filters need.

        The candidates' other columns are fetched by row address afterwards.
        """
        search = self.search
        walk = Sql.format(
            "s AS MATERIALIZED (SELECT e.ctid AS at FROM (SELECT ctid, {key}, quality, retail_price, "
            "wholesale_price, min_order_qty, document FROM {table} ORDER BY quality DESC, {key} "
            "LIMIT {rows}) e WHERE {where} ORDER BY e.quality DESC, e.{key} LIMIT {cap})",
            key=search.key, table=search.table, rows=param(search.walk_first), where=self.where(),
            cap=param(self.cap))
        done = Sql.format("k AS (SELECT count(*) >= {cap} AS done FROM s)", cap=param(self.cap))
        return [walk, done]

    def _candidates(self, walked: Sql | None) -> Sql:
        """CTE ``c``: the best ``cap`` matches by quality, with their score (the text rank is kept, not the document)."""
        search = self.search
        # "quality + 0" hides the quality index: the planner then reads the text index (see ``analysis.text_plan``)
        order = f"e.quality {'+ 0 ' if search.text_index else ''}DESC, e.{search.key}"
        score = (Sql("ts_rank(x.document, %s::tsquery) * (1 + x.quality)", [search.text]) if self.rank
                 else Sql("x.quality"))
        kept = Sql.format("SELECT x.{key}, x.quality, {score} AS score, {columns}", key=search.key, score=score,
                          columns=", ".join(f"x.{c}" for c in self.facet_columns.split(", ")))
        parts = {"kept": kept, "columns": self.columns, "table": search.table, "where": self.where(), "order": order,
                 "cap": param(self.cap)}
        if walked is None:
            return Sql.format("c AS MATERIALIZED ({kept} FROM (SELECT {columns} FROM {table} e WHERE {where} "
                              "ORDER BY {order} LIMIT {cap}) x)", **parts)
        return Sql.format("c AS MATERIALIZED ({kept} FROM ((SELECT * FROM ({walked}) w WHERE (SELECT done FROM k)) "
                          "UNION ALL (SELECT {columns} FROM {table} e WHERE NOT (SELECT done FROM k) AND {where} "
                          "ORDER BY {order} LIMIT {cap})) x)", walked=walked, **parts)

    def _facet_set(self, name: str) -> Sql:
        """CTE ``f_<name>``: the best ``cap`` entries under every filter but the facet's own (disjunctive)."""
        search, filter_name = self.search, _facet_filter_name(name)
        parts = {"alias": f"f_{name}", "columns": self.facet_columns, "table": search.table, "key": search.key,
                 "where": self.where(exclude=filter_name), "cap": param(self.cap)}
        if self.walk_once:
            return Sql.format(
                "{alias} AS MATERIALIZED ((SELECT {columns} FROM s WHERE (SELECT done FROM k) "
                "AND {others} AND n_{name} <= {walked_cap}) UNION ALL "
                "(SELECT {columns} FROM {table} e WHERE NOT (SELECT done FROM k) AND {where} "
                "ORDER BY e.quality DESC, e.{key} LIMIT {cap}))",
                others=_flags(self.names, filter_name), name=filter_name, walked_cap=param(self.cap), **parts)
        return Sql.format("{alias} AS MATERIALIZED (SELECT {columns} FROM {table} e WHERE {where} "
                          "ORDER BY e.quality DESC, e.{key} LIMIT {cap})", **parts)

    def _page(self) -> Sql:
        search = self.search
        window = Sql.format("OFFSET {offset} LIMIT {limit}", offset=param(search.offset), limit=param(search.limit))
        if search.sort == "relevance":
            # The candidates are the best-quality matches; rank them by text blended with quality.
            return Sql.format("SELECT {key} FROM c ORDER BY score DESC, {key} {window}", key=search.key, window=window)
        order = PAGE_ORDERS[search.sort].format(price=search.price, key=search.key)
        return Sql.format("SELECT e.{key} FROM {table} e WHERE {where} ORDER BY {order} {window}", key=search.key,
                          table=search.table, where=self.where(), order=order, window=window)

    def _facet_select(self, name: str, source: str) -> Sql:
        """One facet's ``(kind, value, count, label)`` rows, counted over ``source``.

        The chosen values (the query filters on them) matter to the trimmed ``TOP_FACETS`` only:
        the other facets send every value.
        """
        if name in TOP_FACETS:
            parts = {"name": name, "column": TOP_FACETS[name], "source": source}
            counted = Sql.format("(SELECT '{name}', {column}, count(*) FROM {source} GROUP BY {column} "
                                 "ORDER BY count(*) DESC, {column} COLLATE \"C\" LIMIT {size})",
                                 size=param(tuning.FACET_SIZE), **parts)
            chosen = self.search.chosen.get(name, set())
            if chosen:  # a chosen value stays however rare (it may come twice: the rows are merged)
                counted += Sql.format(" UNION ALL (SELECT '{name}', {column}, count(*) FROM {source} "
                                      "WHERE {column} = ANY({chosen}) GROUP BY {column})",
                                      chosen=param(sorted(chosen)), **parts)
        else:
            counted = Sql.format(FACET_SQL[name], s=source)
        if name in FACET_LABELS:
            table, key = FACET_LABELS[name]
            return Sql.format("SELECT f.kind, f.value, f.n::float8, l.name::text FROM ({counted}) f(kind, value, n) "
                              "LEFT JOIN {table} l ON l.{key} = f.value", counted=counted, table=table, key=key)
        return Sql.format("SELECT f.kind, f.value, f.n::float8, NULL::text FROM ({counted}) f(kind, value, n)",
                          counted=counted)

    def rows(self, rows: list[tuple]) -> Rows:
        """Read the statement's rows: the page in order, the total, each facet's values and their labels.

        Each facet keeps its ``FACET_SIZE`` most frequent values, plus any chosen value.
        """
        ranked, total, found, labels = [], 0, {}, {}
        for kind, value, number, label in rows:
            if kind == "r":
                ranked.append((number, value))
            elif kind == "t":
                total = int(number)
            else:
                found.setdefault(kind, {})[value] = int(number)  # a chosen district may come twice
                if label is not None:
                    labels[kind, value] = region_label(kind, label)
        counted = {}
        for name, values in found.items():
            ordered = sorted(values.items(), key=lambda pair: (-pair[1], pair[0]))
            keep = self.search.chosen.get(name, set())
            counted[name] = ordered[:tuning.FACET_SIZE] + [pair for pair in ordered[tuning.FACET_SIZE:]
                                                          if pair[0] in keep]
        return Rows(ids=[value for _pos, value in sorted(ranked)], total=total, facets=counted, labels=labels)
