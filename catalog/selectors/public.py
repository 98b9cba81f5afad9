"""Reads for everyone: the public catalogue (products on sale and their public shape, villages,
producers, categories) and what public pages and the API show of them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from catalog.exceptions import ProducerNotFound, ProductNotFound
from catalog.models import (
    DEFAULT_MIN_SHELF_LIFE_DAYS,
    UNIT_ONE,
    Category,
    CoachingSession,
    Commodity,
    PermitKind,
    Producer,
    ProducerPermit,
    Product,
    ProductCurationEvent,
    ProductStock,
    Stage,
    Survey,
    Unit,
    VillagePhoto,
    VillageProfile,
    VillageStageEvent,
)
from catalog.selectors.producer import producer_ids_for_user
from market.accounts.models import Role
from market.regions.models import District, Village
from market.regions.selectors import programme_region_list, region_q

PUBLIC_FROM_STAGE = Stage.COACHING


def village_stage_timeline(*, profile: VillageProfile) -> QuerySet[VillageStageEvent]:
    """Return the village's stage changes, oldest first."""
    return (VillageStageEvent.objects.filter(profile=profile).select_related("officer")
            .order_by("happened_on", "created_at", "pk"))


def survey_list(*, profile: VillageProfile) -> QuerySet[Survey]:
    """Return the village's surveys, latest first, with their commodity lines."""
    return (Survey.objects.filter(profile=profile).select_related("officer")
            .prefetch_related("commodities__commodity").order_by("-surveyed_on", "-pk"))


def survey_get_latest(*, profile: VillageProfile) -> Survey | None:
    return survey_list(profile=profile).first()


@dataclass(frozen=True)
class ProductFilters:
    """What buyers narrow the public catalogue by (every field optional).

    ``district``/``village`` are Kemendagri codes, ``commodity``/``category`` slugs (a category
    includes its descendants), ``stage`` a programme stage, ``certification`` a permit kind
    claimed on the approved product and held valid by its producer.
    """

    district: str | None = None
    village: str | None = None
    commodity: str | None = None
    category: str | None = None
    stage: str | None = None
    certification: str | None = None
    retail_ready: bool | None = None
    producer: int | None = None
    in_stock: bool | None = None
    for_buyer: BuyerCriteria | None = None  # only the products "retail-ready for" this buyer


@dataclass(frozen=True)
class BuyerCriteria:
    """What one buyer organisation looks for: a product is "retail-ready for" it when it is retail
    ready with the buyer's ``min_shelf_life_days`` (food and drink need at least that shelf life),
    its approved category is one of ``category_ids`` (given with their descendants), its producer's
    district one of ``district_codes``, and it claims every kind in ``certifications`` with a valid
    permit behind it. An empty ``category_ids`` or ``district_codes`` means any.

    Built by ``buyers.selectors.buyer_criteria_get`` from the buyer's preferences; tested by
    ``product_for_buyer_q``.
    """

    category_ids: frozenset[int] = frozenset()
    district_codes: frozenset[str] = frozenset()
    certifications: frozenset[str] = frozenset()
    min_shelf_life_days: int = DEFAULT_MIN_SHELF_LIFE_DAYS


def _valid_permit(kinds, today: date) -> Exists:
    return Exists(ProducerPermit.objects.filter(producer_id=OuterRef("producer_id"), kind__in=list(kinds))
                  .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today)))


def _claimed_valid(kind: str, today: date) -> Q:
    return Q(approved_snapshot__certifications__contains=[kind]) & Q(_valid_permit([kind], today))


def product_retail_ready_q(*, today: date, min_shelf_life_days: int = DEFAULT_MIN_SHELF_LIFE_DAYS) -> Q:
    """Return the condition "the approved version is retail-ready", the database twin of
    ``product_retail_readiness`` (a test keeps the two in agreement)."""
    food_category = Exists(Category.objects.filter(
        pk=Cast(KeyTextTransform("category_id", OuterRef("approved_snapshot")), IntegerField()),
        requires_food_permits=True))
    food_ok = (
        (_claimed_valid(PermitKind.PIRT, today) | _claimed_valid(PermitKind.BPOM_MD, today)
         | _claimed_valid(PermitKind.BPOM_ML, today))
        & _claimed_valid(PermitKind.HALAL, today)
        & Q(approved_snapshot__shelf_life_days__gte=min_shelf_life_days)
    )
    return (
        ~Q(approved_snapshot__barcode="")
        & Q(approved_snapshot__packaging_status__in=[Product.Packaging.DESIGNED, Product.Packaging.RETAIL_READY])
        & Q(producer__capacity_per_month__gt=0)
        & (~Q(food_category) | food_ok)
    )


