"""Figures for the pages (reads only)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from catalog.models import (
    UNIT_ONE,
    Category,
    CoachingSession,
    Commodity,
    PermitKind,
    Producer,
    ProducerPermit,
    Product,
    ProductStock,
    Stage,
    Unit,
    VillagePhoto,
    VillageProfile,
)
from catalog.selectors import (
    PUBLIC_FROM_STAGE,
    category_tree,
    producer_ids_for_user,
    product_is_retail_ready,
    product_list_public,
    product_retail_readiness,
)
from market.accounts.models import Role
from market.regions.models import District, Regency, Village

PROGRAMME_REGENCY_CODE = "35.09"  # Kabupaten Jember


def programme_area_summary() -> dict:
    """Return the programme's regency with its counts of districts and villages (two queries)."""
    regency = Regency.objects.filter(code=PROGRAMME_REGENCY_CODE).first()
    if regency is None:
        return {"regency": None, "districts": 0, "villages": 0}
    return {
        "regency": regency,
        "districts": District.objects.filter(regency=regency).count(),
        "villages": Village.objects.filter(district__regency=regency).count(),
    }


# --- public catalogue pages (villages, products, producers) ---------------------------------
#
# Page-level reads over ``catalog.selectors``: public products come from ``product_list_public``
# only, and what a product page shows is its approved snapshot, never the working copy.

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
    return get(field, "")


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


def village_list_public_catalogue() -> QuerySet[Village]:
    """Return the villages whose products may be on sale (at or beyond the coaching stage)."""
    return (Village.objects.filter(profile__stage__in=Stage.at_or_beyond(PUBLIC_FROM_STAGE))
            .select_related("district").order_by("district__name", "name", "code"))


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


def producer_list_public(*, village_code: str | None = None) -> QuerySet[Producer]:
    """Return verified producers (of ``village_code``) with ``product_count``, their public products."""
    products = product_list_public().filter(producer_id=OuterRef("pk"))
    qs = (Producer.objects.filter(verified_at__isnull=False).select_related("village__district")
          .annotate(product_count=_count_subquery(products, "producer_id")).order_by("name", "pk"))
    if village_code:
        qs = qs.filter(village_id=village_code)
    return qs


def producer_get_public(*, pk: int) -> Producer | None:
    """Return the verified producer ``pk`` with its village and permits, or ``None`` (unverified or unknown)."""
    return (producer_list_public().select_related("village__profile")
            .prefetch_related(Prefetch("permits", queryset=ProducerPermit.objects.order_by("kind")))
            .filter(pk=pk).first())


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
    available = max(stock.available, 0) if stock else 0
    threshold = max(stock.low_stock_threshold if stock else 0, LOW_STOCK_NOTICE)
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


def product_public_view(product: Product) -> PublicProduct:
    """Return the approved snapshot of a public product, ready for a page (no queries beyond the
    relations ``product_list_public`` loads)."""
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
        from_price=min([price for _quantity, price in tiers] or [snapshot["retail_price"]]),
        price_tiers=tiers,
        min_order_qty=snapshot.get("min_order_qty") or 1,
        order_multiple=snapshot.get("order_multiple") or 1,
        unit=unit,
        unit_label=Unit(unit).label if unit in Unit.values else unit,
        unit_one=UNIT_ONE[Unit(unit)] if unit in Unit.values else unit,
        pack_size=_number(snapshot.get("pack_size") or 1),
        weight_grams=snapshot.get("weight_grams"),
        shelf_life_days=snapshot.get("shelf_life_days"),
        certifications=list(snapshot.get("certifications") or []),
        packaging_label=(Product.Packaging(packaging).label if packaging in Product.Packaging.values else packaging),
        barcode=snapshot.get("barcode") or "",
        producer=product.producer,
        village=product.producer.village,
        stock=_stock(product),
    )


def product_public_details(*, product: Product, today: date | None = None) -> dict:
    """Return what the product page needs beyond the snapshot: the snapshot's category (with its
    parent) and commodity, the certifications with whether a valid permit backs each, and the
    retail readiness checklist of the approved version (three queries)."""
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
                                         category=category)
    category_path = []
    if category is not None:
        if category.parent is not None:
            category_path.append({"slug": category.parent.slug, "label": localized(category.parent)})
        category_path.append({"slug": category.slug, "label": localized(category)})
    return {"category": category, "category_path": category_path, "commodity": commodity,
            "commodity_label": localized(commodity) if commodity else "", "certifications": certifications,
            "readiness": readiness, "retail_ready": product_is_retail_ready(readiness)}
