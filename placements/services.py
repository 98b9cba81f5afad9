"""Writes of the placements app: propose and move placements, reorder for an outlet, consignment stock and money.

Every status change goes through ``placement_transition`` (the table is ``selectors.TRANSITIONS``),
every change of stock or money writes a ``PlacementEvent`` in the same transaction. Consignment
counters are updated with ``F()`` on rows locked in primary-key order; the database refuses sales
beyond what was delivered (``placement_sold_within_delivered``) whatever a caller checked before.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from buyers.models import Outlet
from buyers.selectors import buyer_organisation_is_verified
from catalog.exceptions import ProductNotFound
from catalog.selectors import product_get_public
from market.accounts.models import Organisation, User
from market.core.money import format_rupiah
from orders.documents import document_numbers_take
from orders.models import OrderLine
from orders.selectors import Shopper
from orders.services import cart_line_set
from payments.money import commission_of
from payments.services.ledger import (
    COMMISSION,
    CONSIGNMENT_CASH,
    Line,
    ledger_entry_post,
    producer_account_code,
    receivable_account_code,
)
from placements.exceptions import (
    ConsignmentInvalid,
    PlacementDuplicate,
    PlacementInvalid,
    PlacementNotFound,
    PlacementSideRequired,
    PlacementTransitionInvalid,
    SalesImportInvalid,
    SalesReportDuplicate,
    SettlementInvalid,
    SettlementPaymentInvalid,
)
from placements.models import (
    ConsignmentDelivery,
    ConsignmentDeliveryLine,
    ConsignmentSettlement,
    ConsignmentSettlementLine,
    EndReason,
    OutletRange,
    Placement,
    PlacementEvent,
    SalesReport,
    SalesReportLine,
    Side,
    Terms,
)
from placements.notifications import placement_notify_after_commit
from placements.selectors import (
    consignment_fee_rate,
    is_chain_manager,
    is_chain_member,
    is_producer_member,
    placement_side_may,
    placement_sides,
)
from showcases.models import Meeting

Status = Placement.Status
MAX_PRICE = 100_000_000  # rupiah per unit: far above any village product, below a typo
MAX_UNITS = 100_000  # units in one delivery line or one report line
MAX_NOTE = 1000
DELIVERY_NOTE_SERIES = "SJK"  # surat jalan konsinyasi
MAX_IMPORT_ROWS = 5000


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- proposing and moving placements ----------------------------------------------------------------


@dataclass(frozen=True)
class PlacementProposal:
    """What one side proposes: a product at an outlet on terms. ``consignment_price`` only for consignment."""

    outlet_id: int
    product_id: int
    terms: str
    shelf_price: int
    start_date: date
    consignment_price: int | None = None
    facings: int = 1
    low_stock_threshold: int = 0
    note: str = ""
    showcase_meeting_id: int | None = None  # the gelar produk meeting where the two sides agreed it


def _price_ok(value) -> bool:
    return _is_int(value) and 1 <= value <= MAX_PRICE


# Each field's check and message: a table, not a ladder.
PROPOSAL_RULES: dict[str, tuple] = {
    "terms": (lambda v, p: v in Terms.values, lambda: _("Choose outright purchase or consignment.")),
    "shelf_price": (lambda v, p: _price_ok(v), lambda: _("Enter the shelf price in whole rupiah.")),
    "consignment_price": (
        lambda v, p: (v is None) if p.terms == Terms.OUTRIGHT else (_price_ok(v) and (v <= p.shelf_price
                                                                                      if _is_int(p.shelf_price)
                                                                                      else True)),
        lambda: _("For consignment, enter what the chain pays the producer per unit sold (at most the shelf "
                  "price); leave it empty for outright purchase.")),
    "start_date": (lambda v, p: isinstance(v, date), lambda: _("Enter the start date.")),
    "facings": (lambda v, p: _is_int(v) and 1 <= v <= 100, lambda: _("Enter from 1 to 100 facings.")),
    "low_stock_threshold": (lambda v, p: _is_int(v) and 0 <= v <= MAX_UNITS,
                            lambda: _("Enter a number of units (0 or more).")),
    "note": (lambda v, p: isinstance(v, str) and len(v) <= MAX_NOTE,
             lambda: _("This text is too long (at most %(count)s characters).") % {"count": MAX_NOTE}),
}


def _proposal_check(proposal: PlacementProposal) -> None:
    errors = {name: [message()] for name, (ok, message) in PROPOSAL_RULES.items()
              if not ok(getattr(proposal, name), proposal)}
    if errors:
        raise PlacementInvalid(fields=errors)


def placement_transition(*, placement: Placement, to: str, actor: User, side: str, reason: str = "",
                         note: str = "") -> Placement:
    """Move a locked placement to ``to`` if the table lets ``side`` do it, with its ``PlacementEvent``.

    The one place a placement's status changes; composes inside the caller's transaction (the
    caller has locked the row and checked that ``actor`` acts for ``side``). Declining and
    withdrawing need a note, ending a reason (and a note for "other").
    """
    if to not in dict(Status.choices) or not placement_side_may(side=side, placement=placement, to=to):
        raise PlacementTransitionInvalid()
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise PlacementInvalid(fields={"note": [_("This text is too long (at most %(count)s characters).")
                                                % {"count": MAX_NOTE}]})
    if to == Status.ENDED and (reason not in EndReason.values or (reason == EndReason.OTHER and not note)):
        raise PlacementInvalid(fields={"reason": [_("Choose why the placement ends (and explain “other”).")]})
    if to in (Status.DECLINED, Status.WITHDRAWN) and not note:
        raise PlacementInvalid(fields={"note": [_("Say why: the other side reads it.")]})
    from_status = placement.status
    placement.status = to
    placement.status_note = note
    placement.end_reason = reason if to == Status.ENDED else ""
    if to == Status.AGREED:
        placement.agreed_at = timezone.now()
    placement.save(update_fields=["status", "status_note", "end_reason", "agreed_at", "updated_at"])
    event = PlacementEvent.objects.create(placement=placement, kind=PlacementEvent.Kind.STATUS,
                                          from_status=from_status, to_status=to, side=side, actor=actor,
                                          reason=reason if to == Status.ENDED else "", note=note)
    placement_notify_after_commit(event_id=event.pk)
    return placement


@transaction.atomic
def placement_propose(*, actor: User, side: str, proposal: PlacementProposal) -> Placement:
    """Propose a product at an outlet, as the chain (its owners and managers) or as the producer (its people).

    A producer proposes to verified buyer organisations only. The other side agrees or declines.
    Raise ``PlacementInvalid`` (bad terms, unknown outlet or product), ``PlacementSideRequired`` or
    ``PlacementDuplicate`` (an open placement of the product at the outlet); nothing is written then.
    """
    _proposal_check(proposal)
    outlet = (Outlet.objects.select_related("organisation").filter(pk=proposal.outlet_id, is_active=True,
                                                                   organisation__kind=Organisation.Kind.BUYER)
              .first() if _is_int(proposal.outlet_id) else None)
    if outlet is None:
        raise PlacementInvalid(fields={"outlet": [_("Choose an outlet from the list.")]})
    try:
        product = product_get_public(pk=proposal.product_id) if _is_int(proposal.product_id) else None
    except ProductNotFound:
        product = None
    if product is None:
        raise PlacementInvalid(fields={"product": [_("Choose a product on sale.")]})
    if side == Side.BUYER:
        if not is_chain_manager(user=actor, organisation_id=outlet.organisation_id):
            raise PlacementSideRequired(_("Only an owner or manager of this buyer organisation can propose a "
                                          "placement at its outlets."))
    elif side == Side.PRODUCER:
        if not is_producer_member(user=actor, producer=product.producer):
            raise PlacementSideRequired(_("Only the producer's people can propose its products."))
        if not buyer_organisation_is_verified(organisation=outlet.organisation):
            raise PlacementInvalid(fields={"outlet": [_("Choose an outlet from the list.")]})
    else:
        raise PlacementSideRequired()
    meeting = _showcase_meeting(proposal.showcase_meeting_id, outlet=outlet, product=product)
    if Placement.objects.filter(outlet=outlet, product=product, status__in=Placement.OPEN_STATUSES).exists():
        raise PlacementDuplicate()
    try:
        with transaction.atomic():
            placement = Placement.objects.create(
                organisation=outlet.organisation, outlet=outlet, product=product, producer=product.producer,
                terms=proposal.terms, shelf_price=proposal.shelf_price,
                consignment_price=proposal.consignment_price if proposal.terms == Terms.CONSIGNMENT else None,
                start_date=proposal.start_date, facings=proposal.facings,
                low_stock_threshold=proposal.low_stock_threshold, proposed_by=side, created_by=actor,
                note=proposal.note.strip(), showcase_meeting=meeting)
    except IntegrityError:  # proposed meanwhile by the other side
        raise PlacementDuplicate() from None
    event = PlacementEvent.objects.create(placement=placement, kind=PlacementEvent.Kind.STATUS,
                                          to_status=Status.PROPOSED, side=side, actor=actor, note=placement.note)
    placement_notify_after_commit(event_id=event.pk)
    return placement


def _showcase_meeting(meeting_id, *, outlet: Outlet, product) -> Meeting | None:
    """Return the showcase meeting a proposal follows: an accepted meeting of this chain with this producer."""
    if meeting_id is None:
        return None
    meeting = (Meeting.objects.filter(pk=meeting_id, status=Meeting.Status.ACCEPTED,
                                      registration__organisation_id=outlet.organisation_id,
                                      participant__producer_id=product.producer_id).first()
               if _is_int(meeting_id) else None)
    if meeting is None:
        raise PlacementInvalid(fields={"showcase_meeting": [
            _("This placement does not follow a showcase meeting of this buyer organisation with this producer.")]})
    return meeting


def _locked(placement_id: int) -> Placement:
    placement = (Placement.objects.select_for_update(of=("self",)).select_related("producer", "organisation")
                 .filter(pk=placement_id).first())
    if placement is None:
        raise PlacementNotFound()
    return placement


@transaction.atomic
def placement_status_set(*, placement: Placement, to: str, actor: User, reason: str = "",
                         note: str = "") -> Placement:
    """Agree, decline, withdraw, put on shelf or end a placement as the side ``actor`` acts for.

    The side is the one of the actor's sides the table allows (an owner of both the chain and the
    producer is not expected, but acts as whichever may). Raise ``PlacementSideRequired`` for
    someone of neither side, ``PlacementTransitionInvalid`` for a move the table does not allow.
    """
    locked = _locked(placement.pk)
    sides = placement_sides(user=actor, placement=locked)
    if not sides:
        raise PlacementSideRequired(_("Only the chain's owners and managers or the producer's people can change "
                                      "this placement."))
    side = next((s for s in sorted(sides) if placement_side_may(side=s, placement=locked, to=to)), None)
    if side is None:
        raise (PlacementSideRequired() if to in dict(Status.choices) and any(
            placement_side_may(side=s, placement=locked, to=to) for s in Side.values)
            else PlacementTransitionInvalid())
    return placement_transition(placement=locked, to=to, actor=actor, side=side, reason=reason, note=note)


# --- outright placements: reorder for the outlet ------------------------------------------------------


def placement_reorder_quantity(*, placement: Placement) -> int:
    """Return the quantity to reorder: the last order's quantity of the product to this outlet, else the
    smallest quantity the producer accepts (its minimum order, rounded up to its multiple)."""
    last = (OrderLine.objects.filter(product=placement.product, order__checkout__outlet=placement.outlet)
            .order_by("-order__created_at", "-pk").values_list("quantity", flat=True).first())
    snapshot = placement.product.approved_snapshot or {}
    multiple = snapshot.get("order_multiple") or 1
    minimum = snapshot.get("min_order_qty") or 1
    wanted = max(last or 0, minimum)
    return -(-wanted // multiple) * multiple


@transaction.atomic
def placement_reorder(*, placement: Placement, shopper: Shopper) -> int:
    """Fill the chain's cart with the placement's product for its outlet; return the quantity put in the cart.

    Outright placements agreed or on shelf only, for a member of the chain acting for it; the cart's
    own checks (stock, minimum order, multiple) apply and raise as ``cart_line_set`` does.
    """
    if (shopper.user is None or shopper.organisation is None or shopper.organisation.pk != placement.organisation_id
            or not is_chain_member(user=shopper.user, organisation_id=placement.organisation_id)):
        raise PlacementNotFound()
    if placement.terms != Terms.OUTRIGHT or placement.status not in (Status.AGREED, Status.ON_SHELF):
        raise PlacementInvalid(_("Only agreed outright placements are reordered; consignment stock is delivered "
                                 "by the producer."))
    quantity = placement_reorder_quantity(placement=placement)
    cart_line_set(shopper=shopper, product_id=placement.product_id, quantity=quantity)
    return quantity


# --- consignment: deliveries ------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryLineInput:
    placement_id: int
    quantity: int


@transaction.atomic
def consignment_delivery_record(*, actor: User, outlet: Outlet, lines: list[DeliveryLineInput],
                                delivered_on: date, note: str = "") -> ConsignmentDelivery:
    """Record stock the producer brought to an outlet on consignment, with a numbered delivery note.

    Every line is an agreed or on-shelf consignment placement of one producer at ``outlet``; the
    producer's people record it. A placement that was agreed goes on shelf with its first delivery.
    Raise ``ConsignmentInvalid`` (every problem, by line) and write nothing.
    """
    lines = [line for line in lines if not (_is_int(line.quantity) and line.quantity == 0)]
    errors: dict[str, list[str]] = {}
    if not lines:
        errors["lines"] = [_("Enter the units delivered of at least one product.")]
    if not isinstance(delivered_on, date) or delivered_on > timezone.localdate():
        errors["delivered_on"] = [_("Enter the delivery date (today or earlier).")]
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        errors["note"] = [_("This text is too long (at most %(count)s characters).") % {"count": MAX_NOTE}]
    ids = [line.placement_id for line in lines]
    if len(set(ids)) != len(ids) or not all(_is_int(i) for i in ids):
        errors["lines"] = [_("Each product once per delivery.")]
    if errors:
        raise ConsignmentInvalid(fields=errors)
    placements = {p.pk: p for p in Placement.objects.select_for_update(of=("self",)).select_related("producer")
                  .filter(pk__in=ids).order_by("pk")}
    producers = {p.producer_id for p in placements.values()}
    for index, line in enumerate(lines):
        placement = placements.get(line.placement_id)
        if (placement is None or placement.outlet_id != outlet.pk or placement.terms != Terms.CONSIGNMENT
                or placement.status not in (Status.AGREED, Status.ON_SHELF)):
            errors[f"line_{index}"] = [_("Not an agreed consignment placement at this outlet.")]
        elif not _is_int(line.quantity) or not 1 <= line.quantity <= MAX_UNITS:
            errors[f"line_{index}"] = [_("Enter a whole number of units.")]
    if errors:
        raise ConsignmentInvalid(fields=errors)
    if len(producers) != 1:
        raise ConsignmentInvalid(fields={"lines": [_("One delivery note is for one producer's products.")]})
    producer = next(iter(placements.values())).producer
    if not is_producer_member(user=actor, producer=producer):
        raise PlacementSideRequired(_("Only the producer's people record its deliveries."))
    delivery = ConsignmentDelivery.objects.create(
        number="", organisation_id=outlet.organisation_id, outlet=outlet, producer=producer,
        delivered_on=delivered_on, note=note.strip(), created_by=actor)
    for line in lines:
        placement = placements[line.placement_id]
        ConsignmentDeliveryLine.objects.create(delivery=delivery, placement=placement, quantity=line.quantity)
        Placement.objects.filter(pk=placement.pk).update(delivered=F("delivered") + line.quantity,
                                                          updated_at=timezone.now())
        PlacementEvent.objects.create(placement=placement, kind=PlacementEvent.Kind.DELIVERY, side=Side.PRODUCER,
                                      actor=actor, quantity=line.quantity)
        if placement.status == Status.AGREED:
            placement.refresh_from_db(fields=["delivered"])
            placement_transition(placement=placement, to=Status.ON_SHELF, actor=actor, side=Side.PRODUCER,
                                 note=_("First consignment delivery."))
    # the number last: the counter row's lock is held only until commit, and a rollback gives it back
    delivery.number = document_numbers_take(series=DELIVERY_NOTE_SERIES, year=delivered_on.year)[0]
    delivery.save(update_fields=["number"])
    return delivery


# --- consignment: sales reports ---------------------------------------------------------------------


@dataclass(frozen=True)
class SalesLineInput:
    placement_id: int
    sold: int
    counted: int | None = None


def _sales_line_problem(placement: Placement | None, outlet_id: int, sold, counted, stock: int) -> str:
    """Return why a sales line cannot be taken (``""`` if it can), given the placement's stock before it."""
    if placement is None or placement.outlet_id != outlet_id or placement.terms != Terms.CONSIGNMENT:
        return _("Not a consignment placement at this outlet.")
    if placement.status not in (Status.ON_SHELF, Status.ENDED):
        return _("This placement is not on shelf.")
    if not _is_int(sold) or not 0 <= sold <= MAX_UNITS:
        return _("Units sold must be a whole number, 0 or more.")
    if counted is not None and (not _is_int(counted) or counted < 0):
        return _("The stock count must be a whole number, 0 or more.")
    if sold > stock:
        return _("%(sold)s sold is more than the %(stock)s units at the outlet (delivered minus sold before).") % {
            "sold": sold, "stock": stock}
    if counted is not None and counted > stock - sold:
        return _("%(counted)s counted is more than the %(left)s units that should be left; check the delivery "
                 "notes and the count.") % {"counted": counted, "left": stock - sold}
    return ""


