"""Reads of the programme app: the officers' cockpit, the public results and the audit trail.

The cockpit is built of sections (funnel, products, commerce, people, placements, showcases,
investment), each a function of the same ``Period`` and ``Area``, each answering with a fixed number
of queries and saying as of when its figures are true. A section reads its app's selectors
(``placements``, ``showcases``, ``investors``: this app sits above them all and nothing imports it).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Stage
from catalog.selectors.programme import (
    STUCK_AFTER_DAYS,
    Area,
    people_programme_figures,
    product_listed_count,
    product_programme_figures,
    village_funnel,
    village_stage_durations,
    village_stage_moves,
    village_stuck_list,
)
from investors.selectors import interest_committed_total, interest_programme_figures, interest_report_rows
from market.core.audit import AuditEntry, AuditQuery, officer_label
from market.regions.selectors import district_list, programme_region_codes
from orders.selectors import order_buyer_figures
from payments.selectors import payout_totals_by_month
from placements.selectors import placement_programme_figures, placement_report_rows, placement_shelf_totals
from programme.exceptions import PeriodInvalid
from programme.models import CommerceMonthFact, CommodityMonthFact, FactRefresh
from showcases.selectors import showcase_programme_figures

STUCK_SHOWN = 20
VILLAGES_SHOWN = 15


@dataclass(frozen=True)
class Period:
    """Whole months from ``start`` (a first day) to ``end`` (a last day)."""

    start: date
    end: date

    @classmethod
    def months(cls, *, first: date, last: date) -> Period:
        """Return the period from the month of ``first`` to the end of the month of ``last``."""
        if (first.year, first.month) > (last.year, last.month):
            raise PeriodInvalid()
        return cls(start=first.replace(day=1),
                   end=last.replace(day=calendar.monthrange(last.year, last.month)[1]))

    @classmethod
    def default(cls, *, today: date) -> Period:
        """Return the twelve months up to and including ``today``'s."""
        year, month = (today.year, today.month - 11) if today.month == 12 else (today.year - 1, today.month + 1)
        return cls.months(first=date(year, month, 1), last=today)

    def month_list(self) -> list[date]:
        months, month = [], self.start
        while month <= self.end:
            months.append(month)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return months


def programme_area(*, district: str | None = None) -> Area:
    """Return the programme's area (``settings.PROGRAMME_REGION_CODES``), narrowed to ``district``."""
    return Area(region_codes=programme_region_codes(), district=district or None)


def programme_district_list():
    """Return the districts of the programme's regions, by name."""
    return district_list(region_codes=programme_region_codes()).order_by("name", "code")


def fact_refresh_latest() -> FactRefresh | None:
    """Return the last refresh of the stored sales (their "as of"), or ``None`` before the first."""
    return FactRefresh.objects.order_by("-started_at", "-pk").first()


# --- sections -------------------------------------------------------------------------------


def funnel_section(*, area: Area, period: Period, today: date) -> dict:
    """Return the village funnel as at the period's end (or today, if sooner), per district and
    overall, the moves into each stage during the period, the days spent per stage and the stuck
    villages. Five queries."""
    on = min(period.end, today)
    funnel = village_funnel(area=area, on=on)
    stuck = village_stuck_list(area=area, on=on)
    return {
        "on": on,
        "funnel": funnel,
        "moves": village_stage_moves(area=area, start=period.start, end=on),
        "durations": village_stage_durations(area=area, on=on),
        "stuck_count": stuck.count(),
        "stuck": list(stuck[:STUCK_SHOWN]),
        "stuck_days": STUCK_AFTER_DAYS,
    }


def products_section(*, area: Area, period: Period, today: date) -> dict:
    """Return the products sent for curation and approved in the period, those on sale and retail
    ready today and the readiness items they miss, most missed first. Two queries."""
    return {"on": today, **product_programme_figures(area=area, start=period.start, end=min(period.end, today),
                                                      today=today)}


def _month_rows(queryset, period: Period) -> list[dict]:
    found = {row["month"]: row for row in queryset.values("month").annotate(
        orders_sum=Sum("orders"), revenue_sum=Sum("revenue"), refunded_sum=Sum("refunded")).order_by("month")}
    return [{"month": month, "orders": found.get(month, {}).get("orders_sum") or 0,
             "revenue": found.get(month, {}).get("revenue_sum") or 0,
             "refunded": found.get(month, {}).get("refunded_sum") or 0} for month in period.month_list()]


def _every_month(by_month: dict[date, dict[str, int]], period: Period, figures: tuple[str, ...]) -> list[dict]:
    """Return ``by_month`` (``{month: {figure: n}}``) as one row per month of ``period``, zeros where empty."""
    return [{"month": month, **{figure: by_month.get(month, {}).get(figure, 0) for figure in figures}}
            for month in period.month_list()]