def product_for_buyer_q(*, criteria: BuyerCriteria, today: date) -> Q:
    """Return the condition "the approved version is retail-ready for the buyer of ``criteria``"."""
    condition = product_retail_ready_q(today=today, min_shelf_life_days=criteria.min_shelf_life_days)
    if criteria.category_ids:
        condition &= Q(approved_snapshot__category_id__in=sorted(criteria.category_ids))
    if criteria.district_codes:
        condition &= Q(producer__village__district_id__in=sorted(criteria.district_codes))
    for kind in sorted(criteria.certifications):
        condition &= _claimed_valid(kind, today)
    return condition


def product_list_annotate_for_buyer(queryset: QuerySet[Product], *, criteria: BuyerCriteria | None,
                                    today: date | None = None) -> QuerySet[Product]:
    """Return ``queryset`` (of ``product_list_public``) with ``for_buyer``: whether each product is
    retail-ready for the buyer of ``criteria`` (always false without criteria), in the same query."""
    from django.db.models import BooleanField, Case, Value, When

    if criteria is None:
        return queryset.annotate(for_buyer=Value(False, output_field=BooleanField()))
    today = today or timezone.localdate()
    return queryset.annotate(for_buyer=Case(When(product_for_buyer_q(criteria=criteria, today=today),
                                                 then=Value(True)), default=Value(False),
                                            output_field=BooleanField()))


def product_ids_for_buyer(*, ids: list[int], criteria: BuyerCriteria | None, today: date | None = None) -> set[int]:
    """Return which of the public products ``ids`` are retail-ready for the buyer of ``criteria`` (one query)."""
    if criteria is None or not ids:
        return set()
    today = today or timezone.localdate()
    return set(product_list_public().filter(pk__in=ids).filter(product_for_buyer_q(criteria=criteria, today=today))
               .values_list("pk", flat=True))


def product_list_first_listed_for_buyer(*, criteria: BuyerCriteria, since: datetime, until: datetime,
                                        today: date | None = None) -> QuerySet[Product]:
    """Return the public products first listed (their first approval) after ``since`` and up to
    ``until`` that are retail-ready for the buyer of ``criteria``, oldest listing first, with
    ``first_listed_at``. A later re-approval (changes accepted) does not make a product new again."""
    today = today or timezone.localdate()
    first_approval = (ProductCurationEvent.objects.filter(product_id=OuterRef("pk"), to_status=Product.Status.APPROVED)
                      .order_by("created_at", "pk").values("created_at")[:1])
    return (product_list_public().filter(approved_at__gt=since)  # approved_at >= the first approval: narrows first
            .annotate(first_listed_at=Subquery(first_approval))
            .filter(first_listed_at__gt=since, first_listed_at__lte=until)
            .filter(product_for_buyer_q(criteria=criteria, today=today))
            .order_by("first_listed_at", "pk"))


# --- a product's public shape -------------------------------------------------------------


def product_public_snapshot(product: Product) -> dict:
    """Return the public shape of ``product``'s working copy: what buyers see once it is approved.

    The one definition of that shape: approval freezes it into ``approved_snapshot``, curation
    compares the working copy with the snapshot through it, and public pages
    (``product_public_view``), the API and the search documents read the snapshot it wrote.
    """
    return {
        "producer_id": product.producer_id,
        "category_id": product.category_id,
        "commodity_id": product.commodity_id,
        "name": product.name,
        "description": product.description,
        "name_en": product.name_en,
        "description_en": product.description_en,
        "unit": product.unit,
        "pack_size": str(product.pack_size),
        "weight_grams": product.weight_grams,
        "shelf_life_days": product.shelf_life_days,
        "certifications": list(product.certifications),
        "packaging_status": product.packaging_status,
        "sku": product.sku,
        "barcode": product.barcode,
        "retail_price": product.retail_price,
        "min_order_qty": product.min_order_qty,
        "order_multiple": product.order_multiple,
        "price_tiers": [[t.min_quantity, t.unit_price] for t in product.price_tiers.order_by("min_quantity")],
        "photos": [{"image": p.image.name, "alt": p.alt_text, "width": p.width, "height": p.height,
                    "thumbnails": dict(p.thumbnails)} for p in product.photos.order_by("position", "pk")],
    }


