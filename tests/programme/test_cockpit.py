"""The cockpit's figures against independent computations on the fixture (tests/programme/conftest.py)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import override_settings

from catalog.models import Product, Stage
from catalog.selectors import product_retail_readiness
from orders.models import Order
from orders.selectors import REVENUE_STATUSES
from programme.models import CommerceMonthFact, CommodityMonthFact, FactRefresh
from programme.selectors import Period, cockpit_get
from programme.services import programme_facts_refresh

pytestmark = pytest.mark.django_db


def _period(world) -> Period:
    return Period.default(today=world.today)


def _sales(*, prefix: str) -> tuple[int, int]:
    """Return (orders, revenue) of sales with producers whose village code starts with ``prefix``, counted here."""
    orders = [o for o in Order.objects.select_related("producer") if o.status in REVENUE_STATUSES
              and o.producer.village_id.startswith(prefix)]
    return len(orders), sum(o.subtotal for o in orders)


def test_funnel_counts_villages_by_stage_as_at_the_period_end(world):
    # when
    cockpit = cockpit_get(period=_period(world), today=world.today)
    # then: a and b are at coaching; c (Banyuwangi) is outside the programme
    funnel = cockpit["funnel"]
    assert funnel["funnel"]["total"] == 2
    assert funnel["funnel"]["by_stage"] == {**dict.fromkeys(Stage.values, 0), Stage.COACHING: 2}
    assert funnel["funnel"]["by_district"] == {
        "35.09.01": {**dict.fromkeys(Stage.values, 0), Stage.COACHING: 1},
        "35.09.02": {**dict.fromkeys(Stage.values, 0), Stage.COACHING: 1}}


def test_funnel_as_at_an_earlier_period_shows_the_stage_of_that_day(world):
    # given: a period ending 120 to 150 days ago, when a was at socialisation and b not yet recorded
    end = world.today - timedelta(days=150)
    period = Period.months(first=end - timedelta(days=200), last=end)
    # when
    funnel = cockpit_get(period=period, today=world.today)["funnel"]
    # then
    assert funnel["on"] == period.end
    assert funnel["funnel"]["by_stage"] == {**dict.fromkeys(Stage.values, 0), Stage.SOCIALISATION: 1}
    assert funnel["moves"][Stage.SOCIALISATION] == 1 and funnel["moves"][Stage.COACHING] == 0


def test_stage_durations_and_stuck_villages(world):
    funnel = cockpit_get(period=_period(world), today=world.today)["funnel"]
    # a: socialisation 200→100 days ago, coaching since 100 days; b: socialisation 60→30, coaching since 30
    assert funnel["durations"][Stage.SOCIALISATION] == {"count": 2, "average": 65, "median": 65}
    assert funnel["durations"][Stage.COACHING] == {"count": 2, "average": 65, "median": 65}
    assert funnel["durations"][Stage.SURVEYED] == {"count": 0, "average": None, "median": None}
    # a has not moved for 100 days (> 90): stuck; b moved 30 days ago
    assert funnel["stuck_count"] == 1
    assert [p.village_id for p in funnel["stuck"]] == ["35.09.01.2001"]
    assert funnel["moves"][Stage.SOCIALISATION] == 2 and funnel["moves"][Stage.COACHING] == 2


def test_product_figures_and_readiness_gaps_match_the_checklist_of_each_product(world):
    # when
    products = cockpit_get(period=_period(world), today=world.today)["products"]
    # then: counted independently, product by product, with the catalogue's own checklist
    listed = [p for p in Product.objects.select_related("producer", "category").filter(listed=True)
              if p.producer.village_id.startswith("35.09.")]
    checklists = [product_retail_readiness(product=p, approved=True, today=world.today) for p in listed]
    assert products["listed"] == len(listed) == 2
    assert products["retail_ready"] == sum(all(item.ok for item in items) for items in checklists)
    missing = {gap["key"]: gap["missing"] for gap in products["gaps"]}
    for key in ("barcode", "packaging", "capacity"):
        assert missing[key] == sum(1 for items in checklists for item in items if item.key == key and not item.ok)
    assert products["submitted"] == 2 and products["approved"] == 2
    assert [gap["missing"] for gap in products["gaps"]] == sorted((g["missing"] for g in products["gaps"]),
                                                                   reverse=True)


def test_commerce_figures_equal_the_orders_counted_directly(world):
    # given
    programme_facts_refresh()
    # when
    commerce = cockpit_get(period=_period(world), today=world.today)["commerce"]
    # then
    orders, revenue = _sales(prefix="35.09.")
    assert (commerce["orders"], commerce["revenue"]) == (orders, revenue)
    assert orders == 4  # a ×3 (consumer, business twice), b ×1; c is outside
    assert commerce["average_order"] == round(revenue / orders)
    assert sum(row["revenue"] for row in commerce["by_month"]) == revenue
    by_district = {row["village__district_id"]: (row["orders_sum"], row["revenue_sum"])
                   for row in commerce["by_district"]}
    assert by_district == {"35.09.01": _sales(prefix="35.09.01."), "35.09.02": _sales(prefix="35.09.02.")}
    channels = {row["channel"]: row["orders_sum"] for row in commerce["by_channel"]}
    assert channels == {"consumer_online": 2, "wholesale": 2}
    # the consumer ordered once, the business twice (with a), so one repeat buyer
    assert commerce["buyers"] == {"buyers": 2, "repeat_buyers": 1, "active_producers": 2}


def test_district_filter_restricts_every_section(world):
    programme_facts_refresh()
    cockpit = cockpit_get(period=_period(world), district="35.09.02", today=world.today)
    assert cockpit["funnel"]["funnel"]["total"] == 1
    assert cockpit["funnel"]["stuck_count"] == 0
    assert cockpit["products"]["listed"] == 1
    assert (cockpit["commerce"]["orders"], cockpit["commerce"]["revenue"]) == _sales(prefix="35.09.02.")
    assert cockpit["commerce"]["buyers"] == {"buyers": 1, "repeat_buyers": 0, "active_producers": 1}
    assert cockpit["people"]["registered"] == 1
    assert cockpit["people"]["workforce"] == {"villages": 1, "total": 80, "women": 40, "youth": 10}
    assert cockpit["people"]["sessions"] == 0  # b's session was 400 days ago, before the period


def test_period_filter_restricts_sales_and_coaching(world):
    programme_facts_refresh()
    last_year = Period.months(first=date(world.today.year - 3, 1, 1), last=date(world.today.year - 3, 12, 1))
    cockpit = cockpit_get(period=last_year, today=world.today)
    assert (cockpit["commerce"]["orders"], cockpit["commerce"]["revenue"]) == (0, 0)
    assert cockpit["people"]["sessions"] == 0
    assert cockpit["products"]["submitted"] == 0


def test_people_figures(world):
    people = cockpit_get(period=_period(world), today=world.today)["people"]
    assert people["registered"] == 2 and people["verified"] == 2
    assert people["sessions"] == 1 and people["attendances"] == 1 and people["producers_coached"] == 1
    assert (people["people"], people["women"], people["youth"]) == (25, 14, 6)
    # the latest survey of a and b (not the older ones, not c's)
    assert people["workforce"] == {"villages": 2, "total": 200, "women": 90, "youth": 40}


def test_refresh_is_incremental_and_idempotent(world):
    # given
    first = programme_facts_refresh()
    facts = sorted(CommerceMonthFact.objects.values_list("village_id", "channel", "orders", "revenue"))
    # when: nothing changed
    second = programme_facts_refresh()
    # then
    assert second.since is not None and first.since is None
    assert sorted(CommerceMonthFact.objects.values_list("village_id", "channel", "orders", "revenue")) == facts
    # when: an order is cancelled, the next run counts its month again
    order = Order.objects.filter(producer=world.producers["b"]).get()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED, status_changed_at=order.status_changed_at
                                             + timedelta(seconds=1))
    Order.objects.filter(pk=order.pk).update(updated_at=FactRefresh.objects.first().started_at + timedelta(seconds=1))
    programme_facts_refresh()
    # then
    assert not CommerceMonthFact.objects.filter(village_id="35.09.02.2001").exists()
    assert not CommodityMonthFact.objects.filter(village_id="35.09.02.2001").exists()
    assert FactRefresh.objects.count() == 3


@override_settings(PROGRAMME_REGION_CODES=["35.10"])
def test_another_regency_counts_only_its_own_villages(world):
    programme_facts_refresh()
    cockpit = cockpit_get(period=_period(world), today=world.today)
    assert cockpit["funnel"]["funnel"]["total"] == 1
    assert cockpit["funnel"]["funnel"]["by_district"].keys() == {"35.10.01"}
    assert (cockpit["commerce"]["orders"], cockpit["commerce"]["revenue"]) == _sales(prefix="35.10.")
    assert cockpit["people"]["workforce"]["total"] == 999


@override_settings(PROGRAMME_REGION_CODES=["35"])
def test_a_province_counts_every_regency_in_it(world):
    programme_facts_refresh()
    cockpit = cockpit_get(period=_period(world), today=world.today)
    assert cockpit["funnel"]["funnel"]["total"] == 3
    assert (cockpit["commerce"]["orders"], cockpit["commerce"]["revenue"]) == _sales(prefix="35.")


def test_coaching_headcount_is_checked_and_nothing_saved_when_wrong(world):
    from catalog.exceptions import CatalogInvalid
    from catalog.models import CoachingSession
    from catalog.services import coaching_session_record

    before = CoachingSession.objects.count()
    with pytest.raises(CatalogInvalid) as error:
        coaching_session_record(profile=world.profiles["a"], officer=world.officer, held_on=world.today,
                                stage=Stage.COACHING, topic="Halal", trainer="Bu Ani", people_attending=5,
                                women_attending=6, youth_attending=-1)
    assert set(error.value.fields) == {"women_attending", "youth_attending"}
    assert CoachingSession.objects.count() == before
