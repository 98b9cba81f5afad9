"""The cockpit's shelf, showcase and investment sections and the sales net of refunds, each figure against
a count made here from the records themselves (the fixture: tests/programme/conftest.py ``more``)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from investors.models import Interest, InterestEvent, Opportunity
from market.core.audit import AuditQuery
from orders.models import Order, OrderLine, OrderRefund
from orders.selectors import REVENUE_STATUSES
from orders.services import order_refund_mark_done
from placements.models import ConsignmentSettlementLine, Placement, PlacementEvent, SalesReportLine
from programme.models import CommerceMonthFact, CommodityMonthFact, FactRefresh
from programme.selectors import Period, audit_entry_list, cockpit_get, public_results_get
from programme.services import programme_facts_refresh
from showcases.models import LEAD_OUTCOMES, Meeting, Participant, Registration
from showcases.selectors import FOLLOW_UP_DAYS
from tests.programme.conftest import More, _refund

pytestmark = pytest.mark.django_db

JEMBER = "35.09."


def _period(world) -> Period:
    return Period.default(today=world.today)


def _in(period: Period, day: date) -> bool:
    return period.start <= day <= period.end


# --- shelves -----------------------------------------------------------------------------------


def _shelf_counts(*, prefix: str, period: Period) -> dict:
    placements = [p for p in Placement.objects.select_related("producer") if p.producer.village_id.startswith(prefix)]
    on_shelf = [p for p in placements if p.status == Placement.Status.ON_SHELF]
    ended = {e.placement_id for e in PlacementEvent.objects.filter(kind="status", to_status="ended")
             if e.placement in placements and _in(period, timezone.localdate(e.created_at))}
    lines = [line for line in SalesReportLine.objects.select_related("report", "placement__producer")
             if line.placement.producer.village_id.startswith(prefix) and _in(period, line.report.period_end)]
    settled = [line for line in ConsignmentSettlementLine.objects.select_related("settlement__report",
                                                                                  "placement__producer")
               if line.placement.producer.village_id.startswith(prefix)
               and _in(period, line.settlement.report.period_end)]
    return {
        "on_shelf": len(on_shelf), "products": len({p.product_id for p in on_shelf}),
        "outlets": len({p.outlet_id for p in on_shelf}), "chains": len({p.organisation_id for p in on_shelf}),
        "villages": len({p.producer.village_id for p in on_shelf}),
        "agreed": sum(1 for p in placements if p.agreed_at and _in(period, timezone.localdate(p.agreed_at))),
        "ended": len(ended), "units_sold": sum(line.sold for line in lines),
        "settled": sum(line.gross for line in settled), "settled_net": sum(line.gross - line.fee for line in settled),
    }


def test_shelf_figures_equal_the_placements_counted_directly(world, more):
    # when
    placements = cockpit_get(period=_period(world), today=world.today)["placements"]
    # then: p1 (a, consignment) and p2 (b) on shelf at the first chain's outlet; p3 (a) ended; p4 is Banyuwangi's
    expected = _shelf_counts(prefix=JEMBER, period=_period(world))
    assert {key: placements[key] for key in expected} == expected
    assert (expected["on_shelf"], expected["outlets"], expected["chains"], expected["agreed"], expected["ended"],
            expected["units_sold"], expected["settled"]) == (2, 1, 1, 3, 1, 6, 60_000)
    months = {row["month"]: row for row in placements["by_month"]}
    assert len(months) == 12 and sum(row["agreed"] for row in months.values()) == 3
    assert months[world.today.replace(day=1)]["agreed"] == 3
    assert sum(row["settled"] for row in months.values()) == 60_000
    by_district = {row["district_id"]: row for row in placements["by_district"]}
    for code in ("35.09.01", "35.09.02"):
        counted = _shelf_counts(prefix=code + ".", period=_period(world))
        row = by_district[code]
        assert (row["on_shelf"], row["outlets"], row["agreed"], row["ended"], row["units_sold"], row["settled"]) == (
            counted["on_shelf"], counted["outlets"], counted["agreed"], counted["ended"], counted["units_sold"],
            counted["settled"]), code
    assert [(row["village_id"], row["on_shelf"]) for row in placements["by_village"]] == [
        ("35.09.01.2001", 1), ("35.09.02.2001", 1)]


# --- showcases ---------------------------------------------------------------------------------


def _showcase_counts(*, prefix: str) -> dict:
    participants = [p for p in Participant.objects.select_related("producer", "showcase")
                    if p.status == "confirmed" and p.producer.village_id.startswith(prefix)
                    and p.showcase.starts_at <= timezone.now()]
    showcases = {p.showcase_id for p in participants}
    meetings = [m for m in Meeting.objects.select_related("participant")
                if m.participant_id in {p.pk for p in participants}]
    held = [m for m in meetings if m.status == "accepted" and m.outcome]
    orders = [o for o in Order.objects.exclude(showcase_meeting=None)
              if o.showcase_meeting_id in {m.pk for m in meetings} and o.status not in ("declined", "cancelled")
              and o.created_at <= (o.showcase_meeting.starts_at or o.showcase_meeting.created_at)
              + timedelta(days=FOLLOW_UP_DAYS)]
    return {
        "held": len(showcases), "producers": len({p.producer_id for p in participants}),
        "buyers": len({r.organisation_id for r in Registration.objects.filter(showcase_id__in=showcases,
                                                                              status="registered")}),
        "requested": len(meetings), "meetings": len(held),
        "leads": sum(1 for m in held if m.outcome in LEAD_OUTCOMES),
        "orders": len(orders), "orders_value": sum(o.total for o in orders),
        "placements": Placement.objects.filter(showcase_meeting__in=[m.pk for m in meetings],
                                               status__in=["agreed", "on_shelf", "ended"]).count(),
    }


def test_showcase_figures_equal_the_meetings_counted_directly(world, more):
    showcases = cockpit_get(period=_period(world), today=world.today)["showcases"]
    expected = _showcase_counts(prefix=JEMBER)
    assert {key: showcases[key] for key in expected} == expected
    # one showcase: a and b of Jember (c is Banyuwangi's), two chains; a met both, b met the first (the
    # second's request was never answered); an order followed the first meeting, a placement the third
    assert (expected["held"], expected["producers"], expected["buyers"], expected["requested"], expected["meetings"],
            expected["leads"], expected["orders"], expected["placements"]) == (1, 2, 2, 4, 3, 2, 1, 1)
    assert expected["orders_value"] == more.showcase_order.total
    assert {row["kind"]: row["count"] for row in showcases["outcomes"]} == {
        "no_interest": 1, "samples_requested": 0, "quote_requested": 0, "order_placed": 1, "placement_agreed": 1}
    [row] = showcases["rows"]
    assert (row["showcase"].pk, row["producers"], row["buyers"], row["meetings"], row["orders"]) == (
        more.showcase.pk, 2, 2, 3, 1)


# --- investment --------------------------------------------------------------------------------


def _investment_counts(*, prefix: str, period: Period) -> dict:
    interests = [i for i in Interest.objects.select_related("village") if i.village.village_id.startswith(prefix)]
    expressed = [i for i in interests if _in(period, timezone.localdate(i.created_at))]
    events = [e for e in InterestEvent.objects.filter(kind="status") if e.interest in interests
              and _in(period, e.happened_on)]
    committed = [e.interest for e in events if e.to_status == "committed"]
    opportunities = [o for o in Opportunity.objects.select_related("village")
                     if o.village.village_id.startswith(prefix) and _in(period, timezone.localdate(o.created_at))]
    return {
        "expressed": len(expressed),
        "introduced": sum(1 for e in events if e.to_status == "introduced"),
        "committed": len(committed), "committed_amount": sum(i.amount or 0 for i in committed),
        "opportunities": len(opportunities), "amount_sought": sum(o.amount_sought for o in opportunities),
    }


def test_investment_figures_equal_the_interests_counted_directly(world, more):
    investment = cockpit_get(period=_period(world), today=world.today)["investment"]
    expected = _investment_counts(prefix=JEMBER, period=_period(world))
    assert {key: investment[key] for key in expected} == expected
    assert (expected["expressed"], expected["introduced"], expected["committed"], expected["committed_amount"],
            expected["opportunities"], expected["amount_sought"]) == (4, 3, 2, 250_000_000, 1, 150_000_000)
    assert investment["by_status"] == {"new": 1, "in_review": 0, "introduced": 1, "in_negotiation": 0,
                                       "committed": 2, "not_pursued": 0}
    months = {row["month"]: row for row in investment["by_month"]}
    assert months[world.today.replace(day=1)]["amount"] == 200_000_000
    assert months[(world.today - timedelta(days=40)).replace(day=1)]["amount"] == 50_000_000
    assert {row["district_id"]: (row["expressed"], row["introduced"], row["committed"], row["amount"])
            for row in investment["by_district"]} == {"35.09.01": (2, 2, 1, 200_000_000),
                                                      "35.09.02": (2, 1, 1, 50_000_000)}
    # the officers' moves are in the audit trail (the investors' own "new" is not an officer's decision)
    entries = audit_entry_list(query=AuditQuery(), kind="interest")
    moves = InterestEvent.objects.filter(kind="status").exclude(from_status="")
    assert len(entries) == moves.count() == 14
    assert {entry.officer for entry in entries} == {"Dewi Kartika"}
    assert entries[0].subject == f"#{more.interests['far_c'].pk} · Sumberagung"  # the latest move


# --- filters -----------------------------------------------------------------------------------


def test_district_and_period_filters_restrict_every_new_figure(world, more):
    # the district of b only
    kencong = cockpit_get(period=_period(world), district="35.09.02", today=world.today)
    shelves = _shelf_counts(prefix="35.09.02.", period=_period(world))
    assert {key: kencong["placements"][key] for key in shelves} == shelves
    assert (shelves["on_shelf"], shelves["agreed"], shelves["ended"], shelves["settled"]) == (1, 1, 0, 0)
    showcases = _showcase_counts(prefix="35.09.02.")
    assert {key: kencong["showcases"][key] for key in showcases} == showcases
    assert (showcases["producers"], showcases["requested"], showcases["meetings"], showcases["orders"]) == (1, 2, 1, 0)
    investment = _investment_counts(prefix="35.09.02.", period=_period(world))
    assert {key: kencong["investment"][key] for key in investment} == investment
    assert (investment["expressed"], investment["committed_amount"], investment["opportunities"]) == (2, 50_000_000, 0)
    # long ago: nothing
    old = Period.months(first=date(world.today.year - 3, 1, 1), last=date(world.today.year - 3, 12, 1))
    past = cockpit_get(period=old, today=world.today)
    assert (past["placements"]["agreed"], past["placements"]["ended"], past["placements"]["units_sold"],
            past["placements"]["settled"]) == (0, 0, 0, 0)
    assert (past["showcases"]["held"], past["showcases"]["meetings"], past["showcases"]["orders"]) == (0, 0, 0)
    assert (past["investment"]["expressed"], past["investment"]["introduced"], past["investment"]["committed"],
            past["investment"]["committed_amount"]) == (0, 0, 0, 0)
    # the month forty days ago: only b's introduction and commitment, dated then
    then = world.today - timedelta(days=40)
    month = cockpit_get(period=Period.months(first=then, last=then), today=world.today)
    assert (month["investment"]["expressed"], month["investment"]["introduced"], month["investment"]["committed"],
            month["investment"]["committed_amount"]) == (0, 1, 1, 50_000_000)
    assert _investment_counts(prefix=JEMBER, period=Period.months(first=then, last=then))["committed_amount"] \
        == 50_000_000


# --- sales net of refunds ----------------------------------------------------------------------


def _net_sales(*, prefix: str) -> tuple[int, int, int]:
    """Return (orders, revenue net of refunds paid back, refunded) of counted orders, counted here."""
    orders = [o for o in Order.objects.select_related("producer") if o.status in REVENUE_STATUSES
              and o.producer.village_id.startswith(prefix)]
    refunded = [min(sum(r.amount for r in o.refunds.all() if r.status == OrderRefund.Status.DONE), o.subtotal)
                for o in orders]
    return len(orders), sum(o.subtotal for o in orders) - sum(refunded), sum(refunded)


def test_revenue_is_net_of_refunds_and_a_refund_paid_later_changes_its_month(world):
    # given: b's order delivered and a refund of Rp 5.000 decided, not yet paid back; the sales counted
    m = More()
    _refund(world, m)
    programme_facts_refresh()
    commerce = cockpit_get(period=_period(world), today=world.today)["commerce"]
    orders, gross, refunded = _net_sales(prefix=JEMBER)
    assert refunded == 0 and (commerce["orders"], commerce["revenue"], commerce["refunded"]) == (orders, gross, 0)
    # when: the refund is paid back after the month was counted (its only change since the last run)
    FactRefresh.objects.update(started_at=timezone.now() + timedelta(hours=1))
    order_refund_mark_done(refund=m.refund, reference="re_cockpit")
    OrderRefund.objects.filter(pk=m.refund.pk).update(updated_at=timezone.now() + timedelta(hours=1, seconds=1))
    refresh = programme_facts_refresh()
    # then: that month is counted again, net of the refund
    month = timezone.localtime(m.refunded_order.created_at).date().replace(day=1)
    assert refresh.months == [month.isoformat()]
    commerce = cockpit_get(period=_period(world), today=world.today)["commerce"]
    orders, net, refunded = _net_sales(prefix=JEMBER)
    assert (refunded, net) == (5_000, gross - 5_000)
    assert (commerce["orders"], commerce["revenue"], commerce["refunded"]) == (orders, net, 5_000)
    assert commerce["average_order"] == round(net / orders)
    assert sum(row["revenue"] for row in commerce["by_month"]) == net
    by_district = {row["village__district_id"]: row["revenue_sum"] for row in commerce["by_district"]}
    assert by_district["35.09.02"] == _net_sales(prefix="35.09.02.")[1] == m.refunded_order.subtotal - 5_000
    by_village = {row["village_id"]: row["revenue_sum"] for row in commerce["by_village"]}
    assert by_village["35.09.02.2001"] == m.refunded_order.subtotal - 5_000
    assert sum(row["revenue_sum"] for row in commerce["by_channel"]) == net
    assert sum(row["revenue_sum"] for row in commerce["by_commodity"]) == net
    # the commodity facts share the refund over the order's lines exactly
    lines = list(OrderLine.objects.filter(order=m.refunded_order))
    assert CommodityMonthFact.objects.filter(village_id="35.09.02.2001").get().revenue == \
        sum(line.line_total for line in lines) - 5_000
    assert CommerceMonthFact.objects.filter(village_id="35.09.02.2001").get().refunded == 5_000
    # and the public results show the net revenue too
    assert public_results_get(today=world.today)["revenue"] == net
