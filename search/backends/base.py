"""The contract every search backend fulfils (the shared contract tests in tests/search prove it).

Backends index *documents* built by ``search.documents`` from the approved, public version of
the catalogue, and answer *queries* with ids in rank order, facet counts and suggestions. Pages
and the API load what they show from the database by those ids (``catalog.selectors``), so a
backend that lags behind can never show something curation has withdrawn.

Shared semantics (``tests/search/test_contract.py`` holds both backends to them):

- Text goes through ``search.language``: normalised (lower case, accents and punctuation gone,
  ``suwar-suwir`` = ``suwar suwir``, ``kue2`` = ``kue kue``), Indonesian and English stop words
  dropped (``language.STOP_WORDS``, on documents and queries alike), synonyms expanded at query
  time (``language.synonym_groups()``). Every remaining query word must match (AND), through its
  Indonesian or English stem or one of its synonyms. A query made only of stop words counts as
  no text at all (browse by quality).
- A word that matches nothing in the index is replaced by the indexed words within the edit
  distance ``language.max_edits(word)`` (0 up to 2 letters, 1 up to 5, else 2; a transposition
  counts as one edit); ``did_you_mean`` then holds the query with each such word replaced by its
  best correction (fewest edits, then most frequent). ``did_you_mean`` is ``None`` otherwise.
- Facets are disjunctive: each facet counts the matches of the text and of every filter except
  its own (choosing a district still shows the other districts with their counts). ``category``
  counts every category along a product's ``category_path`` (a parent counts its descendants'
  products), ``certification`` every held certification, ``retail_ready``/``in_stock`` have the
  values ``"true"``/``"false"``. Values are sorted by count (descending), then value; values with
  no match are left out. Beyond ``COUNT_LIMIT`` matches a backend may count a bounded sample
  (the best ``COUNT_LIMIT`` matches) and says so with ``total_is_exact=False``.
- Sorts: ``relevance`` (text rank blended with ``ProductDocument.quality``: retail readiness,
  stock, recent sales; with no text, quality alone, then id), ``price_asc``/``price_desc`` (the audience's price),
  ``newest`` (``approved_at``); ties are broken by product id ascending (``newest``: descending).
- ``suggest(prefix)`` completes every word of ``prefix`` (the last one as a prefix) against
  category, commodity, product and village names, in that order of kinds, without duplicate texts.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

from django.utils.translation import gettext as _

Sort = Literal["relevance", "price_asc", "price_desc", "newest"]
Audience = Literal["consumer", "buyer"]

MAX_PAGE_SIZE = 50
# Totals are counted up to COUNT_LIMIT and reported as "more than 500" beyond; the database backend
# ranks and counts facets over the best COUNT_LIMIT + 1 matches (docs/search.md: each candidate is
# read, ranked and counted, so this bounds the work of a search whatever the catalogue's size).
COUNT_LIMIT = 500
MAX_OFFSET = COUNT_LIMIT  # deep pages are refused: nobody reads result 501 on a phone
FACET_SIZE = 30  # values per facet, most frequent first (a regency has 31 districts); a chosen value is always kept

PRODUCT_FACETS = ("category", "commodity", "district", "village", "certification", "retail_ready", "in_stock")
VILLAGE_FACETS = ("district", "stage", "commodity")


@dataclass(frozen=True)
class ProductSearchFilters:
    category: str | None = None  # slug; includes the category's descendants
    commodity: str | None = None  # slug
    district: str | None = None  # Kemendagri code
    village: str | None = None  # Kemendagri code
    certifications: tuple[str, ...] = ()  # permit kinds, all required (halal, pirt, bpom_md...)
    retail_ready: bool | None = None
    price_min: int | None = None  # rupiah, in the audience's price
    price_max: int | None = None
    max_min_order_qty: int | None = None  # "minimum order up to N"
    in_stock: bool | None = None


@dataclass(frozen=True)
class ProductQuery:
    text: str = ""
    filters: ProductSearchFilters = field(default_factory=ProductSearchFilters)
    sort: Sort = "relevance"
    audience: Audience = "consumer"  # buyers are priced (and price-filtered) by their lowest wholesale tier
    offset: int = 0
    limit: int = 20
    facets: bool = True


@dataclass(frozen=True)
class FacetValue:
    value: str  # slug, code, permit kind, or "true"/"false"
    label: str  # Indonesian label (pages translate known labels)
    count: int


Counted = dict[str, list[tuple[str, int]]]  # {facet: [(value, count), ...]}, in the order they are shown
Labels = dict[tuple[str, str], str]  # {(facet, value): name} of categories, commodities, districts, villages


def region_label(kind: str, name: str) -> str:
    """Return how a facet value's name is shown: district and village names kept in capitals get title case."""
    return name.title() if kind in ("district", "village") and name.isupper() else name