def product_public_from_price(snapshot: dict) -> int:
    """Return the lowest unit price of an approved snapshot: its best price tier, else its retail price."""
    return min([int(price) for _quantity, price in snapshot.get("price_tiers") or []],
               default=snapshot["retail_price"])


def product_list_public(*, filters: ProductFilters | None = None, today: date | None = None) -> QuerySet[Product]:
    """Return products on sale: approved (listed) once, of a verified producer, in a village at or
    beyond the coaching stage; narrowed by ``filters``.

    Show each product's ``approved_snapshot``, not its fields: those may hold changes in review.
    Filters on product data read the snapshot too.
    """
    qs = (Product.objects.filter(listed=True, producer__verified_at__isnull=False,
                                 producer__village__profile__stage__in=Stage.at_or_beyond(PUBLIC_FROM_STAGE))
          .select_related("producer__village__district", "producer__village__profile", "category", "stock")
          .order_by("name", "pk"))
    if filters is None:
        return qs
    today = today or timezone.localdate()
    if filters.district:
        qs = qs.filter(producer__village__district_id=filters.district)
    if filters.village:
        qs = qs.filter(producer__village_id=filters.village)
    if filters.producer:
        qs = qs.filter(producer_id=filters.producer)
    if filters.stage:
        qs = qs.filter(producer__village__profile__stage=filters.stage)
    if filters.commodity:
        ids = list(Commodity.objects.filter(slug=filters.commodity).values_list("pk", flat=True))
        qs = qs.filter(approved_snapshot__commodity_id__in=ids)
    if filters.category:
        qs = qs.filter(approved_snapshot__category_id__in=category_descendant_ids(slug=filters.category))
    if filters.certification:
        qs = qs.filter(_claimed_valid(filters.certification, today))
    if filters.retail_ready is not None:
        ready = product_retail_ready_q(today=today)
        qs = qs.filter(ready) if filters.retail_ready else qs.exclude(ready)
    if filters.in_stock is not None:
        in_stock = Q(stock__on_hand__gt=F("stock__reserved"))
        qs = qs.filter(in_stock) if filters.in_stock else qs.exclude(in_stock)
    if filters.for_buyer is not None:
        qs = qs.filter(product_for_buyer_q(criteria=filters.for_buyer, today=today))
    return qs


def category_ids_with_descendants(*, ids) -> frozenset[int]:
    """Return the categories ``ids`` and all their descendants (one query; the tree is small)."""
    wanted = set(ids)
    if not wanted:
        return frozenset()
    children: dict[int, list[int]] = {}
    known = set()
    for pk, parent in Category.objects.values_list("pk", "parent_id"):
        known.add(pk)
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    found: set[int] = set()
    stack = [pk for pk in wanted if pk in known]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return frozenset(found)


def category_descendant_ids(*, slug: str) -> list[int]:
    """Return the ids of the category ``slug`` and all its descendants (one query; the tree is small)."""
    rows = list(Category.objects.values_list("pk", "parent_id", "slug"))
    root = next((pk for pk, _parent, row_slug in rows if row_slug == slug), None)
    if root is None:
        return []
    children: dict[int, list[int]] = {}
    for pk, parent, _slug in rows:
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    found, stack = [], [root]
    while stack:
        pk = stack.pop()
        found.append(pk)
        stack.extend(children.get(pk, []))
    return sorted(found)


def category_tree() -> list[dict]:
    """Return the category tree as nested dicts (``id``, ``name``, ``name_en``, ``slug``,
    ``requires_food_permits``, ``children``), in one query."""
    nodes: dict[int, dict[str, Any]] = {c.pk: {"id": c.pk, "name": c.name, "name_en": c.name_en, "slug": c.slug,
                    "requires_food_permits": c.requires_food_permits, "parent_id": c.parent_id, "children": []}
             for c in Category.objects.order_by("name")}
    roots: list[dict[str, Any]] = []
    for node in nodes.values():
        parent = nodes.get(node["parent_id"])
        (parent["children"] if parent else roots).append(node)
    return roots


def product_get_public(*, pk: int) -> Product:
    try:
        return product_list_public().get(pk=pk)
    except Product.DoesNotExist:
        raise ProductNotFound() from None


