"""Delivery options: the rule table (pricing), the service that sets them, placing orders to a destination, the API."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from catalog.models import Product
from orders import pricing
from orders.exceptions import DeliveryInvalid, OrdersInvalid
from orders.models import Checkout, ProducerCourierRate, ProducerDeliveryArea, ProducerDeliveryRule
from orders.pricing import Destination
from orders.selectors import cart_quote, delivery_rule_get, product_delivery, shopper_get
from orders.services import cart_line_set, delivery_options_set, delivery_rule_set
from orders.services.delivery import AreaFee, CourierRate, DeliveryOptions
from tests.factories import UserFactory
from tests.orders.factories import in_memory_rule, on_sale, owner_of, place, region_village, verified_producer

JEMBER_KOTA, JEMBER_DESA = "35.09.01", "35.09.02"  # two districts of Jember
SURABAYA_VILLAGE = "35.78.01.1001"  # Kota Surabaya, Jawa Timur
JAKARTA_VILLAGE = "31.71.01.1001"  # Kota Jakarta Pusat, DKI Jakarta


def to(code: str) -> Destination:
    return Destination.from_code(code)


def offer(rule, *, destination, subtotal=100_000, weight=500):
    return pricing.delivery_offer(rule=rule, subtotal=subtotal, destination=destination, weight_grams=weight)


def fees(result) -> dict[str, int]:
    return {choice.option: choice.fee for choice in result.choices}


# --- the rule table (no database) -------------------------------------------------------------


def test_destination_from_a_code_at_each_level():
    assert to("35.09.01.2001") == Destination("35.09.01.2001", "35.09.01", "35.09", "35")
    assert to("35.09.01") == Destination("", "35.09.01", "35.09", "35")
    assert to("35.09") == Destination("", "", "35.09", "35")
    assert to("35") == Destination("", "", "", "35")


def test_own_delivery_fee_by_district_with_anywhere_else_and_out_of_area():
    rule = in_memory_rule(offers_delivery=True, offers_pickup=False, delivery_days=[0, 3],
                          areas=[(JEMBER_KOTA, 10000), (None, 25000)])
    assert offer(rule, destination=to(JEMBER_KOTA + ".2001")).choices == (
        pricing.DeliveryChoice("producer", 10000, days=(0, 3)),)
    assert fees(offer(rule, destination=to(JEMBER_DESA + ".2001"))) == {"producer": 25000}
    only_kota = in_memory_rule(offers_delivery=True, offers_pickup=True, areas=[(JEMBER_KOTA, 10000)])
    result = offer(only_kota, destination=to(JEMBER_DESA + ".2001"))
    assert fees(result) == {"pickup": 0}
    assert result.unavailable == (("producer", "The producer does not deliver there itself."),)
    # Without a destination only an "anywhere" row can match.
    assert fees(offer(only_kota, destination=None)) == {"pickup": 0}
    assert fees(offer(rule, destination=None)) == {"producer": 25000}


def test_own_delivery_free_from_an_order_amount():
    rule = in_memory_rule(offers_delivery=True, free_delivery_from=300000, areas=[(JEMBER_KOTA, 10000)])
    kota = to(JEMBER_KOTA + ".2001")
    assert fees(offer(rule, destination=kota, subtotal=299999)) == {"producer": 10000, "pickup": 0}
    assert fees(offer(rule, destination=kota, subtotal=300000)) == {"producer": 0, "pickup": 0}


def test_courier_weight_bands_pick_the_smallest_that_holds_the_order():
    rule = in_memory_rule(offers_courier=True, offers_pickup=False, courier_lead_days=3,
                          rates=[(None, None, 5000, 30000), (None, None, 1000, 12000)])
    anywhere = to(SURABAYA_VILLAGE)
    assert offer(rule, destination=anywhere, weight=800).choices == (
        pricing.DeliveryChoice("courier", 12000, lead_days=3),)
    assert fees(offer(rule, destination=anywhere, weight=1000)) == {"courier": 12000}
    assert fees(offer(rule, destination=anywhere, weight=1001)) == {"courier": 30000}
    too_heavy = offer(rule, destination=anywhere, weight=5001)
    assert (too_heavy.choices, too_heavy.unavailable) == (
        (), (("courier", "Too heavy for the producer's courier rates."),))
    unlimited = in_memory_rule(offers_courier=True, rates=[(None, None, 1000, 12000), (None, None, None, 60000)])
    assert fees(offer(unlimited, destination=anywhere, weight=50_000)) == {"courier": 60000, "pickup": 0}


def test_courier_regency_rows_win_over_province_rows_over_anywhere():
    rule = in_memory_rule(offers_courier=True, offers_pickup=False, rates=[
        (None, None, None, 50000), (None, "35", None, 20000), ("35.78", None, None, 15000)])
    assert fees(offer(rule, destination=to(SURABAYA_VILLAGE))) == {"courier": 15000}
    assert fees(offer(rule, destination=to("35.09.01.2001"))) == {"courier": 20000}
    assert fees(offer(rule, destination=to(JAKARTA_VILLAGE))) == {"courier": 50000}
    # The most specific area with rows decides, even when its bands are too light for the order.
    banded = in_memory_rule(offers_courier=True, rates=[("35.78", None, 1000, 15000), (None, "35", None, 20000)])
    assert fees(offer(banded, destination=to(SURABAYA_VILLAGE), weight=2000)) == {"pickup": 0}
    assert fees(offer(banded, destination=to("35.09.01.2001"), weight=2000)) == {"courier": 20000, "pickup": 0}


def test_courier_out_of_area_is_not_offered():
    rule = in_memory_rule(offers_courier=True, rates=[(None, "35", None, 20000)])
    result = offer(rule, destination=to(JAKARTA_VILLAGE))
    assert fees(result) == {"pickup": 0}
    assert result.unavailable == (("courier", "The producer does not send by courier there."),)


def test_a_product_without_weight_gets_no_weight_banded_courier():
    banded = in_memory_rule(offers_courier=True, rates=[(None, None, 1000, 12000)])
    result = offer(banded, destination=to(SURABAYA_VILLAGE), weight=None)
    assert fees(result) == {"pickup": 0}
    assert result.unavailable == (("courier", "Courier fees go by weight and a product has no weight: ask the "
                                               "producer, or pick it up."),)
    flat = in_memory_rule(offers_courier=True, rates=[(None, None, None, 9000)])
    assert fees(offer(flat, destination=to(SURABAYA_VILLAGE), weight=None)) == {"courier": 9000, "pickup": 0}


def test_order_weight_sums_lines_and_is_unknown_when_one_product_has_none():
    a = Product(approved_snapshot={"weight_grams": 250})
    b = Product(approved_snapshot={"weight_grams": None})
    assert pricing.order_weight([(a, 4)]) == 1000
    assert pricing.order_weight([(a, 4), (b, 1)]) is None


def test_no_rule_is_pickup_only_and_pickup_can_be_switched_off():
    assert offer(None, destination=to(SURABAYA_VILLAGE)).choices == (pricing.DeliveryChoice("pickup", 0),)
    hours = in_memory_rule(offers_pickup=True, pickup_hours="Senin–Sabtu 08.00–15.00")
    assert offer(hours, destination=None).choices == (pricing.DeliveryChoice("pickup", 0, hours="Senin–Sabtu 08.00–15.00"),)
    assert offer(in_memory_rule(offers_pickup=False), destination=None).choices == ()


# --- the database rows and the service ----------------------------------------------------------


OPTIONS = DeliveryOptions(
    offers_pickup=True, pickup_hours=" Senin–Sabtu 08.00–15.00 ", offers_delivery=True,
    delivery_areas=(AreaFee(JEMBER_KOTA, 10000), AreaFee(None, 25000)), free_delivery_from=500000,
    delivery_days=(4, 0, 0), offers_courier=True, courier_lead_days=3,
    courier_rates=(CourierRate(fee=15000, regency_code="35.78", max_grams=2000),
                   CourierRate(fee=30000, province_code="35"), CourierRate(fee=60000)))


def rows(producer) -> tuple:
    rule = delivery_rule_get(producer=producer)
    if rule is None:
        return None, [], []
    return ((rule.offers_pickup, rule.pickup_hours, rule.offers_delivery, rule.free_delivery_from, rule.delivery_days,
             rule.offers_courier, rule.courier_lead_days),
            [(a.district_id, a.fee) for a in rule.areas.all()],
            [(r.regency_id, r.province_id, r.max_grams, r.fee) for r in rule.courier_rates.all()])


@pytest.mark.django_db
def test_delivery_options_set_saves_the_whole_table_and_replaces_it():
    region_village(SURABAYA_VILLAGE)
    producer = verified_producer()
    delivery_options_set(producer=producer, actor=owner_of(producer), options=OPTIONS)
    assert rows(producer) == (
        (True, "Senin–Sabtu 08.00–15.00", True, 500000, [0, 4], True, 3),
        [(JEMBER_KOTA, 10000), (None, 25000)],
        [("35.78", None, 2000, 15000), (None, "35", None, 30000), (None, None, None, 60000)])

    delivery_options_set(producer=producer, actor=owner_of(producer), options=DeliveryOptions(
        offers_pickup=False, offers_courier=True, courier_rates=(CourierRate(fee=9000),)))
    assert rows(producer) == ((False, "", False, None, [], True, 2), [], [(None, None, None, 9000)])
    assert ProducerDeliveryRule.objects.count() == 1


@pytest.mark.django_db
def test_bad_delivery_options_say_which_field_and_change_nothing():
    region_village(SURABAYA_VILLAGE)
    producer = verified_producer()
    delivery_options_set(producer=producer, actor=owner_of(producer), options=OPTIONS)
    before = rows(producer)
    bad = DeliveryOptions(
        offers_delivery=True, delivery_areas=(AreaFee("99.99.99", 1000), AreaFee(None, -5), AreaFee(None, 7000)),
        offers_courier=True, courier_rates=(CourierRate(fee=1000, regency_code="35.78", province_code="35"),
                                            CourierRate(fee=1000, max_grams=0),
                                            CourierRate(fee=2000, regency_code="35.78"),
                                            CourierRate(fee=3000, regency_code="35.78")))
    with pytest.raises(OrdersInvalid) as error:
        delivery_options_set(producer=producer, actor=owner_of(producer), options=bad)
    assert error.value.fields == {
        "delivery_areas.0.district": ["Choose a district from the list."],
        "delivery_areas.1.fee": ["Enter a whole number from 0 to 10000000."],
        "delivery_areas.2.district": ["This destination has a row already."],
        "courier_rates.0.area": ["Choose a regency or a province, not both."],
        "courier_rates.1.max_grams": ["Enter a whole number from 1 to 1000000."],
        "courier_rates.3.max_grams": ["This destination has a row for this weight already."],
    }
    for options, expected in [
        (DeliveryOptions(offers_pickup=False), {"offers_pickup": ["Offer at least one way for buyers to get your "
                                                                  "products."]}),
        (DeliveryOptions(offers_delivery=True, offers_courier=True),
         {"delivery_areas": ["Add at least one district you deliver to, with its fee."],
          "courier_rates": ["Add at least one courier rate."]}),
        (DeliveryOptions(courier_lead_days=61, pickup_hours="x" * 101, delivery_days=(7,), free_delivery_from=-1),
         {"courier_lead_days": ["Enter a whole number from 0 to 60."], "pickup_hours": ["At most 100 characters."],
          "delivery_days": ["Choose days of the week."],
          "free_delivery_from": ["Enter a whole number from 0 to 10000000000."]}),
    ]:
        with pytest.raises(OrdersInvalid) as error:
            delivery_options_set(producer=producer, actor=owner_of(producer), options=options)
        assert error.value.fields == expected
    assert rows(producer) == before


@pytest.mark.django_db
def test_only_the_producers_people_set_its_delivery_options():
    producer, other = verified_producer(), verified_producer()
    with pytest.raises(Exception) as error:
        delivery_options_set(producer=producer, actor=owner_of(other), options=OPTIONS)
    assert error.value.code == "producer_member_required"
    assert rows(producer) == (None, [], [])


@pytest.mark.django_db
def test_flat_delivery_rule_set_becomes_anywhere_rows():
    producer = verified_producer(offers_delivery=True, delivery_fee=15000, free_delivery_from=200000,
                                 offers_courier=True, courier_fee=9000)
    assert rows(producer) == ((True, "", True, 200000, [], True, 2), [(None, 15000)], [(None, None, None, 9000)])
    with pytest.raises(OrdersInvalid) as error:
        delivery_rule_set(producer=producer, actor=owner_of(producer), offers_courier=True, courier_fee=-1)
    assert error.value.fields == {"courier_fee": ["Enter a whole number from 0 to 10000000."]}
    assert (ProducerDeliveryArea.objects.count(), ProducerCourierRate.objects.count()) == (1, 1)


# --- cart, checkout and product quotes to a destination -------------------------------------------


def surabaya_consumer():
    from buyers.services import address_create

    region_village(SURABAYA_VILLAGE)
    user = UserFactory(role="consumer")
    address = address_create(user=user, name="Rumah", contact_name="Ani", phone="081234567890",
                             street="Jl. Tunjungan 5", village_code=SURABAYA_VILLAGE, postal_code="")
    return user, address


@pytest.mark.django_db
def test_checkout_prices_courier_to_the_address_regency_and_weight():
    user, address = surabaya_consumer()
    producer = verified_producer()
    delivery_options_set(producer=producer, actor=owner_of(producer), options=OPTIONS)
    product = on_sale(producer=producer, retail_price=20000)  # 250 g a unit
    shopper = shopper_get(user=user)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=8)  # 2000 g
    quote = cart_quote(shopper=shopper, destination=to(SURABAYA_VILLAGE))
    assert [(c.option, c.fee, c.lead_days) for c in quote.producers[0].choices] == [
        ("producer", 25000, None), ("courier", 15000, 3), ("pickup", 0, None)]

    checkout = place(shopper, destination=address, delivery={producer.pk: "courier"}, expected_total=175000)
    assert (checkout.subtotal, checkout.delivery_total, checkout.total) == (160000, 15000, 175000)
    assert checkout.orders.get().delivery_fee == 15000


@pytest.mark.django_db
def test_an_order_to_a_destination_the_producer_cannot_reach_is_refused_and_nothing_changes():
    user, address = surabaya_consumer()
    producer = verified_producer()
    delivery_options_set(producer=producer, actor=owner_of(producer), options=DeliveryOptions(
        offers_pickup=False, offers_delivery=True, delivery_areas=(AreaFee(JEMBER_KOTA, 10000),)))
    product = on_sale(producer=producer, retail_price=20000)
    shopper = shopper_get(user=user)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
    quote = cart_quote(shopper=shopper, destination=to(SURABAYA_VILLAGE))
    assert (quote.producers[0].choices, quote.producers[0].deliverable) == ((), False)
    assert quote.delivery_problems == {str(producer.pk): [
        "This producer cannot deliver to this destination and offers no pickup."]}
    with pytest.raises(DeliveryInvalid):
        place(shopper, destination=address, delivery={producer.pk: "producer"}, expected_total=40000)
    assert Checkout.objects.count() == 0
    assert product.stock.__class__.objects.get(product=product).reserved == 0


@pytest.mark.django_db
def test_product_delivery_quotes_a_minimum_order_and_lowest_fees_without_destination():
    region_village(SURABAYA_VILLAGE)
    producer = verified_producer()
    delivery_options_set(producer=producer, actor=owner_of(producer), options=OPTIONS)
    product = on_sale(producer=producer, retail_price=20000, min_order_qty=12)
    business = product_delivery(product=product, audience="business", destination=to(SURABAYA_VILLAGE))
    assert (business.quantity, business.subtotal, business.weight_grams, business.reachable) == (
        12, 240000, 3000, True)
    # 3 kg to Surabaya: its regency's rows (up to 2 kg) decide, so no courier; the province row is not used.
    assert fees(business.offer) == {"producer": 25000, "pickup": 0}
    assert business.offer.unavailable == (("courier", "Too heavy for the producer's courier rates."),)
    consumer = product_delivery(product=product, audience="consumer", destination=None)
    assert (consumer.quantity, consumer.from_fees) == (1, {"producer": 10000, "courier": 15000, "pickup": 0})


# --- API ------------------------------------------------------------------------------------------


API_OPTIONS = {
    "offers_pickup": True, "pickup_hours": "Senin–Sabtu 08.00–15.00", "offers_delivery": True,
    "delivery_areas": [{"district": JEMBER_KOTA, "fee": 10000}, {"district": None, "fee": 25000}],
    "free_delivery_from": 500000, "delivery_days": [0, 4], "offers_courier": True,
    "courier_rates": [{"regency": "35.78", "province": None, "max_grams": 2000, "fee": 15000},
                      {"regency": None, "province": "35", "max_grams": None, "fee": 30000}],
    "courier_lead_days": 3,
}


def api(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_api_reads_and_replaces_a_producers_delivery_options():
    region_village(SURABAYA_VILLAGE)
    producer = verified_producer()
    url = f"/api/v1/producers/{producer.pk}/delivery-options/"
    owner = api(owner_of(producer))
    assert owner.get(url).json() == {
        "offers_pickup": True, "pickup_hours": "", "offers_delivery": False, "delivery_areas": [],
        "free_delivery_from": None, "delivery_days": [], "offers_courier": False, "courier_rates": [],
        "courier_lead_days": 2}
    response = owner.put(url, API_OPTIONS, format="json")
    assert response.status_code == 200 and response.json() == API_OPTIONS
    assert owner.get(url).json() == API_OPTIONS

    bad = owner.put(url, {**API_OPTIONS, "delivery_areas": [{"district": "99.99.99", "fee": 1000}]}, format="json")
    assert bad.status_code == 400
    assert bad.json()["fields"] == {"delivery_areas.0.district": ["Choose a district from the list."]}
    assert owner.get(url).json() == API_OPTIONS


@pytest.mark.django_db
def test_api_other_producers_options_are_404_and_anonymous_401():
    producer, other = verified_producer(), verified_producer()
    url = f"/api/v1/producers/{producer.pk}/delivery-options/"
    assert api(owner_of(other)).get(url).status_code == 404
    assert api(owner_of(other)).put(url, API_OPTIONS, format="json").status_code == 404
    assert api(UserFactory(role="consumer")).get(url).status_code == 404
    assert api().get(url).status_code in (401, 403)
    assert rows(producer) == (None, [], [])


@pytest.mark.django_db
def test_api_quotes_a_product_to_a_village():
    region_village(SURABAYA_VILLAGE)
    producer = verified_producer()
    delivery_options_set(producer=producer, actor=owner_of(producer), options=OPTIONS)
    product = on_sale(producer=producer, retail_price=20000)
    response = api().get(f"/api/v1/products/{product.pk}/delivery-quote/",
                         {"village": SURABAYA_VILLAGE, "quantity": 4})
    assert response.status_code == 200
    assert response.json() == {
        "product_id": product.pk, "village": SURABAYA_VILLAGE, "quantity": 4, "subtotal": 80000, "weight_grams": 1000,
        "reachable": True, "unavailable": [],
        "choices": [
            {"option": "producer", "label": "Delivery by the producer", "fee": 25000, "lead_days": None,
             "days": [0, 4], "hours": ""},
            {"option": "courier", "label": "Courier", "fee": 15000, "lead_days": 3, "days": [], "hours": ""},
            {"option": "pickup", "label": "Pickup at the village", "fee": 0, "lead_days": None, "days": [],
             "hours": "Senin–Sabtu 08.00–15.00"}]}
    unknown = api().get(f"/api/v1/products/{product.pk}/delivery-quote/", {"village": "99.99.99.9999"})
    assert unknown.status_code == 400 and unknown.json()["fields"] == {"village": ["Unknown village code."]}
    assert api().get("/api/v1/products/999999/delivery-quote/", {"village": SURABAYA_VILLAGE}).status_code == 404


@pytest.mark.django_db
def test_api_cart_prices_delivery_to_a_village_when_asked():
    user, _address = surabaya_consumer()
    producer = verified_producer()
    delivery_options_set(producer=producer, actor=owner_of(producer), options=OPTIONS)
    product = on_sale(producer=producer, retail_price=20000)
    cart_line_set(shopper=shopper_get(user=user), product_id=product.pk, quantity=4)
    anywhere = api(user).get("/api/v1/cart/").json()["producers"][0]["delivery_choices"]
    surabaya = api(user).get("/api/v1/cart/", {"village": SURABAYA_VILLAGE}).json()["producers"][0]
    assert [(c["option"], c["fee"]) for c in anywhere] == [("producer", 25000), ("courier", 60000), ("pickup", 0)]
    assert [(c["option"], c["fee"]) for c in surabaya["delivery_choices"]] == [
        ("producer", 25000), ("courier", 15000), ("pickup", 0)]


@pytest.mark.migrations
@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_flat_fees_into_anywhere_rows():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    producer = verified_producer()
    before, after = [("orders", "0004_orderevent_on_behalf")], [("orders", "0005_delivery_options")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps.get_model("orders", "ProducerDeliveryRule")
        old.objects.create(producer_id=producer.pk, offers_delivery=True, delivery_fee=15000,
                           free_delivery_from=300000, offers_courier=True, courier_fee=9000)
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        assert rows(producer) == ((True, "", True, 300000, [], True, 2), [(None, 15000)], [(None, None, None, 9000)])
    finally:  # back to the latest schema for the tests that follow
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
