"""The pricing component: audience prices, wholesale tiers, minimum order, multiples, next tier, delivery, totals."""
from decimal import Decimal

import pytest

from catalog.models import Producer, Product
from orders import pricing
from orders.exceptions import QuantityInvalid
from orders.models import Audience, ProducerDeliveryRule
from tests.orders.factories import in_memory_rule

CONSUMER, BUSINESS = Audience.CONSUMER, Audience.BUSINESS


def product(pk: int, *, producer: Producer, retail: int = 35000, tiers=(), moq: int = 1, multiple: int = 1,
            name: str = "Kopi") -> Product:
    """An in-memory approved product (pricing never touches the database)."""
    item = Product(pk=pk, producer_id=producer.pk, approved_snapshot={
        "name": name, "unit": "pack", "retail_price": retail, "price_tiers": [list(t) for t in tiers],
        "min_order_qty": moq, "order_multiple": multiple, "sku": f"SKU-{pk}"})
    item.producer = producer
    return item


SIDO = Producer(pk=1, name="Sido Makmur")
TANI = Producer(pk=2, name="Tani Jaya")
KOPI = product(10, producer=SIDO, retail=35000, tiers=[(12, 30000), (60, 27000)], moq=6, multiple=6)


@pytest.mark.parametrize(("audience", "quantity", "price"), [
    (CONSUMER, 1, 35000), (CONSUMER, 12, 35000), (CONSUMER, 600, 35000),
    (BUSINESS, 6, 35000), (BUSINESS, 11, 35000), (BUSINESS, 12, 30000), (BUSINESS, 59, 30000),
    (BUSINESS, 60, 27000), (BUSINESS, 6000, 27000),
])
def test_consumers_pay_retail_and_organisations_the_tier_of_the_quantity(audience, quantity, price):
    assert pricing.unit_price(product=KOPI, audience=audience, quantity=quantity) == price


@pytest.mark.parametrize(("quantity", "problems"), [
    (6, []), (12, []), (60, []),
    (5, ["The minimum order is 6 units.", "Order in multiples of 6 units."]),
    (3, ["The minimum order is 6 units.", "Order in multiples of 6 units."]),
    (8, ["Order in multiples of 6 units."]),
    (13, ["Order in multiples of 6 units."]),
])
def test_minimum_order_and_multiple_bind_organisations(quantity, problems):
    assert pricing.quantity_problems(product=KOPI, audience=BUSINESS, quantity=quantity) == problems


@pytest.mark.parametrize("quantity", [1, 5, 7])
def test_consumers_are_not_bound_by_wholesale_rules(quantity):
    assert pricing.quantity_problems(product=KOPI, audience=CONSUMER, quantity=quantity) == []


@pytest.mark.parametrize(("quantity", "hint"), [
    (6, pricing.NextTier(more=6, quantity=12, unit_price=30000)),
    (12, pricing.NextTier(more=48, quantity=60, unit_price=27000)),
    (54, pricing.NextTier(more=6, quantity=60, unit_price=27000)),
    (60, None),
    (600, None),
])
def test_next_tier_hint(quantity, hint):
    assert pricing.next_tier(product=KOPI, audience=BUSINESS, quantity=quantity) == hint
    assert pricing.next_tier(product=KOPI, audience=CONSUMER, quantity=quantity) is None


def test_next_tier_hint_rounds_up_to_the_order_multiple():
    gula = product(11, producer=SIDO, retail=20000, tiers=[(12, 18000), (50, 15000)], moq=12, multiple=12)

    assert pricing.next_tier(product=gula, audience=BUSINESS, quantity=12) == pricing.NextTier(48, 60, 15000)


@pytest.mark.parametrize("value", [0, -3, 1.5, "2", True, None, Decimal("2"), 100_001, 10**12])
def test_quantity_must_be_a_whole_number_in_range(value):
    with pytest.raises(QuantityInvalid) as excinfo:
        pricing.quantity_clean(value)

    assert excinfo.value.code == "quantity_invalid"
    assert list(excinfo.value.fields) == ["quantity"]


def test_quantity_messages():
    messages = {}
    for value in (1.5, 0, 100_001):
        with pytest.raises(QuantityInvalid) as excinfo:
            pricing.quantity_clean(value)
        messages[value] = excinfo.value.fields["quantity"]

    assert messages == {1.5: ["Enter a whole number of units."], 0: ["Enter at least 1 unit."],
                        100_001: ["At most 100000 units of one product per order."]}
    assert pricing.quantity_clean(100_000) == 100_000


