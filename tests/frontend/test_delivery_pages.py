"""Delivery pages: the producer's delivery options page, the fees on the product page and at checkout."""
from __future__ import annotations

import re

import pytest

from buyers.services import address_create
from orders.models import Checkout, ProducerDeliveryRule
from orders.selectors import delivery_rule_get
from orders.services import delivery_options_set
from orders.services.delivery import AreaFee, CourierRate, DeliveryOptions
from tests.factories import UserFactory
from tests.orders.factories import on_sale, owner_of, region_village, verified_producer

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/producer/delivery/"
SURABAYA_VILLAGE = "35.78.01.1001"


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English (``english_pages``)."""


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def form_data(*, areas=(), rates=(), **fields) -> dict:
    """The page's POST: the main fields plus the two row formsets (``areas``: (district, fee); ``rates``:
    (area, max grams, fee)), as a browser sends them."""
    data = {"pickup_hours": "", "free_delivery_from": "", "courier_lead_days": "2", **fields,
            "areas-TOTAL_FORMS": str(len(areas)), "areas-INITIAL_FORMS": "0", "areas-MIN_NUM_FORMS": "0",
            "areas-MAX_NUM_FORMS": "100",
            "rates-TOTAL_FORMS": str(len(rates)), "rates-INITIAL_FORMS": "0", "rates-MIN_NUM_FORMS": "0",
            "rates-MAX_NUM_FORMS": "100"}
    for index, (district, fee) in enumerate(areas):
        data.update({f"areas-{index}-district": district, f"areas-{index}-fee": fee})
    for index, (area, grams, fee) in enumerate(rates):
        data.update({f"rates-{index}-area": area, f"rates-{index}-max_grams": grams, f"rates-{index}-fee": fee})
    return data


def table(producer):
    rule = delivery_rule_get(producer=producer)
    if rule is None:
        return None
    return ((rule.offers_pickup, rule.pickup_hours, rule.offers_delivery, rule.free_delivery_from,
             rule.delivery_days, rule.offers_courier, rule.courier_lead_days),
            [(a.district_id, a.fee) for a in rule.areas.all()],
            [(r.regency_id, r.province_id, r.max_grams, r.fee) for r in rule.courier_rates.all()])


def surabaya_consumer():
    region_village(SURABAYA_VILLAGE)
    user = UserFactory(role="consumer")
    address = address_create(user=user, name="Rumah", contact_name="Ani", phone="081234567890",
                             street="Jl. Tunjungan 5", village_code=SURABAYA_VILLAGE, postal_code="")
    return user, address


def test_producer_sets_courier_rates_and_a_consumer_in_another_regency_sees_the_fee(client):
    # given a producer in Jember with a product of 250 g, and a consumer whose address is in Surabaya
    user, address = surabaya_consumer()
    producer = verified_producer()
    product = on_sale(producer=producer, retail_price=20000)
    owner = owner_of(producer)
    client.force_login(owner)
    home = client.get("/dashboard/producer/")
    assert f'href="{PAGE}?producer={producer.pk}"' in text(home)
    page = client.get(PAGE)
    assert page.status_code == 200 and "Delivery options" in text(page)

    # when the producer sets pickup hours and courier rates on the page
    response = client.post(PAGE, form_data(
        offers_pickup="on", pickup_hours="Senin–Sabtu 08.00–15.00", offers_courier="on", courier_lead_days="3",
        rates=[("r:35.78", "2000", "Rp 15.000"), ("p:35", "", "30.000")]))
    assert response.status_code == 302 and response["Location"] == f"{PAGE}?producer={producer.pk}"
    assert table(producer) == ((True, "Senin–Sabtu 08.00–15.00", False, None, [], True, 3), [],
                               [("35.78", None, 2000, 15000), (None, "35", None, 30000)])
    again = text(client.get(PAGE))
    assert 'value="r:35.78" selected' in again and 'value="Senin–Sabtu 08.00–15.00"' in again

    # then the consumer sees the Surabaya courier fee on the product page ...
    client.force_login(user)
    detail = text(client.get(f"/products/{product.pk}/", follow=True))
    assert "To Ketabang, Genteng, for an order of 1 unit:" in detail
    assert re.search(r'data-option="courier">Courier · <span class="num" data-fee="15000">Rp\s?15\.000</span> · '
                     r"3 days on the way", detail)
    assert "Pickup at the village · <span class=\"num\" data-fee=\"0\">free</span> · Senin–Sabtu 08.00–15.00" in detail

    # ... and at checkout, where the order is placed with it
    client.post("/cart/add/", {"product": product.pk, "quantity": 4})
    cart = text(client.get("/cart/"))
    assert 'data-fee="15000"' in cart and "Fees to your first delivery address; chosen at checkout." in cart
    checkout = text(client.get("/checkout/"))
    assert re.search(r'id="delivery_\d+-courier" value="courier"', checkout)
    assert 'data-fee="15000"' in checkout
    placed = client.post("/checkout/", {
        "destination": address.pk, "payment_method": "bank_transfer", "expected_total": 95000,
        "idempotency_key": "key-delivery-0001", "note": "", f"delivery_{producer.pk}": "courier"})
    assert placed.status_code == 302
    order = Checkout.objects.get().orders.get()
    assert (order.delivery_option, order.delivery_fee, order.total) == ("courier", 15000, 95000)


def test_bad_input_keeps_what_was_typed_and_changes_nothing(client):
    region_village(SURABAYA_VILLAGE)
    producer = verified_producer(offers_courier=True, courier_fee=9000)
    before = table(producer)
    client.force_login(owner_of(producer))

    response = client.post(PAGE, form_data(
        offers_pickup="on", pickup_hours="Senin 08.00", offers_delivery="on", free_delivery_from="lima ribu",
        areas=[("35.09.01", "")], offers_courier="on", rates=[("r:35.78", "2000", "abc")]))

    page = text(response)
    assert response.status_code == 400
    assert 'value="Senin 08.00"' in page and 'value="lima ribu"' in page and 'value="abc"' in page
    assert "Enter the fee for this district, or remove the row." in page
    assert "Please correct the errors below; nothing was saved yet." in page
    # Beside the free-delivery amount (and in the summary on top), and beside the courier row's fee.
    assert page.count("Enter a price in whole rupiah, e.g. 35000.") == 3
    assert table(producer) == before

    # The service's own checks come back beside the row (two rows for one regency and weight).
    duplicate = client.post(PAGE, form_data(offers_courier="on", rates=[("r:35.78", "2000", "15000"),
                                                                        ("r:35.78", "2000", "16000")]))
    assert duplicate.status_code == 400
    assert "Please correct the errors below; nothing was saved yet." in text(duplicate)
    assert "This destination has a row for this weight already." in text(duplicate)
    assert 'value="16000"' in text(duplicate)
    nothing = client.post(PAGE, form_data())
    assert nothing.status_code == 400 and "Offer at least one way for buyers to get your products." in text(nothing)
    assert table(producer) == before


def test_add_a_row_keeps_the_rows_typed_and_saves_nothing(client):
    producer = verified_producer()
    client.force_login(owner_of(producer))
    response = client.post(PAGE, {**form_data(offers_courier="on", rates=[("", "1000", "12000")]), "add_rate": "1"})
    page = text(response)
    assert response.status_code == 200
    assert 'name="rates-TOTAL_FORMS" value="2"' in page and 'value="12000"' in page and "rates-1-fee" in page
    assert ProducerDeliveryRule.objects.count() == 0


def test_other_producers_options_are_404_and_other_roles_403(client):
    producer, other = verified_producer(), verified_producer()
    client.force_login(owner_of(other))
    assert client.get(f"{PAGE}?producer={producer.pk}").status_code == 404
    assert client.post(f"{PAGE}?producer={producer.pk}", form_data(offers_pickup="on")).status_code == 404
    client.force_login(UserFactory(role="consumer"))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, form_data(offers_pickup="on")).status_code == 403
    assert table(producer) is None


def test_visitor_sees_fees_from_and_picks_a_regency(client):
    region_village(SURABAYA_VILLAGE)
    region_village("31.71.01.1001", province="DKI JAKARTA", regency="KOTA JAKARTA PUSAT")
    producer = verified_producer()
    delivery_options_set(producer=producer, actor=owner_of(producer), options=DeliveryOptions(
        offers_pickup=False, offers_delivery=True, delivery_areas=(AreaFee("35.09.01", 10000),),
        offers_courier=True, courier_rates=(CourierRate(fee=15000, regency_code="35.78"),
                                            CourierRate(fee=30000, province_code="35"))))
    product = on_sale(producer=producer)
    url = f"/products/{product.pk}/"

    anonymous = text(client.get(url, follow=True))
    assert "Delivery by the producer · from Rp" in anonymous and "10.000" in anonymous
    assert re.search(r"Courier · from Rp\s?15\.000", anonymous)
    assert '<option value="35.78">Kota Surabaya</option>' in anonymous

    surabaya = text(client.get(url, {"to": "35.78"}, follow=True))
    assert "To Kota Surabaya, for an order of 1 unit:" in surabaya
    assert 'data-option="courier">Courier · <span class="num" data-fee="15000">' in surabaya
    assert "Delivery by the producer: The producer does not deliver there itself." in surabaya

    jakarta = text(client.get(url, {"to": "31.71"}, follow=True))
    assert ("This producer cannot deliver to Kota Jakarta Pusat and offers no pickup. You can still add it to your "
            "cart, but the order cannot be placed to this destination.") in jakarta
    assert "Add to cart" in jakarta
    # A code that is not a known place is ignored.
    assert "Courier · from Rp" in text(client.get(url, {"to": "99.99"}, follow=True))


def test_checkout_says_a_producer_cannot_deliver_to_the_address_and_refuses_the_order(client):
    user, address = surabaya_consumer()
    producer = verified_producer()
    delivery_options_set(producer=producer, actor=owner_of(producer), options=DeliveryOptions(
        offers_pickup=False, offers_delivery=True, delivery_areas=(AreaFee("35.09.01", 10000),)))
    product = on_sale(producer=producer, retail_price=20000)
    client.force_login(user)
    client.post("/cart/add/", {"product": product.pk, "quantity": 1})

    page = text(client.get("/checkout/"))
    assert (f'data-undeliverable="{producer.pk}">This producer cannot deliver to this destination and offers no '
            "pickup") in page
    response = client.post("/checkout/", {
        "destination": address.pk, "payment_method": "bank_transfer", "expected_total": 20000,
        "idempotency_key": "key-delivery-0002", "note": ""})
    assert response.status_code == 400
    assert "cannot deliver to this destination and offers no pickup: remove its products" in text(response)
    assert Checkout.objects.count() == 0