def product_facet_values(counted: Counted, labels: Labels) -> dict[str, list[FacetValue]]:
    """Label a backend's product facet counts (both backends label them the same way)."""
    from catalog.models import PermitKind

    fixed = {
        ("retail_ready", "true"): _("Retail ready"), ("retail_ready", "false"): _("Not retail ready"),
        ("in_stock", "true"): _("In stock"), ("in_stock", "false"): _("Out of stock"),
    }

    def label(name: str, value: str) -> str:
        if name == "certification":
            return str(PermitKind(value).label) if value in PermitKind.values else value
        return str(fixed.get((name, value)) or labels.get((name, value), value))

    return {name: [FacetValue(value=value, label=label(name, value), count=count)
                   for value, count in counted.get(name, [])]
            for name in PRODUCT_FACETS}


def village_facet_values(counted: Counted, labels: Labels) -> dict[str, list[FacetValue]]:
    """Label a backend's village facet counts (both backends label them the same way)."""
    from catalog.models import Stage

    stages = dict(Stage.choices)
    return {name: [FacetValue(value=value, count=count,
                              label=str(stages.get(value, value)) if name == "stage" else labels.get((name, value), value))
                   for value, count in counted.get(name, [])]
            for name in VILLAGE_FACETS}


@dataclass
class ProductResults:
    ids: list[int]  # in rank order
    total: int  # counted up to COUNT_LIMIT
    total_is_exact: bool  # False when there are more than COUNT_LIMIT
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)  # keys from PRODUCT_FACETS
    did_you_mean: str | None = None  # a corrected query when nothing (or very little) matched


@dataclass(frozen=True)
class VillageQuery:
    text: str = ""
    district: str | None = None
    stage: str | None = None
    commodity: str | None = None
    offset: int = 0
    limit: int = 20


@dataclass
class VillageResults:
    codes: list[str]
    total: int
    total_is_exact: bool
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)  # district, stage, commodity
    did_you_mean: str | None = None


@dataclass(frozen=True)
class Suggestion:
    text: str  # what goes into the search box
    kind: Literal["product", "category", "commodity", "village"]
    url_hint: str = ""  # e.g. a product id or village code for direct links


@dataclass
class IndexReport:
    indexed: int = 0
    removed: int = 0


class SearchUnavailable(Exception):
    """The backend cannot be reached; callers retry later (indexing) or say so (queries)."""


class SearchBackend(Protocol):
    name: str

    def search_products(self, query: ProductQuery) -> ProductResults: ...

    def search_villages(self, query: VillageQuery) -> VillageResults: ...

    def suggest(self, prefix: str, *, limit: int = 8) -> list[Suggestion]: ...

    def index_products(self, ids: Iterable[int]) -> IndexReport:
        """Bring these products up to date: (re)index the public ones, remove the others."""

    def index_villages(self, codes: Iterable[str]) -> IndexReport: ...

    def rebuild(self, *, progress: Callable[[int, int], None] | None = None) -> IndexReport:
        """Index everything from scratch (without downtime where the backend allows)."""

    def compact(self) -> int:
        """Nightly upkeep that makes searches faster (the database rewrites its table); return rows touched."""

    def ping(self) -> bool: ...


def batches(items: Iterable, size: int) -> Iterator[list]:
    """Yield ``items`` in lists of at most ``size`` (index writes go in batches)."""
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
