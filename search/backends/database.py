"""The PostgreSQL search backend: full-text search over ``search.ProductEntry`` and ``VillageEntry``.

Documents are stored as weighted ``tsvector``s (``indonesian`` configuration for Indonesian
text, ``english`` for the English fields), after ``search.language`` has normalised them and
dropped stop words. A query is analysed in Python (stop words, synonyms) and in one query
(stems, whether each word is in the index); words the index does not know are replaced by the
closest indexed words (typo tolerance, by trigram similarity when the server has ``pg_trgm``,
else in Python over a cached vocabulary). The tsquery is built here from lexemes, never parsed
from user input.

A search is one SQL statement: the matches (text and filters) are read best ``quality`` first
up to ``COUNT_LIMIT + 1`` rows; relevance ranks those candidates with ``ts_rank`` blended with
quality; the price and date sorts read the matches in index order instead; facets group the
same bounded sets (one more bounded set per active facet filter, as facets are disjunctive),
and their labels are joined in the same statement.

Where the planner cannot know better, the statement says how to read: filters that most entries
pass share one walk down the quality index (``WALK_ONCE_FILTERS``), and several words are read
by a bounded walk or through the text index as the words' own counts decide (``_text_plan``).
Both walks are cheap because ``compact`` (nightly) stores the entries in quality order.
"""
from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import PermitKind
from search import language
from search.backends.base import (
    COUNT_LIMIT,
    FACET_SIZE,
    MAX_OFFSET,
    MAX_PAGE_SIZE,
    PRODUCT_FACETS,
    FacetValue,
    IndexReport,
    ProductQuery,
    ProductResults,
    Suggestion,
    VillageQuery,
    VillageResults,
)
from search.documents import (
    ProductDocument,
    VillageDocument,
    product_documents,
    public_product_ids,
    village_codes_all,
    village_documents,
)

BATCH_SIZE = 500
LOCK_KEY = 7_263_001  # pg_advisory_xact_lock: index writes are serialised (vocabulary counts stay exact)
MAX_CORRECTIONS = 10  # indexed words a typo may stand for
MIN_SPLIT = 3  # "suwarsuwir" is tried as two indexed words of at least this length
TRIGRAM_CANDIDATES = 50
# Facet filters that most entries pass: with only these, one walk serves the results and the facets.
# A district, village or commodity is rare: its own index finds its few rows faster.
WALK_ONCE_FILTERS = {"category", "certification", "retail_ready", "in_stock"}
WALK_ONCE_ROWS = 30_000  # best-quality entries the single walk reads at most
# What a match read through the text index costs against an entry read by a walk: the match is
# fetched from its own page, and every match is kept and sorted, where the walk reads entries side
# by side and stops. Measured: 3 when the table fits the shared buffers (100k entries), 4 beyond
# (each match is then a page from the operating system's cache; a million entries).
TEXT_INDEX_ROW_COST = 3
TEXT_INDEX_ROW_COST_BEYOND_MEMORY = 4
FALLBACK_VOCABULARY_LIMIT = 20_000  # the most frequent words the fallback knows (~2.5 s, ~90 MB to build at 20k)
FALLBACK_VOCABULARY_SECONDS = 300  # and after indexing in this process
VILLAGE_FACETS = ("district", "stage", "commodity")
SORTS = ("relevance", "price_asc", "price_desc", "newest")


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _one_edit(word: str, *, letters: bool = True) -> set[str]:
    """Return every string one deletion, transposition, substitution or insertion away from ``word``.

    ``letters=False`` leaves out substitutions and insertions (36 strings per position).
    """
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    if letters:
        found |= {a + c + b[1:] for a, b in splits if b for c in _ALPHABET} | {a + c + b for a, b in splits
                                                                                 for c in _ALPHABET}
    return found - {word}


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


# --- query analysis -------------------------------------------------------------------------


@dataclass
class _Unit:
    """One thing every match must contain: a word (or synonym term) and its alternatives."""

    words: tuple[str, ...]  # as typed (normalised)
    alternatives: list[tuple[str, ...]]  # the term itself and its synonyms


@dataclass
class Analysis:
    tsquery: str | None  # None: no text (browse)
    matchable: bool = True  # False when a word matches nothing (the result is empty)
    did_you_mean: str | None = None
    terms: int = 0  # the parts the tsquery ANDs together
    at_most: int | None = None  # no more entries than this can match (None: not known)
    entries: int = 0  # about how many entries the index holds (the planner's estimate)
    beyond_memory: bool = False  # the entries table is larger than PostgreSQL's shared buffers


class _Vocabulary:
    """The indexed words with a deletion index (as in SymSpell) for the fallback without pg_trgm."""

    def __init__(self, counts: dict[str, int]):
        self.counts = counts
        self.deletes: dict[str, list[str]] = {}
        for word in counts:
            for variant in self._variants(word, 2):
                self.deletes.setdefault(variant, []).append(word)
        self.built_at = time.monotonic()

    @staticmethod
    def _variants(word: str, edits: int) -> set[str]:
        found, frontier = {word}, {word}
        for _round in range(edits):
            frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))} - found
            found |= frontier
        return found

    def near(self, word: str) -> list[tuple[str, int]]:
        """Return ``(indexed word, edits)`` within ``language.max_edits(word)`` of ``word``."""
        limit = language.max_edits(word)
        if limit == 0:
            return []
        candidates = {c for variant in self._variants(word, limit) for c in self.deletes.get(variant, ())}
        found = []
        for candidate in candidates:
            distance = language.edit_distance(word, candidate, limit)
            if distance <= limit:
                found.append((candidate, distance))
        return found


@dataclass
class _Rows:
    ids: list[str]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    labels: dict[tuple[str, str], str]  # {(facet, value): name} of categories, commodities, districts, villages


