"""Reads of the catalog app."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

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


# --- officer area (programme officers' pages) -----------------------------------------------

NOT_IN_PROGRAMME = "none"  # the "stage" of a village without a profile, in officers' filters


def village_stage_counts(*, regency_code: str) -> dict:
    """Return the regency's programme villages counted by stage, overall and per district (one query).

    ``{"by_stage": {stage: count}, "by_district": {district_code: {stage: count}}}``; every stage
    is present in ``by_stage``, districts without programme villages are absent from ``by_district``.
    """
    by_stage = dict.fromkeys(Stage.values, 0)
    by_district: dict[str, dict[str, int]] = {}
    rows = (VillageProfile.objects.filter(village__district__regency_id=regency_code)
            .values("village__district_id", "stage").annotate(count=Count("pk")).order_by())
    for row in rows:
        by_stage[row["stage"]] += row["count"]
        by_district.setdefault(row["village__district_id"], {})[row["stage"]] = row["count"]
    return {"by_stage": by_stage, "by_district": by_district}


def officer_work_counts(*, today: date, within_days: int = 30) -> dict[str, int]:
    """Return what waits for officers: unverified producers, products in curation, permits expiring soon."""
    return {
        "producers_unverified": Producer.objects.filter(verified_at__isnull=True).count(),
        "products_in_curation": Product.objects.filter(status=Product.Status.SUBMITTED).count(),
        "permits_expiring": permit_list_expiring(today=today, within_days=within_days).count(),
    }


def village_list_for_officers(*, regency_code: str, district: str | None = None, stage: str | None = None,
                              q: str = ""):
    """Return the regency's villages (``regions.Village``) with their programme profile, if any, by code.

    ``stage`` is a programme stage or ``NOT_IN_PROGRAMME``; ``q`` matches the village name.
    """
    from market.regions.models import Village

    qs = (Village.objects.filter(district__regency_id=regency_code)
          .select_related("district", "profile__flagship_commodity").order_by("code"))
    if district:
        qs = qs.filter(district_id=district)
    if stage == NOT_IN_PROGRAMME:
        qs = qs.filter(profile__isnull=True)
    elif stage:
        qs = qs.filter(profile__stage=stage)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def village_get_for_officers(*, regency_code: str, code: str):
    """Return one village of the regency with its profile's details loaded, or ``None``."""
    from market.regions.models import Village

    return (Village.objects.filter(district__regency_id=regency_code, code=code)
            .select_related("district", "profile__flagship_commodity", "profile__contact_officer")
            .prefetch_related("profile__other_commodities", "profile__photos").first())


@dataclass(frozen=True)
class SnapshotComparison:
    """A product's working copy and approved version as snapshot dicts, and the keys that differ."""

    working: dict
    approved: dict
    changed: list[str]


def product_compare_with_approved(*, product: Product) -> SnapshotComparison:
    """Return the working copy beside the approved snapshot, and which buyer-visible fields changed.

    The working copy is put in the snapshot's shape by the same function approval uses, so the
    comparison cannot drift from what approving would publish. Photos compare by file and text.
    """
    from catalog.services.products import _public_snapshot  # one definition of the public shape

    working = _public_snapshot(product)
    approved = product.approved_snapshot or {}

    def comparable(key: str, data: dict):
        value = data.get(key)
        if key == "photos":
            return [(photo.get("image"), photo.get("alt")) for photo in value or []]
        if key == "price_tiers":
            return [list(tier) for tier in value or []]
        return value

    changed = [key for key in working if key not in ("producer_id", "sku")
               and (not approved or comparable(key, working) != comparable(key, approved))]
    return SnapshotComparison(working=working, approved=approved, changed=changed if approved else [])


def product_curation_history(*, product: Product):
    """Return the product's curation events, oldest first, with who made them."""
    from catalog.models import ProductCurationEvent

    return (ProductCurationEvent.objects.filter(product=product).select_related("actor")
            .order_by("created_at", "pk"))


PRODUCER_STATES = ("waiting", "verified", "expiring")


def producer_list_for_officers(*, state: str | None = None, today: date | None = None,
                               within_days: int = 30) -> QuerySet[Producer]:
    """Return producers with their village, permits and people; ``state`` narrows them:
    ``waiting`` (not verified), ``verified``, or ``expiring`` (a permit expires within ``within_days``)."""
    today = today or timezone.localdate()
    qs = (Producer.objects.select_related("village__district", "verified_by", "organisation")
          .prefetch_related("permits", Prefetch("organisation__memberships",
                                                queryset=Membership.objects.select_related("user").order_by("pk")))
          .order_by("name", "pk"))
    if state == "waiting":
        qs = qs.filter(verified_at__isnull=True)
    elif state == "verified":
        qs = qs.filter(verified_at__isnull=False)
    elif state == "expiring":
        qs = qs.filter(Exists(ProducerPermit.objects.filter(
            producer_id=OuterRef("pk"), expires_on__gte=today, expires_on__lte=today + timedelta(days=within_days))))
    return qs


def producer_state_counts(*, today: date | None = None, within_days: int = 30) -> dict[str, int]:
    """Return how many producers are in each of ``PRODUCER_STATES`` and in all (one query)."""
    today = today or timezone.localdate()
    expiring = Exists(ProducerPermit.objects.filter(
        producer_id=OuterRef("pk"), expires_on__gte=today, expires_on__lte=today + timedelta(days=within_days)))
    return Producer.objects.aggregate(
        all=Count("pk"), waiting=Count("pk", filter=Q(verified_at__isnull=True)),
        verified=Count("pk", filter=Q(verified_at__isnull=False)), expiring=Count("pk", filter=expiring))


