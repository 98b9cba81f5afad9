"""Products: editing, price tiers, photos and curation.

A product's fields are the producer's working copy. Approval copies the public data into
``approved_snapshot`` and lists the product; later buyer-relevant edits (anything in
``REVIEW_FIELDS``, the price tiers or the photos) send the working copy back to curation while
the snapshot stays on sale. ``sku`` is internal and never needs review.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.exceptions import (
    CatalogInvalid,
    CurationOfOwnAssistedWork,
    PriceTiersInvalid,
    ProductIncomplete,
    ProductStatusInvalid,
    RejectionReasonRequired,
)
from catalog.hooks import catalog_changed
from catalog.models import (
    AssistAction,
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
from catalog.selectors import assist_touched_product_since, product_public_snapshot
from catalog.services._auth import on_behalf_of, require_officer, require_producer_editor
from market.accounts.models import User

Status = Product.Status
Assisted = AssistAction.Kind

class _Unset:
    """The value of a field a ``ProductChanges`` leaves as it is (``None`` is a real value)."""

    _instance: _Unset | None = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


@dataclass(frozen=True, kw_only=True)
class ProductChanges:
    """The working-copy fields to set on a product; a field left ``UNSET`` is not changed.

    Creating a product needs ``category``, ``name``, ``description`` and ``sku``. The service
    checks each value by ``FIELD_RULES`` (forms and serializers validate first, at the edge).
    """

    category: Category = UNSET
    commodity: Commodity | None = UNSET
    name: str = UNSET
    description: str = UNSET
    name_en: str = UNSET
    description_en: str = UNSET
    unit: str = UNSET
    pack_size: Decimal | str = UNSET
    weight_grams: int | None = UNSET
    shelf_life_days: int | None = UNSET
    certifications: list[str] | tuple[str, ...] = UNSET
    packaging_status: str = UNSET
    sku: str = UNSET
    barcode: str = UNSET
    retail_price: int = UNSET
    min_order_qty: int = UNSET
    order_multiple: int = UNSET

    def given(self) -> dict[str, Any]:
        """Return the fields this change sets, by name."""
        return {f.name: getattr(self, f.name) for f in dataclass_fields(self) if getattr(self, f.name) is not UNSET}


EDITABLE_FIELDS = frozenset(f.name for f in dataclass_fields(ProductChanges))
REVIEW_FIELDS = EDITABLE_FIELDS - {"sku"}
REQUIRED_ON_CREATE = ("category", "name", "description", "sku")

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


# --- validation: one rule per field ---------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class _Context:
    producer: Producer
    product: Product | None  # None while creating

    def others(self):
        """Return the products other than the one being changed."""
        return Product.objects.exclude(pk=self.product.pk) if self.product is not None else Product.objects.all()


Rule = Callable[[Any, _Context], Any]


def _text(*, required: bool = False, max_length: int | None = None) -> Rule:
    def rule(value, _context: _Context) -> str:
        if not isinstance(value, str):
            raise _Invalid(_("Enter text."))
        value = value.strip()
        if required and not value:
            raise _Invalid(_("This field is required."))
        if max_length is not None and len(value) > max_length:
            raise _Invalid(_("This text is too long."))
        return value
    return rule


def _instance(model, message, *, nullable: bool = False) -> Rule:
    def rule(value, _context: _Context):
        if not (isinstance(value, model) or nullable and value is None):
            raise _Invalid(message)
        return value
    return rule


def _choice(values, message) -> Rule:
    def rule(value, _context: _Context):
        if value not in values:
            raise _Invalid(message)
        return value
    return rule


def _whole(*, minimum: int, message, nullable: bool = False) -> Rule:
    def rule(value, _context: _Context):
        if nullable and value is None:
            return value
        if _int(value) is None or value < minimum:
            raise _Invalid(message)
        return value
    return rule


def _pack_size(value, _context: _Context) -> Decimal:
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _Invalid(_("Enter a number.")) from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.001")) or value >= 10**7:
        raise _Invalid(_("Enter a size greater than zero with at most three decimals."))
    return value


def _sku(value, context: _Context) -> str:
    value = _text(required=True, max_length=64)(value, context)
    if context.others().filter(producer=context.producer, sku=value).exists():
        raise _Invalid(_("Another of your products already has this SKU."))
    return value


def _barcode(value, context: _Context) -> str:
    from catalog.models import ean13_is_valid

    value = _text()(value, context)
    if not value:
        return value
    if not ean13_is_valid(value):
        raise _Invalid(_("%(value)s is not a valid EAN-13 barcode.") % {"value": value})
    if context.others().filter(barcode=value).exists():
        raise _Invalid(_("Another product already has this barcode."))
    return value


def _certifications(value, context: _Context) -> list[str]:
    if not isinstance(value, list | tuple) or any(kind not in PermitKind.values for kind in value):
        raise _Invalid(_("Unknown certification."))
    value = sorted(set(value))
    held = set(ProducerPermit.objects.filter(producer=context.producer, kind__in=value)
               .values_list("kind", flat=True))
    missing = [kind for kind in value if kind not in held]
    if missing:
        raise _Invalid(_("Record the producer's permit first: %(kinds)s.") % {
            "kinds": ", ".join(str(PermitKind(kind).label) for kind in missing)})
    return value


FIELD_RULES: dict[str, Rule] = {
    "category": _instance(Category, _("Choose a category.")),
    "commodity": _instance(Commodity, _("Choose a commodity."), nullable=True),
    "name": _text(required=True, max_length=200),
    "description": _text(required=True),
    "name_en": _text(max_length=200),
    "description_en": _text(),
    "unit": _choice(Unit.values, _("Unknown unit.")),
    "pack_size": _pack_size,
    "weight_grams": _whole(minimum=1, message=_("Enter a whole number greater than zero."), nullable=True),
    "shelf_life_days": _whole(minimum=1, message=_("Enter a whole number greater than zero."), nullable=True),
    "certifications": _certifications,
    "packaging_status": _choice(Product.Packaging.values, _("Unknown packaging status.")),
    "sku": _sku,
    "barcode": _barcode,
    "retail_price": _whole(minimum=0, message=_("Enter a price in whole rupiah.")),
    "min_order_qty": _whole(minimum=1, message=_("Enter a whole number of at least 1.")),
    "order_multiple": _whole(minimum=1, message=_("Enter a whole number of at least 1.")),
}


def _validate(*, producer: Producer, product: Product | None, changes: ProductChanges) -> dict:
    """Check and normalise the given fields by ``FIELD_RULES``; raise ``CatalogInvalid`` with every problem."""
    context = _Context(producer=producer, product=product)
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    for key, value in changes.given().items():
        try:
            clean[key] = FIELD_RULES[key](value, context)
        except _Invalid as invalid:
            errors[key] = [invalid.message]
    moq = clean.get("min_order_qty")
    if moq is not None and product is not None:
        first = product.price_tiers.order_by("min_quantity").first()
        if first is not None and first.min_quantity < moq:
            errors["min_order_qty"] = [str(
                _("The first price tier (%(quantity)s) must not be below the minimum order quantity.")
                % {"quantity": first.min_quantity})]
    if errors:
        raise CatalogInvalid(fields=errors)
    return clean


def _lock(product: Product) -> Product:
    return Product.objects.select_for_update().get(pk=product.pk)


def _status_change(*, product: Product, to_status: str, actor: User, reasons: list[str] | None = None,
                   note: str = "", on_behalf: Producer | None = None) -> ProductCurationEvent:
    """Move a locked product to ``to_status`` if the transition table allows it; record the event
    (``on_behalf``: the producer an assisting officer acts for)."""
    from_status = product.status
    if to_status not in TRANSITIONS[from_status]:
        raise ProductStatusInvalid()
    product.status = to_status
    return ProductCurationEvent.objects.create(product=product, from_status=from_status, to_status=to_status,
                                               actor=actor, reasons=reasons or [], note=note,
                                               on_behalf_of=on_behalf)


def _back_to_review(*, product: Product, actor: User, on_behalf: Producer | None = None) -> None:
    """An approved product changed in a way buyers see: review it, keep the approved version on sale."""
    if product.status == Status.APPROVED:
        _status_change(product=product, to_status=Status.SUBMITTED, actor=actor,
                       note=str(_("Changes to an approved product.")), on_behalf=on_behalf)
        product.has_pending_changes = True
    elif product.listed:
        product.has_pending_changes = True


@transaction.atomic
def product_create(*, producer: Producer, actor: User, changes: ProductChanges) -> Product:
    """Create a draft product (and its empty stock row); ``changes`` gives at least ``REQUIRED_ON_CREATE``."""
    assisted = require_producer_editor(actor, producer, action=Assisted.PRODUCT_CREATED,
                                       subject=changes.name if isinstance(changes.name, str) else "")
    missing = [key for key in REQUIRED_ON_CREATE if getattr(changes, key) is UNSET]
    if missing:
        raise CatalogInvalid(fields={key: [str(_("This field is required."))] for key in missing})
    clean = _validate(producer=producer, product=None, changes=changes)
    product = Product.objects.create(producer=producer, **clean)
    ProductStock.objects.create(product=product)
    if assisted is not None:
        assisted.product = product
        assisted.save(update_fields=["product"])
    return product


@transaction.atomic
def product_update(*, product: Product, actor: User, changes: ProductChanges) -> Product:
    """Change a product's working copy; buyer-relevant changes to an approved product go back to review."""
    assisted = require_producer_editor(actor, product.producer, action=Assisted.PRODUCT_UPDATED,
                                       subject=product.name, product=product)
    locked = _lock(product)
    clean = _validate(producer=locked.producer, product=locked, changes=changes)
    changed = {key for key, value in clean.items() if getattr(locked, key) != value}
    if not changed:
        return locked
    for key in changed:
        setattr(locked, key, clean[key])
    if changed & REVIEW_FIELDS:
        _back_to_review(product=locked, actor=actor, on_behalf=on_behalf_of(assisted))
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
    assisted = require_producer_editor(actor, product.producer, action=Assisted.PRICE_TIERS_SET,
                                       subject=product.name, product=product)
    locked = _lock(product)
    clean = _validate_tiers(product=locked, tiers=tiers)
    current = list(locked.price_tiers.order_by("min_quantity").values_list("min_quantity", "unit_price"))
    if current == clean:
        return list(locked.price_tiers.order_by("min_quantity"))
    locked.price_tiers.all().delete()
    created = ProductPriceTier.objects.bulk_create(
        ProductPriceTier(product=locked, min_quantity=q, unit_price=p) for q, p in clean)
    _back_to_review(product=locked, actor=actor, on_behalf=on_behalf_of(assisted))
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
    assisted = require_producer_editor(actor, product.producer, action=Assisted.PRODUCT_SUBMITTED,
                                       subject=product.name, product=product)
    locked = _lock(product)
    if locked.status not in (Status.DRAFT, Status.REJECTED):
        raise ProductStatusInvalid()
    missing = product_missing_fields(locked)
    if missing:
        raise ProductIncomplete(fields=missing)
    event = _status_change(product=locked, to_status=Status.SUBMITTED, actor=actor,
                           on_behalf=on_behalf_of(assisted))
    locked.has_pending_changes = locked.listed
    locked.save(update_fields=["status", "has_pending_changes", "updated_at"])
    product.status = locked.status
    return event


def _refuse_own_assisted_work(*, product: Product, officer: User) -> None:
    """An officer never reviews what they prepared for the producer: refuse approving or rejecting a product
    the officer created, changed or submitted on the producer's behalf since its last curation decision."""
    last_decision = (product.curation_events.filter(to_status__in=(Status.APPROVED, Status.REJECTED))
                     .order_by("-created_at", "-pk").values_list("created_at", flat=True).first())
    if assist_touched_product_since(officer=officer, product_id=product.pk, since=last_decision):
        raise CurationOfOwnAssistedWork()


@transaction.atomic
def product_approve(*, product: Product, officer: User, note: str = "") -> ProductCurationEvent:
    """Approve a submitted product: its current data becomes the public, listed version."""
    require_officer(officer)
    locked = _lock(product)
    _refuse_own_assisted_work(product=locked, officer=officer)
    missing = product_missing_fields(locked)
    if locked.status == Status.SUBMITTED and missing:
        raise ProductIncomplete(fields=missing)
    event = _status_change(product=locked, to_status=Status.APPROVED, actor=officer, note=note.strip())
    locked.approved_snapshot = product_public_snapshot(locked)
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
    _refuse_own_assisted_work(product=locked, officer=officer)
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
