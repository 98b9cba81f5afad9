"""Edges of orders/pricing.py that mutation testing found unguarded (docs/testing.md).

A product no longer on sale is reported line by line without stopping the quote; a line carries
the minimum order and multiple of its snapshot (1 when the snapshot has none); the "from" fees
and the delivery choices use the rule, the destination and the weight they are given.
"""

import pytest

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


# --- destinations and the rows they match ------------------------------------------------------


def test_a_destination_holds_the_codes_its_region_code_contains():
    assert pricing.Destination.from_code("35.09.01.2001") == pricing.Destination("35.09.01.2001", "35.09.01", "35.09", "35")
    assert pricing.Destination.from_code("35.09.01") == pricing.Destination("", "35.09.01", "35.09", "35")
    assert pricing.Destination.from_code("35.09") == pricing.Destination("", "", "35.09", "35")
    assert pricing.Destination.from_code("35") == pricing.Destination("", "", "", "35")
    assert pricing.Destination.from_code("") == pricing.Destination("", "", "", "")
    assert pricing.Destination.from_code(None) == pricing.Destination("", "", "", "")


def producer_rule(**fields):
    return in_memory_rule(**{"offers_delivery": False, "offers_courier": False, "offers_pickup": False, **fields})


def offer(rule, *, code=None, subtotal=50000, weight=500):
    destination = pricing.Destination.from_code(code) if code is not None else None
    return pricing.delivery_offer(rule=rule, subtotal=subtotal, destination=destination, weight_grams=weight)


def test_the_producers_own_delivery_costs_the_destinations_district_row_else_the_anywhere_row():
    rule = producer_rule(offers_delivery=True, delivery_days=[1, 4],
                         areas=[(None, 30000), (JEMBER_KOTA, 10000), ("35.09.02", 12000)])
    kota = pricing.DeliveryChoice("producer", 10000, days=(1, 4))
    anywhere = pricing.DeliveryChoice("producer", 30000, days=(1, 4))

    assert offer(rule, code=JEMBER_KOTA + ".2001") == pricing.DeliveryOffer(choices=(kota,))
    assert offer(rule, code="35.09.03.2001").choices == (anywhere,)
    assert offer(rule, code="35.09").choices == (anywhere,)  # no district: only the anywhere row
    assert offer(rule).choices == (anywhere,)
    only_districts = producer_rule(offers_delivery=True, areas=[(JEMBER_KOTA, 10000)])
    assert offer(only_districts, code="35.09") == pricing.DeliveryOffer(
        choices=(), unavailable=(("producer", "The producer does not deliver there itself."),))


@pytest.mark.parametrize(("subtotal", "fee"), [(299999, 15000), (300000, 0), (300001, 0)])
def test_the_producers_delivery_is_free_from_the_amount_it_sets(subtotal, fee):
    rule = producer_rule(offers_delivery=True, free_delivery_from=300000, areas=[(None, 15000)])

    assert offer(rule, subtotal=subtotal).choices == (pricing.DeliveryChoice("producer", fee),)


def test_a_free_delivery_amount_of_zero_makes_every_delivery_free():
    rule = producer_rule(offers_delivery=True, free_delivery_from=0, areas=[(None, 15000)])

    assert offer(rule, subtotal=0).choices == (pricing.DeliveryChoice("producer", 0),)


COURIER_RATES = [
    (None, None, None, 90000),  # anywhere, any weight
    (None, "35", 1000, 20000), (None, "35", None, 40000),  # East Java
    ("35.09", None, 1000, 8000), ("35.09", None, 5000, 15000),  # Jember
]


def courier(weight, code, rates=COURIER_RATES):
    rule = producer_rule(offers_courier=True, courier_lead_days=3, rates=rates)
    return offer(rule, code=code, weight=weight)


@pytest.mark.parametrize(("code", "weight", "fee"), [
    ("35.09.01.2001", 999, 8000), ("35.09.01.2001", 1000, 8000), ("35.09.01.2001", 1001, 15000),
    ("35.09.01.2001", 5000, 15000), ("35.09", 1, 8000),
    ("35.10.01.2001", 1000, 20000), ("35.10.01.2001", 1001, 40000), ("35.10.01.2001", 10**6, 40000),
    ("33.01.01.2001", 1, 90000), (None, 1, 90000),
])
def test_the_courier_costs_the_smallest_band_of_the_most_specific_area_with_rates(code, weight, fee):
    assert courier(weight, code) == pricing.DeliveryOffer(choices=(pricing.DeliveryChoice("courier", fee, lead_days=3),))


