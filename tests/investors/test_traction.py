"""Traction figures are computed from real orders: they equal an independent computation on a fixture."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from investors.traction import traction_by_village, traction_period_start, village_traction
from orders.models import Order
from orders.services import cart_line_set, checkout_mark_paid
from orders.services.fulfilment import order_decline
from tests.catalog.factories import owner_of
from tests.orders.factories import business_shopper, consumer_shopper, on_sale, place, verified_producer

pytestmark = pytest.mark.django_db

COUNTED = {"placed", "accepted", "packed", "shipped", "delivered", "completed"}


def _buy(shopper, destination, product, quantity: int, *, paid: bool = True, month_back: int = 0):
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)
    checkout = place(shopper, destination=destination, method="bank_transfer")
    if paid:
        checkout_mark_paid(checkout=checkout, reference=f"ref-{checkout.pk}")
    if month_back:  # an order placed earlier: move it back in time (what the history would hold)
        when = timezone.now() - timedelta(days=31 * month_back)
        Order.objects.filter(checkout=checkout).update(created_at=when)
    return checkout


@pytest.fixture
def orders_fixture():
    """Orders of one village's two producers over three months: a consumer buying three times, a buyer
    organisation once, one unpaid checkout and one declined order (neither counts)."""
    producer_a = verified_producer()
    producer_b = verified_producer()
    kopi = on_sale(producer=producer_a, stock=500, retail_price=40_000)
    tape = on_sale(producer=producer_b, stock=500, retail_price=15_000)
    consumer, address = consumer_shopper()
    business, outlet = business_shopper()
    _buy(consumer, address, kopi, 2, month_back=2)
    _buy(consumer, address, kopi, 1, month_back=1)
    _buy(consumer, address, tape, 3)
    _buy(business, outlet, kopi, 10)
    _buy(consumer, address, tape, 4, paid=False)  # awaiting payment: not a sale
    declined = _buy(consumer, address, kopi, 1)
    order = declined.orders.get()
    order_decline(order=order, actor=owner_of(producer_a), reason="Stok habis untuk panen ini.")
    return producer_a.village_id


def _independent(code: str, since: datetime) -> dict:
    """The same figures, straight from the order rows in Python."""
    months, buyers = defaultdict(lambda: [0, 0]), defaultdict(set)
    for order in Order.objects.select_related("checkout").filter(producer__village_id=code):
        if order.status not in COUNTED or order.created_at < since:
            continue
        month = timezone.localtime(order.created_at).strftime("%m/%Y")
        months[month][0] += 1
        months[month][1] += order.subtotal
        buyer = ("o", order.checkout.organisation_id) if order.checkout.organisation_id else ("u", order.checkout.placed_by_id)
        buyers[buyer].add(order.checkout_id)
    return {"months": dict(months), "orders": sum(m[0] for m in months.values()),
            "revenue": sum(m[1] for m in months.values()), "buyers": len(buyers),
            "repeat": sum(1 for checkouts in buyers.values() if len(checkouts) >= 2)}


def test_traction_equals_an_independent_computation(orders_fixture):
    # given
    code = orders_fixture
    now = timezone.now()
    expected = _independent(code, traction_period_start(now=now))
    # when
    section, _shelves, _showcases = village_traction(village_code=code, now=now)
    summary = traction_by_village(village_codes=[code], now=now)[code]
    # then
    figures = {str(f.label): f.value for f in section.figures}
    assert figures == {"Orders": expected["orders"], "Revenue (goods)": expected["revenue"],
                       "Buyers": expected["buyers"], "Repeat buyers": expected["repeat"]}
    assert (expected["orders"], expected["buyers"], expected["repeat"]) == (4, 2, 1)  # the fixture is what we think
    assert expected["revenue"] == 2 * 40_000 + 40_000 + 3 * 15_000 + 10 * 40_000 - 0  # wholesale tiers: none set
    rows = {row[0]: (int(row[1]), row[2]) for row in section.rows}
    assert len(rows) == 12
    for month, (orders, revenue) in expected["months"].items():
        assert rows[month][0] == orders
        assert rows[month][1] == f"Rp {revenue:,}".replace(",", ".")
    assert sum(orders for orders, _revenue in rows.values()) == expected["orders"]
    assert (summary.orders, summary.revenue, summary.buyers, summary.repeat_buyers) == (
        expected["orders"], expected["revenue"], expected["buyers"], expected["repeat"])
    assert section.as_of == now and "not declined or cancelled" in str(section.source)


def test_a_village_without_orders_shows_zeros_with_their_source():
    from tests.investors.helpers import make_village

    profile = make_village("35.09.01.2002", "Jambuan")
    sections = village_traction(village_code=profile.village_id)
    assert [s.key for s in sections] == ["orders", "shelves", "showcases"]
    assert all(f.value == 0 for s in sections for f in s.figures) and all(s.source for s in sections)
    assert traction_by_village(village_codes=[profile.village_id]) == {}


def test_directory_traction_filter_keeps_villages_that_sell(orders_fixture):
    from investors.selectors import DirectoryFilters, investor_village_directory
    from tests.investors.helpers import make_village

    quiet = make_village("35.09.01.2002", "Jambuan")
    selling = [row.profile.village_id for row in investor_village_directory(filters=DirectoryFilters(traction="selling"))]
    repeat = [row.profile.village_id for row in investor_village_directory(filters=DirectoryFilters(traction="repeat"))]
    none = [row.profile.village_id for row in investor_village_directory(filters=DirectoryFilters(traction="none"))]
    assert (selling, repeat, none) == ([orders_fixture], [orders_fixture], [quiet.village_id])


def test_shelves_and_showcase_traction_equal_an_independent_count():
    """Placements of the village's products and its producers' showcase meetings, counted from the records."""
    from placements.models import Placement, SalesReportLine
    from placements.services import SalesLineInput, placement_status_set, sales_report_submit
    from showcases.models import Meeting
    from showcases.services import meeting_outcome_record
    from tests.placements.factories import agreed_placement, chain, on_shelf_with_stock, product_of
    from tests.showcases.factories import accepted_meeting, confirmed_participant, published_showcase

    producer = verified_producer()
    code = producer.village_id
    _org, owner, outlet = chain()
    shelf = on_shelf_with_stock(12, outlet=outlet, owner=owner, product=product_of(producer))
    sales_report_submit(actor=owner, outlet=outlet, period_end=timezone.localdate(),
                        lines=[SalesLineInput(shelf.pk, 5)])
    agreed_placement(product=product_of(producer))  # agreed, another chain: not on shelf yet
    declined = agreed_placement(product=product_of(producer))
    placement_status_set(placement=declined, to=Placement.Status.ENDED, actor=owner_of(producer),
                         reason="slow_sales")
    showcase = published_showcase()
    participant = confirmed_participant(showcase, producer=producer)
    meeting = accepted_meeting(showcase, participant=participant)
    meeting_outcome_record(meeting=meeting, actor=meeting.registration.registered_by, outcome="samples_requested",
                           note="Kirim 5 sampel")
    accepted_meeting(showcase, participant=participant)  # held, no outcome yet: not counted

    _orders, shelves, showcases = village_traction(village_code=code)

    placements = Placement.objects.filter(producer__village_id=code)
    on_shelf = placements.filter(status="on_shelf")
    expected_shelves = {
        "On shelves now": on_shelf.count(), "Outlets": len({p.outlet_id for p in on_shelf}),
        "Retail chains": len({p.organisation_id for p in on_shelf}),
        "Placements agreed in the period": placements.exclude(agreed_at=None).count(),
        "Units sold on consignment in the period": sum(
            line.sold for line in SalesReportLine.objects.filter(placement__producer__village_id=code)),
    }
    assert {str(f.label): f.value for f in shelves.figures} == expected_shelves == {
        "On shelves now": 1, "Outlets": 1, "Retail chains": 1, "Placements agreed in the period": 3,
        "Units sold on consignment in the period": 5}
    held = Meeting.objects.filter(participant__producer=producer).exclude(outcome="")
    figures = {str(f.label): f.value for f in showcases.figures}
    assert (figures["Meetings held"], figures["Leads"], figures["Samples requested"]) == (held.count(), 1, 1) == (1, 1, 1)
