"""Products: editing, price tiers, photos and curation.

A product's fields are the producer's working copy. Approval copies the public data into
``approved_snapshot`` and lists the product; later buyer-relevant edits (anything in
``REVIEW_FIELDS``, the price tiers or the photos) send the working copy back to curation while
the snapshot stays on sale. ``sku`` is internal and never needs review.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.exceptions import (
    CatalogInvalid,
    PriceTiersInvalid,
    ProductIncomplete,
    ProductStatusInvalid,
    RejectionReasonRequired,
)
from catalog.hooks import catalog_changed
from catalog.models import (
    Category,
    Commodity,
    PermitKind,
    Producer,
    ProducerPermit,
    Product,
    ProductCurationEvent,
    ProductPriceTier,
    ProductStock,
    RejectionReason,
    Unit,
)
from catalog.services._auth import require_officer, require_producer_editor
from market.accounts.models import User

Status = Product.Status

EDITABLE_FIELDS = frozenset({
    "category", "commodity", "name", "description", "name_en", "description_en", "unit", "pack_size", "weight_grams",
    "shelf_life_days", "certifications", "packaging_status", "sku", "barcode", "retail_price", "min_order_qty",
    "order_multiple",
})
REVIEW_FIELDS = EDITABLE_FIELDS - {"sku"}

# The one table of allowed curation moves.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED}),
    Status.REJECTED: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.APPROVED, Status.REJECTED}),
    Status.APPROVED: frozenset({Status.SUBMITTED, Status.REJECTED}),
}


def _int(value) -> int | None:
    """Return ``value`` if it is a real integer (not a bool), else ``None``."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _validate(*, producer: Producer, product: Product | None, fields: dict) -> dict:
    """Check and normalise product fields; raise ``CatalogInvalid`` with every problem found."""
    from catalog.models import ean13_is_valid

    errors: dict[str, list[str]] = {}
    clean: dict = {}

    def fail(key: str, message) -> None:
        errors.setdefault(key, []).append(str(message))

    for key in fields.keys() - EDITABLE_FIELDS:
        fail(key, _("This field cannot be changed here."))
    for key, value in fields.items():
        if key not in EDITABLE_FIELDS:
            continue
        if key in {"name", "description", "name_en", "description_en", "sku", "barcode"}:
            if not isinstance(value, str):
                fail(key, _("Enter text."))
                continue
            value = value.strip()
            if key in {"name", "description", "sku"} and not value:
                fail(key, _("This field is required."))
                continue
            if key in {"name", "name_en"} and len(value) > 200 or key == "sku" and len(value) > 64:
                fail(key, _("This text is too long."))
                continue
            if key == "barcode" and value:
                if not ean13_is_valid(value):
                    fail(key, _("%(value)s is not a valid EAN-13 barcode.") % {"value": value})
                    continue
                taken = Product.objects.filter(barcode=value)
                if product is not None:
                    taken = taken.exclude(pk=product.pk)
                if taken.exists():
                    fail(key, _("Another product already has this barcode."))
                    continue
            if key == "sku":
                taken = Product.objects.filter(producer=producer, sku=value)
                if product is not None:
                    taken = taken.exclude(pk=product.pk)
                if taken.exists():
                    fail(key, _("Another of your products already has this SKU."))
                    continue
        elif key == "category":
            if not isinstance(value, Category):
                fail(key, _("Choose a category."))
                continue
        elif key == "commodity":
            if value is not None and not isinstance(value, Commodity):
                fail(key, _("Choose a commodity."))
                continue
        elif key == "unit":
            if value not in Unit.values:
                fail(key, _("Unknown unit."))
                continue
        elif key == "packaging_status":
            if value not in Product.Packaging.values:
                fail(key, _("Unknown packaging status."))
                continue
        elif key == "pack_size":
            try:
                value = Decimal(str(value))
            except (InvalidOperation, ValueError):
                fail(key, _("Enter a number."))
                continue
            if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.001")) or value >= 10**7:
                fail(key, _("Enter a size greater than zero with at most three decimals."))
                continue
        elif key in {"weight_grams", "shelf_life_days"}:
            if value is not None and (_int(value) is None or value < 1):
                fail(key, _("Enter a whole number greater than zero."))
                continue
        elif key == "retail_price":
            if _int(value) is None or value < 0:
                fail(key, _("Enter a price in whole rupiah."))
                continue
        elif key in {"min_order_qty", "order_multiple"}:
            if _int(value) is None or value < 1:
                fail(key, _("Enter a whole number of at least 1."))
                continue
        elif key == "certifications":
            if not isinstance(value, list | tuple) or any(kind not in PermitKind.values for kind in value):
                fail(key, _("Unknown certification."))
                continue
            value = sorted(set(value))
            held = set(ProducerPermit.objects.filter(producer=producer, kind__in=value).values_list("kind", flat=True))
            missing = [kind for kind in value if kind not in held]
            if missing:
                fail(key, _("Record the producer's permit first: %(kinds)s.") % {
                    "kinds": ", ".join(str(PermitKind(kind).label) for kind in missing)})
                continue
        clean[key] = value
    moq = clean.get("min_order_qty")
    if moq is not None and product is not None:
        first = product.price_tiers.order_by("min_quantity").first()
        if first is not None and first.min_quantity < moq:
            fail("min_order_qty", _("The first price tier (%(quantity)s) must not be below the minimum order quantity.")
                 % {"quantity": first.min_quantity})
    if errors:
        raise CatalogInvalid(fields=errors)
    return clean