class Database:
    """PostgreSQL full-text search (the default backend)."""

    name = "database"

    def __init__(self, *, using: str = "default", config: str = "indonesian"):
        self.using = using
        self.config = config
        self._vocabularies: dict[str, _Vocabulary] = {}
        self._vocabulary_lock = threading.Lock()

    # --- capabilities -----------------------------------------------------------------------

    @cached_property
    def trigram(self) -> bool:
        """Whether ``pg_trgm`` is installed (tests set this to exercise both paths)."""
        with connections[self.using].cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            return cursor.fetchone() is not None

    def ping(self) -> bool:
        try:
            with connections[self.using].cursor() as cursor:
                cursor.execute("SELECT 1 FROM search_productentry LIMIT 1")
            return True
        except Exception:  # noqa: BLE001 - a ping answers, it does not raise
            return False

    def _cursor(self):
        return connections[self.using].cursor()

    @contextmanager
    def _read_cursor(self):
        """A cursor for one interactive read, in its own transaction, without JIT and parallel workers.

        Over a million entries the planner's costs pass ``jit_above_cost`` and compiling the
        statement takes longer (100+ ms) than running it; starting parallel workers costs tens of
        milliseconds, even for a branch that a one-time filter never runs.
        """
        with transaction.atomic(using=self.using), self._cursor() as cursor:
            cursor.execute("SELECT set_config('jit', 'off', true), "
                           "set_config('max_parallel_workers_per_gather', '0', true)")
            yield cursor

    # --- analysis -----------------------------------------------------------------------------

    def analyse(self, text: str, *, scope: str = "products") -> Analysis:
        """Turn ``text`` into a tsquery (see the module docstring); ``scope`` is products or villages."""
        tokens = language.words(text)[:32]
        content = [word for word in tokens if word not in language.STOP_WORDS]
        if not content:
            return Analysis(tsquery=None)
        units = self._units(content)
        every_word = sorted({w for unit in units for alternative in unit.alternatives for w in alternative})
        count_column = "products" if scope == "products" else "villages"
        with self._cursor() as cursor:
            cursor.execute(
                f"""SELECT q.w, q.lex, q.lex_en, (
                        SELECT coalesce(sum(t.{count_column}), 0) FROM search_term t
                        WHERE (t.word = q.w OR t.stem = q.lex OR t.stem_en = q.lex_en) AND t.{count_column} > 0),
                        (SELECT reltuples FROM pg_class WHERE oid = 'search_{scope[:-1]}entry'::regclass),
                        (SELECT relpages > pg_size_bytes(current_setting('shared_buffers'))
                                           / current_setting('block_size')::bigint
                         FROM pg_class WHERE oid = 'search_{scope[:-1]}entry'::regclass)
                    FROM (SELECT w, (ts_lexize('indonesian_stem', w))[1] AS lex,
                                 (ts_lexize('english_stem', w))[1] AS lex_en
                          FROM unnest(%s::text[]) AS w) q""",
                [every_word])
            rows = cursor.fetchall()
        lexemes = {w: {x for x in (lex, lex_en) if x} or {w} for w, lex, lex_en, *_rest in rows}
        # At most this many entries hold the word (its forms may share an entry: an upper bound).
        holding = {w: int(n) for w, _lex, _lex_en, n, *_rest in rows}
        known = {w for w, n in holding.items() if n}
        entries = max((int(n) for *_rest, n, _large in rows if n is not None), default=0)
        beyond_memory = any(large for *_rest, large in rows)
        unknown = [unit.words[0] for unit in units
                   if len(unit.words) == 1 and len(unit.alternatives) == 1 and unit.words[0] not in known]
        corrections = self._corrections(unknown, scope=scope) if unknown else {}
        splits = self._splits([w for w in unknown if w not in corrections], scope=scope)
        matchable, replaced, parts = True, {}, []
        for unit in units:
            if any(all(w in known for w in alternative) for alternative in unit.alternatives):
                options = [" <-> ".join("(" + " | ".join(_quote(x) for x in sorted(lexemes[w])) + ")"
                                        for w in alternative)
                           for alternative in unit.alternatives if all(w in known for w in alternative)]
            elif unit.words[0] in corrections:
                found = corrections[unit.words[0]]
                replaced[unit.words[0]] = found[0][0]
                options = ["(" + " | ".join(_quote(x) for x in sorted(lexes)) + ")" for _word, lexes in found]
            elif unit.words[0] in splits:  # "suwarsuwir": two indexed words typed as one
                (first, first_lexemes), (second, second_lexemes) = splits[unit.words[0]]
                replaced[unit.words[0]] = f"{first} {second}"
                options = [" <-> ".join("(" + " | ".join(_quote(x) for x in sorted(lexes)) + ")"
                                        for lexes in (first_lexemes, second_lexemes))]
            else:
                matchable = False
                continue
            parts.append("(" + " | ".join(options) + ")")
        did_you_mean = " ".join(replaced.get(word, word) for word in tokens) if replaced else None
        # The words' own counts bound how many entries can hold them all (corrected words: unknown).
        bounds = [sum(min(holding[w] for w in alternative) for alternative in unit.alternatives
                      if all(w in known for w in alternative))
                  for unit in units if any(all(w in known for w in alt) for alt in unit.alternatives)]
        return Analysis(tsquery=" & ".join(parts) if matchable else None, matchable=matchable,
                        did_you_mean=did_you_mean, terms=len(parts) if matchable else 0,
                        at_most=min(bounds) if bounds else None, entries=entries, beyond_memory=beyond_memory)

    @staticmethod
    def _units(content: list[str]) -> list[_Unit]:
        synonyms = language.synonym_map()
        longest = max((len(term) for term in synonyms), default=1)
        units, i = [], 0
        while i < len(content):
            for size in range(min(longest, len(content) - i), 0, -1):
                term = tuple(content[i:i + size])
                if term in synonyms:
                    units.append(_Unit(words=term, alternatives=list(synonyms[term])))
                    i += size
                    break
            else:
                units.append(_Unit(words=(content[i],), alternatives=[(content[i],)]))
                i += 1
        return units

    def _corrections(self, unknown: list[str], *, scope: str) -> dict[str, list[tuple[str, set[str]]]]:
        """Return ``{unknown word: [(indexed word, its lexemes), ...]}``, best first."""
        count_column = "products" if scope == "products" else "villages"
        scored: dict[str, list[tuple[int, int, str]]] = {}
        lexemes: dict[str, set[str]] = {}
        if self.trigram:
            # A word of up to 5 letters may have one edit: its one-edit variants, looked up exactly, are
            # every candidate (trigrams would miss typos in short words: "kpoi" shares one trigram with
            # "kopi"). A longer word may have two: trigram neighbours (the GIN index) find substitutions
            # and insertions, which keep most trigrams, and its deletions and transpositions
            # ("pisnag": pisang shares 3 of 11 trigrams) are looked up exactly.
            long = [word for word in unknown if language.max_edits(word) > 1]
            variants = [(word, variant) for word in unknown if language.max_edits(word)
                        for variant in sorted(_one_edit(word, letters=language.max_edits(word) == 1))]
            with self._cursor() as cursor:
                cursor.execute(
                    f"""SELECT q.w, t.word, t.{count_column}, t.stem, t.stem_en FROM unnest(%s::text[]) AS q(w)
                        CROSS JOIN LATERAL (
                            SELECT word, {count_column}, stem, stem_en FROM search_term
                            WHERE word %% q.w AND {count_column} > 0
                            ORDER BY similarity(word, q.w) DESC, word LIMIT %s) t
                        UNION
                        SELECT v.w, t.word, t.{count_column}, t.stem, t.stem_en
                        FROM unnest(%s::text[], %s::text[]) AS v(w, variant)
                        CROSS JOIN LATERAL (  -- LIMIT 1: one index probe per variant, not a hash of every word
                            SELECT word, {count_column}, stem, stem_en FROM search_term
                            WHERE word = v.variant AND {count_column} > 0 LIMIT 1) t""",
                    [long, TRIGRAM_CANDIDATES, [w for w, _v in variants], [v for _w, v in variants]])
                for word, candidate, count, stem, stem_en in cursor.fetchall():
                    distance = language.edit_distance(word, candidate, language.max_edits(word))
                    if distance <= language.max_edits(word):
                        scored.setdefault(word, []).append((distance, -count, candidate))
                        lexemes[candidate] = {x for x in (stem, stem_en) if x}
        else:
            vocabulary = self._vocabulary(scope)
            for word in unknown:
                for candidate, distance in vocabulary.near(word):
                    scored.setdefault(word, []).append((distance, -vocabulary.counts[candidate], candidate))
        best = {word: [candidate for _d, _c, candidate in sorted(found)[:MAX_CORRECTIONS]]
                for word, found in scored.items()}
        if not best:
            return {}
        missing = sorted({w for words in best.values() for w in words} - lexemes.keys())
        if missing:
            with self._cursor() as cursor:
                cursor.execute("SELECT word, stem, stem_en FROM search_term WHERE word = ANY(%s)", [missing])
                lexemes.update({word: {x for x in (stem, stem_en) if x} for word, stem, stem_en in cursor.fetchall()})
        return {word: [(c, lexemes[c]) for c in candidates if c in lexemes] for word, candidates in best.items()}

    def _splits(self, words: list[str], *, scope: str) -> dict[str, tuple[tuple[str, set], tuple[str, set]]]:
        """Return ``{word: ((first, its lexemes), (second, its lexemes))}`` for words of two indexed words."""
        halves = {word: [(word[:i], word[i:]) for i in range(MIN_SPLIT, len(word) - MIN_SPLIT + 1)]
                  for word in words if len(word) >= 2 * MIN_SPLIT}
        parts = sorted({part for pairs in halves.values() for pair in pairs for part in pair})
        if not parts:
            return {}
        count_column = "products" if scope == "products" else "villages"
        with self._cursor() as cursor:
            cursor.execute(f"SELECT word, stem, stem_en, {count_column} FROM search_term "
                           f"WHERE word = ANY(%s) AND {count_column} > 0", [parts])
            known = {word: ({x for x in (stem, stem_en) if x}, count) for word, stem, stem_en, count in cursor}
        found = {}
        for word, pairs in halves.items():
            valid = [(a, b) for a, b in pairs if a in known and b in known]
            if valid:  # the most frequent pair of words, then the most even split
                a, b = max(valid, key=lambda pair: (min(known[pair[0]][1], known[pair[1]][1]),
                                                    -abs(len(pair[0]) - len(pair[1]))))
                found[word] = ((a, known[a][0]), (b, known[b][0]))
        return found

    def _vocabulary(self, scope: str) -> _Vocabulary:
        """Return the cached vocabulary of ``scope`` (rebuilt after a minute or after indexing here)."""
        with self._vocabulary_lock:
            vocabulary = self._vocabularies.get(scope)
            if vocabulary is None or time.monotonic() - vocabulary.built_at > FALLBACK_VOCABULARY_SECONDS:
                count_column = "products" if scope == "products" else "villages"
                with self._cursor() as cursor:
                    cursor.execute(f"SELECT word, {count_column} FROM search_term WHERE {count_column} > 0 "
                                   f"ORDER BY {count_column} DESC, word LIMIT %s", [FALLBACK_VOCABULARY_LIMIT])
                    vocabulary = _Vocabulary(dict(cursor.fetchall()))
                self._vocabularies[scope] = vocabulary
            return vocabulary

    def vocabulary_forget(self) -> None:
        with self._vocabulary_lock:
            self._vocabularies.clear()

    # --- product search -----------------------------------------------------------------------

    def search_products(self, query: ProductQuery) -> ProductResults:
        if query.sort not in SORTS:
            raise ValueError(f"Unknown sort: {query.sort!r}")
        offset = min(max(query.offset, 0), MAX_OFFSET)
        limit = min(max(query.limit, 0), MAX_PAGE_SIZE)
        analysis = self.analyse(query.text) if query.text.strip() else Analysis(tsquery=None)
        if not analysis.matchable:
            return ProductResults(ids=[], total=0, total_is_exact=True, facets={}, did_you_mean=analysis.did_you_mean)
        price = "wholesale_price" if query.audience == "buyer" else "retail_price"
        facet_filters, always = self._product_filters(query, price)
        if analysis.tsquery:
            always = [("e.document @@ %s::tsquery", [analysis.tsquery]), *always]
        rows = self._run(
            table="search_productentry", key="product_id", text=analysis.tsquery, facet_filters=facet_filters,
            always=always, facets=PRODUCT_FACETS if query.facets else (), sort=query.sort, price=price,
            offset=offset, limit=limit, chosen=self._product_chosen(query), walk_once=True,
            **(self._text_plan(analysis) if query.sort == "relevance" and not facet_filters else {}))
        ids = [int(value) for value in rows.ids]
        facets = self._labelled_product_facets(rows) if query.facets else {}
        return ProductResults(ids=ids, total=min(rows.total, COUNT_LIMIT), total_is_exact=rows.total <= COUNT_LIMIT,
                              facets=facets, did_you_mean=analysis.did_you_mean)

    @staticmethod
    def _text_plan(analysis: Analysis) -> dict:
        """How to find the candidates of several words, which the planner misjudges.

        PostgreSQL multiplies the words' frequencies as if independent: words that come together
        ("keripik pisang", "tas bambu") match far more entries than it expects, words that do not
        ("kopi bambu") far fewer, and it then walks the quality index through the whole table.
        Reading W entries in quality order finds the ``cap`` best matches when at least cap·N/W
        entries match; the text index reads every match, each at r times the cost of a walked
        entry (it reads a page per match where the walk reads entries side by side, see
        ``compact``). Both cost the same at M = sqrt(cap·N/r) matches. So when the words' own
        counts allow M matches, the best cap·N/M entries are tried first (``walk_first``);
        otherwise, or when the walk finds too few, the text index answers (``text_index``).
        """
        if analysis.terms < 2 or not analysis.at_most or analysis.entries <= 0:
            return {}  # one word: the planner knows its frequency
        r = TEXT_INDEX_ROW_COST_BEYOND_MEMORY if analysis.beyond_memory else TEXT_INDEX_ROW_COST
        matches = math.isqrt((COUNT_LIMIT + 1) * analysis.entries // r)
        walk = math.isqrt((COUNT_LIMIT + 1) * analysis.entries * r)
        return {"walk_first": walk if analysis.at_most >= matches else 0, "text_index": True}

    @staticmethod
    def _product_chosen(query: ProductQuery) -> dict[str, set[str]]:
        """The facet values the query filters on: they stay in the facets however rare."""
        f = query.filters
        chosen = {name: {value} for name, value in (("category", f.category), ("commodity", f.commodity),
                                                    ("district", f.district), ("village", f.village)) if value}
        chosen.update({name: {"true" if value else "false"} for name, value in
                       (("retail_ready", f.retail_ready), ("in_stock", f.in_stock)) if value is not None})
        if f.certifications:
            chosen["certification"] = set(f.certifications)
        return chosen

    @staticmethod
    def _product_filters(query: ProductQuery, price: str) -> tuple[dict[str, tuple[str, list]], list]:
        f = query.filters
        facet_filters: dict[str, tuple[str, list]] = {}
        if f.category:
            facet_filters["category"] = ("e.category_path @> ARRAY[%s]::varchar[]", [f.category])
        if f.commodity:
            facet_filters["commodity"] = ("e.commodity_slug = %s", [f.commodity])
        if f.district:
            facet_filters["district"] = ("e.district_code = %s", [f.district])
        if f.village:
            facet_filters["village"] = ("e.village_code = %s", [f.village])
        if f.certifications:
            facet_filters["certification"] = ("e.certifications @> %s::varchar[]", [sorted(set(f.certifications))])
        if f.retail_ready is not None:
            facet_filters["retail_ready"] = ("e.retail_ready = %s", [f.retail_ready])
        if f.in_stock is not None:
            facet_filters["in_stock"] = ("e.in_stock = %s", [f.in_stock])
        always: list[tuple[str, list]] = []
        if f.price_min is not None:
            always.append((f"e.{price} >= %s", [f.price_min]))
        if f.price_max is not None:
            always.append((f"e.{price} <= %s", [f.price_max]))
        if f.max_min_order_qty is not None:
            always.append(("e.min_order_qty <= %s", [f.max_min_order_qty]))
        return facet_filters, always

    _FACET_SQL = {
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
    _TOP_FACETS = {"district": "district_code", "village": "village_code"}
    # Facets whose values are named in a catalogue or regions table: (table, key column), the label is ``name``.
    _FACET_LABELS = {
        "category": ("catalog_category", "slug"), "commodity": ("catalog_commodity", "slug"),
        "commodities": ("catalog_commodity", "slug"), "district": ("regions_district", "code"),
        "village": ("regions_village", "code"),
    }
    _FACET_COLUMNS = {
        "search_productentry": "category_path, certifications, commodity_slug, district_code, village_code, "
                               "retail_ready, in_stock",
        "search_villageentry": "district_code, stage, commodity_slugs",
    }

    def _facet_select(self, name: str, source: str, chosen: set[str]) -> tuple[str, list]:
        """One facet's ``(kind, value, count, label)`` rows, counted over ``source``.

        ``chosen`` (the values the query filters on) matters to the trimmed ``_TOP_FACETS`` only:
        the other facets send every value.
        """
        params: list = []
        if name in self._TOP_FACETS:
            column = self._TOP_FACETS[name]
            counted = (f"(SELECT '{name}', {column}, count(*) FROM {source} GROUP BY {column} "
                       f"ORDER BY count(*) DESC, {column} COLLATE \"C\" LIMIT %s)")
            params.append(FACET_SIZE)
            if chosen:  # a chosen value stays however rare (it may come twice: the rows are merged)
                counted += (f" UNION ALL (SELECT '{name}', {column}, count(*) FROM {source} "
                            f"WHERE {column} = ANY(%s) GROUP BY {column})")
                params.append(sorted(chosen))
        else:
            counted = self._FACET_SQL[name].format(s=source)
        if name in self._FACET_LABELS:
            table, key = self._FACET_LABELS[name]
            return (f"SELECT f.kind, f.value, f.n::float8, l.name::text FROM ({counted}) f(kind, value, n) "
                    f"LEFT JOIN {table} l ON l.{key} = f.value"), params
        return f"SELECT f.kind, f.value, f.n::float8, NULL::text FROM ({counted}) f(kind, value, n)", params

    def _run(self, *, table: str, key: str, text: str | None, facet_filters: dict[str, tuple[str, list]],
             always: list[tuple[str, list]], facets: Iterable[str], sort: str, price: str = "",
             offset: int, limit: int, chosen: dict[str, set[str]] | None = None, walk_once: bool = False,
             walk_first: int = 0, text_index: bool = False) -> _Rows:
        """Run one search statement: results, the capped total and the facets (see the module docstring).

        Each facet keeps its ``FACET_SIZE`` most frequent values, plus any value in ``chosen``.
        """

        def where(exclude: str | None = None) -> tuple[str, list]:
            clauses = always + [clause for name, clause in sorted(facet_filters.items()) if name != exclude]
            if not clauses:
                return "TRUE", []
            return " AND ".join(sql for sql, _params in clauses), [p for _sql, params in clauses for p in params]

        cap = COUNT_LIMIT + 1
        facet_columns = self._FACET_COLUMNS[table]
        rank = sort == "relevance" and text is not None
        ctes, params = [], []
        sql_all, params_all = where()
        columns = f"{key}, quality, {'document, ' if rank else ''}{facet_columns}"
        disjunctive = [name for name in facets if ("commodity" if name == "commodities" else name) in facet_filters]
        walk_once = walk_once and bool(disjunctive) and set(facet_filters) <= WALK_ONCE_FILTERS
        names = sorted(facet_filters)
        if walk_once:
            # One walk down the quality index instead of one per facet filter (see ``WALK_ONCE_FILTERS``):
            # every entry that misses at most one filter is read once and flagged, and the walk stops
            # as soon as ``cap`` entries pass them all. Every disjunctive set holds those, so each
            # finds its own best ``cap`` in the walk: running counts (``n_all``, ``n_<filter>``) mark
            # them in walk order, without sorting again. When WALK_ONCE_ROWS entries are not enough,
            # the one-time filters below run the separate queries instead.
            flags = ", ".join(f"({facet_filters[name][0]}) AS m_{name}" for name in names)
            passed = " + ".join(f"m_{name}::int" for name in names)
            every = " AND ".join(f"m_{name}" for name in names)
            always_sql = " AND ".join(sql for sql, _params in always) or "TRUE"
            # what the walk reads of each entry: only what the filters, facets and ranking use
            walked_columns = (f"ctid AS at, {key}, quality, document, retail_price, wholesale_price, min_order_qty, "
                              f"{facet_columns}")
            # the walk keeps the row addresses, not the documents: the candidates fetch theirs by address
            kept_columns = f"{key}, quality, {'at, ' if rank else ''}{facet_columns}"
            running = "".join(
                f", count(*) FILTER (WHERE {' AND '.join(f'm_{o}' for o in names if o != name) or 'TRUE'}) "
                f"OVER walk AS n_{name}" for name in names)
            ctes.append(
                f"s AS MATERIALIZED (SELECT {kept_columns}, {', '.join(f'm_{name}, n_{name}' for name in names)} FROM ("
                f"SELECT i.*, count(*) FILTER (WHERE {every}) OVER walk AS n_all{running} FROM ("
                f"SELECT e.*, {flags} FROM (SELECT {walked_columns} FROM {table} ORDER BY quality DESC, {key} LIMIT %s) e "
                f"WHERE {always_sql}) i WHERE {passed} >= %s WINDOW walk AS (ORDER BY i.quality DESC, i.{key} "
                f"ROWS UNBOUNDED PRECEDING)) w "
                f"WHERE n_all <= %s)")
            params += [*[p for name in names for p in facet_filters[name][1]], WALK_ONCE_ROWS,
                       *[p for _sql, ps in always for p in ps], len(names) - 1, cap]
            ctes.append(f"k AS (SELECT count(*) FILTER (WHERE {every}) >= %s AS done FROM s)")
            # n_all <= cap: the best cap
            walked = (f"SELECT {columns} FROM {table} WHERE ctid = ANY(ARRAY(SELECT at FROM s WHERE {every}))"
                      if rank else f"SELECT {columns} FROM s WHERE {every}")
            params.append(cap)
        elif walk_first:
            # The best ``walk_first`` entries, read in quality order with only what the text and
            # price filters need; the candidates' other columns are fetched by row address afterwards.
            ctes.append(f"s AS MATERIALIZED (SELECT e.ctid AS at FROM (SELECT ctid, {key}, quality, retail_price, "
                        f"wholesale_price, min_order_qty, document FROM {table} ORDER BY quality DESC, {key} "
                        f"LIMIT %s) e WHERE {sql_all} ORDER BY e.quality DESC, e.{key} LIMIT %s)")
            ctes.append("k AS (SELECT count(*) >= %s AS done FROM s)")
            params += [walk_first, *params_all, cap, cap]
            walked = f"SELECT {columns} FROM {table} WHERE ctid = ANY(ARRAY(SELECT at FROM s))"
        # "quality + 0" hides the quality index: the planner then reads the text index (see ``_text_plan``)
        order = f"e.quality {'+ 0 ' if text_index else ''}DESC, e.{key}"
        # The candidates keep their text rank, not their document: each later pass over them reads less.
        score = "ts_rank(x.document, %s::tsquery) * (1 + x.quality)" if rank else "x.quality"
        kept = f"SELECT x.{key}, x.quality, {score} AS score, {', '.join(f'x.{c}' for c in facet_columns.split(', '))}"
        params += [text] if rank else []
        if walk_once or walk_first:
            ctes.append(f"c AS MATERIALIZED ({kept} FROM ((SELECT * FROM ({walked}) w WHERE (SELECT done FROM k)) "
                        f"UNION ALL (SELECT {columns} FROM {table} e WHERE NOT (SELECT done FROM k) AND {sql_all} "
                        f"ORDER BY {order} LIMIT %s)) x)")
            params += params_all + [cap]
        else:
            ctes.append(f"c AS MATERIALIZED ({kept} FROM (SELECT {columns} FROM {table} e WHERE {sql_all} "
                        f"ORDER BY {order} LIMIT %s) x)")
            params += params_all + [cap]
        facet_sources = {}
        for name in facets:
            filter_name = "commodity" if name == "commodities" else name
            if filter_name in facet_filters:
                alias = f"f_{name}"
                sql_f, params_f = where(exclude=filter_name)
                if walk_once:
                    others = " AND ".join(f"m_{other}" for other in names if other != filter_name) or "TRUE"
                    ctes.append(f"{alias} AS MATERIALIZED ((SELECT {facet_columns} FROM s WHERE (SELECT done FROM k) "
                                f"AND {others} AND n_{filter_name} <= %s) UNION ALL "
                                f"(SELECT {facet_columns} FROM {table} e WHERE NOT (SELECT done FROM k) AND {sql_f} "
                                f"ORDER BY e.quality DESC, e.{key} LIMIT %s))")
                    params += [cap, *params_f, cap]
                else:
                    ctes.append(f"{alias} AS MATERIALIZED (SELECT {facet_columns} FROM {table} e WHERE {sql_f} "
                                f"ORDER BY e.quality DESC, e.{key} LIMIT %s)")
                    params += params_f + [cap]
                facet_sources[name] = alias
            else:
                facet_sources[name] = "c"
        if sort == "relevance":
            # The candidates are the best-quality matches; rank them by text blended with quality.
            page = f"SELECT {key} FROM c ORDER BY score DESC, {key} OFFSET %s LIMIT %s"
            page_params = [offset, limit]
        else:
            order = {"price_asc": f"e.{price}, e.{key}", "price_desc": f"e.{price} DESC, e.{key}",
                     "newest": f"e.approved_at DESC, e.{key} DESC"}[sort]
            page = f"SELECT e.{key} FROM {table} e WHERE {sql_all} ORDER BY {order} OFFSET %s LIMIT %s"
            page_params = params_all + [offset, limit]
        selects = [f"SELECT 'r', x.k::text, x.n::float8, NULL::text FROM unnest(ARRAY({page})) WITH ORDINALITY "
                   f"AS x(k, n)", "SELECT 't', NULL, count(*)::float8, NULL FROM c"]
        select_params = page_params
        for name, source in facet_sources.items():
            facet, facet_params = self._facet_select(name, source, (chosen or {}).get(name, set()))
            selects.append(facet)
            select_params = [*select_params, *facet_params]
        statement = "WITH " + ", ".join(ctes) + " " + " UNION ALL ".join(f"({s})" for s in selects)
        with self._read_cursor() as cursor:
            cursor.execute(statement, params + select_params)
            rows = cursor.fetchall()
        ranked, total, found, labels = [], 0, {}, {}
        for kind, value, number, label in rows:
            if kind == "r":
                ranked.append((number, value))
            elif kind == "t":
                total = int(number)
            else:
                found.setdefault(kind, {})[value] = int(number)  # a chosen district may come twice
                if label is not None:
                    labels[kind, value] = label.title() if kind in ("district", "village") and label.isupper() else label
        counted = {}
        for name, values in found.items():
            ordered = sorted(values.items(), key=lambda pair: (-pair[1], pair[0]))
            keep = (chosen or {}).get(name, set())
            counted[name] = ordered[:FACET_SIZE] + [pair for pair in ordered[FACET_SIZE:] if pair[0] in keep]
        return _Rows(ids=[value for _pos, value in sorted(ranked)], total=total, facets=counted, labels=labels)

    @staticmethod
    def _labelled_product_facets(rows: _Rows) -> dict[str, list[FacetValue]]:
        counted, labels = rows.facets, rows.labels
        fixed = {
            ("retail_ready", "true"): _("Retail ready"), ("retail_ready", "false"): _("Not retail ready"),
            ("in_stock", "true"): _("In stock"), ("in_stock", "false"): _("Out of stock"),
        }
        facets: dict[str, list[FacetValue]] = {}
        for name in PRODUCT_FACETS:
            values = []
            for value, count in counted.get(name, []):
                if name == "certification":
                    label = str(PermitKind(value).label) if value in PermitKind.values else value
                else:
                    label = str(fixed.get((name, value)) or labels.get((name, value), value))
                values.append(FacetValue(value=value, label=label, count=count))
            facets[name] = values
        return facets

    # --- village search -----------------------------------------------------------------------

    def search_villages(self, query: VillageQuery) -> VillageResults:
        from catalog.models import Stage

        offset = min(max(query.offset, 0), MAX_OFFSET)
        limit = min(max(query.limit, 0), MAX_PAGE_SIZE)
        analysis = self.analyse(query.text, scope="villages") if query.text.strip() else Analysis(tsquery=None)
        if not analysis.matchable:
            return VillageResults(codes=[], total=0, total_is_exact=True, did_you_mean=analysis.did_you_mean)
        facet_filters: dict[str, tuple[str, list]] = {}
        if query.district:
            facet_filters["district"] = ("e.district_code = %s", [query.district])
        if query.stage:
            facet_filters["stage"] = ("e.stage = %s", [query.stage])
        if query.commodity:
            facet_filters["commodity"] = ("e.commodity_slugs @> ARRAY[%s]::varchar[]", [query.commodity])
        always = [("e.document @@ %s::tsquery", [analysis.tsquery])] if analysis.tsquery else []
        rows = self._run(table="search_villageentry", key="village_code", text=analysis.tsquery,
                         facet_filters=facet_filters, always=always, facets=("district", "stage", "commodities"),
                         sort="relevance", offset=offset, limit=limit,
                         chosen={name: {value} for name, value in (("district", query.district), ("stage", query.stage),
                                                                   ("commodity", query.commodity)) if value})
        stage_labels = dict(Stage.choices)
        facets = {name: [FacetValue(value=value, label=str(stage_labels.get(value, value)) if name == "stage"
                                    else rows.labels.get((name, value), value), count=count)
                         for value, count in rows.facets.get(name, [])]
                  for name in VILLAGE_FACETS}
        return VillageResults(codes=rows.ids, total=min(rows.total, COUNT_LIMIT),
                              total_is_exact=rows.total <= COUNT_LIMIT, facets=facets,
                              did_you_mean=analysis.did_you_mean)

    # --- suggestions --------------------------------------------------------------------------

    def suggest(self, prefix: str, *, limit: int = 8) -> list[Suggestion]:
        tokens = language.words(prefix)[:8]
        tokens = [w for w in tokens[:-1] if w not in language.STOP_WORDS] + tokens[-1:]
        if not tokens or len("".join(tokens)) < 2:
            return []
        tsquery = " & ".join(_quote(word) + ":*" for word in tokens)
        limit = max(1, min(limit, 20))
        statement = """
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
        with self._read_cursor() as cursor:
            cursor.execute(statement, {"q": tsquery, "n": limit})
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

    def _lock(self, cursor) -> None:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])

    def index_products(self, ids: Iterable[int]) -> IndexReport:
        report = IndexReport()
        for batch in _batches(sorted({int(pk) for pk in ids}), BATCH_SIZE):
            with transaction.atomic(using=self.using), self._cursor() as cursor:
                self._lock(cursor)
                # Read the catalogue after taking the lock: a concurrent run cannot write an older state last.
                documents = product_documents(batch)
                indexed, removed = self._write(cursor, table="search_productentry", key="product_id", keys=batch,
                                               rows=[self._product_row(d) for d in documents], column="products")
            report.indexed += indexed
            report.removed += removed
        self.vocabulary_forget()
        return report

    def index_villages(self, codes: Iterable[str]) -> IndexReport:
        report = IndexReport()
        for batch in _batches(sorted({str(code) for code in codes}), BATCH_SIZE):
            with transaction.atomic(using=self.using), self._cursor() as cursor:
                self._lock(cursor)
                documents = village_documents(batch)
                indexed, removed = self._write(cursor, table="search_villageentry", key="village_code", keys=batch,
                                               rows=[self._village_row(d) for d in documents], column="villages")
            report.indexed += indexed
            report.removed += removed
        self.vocabulary_forget()
        return report

    @staticmethod
    def _texts(**fields: str) -> tuple[dict[str, str], list[str]]:
        texts = {name: language.clean(value) for name, value in fields.items()}
        return texts, sorted({word for value in texts.values() for word in value.split()})

    def _product_row(self, d: ProductDocument) -> dict:
        texts, words = self._texts(
            a=d.name, a_en=d.name_en, b=" ".join(d.category_names + d.commodity_names), c=d.description,
            c_en=d.description_en, d=" ".join((d.producer_name, d.village_name, d.district_name)))
        return {
            "product_id": d.id, "name": d.name[:200], "name_en": d.name_en[:200], **texts,
            "s": language.clean(f"{d.name} {d.name_en}"), "words": words, "producer_id": d.producer_id,
            "category_slug": d.category_slug, "category_path": d.category_path, "commodity_slug": d.commodity_slug,
            "district_code": d.district_code, "village_code": d.village_code, "certifications": d.certifications,
            "retail_ready": d.retail_ready, "in_stock": d.in_stock, "retail_price": d.retail_price,
            "wholesale_price": d.wholesale_price, "min_order_qty": d.min_order_qty,
            "approved_at": d.approved_at.isoformat(), "sales_score": d.sales_score,
            "quality": d.quality,
        }

    def _village_row(self, d: VillageDocument) -> dict:
        texts, words = self._texts(a=d.name, b=" ".join(d.commodity_names), c=d.story, d=d.district_name)
        return {
            "village_code": d.code, "name": d.name[:100], **texts, "s": language.clean(d.name), "words": words,
            "district_code": d.district_code, "stage": d.stage, "stage_index": d.stage_index,
            "commodity_slugs": d.commodity_slugs, "producers": d.producers, "listed_products": d.listed_products,
            "quality": d.quality,
        }

    _PRODUCT_UPSERT = """
        INSERT INTO search_productentry (
            product_id, name, name_en, document, suggest, producer_id, category_slug, category_path,
            commodity_slug, district_code, village_code, certifications, retail_ready, in_stock, retail_price,
            wholesale_price, min_order_qty, approved_at, sales_score, quality, indexed_at)
        SELECT r.product_id, r.name, r.name_en,
               setweight(to_tsvector(%(cfg)s::regconfig, r.a), 'A') || setweight(to_tsvector('english', r.a_en), 'A')
               || setweight(to_tsvector(%(cfg)s::regconfig, r.b) || to_tsvector('english', r.b), 'B')
               || setweight(to_tsvector(%(cfg)s::regconfig, r.c), 'C') || setweight(to_tsvector('english', r.c_en), 'C')
               || setweight(to_tsvector(%(cfg)s::regconfig, r.d), 'D'),
               to_tsvector('simple', r.s), r.producer_id, r.category_slug, r.category_path,
               r.commodity_slug, r.district_code, r.village_code, r.certifications, r.retail_ready, r.in_stock,
               r.retail_price, r.wholesale_price, r.min_order_qty, r.approved_at, r.sales_score, r.quality, %(now)s
        FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
            product_id bigint, name text, name_en text, a text, a_en text, b text, c text, c_en text, d text, s text,
            producer_id bigint, category_slug text, category_path varchar[], commodity_slug text,
            district_code text, village_code text, certifications varchar[], retail_ready boolean, in_stock boolean,
            retail_price bigint, wholesale_price bigint, min_order_qty integer, approved_at timestamptz,
            sales_score float8, quality float8)
        ON CONFLICT (product_id) DO UPDATE SET
            name = EXCLUDED.name, name_en = EXCLUDED.name_en, document = EXCLUDED.document,
            suggest = EXCLUDED.suggest, producer_id = EXCLUDED.producer_id,
            category_slug = EXCLUDED.category_slug, category_path = EXCLUDED.category_path,
            commodity_slug = EXCLUDED.commodity_slug, district_code = EXCLUDED.district_code,
            village_code = EXCLUDED.village_code, certifications = EXCLUDED.certifications,
            retail_ready = EXCLUDED.retail_ready, in_stock = EXCLUDED.in_stock, retail_price = EXCLUDED.retail_price,
            wholesale_price = EXCLUDED.wholesale_price, min_order_qty = EXCLUDED.min_order_qty,
            approved_at = EXCLUDED.approved_at, sales_score = EXCLUDED.sales_score, quality = EXCLUDED.quality,
            indexed_at = EXCLUDED.indexed_at
    """

    _VILLAGE_UPSERT = """
        INSERT INTO search_villageentry (
            village_code, name, document, suggest, words, district_code, stage, stage_index, commodity_slugs,
            producers, listed_products, quality, indexed_at)
        SELECT r.village_code, r.name,
               setweight(to_tsvector(%(cfg)s::regconfig, r.a), 'A')
               || setweight(to_tsvector(%(cfg)s::regconfig, r.b) || to_tsvector('english', r.b), 'B')
               || setweight(to_tsvector(%(cfg)s::regconfig, r.c), 'C')
               || setweight(to_tsvector(%(cfg)s::regconfig, r.d), 'D'),
               to_tsvector('simple', r.s), r.words, r.district_code, r.stage, r.stage_index, r.commodity_slugs,
               r.producers, r.listed_products, r.quality, %(now)s
        FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
            village_code text, name text, a text, b text, c text, d text, s text, words text[], district_code text,
            stage text, stage_index smallint, commodity_slugs varchar[], producers integer, listed_products integer,
            quality float8)
        ON CONFLICT (village_code) DO UPDATE SET
            name = EXCLUDED.name, document = EXCLUDED.document, suggest = EXCLUDED.suggest, words = EXCLUDED.words,
            district_code = EXCLUDED.district_code, stage = EXCLUDED.stage, stage_index = EXCLUDED.stage_index,
            commodity_slugs = EXCLUDED.commodity_slugs, producers = EXCLUDED.producers,
            listed_products = EXCLUDED.listed_products, quality = EXCLUDED.quality, indexed_at = EXCLUDED.indexed_at
    """

    _PRODUCT_WORDS_UPSERT = """
        INSERT INTO search_productentrywords (product_id, words)
        SELECT r.product_id, r.words FROM jsonb_to_recordset(%s::jsonb) AS r(product_id bigint, words text[])
        ON CONFLICT (product_id) DO UPDATE SET words = EXCLUDED.words
    """

    def _write(self, cursor, *, table: str, key: str, keys: list, rows: list[dict], column: str) -> tuple[int, int]:
        """Replace the entries of ``keys`` by ``rows`` (the public ones) and keep the vocabulary counts exact."""
        products = table == "search_productentry"
        key_type = "bigint[]" if products else "text[]"
        words_table = "search_productentrywords" if products else table
        cursor.execute(f"SELECT w.words FROM unnest(%s::{key_type}) AS k(key) "
                       f"JOIN {words_table} w ON w.{key} = k.key", [keys])
        delta: Counter[str] = Counter()
        for (words,) in cursor.fetchall():
            delta.subtract(words)
        for row in rows:
            delta.update(row["words"])
        public = {row[key] for row in rows}
        gone = [k for k in keys if k not in public]
        removed = 0
        if gone:
            cursor.execute(f"DELETE FROM {table} e USING unnest(%s::{key_type}) AS k(key) WHERE e.{key} = k.key",
                           [gone])
            removed = cursor.rowcount
            if products:
                cursor.execute("DELETE FROM search_productentrywords w USING unnest(%s::bigint[]) AS k(key) "
                               "WHERE w.product_id = k.key", [gone])
        if rows:
            upsert = self._PRODUCT_UPSERT if products else self._VILLAGE_UPSERT
            cursor.execute(upsert, {"cfg": self.config, "rows": json.dumps(rows), "now": timezone.now()})
            if products:
                cursor.execute(self._PRODUCT_WORDS_UPSERT,
                               [json.dumps([{"product_id": row["product_id"], "words": row["words"]} for row in rows])])
        self._vocabulary_add(cursor, {word: n for word, n in delta.items() if n}, column=column)
        return len(rows), removed

    @staticmethod
    def _vocabulary_add(cursor, delta: dict[str, int], *, column: str) -> None:
        if not delta:
            return
        words = sorted(delta)
        cursor.execute(
            f"""INSERT INTO search_term (word, stem, stem_en, products, villages)
                SELECT x.w, coalesce((ts_lexize('indonesian_stem', x.w))[1], x.w),
                       coalesce((ts_lexize('english_stem', x.w))[1], ''),
                       {"x.n" if column == "products" else "0"}, {"x.n" if column == "villages" else "0"}
                FROM unnest(%s::text[], %s::int[]) AS x(w, n) ORDER BY x.w
                ON CONFLICT (word) DO UPDATE SET {column} = search_term.{column} + EXCLUDED.{column}""",
            [words, [delta[w] for w in words]])
        gone = [w for w in words if delta[w] < 0]  # only a word that lost entries can have none left
        if gone:
            cursor.execute("""DELETE FROM search_term t USING unnest(%s::text[]) AS x(w)
                              WHERE t.word = x.w AND t.products <= 0 AND t.villages <= 0""", [gone])

    def compact(self) -> int:
        """Rewrite the product entries in ``quality`` order, with fresh indexes; return how many rows.

        Candidates are read best quality first, so rows stored in that order share pages: a search
        then reads a few hundred pages instead of one page per candidate (about twice as fast).
        Updates and new products land wherever there is room, so the order decays; the nightly task
        restores it. The copy is built beside the live table while searches go on (index writes
        wait on the index lock, and catch up after); the swap at the end drops the old table and
        renames the new one in the same transaction, so searches only wait for that instant.
        """
        table, new = "search_productentry", "search_productentry_compact"
        with transaction.atomic(using=self.using), self._cursor() as cursor:
            self._lock(cursor)
            cursor.execute(
                """SELECT i.relname, pg_get_indexdef(i.oid), c.conname, pg_get_constraintdef(c.oid)
                   FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                   LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
                   WHERE x.indrelid = %s::regclass ORDER BY i.relname""", [table])
            indexes = cursor.fetchall()
            cursor.execute(f"DROP TABLE IF EXISTS {new}")
            cursor.execute(f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS INCLUDING STORAGE "
                           f"INCLUDING COMPRESSION)")
            cursor.execute(f"INSERT INTO {new} SELECT * FROM {table} ORDER BY quality DESC, product_id")
            rows = cursor.rowcount
            renames = []
            for position, (index, definition, constraint, constraint_definition) in enumerate(indexes):
                temporary = f"search_compact_{position}"
                if constraint:  # the primary key (and any unique constraint) is re-created as a constraint
                    cursor.execute(f"ALTER TABLE {new} ADD CONSTRAINT {temporary} {constraint_definition}")
                    renames.append(f"ALTER TABLE {table} RENAME CONSTRAINT {temporary} TO {constraint}")
                    continue
                statement, count = re.subn(rf"^(CREATE (?:UNIQUE )?INDEX ){re.escape(index)} ON ((?:\S+\.)?){table} ",
                                           rf"\g<1>{temporary} ON \g<2>{new} ", definition)
                if count != 1:
                    raise RuntimeError(f"Unexpected index definition: {definition}")
                cursor.execute(statement)
                renames.append(f"ALTER INDEX {temporary} RENAME TO {index}")
            cursor.execute(f"ANALYZE {new}")
            cursor.execute(f"DROP TABLE {table}")
            cursor.execute(f"ALTER TABLE {new} RENAME TO {table}")
            for statement in renames:
                cursor.execute(statement)
        return rows

    def rebuild(self, *, progress: Callable[[int, int], None] | None = None) -> IndexReport:
        """Index every public product and every village profile, then drop what is no longer there.

        Entries are replaced in place (searches keep working throughout); an entry that the run did
        not write (``indexed_at`` before its start) belongs to nothing public and is deleted at the
        end, and the vocabulary is recounted from the entries.
        """
        started = timezone.now()
        product_ids = list(public_product_ids())
        village_codes = village_codes_all()
        total, done = len(product_ids) + len(village_codes), 0
        report = IndexReport()
        if progress:
            progress(0, total)
        for batch in _batches(product_ids, BATCH_SIZE):
            report.indexed += self.index_products(batch).indexed
            done += len(batch)
            if progress:
                progress(done, total)
        for batch in _batches(village_codes, BATCH_SIZE):
            report.indexed += self.index_villages(batch).indexed
            done += len(batch)
            if progress:
                progress(done, total)
        with transaction.atomic(using=self.using), self._cursor() as cursor:
            self._lock(cursor)
            for table in ("search_productentry", "search_villageentry"):
                cursor.execute(f"DELETE FROM {table} WHERE indexed_at < %s", [started])
                report.removed += cursor.rowcount
            cursor.execute("""DELETE FROM search_productentrywords w WHERE NOT EXISTS (
                                  SELECT 1 FROM search_productentry e WHERE e.product_id = w.product_id)""")
            cursor.execute("DELETE FROM search_term")
            cursor.execute("""
                INSERT INTO search_term (word, stem, stem_en, products, villages)
                SELECT w, coalesce((ts_lexize('indonesian_stem', w))[1], w),
                       coalesce((ts_lexize('english_stem', w))[1], ''), sum(p), sum(v)
                FROM (SELECT unnest(words) AS w, 1 AS p, 0 AS v FROM search_productentrywords
                      UNION ALL SELECT unnest(words), 0, 1 FROM search_villageentry) x
                GROUP BY w""")
        self.vocabulary_forget()
        return report
