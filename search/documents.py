"""What the search backends index: flat documents built from the public catalogue.

A product document holds the approved version (``Product.approved_snapshot``) of a product that
``catalog.selectors.product_list_public`` returns, joined with its producer, village, district,
category path and commodity. Ids that are no longer public get no document: indexing removes them.
Building documents costs a fixed number of queries for any number of ids.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.db.models.fields.json import KT, KeyTransform
from django.utils import timezone

from catalog.models import Category, Commodity, ProducerPermit, Product, Stage, VillageProfile
from catalog.selectors import product_list_public, product_public_from_price, product_retail_ready_q


@dataclass
class ProductDocument:
    id: int
    name: str
    name_en: str
    description: str
    description_en: str
    producer_id: int
    producer_name: str
    village_code: str
    village_name: str
    district_code: str
    district_name: str
    category_slug: str
    category_path: list[str]  # slugs from the root to the product's category
    category_names: list[str]  # Indonesian and English names along the path
    commodity_slug: str  # "" when none
    commodity_names: list[str]  # Indonesian and English
    certifications: list[str]  # claimed on the approved version and held valid by the producer today
    retail_ready: bool
    retail_price: int
    wholesale_price: int  # the lowest tier's unit price (retail price when there are no tiers)
    min_order_qty: int
    available: int
    in_stock: bool
    approved_at: datetime
    sales_score: float = 0.0  # recent sales, filled by the orders app when it exists
    stage: str = ""

    def price_for(self, audience: str) -> int:
        return self.wholesale_price if audience == "buyer" else self.retail_price

    @property
    def quality(self) -> float:
        """The static part of relevance, 0..1: retail readiness, stock, recent sales (both backends use it)."""
        return round(0.5 * self.retail_ready + 0.3 * self.in_stock + 0.2 * min(max(self.sales_score, 0.0), 1.0), 6)


@dataclass
class VillageDocument:
    code: str
    name: str
    district_code: str
    district_name: str
    stage: str
    stage_index: int
    flagship_slug: str
    commodity_slugs: list[str]  # flagship first, then the others
    commodity_names: list[str]  # Indonesian and English
    story: str
    producers: int
    listed_products: int
    extra: dict = field(default_factory=dict)

    @property
    def quality(self) -> float:
        """The static part of relevance, 0..1: programme stage and products on sale."""
        return round(0.5 * self.stage_index / 5 + 0.5 * min(self.listed_products, 20) / 20, 6)


def _category_paths() -> dict[int, tuple[list[str], list[str]]]:
    rows = {c.pk: c for c in Category.objects.all()}
    paths: dict[int, tuple[list[str], list[str]]] = {}
    for pk in rows:
        slugs, names, node = [], [], rows[pk]
        while node is not None:
            slugs.insert(0, node.slug)
            names[:0] = [n for n in (node.name, node.name_en) if n]
            node = rows.get(node.parent_id)
        paths[pk] = (slugs, names)
    return paths


class ProductDocumentReader:
    """Build product documents from the public catalogue at a fixed number of queries per call.

    The category paths and the commodities are read once per reader (a rebuild reads them once, not
    once per batch). Each call reads its products in one query, as plain values and only the keys of
    the approved snapshot that a document shows (decoding the whole snapshot, photos and all, cost a
    third of the reading), and their producers' valid permits in a second.
    """

    def __init__(self, *, today: date | None = None) -> None:
        self.today = today or timezone.localdate()
        self.paths = _category_paths()
        self.commodities = {c.pk: (c.slug, [n for n in (c.name, c.name_en) if n]) for c in Commodity.objects.all()}

    def for_ids(self, ids: Iterable[int]) -> list[ProductDocument]:
        """Return documents for those of ``ids`` that are public now (in id order)."""
        ids = sorted(set(ids))
        if not ids:
            return []
        return self._documents(self._rows(product_list_public().filter(pk__in=ids)))

    def after(self, after: int, *, limit: int) -> tuple[list[ProductDocument], int | None]:
        """Return documents for the public products among the next ``limit`` listed ones with ids above ``after``,
        and the last id of that range (``None`` when the range has no end: nothing listed is left beyond it).

        A full rebuild walks the catalogue by id ranges: the range's end comes from the listed products'
        id alone (an index walk), so the joined query reads only the range, with no sort of the rest.
        """
        ends = Product.objects.filter(listed=True, pk__gt=after).order_by("pk").values_list("pk", flat=True)
        last = next(iter(ends[limit - 1:limit]), None)
        queryset = product_list_public().filter(pk__gt=after)
        if last is not None:
            queryset = queryset.filter(pk__lte=last)
        return self._documents(self._rows(queryset)), last

    def _rows(self, queryset) -> list[tuple]:
        snapshot = {f"s_{name}": KT(f"approved_snapshot__{name}") for name in _SNAPSHOT_TEXTS}
        rows = queryset.order_by("pk").annotate(
            ready=Case(When(product_retail_ready_q(today=self.today), then=Value(True)), default=Value(False),
                       output_field=BooleanField()),
            **snapshot,
            s_certifications=KeyTransform("certifications", "approved_snapshot"),
            s_price_tiers=KeyTransform("price_tiers", "approved_snapshot"),
        ).values_list("pk", "producer_id", "producer__name", "producer__village_id", "producer__village__name",
                      "producer__village__district_id", "producer__village__district__name",
                      "producer__village__profile__stage", "approved_at", "stock__on_hand", "stock__reserved", "ready",
                      *snapshot, "s_certifications", "s_price_tiers")
        return list(rows)

    def _documents(self, rows: list[tuple]) -> list[ProductDocument]:
        valid: dict[int, set[str]] = {}
        for producer_id, kind in (ProducerPermit.objects
                                  .filter(producer_id__in={row[1] for row in rows})
                                  .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=self.today))
                                  .values_list("producer_id", "kind")):
            valid.setdefault(producer_id, set()).add(kind)
        paths, commodities, no_commodity = self.paths, self.commodities, ("", [])
        documents = []
        for (pk, producer_id, producer_name, village_code, village_name, district_code, district_name, stage,
             approved_at, on_hand, reserved, ready, name, name_en, description, description_en, category_id,
             commodity_id, retail_price, min_order_qty, certifications, price_tiers) in rows:
            slugs, names = paths.get(int(category_id), ([], [])) if category_id else ([], [])
            commodity_slug, commodity_names = commodities.get(int(commodity_id), no_commodity) if commodity_id \
                else no_commodity
            available = on_hand - reserved if on_hand is not None else 0
            retail_price = int(retail_price)
            documents.append(ProductDocument(
                id=pk, name=name, name_en=name_en or "", description=description or "",
                description_en=description_en or "", producer_id=producer_id, producer_name=producer_name,
                village_code=village_code, village_name=village_name.title(),
                district_code=district_code, district_name=district_name.title(),
                category_slug=slugs[-1] if slugs else "", category_path=slugs, category_names=names,
                commodity_slug=commodity_slug, commodity_names=commodity_names,
                certifications=sorted(set(certifications or ()) & valid.get(producer_id, set())),
                retail_ready=ready, retail_price=retail_price,
                wholesale_price=product_public_from_price({"price_tiers": price_tiers, "retail_price": retail_price}),
                min_order_qty=int(min_order_qty) if min_order_qty else 1, available=available, in_stock=available > 0,
                approved_at=approved_at, stage=stage,
            ))
        return documents


# The snapshot's keys a document reads as text (``->>``), in the order ``ProductDocumentReader._documents`` unpacks.
_SNAPSHOT_TEXTS = ("name", "name_en", "description", "description_en", "category_id", "commodity_id", "retail_price",
                   "min_order_qty")


def product_documents(ids: Iterable[int], *, today: date | None = None) -> list[ProductDocument]:
    """Return documents for those of ``ids`` that are public now (in id order), in a fixed number of queries.

    The retail readiness comes from the same query (``product_retail_ready_q``, the condition of
    ``ProductFilters(retail_ready=True)``).
    """
    ids = sorted(set(ids))
    return ProductDocumentReader(today=today).for_ids(ids) if ids else []


def product_public_count() -> int:
    """Return how many products are public now (a rebuild's progress total)."""
    return product_list_public().order_by().count()


def public_product_ids() -> Iterator[int]:
    """Yield the ids of every public product, in batches from the database."""
    yield from product_list_public().order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000)