def product_unit_price(*, product: Product, quantity: int) -> int:
    """Return the approved unit price (rupiah) for ``quantity`` units: the best tier reached, else retail."""
    snapshot = product.approved_snapshot
    price = snapshot["retail_price"]
    for min_quantity, unit_price in snapshot["price_tiers"]:
        if quantity >= min_quantity:
            price = unit_price
    return price


@dataclass(frozen=True)
class ReadinessItem:
    key: str
    ok: bool
    message: str


def product_retail_readiness(*, product: Product, min_shelf_life_days: int = DEFAULT_MIN_SHELF_LIFE_DAYS,
                             today: date | None = None, approved: bool = False,
                             permits: list[ProducerPermit] | None = None,
                             category: Category | None = None) -> list[ReadinessItem]:
    """Return the checklist a modern retailer applies before listing the product.

    Food and drink (``category.requires_food_permits``) need a valid P-IRT or BPOM permit and a
    halal certificate, claimed on the product, and a shelf life of at least
    ``min_shelf_life_days``; every product needs a barcode, designed or retail-ready packaging and
    a producer with capacity. ``approved=True`` checks the approved version (what buyers see)
    instead of the working copy. Pass ``permits`` (the producer's) and ``category`` (of the
    checked version) to avoid their queries in lists.
    """
    today = today or timezone.localdate()
    data = product.approved_snapshot if approved else {
        "certifications": product.certifications, "shelf_life_days": product.shelf_life_days,
        "barcode": product.barcode, "packaging_status": product.packaging_status, "category_id": product.category_id,
    }
    if permits is None:
        permits = list(ProducerPermit.objects.filter(producer_id=product.producer_id))
    if category is None or category.pk != data["category_id"]:
        category = (product.category if product.category_id == data["category_id"]
                    else Category.objects.get(pk=data["category_id"]))
    valid = {permit.kind for permit in permits if permit.expires_on is None or permit.expires_on >= today}
    claimed = valid & set(data["certifications"])
    items = (_food_readiness(claimed=claimed, data=data, min_shelf_life_days=min_shelf_life_days)
             if category.requires_food_permits else [])
    packaged = data["packaging_status"] in (Product.Packaging.DESIGNED, Product.Packaging.RETAIL_READY)
    return [*items,
            _readiness("barcode", bool(data["barcode"]), _("EAN-13 barcode set."), _("Add an EAN-13 barcode.")),
            _readiness("packaging", packaged, _("Packaging is designed for retail."),
                       _("Retail needs designed or retail-ready packaging.")),
            _readiness("capacity", product.producer.capacity_per_month > 0, _("Monthly capacity recorded."),
                       _("Record the producer's monthly capacity."))]


def _readiness(key: str, ok: bool, done, missing, **params) -> ReadinessItem:
    """Return a checklist item saying ``done`` when ``ok``, else what is ``missing`` (formatted with ``params``)."""
    message = done if ok else missing
    return ReadinessItem(key, ok, str(message % params if params else message))


FOOD_PERMITS = frozenset({PermitKind.PIRT, PermitKind.BPOM_MD, PermitKind.BPOM_ML})


def _food_readiness(*, claimed: set[str], data: dict, min_shelf_life_days: int) -> list[ReadinessItem]:
    """Return the checks food and drink need on top: a food permit, halal, a long enough shelf life."""
    return [
        _readiness("food_permit", bool(claimed & FOOD_PERMITS), _("Food permit (P-IRT or BPOM) in place."),
                   _("Food and drink need a valid P-IRT or BPOM permit.")),
        _readiness("halal", PermitKind.HALAL in claimed, _("Halal certified."),
                   _("Food and drink need a valid halal certificate.")),
        _readiness("shelf_life", (data["shelf_life_days"] or 0) >= min_shelf_life_days,
                   _("Shelf life of at least %(days)s days."),
                   _("Retailers need a shelf life of at least %(days)s days."), days=min_shelf_life_days),
    ]


def product_is_retail_ready(items: list[ReadinessItem]) -> bool:
    return all(item.ok for item in items)


def commodity_list() -> QuerySet[Commodity]:
    return Commodity.objects.order_by("name", "pk")


