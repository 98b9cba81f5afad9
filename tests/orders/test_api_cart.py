"""The cart API: lines priced for the caller's audience, bad input, acting for an organisation, price changes."""
from __future__ import annotations

import pytest

from catalog.services import ProductChanges, product_approve, product_update
from orders.models import Cart, CartLine
from tests.catalog.test_api import (  # noqa: F401 -- client_fixture is a fixture
    as_user,
    assert_error,
    client_fixture,
    request_queries,
)
from tests.factories import OrganisationFactory
from tests.orders.factories import (
    OfficerFactory,
    UserFactory,
    buyer_organisation,
    consumer,
    on_sale,
    owner_of,
    verified_producer,
)

pytestmark = pytest.mark.django_db


def cart_lines():
    return list(CartLine.objects.order_by("pk").values_list("cart__user_id", "cart__organisation_id", "product_id",
                                                            "quantity", "unit_price_seen"))


def line(product, *, quantity, unit_price, seen=None, available=100, next_tier=None, problems=(), moq=1,
         multiple=1) -> dict:
    seen = unit_price if seen is None else seen
    return {"id": product.pk, "product_id": product.pk, "name": product.approved_snapshot["name"], "unit": "pack",
            "quantity": quantity, "unit_price": unit_price, "line_total": unit_price * quantity,
            "unit_price_seen": seen, "price_changed": seen != unit_price,
            "price_difference": unit_price - seen, "available": available, "stock_short": quantity > available,
            "stock_message": f"Only {available} left." if quantity > available else "",
            "problems": list(problems), "orderable": not problems, "min_order_qty": moq, "order_multiple": multiple,
            "next_tier": next_tier}


def test_a_consumer_fills_the_cart_and_sees_per_producer_totals(client):
    user, _address = consumer()
    tani = verified_producer("Tani Makmur", offers_courier=True, courier_fee=15000)
    kopi = on_sale(producer=tani, retail_price=35000)
    teh = on_sale(producer=verified_producer("Argopuro"), retail_price=12000)
    as_user(client, user)

    first = client.post("/api/v1/cart/lines/", {"product_id": kopi.pk, "quantity": 2}, format="json")
    client.post("/api/v1/cart/lines/", {"product_id": teh.pk, "quantity": 3}, format="json")
    body = client.get(f"/api/v1/cart/?delivery={tani.pk}:courier").json()

    assert first.status_code == 201
    assert first.json()["total"] == 70000
    assert body == {
        "audience": "consumer",
        "producers": [
            {"producer_id": teh.producer_id, "producer_name": "Argopuro",
             "lines": [line(teh, quantity=3, unit_price=12000)], "subtotal": 36000,
             "delivery_choices": [{"option": "pickup", "label": "Pickup at the village", "fee": 0}],
             "delivery_option": None, "delivery_fee": 0, "total": 36000},
            {"producer_id": tani.pk, "producer_name": "Tani Makmur",
             "lines": [line(kopi, quantity=2, unit_price=35000)], "subtotal": 70000,
             "delivery_choices": [{"option": "courier", "label": "Courier", "fee": 15000},
                                  {"option": "pickup", "label": "Pickup at the village", "fee": 0}],
             "delivery_option": "courier", "delivery_fee": 15000, "total": 85000}],
        "unavailable": [], "subtotal": 106000, "delivery_total": 15000, "total": 121000, "line_count": 2,
        "price_changes": {}, "problems": {},
        "delivery_problems": {str(teh.producer_id): ["Choose a delivery option."]}}
    assert cart_lines() == [(user.pk, None, kopi.pk, 2, 35000), (user.pk, None, teh.pk, 3, 12000)]


def test_change_and_remove_lines_and_clear_the_cart(client):
    user, _address = consumer()
    kopi, teh = on_sale(retail_price=35000), on_sale(retail_price=12000)
    as_user(client, user)
    client.post("/api/v1/cart/lines/", {"product_id": kopi.pk, "quantity": 2}, format="json")
    client.post("/api/v1/cart/lines/", {"product_id": teh.pk, "quantity": 1}, format="json")

    changed = client.patch(f"/api/v1/cart/lines/{kopi.pk}/", {"quantity": 5}, format="json")
    assert (changed.status_code, changed.json()["total"]) == (200, 5 * 35000 + 12000)
    removed = client.delete(f"/api/v1/cart/lines/{teh.pk}/")
    assert (removed.status_code, removed.json()["total"]) == (200, 5 * 35000)
    assert cart_lines() == [(user.pk, None, kopi.pk, 5, 35000)]

    missing = client.patch(f"/api/v1/cart/lines/{teh.pk}/", {"quantity": 1}, format="json")
    assert_error(missing, 404, "cart_line_not_found")
    assert cart_lines() == [(user.pk, None, kopi.pk, 5, 35000)]

    cleared = client.delete("/api/v1/cart/")
    assert (cleared.status_code, cleared.json()["line_count"], cart_lines()) == (200, 0, [])


@pytest.mark.parametrize(("quantity", "fields"), [
    (0, {"quantity": ["Ensure this value is greater than or equal to 1."]}),
    (-3, {"quantity": ["Ensure this value is greater than or equal to 1."]}),
    (1.5, {"quantity": ["A valid integer is required."]}),
    (100_001, {"quantity": ["Ensure this value is less than or equal to 100000."]}),
    (10 ** 30, {"quantity": ["Ensure this value is less than or equal to 100000."]}),
    ("banyak", {"quantity": ["A valid integer is required."]}),
])
def test_bad_quantities_change_nothing(client, quantity, fields):
    user, _address = consumer()
    product = on_sale()
    as_user(client, user)

    response = client.post("/api/v1/cart/lines/", {"product_id": product.pk, "quantity": quantity}, format="json")

    assert_error(response, 400, "invalid", fields)
    assert (cart_lines(), Cart.objects.count()) == ([], 0)


