"""Reads of the placements app: placements by audience, who may do what, consignment stock, shelf reports."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Count,
    DateField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth

from buyers.models import Outlet
from catalog.models import Producer, Product
from catalog.selectors import product_list_public
from catalog.selectors.programme import Area
from market.accounts.models import Membership, Organisation, User
from market.core.csv import safe_csv_writer
from payments.models import CommissionRate
from placements.exceptions import DeliveryNotFound, PlacementNotFound, SalesReportNotFound, SettlementNotFound
from placements.models import (
    ConsignmentDelivery,
    ConsignmentSettlement,
    ConsignmentSettlementLine,
    OutletRange,
    Placement,
    PlacementEvent,
    SalesReport,
    Side,
    Terms,
)

Status = Placement.Status
BUYER_MANAGER_ROLES = (Membership.Role.OWNER, Membership.Role.MANAGER)

# Which side may move a placement from one status to another: "other" is the side that did not propose it.
TRANSITIONS: dict[str, dict[str, str]] = {
    Status.PROPOSED: {Status.AGREED: "other", Status.DECLINED: "other", Status.WITHDRAWN: "proposer"},
    Status.AGREED: {Status.ON_SHELF: "either", Status.ENDED: "either"},
    Status.ON_SHELF: {Status.ENDED: "either"},
}


def _active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _base() -> QuerySet[Placement]:
    return Placement.objects.select_related("organisation", "outlet__village__district", "product",
                                            "producer__village__district")


# --- who is who ------------------------------------------------------------------------------------


def placement_sides(*, user: User | None, placement: Placement) -> set[str]:
    """Return the sides ``user`` may act for on ``placement``: ``buyer`` (an owner or manager of the chain),
    ``producer`` (one of the producer's people)."""
    if not _active(user):
        return set()
    roles = dict(Membership.objects.filter(user=user, organisation_id__in=[
        placement.organisation_id, placement.producer.organisation_id]).values_list("organisation_id", "role"))
    sides: set[str] = set()
    if roles.get(placement.organisation_id) in BUYER_MANAGER_ROLES:
        sides.add(Side.BUYER)
    if placement.producer.organisation_id in roles:
        sides.add(Side.PRODUCER)
    return sides


def placement_side_may(*, side: str, placement: Placement, to: str) -> bool:
    """Return whether ``side`` may move ``placement`` to ``to`` by the table."""
    who = TRANSITIONS.get(placement.status, {}).get(to)
    return (who == "either" or (who == "proposer" and side == placement.proposed_by)
            or (who == "other" and side != placement.proposed_by))


def placement_allowed_moves(*, user: User | None, placement: Placement) -> list[str]:
    """Return the statuses ``user`` may move the placement to now (the buttons a page shows)."""
    sides = placement_sides(user=user, placement=placement)
    return [to for to in TRANSITIONS.get(placement.status, {})
            if any(placement_side_may(side=side, placement=placement, to=to) for side in sides)]


def is_chain_member(*, user: User | None, organisation_id: int) -> bool:
    return _active(user) and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()


def is_chain_manager(*, user: User | None, organisation_id: int) -> bool:
    return _active(user) and Membership.objects.filter(user=user, organisation_id=organisation_id,
                                                       role__in=BUYER_MANAGER_ROLES).exists()


def is_producer_member(*, user: User | None, producer: Producer) -> bool:
    return _active(user) and Membership.objects.filter(user=user, organisation_id=producer.organisation_id).exists()


# --- placements -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementFilters:
    status: str = ""
    organisation_id: int | None = None
    outlet_id: int | None = None
    village_code: str = ""
    producer_id: int | None = None
    terms: str = ""

    def apply(self, qs: QuerySet[Placement]) -> QuerySet[Placement]:
        if self.status in Status.values:
            qs = qs.filter(status=self.status)
        if self.terms in Terms.values:
            qs = qs.filter(terms=self.terms)
        if self.organisation_id:
            qs = qs.filter(organisation_id=self.organisation_id)
        if self.outlet_id:
            qs = qs.filter(outlet_id=self.outlet_id)
        if self.village_code:
            qs = qs.filter(producer__village_id=self.village_code)
        if self.producer_id:
            qs = qs.filter(producer_id=self.producer_id)
        return qs


def placement_list_for_buyer(*, organisation: Organisation, filters: PlacementFilters | None = None
                             ) -> QuerySet[Placement]:
    """Return the buyer organisation's placements, newest first (one query whatever their number)."""
    return (filters or PlacementFilters()).apply(_base().filter(organisation=organisation))


def placement_list_for_producer(*, producer: Producer, filters: PlacementFilters | None = None
                                ) -> QuerySet[Placement]:
    """Return where the producer's products are (or are proposed to be) on shelf, newest first."""
    return (filters or PlacementFilters()).apply(_base().filter(producer=producer))


def placement_list_for_officers(*, filters: PlacementFilters | None = None) -> QuerySet[Placement]:
    """Return every placement of every chain, newest first, narrowed by ``filters``."""
    return (filters or PlacementFilters()).apply(_base())


def access_placement(*, user: User | None, pk: int) -> Placement:
    """Return the placement for the people of its chain, of its producer, and officers; else ``PlacementNotFound``."""
    if user is None or not _active(user):
        raise PlacementNotFound()
    qs = _base()
    if not user.is_officer:
        organisations = Membership.objects.filter(user=user).values("organisation_id")
        qs = qs.filter(Q(organisation_id__in=organisations) | Q(producer__organisation_id__in=organisations))
    placement = qs.filter(pk=pk).first()
    if placement is None:
        raise PlacementNotFound()
    return placement


def placement_list_for_meeting(*, meeting) -> QuerySet[Placement]:
    """Return the placements proposed from a showcase meeting (``Placement.showcase_meeting``), oldest first."""
    return Placement.objects.filter(showcase_meeting=meeting).select_related("product", "outlet").order_by("pk")


def placement_event_list(*, placement: Placement) -> QuerySet[PlacementEvent]:
    return placement.events.select_related("actor").order_by("created_at", "pk")


def placement_low_stock_list(*, producer: Producer) -> QuerySet[Placement]:
    """Return the producer's consignment placements on shelf whose stock at the outlet is at or below its threshold:
    each one suggests a replenishment delivery."""
    return (_base().filter(producer=producer, terms=Terms.CONSIGNMENT, status=Status.ON_SHELF)
            .filter(delivered__lte=F("sold") + F("shrinkage") + F("low_stock_threshold"))
            .order_by("outlet__organisation__name", "outlet__name", "pk"))


def placement_deliverable_list(*, producer: Producer, outlet_id: int | None = None) -> QuerySet[Placement]:
    """Return the producer's consignment placements that can take a delivery (agreed or on shelf)."""
    qs = _base().filter(producer=producer, terms=Terms.CONSIGNMENT, status__in=[Status.AGREED, Status.ON_SHELF])
    if outlet_id:
        qs = qs.filter(outlet_id=outlet_id)
    return qs.order_by("outlet__organisation__name", "outlet__name", "product__name", "pk")


def placement_reportable_list(*, outlet: Outlet) -> QuerySet[Placement]:
    """Return the outlet's consignment placements whose sales it reports (on shelf, or ended with stock left)."""
    return (_base().filter(outlet=outlet, terms=Terms.CONSIGNMENT)
            .filter(Q(status=Status.ON_SHELF) | Q(status=Status.ENDED, delivered__gt=F("sold") + F("shrinkage")))
            .order_by("product__name", "pk"))


def proposal_outlet_list() -> QuerySet[Outlet]:
    """Return the outlets a producer may propose a placement at: active outlets of verified buyer organisations."""
    return (Outlet.objects.filter(is_active=True, organisation__kind=Organisation.Kind.BUYER,
                                  organisation__buyer_registration__status="verified")
            .select_related("organisation", "village__district").order_by("organisation__name", "name", "pk"))


def proposal_product_list(*, producer: Producer | None = None) -> QuerySet[Product]:
    """Return the products on sale that a placement may be proposed for (of ``producer`` if given)."""
    qs = product_list_public().select_related("producer__village")
    if producer is not None:
        qs = qs.filter(producer=producer)
    return qs.order_by("producer__name", "name", "pk")


def consignment_fee_rate(*, category_id: int | None) -> Decimal:
    """Return the platform's fee rate on consignment sales of a category: its ``CommissionRate``, else the
    default ``PLATFORM_COMMISSION_RATE`` (the same rates as orders)."""
    if category_id is None:
        return Decimal(settings.PLATFORM_COMMISSION_RATE)
    rate = CommissionRate.objects.filter(category_id=category_id).values_list("rate", flat=True).first()
    return rate if rate is not None else Decimal(settings.PLATFORM_COMMISSION_RATE)


# --- deliveries, reports, settlements -------------------------------------------------------------


def _member_orgs(user: User):
    return Membership.objects.filter(user=user).values("organisation_id")


def access_delivery(*, user: User | None, pk: int) -> ConsignmentDelivery:
    """Return a delivery (with its lines) for its chain's people, its producer's people and officers."""
    if user is None or not _active(user):
        raise DeliveryNotFound()
    qs = ConsignmentDelivery.objects.select_related("organisation", "outlet__village__district",
                                                    "producer__village", "created_by").prefetch_related(
        Prefetch("lines", queryset=_delivery_lines()))
    if not user.is_officer:
        qs = qs.filter(Q(organisation_id__in=_member_orgs(user)) | Q(producer__organisation_id__in=_member_orgs(user)))
    delivery = qs.filter(pk=pk).first()
    if delivery is None:
        raise DeliveryNotFound()
    return delivery


def _delivery_lines():
    from placements.models import ConsignmentDeliveryLine

    return ConsignmentDeliveryLine.objects.select_related("placement__product").order_by("pk")


def delivery_list(*, organisation: Organisation | None = None, producer: Producer | None = None
                  ) -> QuerySet[ConsignmentDelivery]:
    qs = ConsignmentDelivery.objects.select_related("outlet", "producer", "organisation").annotate(
        units=Sum("lines__quantity"))
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if producer is not None:
        qs = qs.filter(producer=producer)
    return qs.order_by("-delivered_on", "-pk")


def _report_lines():
    from placements.models import SalesReportLine

    return SalesReportLine.objects.select_related("placement__product", "placement__producer").order_by("pk")


def access_sales_report(*, user: User | None, pk: int) -> SalesReport:
    """Return a sales report (with lines and settlement) for its chain's people, officers, and the producers it names."""
    if user is None or not _active(user):
        raise SalesReportNotFound()
    qs = SalesReport.objects.select_related("organisation", "outlet", "reported_by", "settlement").prefetch_related(
        Prefetch("lines", queryset=_report_lines()))
    if not user.is_officer:
        qs = qs.filter(Q(organisation_id__in=_member_orgs(user))
                       | Q(lines__placement__producer__organisation_id__in=_member_orgs(user))).distinct()
    report = qs.filter(pk=pk).first()
    if report is None:
        raise SalesReportNotFound()
    return report


def sales_report_list(*, organisation: Organisation | None = None, producer: Producer | None = None
                      ) -> QuerySet[SalesReport]:
    qs = SalesReport.objects.select_related("outlet", "organisation", "settlement").annotate(
        units=Sum("lines__sold"))
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if producer is not None:
        qs = qs.filter(pk__in=SalesReport.objects.filter(lines__placement__producer=producer).values("pk"))
    return qs.order_by("-period_end", "-pk")


def settlement_list_for_buyer(*, organisation: Organisation) -> QuerySet[ConsignmentSettlement]:
    """Return the chain's consignment settlements (what it owes for reported sales), newest first."""
    return (ConsignmentSettlement.objects.filter(organisation=organisation)
            .select_related("report__outlet").order_by("-created_at", "-pk"))


def settlement_owed_by_buyer(*, organisation: Organisation) -> int:
    """Return the total the chain owes for settled consignment sales (its receivable in the ledger)."""
    from payments.selectors import account_balance
    from payments.services.ledger import receivable_account_code

    return account_balance(code=receivable_account_code(organisation.pk))


def settlement_line_list_for_producer(*, producer: Producer) -> QuerySet[ConsignmentSettlementLine]:
    """Return the producer's part of every consignment settlement, newest first."""
    return (ConsignmentSettlementLine.objects.filter(producer=producer)
            .select_related("settlement__report__outlet__organisation", "placement__product")
            .order_by("-settlement__created_at", "-pk"))


# --- shelf reports ---------------------------------------------------------------------------------


@dataclass
class ShelfOutletRow:
    outlet: Outlet
    on_shelf: int = 0
    villages: int = 0
    total_skus: int | None = None

    @property
    def local_share(self) -> float | None:
        return self.on_shelf / self.total_skus if self.total_skus else None

    @property
    def local_share_percent(self) -> float | None:
        return round(self.local_share * 100, 1) if self.local_share is not None else None


@dataclass
class ShelfProductRow:
    placement: Placement
    settled: int = 0
    unsettled_units: int = 0

    @property
    def unsettled_amount(self) -> int:
        return self.unsettled_units * (self.placement.consignment_price or 0)


@dataclass
class ShelfReport:
    outlets: list[ShelfOutletRow] = field(default_factory=list)
    products: list[ShelfProductRow] = field(default_factory=list)
    on_shelf: int = 0
    villages: int = 0
    reported_skus: int = 0  # summed over the outlets that reported their range
    on_shelf_where_reported: int = 0
    owed_settled: int = 0
    owed_unsettled: int = 0

    @property
    def local_share(self) -> float | None:
        return self.on_shelf_where_reported / self.reported_skus if self.reported_skus else None

    @property
    def local_share_percent(self) -> float | None:
        return round(self.local_share * 100, 1) if self.local_share is not None else None


def shelf_report(*, organisation: Organisation | None = None, outlet: Outlet | None = None) -> ShelfReport:
    """Return the shelf report of a chain (or one outlet; neither: every chain, for officers).

    Village products on shelf are its placements with status on shelf; their villages are the
    producers' villages. The share of village products is on-shelf placements over the products the
    outlet carries in all (``OutletRange``, reported by the chain), over the outlets that reported it.
    A fixed number of queries whatever the number of outlets and placements.
    """
    placements = Placement.objects.all()
    outlets = Outlet.objects.filter(is_active=True, organisation__kind=Organisation.Kind.BUYER)
    if organisation is not None:
        placements = placements.filter(organisation=organisation)
        outlets = outlets.filter(organisation=organisation)
    if outlet is not None:
        placements = placements.filter(outlet=outlet)
        outlets = outlets.filter(pk=outlet.pk)
    on_shelf = placements.filter(status=Status.ON_SHELF)
    per_outlet = {row["outlet_id"]: row for row in on_shelf.values("outlet_id").annotate(
        n=Count("pk"), v=Count("producer__village", distinct=True))}
    ranges = dict(OutletRange.objects.filter(outlet__in=outlets).values_list("outlet_id", "total_skus"))
    report = ShelfReport()
    outlet_ids = set()
    for o in outlets.select_related("organisation").order_by("organisation__name", "name", "pk"):
        row = per_outlet.get(o.pk, {})
        total = ranges.get(o.pk)
        if row.get("n", 0) == 0 and organisation is None and outlet is None:
            continue  # officers' report across chains: only outlets with village products
        outlet_ids.add(o.pk)
        report.outlets.append(ShelfOutletRow(outlet=o, on_shelf=row.get("n", 0), villages=row.get("v", 0),
                                             total_skus=total))
        if total:
            report.reported_skus += total
            report.on_shelf_where_reported += row.get("n", 0)
    report.on_shelf = on_shelf.count()
    report.villages = on_shelf.values("producer__village").distinct().count()
    settled = dict(ConsignmentSettlementLine.objects.filter(placement__in=placements).values("placement_id")
                   .annotate(g=Sum("gross")).values_list("placement_id", "g"))
    settled_units = dict(ConsignmentSettlementLine.objects.filter(placement__in=placements).values("placement_id")
                         .annotate(u=Sum("sold")).values_list("placement_id", "u"))
    for placement in (_base().filter(pk__in=placements.values("pk"))
                      .filter(Q(status=Status.ON_SHELF) | Q(sold__gt=0))
                      .order_by("outlet__organisation__name", "outlet__name", "product__name", "pk")):
        product_row = ShelfProductRow(placement=placement, settled=settled.get(placement.pk, 0),
                                      unsettled_units=placement.sold - settled_units.get(placement.pk, 0))
        report.products.append(product_row)
        report.owed_settled += product_row.settled
        report.owed_unsettled += product_row.unsettled_amount
    return report


def shelf_report_csv(*, report: ShelfReport) -> str:
    """Return the report's products as CSV (formula cells neutralised; amounts as numbers)."""
    out = io.StringIO()
    writer = safe_csv_writer(out)
    writer.writerow(["chain", "outlet", "product", "producer", "village", "terms", "status", "shelf_price",
                     "delivered", "sold", "stock_at_outlet", "sell_through_percent", "settled_rupiah",
                     "reported_not_settled_rupiah"])
    for row in report.products:
        p = row.placement
        writer.writerow([p.organisation.name, p.outlet.name, p.product.name, p.producer.name,
                         p.producer.village.name, p.terms, p.status, p.shelf_price, p.delivered, p.sold,
                         p.stock_at_outlet, round(p.sell_through * 100) if p.sell_through is not None else "",
                         row.settled, row.unsettled_amount])
    return out.getvalue()


def outlet_range_get(*, outlet: Outlet) -> int | None:
    return OutletRange.objects.filter(outlet=outlet).values_list("total_skus", flat=True).first()


def chain_list_with_placements() -> QuerySet[Organisation]:
    """Return the buyer organisations that have placements (the officers' filter), by name."""
    return Organisation.objects.filter(kind=Organisation.Kind.BUYER, placements__isnull=False).distinct().order_by(
        "name", "pk")


# --- what one person may see (the API's lists) ----------------------------------------------------------


def placement_list_for_user(*, user: User, filters: PlacementFilters | None = None) -> QuerySet[Placement]:
    """Return the placements of the chains and producers ``user`` is one of the people of (officers: all)."""
    qs = _base()
    if not user.is_officer:
        organisations = _member_orgs(user)
        qs = qs.filter(Q(organisation_id__in=organisations) | Q(producer__organisation_id__in=organisations))
    return (filters or PlacementFilters()).apply(qs)


def delivery_list_for_user(*, user: User) -> QuerySet[ConsignmentDelivery]:
    qs = delivery_list().prefetch_related(Prefetch("lines", queryset=_delivery_lines()))
    if not user.is_officer:
        organisations = _member_orgs(user)
        qs = qs.filter(Q(organisation_id__in=organisations) | Q(producer__organisation_id__in=organisations))
    return qs


def sales_report_list_for_user(*, user: User) -> QuerySet[SalesReport]:
    qs = sales_report_list().prefetch_related(Prefetch("lines", queryset=_report_lines()))
    if not user.is_officer:
        organisations = _member_orgs(user)
        qs = qs.filter(Q(organisation_id__in=organisations) | Q(pk__in=SalesReport.objects.filter(
            lines__placement__producer__organisation_id__in=organisations).values("pk")))
    return qs


def settlement_line_list_for_user(*, user: User) -> QuerySet[ConsignmentSettlementLine]:
    """Return the settlement lines ``user`` may see: all of its chains' settlements, its producers' own lines."""
    qs = ConsignmentSettlementLine.objects.select_related("settlement__report__outlet", "placement__product",
                                                          "producer")
    if not user.is_officer:
        organisations = _member_orgs(user)
        qs = qs.filter(Q(settlement__organisation_id__in=organisations) | Q(producer__organisation_id__in=organisations))
    return qs.order_by("-settlement__created_at", "-pk")


def member_organisation_ids(*, user: User) -> set[int]:
    return set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


@dataclass(frozen=True)
class VillageShelfTraction:
    """A village's products on retail shelves (for investors' traction)."""

    on_shelf: int  # placements on shelf now
    outlets: int  # distinct outlets they are on
    chains: int  # distinct buyer organisations
    agreed_in_period: int  # placements agreed since the period's start (on shelf, agreed or ended since)
    consignment_units_sold: int  # units reported sold on consignment, in the period's settled and open reports


def placement_traction_for_village(*, village_code: str, since) -> VillageShelfTraction:
    """Return the shelf figures of the products of a village's producers (three queries)."""
    placements = Placement.objects.filter(producer__village_id=village_code)
    on_shelf = placements.filter(status=Placement.Status.ON_SHELF).aggregate(
        n=Count("pk"), outlets=Count("outlet", distinct=True), chains=Count("organisation", distinct=True))
    agreed = placements.filter(agreed_at__gte=since).count()
    from placements.models import SalesReportLine

    sold = (SalesReportLine.objects.filter(placement__producer__village_id=village_code,
                                           report__period_end__gte=since.date())
            .aggregate(n=Sum("sold", default=0))["n"])
    return VillageShelfTraction(on_shelf=on_shelf["n"], outlets=on_shelf["outlets"], chains=on_shelf["chains"],
                                agreed_in_period=agreed, consignment_units_sold=sold)


# --- the chains' payments of consignment settlements (officers) ------------------------------------


def settlement_list_unpaid() -> QuerySet[ConsignmentSettlement]:
    """Return the settlements whose chain has not paid yet, the oldest first (officers record the transfers)."""
    return (ConsignmentSettlement.objects.filter(paid_on__isnull=True)
            .select_related("organisation", "report__outlet").order_by("created_at", "pk"))


def settlement_list_paid() -> QuerySet[ConsignmentSettlement]:
    """Return the settlements the chains have paid, the latest payment first."""
    return (ConsignmentSettlement.objects.filter(paid_on__isnull=False)
            .select_related("organisation", "report__outlet", "paid_recorded_by").order_by("-paid_on", "-pk"))


def settlement_get_for_officers(*, pk: int) -> ConsignmentSettlement:
    """Return one settlement (officers); raise ``SettlementNotFound``."""
    settlement = ConsignmentSettlement.objects.select_related("organisation", "report__outlet").filter(pk=pk).first()
    if settlement is None:
        raise SettlementNotFound()
    return settlement


# --- the programme cockpit -------------------------------------------------------------------------


def placement_shelf_totals(*, area: Area) -> dict[str, int]:
    """Return what the producers of ``area``'s villages have on retail shelves today: ``placements`` on
    shelf, distinct ``products``, ``outlets``, ``chains`` (buyer organisations) and ``villages``. One query."""
    return Placement.objects.filter(area.q("producer__village_id"), status=Status.ON_SHELF).aggregate(
        placements=Count("pk"), products=Count("product", distinct=True), outlets=Count("outlet", distinct=True),
        chains=Count("organisation", distinct=True), villages=Count("producer__village", distinct=True))


def placement_programme_figures(*, area: Area, start: date, end: date) -> dict:
    """Return the shelf figures of the programme cockpit for the products of producers in ``area``'s
    villages: placed on shelf today (placements, products, outlets, chains, villages), agreed and
    ended between ``start`` and ``end``, and the consignment units sold and their settled value (what
    the chains owe, and the producers' part after the fee) in sales reports whose period ends then.

    ``by_month`` is ``{month: {"agreed", "ended", "units_sold", "settled"}}`` (months with something
    only); ``by_district`` and ``by_village`` rows carry the same figures with ``on_shelf`` and
    ``outlets`` (today). Seven queries whatever the number of placements.
    """
    from placements.models import SalesReportLine

    placements = Placement.objects.filter(area.q("producer__village_id"))
    on_shelf = placements.filter(status=Status.ON_SHELF)
    totals = placement_shelf_totals(area=area)
    village = ("producer__village_id", "producer__village__name", "producer__village__district_id",
               "producer__village__district__name")
    through_placement = [f"placement__{name}" for name in village]
    months: dict[date, dict[str, int]] = {}
    districts: dict[str, dict] = {}
    villages: dict[str, dict] = {}
    empty = {"on_shelf": 0, "outlets": 0, "agreed": 0, "ended": 0, "units_sold": 0, "settled": 0}

    def add(row: dict, prefix: str, figure: str, value: int, *, month: bool = True) -> None:
        code, name = row[f"{prefix}producer__village_id"], row[f"{prefix}producer__village__name"]
        district, district_name = (row[f"{prefix}producer__village__district_id"],
                                   row[f"{prefix}producer__village__district__name"])
        villages.setdefault(code, {"village_id": code, "name": name, "district": district_name, **empty})[figure] += value
        districts.setdefault(district, {"district_id": district, "name": district_name, **empty})
        if figure != "outlets":  # distinct outlets of a district are counted on their own below
            districts[district][figure] += value
        if month:
            months.setdefault(row["month"], {"agreed": 0, "ended": 0, "units_sold": 0, "settled": 0})[figure] += value

    for row in on_shelf.values(*village).annotate(n=Count("pk"), outlets=Count("outlet", distinct=True)).order_by():
        add(row, "", "on_shelf", row["n"], month=False)
        add(row, "", "outlets", row["outlets"], month=False)
    for row in (on_shelf.values("producer__village__district_id", "producer__village__district__name")
                .annotate(outlets=Count("outlet", distinct=True)).order_by()):
        districts[row["producer__village__district_id"]]["outlets"] = row["outlets"]
    for row in (placements.filter(agreed_at__date__gte=start, agreed_at__date__lte=end)
                .annotate(month=TruncMonth("agreed_at", output_field=DateField())).values("month", *village)
                .annotate(n=Count("pk")).order_by()):
        add(row, "", "agreed", row["n"])
    for row in (PlacementEvent.objects.filter(area.q("placement__producer__village_id"),
                                              kind=PlacementEvent.Kind.STATUS, to_status=Status.ENDED,
                                              created_at__date__gte=start, created_at__date__lte=end)
                .annotate(month=TruncMonth("created_at", output_field=DateField()))
                .values("month", *through_placement)
                .annotate(n=Count("placement_id", distinct=True)).order_by()):
        add(row, "placement__", "ended", row["n"])
    for row in (SalesReportLine.objects.filter(area.q("placement__producer__village_id"),
                                               report__period_end__gte=start, report__period_end__lte=end)
                .annotate(month=TruncMonth("report__period_end", output_field=DateField()))
                .values("month", *through_placement).annotate(units=Sum("sold")).order_by()):
        add(row, "placement__", "units_sold", row["units"] or 0)
    settled_net = 0
    for row in (ConsignmentSettlementLine.objects.filter(area.q("placement__producer__village_id"),
                                                         settlement__report__period_end__gte=start,
                                                         settlement__report__period_end__lte=end)
                .annotate(month=TruncMonth("settlement__report__period_end", output_field=DateField()))
                .values("month", *through_placement)
                .annotate(gross=Sum("gross"), fee=Sum("fee")).order_by()):
        add(row, "placement__", "settled", row["gross"] or 0)
        settled_net += (row["gross"] or 0) - (row["fee"] or 0)
    return {
        "on_shelf": totals["placements"], "products": totals["products"], "outlets": totals["outlets"],
        "chains": totals["chains"], "villages": totals["villages"],
        **{figure: sum(row[figure] for row in months.values()) for figure in ("agreed", "ended", "units_sold",
                                                                               "settled")},
        "settled_net": settled_net, "by_month": months,
        "by_district": sorted(districts.values(), key=lambda row: (row["name"], row["district_id"])),
        "by_village": sorted(villages.values(), key=lambda row: (-row["on_shelf"], -row["settled"], row["name"])),
    }


def placement_report_rows(*, area: Area) -> QuerySet[Placement]:
    """Return every placement of the products of producers in ``area``'s villages for the programme's
    report (chain, outlet, product, producer, village, terms, status, stock and money), by chain,
    outlet and product; ``settled`` is the value settled so far. One query."""
    settled = (ConsignmentSettlementLine.objects.filter(placement_id=OuterRef("pk")).order_by()
               .values("placement_id").annotate(total=Sum("gross")).values("total"))
    return (_base().filter(area.q("producer__village_id"))
            .annotate(settled=Coalesce(Subquery(settled, output_field=BigIntegerField()), Value(0)))
            .order_by("organisation__name", "outlet__name", "product__name", "pk"))