def village_profile_list_public(*, district: str | None = None, stage: str | None = None,
                                commodity: str | None = None) -> QuerySet[VillageProfile]:
    """Return every programme village by name with its district, commodities, contact officer and photos.

    ``district`` is a district code, ``stage`` a programme stage, ``commodity`` a slug matching the
    flagship or another commodity. Three queries for any number of villages (page, other
    commodities, photos).
    """
    from catalog.models import VillagePhoto

    qs = (VillageProfile.objects.select_related("village__district", "flagship_commodity", "contact_officer")
          .prefetch_related(Prefetch("other_commodities", queryset=Commodity.objects.order_by("name", "pk")),
                            Prefetch("photos", queryset=VillagePhoto.objects.order_by("position", "pk")))
          .order_by("village__name", "village_id"))
    if district:
        qs = qs.filter(village__district_id=district)
    if stage:
        qs = qs.filter(stage=stage)
    if commodity:
        qs = qs.filter(Q(flagship_commodity__slug=commodity) | Exists(
            VillageProfile.other_commodities.through.objects.filter(villageprofile_id=OuterRef("pk"),
                                                                    commodity__slug=commodity)))
    return qs


def village_profile_get(*, code: str, latest_sessions: int = 3) -> VillageProfile:
    """Return the programme village ``code`` as ``village_profile_list_public`` does, plus ``timeline``
    (stage changes, oldest first), ``latest_surveys`` (the latest survey with its commodity lines, or
    nothing), ``latest_coaching_sessions`` and ``coaching_session_count``; else ``VillageNotFound``."""
    from django.db.models import Subquery
    from django.db.models.functions import Coalesce

    from catalog.exceptions import VillageNotFound

    sessions = (CoachingSession.objects.filter(profile_id=OuterRef("pk")).order_by().values("profile_id")
                .annotate(count=Count("pk")).values("count"))
    profile = (village_profile_list_public()
               .annotate(coaching_session_count=Coalesce(Subquery(sessions, output_field=IntegerField()), 0))
               .prefetch_related(
                   Prefetch("stage_events", to_attr="timeline", queryset=VillageStageEvent.objects
                            .select_related("officer").order_by("happened_on", "created_at", "pk")),
                   Prefetch("surveys", to_attr="latest_surveys", queryset=Survey.objects
                            .prefetch_related("commodities__commodity").order_by("-surveyed_on", "-pk")[:1]),
                   Prefetch("coaching_sessions", to_attr="latest_coaching_sessions",
                            queryset=CoachingSession.objects.order_by("-held_on", "-pk")[:latest_sessions]))
               .filter(village_id=code).first())
    if profile is None:
        raise VillageNotFound()
    return profile


def producer_list_public(*, district: str | None = None, village: str | None = None,
                         commodity: str | None = None) -> QuerySet[Producer]:
    """Return verified producers by name with their village, district, permits and ``product_count``
    (their products on sale), in two queries.

    ``commodity`` (a slug) keeps producers with a public product of that commodity.
    """
    products = product_list_public().filter(producer_id=OuterRef("pk"))
    qs = (Producer.objects.filter(verified_at__isnull=False).select_related("village__district")
          .annotate(product_count=_count_subquery(products, "producer_id"))
          .prefetch_related(Prefetch("permits", queryset=ProducerPermit.objects.order_by("kind", "pk")))
          .order_by("name", "pk"))
    if district:
        qs = qs.filter(village__district_id=district)
    if village:
        qs = qs.filter(village_id=village)
    if commodity:
        qs = qs.filter(Exists(product_list_public(filters=ProductFilters(commodity=commodity))
                              .filter(producer_id=OuterRef("pk"))))
    return qs


def producer_get_public(*, pk: int) -> Producer:
    """Return the verified producer ``pk`` as ``producer_list_public`` does, with its village's programme
    profile; else ``ProducerNotFound``."""
    producer = producer_list_public().select_related("village__profile").filter(pk=pk).first()
    if producer is None:
        raise ProducerNotFound()
    return producer


def _snapshot_reference(model, key: str):
    """Return the row of ``model`` whose id is the approved snapshot's ``key``, as a JSON object
    (``id``, ``slug``, ``name``, ``name_en``), or null."""
    from django.db.models import JSONField, Subquery
    from django.db.models.functions import JSONObject

    rows = model.objects.filter(pk=Cast(KeyTextTransform(key, OuterRef("approved_snapshot")), IntegerField()))
    return Subquery(rows.values(data=JSONObject(id="pk", slug="slug", name="name", name_en="name_en"))[:1],
                    output_field=JSONField())