def _public_snapshot(product: Product) -> dict:
    """Return the data buyers see, frozen at approval."""
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


def _lock(product: Product) -> Product:
    return Product.objects.select_for_update().get(pk=product.pk)


def _status_change(*, product: Product, to_status: str, actor: User, reasons: list[str] | None = None,
                   note: str = "") -> ProductCurationEvent:
    """Move a locked product to ``to_status`` if the transition table allows it; record the event."""
    from_status = product.status
    if to_status not in TRANSITIONS[from_status]:
        raise ProductStatusInvalid()
    product.status = to_status
    return ProductCurationEvent.objects.create(product=product, from_status=from_status, to_status=to_status,
                                               actor=actor, reasons=reasons or [], note=note)


def _back_to_review(*, product: Product, actor: User) -> None:
    """An approved product changed in a way buyers see: review it, keep the approved version on sale."""
    if product.status == Status.APPROVED:
        _status_change(product=product, to_status=Status.SUBMITTED, actor=actor,
                       note=str(_("Changes to an approved product.")))
        product.has_pending_changes = True
    elif product.listed:
        product.has_pending_changes = True


@transaction.atomic
def product_create(*, producer: Producer, actor: User, category: Category, name: str, description: str, sku: str,
                   **fields) -> Product:
    """Create a draft product (and its empty stock row)."""
    require_producer_editor(actor, producer)
    clean = _validate(producer=producer, product=None,
                      fields={"category": category, "name": name, "description": description, "sku": sku, **fields})
    product = Product.objects.create(producer=producer, **clean)
    ProductStock.objects.create(product=product)
    return product


@transaction.atomic
def product_update(*, product: Product, actor: User, **fields) -> Product:
    """Change a product's working copy; buyer-relevant changes to an approved product go back to review."""
    require_producer_editor(actor, product.producer)
    locked = _lock(product)
    clean = _validate(producer=locked.producer, product=locked, fields=fields)
    changed = {key for key, value in clean.items() if getattr(locked, key) != value}
    if not changed:
        return locked
    for key in changed:
        setattr(locked, key, clean[key])
    if changed & REVIEW_FIELDS:
        _back_to_review(product=locked, actor=actor)
    locked.save()
    return locked


def _validate_tiers(*, product: Product, tiers) -> list[tuple[int, int]]:
    errors: dict[str, list[str]] = {}
    clean: list[tuple[int, int]] = []
    for index, tier in enumerate(tiers, start=1):
        key = f"tier {index}"
        try:
            quantity, price = tier
        except (TypeError, ValueError):
            errors[key] = [str(_("A tier is a quantity and a unit price."))]
            continue
        if _int(quantity) is None or quantity < 1 or _int(price) is None or price < 1:
            errors[key] = [str(_("Quantity and unit price must be whole numbers greater than zero."))]
            continue
        if clean and quantity <= clean[-1][0]:
            errors[key] = [str(_("Quantities must increase from one tier to the next."))]
        elif clean and price > clean[-1][1]:
            errors[key] = [str(_("A larger quantity cannot have a higher unit price."))]
        elif not clean and quantity < product.min_order_qty:
            errors[key] = [str(_("The first tier must start at or above the minimum order quantity (%(moq)s).")
                               % {"moq": product.min_order_qty})]
        clean.append((quantity, price))
    if errors:
        raise PriceTiersInvalid(fields=errors)
    return clean


@transaction.atomic
def product_price_tiers_set(*, product: Product, tiers: list[tuple[int, int]], actor: User) -> list[ProductPriceTier]:
    """Replace the product's price tiers with ``tiers`` (``(min_quantity, unit_price)``, ascending).

    Quantities strictly increase, unit prices never increase, the first tier starts at or above
    the minimum order quantity. An empty list removes every tier.
    """
    require_producer_editor(actor, product.producer)
    locked = _lock(product)
    clean = _validate_tiers(product=locked, tiers=tiers)
    current = list(locked.price_tiers.order_by("min_quantity").values_list("min_quantity", "unit_price"))
    if current == clean:
        return list(locked.price_tiers.order_by("min_quantity"))
    locked.price_tiers.all().delete()
    created = ProductPriceTier.objects.bulk_create(
        ProductPriceTier(product=locked, min_quantity=q, unit_price=p) for q, p in clean)
    _back_to_review(product=locked, actor=actor)
    locked.save()
    return created


