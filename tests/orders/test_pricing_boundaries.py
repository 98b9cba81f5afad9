"""Edges of orders/pricing.py that mutation testing found unguarded (docs/testing.md).

A product no longer on sale is reported line by line without stopping the quote; a line carries
the minimum order and multiple of its snapshot (1 when the snapshot has none); the "from" fees
and the delivery choices use the rule, the destination and the weight they are given.
"""

from catalog.models import Producer, Product
from orders import pricing
from orders.models import Audience
from tests.orders.factories import in_memory_rule

SIDO = Producer(pk=1, name="Sido Makmur")
JEMBER_KOTA = "35.09.01"


def product(pk: int, **snapshot) -> Product:
    item = Product(
        pk=pk,
        producer_id=SIDO.pk,
        approved_snapshot={"name": "Kopi", "unit": "pack", "retail_price": 35000, "price_tiers": [], **snapshot},
    )
    item.producer = SIDO
    return item


def test_a_product_no_longer_on_sale_is_reported_and_the_lines_after_it_are_priced():
    items = [pricing.QuoteItem(99, 3, 5000), pricing.QuoteItem(10, 2, 35000)]

    quote = pricing.quote(
        audience=Audience.CONSUMER, items=items, products={10: product(10)}, available={10: 5}, rules={}
    )

    (gone,) = quote.unavailable
    assert (gone.product_id, gone.product, gone.name, gone.unit, gone.quantity) == (99, None, "", "", 3)
    assert (gone.unit_price, gone.line_total, gone.unit_price_seen, gone.available, gone.next_tier) == (
        0,
        0,
        5000,
        0,
        None,
    )
    assert [(line.product_id, line.line_total) for line in quote.producers[0].lines] == [(10, 70000)]
    assert quote.subtotal == 70000


def test_a_line_carries_the_minimum_order_and_multiple_of_its_snapshot_or_one():
    items = [pricing.QuoteItem(10, 12), pricing.QuoteItem(11, 1)]
    products = {10: product(10, min_order_qty=6, order_multiple=3), 11: product(11, min_order_qty=0)}

    quote = pricing.quote(audience=Audience.BUSINESS, items=items, products=products, available={}, rules={})

    assert [(line.product_id, line.min_order_qty, line.order_multiple) for line in quote.lines] == [
        (10, 6, 3),
        (11, 1, 1),
    ]


def test_from_fees_are_those_of_the_options_offered():
    assert pricing.delivery_from_fees(rule=None) == {"pickup": 0}
    switched_off = in_memory_rule(
        offers_delivery=False,
        offers_courier=False,
        offers_pickup=False,
        areas=[(None, 10000)],
        rates=[(None, None, None, 20000)],
    )
    assert pricing.delivery_from_fees(rule=switched_off) == {}
    offered_without_rows = in_memory_rule(offers_delivery=True, offers_courier=True, offers_pickup=True)
    assert pricing.delivery_from_fees(rule=offered_without_rows) == {"pickup": 0}


def test_delivery_choices_use_the_destination_and_the_weight():
    rule = in_memory_rule(
        offers_delivery=True,
        offers_courier=True,
        offers_pickup=False,
        courier_lead_days=2,
        areas=[(JEMBER_KOTA, 10000)],
        rates=[(None, None, 1000, 12000)],
    )
    kota = pricing.Destination.from_code(JEMBER_KOTA + ".2001")

    assert pricing.delivery_choices(rule=rule, subtotal=50000, destination=kota, weight_grams=800) == (
        pricing.DeliveryChoice("producer", 10000),
        pricing.DeliveryChoice("courier", 12000, lead_days=2),
    )
    assert pricing.delivery_choices(rule=rule, subtotal=50000, destination=kota, weight_grams=1001) == (
        pricing.DeliveryChoice("producer", 10000),
    )
    assert pricing.delivery_choices(rule=rule, subtotal=50000, destination=None, weight_grams=800) == (
        pricing.DeliveryChoice("courier", 12000, lead_days=2),
    )