def village_documents(codes: Iterable[str]) -> list[VillageDocument]:
    """Return documents for the village profiles among ``codes`` (every stage: investors see all)."""
    codes = sorted(set(codes))
    if not codes:
        return []
    listed = dict(product_list_public().filter(producer__village_id__in=codes).order_by()
                  .values("producer__village_id").annotate(n=Count("pk")).values_list("producer__village_id", "n"))
    profiles = (VillageProfile.objects.filter(village_id__in=codes)
                .select_related("village__district", "flagship_commodity").prefetch_related("other_commodities")
                .annotate(producer_count=Count("village__producers", filter=Q(
                    village__producers__verified_at__isnull=False), distinct=True))
                .order_by("village_id"))
    documents = []
    for profile in profiles:
        commodities = [c for c in [profile.flagship_commodity, *profile.other_commodities.all()] if c is not None]
        documents.append(VillageDocument(
            code=profile.village_id, name=profile.village.name.title(),
            district_code=profile.village.district_id, district_name=profile.village.district.name.title(),
            stage=profile.stage, stage_index=Stage.index(profile.stage),
            flagship_slug=profile.flagship_commodity.slug if profile.flagship_commodity else "",
            commodity_slugs=[c.slug for c in commodities],
            commodity_names=[n for c in commodities for n in (c.name, c.name_en) if n],
            story=profile.story, producers=profile.producer_count, listed_products=listed.get(profile.village_id, 0),
        ))
    return documents


def village_codes_all() -> list[str]:
    return list(VillageProfile.objects.order_by("village_id").values_list("village_id", flat=True))