def commerce_section(*, area: Area, period: Period, refresh: FactRefresh | None) -> dict:
    """Return sales in the period from the stored monthly figures (as of ``refresh``): totals,
    average order value, per month, district, village, channel and commodity, all net of the refunds
    paid back (``refunded``: what was taken off, in the month the order was placed); buyers and repeat
    buyers, and payouts to producers (live). Nine queries."""
    facts = CommerceMonthFact.objects.filter(area.q("village_id"), month__gte=period.start, month__lte=period.end)
    totals = facts.aggregate(orders=Sum("orders"), revenue=Sum("revenue"), refunded=Sum("refunded"))
    orders, revenue = totals["orders"] or 0, totals["revenue"] or 0
    by_district = list(facts.values("village__district_id", "village__district__name")
                       .annotate(orders_sum=Sum("orders"), revenue_sum=Sum("revenue"))
                       .order_by("-revenue_sum", "village__district__name"))
    by_village = list(facts.values("village_id", "village__name", "village__district__name")
                      .annotate(orders_sum=Sum("orders"), revenue_sum=Sum("revenue"))
                      .order_by("-revenue_sum", "village__name")[:VILLAGES_SHOWN])
    by_channel = list(facts.values("channel").annotate(orders_sum=Sum("orders"), revenue_sum=Sum("revenue"))
                      .order_by("-revenue_sum", "channel"))
    commodity_facts = CommodityMonthFact.objects.filter(area.q("village_id"), month__gte=period.start,
                                                        month__lte=period.end)
    by_commodity = list(commodity_facts.values("commodity_id", "commodity__name", "commodity__name_en")
                        .annotate(orders_sum=Sum("orders"), revenue_sum=Sum("revenue"))
                        .order_by("-revenue_sum", "commodity__name"))
    village_q = area.q("producer__village_id")
    payouts = payout_totals_by_month(village_q=village_q, start=period.start, end=period.end)
    return {
        "as_of": refresh.started_at if refresh else None,
        "orders": orders, "revenue": revenue, "refunded": totals["refunded"] or 0,
        "average_order": round(revenue / orders) if orders else 0,
        "by_month": _month_rows(facts, period),
        "by_district": by_district, "by_village": by_village, "by_channel": by_channel,
        "by_commodity": by_commodity,
        "buyers": order_buyer_figures(village_q=village_q, start=period.start, end=period.end),
        "payouts": payouts, "paid_out": sum(row["amount"] for row in payouts),
    }


def people_section(*, area: Area, period: Period, today: date) -> dict:
    """Return producers, coaching and workforce figures for the period (four queries)."""
    return {"on": min(period.end, today),
            **people_programme_figures(area=area, start=period.start, end=min(period.end, today))}


PLACEMENT_MONTH_FIGURES = ("agreed", "ended", "units_sold", "settled")
INVESTMENT_MONTH_FIGURES = ("expressed", "introduced", "committed", "amount")


def placements_section(*, area: Area, period: Period, today: date) -> dict:
    """Return the village products on retail shelves today (placements, products, outlets, chains,
    villages, per district and village) and, in the period, placements agreed and ended and the
    consignment units sold and settled value per month, district and village. Seven queries."""
    figures = placement_programme_figures(area=area, start=period.start, end=min(period.end, today))
    return {**figures, "on": today, "by_month": _every_month(figures["by_month"], period, PLACEMENT_MONTH_FIGURES),
            "by_village": figures["by_village"][:VILLAGES_SHOWN]}


def showcases_section(*, area: Area, period: Period, today: date) -> dict:
    """Return the showcases held in the period with the area's producers, the buyers there, the
    meetings and their outcomes, and the orders and placements that followed. Six queries."""
    return {"on": min(period.end, today),
            **showcase_programme_figures(area=area, start=period.start, end=min(period.end, today))}


def investment_section(*, area: Area, period: Period, today: date) -> dict:
    """Return the expressions of interest of the period by status today, the introductions and
    commitments (with amounts) of the period per month and district, and the opportunities posted.
    Four queries."""
    figures = interest_programme_figures(area=area, start=period.start, end=min(period.end, today))
    return {**figures, "on": today,
            "by_month": _every_month(figures["by_month"], period, INVESTMENT_MONTH_FIGURES)}


def cockpit_get(*, period: Period, district: str | None = None, today: date | None = None) -> dict:
    """Return every section of the officers' cockpit for ``period`` and ``district`` (``None``: the
    whole programme area), with ``now`` (when live figures were read)."""
    today = today or timezone.localdate()
    area = programme_area(district=district)
    refresh = fact_refresh_latest()
    return {
        "now": timezone.now(), "period": period, "district": district, "refresh": refresh,
        "funnel": funnel_section(area=area, period=period, today=today),
        "products": products_section(area=area, period=period, today=today),
        "commerce": commerce_section(area=area, period=period, refresh=refresh),
        "people": people_section(area=area, period=period, today=today),
        "placements": placements_section(area=area, period=period, today=today),
        "showcases": showcases_section(area=area, period=period, today=today),
        "investment": investment_section(area=area, period=period, today=today),
    }


