"""The front of the PostgreSQL backend: the ``SearchBackend`` interface over the parts of this package."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils import timezone

from search import language
from search.backends.base import (
    PRODUCT_FACETS,
    IndexReport,
    ProductQuery,
    ProductResults,
    Suggestion,
    VillageQuery,
    VillageResults,
    product_facet_values,
    village_facet_values,
)
from search.documents import (
    ProductDocumentReader,
    product_documents,
    product_public_count,
    village_codes_all,
    village_documents,
)

from . import statement, tuning, writes
from .analysis import Analyser, Analysis, quote, text_plan
from .connection import Connection

SORTS = ("relevance", "price_asc", "price_desc", "newest")
VILLAGE_SEARCH_FACETS = ("district", "stage", "commodities")  # "commodities": the village's commodity list

_SUGGEST = """
    (SELECT 1, 'category', c.name, c.slug, 0::float8, c.name FROM catalog_category c
     WHERE to_tsvector('simple', c.name || ' ' || c.name_en) @@ %(q)s::tsquery
       AND EXISTS (SELECT 1 FROM search_productentry e WHERE e.category_path @> ARRAY[c.slug]::varchar[])
     ORDER BY c.name LIMIT %(n)s)
    UNION ALL
    (SELECT 2, 'commodity', m.name, m.slug, 0::float8, m.name FROM catalog_commodity m
     WHERE to_tsvector('simple', m.name || ' ' || m.name_en) @@ %(q)s::tsquery
       AND (EXISTS (SELECT 1 FROM search_productentry e WHERE e.commodity_slug = m.slug)
            OR EXISTS (SELECT 1 FROM search_villageentry v
                       WHERE v.commodity_slugs @> ARRAY[m.slug]::varchar[]))
     ORDER BY m.name LIMIT %(n)s)
    UNION ALL
    (SELECT 3, 'product', e.name, e.product_id::text, e.quality, e.name FROM search_productentry e
     WHERE e.suggest @@ %(q)s::tsquery ORDER BY e.quality DESC, e.product_id LIMIT %(n)s)
    UNION ALL
    (SELECT 4, 'village', v.name, v.village_code, v.quality, v.name FROM search_villageentry v
     WHERE v.suggest @@ %(q)s::tsquery ORDER BY v.quality DESC, v.village_code LIMIT %(n)s)