def _report_write(*, actor: User, outlet: Outlet, period_end: date, lines: list[tuple[Placement, int, int | None]],
                  source: str) -> SalesReport:
    """Write one checked report: its lines, the placements' counters (``F()``) and their events."""
    report = SalesReport.objects.create(organisation_id=outlet.organisation_id, outlet=outlet, period_end=period_end,
                                        source=source, reported_by=actor)
    for placement, sold, counted in lines:
        stock_after = placement.stock_at_outlet - sold
        shrinkage = stock_after - counted if counted is not None else 0
        SalesReportLine.objects.create(report=report, placement=placement, sold=sold, counted=counted,
                                       shrinkage=shrinkage)
        Placement.objects.filter(pk=placement.pk).update(sold=F("sold") + sold, shrinkage=F("shrinkage") + shrinkage,
                                                          updated_at=timezone.now())
        # keep the locked object in step: several periods of one file may name it again
        placement.sold += sold
        placement.shrinkage += shrinkage
        note = _("Counted %(counted)s, %(lost)s lost.") % {"counted": counted, "lost": shrinkage} \
            if counted is not None else ""
        PlacementEvent.objects.create(placement=placement, kind=PlacementEvent.Kind.SALES, side=Side.BUYER,
                                      actor=actor, quantity=sold, note=note)
    return report


