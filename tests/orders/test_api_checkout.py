"""The checkout API: placing with an Idempotency-Key, repeated and conflicting requests, destinations, access."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from catalog.models import ProductStock
from orders.models import CartLine, Checkout, Order
from tests.catalog.test_api import as_user, assert_error, client_fixture  # noqa: F401 -- client_fixture is a fixture
from tests.orders.factories import (
    OfficerFactory,
    UserFactory,
    buyer_organisation,
    consumer,
    on_sale,
    verified_producer,
)
from tests.orders.test_concurrency import race

pytestmark = pytest.mark.django_db

KEY = "0b1f6c3e-2d4a-4b7e-9f00-1234567890ab"


def state():
    return (Checkout.objects.count(), Order.objects.count(), CartLine.objects.count(),
            list(ProductStock.objects.order_by("product_id").values_list("on_hand", "reserved")))


@pytest.fixture
def cart(client):
    """A consumer with two producers' products in the cart: (user, address, products, body to place it)."""
    user, address = consumer()
    tani = verified_producer("Tani Makmur", offers_courier=True, courier_fee=15000)
    kopi = on_sale(producer=tani, retail_price=35000, stock=10)
    teh = on_sale(producer=verified_producer("Argopuro"), retail_price=12000, stock=10)
    as_user(client, user)
    client.post("/api/v1/cart/lines/", {"product_id": kopi.pk, "quantity": 2}, format="json")
    client.post("/api/v1/cart/lines/", {"product_id": teh.pk, "quantity": 3}, format="json")
    body = {"address_id": address.pk, "delivery": {str(tani.pk): "courier", str(teh.producer_id): "pickup"},
            "payment_method": "bank_transfer", "note": "Tolong telepon dulu", "expected_total": 121000}
    return user, address, (kopi, teh), body


def test_placing_creates_one_order_per_producer_and_a_repeat_returns_the_same_checkout(client, cart):
    user, address, (kopi, teh), body = cart

    first = client.post("/api/v1/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    again = client.post("/api/v1/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)

    assert (first.status_code, again.status_code) == (201, 200)
    placed = first.json()
    assert again.json() == placed
    checkout = Checkout.objects.get()
    assert {key: placed[key] for key in ("id", "status", "audience", "organisation_id", "payment_method",
                                         "outlet_id", "address_id", "note", "subtotal", "delivery_total",
                                         "total")} == {
        "id": checkout.pk, "status": "awaiting_payment", "audience": "consumer", "organisation_id": None,
        "payment_method": "bank_transfer", "outlet_id": None, "address_id": address.pk,
        "note": "Tolong telepon dulu", "subtotal": 106000, "delivery_total": 15000, "total": 121000}
    assert placed["delivery_address"]["name"] == "Rumah"
    assert [(o["producer"]["name"], o["delivery_option"], o["subtotal"], o["delivery_fee"], o["total"],
             [(line["product_id"], line["quantity"], line["unit_price"]) for line in o["lines"]])
            for o in placed["orders"]] == [
        ("Argopuro", "pickup", 36000, 0, 36000, [(teh.pk, 3, 12000)]),
        ("Tani Makmur", "courier", 70000, 15000, 85000, [(kopi.pk, 2, 35000)])]
    assert state() == (1, 2, 0, [(10, 2), (10, 3)])


def test_the_idempotency_key_is_required(client, cart):
    _user, _address, _products, body = cart

    for headers in ({}, {"HTTP_IDEMPOTENCY_KEY": "short"}, {"HTTP_IDEMPOTENCY_KEY": "x" * 65}):
        response = client.post("/api/v1/checkout/", body, format="json", **headers)
        assert_error(response, 400, "orders_invalid", {"idempotency_key": ["Send 8 to 64 printable characters."]})
    assert state() == (0, 0, 2, [(10, 0), (10, 0)])