def rule(*, delivery_fee: int = 15000, courier_fee: int = 20000, **fields) -> ProducerDeliveryRule:
    """An in-memory rule with one fee for delivery anywhere and one for courier at any weight."""
    return in_memory_rule(areas=[(None, delivery_fee)], rates=[(None, None, None, courier_fee)],
                          **{"offers_delivery": True, "free_delivery_from": 500000, "offers_courier": True, **fields})


def test_delivery_choices_and_fees():
    assert pricing.delivery_choices(rule=rule(), subtotal=499999) == (
        pricing.DeliveryChoice("producer", 15000), pricing.DeliveryChoice("courier", 20000, lead_days=2),
        pricing.DeliveryChoice("pickup", 0))
    assert pricing.delivery_choices(rule=rule(), subtotal=500000)[0] == pricing.DeliveryChoice("producer", 0)
    assert pricing.delivery_choices(rule=rule(free_delivery_from=None), subtotal=10**9)[0].fee == 15000
    assert pricing.delivery_choices(rule=None, subtotal=100) == (pricing.DeliveryChoice("pickup", 0),)
    assert pricing.delivery_choices(rule=rule(offers_delivery=False, offers_courier=False), subtotal=1) == (
        pricing.DeliveryChoice("pickup", 0),)


def test_quote_splits_by_producer_with_subtotals_fees_and_total():
    teh = product(20, producer=TANI, retail=12000, name="Teh")
    items = [pricing.QuoteItem(20, 3, 12000), pricing.QuoteItem(10, 12, 30000)]

    quote = pricing.quote(audience=BUSINESS, items=items, products={10: KOPI, 20: teh}, available={10: 100, 20: 2},
                          rules={1: rule()}, delivery={1: "producer", 2: "pickup"})

    assert [(p.producer_name, p.subtotal, p.delivery_option, p.delivery_fee, p.total) for p in quote.producers] == [
        ("Sido Makmur", 360000, "producer", 15000, 375000), ("Tani Jaya", 36000, "pickup", 0, 36000)]
    assert (quote.subtotal, quote.delivery_total, quote.total) == (396000, 15000, 411000)
    assert [(line.name, line.unit_price, line.line_total, line.stock_short) for line in quote.lines] == [
        ("Kopi", 30000, 360000, False), ("Teh", 12000, 36000, True)]
    assert quote.delivery_problems == {}
    assert quote.producers[0].lines[0].next_tier == pricing.NextTier(48, 60, 27000)
    assert quote.producers[0].lines[0].next_tier.hint == "Order 48 more to pay Rp 27.000 per unit."
    assert [line.stock_message for line in quote.lines] == ["", "Only 2 left."]


def test_quote_reports_price_changes_instead_of_applying_them_silently():
    items = [pricing.QuoteItem(10, 12, 32000)]

    quote = pricing.quote(audience=BUSINESS, items=items, products={10: KOPI}, available={10: 100}, rules={},
                          delivery={1: "pickup"})

    (line,) = quote.lines
    assert (line.unit_price_seen, line.unit_price, line.price_changed, line.price_difference) == (
        32000, 30000, True, -2000)
    assert quote.price_change_messages() == {"10": ["The price changed from Rp 32.000 to Rp 30.000."]}


def test_quote_reports_unavailable_products_missing_delivery_and_rule_breaks():
    items = [pricing.QuoteItem(10, 8, 35000), pricing.QuoteItem(99, 1, 5000)]

    quote = pricing.quote(audience=BUSINESS, items=items, products={10: KOPI}, available={10: 100},
                          rules={}, delivery={1: "courier"})

    assert quote.line_problems() == {"10": ["Order in multiples of 6 units."],
                                     "99": ["This product is no longer on sale."]}
    assert quote.delivery_problems == {"1": ["Choose a delivery option this producer offers."]}
    assert (quote.total, quote.producers[0].delivery_fee) == (280000, 0)
    no_choice = pricing.quote(audience=BUSINESS, items=items[:1], products={10: KOPI}, available={}, rules={})
    assert no_choice.delivery_problems == {"1": ["Choose a delivery option."]}
    assert no_choice.lines[0].available == 0