def product_list_public_detailed(*, filters: ProductFilters | None = None,
                                 today: date | None = None) -> QuerySet[Product]:
    """Return ``product_list_public`` with, in the same query, ``retail_ready`` (the approved version's,
    by ``product_retail_ready_q``) and ``snapshot_category`` / ``snapshot_commodity`` (the approved
    version's category and commodity as ``{id, slug, name, name_en}``, or ``None``)."""
    from django.db.models import BooleanField, Case, Value, When

    today = today or timezone.localdate()
    return product_list_public(filters=filters, today=today).annotate(
        retail_ready=Case(When(product_retail_ready_q(today=today), then=Value(True)), default=Value(False),
                          output_field=BooleanField()),
        snapshot_category=_snapshot_reference(Category, "category_id"),
        snapshot_commodity=_snapshot_reference(Commodity, "commodity_id"))


def product_get_public_detailed(*, pk: int, today: date | None = None) -> Product:
    product = product_list_public_detailed(today=today).filter(pk=pk).first()
    if product is None:
        raise ProductNotFound()
    return product


def programme_area_summary() -> dict:
    """Return the programme's regions (``settings.PROGRAMME_REGION_CODES``: regencies or provinces)
    with their counts of districts and villages (four queries)."""
    regions = programme_region_list()
    if not regions:
        return {"regions": [], "districts": 0, "villages": 0}
    return {
        "regions": regions,
        "districts": District.objects.filter(region_q(field="code")).count(),
        "villages": Village.objects.filter(region_q(field="code")).count(),
    }


LOW_STOCK_NOTICE = 10  # below this many available units a product page says "only N left"


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def localized(obj, field: str = "name") -> str:
    """Return ``obj``'s ``<field>_en`` when the page is in English and it is filled in, else ``<field>``.

    ``obj`` is a model instance or a dict (an approved snapshot, a category tree node).
    """
    get = obj.get if isinstance(obj, dict) else (lambda key, default="": getattr(obj, key, default))
    if _english():
        english = get(f"{field}_en", "")
        if english:
            return english
    return cast(str, get(field, ""))