def test_too_heavy_for_the_most_specific_area_is_not_sent_by_a_wider_areas_rate():
    assert courier(5001, "35.09.01.2001") == pricing.DeliveryOffer(
        choices=(), unavailable=(("courier", "Too heavy for the producer's courier rates."),))


def test_a_product_without_a_weight_goes_by_courier_only_at_a_rate_without_a_weight_limit():
    assert courier(None, "35.10.01.2001").choices == (pricing.DeliveryChoice("courier", 40000, lead_days=3),)
    assert courier(None, "35.09.01.2001") == pricing.DeliveryOffer(choices=(), unavailable=((
        "courier", "Courier fees go by weight and a product has no weight: ask the producer, or pick it up."),))


def test_no_courier_rate_for_the_destination_says_so():
    rates = [("35.09", None, None, 8000)]

    assert courier(100, "35.10.01.2001", rates) == pricing.DeliveryOffer(
        choices=(), unavailable=(("courier", "The producer does not send by courier there."),))
    assert courier(100, None, rates).unavailable == (("courier", "The producer does not send by courier there."),)
    assert courier(100, "35.09.01.2001", rates).choices == (pricing.DeliveryChoice("courier", 8000, lead_days=3),)


def test_pickup_comes_last_with_the_producers_hours_and_each_option_keeps_its_own_reason():
    rule = producer_rule(offers_delivery=True, offers_courier=True, offers_pickup=True, pickup_hours="08.00-15.00",
                         areas=[(JEMBER_KOTA, 10000)], rates=[("35.09", None, 1000, 8000)])

    assert offer(rule, code="35.10.01.2001", weight=100) == pricing.DeliveryOffer(
        choices=(pricing.DeliveryChoice("pickup", 0, hours="08.00-15.00"),),
        unavailable=(("producer", "The producer does not deliver there itself."),
                     ("courier", "The producer does not send by courier there.")))


def test_from_fees_are_the_lowest_of_each_option_offered_anywhere():
    rule = producer_rule(offers_delivery=True, offers_courier=True, offers_pickup=False,
                         areas=[(None, 30000), (JEMBER_KOTA, 12000), ("35.09.02", 18000)],
                         rates=[(None, None, None, 50000), ("35.09", None, 1000, 9000), (None, "35", None, 20000)])

    assert pricing.delivery_from_fees(rule=rule) == {"producer": 12000, "courier": 9000}


# --- weights, lines and quotes -------------------------------------------------------------------


def test_an_order_weighs_the_sum_of_its_lines_and_nothing_known_if_one_product_has_no_weight():
    light, heavy, unknown = product(1, weight_grams=250), product(2, weight_grams=1200), product(3)

    assert pricing.order_weight([(light, 3), (heavy, 2)]) == 3150
    assert pricing.order_weight([(light, 1), (unknown, 1), (heavy, 1)]) is None
    assert pricing.order_weight([]) == 0
    assert pricing.order_weight([(product(4, weight_grams=0), 5)]) == 0


def test_a_quote_sends_the_orders_weight_to_the_courier_rates():
    rule = producer_rule(offers_courier=True, rates=[(None, None, 1000, 8000), (None, None, 2000, 12000)])
    products = {10: product(10, weight_grams=400), 11: product(11, weight_grams=100)}

    def fee(quantity):
        items = [pricing.QuoteItem(10, quantity), pricing.QuoteItem(11, 2)]
        quote = pricing.quote(audience=Audience.CONSUMER, items=items, products=products, available={},
                              rules={SIDO.pk: rule}, delivery={SIDO.pk: "courier"})
        return quote.producers[0].weight_grams, quote.producers[0].delivery_fee, quote.delivery_total

    assert fee(2) == (1000, 8000, 8000)
    assert fee(3) == (1400, 12000, 12000)


def line(**fields):
    values = {"product_id": 10, "product": product(10), "name": "Kopi", "unit": "pack", "quantity": 5,
              "unit_price": 35000, "line_total": 175000, "unit_price_seen": 35000, "available": 5, "problems": (),
              "next_tier": None}
    return pricing.LineQuote(**{**values, **fields})