def test_unlisted_products_and_short_stock_are_refused(client):
    user, _address = consumer()
    scarce = on_sale(stock=3)
    as_user(client, user)

    unknown = client.post("/api/v1/cart/lines/", {"product_id": 999_999, "quantity": 1}, format="json")
    short = client.post("/api/v1/cart/lines/", {"product_id": scarce.pk, "quantity": 4}, format="json")

    assert_error(unknown, 400, "product_unavailable", {"product": ["This product is not on sale."]})
    body = assert_error(short, 409, "insufficient_stock", {str(scarce.pk): ["Only 3 left."]})
    assert body["message"] == f"Only 3 left of {scarce.approved_snapshot['name']}."
    assert cart_lines() == []


def test_a_buyer_organisation_pays_wholesale_tiers_within_its_order_rules(client):
    organisation, member, _outlet = buyer_organisation()
    product = on_sale(retail_price=35000, min_order_qty=6, order_multiple=6, tiers=[(6, 32000), (24, 28000)])
    as_user(client, member)
    headers = {"HTTP_X_BUYER_ORGANISATION": str(organisation.pk)}

    below = client.post("/api/v1/cart/lines/", {"product_id": product.pk, "quantity": 4}, format="json", **headers)
    off = client.post("/api/v1/cart/lines/", {"product_id": product.pk, "quantity": 9}, format="json", **headers)
    assert_error(below, 400, "quantity_invalid", {"quantity": ["The minimum order is 6 units.",
                                                               "Order in multiples of 6 units."]})
    assert_error(off, 400, "quantity_invalid", {"quantity": ["Order in multiples of 6 units."]})
    assert cart_lines() == []

    body = client.post("/api/v1/cart/lines/", {"product_id": product.pk, "quantity": 12}, format="json",
                       **headers).json()

    assert body["audience"] == "business"
    assert body["producers"][0]["lines"] == [line(
        product, quantity=12, unit_price=32000, moq=6, multiple=6,
        next_tier={"more": 12, "quantity": 24, "unit_price": 28000,
                   "hint": "Order 12 more to pay Rp 28.000 per unit."})]
    # The same person shopping for themself has a separate cart at retail prices.
    assert client.get("/api/v1/cart/").json()["line_count"] == 0
    assert client.get(f"/api/v1/cart/?organisation={organisation.pk}").json()["total"] == 12 * 32000
    assert cart_lines() == [(member.pk, organisation.pk, product.pk, 12, 32000)]


def test_only_members_act_for_a_buyer_organisation(client):
    organisation, _member, _outlet = buyer_organisation()
    product = on_sale()
    outsider = UserFactory()
    seller = OrganisationFactory(kind="producer")
    as_user(client, outsider)

    for value in (str(organisation.pk), str(seller.pk), "abc", "999999"):
        response = client.post("/api/v1/cart/lines/", {"product_id": product.pk, "quantity": 6}, format="json",
                               HTTP_X_BUYER_ORGANISATION=value)
        assert_error(response, 403, "buyer_member_required")
    assert_error(client.get(f"/api/v1/cart/?organisation={organisation.pk}"), 403, "buyer_member_required")
    assert (cart_lines(), Cart.objects.count()) == ([], 0)


def test_the_cart_needs_a_signed_in_caller(client):
    product = on_sale()

    assert client.get("/api/v1/cart/").status_code == 401
    assert client.post("/api/v1/cart/lines/", {"product_id": product.pk, "quantity": 1},
                       format="json").status_code == 401
    assert Cart.objects.count() == 0


def test_a_price_change_is_shown_until_the_caller_accepts_it(client):
    user, _address = consumer()
    product = on_sale(retail_price=35000)
    as_user(client, user)
    client.post("/api/v1/cart/lines/", {"product_id": product.pk, "quantity": 2}, format="json")
    product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(retail_price=38000))
    product_approve(product=product, officer=OfficerFactory())

    body = client.get("/api/v1/cart/").json()
    assert body["producers"][0]["lines"] == [line(product, quantity=2, unit_price=38000, seen=35000)]
    assert body["price_changes"] == {str(product.pk): ["The price changed from Rp 35.000 to Rp 38.000."]}
    assert cart_lines() == [(user.pk, None, product.pk, 2, 35000)]

    accepted = client.post("/api/v1/cart/accept-prices/")

    assert (accepted.status_code, accepted.json()["price_changes"]) == (200, {})
    assert cart_lines() == [(user.pk, None, product.pk, 2, 38000)]


def test_the_cart_costs_the_same_for_2_and_20_lines(client):
    organisation, member, _outlet = buyer_organisation()
    producers = [verified_producer(offers_delivery=True, delivery_fee=10000) for _ in range(2)]
    products = [on_sale(producer=producers[i % 2], tiers=[(5, 30000), (50, 25000)]) for i in range(20)]
    as_user(client, member)
    headers = {"HTTP_X_BUYER_ORGANISATION": str(organisation.pk)}
    for product in products[:2]:
        client.post("/api/v1/cart/lines/", {"product_id": product.pk, "quantity": 5}, format="json", **headers)

    few, response = request_queries(lambda: client.get("/api/v1/cart/", **headers))
    assert response.json()["line_count"] == 2
    for product in products[2:]:
        client.post("/api/v1/cart/lines/", {"product_id": product.pk, "quantity": 5}, format="json", **headers)
    many, response = request_queries(lambda: client.get("/api/v1/cart/", **headers))

    assert (response.json()["line_count"], response.json()["subtotal"]) == (20, 20 * 5 * 30000)
    assert few == many
