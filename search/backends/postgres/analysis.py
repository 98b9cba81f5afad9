"""Query analysis: from the words typed to a tsquery, and how to read its matches.

A query is analysed in Python (stop words, synonyms) and in one query (stems, whether each word
is in the index, how many entries hold it); words the index does not know are replaced by the
closest indexed words (typo tolerance, by trigram similarity when the server has ``pg_trgm``,
else in Python over a cached vocabulary) or split into two indexed words. The tsquery is built
here from lexemes, never parsed from user input. ``text_plan`` then says how several words are
best read (a bounded walk in quality order, or the text index).
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from search import language

from . import tuning
from .connection import Connection
from .sql import Sql, param

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
MAX_QUERY_WORDS = 32

Lexemes = set[str]


def _column(scope: str) -> str:
    """The ``search_term`` column that counts the entries of ``scope`` (products or villages)."""
    return "products" if scope == "products" else "villages"


def _lexemes(stem: str | None, stem_en: str | None) -> Lexemes:
    return {x for x in (stem, stem_en) if x}


def quote(lexeme: str) -> str:
    """Quote a lexeme for a tsquery."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _either(lexemes: Lexemes) -> str:
    return "(" + " | ".join(quote(x) for x in sorted(lexemes)) + ")"


def _phrase(lexemes: list[Lexemes]) -> str:
    return " <-> ".join(_either(x) for x in lexemes)


def one_edit(word: str, *, letters: bool = True) -> set[str]:
    """Return every string one deletion, transposition, substitution or insertion away from ``word``.

    ``letters=False`` leaves out substitutions and insertions (36 strings per position).
    """
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    if letters:
        found |= _substitutions_and_insertions(splits)
    return found - {word}