def test_a_lines_price_change_stock_and_orderability():
    same = line()
    assert (same.price_changed, same.price_difference, same.stock_short, same.stock_message, same.orderable) == (
        False, 0, False, "", True)
    dearer = line(unit_price_seen=30000)
    assert (dearer.price_changed, dearer.price_difference) == (True, 5000)
    assert (line(unit_price_seen=None).price_changed, line(unit_price_seen=None).price_difference) == (False, 0)
    short = line(available=4)
    assert (short.stock_short, short.stock_message) == (True, "Only 4 left.")
    gone = line(product=None, unit_price_seen=30000, available=0)
    assert (gone.price_changed, gone.price_difference, gone.stock_short, gone.stock_message, gone.orderable) == (
        False, 0, False, "", False)
    assert line(problems=("The minimum order is 6 units.",)).orderable is False


def test_a_quotes_producers_are_ordered_by_name_then_id_and_its_lines_list_the_unavailable_last():
    tani, another_tani = Producer(pk=7, name="Tani Jaya"), Producer(pk=3, name="Tani Jaya")
    products = {1: product(1), 2: product(2), 3: product(3)}
    products[2].producer, products[2].producer_id = tani, tani.pk
    products[3].producer, products[3].producer_id = another_tani, another_tani.pk
    items = [pricing.QuoteItem(2, 1), pricing.QuoteItem(99, 1, 100), pricing.QuoteItem(3, 1), pricing.QuoteItem(1, 1)]

    quote = pricing.quote(audience=Audience.CONSUMER, items=items, products=products, available={1: -3}, rules={})

    assert [(p.producer_id, p.producer_name) for p in quote.producers] == [(1, "Sido Makmur"), (3, "Tani Jaya"),
                                                                            (7, "Tani Jaya")]
    assert [line.product_id for line in quote.lines] == [1, 3, 2, 99]
    assert quote.lines[0].available == 0  # a negative count is none left
    assert quote.is_empty is False
    assert quote.price_changes == []  # the product gone is not a price change
    empty = pricing.quote(audience=Audience.CONSUMER, items=[], products={}, available={}, rules={})
    assert (empty.is_empty, empty.producers, empty.lines, empty.total) == (True, (), [], 0)
    assert pricing.quote(audience=Audience.CONSUMER, items=[pricing.QuoteItem(99, 1)], products={}, available={},
                         rules={}).is_empty is False


def test_a_producer_that_cannot_reach_the_destination_is_a_delivery_problem_and_costs_nothing():
    rule = producer_rule(offers_delivery=True, areas=[(JEMBER_KOTA, 10000)])

    quote = pricing.quote(audience=Audience.CONSUMER, items=[pricing.QuoteItem(10, 2)], products={10: product(10)},
                          available={10: 9}, rules={SIDO.pk: rule}, delivery={SIDO.pk: "producer"},
                          destination=pricing.Destination.from_code("35.10.01.2001"))

    (part,) = quote.producers
    assert quote.delivery_problems == {"1": ["This producer cannot deliver to this destination and offers no pickup."]}
    assert (part.choices, part.deliverable, part.delivery_option, part.delivery_fee, part.total) == (
        (), False, None, 0, 70000)
    assert part.unavailable == (("producer", "The producer does not deliver there itself."),)
    assert (quote.subtotal, quote.delivery_total, quote.total) == (70000, 0, 70000)
    reachable = pricing.quote(audience=Audience.CONSUMER, items=[pricing.QuoteItem(10, 2)], products={10: product(10)},
                              available={10: 9}, rules={SIDO.pk: rule}, delivery={SIDO.pk: "producer"},
                              destination=pricing.Destination.from_code(JEMBER_KOTA + ".2001"))
    assert (reachable.delivery_problems, reachable.producers[0].deliverable, reachable.total) == ({}, True, 80000)


def test_consumers_lines_carry_no_wholesale_minimum_or_multiple():
    quote = pricing.quote(audience=Audience.CONSUMER, items=[pricing.QuoteItem(10, 1)],
                          products={10: product(10, min_order_qty=6, order_multiple=3)}, available={}, rules={})

    assert [(line.min_order_qty, line.order_multiple, line.problems, line.next_tier) for line in quote.lines] == [
        (1, 1, (), None)]


# --- organisations' quantities and tiers ------------------------------------------------------------