def _period_problem(period_end) -> str:
    if not isinstance(period_end, date):
        return _("Enter the last day of the period (YYYY-MM-DD).")
    if period_end > timezone.localdate():
        return _("The period cannot end in the future.")
    return ""


@transaction.atomic
def sales_report_submit(*, actor: User, outlet: Outlet, period_end: date, lines: list[SalesLineInput]
                        ) -> SalesReport:
    """Report an outlet's consignment sales (and stock counts) for the period ending ``period_end``.

    Any member of the chain reports. Sales never exceed the stock at the outlet (delivered minus
    sold and lost before); a count below what should be left records the difference as lost
    (shrinkage). One report per outlet and period. Raise ``ConsignmentInvalid`` (by line) or
    ``SalesReportDuplicate``; nothing is written then.
    """
    if not is_chain_member(user=actor, organisation_id=outlet.organisation_id):
        raise PlacementSideRequired(_("Only the chain's people report its outlets' sales."))
    errors: dict[str, list[str]] = {}
    problem = _period_problem(period_end)
    if problem:
        errors["period_end"] = [problem]
    lines = [line for line in lines if not (line.sold == 0 and line.counted is None)]
    if not lines:
        errors["lines"] = [_("Enter the units sold or counted of at least one product.")]
    ids = [line.placement_id for line in lines]
    if len(set(ids)) != len(ids):
        errors["lines"] = [_("Each product once per report.")]
    if errors:
        raise ConsignmentInvalid(fields=errors)
    placements = {p.pk: p for p in Placement.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    checked: list[tuple[Placement, int, int | None]] = []
    for line in lines:
        placement = placements.get(line.placement_id)
        problem = _sales_line_problem(placement, outlet.pk, line.sold, line.counted,
                                      placement.stock_at_outlet if placement else 0)
        if problem or placement is None:
            errors[f"placement_{line.placement_id}"] = [problem]
        else:
            checked.append((placement, line.sold, line.counted))
    if errors:
        raise ConsignmentInvalid(fields=errors)
    if SalesReport.objects.filter(outlet=outlet, period_end=period_end).exists():
        raise SalesReportDuplicate()
    return _report_write(actor=actor, outlet=outlet, period_end=period_end, lines=checked,
                         source=SalesReport.Source.FORM)


CSV_COLUMNS = ("outlet", "product", "period_end", "sold", "stock_count")


def _csv_int(value: str):
    value = value.strip().replace(".", "")
    return int(value) if value.isdigit() else None


@transaction.atomic
def sales_report_import_csv(*, actor: User, organisation: Organisation, text: str) -> list[SalesReport]:
    """Import a chain's sales for several outlets and periods from CSV; return the reports written.

    Columns (header row, any order): ``outlet`` (the outlet's id or exact name), ``product`` (the
    product's id or SKU as placed at that outlet), ``period_end`` (YYYY-MM-DD), ``sold``,
    ``stock_count`` (empty: not counted). Every row is checked first, in file order with the stock
    each earlier row leaves; any bad row raises ``SalesImportInvalid`` with every problem by line
    number, and nothing is written.
    """
    if not is_chain_member(user=actor, organisation_id=organisation.pk):
        raise PlacementSideRequired(_("Only the chain's people report its outlets' sales."))
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise SalesImportInvalid([(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})])
    reader.fieldnames = header
    outlets = list(Outlet.objects.filter(organisation=organisation, is_active=True))
    by_id = {str(o.pk): o for o in outlets}
    by_name = {o.name.strip().lower(): o for o in outlets}
    placements = list(Placement.objects.select_for_update(of=("self",)).select_related("product")
                      .filter(organisation=organisation, terms=Terms.CONSIGNMENT).order_by("pk"))
    stock = {p.pk: p.stock_at_outlet for p in placements}
    existing = set(SalesReport.objects.filter(organisation=organisation).values_list("outlet_id", "period_end"))
    problems: list[tuple[int, str]] = []
    groups: dict[tuple[int, date], list[tuple[Placement, int, int | None]]] = defaultdict(list)
    seen: set[tuple[int, date, int]] = set()
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            problems.append((number, _("Too many rows: at most %(count)s per file.") % {"count": MAX_IMPORT_ROWS}))
            break
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        outlet = by_id.get(row["outlet"]) or by_name.get(row["outlet"].lower())
        if outlet is None:
            problems.append((number, _("Unknown outlet “%(outlet)s”.") % {"outlet": row["outlet"][:60]}))
            continue
        wanted = row["product"]
        matches = [p for p in placements if p.outlet_id == outlet.pk and p.status in (Status.ON_SHELF, Status.ENDED)
                   and (str(p.product_id) == wanted or (wanted and p.product.sku.strip().lower() == wanted.lower()))]
        if len(matches) != 1:
            problems.append((number, _("No consignment placement of product “%(product)s” at %(outlet)s.")
                             % {"product": wanted[:60], "outlet": outlet.name} if not matches
                             else _("Product “%(product)s” is ambiguous at %(outlet)s: use its id.")
                             % {"product": wanted[:60], "outlet": outlet.name}))
            continue
        placement = matches[0]
        try:
            period_end = date.fromisoformat(row["period_end"])
        except ValueError:
            problems.append((number, _("Enter the last day of the period (YYYY-MM-DD).")))
            continue
        problem = _period_problem(period_end)
        if problem:
            problems.append((number, problem))
            continue
        if (outlet.pk, period_end) in existing:
            problems.append((number, str(SalesReportDuplicate.default_message)))
            continue
        if (outlet.pk, period_end, placement.pk) in seen:
            problems.append((number, _("This product is already in the file for this outlet and period.")))
            continue
        sold = _csv_int(row["sold"])
        counted = _csv_int(row["stock_count"]) if row["stock_count"] else None
        if sold is None or (row["stock_count"] and counted is None):
            problems.append((number, _("Units sold and the stock count are whole numbers, 0 or more.")))
            continue
        problem = _sales_line_problem(placement, outlet.pk, sold, counted, stock[placement.pk])
        if problem:
            problems.append((number, problem))
            continue
        seen.add((outlet.pk, period_end, placement.pk))
        stock[placement.pk] -= sold + ((stock[placement.pk] - sold - counted) if counted is not None else 0)
        groups[(outlet.pk, period_end)].append((placement, sold, counted))
    if not problems and not groups:
        problems.append((0, _("The file has no rows.")))
    if problems:
        raise SalesImportInvalid(problems)
    outlets_by_pk = {o.pk: o for o in outlets}
    return [_report_write(actor=actor, outlet=outlets_by_pk[outlet_id], period_end=period_end, lines=lines,
                          source=SalesReport.Source.CSV)
            for (outlet_id, period_end), lines in sorted(groups.items(), key=lambda item: (item[0][1], item[0][0]))]