"""


def _page(offset: int, limit: int) -> tuple[int, int]:
    return min(max(offset, 0), tuning.MAX_OFFSET), min(max(limit, 0), tuning.MAX_PAGE_SIZE)


class Database:
    """PostgreSQL full-text search (the default backend)."""

    name = "database"
    rebuild_compacts = True  # the rebuilt entries are stored in quality order: no compaction needed after

    def __init__(self, *, using: str = "default", config: str = "indonesian"):
        self.using = using
        self.config = config
        self.connection = Connection(using)
        self.analyser = Analyser(self.connection)

    # --- capabilities -----------------------------------------------------------------------

    @property
    def trigram(self) -> bool:
        """Whether ``pg_trgm`` is installed (tests set this to exercise both paths)."""
        return self.connection.trigram

    @trigram.setter
    def trigram(self, value: bool) -> None:
        self.connection.trigram = value

    def ping(self) -> bool:
        return self.connection.ping()

    # --- analysis -----------------------------------------------------------------------------

    def analyse(self, text: str, *, scope: str = "products") -> Analysis:
        """Turn ``text`` into a tsquery (``analysis.Analyser``); ``scope`` is products or villages."""
        return self.analyser.analyse(text, scope=scope)

    def vocabulary_forget(self) -> None:
        self.analyser.vocabulary_forget()

    # --- searches -----------------------------------------------------------------------------

    def search_products(self, query: ProductQuery) -> ProductResults:
        if query.sort not in SORTS:
            raise ValueError(f"Unknown sort: {query.sort!r}")
        offset, limit = _page(query.offset, query.limit)
        analysis = self.analyse(query.text) if query.text.strip() else Analysis(tsquery=None)
        if not analysis.matchable:
            return ProductResults(ids=[], total=0, total_is_exact=True, facets={}, did_you_mean=analysis.did_you_mean)
        price = "wholesale_price" if query.audience == "buyer" else "retail_price"
        facet_filters = statement.product_facet_filters(query.filters)
        always = statement.product_filters(query.filters, price=price)
        if analysis.tsquery:
            always = [statement.text_filter(analysis.tsquery), *always]
        plan = text_plan(analysis) if query.sort == "relevance" and not facet_filters else {}
        rows = self._run(statement.Search(
            table="search_productentry", key="product_id", text=analysis.tsquery, facet_filters=facet_filters,
            always=always, facets=PRODUCT_FACETS if query.facets else (), sort=query.sort, price=price,
            offset=offset, limit=limit, chosen=statement.product_chosen(query.filters), walk_once=True, **plan))
        total = rows.total
        return ProductResults(ids=[int(value) for value in rows.ids], total=min(total, tuning.COUNT_LIMIT),
                              total_is_exact=total <= tuning.COUNT_LIMIT,
                              facets=product_facet_values(rows.facets, rows.labels) if query.facets else {},
                              did_you_mean=analysis.did_you_mean)

    def search_villages(self, query: VillageQuery) -> VillageResults:
        offset, limit = _page(query.offset, query.limit)
        analysis = self.analyse(query.text, scope="villages") if query.text.strip() else Analysis(tsquery=None)
        if not analysis.matchable:
            return VillageResults(codes=[], total=0, total_is_exact=True, did_you_mean=analysis.did_you_mean)
        rows = self._run(statement.Search(
            table="search_villageentry", key="village_code", text=analysis.tsquery,
            facet_filters=statement.village_facet_filters(query),
            always=[statement.text_filter(analysis.tsquery)] if analysis.tsquery else [],
            facets=VILLAGE_SEARCH_FACETS, sort="relevance", offset=offset, limit=limit,
            chosen=statement.village_chosen(query)))
        return VillageResults(codes=rows.ids, total=min(rows.total, tuning.COUNT_LIMIT),
                              total_is_exact=rows.total <= tuning.COUNT_LIMIT,
                              facets=village_facet_values(rows.facets, rows.labels), did_you_mean=analysis.did_you_mean)

    def _run(self, search: statement.Search) -> statement.Rows:
        """Run one search statement: results, the capped total and the facets (``statement``)."""
        built = statement.SearchStatement(search)
        with self.connection.read_cursor() as cursor:
            cursor.execute(*built.sql().as_statement())
            return built.rows(cursor.fetchall())

    def suggest(self, prefix: str, *, limit: int = 8) -> list[Suggestion]:
        tokens = language.words(prefix)[:8]
        tokens = [w for w in tokens[:-1] if w not in language.STOP_WORDS] + tokens[-1:]
        if not tokens or len("".join(tokens)) < 2:
            return []
        tsquery = " & ".join(quote(word) + ":*" for word in tokens)
        limit = max(1, min(limit, 20))
        with self.connection.read_cursor() as cursor:
            cursor.execute(_SUGGEST, {"q": tsquery, "n": limit})
            rows = cursor.fetchall()
        seen: set[str] = set()
        suggestions = []
        for _order, kind, text, hint, _quality, _name in sorted(rows, key=lambda r: (r[0], -r[4], r[2], r[3])):
            if text.casefold() in seen:
                continue
            seen.add(text.casefold())
            suggestions.append(Suggestion(text=text, kind=kind, url_hint=hint))
        return suggestions[:limit]

    # --- indexing -----------------------------------------------------------------------------

    def index_products(self, ids: Iterable[int]) -> IndexReport:
        return self._index(writes.PRODUCTS, sorted({int(pk) for pk in ids}), product_documents, writes.product_row)

    def index_villages(self, codes: Iterable[str]) -> IndexReport:
        return self._index(writes.VILLAGES, sorted({str(code) for code in codes}), village_documents,
                           writes.village_row)

    def _index(self, kind, keys: list, documents, row) -> IndexReport:
        report = IndexReport()
        for batch in writes.batches(keys, tuning.BATCH_SIZE):
            with self.connection.write_cursor() as cursor:
                # Read the catalogue after taking the lock: a concurrent run cannot write an older state last.
                rows = [row(document) for document in documents(batch)]
                indexed, removed = writes.entries_write(cursor, kind, keys=batch, rows=rows, config=self.config)
            report.indexed += indexed
            report.removed += removed
        self.vocabulary_forget()
        return report

    def compact(self) -> int:
        """Rewrite the product entries in ``quality`` order, with fresh indexes; return how many rows."""
        with self.connection.write_cursor() as cursor:
            return writes.compact(cursor)

    def rebuild(self, *, progress: Callable[[int, int], None] | None = None) -> IndexReport:
        """Index every public product and every village profile, then drop what is no longer there.

        Searches keep reading the live entries throughout. The product entries are written into a
        copy of the table without its secondary indexes, read from the catalogue by id ranges
        (``ProductDocumentReader.after``, one query per batch, under the index lock as every index
        write); incremental indexing meanwhile writes to both. At the end the copy is stored in
        quality order, its indexes are built once and it replaces the live table (``writes.rebuild_*``),
        so the compaction has nothing left to do. Village entries are replaced in place; one the run
        did not write (``indexed_at`` before its start) belongs to nothing public and is deleted.
        The vocabulary is recounted from the entries.
        """
        started = timezone.now()
        village_codes = village_codes_all()
        total, done = product_public_count() + len(village_codes), 0
        report = IndexReport()
        if progress:
            progress(0, total)
        with self.connection.write_cursor() as cursor:
            writes.rebuild_begin(cursor)
        try:
            reader, after = ProductDocumentReader(), 0
            while after is not None:
                with self.connection.write_cursor() as cursor:
                    # Read the catalogue after taking the lock: a concurrent run cannot write an older state last.
                    documents, last = reader.after(after, limit=tuning.REBUILD_BATCH_SIZE)
                    writes.rebuild_write(cursor, [writes.product_row(d) for d in documents], after=after, last=last,
                                         config=self.config)
                report.indexed += len(documents)
                done += len(documents)
                after = last
                if progress:
                    progress(done, total)
            for batch in writes.batches(village_codes, tuning.BATCH_SIZE):
                report.indexed += self.index_villages(batch).indexed
                done += len(batch)
                if progress:
                    progress(done, total)
            with self.connection.write_cursor() as cursor:
                report.removed += writes.rebuild_finish(cursor)
                report.removed += writes.stale_villages_delete(cursor, started=started)
                writes.vocabulary_recount(cursor)
        except BaseException:
            with self.connection.write_cursor() as cursor:
                writes.rebuild_abandon(cursor)
            raise
        self.vocabulary_forget()
        return report