def product_missing_fields(product: Product) -> dict[str, list[str]]:
    """Return what must be filled in before curation (empty when complete)."""
    required = str(_("This field is required for curation."))
    missing: dict[str, list[str]] = {}
    if not product.name.strip():
        missing["name"] = [required]
    if not product.description.strip():
        missing["description"] = [required]
    if product.retail_price < 1:
        missing["retail_price"] = [str(_("Set a retail price."))]
    if product.weight_grams is None:
        missing["weight_grams"] = [required]
    if product.category.requires_food_permits and product.shelf_life_days is None:
        missing["shelf_life_days"] = [str(_("Food and drink need a shelf life."))]
    return missing


@transaction.atomic
def product_submit_for_curation(*, product: Product, actor: User) -> ProductCurationEvent:
    """Send a draft or rejected product to the officers for curation."""
    require_producer_editor(actor, product.producer)
    locked = _lock(product)
    if locked.status not in (Status.DRAFT, Status.REJECTED):
        raise ProductStatusInvalid()
    missing = product_missing_fields(locked)
    if missing:
        raise ProductIncomplete(fields=missing)
    event = _status_change(product=locked, to_status=Status.SUBMITTED, actor=actor)
    locked.has_pending_changes = locked.listed
    locked.save(update_fields=["status", "has_pending_changes", "updated_at"])
    product.status = locked.status
    return event


@transaction.atomic
def product_approve(*, product: Product, officer: User, note: str = "") -> ProductCurationEvent:
    """Approve a submitted product: its current data becomes the public, listed version."""
    require_officer(officer)
    locked = _lock(product)
    missing = product_missing_fields(locked)
    if locked.status == Status.SUBMITTED and missing:
        raise ProductIncomplete(fields=missing)
    event = _status_change(product=locked, to_status=Status.APPROVED, actor=officer, note=note.strip())
    locked.approved_snapshot = _public_snapshot(locked)
    locked.listed = True
    locked.has_pending_changes = False
    locked.approved_at = timezone.now()
    locked.approved_by = officer
    locked.save()
    catalog_changed(product_ids=[locked.pk], village_codes=[locked.producer.village_id])
    product.status, product.listed = locked.status, True
    return event


@transaction.atomic
def product_reject(*, product: Product, officer: User, reasons: list[str], note: str = "") -> ProductCurationEvent:
    """Reject a submitted product with reasons; a previously approved version stays on sale."""
    require_officer(officer)
    reasons = _reasons_clean(reasons, note)
    locked = _lock(product)
    if locked.status != Status.SUBMITTED:
        raise ProductStatusInvalid()
    event = _status_change(product=locked, to_status=Status.REJECTED, actor=officer, reasons=reasons,
                           note=note.strip())
    locked.save(update_fields=["status", "updated_at"])
    product.status = locked.status
    return event


def _reasons_clean(reasons: list[str] | None, note: str) -> list[str]:
    reasons = list(dict.fromkeys(reasons or []))
    if not reasons:
        raise RejectionReasonRequired(fields={"reasons": [str(RejectionReasonRequired.default_message)]})
    unknown = [reason for reason in reasons if reason not in RejectionReason.values]
    if unknown:
        raise CatalogInvalid(fields={"reasons": [str(_("Unknown reason: %(reason)s.") % {"reason": unknown[0]})]})
    if RejectionReason.OTHER in reasons and not note.strip():
        raise CatalogInvalid(fields={"note": [str(_("Explain the other reason in the note."))]})
    return reasons


@transaction.atomic
def product_delist(*, product: Product, officer: User, reasons: list[str], note: str = "") -> ProductCurationEvent:
    """Take a listed product off sale at once (e.g. an expired permit or a complaint), with reasons.

    The product becomes ``rejected``: its producer sees why, fixes it and submits it again; pending
    changes in review are rejected with it.
    """
    require_officer(officer)
    reasons = _reasons_clean(reasons, note)
    locked = _lock(product)
    if not locked.listed:
        raise ProductStatusInvalid(_("This product is not on sale."))
    if locked.status == Status.REJECTED:
        # Rejected changes of a listed product: only the listing goes.
        event = ProductCurationEvent.objects.create(product=locked, from_status=locked.status,
                                                    to_status=Status.REJECTED, actor=officer, reasons=reasons,
                                                    note=note.strip())
    else:
        event = _status_change(product=locked, to_status=Status.REJECTED, actor=officer, reasons=reasons,
                               note=note.strip())
    locked.listed = False
    locked.has_pending_changes = False
    locked.save(update_fields=["status", "listed", "has_pending_changes", "updated_at"])
    catalog_changed(product_ids=[locked.pk], village_codes=[locked.producer.village_id])
    product.status, product.listed = locked.status, False
    return event