# --- consignment: settlement -----------------------------------------------------------------------


@dataclass(frozen=True)
class SettlementFigures:
    gross: int
    fee: int

    @property
    def net(self) -> int:
        return self.gross - self.fee


def consignment_amounts(*, sold: int, unit_price: int, rate) -> SettlementFigures:
    """Return what the chain owes for ``sold`` units at ``unit_price`` and the platform's fee at ``rate``."""
    gross = sold * unit_price
    return SettlementFigures(gross=gross, fee=commission_of(gross, rate))


@transaction.atomic
def consignment_settle(*, report: SalesReport, actor: User) -> ConsignmentSettlement:
    """Settle a sales report: one balanced ledger entry (``consignment:report:<id>``) where the chain owes the
    units sold × the agreed price (``receivable:<chain>``), each producer is owed that less the platform's
    fee (``producer:<id>``, held: pending until the chain pays, ``consignment_settlement_pay``) and the fee
    is the platform's (``commission``).

    The chain's owners and managers and officers settle. Idempotent: settling a settled report
    returns its settlement. A report with nothing sold raises ``SettlementInvalid``.
    """
    if not (actor.is_active and actor.is_officer) and not is_chain_manager(user=actor,
                                                                           organisation_id=report.organisation_id):
        raise PlacementSideRequired(_("Only the chain's owners and managers or an officer settle its sales."))
    locked = SalesReport.objects.select_for_update().get(pk=report.pk)
    existing = ConsignmentSettlement.objects.filter(report=locked).first()
    if existing is not None:
        return existing
    lines = list(SalesReportLine.objects.filter(report=locked, sold__gt=0)
                 .select_related("placement__product", "placement__producer").order_by("pk"))
    if not lines:
        raise SettlementInvalid(_("Nothing was sold in this report: there is nothing to settle."))
    parts = []
    for line in lines:
        placement = line.placement
        rate = consignment_fee_rate(category_id=placement.product.category_id)
        figures = consignment_amounts(sold=line.sold, unit_price=placement.consignment_price or 0, rate=rate)
        parts.append((line, placement, rate, figures))
    gross = sum(f.gross for *_x, f in parts)
    fee = sum(f.fee for *_x, f in parts)
    per_producer: dict[int, int] = defaultdict(int)
    for _line, placement, _rate, figures in parts:
        per_producer[placement.producer_id] += figures.net
    ledger_lines = [Line(receivable_account_code(locked.organisation_id), debit=gross)]
    ledger_lines += [Line(producer_account_code(pid), credit=amount, producer_id=pid, held=True)
                     for pid, amount in sorted(per_producer.items())]
    ledger_lines.append(Line(COMMISSION, credit=fee))
    from payments.models import LedgerEntry

    entry = ledger_entry_post(key=f"consignment:report:{locked.pk}", kind=LedgerEntry.Kind.CONSIGNMENT,
                              lines=ledger_lines, memo=f"{locked.outlet} {locked.period_end.isoformat()}")
    settlement = ConsignmentSettlement.objects.create(report=locked, organisation_id=locked.organisation_id,
                                                      ledger_entry=entry, gross=gross, fee=fee, settled_by=actor)
    for line, placement, rate, figures in parts:
        ConsignmentSettlementLine.objects.create(settlement=settlement, placement=placement,
                                                 producer_id=placement.producer_id, sold=line.sold,
                                                 unit_price=placement.consignment_price or 0, gross=figures.gross,
                                                 fee_rate=rate, fee=figures.fee)
        PlacementEvent.objects.create(placement=placement, kind=PlacementEvent.Kind.SETTLEMENT, side=Side.BUYER,
                                      actor=actor, quantity=line.sold, amount=figures.gross)
    return settlement