def producer_event_list(*, producer: Producer):
    """Return the producer's verification events, latest first."""
    from catalog.models import ProducerEvent

    return ProducerEvent.objects.filter(producer=producer).select_related("officer").order_by("-created_at", "-pk")


# --- producer dashboard (producers' own pages) ----------------------------------------------


def producer_list_for_user(*, user: User) -> QuerySet[Producer]:
    """Return the producers ``user`` is one of the people of, by name, with their village and its profile."""
    if not user.is_authenticated:
        return Producer.objects.none()
    return (Producer.objects.filter(pk__in=producer_ids_for_user(user=user))
            .select_related("organisation", "village__district", "village__profile").order_by("name", "pk"))


def producer_organisation_list_unregistered(*, user: User):
    """Return the producer organisations ``user`` belongs to that have no producer details yet, by name."""
    from market.accounts.models import Organisation

    return (Organisation.objects.filter(kind=Organisation.Kind.PRODUCER, memberships__user=user,
                                        producer__isnull=True).order_by("name", "pk"))


def producer_permit_list(*, producer: Producer) -> QuerySet[ProducerPermit]:
    return ProducerPermit.objects.filter(producer=producer).order_by("kind", "pk")


def product_list_for_producer_dashboard(*, producer: Producer) -> QuerySet[Product]:
    """Return every product (working copy) of ``producer`` for its own dashboard, in a fixed number of queries.

    Each product carries its category, stock and photos, and ``last_rejection_reasons`` /
    ``last_rejection_note`` from its latest rejection (``None`` if it was never rejected), so
    that a rejected product can say why.
    """
    from django.db.models import Subquery

    from catalog.models import ProductCurationEvent, ProductPhoto

    last_rejection = (ProductCurationEvent.objects.filter(product=OuterRef("pk"), to_status=Product.Status.REJECTED)
                      .order_by("-created_at", "-pk"))
    return (Product.objects.filter(producer=producer).select_related("category", "stock")
            .annotate(last_rejection_reasons=Subquery(last_rejection.values("reasons")[:1]),
                      last_rejection_note=Subquery(last_rejection.values("note")[:1]))
            .prefetch_related(Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "pk")))
            .order_by("name", "pk"))


def stock_movement_list(*, product: Product, limit: int = 20):
    """Return the product's latest ``limit`` stock movements, newest first."""
    from catalog.models import StockMovement

    return StockMovement.objects.filter(product=product).order_by("-created_at", "-pk")[:limit]


# --- API (catalog.api): the same reads, shaped for lists in a fixed number of queries --------

PROGRAMME_REGENCY_CODE = "35.09"  # Kabupaten Jember, the programme's regency (as in frontend.selectors)


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
    """Return verified producers by name with their village, district and permits (two queries).

    ``commodity`` (a slug) keeps producers with a public product of that commodity.
    """
    qs = (Producer.objects.filter(verified_at__isnull=False).select_related("village__district")
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
    """Return the verified producer ``pk`` with its village and permits; else ``ProducerNotFound``."""
    producer = producer_list_public().filter(pk=pk).first()
    if producer is None:
        raise ProducerNotFound()
    return producer


def producer_list_for_member(*, user: User) -> QuerySet[Producer]:
    """Return the producers ``user`` is one of the people of (verified or not), with their permits."""
    return producer_list_for_user(user=user).prefetch_related(
        Prefetch("permits", queryset=ProducerPermit.objects.order_by("kind", "pk")))


def producer_permit_get(*, producer: Producer, kind: str) -> ProducerPermit:
    from catalog.exceptions import PermitNotFound

    permit = ProducerPermit.objects.filter(producer=producer, kind=kind).first()
    if permit is None:
        raise PermitNotFound()
    permit.producer = producer
    return permit


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


def product_list_working(*, producers) -> QuerySet[Product]:
    """Return the products of ``producers`` (ids, or a ``values("pk")`` queryset) as their editors see
    them: working copies of any status with producer, category, commodity, stock, photos and price
    tiers, and ``last_rejection_reasons`` / ``last_rejection_note`` (``None`` if never rejected).
    Four queries for any number of products."""
    from django.db.models import Subquery

    from catalog.models import ProductCurationEvent, ProductPhoto, ProductPriceTier

    last_rejection = (ProductCurationEvent.objects.filter(product=OuterRef("pk"), to_status=Product.Status.REJECTED)
                      .order_by("-created_at", "-pk"))
    return (Product.objects.filter(producer__in=producers)
            .select_related("producer", "category", "commodity", "stock")
            .annotate(last_rejection_reasons=Subquery(last_rejection.values("reasons")[:1]),
                      last_rejection_note=Subquery(last_rejection.values("note")[:1]))
            .prefetch_related(Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "pk")),
                              Prefetch("price_tiers", queryset=ProductPriceTier.objects.order_by("min_quantity")))
            .order_by("name", "pk"))


def product_get_working(*, user: User, pk: int) -> Product:
    """Return the product as ``product_list_working`` does if ``user`` may edit it; else ``ProductNotFound``."""
    product = access_product(user=user, pk=pk)
    return product_list_working(producers=[product.producer_id]).get(pk=product.pk)


def product_photo_get(*, product: Product, pk: int):
    """Return the photo ``pk`` of ``product``'s working copy; else ``PhotoNotFound``."""
    from catalog.exceptions import PhotoNotFound
    from catalog.models import ProductPhoto

    photo = ProductPhoto.objects.filter(product=product, pk=pk).first()
    if photo is None:
        raise PhotoNotFound()
    photo.product = product
    return photo
