"""Reads of the search app: search through the configured backend, show from the database.

The backend answers with ids; what is shown is loaded here through
``catalog.selectors.product_list_public`` (a product withdrawn since it was indexed is simply
left out) in a fixed number of queries whatever the page size.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db.models import BooleanField, Case, Value, When
from django.utils import timezone, translation

from catalog.models import Product, photo_thumbnail_name
from catalog.selectors import product_list_public, product_retail_ready_q
from market.accounts.models import Role, User
from search.backends import get_backend
from search.backends.base import (
    MAX_OFFSET,
    Audience,
    FacetValue,
    ProductQuery,
    SearchUnavailable,
    Suggestion,
    VillageQuery,
)
from search.documents import VillageDocument, village_documents
from search.exceptions import SearchUnavailableError

THUMBNAIL_SIZE = 480


def search_audience(*, user: User | None) -> Audience:
    """Return whose prices ``user`` sees: retail buyers are priced wholesale, everyone else retail."""
    return "buyer" if user is not None and user.is_authenticated and user.role == Role.BUYER else "consumer"


class _Paged:
    """Paging of a search page: ``query`` (offset, limit) over ``total`` results, up to ``MAX_OFFSET``."""

    query: ProductQuery | VillageQuery
    total: int

    @property
    def has_previous(self) -> bool:
        return self.query.offset > 0

    @property
    def has_next(self) -> bool:
        end = self.query.offset + self.query.limit
        return end < self.total and end <= MAX_OFFSET


@dataclass
class ProductHit:
    id: int
    name: str
    price: int  # rupiah, in the audience's price
    audience: Audience
    price_tiers: list[tuple[int, int]]  # (min quantity, unit price); buyers only
    unit: str
    min_order_qty: int
    photo_url: str
    photo_alt: str
    village_code: str
    village_name: str
    district_code: str
    district_name: str
    retail_ready: bool
    in_stock: bool
    product: Product


@dataclass
class ProductSearchPage(_Paged):
    query: ProductQuery
    hits: list[ProductHit]
    total: int
    total_is_exact: bool
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    did_you_mean: str | None = None


def _localised(snapshot: dict, key: str) -> str:
    if (translation.get_language() or "").startswith("en") and snapshot.get(f"{key}_en"):
        return snapshot[f"{key}_en"]
    return snapshot.get(key, "")


def _hit(product: Product, *, audience: Audience, ready: bool) -> ProductHit:
    snapshot = product.approved_snapshot
    tiers = [(int(q), int(p)) for q, p in snapshot.get("price_tiers") or []]
    price = min((p for _q, p in tiers), default=snapshot["retail_price"]) if audience == "buyer" \
        else snapshot["retail_price"]
    photos = snapshot.get("photos") or []
    photo_url = ""
    if photos and photos[0].get("image"):
        photo_url = default_storage.url(photo_thumbnail_name(
            image=photos[0]["image"], thumbnails=photos[0].get("thumbnails") or {}, size=THUMBNAIL_SIZE))
    village = product.producer.village
    stock = getattr(product, "stock", None)
    return ProductHit(
        id=product.pk, name=_localised(snapshot, "name"), price=price, audience=audience,
        price_tiers=tiers if audience == "buyer" else [], unit=snapshot.get("unit", ""),
        min_order_qty=snapshot.get("min_order_qty", 1), photo_url=photo_url,
        photo_alt=(photos[0].get("alt") or "") if photos else "",
        village_code=village.code, village_name=village.name.title() if village.name.isupper() else village.name,
        district_code=village.district_id,
        district_name=village.district.name.title() if village.district.name.isupper() else village.district.name,
        retail_ready=ready, in_stock=stock is not None and stock.available > 0, product=product)


def product_search(*, query: ProductQuery) -> ProductSearchPage:
    """Search products and load the page's products from the public catalogue (in rank order)."""
    try:
        results = get_backend().search_products(query)
    except SearchUnavailable:
        raise SearchUnavailableError() from None
    hits: list[ProductHit] = []
    if results.ids:
        # One query: the page's products with their retail readiness (the approved version's) beside them.
        products = {p.pk: p for p in product_list_public().filter(pk__in=results.ids).annotate(
            ready=Case(When(product_retail_ready_q(today=timezone.localdate()), then=Value(True)),
                       default=Value(False), output_field=BooleanField()))}
        hits = [_hit(products[pk], audience=query.audience, ready=products[pk].ready)
                for pk in results.ids if pk in products]
    return ProductSearchPage(query=query, hits=hits, total=results.total, total_is_exact=results.total_is_exact,
                             facets=results.facets, did_you_mean=results.did_you_mean)


@dataclass
class VillageSearchPage(_Paged):
    query: VillageQuery
    villages: list[VillageDocument]
    total: int
    total_is_exact: bool
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    did_you_mean: str | None = None


def village_search(*, query: VillageQuery) -> VillageSearchPage:
    """Search village profiles (every stage: investors follow villages from the survey on)."""
    try:
        results = get_backend().search_villages(query)
    except SearchUnavailable:
        raise SearchUnavailableError() from None
    documents = {d.code: d for d in village_documents(results.codes)}
    return VillageSearchPage(query=query, villages=[documents[c] for c in results.codes if c in documents],
                             total=results.total, total_is_exact=results.total_is_exact, facets=results.facets,
                             did_you_mean=results.did_you_mean)


def search_suggest(*, prefix: str, limit: int = 8) -> list[Suggestion]:
    """Return autocomplete suggestions; none (rather than an error) when the backend is down."""
    try:
        return get_backend().suggest(prefix, limit=limit)
    except SearchUnavailable:
        return []