def _substitutions_and_insertions(splits: list[tuple[str, str]]) -> set[str]:
    substituted = {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    return substituted | {a + c + b for a, b in splits for c in _ALPHABET}


@dataclass
class Unit:
    """One thing every match must contain: a word (or synonym term) and its alternatives."""

    words: tuple[str, ...]  # as typed (normalised)
    alternatives: list[tuple[str, ...]]  # the term itself and its synonyms

    @property
    def plain(self) -> bool:
        """Whether this is one word without synonyms (the only kind a typo is looked for in)."""
        return len(self.words) == 1 and len(self.alternatives) == 1


def synonym_units(content: list[str]) -> list[Unit]:
    """Group ``content`` into units, the longest synonym term first."""
    synonyms = language.synonym_map()
    longest = max((len(term) for term in synonyms), default=1)
    units, i = [], 0
    while i < len(content):
        for size in range(min(longest, len(content) - i), 0, -1):
            term = tuple(content[i:i + size])
            if term in synonyms:
                units.append(Unit(words=term, alternatives=list(synonyms[term])))
                i += size
                break
        else:
            units.append(Unit(words=(content[i],), alternatives=[(content[i],)]))
            i += 1
    return units


@dataclass
class Analysis:
    tsquery: str | None  # None: no text (browse)
    matchable: bool = True  # False when a word matches nothing (the result is empty)
    did_you_mean: str | None = None
    terms: int = 0  # the parts the tsquery ANDs together
    at_most: int | None = None  # no more entries than this can match (None: not known)
    entries: int = 0  # about how many entries the index holds (the planner's estimate)
    beyond_memory: bool = False  # the entries table is larger than PostgreSQL's shared buffers


@dataclass
class _Index:
    """What the index knows of the query's words."""

    lexemes: dict[str, Lexemes]  # each word's stems (the word itself when it has none)
    holding: dict[str, int]  # at most this many entries hold the word (its forms may share an entry)
    entries: int
    beyond_memory: bool

    def __post_init__(self):
        self.known = {w for w, n in self.holding.items() if n}

    def known_alternatives(self, unit: Unit) -> list[tuple[str, ...]]:
        return [alternative for alternative in unit.alternatives if all(w in self.known for w in alternative)]

    def at_most(self, unit: Unit) -> int:
        """No more entries than this hold ``unit`` (only for a unit with known alternatives)."""
        return sum(min(self.holding[w] for w in alternative) for alternative in self.known_alternatives(unit))


Correction = list[tuple[str, Lexemes]]  # indexed words, best first, and their lexemes
Split = tuple[tuple[str, Lexemes], tuple[str, Lexemes]]


def text_plan(analysis: Analysis) -> dict:
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
    r = tuning.TEXT_INDEX_ROW_COST_BEYOND_MEMORY if analysis.beyond_memory else tuning.TEXT_INDEX_ROW_COST
    matches = math.isqrt((tuning.COUNT_LIMIT + 1) * analysis.entries // r)
    walk = math.isqrt((tuning.COUNT_LIMIT + 1) * analysis.entries * r)
    return {"walk_first": walk if analysis.at_most >= matches else 0, "text_index": True}


class Vocabulary:
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


class Analyser:
    """Analyses queries against one database's index (and caches the fallback's vocabularies)."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.vocabularies: dict[str, Vocabulary] = {}
        self._vocabulary_lock = threading.Lock()

    def analyse(self, text: str, *, scope: str = "products") -> Analysis:
        """Turn ``text`` into a tsquery (see the module docstring); ``scope`` is products or villages."""
        tokens = language.words(text)[:MAX_QUERY_WORDS]
        content = [word for word in tokens if word not in language.STOP_WORDS]
        if not content:
            return Analysis(tsquery=None)
        units = synonym_units(content)
        index = self._index(units, scope=scope)
        unknown = [unit.words[0] for unit in units if unit.plain and unit.words[0] not in index.known]
        corrections = self.corrections(unknown, scope=scope) if unknown else {}
        splits = self.splits([w for w in unknown if w not in corrections], scope=scope)
        parts, replaced = _tsquery_parts(units, index, corrections, splits)
        if len(parts) < len(units):  # a word matches nothing: the result is empty
            return Analysis(tsquery=None, matchable=False, did_you_mean=_did_you_mean(tokens, replaced),
                            entries=index.entries, beyond_memory=index.beyond_memory, at_most=_at_most(units, index))
        return Analysis(tsquery=" & ".join(parts), did_you_mean=_did_you_mean(tokens, replaced), terms=len(parts),
                        at_most=_at_most(units, index), entries=index.entries, beyond_memory=index.beyond_memory)

    def _index(self, units: list[Unit], *, scope: str) -> _Index:
        """Look up every word of ``units``: its stems, how many entries hold it, and the table's size."""
        every_word = sorted({w for unit in units for alternative in unit.alternatives for w in alternative})
        statement = Sql.format(
            """SELECT q.w, q.lex, q.lex_en, (
                        SELECT coalesce(sum(t.{count}), 0) FROM search_term t
                        WHERE (t.word = q.w OR t.stem = q.lex OR t.stem_en = q.lex_en) AND t.{count} > 0),
                        (SELECT reltuples FROM pg_class WHERE oid = '{table}'::regclass),
                        (SELECT relpages > pg_size_bytes(current_setting('shared_buffers'))
                                           / current_setting('block_size')::bigint
                         FROM pg_class WHERE oid = '{table}'::regclass)
                    FROM (SELECT w, (ts_lexize('indonesian_stem', w))[1] AS lex,
                                 (ts_lexize('english_stem', w))[1] AS lex_en
                          FROM unnest({words}::text[]) AS w) q""",
            count=_column(scope), table=f"search_{scope[:-1]}entry", words=param(every_word))
        with self.connection.cursor() as cursor:
            cursor.execute(*statement.as_statement())
            rows = cursor.fetchall()
        return _Index(lexemes={w: _lexemes(lex, lex_en) or {w} for w, lex, lex_en, *_rest in rows},
                      holding={w: int(n) for w, _lex, _lex_en, n, *_rest in rows},
                      entries=max((int(n) for *_rest, n, _large in rows if n is not None), default=0),
                      beyond_memory=any(large for *_rest, large in rows))

    def corrections(self, unknown: list[str], *, scope: str) -> dict[str, Correction]:
        """Return ``{unknown word: [(indexed word, its lexemes), ...]}``, best first."""
        if self.connection.trigram:
            scored, lexemes = self._trigram_candidates(unknown, scope=scope)
        else:
            scored, lexemes = self._vocabulary_candidates(unknown, scope=scope), {}
        best = {word: [candidate for _d, _c, candidate in sorted(found)[:tuning.MAX_CORRECTIONS]]
                for word, found in scored.items()}
        if not best:
            return {}
        missing = sorted({w for words in best.values() for w in words} - lexemes.keys())
        if missing:
            lexemes.update(self._lexemes_of(missing))
        return {word: [(c, lexemes[c]) for c in candidates if c in lexemes] for word, candidates in best.items()}

    def _trigram_candidates(self, unknown: list[str], *, scope: str):
        """Return ``({word: [(edits, -count, indexed word)]}, {indexed word: lexemes})`` through pg_trgm.

        A word of up to 5 letters may have one edit: its one-edit variants, looked up exactly, are
        every candidate (trigrams would miss typos in short words: "kpoi" shares one trigram with
        "kopi"). A longer word may have two: trigram neighbours (the GIN index) find substitutions
        and insertions, which keep most trigrams, and its deletions and transpositions
        ("pisnag": pisang shares 3 of 11 trigrams) are looked up exactly.
        """
        long = [word for word in unknown if language.max_edits(word) > 1]
        variants = [(word, variant) for word in unknown if language.max_edits(word)
                    for variant in sorted(one_edit(word, letters=language.max_edits(word) == 1))]
        statement = Sql.format(
            """SELECT q.w, t.word, t.{count}, t.stem, t.stem_en FROM unnest({long}::text[]) AS q(w)
                        CROSS JOIN LATERAL (
                            SELECT word, {count}, stem, stem_en FROM search_term
                            WHERE word %% q.w AND {count} > 0
                            ORDER BY similarity(word, q.w) DESC, word LIMIT {candidates}) t
                        UNION
                        SELECT v.w, t.word, t.{count}, t.stem, t.stem_en
                        FROM unnest({words}::text[], {variants}::text[]) AS v(w, variant)
                        CROSS JOIN LATERAL (  -- LIMIT 1: one index probe per variant, not a hash of every word
                            SELECT word, {count}, stem, stem_en FROM search_term
                            WHERE word = v.variant AND {count} > 0 LIMIT 1) t""",
            count=_column(scope), long=param(long), candidates=param(tuning.TRIGRAM_CANDIDATES),
            words=param([w for w, _v in variants]), variants=param([v for _w, v in variants]))
        scored: dict[str, list[tuple[int, int, str]]] = {}
        lexemes: dict[str, Lexemes] = {}
        with self.connection.cursor() as cursor:
            cursor.execute(*statement.as_statement())
            for word, candidate, count, stem, stem_en in cursor.fetchall():
                distance = language.edit_distance(word, candidate, language.max_edits(word))
                if distance <= language.max_edits(word):
                    scored.setdefault(word, []).append((distance, -count, candidate))
                    lexemes[candidate] = _lexemes(stem, stem_en)
        return scored, lexemes

    def _vocabulary_candidates(self, unknown: list[str], *, scope: str) -> dict[str, list[tuple[int, int, str]]]:
        vocabulary = self.vocabulary(scope)
        scored: dict[str, list[tuple[int, int, str]]] = {}
        for word in unknown:
            for candidate, distance in vocabulary.near(word):
                scored.setdefault(word, []).append((distance, -vocabulary.counts[candidate], candidate))
        return scored

    def _lexemes_of(self, words: list[str]) -> dict[str, Lexemes]:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT word, stem, stem_en FROM search_term WHERE word = ANY(%s)", [words])
            return {word: _lexemes(stem, stem_en) for word, stem, stem_en in cursor.fetchall()}

    def splits(self, words: list[str], *, scope: str) -> dict[str, Split]:
        """Return ``{word: ((first, its lexemes), (second, its lexemes))}`` for words of two indexed words."""
        halves = {word: [(word[:i], word[i:]) for i in range(tuning.MIN_SPLIT, len(word) - tuning.MIN_SPLIT + 1)]
                  for word in words if len(word) >= 2 * tuning.MIN_SPLIT}
        parts = sorted({part for pairs in halves.values() for pair in pairs for part in pair})
        if not parts:
            return {}
        statement = Sql.format("SELECT word, stem, stem_en, {count} FROM search_term "
                               "WHERE word = ANY({parts}) AND {count} > 0", count=_column(scope), parts=param(parts))
        with self.connection.cursor() as cursor:
            cursor.execute(*statement.as_statement())
            known = {word: (_lexemes(stem, stem_en), count) for word, stem, stem_en, count in cursor}
        found = {}
        for word, pairs in halves.items():
            valid = [(a, b) for a, b in pairs if a in known and b in known]
            if valid:  # the most frequent pair of words, then the most even split
                a, b = max(valid, key=lambda pair: (min(known[pair[0]][1], known[pair[1]][1]),
                                                    -abs(len(pair[0]) - len(pair[1]))))
                found[word] = ((a, known[a][0]), (b, known[b][0]))
        return found

    def vocabulary(self, scope: str) -> Vocabulary:
        """Return the cached vocabulary of ``scope`` (rebuilt after a while or after indexing here)."""
        with self._vocabulary_lock:
            vocabulary = self.vocabularies.get(scope)
            if vocabulary is None or time.monotonic() - vocabulary.built_at > tuning.FALLBACK_VOCABULARY_SECONDS:
                statement = Sql.format("SELECT word, {count} FROM search_term WHERE {count} > 0 "
                                       "ORDER BY {count} DESC, word LIMIT {limit}",
                                       count=_column(scope), limit=param(tuning.FALLBACK_VOCABULARY_LIMIT))
                with self.connection.cursor() as cursor:
                    cursor.execute(*statement.as_statement())
                    vocabulary = Vocabulary(dict(cursor.fetchall()))
                self.vocabularies[scope] = vocabulary
            return vocabulary

    def vocabulary_forget(self) -> None:
        with self._vocabulary_lock:
            self.vocabularies.clear()


def _did_you_mean(tokens: list[str], replaced: dict[str, str]) -> str | None:
    return " ".join(replaced.get(word, word) for word in tokens) if replaced else None


def _at_most(units: list[Unit], index: _Index) -> int | None:
    """The words' own counts bound how many entries can hold them all (corrected words: unknown)."""
    bounds = [index.at_most(unit) for unit in units if index.known_alternatives(unit)]
    return min(bounds) if bounds else None


def _tsquery_parts(units: list[Unit], index: _Index, corrections: dict[str, Correction],
                   splits: dict[str, Split]) -> tuple[list[str], dict[str, str]]:
    """Return the tsquery parts of the units that can match, and ``{word typed: what replaced it}``."""
    parts, replaced = [], {}
    for unit in units:
        part, replacement = _unit_tsquery(unit, index, corrections, splits)
        if part is not None:
            parts.append(part)
        if replacement is not None:
            replaced[unit.words[0]] = replacement
    return parts, replaced


def _unit_tsquery(unit: Unit, index: _Index, corrections: dict[str, Correction],
                  splits: dict[str, Split]) -> tuple[str | None, str | None]:
    """Return ``unit``'s part of the tsquery (None: nothing can match it) and what replaced its word."""
    known = index.known_alternatives(unit)
    word = unit.words[0]
    if known:
        options = [_phrase([index.lexemes[w] for w in alternative]) for alternative in known]
        replacement = None
    elif word in corrections:
        found = corrections[word]
        options, replacement = [_either(lexemes) for _word, lexemes in found], found[0][0]
    elif word in splits:  # "suwarsuwir": two indexed words typed as one
        (first, first_lexemes), (second, second_lexemes) = splits[word]
        options, replacement = [_phrase([first_lexemes, second_lexemes])], f"{first} {second}"
    else:
        return None, None
    return "(" + " | ".join(options) + ")", replacement
