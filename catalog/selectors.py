"""Reads of the catalog app."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.exceptions import ProducerNotFound, ProductNotFound
from catalog.models import (
    CoachingSession,
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


def product_list_public() -> QuerySet[Product]:
    """Return products on sale: approved (listed) once, of a verified producer, in a village at or
    beyond the coaching stage.

    Show each product's ``approved_snapshot``, not its fields: those may hold changes in review.
    """
    return (Product.objects.filter(listed=True, producer__verified_at__isnull=False,
                                   producer__village__profile__stage__in=Stage.at_or_beyond(PUBLIC_FROM_STAGE))
            .select_related("producer__village__district", "category", "stock")
            .order_by("name", "pk"))


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
    from django.db.models import F

    return (Product.objects.filter(producer=producer)
            .filter(stock__on_hand__lte=F("stock__reserved") + F("stock__low_stock_threshold"))
            .select_related("stock").order_by("name", "pk"))


# --- retail readiness -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReadinessItem:
    key: str
    ok: bool
    message: str


def product_retail_readiness(*, product: Product, min_shelf_life_days: int = 180,
                             today: date | None = None) -> list[ReadinessItem]:
    """Return the checklist a modern retailer applies before listing the product.

    Food and drink (``category.requires_food_permits``) need a valid P-IRT or BPOM permit and a
    halal certificate, claimed on the product, and a shelf life of at least
    ``min_shelf_life_days``; every product needs a barcode, designed or retail-ready packaging and
    a producer with capacity.
    """
    today = today or timezone.localdate()
    valid = {permit.kind for permit in ProducerPermit.objects.filter(producer_id=product.producer_id)
             if permit.expires_on is None or permit.expires_on >= today}
    claimed = valid & set(product.certifications)
    food = product.category.requires_food_permits
    items: list[ReadinessItem] = []
    if food:
        food_permit = claimed & {PermitKind.PIRT, PermitKind.BPOM_MD, PermitKind.BPOM_ML}
        items.append(ReadinessItem("food_permit", bool(food_permit),
                                   str(_("Food permit (P-IRT or BPOM) in place.")) if food_permit
                                   else str(_("Food and drink need a valid P-IRT or BPOM permit."))))
        halal = PermitKind.HALAL in claimed
        items.append(ReadinessItem("halal", halal, str(_("Halal certified.")) if halal
                                   else str(_("Food and drink need a valid halal certificate."))))
        shelf_ok = (product.shelf_life_days or 0) >= min_shelf_life_days
        items.append(ReadinessItem("shelf_life", shelf_ok,
                                   str(_("Shelf life of at least %(days)s days.") % {"days": min_shelf_life_days})
                                   if shelf_ok else
                                   str(_("Retailers need a shelf life of at least %(days)s days.")
                                       % {"days": min_shelf_life_days})))
    items.append(ReadinessItem("barcode", bool(product.barcode),
                               str(_("EAN-13 barcode set.")) if product.barcode
                               else str(_("Add an EAN-13 barcode."))))
    packaged = product.packaging_status in (Product.Packaging.DESIGNED, Product.Packaging.RETAIL_READY)
    items.append(ReadinessItem("packaging", packaged, str(_("Packaging is designed for retail.")) if packaged
                               else str(_("Retail needs designed or retail-ready packaging."))))
    capacity = product.producer.capacity_per_month > 0
    items.append(ReadinessItem("capacity", capacity, str(_("Monthly capacity recorded.")) if capacity
                               else str(_("Record the producer's monthly capacity."))))
    return items