def test_the_same_key_with_a_different_request_is_refused(client, cart):
    _user, _address, _products, body = cart
    client.post("/api/v1/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    before = state()

    response = client.post("/api/v1/checkout/", {**body, "note": "Lain"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)

    assert_error(response, 409, "idempotency_key_reused")
    assert state() == before


def test_a_wrong_total_someone_elses_address_and_bad_input_change_nothing(client, cart):
    _user, _address, _products, body = cart
    _other, foreign = consumer()

    wrong_total = client.post("/api/v1/checkout/", {**body, "expected_total": 100000}, format="json",
                              HTTP_IDEMPOTENCY_KEY=KEY)
    foreign_address = client.post("/api/v1/checkout/", {**body, "address_id": foreign.pk}, format="json",
                                  HTTP_IDEMPOTENCY_KEY=KEY + "1")
    bad = client.post("/api/v1/checkout/", {**body, "delivery": {"1": "drone"}, "expected_total": -1},
                      format="json", HTTP_IDEMPOTENCY_KEY=KEY + "2")

    assert_error(wrong_total, 409, "total_changed")
    assert_error(foreign_address, 400, "delivery_invalid", {"address": ["Choose one of your delivery addresses."]})
    assert_error(bad, 400, "invalid", {"delivery.1": ['"drone" is not a valid choice.'],
                                       "expected_total": ["Ensure this value is greater than or equal to 0."]})
    assert state() == (0, 0, 2, [(10, 0), (10, 0)])


def test_a_buyer_organisation_checks_out_to_its_outlet(client):
    organisation, member, outlet = buyer_organisation()
    _other, _member, foreign_outlet = buyer_organisation()
    product = on_sale(retail_price=35000, min_order_qty=6, order_multiple=6, tiers=[(6, 30000)], stock=50)
    as_user(client, member)
    headers = {"HTTP_X_BUYER_ORGANISATION": str(organisation.pk)}
    client.post("/api/v1/cart/lines/", {"product_id": product.pk, "quantity": 12}, format="json", **headers)
    body = {"outlet_id": foreign_outlet.pk, "delivery": {str(product.producer_id): "pickup"},
            "payment_method": "invoice", "expected_total": 360000}

    foreign = client.post("/api/v1/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY, **headers)
    assert_error(foreign, 400, "delivery_invalid", {"outlet": ["Choose one of your organisation's outlets."]})
    assert Checkout.objects.count() == 0

    placed = client.post("/api/v1/checkout/", {**body, "outlet_id": outlet.pk}, format="json",
                         HTTP_IDEMPOTENCY_KEY=KEY, **headers)

    assert placed.status_code == 201, placed.content
    assert {key: placed.json()[key] for key in ("status", "audience", "organisation_id", "outlet_id", "total")} == {
        "status": "on_terms", "audience": "business", "organisation_id": organisation.pk, "outlet_id": outlet.pk,
        "total": 360000}


def test_a_checkout_is_seen_by_its_buyer_and_officers_only(client, cart):
    _user, _address, _products, body = cart
    checkout_id = client.post("/api/v1/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY).json()["id"]

    assert client.get(f"/api/v1/checkouts/{checkout_id}/").json()["id"] == checkout_id
    assert as_user(client, OfficerFactory()).get(f"/api/v1/checkouts/{checkout_id}/").status_code == 200
    assert_error(as_user(client, UserFactory()).get(f"/api/v1/checkouts/{checkout_id}/"), 404, "checkout_not_found")


def test_the_buyer_cancels_an_unpaid_checkout_and_the_stock_returns(client, cart):
    user, _address, _products, body = cart
    checkout_id = client.post("/api/v1/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY).json()["id"]

    stranger = as_user(client, UserFactory()).post(f"/api/v1/checkouts/{checkout_id}/cancel/", {}, format="json")
    assert_error(stranger, 404, "checkout_not_found")
    assert state() == (1, 2, 0, [(10, 2), (10, 3)])

    cancelled = as_user(client, user).post(f"/api/v1/checkouts/{checkout_id}/cancel/", {}, format="json")

    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], [o["status"] for o in cancelled.json()["orders"]]) == (
        "cancelled", ["cancelled", "cancelled"])
    assert state() == (1, 2, 0, [(10, 0), (10, 0)])


@pytest.mark.django_db(transaction=True)
def test_ten_identical_concurrent_requests_create_one_checkout():
    user, address = consumer()
    product = on_sale(retail_price=35000, stock=10)
    client = as_user(APIClient(HTTP_ACCEPT_LANGUAGE="en"), user)
    client.post("/api/v1/cart/lines/", {"product_id": product.pk, "quantity": 2}, format="json")
    body = {"address_id": address.pk, "delivery": {str(product.producer_id): "pickup"},
            "payment_method": "bank_transfer", "expected_total": 70000}

    def post(_index):
        return as_user(APIClient(HTTP_ACCEPT_LANGUAGE="en"), user).post(
            "/api/v1/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)

    responses = race(10, post)

    # exactly one answer says "created"; every replay says 200 (clients branch on it)
    assert sorted(r.status_code for r in responses) == [200] * 9 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert state() == (1, 1, 0, [(10, 2)])