def _count_subquery(queryset, group_field: str) -> Coalesce:
    """Return ``count(queryset)`` per ``group_field`` as a subquery annotation (0 when none)."""
    counted = (queryset.order_by().values(group_field).annotate(count=Count("pk")).values("count"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def village_directory(*, district: str | None = None, stage: str | None = None,
                      commodity: str | None = None) -> QuerySet[VillageProfile]:
    """Return every programme village with its district, flagship commodity, cover photo
    (``cover_photos``, at most one) and counts of verified producers and public products.

    ``commodity`` (a slug) matches the flagship or another commodity of the village. The
    query count does not depend on the number of villages (one query, plus one for the photos).
    """
    producers = Producer.objects.filter(village_id=OuterRef("village_id"), verified_at__isnull=False)
    products = product_list_public().filter(producer__village_id=OuterRef("village_id"))
    qs = (VillageProfile.objects.select_related("village__district", "flagship_commodity")
          .annotate(producer_count=_count_subquery(producers, "village_id"),
                    product_count=_count_subquery(products, "producer__village_id"))
          .prefetch_related(Prefetch("photos", queryset=VillagePhoto.objects.order_by("position", "pk")[:1],
                                     to_attr="cover_photos"))
          .order_by("village__name", "village_id"))
    if district:
        qs = qs.filter(village__district_id=district)
    if stage:
        qs = qs.filter(stage=stage)
    if commodity:
        qs = qs.filter(Q(flagship_commodity__slug=commodity)
                       | Exists(VillageProfile.other_commodities.through.objects.filter(
                           villageprofile_id=OuterRef("pk"), commodity__slug=commodity)))
    return qs


def district_list_in_programme(*, stages: list[str] | None = None) -> QuerySet[District]:
    """Return the districts that have programme villages (at one of ``stages``, if given)."""
    villages = VillageProfile.objects.filter(village__district_id=OuterRef("code"))
    if stages:
        villages = villages.filter(stage__in=stages)
    return District.objects.filter(Exists(villages)).order_by("name", "code")


def commodity_list_in_programme() -> QuerySet[Commodity]:
    """Return the commodities some programme village has, as flagship or other commodity."""
    used = Q(Exists(VillageProfile.objects.filter(flagship_commodity_id=OuterRef("pk")))) | Q(Exists(
        VillageProfile.other_commodities.through.objects.filter(commodity_id=OuterRef("pk"))))
    return Commodity.objects.filter(used).order_by("name", "pk")


def village_list_public_catalogue(*, district: str | None = None) -> QuerySet[Village]:
    """Return the villages whose products may be on sale (at or beyond the coaching stage), of ``district`` if given."""
    qs = Village.objects.filter(profile__stage__in=Stage.at_or_beyond(PUBLIC_FROM_STAGE))
    if district is not None:
        qs = qs.filter(district_id=district)
    return qs.select_related("district").order_by("district__name", "name", "code")


def village_profile_get_public(*, code: str) -> VillageProfile | None:
    """Return the programme village ``code`` with what its public page shows in one query, or ``None``."""
    return (VillageProfile.objects.filter(village_id=code)
            .select_related("village__district__regency", "flagship_commodity", "contact_officer")
            .prefetch_related("other_commodities",
                              Prefetch("photos", queryset=VillagePhoto.objects.order_by("position", "pk")))
            .first())


def stage_progress(*, stage: str) -> list[dict]:
    """Return the programme's stages as steps (``stage``, ``label``, ``number``, ``done``, ``current``)."""
    current = Stage.index(stage)
    return [{"stage": value, "label": label, "number": index + 1, "done": index < current,
             "current": index == current} for index, (value, label) in enumerate(Stage.choices)]


def coaching_summary(*, profile: VillageProfile, latest: int = 3) -> dict:
    """Return the village's number of coaching sessions and the ``latest`` few (two queries)."""
    sessions = CoachingSession.objects.filter(profile=profile).order_by("-held_on", "-pk")
    return {"count": sessions.count(), "latest": list(sessions[:latest])}


def category_choices() -> list[tuple[str, str]]:
    """Return the category tree as ``(slug, label)`` choices, children indented under their parent."""
    choices: list[tuple[str, str]] = []

    def walk(nodes: list[dict], depth: int) -> None:
        for node in sorted(nodes, key=lambda n: localized(n).lower()):
            choices.append((node["slug"], "\u00a0\u00a0\u00a0" * depth + ("– " if depth else "") + localized(node)))
            walk(node["children"], depth + 1)

    walk(category_tree(), 0)
    return choices


def user_is_producer_member(*, user, producer_id: int) -> bool:
    """Return whether ``user`` is one of the people of producer ``producer_id``."""
    if not (user and user.is_authenticated):
        return False
    return producer_ids_for_user(user=user).filter(pk=producer_id).exists()


def user_sees_wholesale(user) -> bool:
    """Return whether prices are shown to ``user`` as a retail buyer (wholesale tiers and MOQ)."""
    return bool(user and user.is_authenticated and user.role == Role.BUYER)


def _stock(product: Product) -> dict:
    try:
        stock = product.stock
    except ProductStock.DoesNotExist:
        stock = None
    return stock_shown(available=stock.available if stock else 0,
                       low_stock_threshold=stock.low_stock_threshold if stock else 0)


def stock_shown(*, available: int, low_stock_threshold: int) -> dict:
    """Return what the public pages say of a stock level: ``{"available": n, "state": "in" | "low" | "out"}``.

    "Only N left" below the producer's threshold or ``LOW_STOCK_NOTICE``, whichever is higher.
    """
    available = max(available, 0)
    threshold = max(low_stock_threshold, LOW_STOCK_NOTICE)
    state = "out" if available <= 0 else "low" if available < threshold else "in"
    return {"available": available, "state": state}


def _photo(photo: dict, fallback_alt: str) -> dict:
    return {**photo, "alt": photo.get("alt") or fallback_alt}


def _number(value) -> Decimal:
    """Return a decimal without trailing zeros (``"1.000"`` → 1, ``"0.250"`` → 0.25)."""
    number = Decimal(str(value))
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


@dataclass(frozen=True)
class PublicProduct:
    """What a public page shows of a product: its approved snapshot in the page's language."""

    pk: int
    name: str
    description: str
    photos: list
    retail_price: int
    from_price: int
    price_tiers: list
    min_order_qty: int
    order_multiple: int
    unit: str
    unit_label: str
    unit_one: str  # "Rp 35.000 / pack"
    pack_size: Decimal
    weight_grams: int | None
    shelf_life_days: int | None
    certifications: list
    packaging_label: str
    barcode: str
    producer: Producer
    village: Village
    stock: dict
    for_you: bool = False  # retail-ready for the acting buyer (``product_list_annotate_for_buyer``)
    slug: str = ""  # of the product's address, from its Indonesian name: the same in both languages (issue 17)


def _label(choices, value: str) -> str:
    """Return the label of ``value`` among ``choices`` (a ``TextChoices``), or ``value`` itself if unknown."""
    return choices(value).label if value in choices.values else value


def product_public_view(product: Product, *, for_you: bool | None = None) -> PublicProduct:
    """Return the approved snapshot of a public product, ready for a page (no queries beyond the
    relations ``product_list_public`` loads). ``for_you`` defaults to the product's ``for_buyer``
    annotation (false without it)."""
    snapshot = product.approved_snapshot
    name = localized(snapshot)
    tiers = [(int(quantity), int(price)) for quantity, price in snapshot.get("price_tiers") or []]
    unit = snapshot.get("unit") or Unit.PCS
    packaging = snapshot.get("packaging_status") or Product.Packaging.NONE
    return PublicProduct(
        pk=product.pk,
        name=name,
        description=localized(snapshot, "description"),
        photos=[_photo(photo, name) for photo in snapshot.get("photos") or []],
        retail_price=snapshot["retail_price"],
        from_price=product_public_from_price(snapshot),
        price_tiers=tiers,
        min_order_qty=snapshot.get("min_order_qty") or 1,
        order_multiple=snapshot.get("order_multiple") or 1,
        unit=unit,
        unit_label=_label(Unit, unit),
        unit_one=cast(str, UNIT_ONE[Unit(unit)]) if unit in Unit.values else unit,  # lazy: the reader's language
        pack_size=_number(snapshot.get("pack_size") or 1),
        weight_grams=snapshot.get("weight_grams"),
        shelf_life_days=snapshot.get("shelf_life_days"),
        certifications=list(snapshot.get("certifications") or []),
        packaging_label=_label(Product.Packaging, packaging),
        barcode=snapshot.get("barcode") or "",
        producer=product.producer,
        village=product.producer.village,
        stock=_stock(product),
        for_you=bool(getattr(product, "for_buyer", False)) if for_you is None else for_you,
        slug=product_slug(snapshot.get("name") or ""),
    )


def product_slug(name: str) -> str:
    """Return the slug of a product's public address from its name ("kopi-robusta-bubuk-250-g")."""
    from django.utils.text import slugify

    return slugify(name)[:80].strip("-") or "produk"


def product_public_details(*, product: Product, today: date | None = None,
                           min_shelf_life_days: int = DEFAULT_MIN_SHELF_LIFE_DAYS) -> dict:
    """Return what the product page needs beyond the snapshot: the snapshot's category (with its
    parent) and commodity, the certifications with whether a valid permit backs each, and the
    retail readiness checklist of the approved version, judged with ``min_shelf_life_days`` (the
    viewing buyer's; three queries)."""
    today = today or timezone.localdate()
    snapshot = product.approved_snapshot
    category = Category.objects.select_related("parent").filter(pk=snapshot["category_id"]).first()
    commodity = (Commodity.objects.filter(pk=snapshot["commodity_id"]).first()
                 if snapshot.get("commodity_id") else None)
    permits = list(ProducerPermit.objects.filter(producer_id=product.producer_id))
    valid = {permit.kind for permit in permits if permit.expires_on is None or permit.expires_on >= today}
    certifications = [{"kind": kind, "label": PermitKind(kind).label if kind in PermitKind.values else kind,
                       "valid": kind in valid} for kind in snapshot.get("certifications") or []]
    readiness = product_retail_readiness(product=product, approved=True, today=today, permits=permits,
                                         category=category, min_shelf_life_days=min_shelf_life_days)
    category_path = []
    if category is not None:
        if category.parent is not None:
            category_path.append({"slug": category.parent.slug, "label": localized(category.parent)})
        category_path.append({"slug": category.slug, "label": localized(category)})
    return {"category": category, "category_path": category_path, "commodity": commodity,
            "commodity_label": localized(commodity) if commodity else "", "certifications": certifications,
            "readiness": readiness, "retail_ready": product_is_retail_ready(readiness)}