# --- public results -------------------------------------------------------------------------


def public_results_get(*, today: date | None = None) -> dict:
    """Return the programme's public results: villages per stage today, products on sale, the
    villages' sales per month over the last twelve months (net of refunds), village products on retail
    shelves and the outlets they reach today, the showcases held and the investment committed over the
    last twelve months (totals only: no producer, buyer, investor or village names, no per-buyer or
    per-investor figures). Fourteen queries."""
    today = today or timezone.localdate()
    area = programme_area()
    period = Period.default(today=today)
    refresh = fact_refresh_latest()
    facts = CommerceMonthFact.objects.filter(area.q("village_id"), month__gte=period.start, month__lte=period.end)
    funnel = village_funnel(area=area, on=today)
    showcases = showcase_programme_figures(area=area, start=period.start, end=today)
    return {
        "shelves": placement_shelf_totals(area=area),
        "showcases": {figure: showcases[figure] for figure in ("held", "producers", "buyers", "meetings")},
        "committed": interest_committed_total(area=area, start=period.start, end=today),
        "now": timezone.now(), "period": period, "refresh": refresh,
        "stages": [{"stage": stage, "label": label, "count": funnel["by_stage"][stage]}
                   for stage, label in Stage.choices],
        "villages": funnel["total"],
        "products_listed": product_listed_count(area=area),
        "by_month": _month_rows(facts, period),
        "revenue": facts.aggregate(total=Sum("revenue"))["total"] or 0,
    }


def commodity_label(row: dict) -> str:
    """Return a commodity row's name in the page's language (``commodity__name``/``_en``)."""
    from catalog.selectors import localized

    if row.get("commodity_id") is None:
        return ""
    return localized({"name": row["commodity__name"], "name_en": row["commodity__name_en"]})


# --- the officers' audit trail --------------------------------------------------------------

AUDIT_KINDS = {
    "stage": _("Village stage changes"),
    "curation": _("Product curation"),
    "verification": _("Producer verification"),
    "buyer_verification": _("Buyer verification"),
    "on_behalf": _("Actions on behalf of producers"),
    "refund": _("Refunds"),
    "transfer": _("Bank transfers recorded"),
    "late_transfer": _("Late transfers decided"),
    "payout": _("Payouts paid"),
    "interest": _("Investment interest status"),
    "review": _("Reviews moderated"),
}


def audit_entry_list(*, query: AuditQuery, kind: str | None = None) -> list[AuditEntry]:
    """Return officers' decisions from every app's event tables, latest first, at most
    ``query.limit``: of ``kind`` (a key of ``AUDIT_KINDS``) or of every kind. A fixed number of
    queries (one per kind)."""
    from buyers.selectors import buyers_officer_decision_list
    from catalog.selectors.programme import catalog_officer_decision_list
    from investors.selectors import investors_officer_decision_list
    from orders.selectors import orders_officer_decision_list
    from payments.selectors import payments_officer_decision_list
    from reviews.selectors import reviews_officer_decision_list

    kinds = frozenset([kind] if kind in AUDIT_KINDS else AUDIT_KINDS)
    entries = [*catalog_officer_decision_list(query=query, kinds=kinds),
               *buyers_officer_decision_list(query=query, kinds=kinds),
               *orders_officer_decision_list(query=query, kinds=kinds),
               *payments_officer_decision_list(query=query, kinds=kinds),
               *investors_officer_decision_list(query=query, kinds=kinds),
               *reviews_officer_decision_list(query=query, kinds=kinds)]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:query.limit]


def audit_officer_choices() -> list[tuple[int, str]]:
    """Return the programme officers as ``(id, name)``, by name."""
    from market.accounts.selectors import officer_list

    return [(user.pk, officer_label(user)) for user in officer_list()]


# --- reports officers hand in ---------------------------------------------------------------

REPORTS = ("villages", "coaching", "producers", "products", "placements", "interests")


def report_rows(*, report: str, period: Period, district: str | None = None, today: date | None = None):
    """Return the rows of a report (one of ``REPORTS``) for the programme's area, narrowed to
    ``district``; ``period`` bounds the coaching sessions and the interests. A fixed number of queries."""
    from catalog.selectors.programme import (
        coaching_report_rows,
        producer_report_rows,
        product_report_rows,
        village_report_rows,
    )

    area = programme_area(district=district)
    if report == "villages":
        return village_report_rows(area=area)
    if report == "coaching":
        return coaching_report_rows(area=area, start=period.start, end=period.end)
    if report == "producers":
        return producer_report_rows(area=area)
    if report == "placements":
        return placement_report_rows(area=area)
    if report == "interests":
        return interest_report_rows(area=area, start=period.start, end=period.end)
    return product_report_rows(area=area, today=today or timezone.localdate())