def test_an_organisations_quantity_rules_default_to_one_when_the_snapshot_has_none():
    bare = product(10)

    assert pricing.quantity_problems(product=bare, audience=Audience.BUSINESS, quantity=1) == []
    assert pricing.quantity_problems(product=product(11, min_order_qty=None, order_multiple=None),
                                     audience=Audience.BUSINESS, quantity=7) == []
    assert pricing.quantity_problems(product=product(12, min_order_qty=6, order_multiple=4),
                                     audience=Audience.BUSINESS, quantity=6) == ["Order in multiples of 4 units."]


def test_the_next_tier_is_the_first_tier_above_the_quantity_reached_at_the_minimum_order_and_multiple():
    tiers = [[10, 30000], [50, 27000]]
    kopi = product(10, price_tiers=tiers, min_order_qty=20, order_multiple=8)

    # the first tier above 9 is 10, but the minimum order is 20 and the multiple 8: 24 units
    assert pricing.next_tier(product=kopi, audience=Audience.BUSINESS, quantity=9) == pricing.NextTier(15, 24, 30000)
    # exactly at a tier: the next one
    assert pricing.next_tier(product=kopi, audience=Audience.BUSINESS, quantity=10) == pricing.NextTier(46, 56, 27000)
    assert pricing.next_tier(product=kopi, audience=Audience.BUSINESS, quantity=50) is None
    assert pricing.next_tier(product=product(11), audience=Audience.BUSINESS, quantity=1) is None
    assert pricing.NextTier(15, 24, 30000).hint == "Order 15 more to pay Rp 30.000 per unit."


def test_no_next_tier_when_it_does_not_lower_the_price_or_needs_more_than_a_line_may_hold():
    not_cheaper = product(10, retail_price=30000, price_tiers=[[10, 30000], [20, 25000]])
    assert pricing.next_tier(product=not_cheaper, audience=Audience.BUSINESS, quantity=1) is None
    beyond = product(11, price_tiers=[[100_001, 20000]])
    assert pricing.next_tier(product=beyond, audience=Audience.BUSINESS, quantity=1) is None
    at_the_limit = product(12, price_tiers=[[100_000, 20000]])
    assert pricing.next_tier(product=at_the_limit, audience=Audience.BUSINESS, quantity=1) == pricing.NextTier(
        99_999, 100_000, 20000)


def test_organisations_pay_the_tier_and_consumers_the_retail_price():
    kopi = product(10, price_tiers=[[10, 30000]])

    assert pricing.unit_price(product=kopi, audience=Audience.BUSINESS, quantity=10) == 30000
    assert pricing.unit_price(product=kopi, audience=Audience.CONSUMER, quantity=10) == 35000
    assert pricing.unit_price(product=kopi, audience=Audience.BUSINESS, quantity=9) == 35000


def test_a_quantity_of_one_unit_is_the_smallest_accepted():
    assert pricing.quantity_clean(1) == 1
    assert pricing.quantity_clean(2) == 2


def test_a_quotes_producers_come_by_name_before_id_and_each_line_keeps_its_unit():
    agro = Producer(pk=9, name="Agro Lestari")
    first = product(1, unit="kg")
    last = product(2, unit="botol")
    last.producer, last.producer_id = agro, agro.pk

    quote = pricing.quote(audience=Audience.CONSUMER, items=[pricing.QuoteItem(1, 1), pricing.QuoteItem(2, 1)],
                          products={1: first, 2: last}, available={}, rules={})

    assert [(p.producer_id, p.producer_name) for p in quote.producers] == [(9, "Agro Lestari"), (1, "Sido Makmur")]
    assert [(line.product_id, line.unit) for line in quote.lines] == [(2, "botol"), (1, "kg")]


def test_without_a_multiple_in_the_snapshot_the_next_tier_is_its_own_quantity():
    odd = product(10, price_tiers=[[11, 30000]])

    assert pricing.next_tier(product=odd, audience=Audience.BUSINESS, quantity=1) == pricing.NextTier(10, 11, 30000)


def test_a_quote_says_whom_it_prices_for():
    for audience in (Audience.CONSUMER, Audience.BUSINESS):
        assert pricing.quote(audience=audience, items=[], products={}, available={}, rules={}).audience == audience


def test_the_smallest_band_wins_whatever_order_the_rates_are_listed_in():
    rates = [(None, None, 5000, 15000), (None, None, None, 40000), (None, None, 1000, 8000)]

    assert courier(800, None, rates).choices == (pricing.DeliveryChoice("courier", 8000, lead_days=3),)
    assert courier(1200, None, rates).choices == (pricing.DeliveryChoice("courier", 15000, lead_days=3),)
