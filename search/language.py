"""Indonesian text for search: normalisation, stop words, synonyms and edit distance.

Both backends use this module so that they agree on what a word is:

- ``normalise`` lowers the case, removes accents and punctuation, writes a hyphenated or
  ``2``-reduplicated word as two words (``suwar-suwir`` and ``kue2`` become ``suwar suwir`` and
  ``kue kue``), so that a buyer who types either finds both;
- ``STOP_WORDS`` are Indonesian (and a few English) function words, dropped from documents and
  queries alike: PostgreSQL's ``indonesian`` configuration stems but has no stop words. Words that
  mean something in a catalogue of village products stay out of the list on purpose (``tahu``
  is tofu, ``buah`` fruit, ``biji`` bean, ``tanpa`` as in *tanpa gula*, ``asli``, ``murni``);
- synonyms are groups of equivalent terms kept by officers (``search.models.Synonym``), read
  through ``synonym_groups()`` (cached, normalised the same way);
- ``max_edits`` and ``edit_distance`` define typo tolerance (the same rule as Elasticsearch's
  ``fuzziness: AUTO``).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from django.core.cache import cache

_NOT_WORD = re.compile(r"[^a-z0-9]+")
_REDUPLICATED = re.compile(r"^([a-z]{2,})2$")  # "kue2" is how "kue-kue" is often typed

STOP_WORDS: frozenset[str] = frozenset("""
ada adalah adanya agak agar akan akankah aku amat anda antara apa apakah apabila atau ataupun atas bagai bagaimana
bagi bahkan bahwa banyak begitu beberapa belum berapa berbagai beserta betapa bila bilamana boleh bukan bukankah
dalam dan dapat dari daripada demi demikian dengan di dia dialah diri dong dr dll dsb dgn hal hampir hanya harus
hendak hingga ia ialah ini inilah itu itulah jadi jika jikalau juga kah kalau kami kamu kan kapan karena kata ke
kecuali kemudian kenapa kepada ketika kini kita kok lagi lah lain lalu maka mana masih melainkan mengapa mereka
merupakan meski meskipun mungkin namun nah nya oleh pada padahal para per pernah pula pun saat saja sambil sampai
sang sangat sebab sebagai sebagaimana sebelum sebuah sedang sedangkan sehingga sejak selagi selain selama sementara
semua semuanya sendiri seperti sering serta setelah setiap si sih suatu sudah supaya tapi telah tentang tersebut
tetapi tiap toh untuk utk walau walaupun ya yaitu yakni yang yg
a an and are as at be by for from in into is it its of on or our that the these this those to with your
""".split())

SYNONYM_CACHE_KEY = "search:synonym-groups"
SYNONYM_CACHE_SECONDS = 300


def normalise(text: str) -> str:
    """Return ``text`` in lower case, without accents or punctuation, words separated by one space."""
    text = text or ""
    if not text.isascii():  # ASCII has no accents to strip (most of the catalogue: 3x faster indexing)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    words = _NOT_WORD.sub(" ", text.lower()).split()
    if "2" not in text:  # nothing reduplicated to write out (nearly every text): skip the per-word match
        return " ".join(words)
    out = []
    for word in words:
        match = _REDUPLICATED.match(word)
        out.extend((match.group(1), match.group(1)) if match else (word,))
    return " ".join(out)


def words(text: str) -> list[str]:
    """Return the normalised words of ``text``, stop words included."""
    return normalise(text).split()


def content_words(text: str) -> list[str]:
    """Return the normalised words of ``text`` without stop words."""
    return [word for word in words(text) if word not in STOP_WORDS]


@functools.lru_cache(maxsize=4096)
def clean(text: str) -> str:
    """Return ``text`` as indexed: normalised, without stop words.

    Cached: indexing cleans the same category, commodity, producer and village texts for every product.
    """
    return " ".join(content_words(text))


def max_edits(word: str) -> int:
    """Return how many edits a typo of ``word`` may have: none up to 2 letters, 1 up to 5, else 2."""
    return 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Return the optimal-string-alignment distance of ``a`` and ``b`` (a transposition is one edit).

    Stops early: any distance above ``limit`` is returned as ``limit + 1``.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def synonym_terms_clean(terms: Iterable[str]) -> list[str]:
    """Return ``terms`` normalised, without stop words, empty entries and duplicates (in order)."""
    seen: dict[str, None] = {}
    for term in terms:
        cleaned = clean(term)
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)


def synonym_groups() -> list[list[str]]:
    """Return the officers' synonym groups, each a list of normalised terms (a term may be several words).

    Cached for a few minutes in the shared cache; ``synonyms_changed()`` forgets the cached copy.
    """
    groups = cache.get(SYNONYM_CACHE_KEY)
    if groups is None:
        from search.models import Synonym

        groups = [terms for terms in (synonym_terms_clean(row) for row in
                                      Synonym.objects.order_by("pk").values_list("terms", flat=True))
                  if len(terms) > 1]
        cache.set(SYNONYM_CACHE_KEY, groups, SYNONYM_CACHE_SECONDS)
    return groups


def synonyms_changed() -> None:
    cache.delete(SYNONYM_CACHE_KEY)


def synonym_map(groups: list[list[str]] | None = None) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    """Return ``{term words: [every equivalent term's words, the term itself included]}``."""
    mapping: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for group in synonym_groups() if groups is None else groups:
        terms = [tuple(term.split()) for term in group]
        for term in terms:
            alternatives = mapping.setdefault(term, [])
            alternatives.extend(t for t in terms if t not in alternatives)
    return mapping