MAX_BANK_REFERENCE = 100


def _payment_errors(*, settlement: ConsignmentSettlement, amount, bank_reference: str, paid_on) -> dict:
    errors: dict[str, list[str]] = {}
    if not isinstance(amount, int) or isinstance(amount, bool) or amount != settlement.gross:
        errors["amount"] = [_("Record the whole amount owed, %(amount)s: part payments are not recorded here.")
                            % {"amount": format_rupiah(settlement.gross)}]
    if not bank_reference or len(bank_reference) > MAX_BANK_REFERENCE:
        errors["bank_reference"] = [_("Enter the bank statement reference (at most 100 characters).")]
    if (not isinstance(paid_on, date) or paid_on > timezone.localdate()
            or paid_on < timezone.localdate(settlement.created_at)):
        errors["paid_on"] = [_("Enter the date the money arrived: not in the future, not before the settlement.")]
    return errors


@transaction.atomic
def consignment_settlement_pay(*, settlement: ConsignmentSettlement, officer: User, amount: int,
                               bank_reference: str, paid_on: date) -> ConsignmentSettlement:
    """Record the chain's transfer for a settlement (officers): the whole amount, once.

    One balanced entry (``consignment:paid:<id>``): the cash arrives (``cash:consignment``) and the chain's
    receivable is cleared; each producer's held share is released (the held credit reversed, the same amount
    credited available for payout). A ``PlacementEvent`` per placement settled. Recording the same
    bank statement line again returns the settlement unchanged; another line for a paid settlement, a
    different amount, a future date or a statement line used elsewhere raises ``SettlementPaymentInvalid``.
    """
    if not (officer.is_active and officer.is_officer):
        raise PlacementSideRequired(_("Only programme officers record the chains' payments."))
    bank_reference = (bank_reference or "").strip() if isinstance(bank_reference, str) else ""
    locked = ConsignmentSettlement.objects.select_for_update().get(pk=settlement.pk)
    if locked.is_paid:
        if locked.bank_reference == bank_reference:
            return locked
        raise SettlementPaymentInvalid(fields={"bank_reference": [
            _("This settlement was paid already (statement %(reference)s).") % {"reference": locked.bank_reference}]})
    errors = _payment_errors(settlement=locked, amount=amount, bank_reference=bank_reference, paid_on=paid_on)
    if not errors.get("bank_reference") and ConsignmentSettlement.objects.filter(bank_reference=bank_reference).exists():
        errors["bank_reference"] = [_("This bank statement line was already recorded.")]
    if errors:
        raise SettlementPaymentInvalid(fields=errors)
    lines = list(ConsignmentSettlementLine.objects.filter(settlement=locked).order_by("pk"))
    per_producer: dict[int, int] = defaultdict(int)
    for line in lines:
        per_producer[line.producer_id] += line.net
    ledger_lines = [Line(CONSIGNMENT_CASH, debit=locked.gross),
                    Line(receivable_account_code(locked.organisation_id), credit=locked.gross)]
    for producer_id, net in sorted(per_producer.items()):
        ledger_lines += [Line(producer_account_code(producer_id), debit=net, producer_id=producer_id, held=True),
                         Line(producer_account_code(producer_id), credit=net, producer_id=producer_id)]
    from payments.models import LedgerEntry

    locked.payment_entry = ledger_entry_post(key=f"consignment:paid:{locked.pk}",
                                             kind=LedgerEntry.Kind.CONSIGNMENT_PAID, lines=ledger_lines,
                                             memo=f"{locked.payment_reference} {bank_reference}")
    locked.paid_on, locked.bank_reference, locked.paid_recorded_by = paid_on, bank_reference, officer
    locked.save(update_fields=["payment_entry", "paid_on", "bank_reference", "paid_recorded_by"])
    for line in lines:
        PlacementEvent.objects.create(placement_id=line.placement_id, kind=PlacementEvent.Kind.PAYMENT,
                                      side=Side.BUYER, actor=officer, quantity=line.sold, amount=line.gross,
                                      note=bank_reference)
    return locked


# --- shelf reports' denominator ----------------------------------------------------------------------


@transaction.atomic
def outlet_range_set(*, actor: User, outlet: Outlet, total_skus: int) -> OutletRange:
    """Record how many products (SKUs) the outlet carries in all (owners and managers of the chain)."""
    if not is_chain_manager(user=actor, organisation_id=outlet.organisation_id):
        raise PlacementSideRequired(_("Only an owner or manager of this buyer organisation can do this."))
    if not _is_int(total_skus) or not 1 <= total_skus <= 1_000_000:
        raise PlacementInvalid(fields={"total_skus": [_("Enter the number of products the outlet carries.")]})
    row, _created = OutletRange.objects.update_or_create(outlet=outlet, defaults={"total_skus": total_skus,
                                                                                  "recorded_by": actor})
    return row
