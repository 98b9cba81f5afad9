"""Traction of villages, computed from real records, as sections that each say where their figures
come from and as of when.

A section is a function of ``TractionInput`` returning a ``TractionSection``; ``TRACTION_SECTIONS``
lists them in page order: orders and goods revenue by month and repeat buyers (``orders.selectors``),
placements of the village's products on retail shelves (``placements.selectors``) and the outcomes of
its producers' meetings at product showcases (``showcases.selectors``). Nothing is estimated or
invented: a village without records shows zeros with their source.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from market.core.money import format_rupiah
from orders.selectors import order_buyers_by_village, order_sales_by_village_month
from placements.selectors import placement_traction_for_village
from showcases.models import Outcome
from showcases.selectors import showcase_outcomes_for_village

TRACTION_MONTHS = 12


@dataclass(frozen=True)
class TractionFigure:
    label: str
    value: int
    display: str
    confidential: bool = False  # only verified investors and officers see it


@dataclass(frozen=True)
class TractionSection:
    key: str
    title: str
    source: str  # where the figures come from, in words
    as_of: datetime  # when they were computed
    period_start: date
    figures: list[TractionFigure]
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    confidential_columns: frozenset[int] = frozenset()  # indexes of ``rows`` columns hidden from the public


@dataclass(frozen=True)
class TractionInput:
    village_code: str
    since: datetime  # the first day of the first month counted, Asia/Jakarta
    now: datetime


@dataclass(frozen=True)
class VillageTractionSummary:
    """A village's orders in the period, for lists (directory, district overview, filters)."""

    orders: int = 0
    revenue: int = 0
    buyers: int = 0
    repeat_buyers: int = 0


def traction_period_start(*, now: datetime | None = None, months: int = TRACTION_MONTHS) -> datetime:
    """Return midnight of the first day of the month ``months - 1`` months before ``now``'s (Asia/Jakarta)."""
    local = timezone.localtime(now or timezone.now())
    year, month = local.year, local.month - (months - 1)
    while month < 1:
        month += 12
        year -= 1
    return local.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def _months(since: datetime, now: datetime) -> list[date]:
    current, last = since.date(), timezone.localtime(now).date().replace(day=1)
    result = []
    while current <= last:
        result.append(current)
        current = current.replace(year=current.year + 1, month=1) if current.month == 12 else \
            current.replace(month=current.month + 1)
    return result


def orders_section(data: TractionInput) -> TractionSection:
    """Orders and goods revenue per month, buyers and repeat buyers of the village's producers."""
    sales = {row.month: row for row in order_sales_by_village_month(village_codes=[data.village_code],
                                                                    since=data.since)}
    buyers = order_buyers_by_village(village_codes=[data.village_code], since=data.since).get(data.village_code)
    rows, total_orders, total_revenue = [], 0, 0
    for month in _months(data.since, data.now):
        row = sales.get(month)
        orders, revenue = (row.orders, row.revenue) if row else (0, 0)
        total_orders += orders
        total_revenue += revenue
        rows.append([month.strftime("%m/%Y"), str(orders), format_rupiah(revenue)])
    return TractionSection(
        key="orders", title=_("Orders on the marketplace"),
        source=_("Orders placed on Kampung Industri with the village's producers: paid or invoiced on terms, "
                 "not declined or cancelled. Revenue is the goods' value, without delivery fees."),
        as_of=data.now, period_start=data.since.date(),
        figures=[
            TractionFigure(_("Orders"), total_orders, str(total_orders)),
            TractionFigure(_("Revenue (goods)"), total_revenue, format_rupiah(total_revenue), confidential=True),
            TractionFigure(_("Buyers"), buyers.buyers if buyers else 0, str(buyers.buyers if buyers else 0)),
            TractionFigure(_("Repeat buyers"), buyers.repeat_buyers if buyers else 0,
                           str(buyers.repeat_buyers if buyers else 0)),
        ],
        headers=[_("Month"), _("Orders"), _("Revenue (goods)")], rows=rows, confidential_columns=frozenset({2}))


def shelves_section(data: TractionInput) -> TractionSection:
    """The village's products on the shelves of modern retail chains."""
    shelves = placement_traction_for_village(village_code=data.village_code, since=data.since)
    figures = [
        (_("On shelves now"), shelves.on_shelf), (_("Outlets"), shelves.outlets), (_("Retail chains"), shelves.chains),
        (_("Placements agreed in the period"), shelves.agreed_in_period),
        (_("Units sold on consignment in the period"), shelves.consignment_units_sold),
    ]
    return TractionSection(
        key="shelves", title=_("On retail shelves"),
        source=_("Placements of the village's products at outlets of retail chains, agreed by both sides on "
                 "Kampung Industri, and the sales the outlets reported for consignment stock."),
        as_of=data.now, period_start=data.since.date(),
        figures=[TractionFigure(label, value, str(value)) for label, value in figures])


def showcases_section(data: TractionInput) -> TractionSection:
    """What the village's producers' meetings at product showcases led to."""
    outcomes = showcase_outcomes_for_village(village_code=data.village_code, since=data.since)
    figures = [(_("Meetings held"), outcomes["held"]), (_("Leads"), outcomes["leads"])]
    figures += [(str(label), outcomes[kind]) for kind, label in Outcome.choices]
    return TractionSection(
        key="showcases", title=_("At product showcases"),
        source=_("Meetings of the village's producers with retail buyers at gelar produk held in the period, "
                 "with the outcome each meeting recorded."),
        as_of=data.now, period_start=data.since.date(),
        figures=[TractionFigure(label, value, str(value)) for label, value in figures])


# Page order.
TRACTION_SECTIONS: list[Callable[[TractionInput], TractionSection]] = [orders_section, shelves_section,
                                                                         showcases_section]


def village_traction(*, village_code: str, now: datetime | None = None) -> list[TractionSection]:
    """Return every traction section of a village over the last ``TRACTION_MONTHS`` calendar months."""
    now = now or timezone.now()
    data = TractionInput(village_code=village_code, since=traction_period_start(now=now), now=now)
    return [section(data) for section in TRACTION_SECTIONS]


def traction_by_village(*, village_codes: Sequence[str] | None = None,
                        now: datetime | None = None) -> dict[str, VillageTractionSummary]:
    """Return each village's orders, revenue, buyers and repeat buyers over the period (two queries)."""
    since = traction_period_start(now=now)
    totals: dict[str, list[int]] = {}
    for row in order_sales_by_village_month(village_codes=village_codes, since=since):
        counts = totals.setdefault(row.village_code, [0, 0])
        counts[0] += row.orders
        counts[1] += row.revenue
    buyers = order_buyers_by_village(village_codes=village_codes, since=since)
    result = {}
    for code in set(totals) | set(buyers):
        orders, revenue = totals.get(code, [0, 0])
        who = buyers.get(code)
        result[code] = VillageTractionSummary(orders=orders, revenue=revenue, buyers=who.buyers if who else 0,
                                              repeat_buyers=who.repeat_buyers if who else 0)
    return result
