"""Reads of the catalog app."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.exceptions import ProducerNotFound, ProductNotFound
from catalog.models import (
    DEFAULT_MIN_SHELF_LIFE_DAYS,
    Category,
    CoachingSession,
    Commodity,
    PermitKind,
    Producer,
    ProducerPermit,
    Product,
    Stage,
    Survey,
    VillageProfile,
    VillageStageEvent,
)
from market.accounts.models import Membership, User

PUBLIC_FROM_STAGE = Stage.COACHING


# --- villages -------------------------------------------------------------------------------


def village_stage_timeline(*, profile: VillageProfile) -> QuerySet[VillageStageEvent]:
    """Return the village's stage changes, oldest first."""
    return (VillageStageEvent.objects.filter(profile=profile).select_related("officer")
            .order_by("happened_on", "created_at", "pk"))


def village_profile_list(*, stage: str | None = None) -> QuerySet[VillageProfile]:
    qs = (VillageProfile.objects.select_related("village__district", "flagship_commodity", "contact_officer")
          .prefetch_related("other_commodities").order_by("village_id"))
    if stage:
        qs = qs.filter(stage=stage)
    return qs


def survey_list(*, profile: VillageProfile) -> QuerySet[Survey]:
    """Return the village's surveys, latest first, with their commodity lines."""
    return (Survey.objects.filter(profile=profile).select_related("officer")
            .prefetch_related("commodities__commodity").order_by("-surveyed_on", "-pk"))


def survey_get_latest(*, profile: VillageProfile) -> Survey | None:
    return survey_list(profile=profile).first()


def coaching_session_list(*, profile: VillageProfile) -> QuerySet[CoachingSession]:
    return (CoachingSession.objects.filter(profile=profile).select_related("officer")
            .prefetch_related("attendees").order_by("-held_on", "-pk"))


def coaching_attendance_counts(*, profile: VillageProfile | None = None) -> QuerySet[Producer]:
    """Return producers (of ``profile``'s village, or all) with ``sessions_attended``, most first."""
    qs = Producer.objects.all()
    if profile is not None:
        qs = qs.filter(village_id=profile.village_id)
        sessions = Q(coaching_attendances__session__profile=profile)
    else:
        sessions = Q()
    return qs.annotate(sessions_attended=Count("coaching_attendances", filter=sessions)).order_by(
        "-sessions_attended", "name", "pk")


# --- producers and permits ------------------------------------------------------------------


def permit_list_expiring(*, today: date, within_days: int = 30) -> QuerySet[ProducerPermit]:
    """Return permits that expire between ``today`` and ``today + within_days`` (both included)."""
    return (ProducerPermit.objects.filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=within_days))
            .select_related("producer").order_by("expires_on", "producer__name", "kind"))


def permit_list_expiring_on(*, expires_on: date) -> QuerySet[ProducerPermit]:
    """Return permits that expire exactly on ``expires_on``, with whom to tell about them."""
    return (ProducerPermit.objects.filter(expires_on=expires_on)
            .select_related("producer__village__profile__contact_officer")
            .prefetch_related(Prefetch("producer__organisation__memberships",
                                       queryset=Membership.objects.select_related("user")))
            .order_by("pk"))


def producer_ids_for_user(*, user: User) -> QuerySet:
    return Producer.objects.filter(organisation__memberships__user=user).values("pk")


def access_producer(*, user: User, pk: int) -> Producer:
    """Return the producer if ``user`` is one of its people or an officer; else ``ProducerNotFound``."""
    qs = Producer.objects.select_related("organisation", "village")
    if not (user.is_active and user.is_officer):
        qs = qs.filter(pk__in=producer_ids_for_user(user=user)) if user.is_authenticated else qs.none()
    try:
        return qs.get(pk=pk)
    except Producer.DoesNotExist:
        raise ProducerNotFound() from None


# --- products -------------------------------------------------------------------------------


def access_product(*, user: User, pk: int) -> Product:
    """Return the product for editing if ``user`` is one of its producer's people or an officer.

    Anyone else gets ``ProductNotFound``, so that other producers' drafts are not revealed.
    """
    qs = Product.objects.select_related("producer", "category", "stock")
    if not (user.is_active and user.is_officer):
        qs = qs.filter(producer__in=producer_ids_for_user(user=user)) if user.is_authenticated else qs.none()
    try:
        return qs.get(pk=pk)
    except Product.DoesNotExist:
        raise ProductNotFound() from None


def product_list_for_producer(*, producer: Producer) -> QuerySet[Product]:
    return Product.objects.filter(producer=producer).select_related("category", "stock").order_by("name", "pk")


def product_list_for_curation() -> QuerySet[Product]:
    """Return products waiting for an officer, oldest change first."""
    return (Product.objects.filter(status=Product.Status.SUBMITTED)
            .select_related("producer__village", "category").order_by("updated_at", "pk"))


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
    return qs


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
    nodes = {c.pk: {"id": c.pk, "name": c.name, "name_en": c.name_en, "slug": c.slug,
                    "requires_food_permits": c.requires_food_permits, "parent_id": c.parent_id, "children": []}
             for c in Category.objects.order_by("name")}
    roots = []
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


def stock_list_low(*, producer: Producer) -> QuerySet[Product]:
    """Return the producer's products whose available stock is at or below their threshold."""
    return (Product.objects.filter(producer=producer)
            .filter(stock__on_hand__lte=F("stock__reserved") + F("stock__low_stock_threshold"))
            .select_related("stock").order_by("name", "pk"))


# --- retail readiness -----------------------------------------------------------------------


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
    food = category.requires_food_permits
    items: list[ReadinessItem] = []
    if food:
        food_permit = claimed & {PermitKind.PIRT, PermitKind.BPOM_MD, PermitKind.BPOM_ML}
        items.append(ReadinessItem("food_permit", bool(food_permit),
                                   str(_("Food permit (P-IRT or BPOM) in place.")) if food_permit
                                   else str(_("Food and drink need a valid P-IRT or BPOM permit."))))
        halal = PermitKind.HALAL in claimed
        items.append(ReadinessItem("halal", halal, str(_("Halal certified.")) if halal
                                   else str(_("Food and drink need a valid halal certificate."))))
        shelf_ok = (data["shelf_life_days"] or 0) >= min_shelf_life_days
        items.append(ReadinessItem("shelf_life", shelf_ok,
                                   str(_("Shelf life of at least %(days)s days.") % {"days": min_shelf_life_days})
                                   if shelf_ok else
                                   str(_("Retailers need a shelf life of at least %(days)s days.")
                                       % {"days": min_shelf_life_days})))
    items.append(ReadinessItem("barcode", bool(data["barcode"]),
                               str(_("EAN-13 barcode set.")) if data["barcode"]
                               else str(_("Add an EAN-13 barcode."))))
    packaged = data["packaging_status"] in (Product.Packaging.DESIGNED, Product.Packaging.RETAIL_READY)
    items.append(ReadinessItem("packaging", packaged, str(_("Packaging is designed for retail.")) if packaged
                               else str(_("Retail needs designed or retail-ready packaging."))))
    capacity = product.producer.capacity_per_month > 0
    items.append(ReadinessItem("capacity", capacity, str(_("Monthly capacity recorded.")) if capacity
                               else str(_("Record the producer's monthly capacity."))))
    return items


def product_is_retail_ready(items: list[ReadinessItem]) -> bool:
    return all(item.ok for item in items)
