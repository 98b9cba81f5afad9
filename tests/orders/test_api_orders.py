"""The orders API: who sees which orders (404 for everyone else), fulfilment moves, timeline, reorder, problems."""
from __future__ import annotations

import io

import pytest

from catalog.models import ProductStock
from orders.models import CartLine, Order, OrderEvent, OrderProblem, OrderProblemPhoto
from orders.selectors import shopper_get
from orders.services import cart_line_set, checkout_mark_paid
from orders.states import Party
from tests.catalog.test_api import (  # noqa: F401 -- client_fixture is a fixture
    as_user,
    assert_error,
    client_fixture,
    jpeg,
    request_queries,
)
from tests.factories import MembershipFactory
from tests.orders.factories import (
    OfficerFactory,
    UserFactory,
    buyer_organisation,
    consumer_shopper,
    on_sale,
    owner_of,
    place,
    placed_order,
    verified_producer,
)

pytestmark = pytest.mark.django_db


def snapshot(order: Order):
    order.refresh_from_db()
    stock = ProductStock.objects.get(product__order_lines__order=order)
    return (order.status, order.courier, order.tracking_number, order.decline_reason,
            OrderEvent.objects.filter(order=order).count(), (stock.on_hand, stock.reserved))


def test_each_party_sees_its_own_orders_and_nobody_else_sees_them(client):
    order, product, people = placed_order()
    other, _product, other_people = placed_order()

    mine = as_user(client, people[Party.BUYER]).get("/api/v1/orders/").json()
    producers = as_user(client, people[Party.PRODUCER]).get("/api/v1/orders/?view=producer").json()
    officers = as_user(client, people[Party.OFFICER]).get("/api/v1/orders/").json()
    stranger = as_user(client, people["stranger"]).get("/api/v1/orders/").json()
    other_producer = as_user(client, people["other producer"]).get("/api/v1/orders/?view=producer").json()

    assert [o["id"] for o in mine["results"]] == [order.pk]
    assert mine["results"][0]["checkout"] == {"id": order.checkout_id, "number": order.checkout.number,
                                              "status": "paid", "payment_method": "card", "organisation_id": None}
    assert [o["id"] for o in producers["results"]] == [order.pk]
    assert producers["results"][0]["checkout"] is None  # the producer never sees the buyer's checkout
    assert producers["results"][0]["delivery_address"]["name"] == "Rumah"
    assert [(line["product_id"], line["quantity"], line["unit_price"], line["line_total"])
            for line in producers["results"][0]["lines"]] == [(product.pk, 4, 10000, 40000)]
    assert [o["id"] for o in officers["results"]] == [other.pk, order.pk]
    assert (stranger["results"], other_producer["results"]) == ([], [])

    for user in (people["stranger"], people["other producer"], other_people[Party.BUYER],
                 other_people[Party.PRODUCER]):
        assert_error(as_user(client, user).get(f"/api/v1/orders/{order.pk}/"), 404, "order_not_found")


def test_a_producer_does_not_see_orders_awaiting_payment(client):
    order, _product, people = placed_order(paid=False)

    assert as_user(client, people[Party.PRODUCER]).get("/api/v1/orders/?view=producer").json()["results"] == []
    assert_error(client.get(f"/api/v1/orders/{order.pk}/"), 404, "order_not_found")
    assert as_user(client, people[Party.BUYER]).get(f"/api/v1/orders/{order.pk}/").json()["status"] == (
        "awaiting_payment")


def test_officers_filter_all_orders(client):
    first, _product, people = placed_order()
    second, _product, _people = placed_order()
    as_user(client, people[Party.OFFICER])
    district = first.producer.village.district_id

    by_producer = client.get(f"/api/v1/orders/?producer={second.producer_id}").json()["results"]
    by_status = client.get("/api/v1/orders/?status=declined").json()["results"]
    by_district = client.get(f"/api/v1/orders/?district={district}").json()["results"]
    bad = client.get("/api/v1/orders/?status=lost&district=35")

    assert [o["id"] for o in by_producer] == [second.pk]
    assert by_status == []
    assert [o["id"] for o in by_district] == [second.pk, first.pk]
    assert_error(bad, 400, "invalid", {"status": ['"lost" is not a valid choice.'],
                                       "district": ["This value does not match the required pattern."]})


@pytest.mark.parametrize("view", ["buyer", "producer", "officer"])
def test_the_order_list_costs_the_same_for_2_and_20_orders(client, view):
    shopper, address = consumer_shopper()
    producer = verified_producer()
    products = [on_sale(producer=producer, stock=100, retail_price=1000) for _ in range(3)]
    viewer = {"buyer": shopper.user, "producer": owner_of(producer), "officer": OfficerFactory()}[view]
    as_user(client, viewer)

    def orders(count: int):
        while Order.objects.count() < count:
            for product in products:
                cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
            checkout_mark_paid(checkout=place(shopper, destination=address), reference="pi")

    orders(2)
    few, response = request_queries(lambda: client.get(f"/api/v1/orders/?view={view}"))
    assert len(response.json()["results"]) == 2
    orders(20)
    many, response = request_queries(lambda: client.get(f"/api/v1/orders/?view={view}"))
    assert len(response.json()["results"]) == 20
    assert all(len(o["lines"]) == 3 for o in response.json()["results"])
    assert few == many


def test_the_producer_fulfils_and_the_buyer_confirms_with_a_timeline(client):
    order, _product, people = placed_order(rule={"offers_courier": True, "courier_fee": 5000})
    producer, buyer = people[Party.PRODUCER], people[Party.BUYER]
    as_user(client, producer)

    detail = client.get(f"/api/v1/orders/{order.pk}/").json()
    assert (detail["viewer"], detail["actions"], detail["checkout"]) == ("producer", ["accepted", "declined"], None)
    # The payment covers the buyer's whole checkout: its amount and reference are not shown to the producer.
    assert [(e["kind"], e["data"]) for e in detail["events"]][1] == ("payment", {})

    assert client.post(f"/api/v1/orders/{order.pk}/accept/", {}, format="json").json()["status"] == "accepted"
    assert client.post(f"/api/v1/orders/{order.pk}/pack/", {}, format="json").json()["status"] == "packed"
    before = snapshot(order)
    no_tracking = client.post(f"/api/v1/orders/{order.pk}/ship/", {"courier": "JNE"}, format="json")
    assert_error(no_tracking, 400, "orders_invalid", {"tracking_number": ["This field is required."]})
    assert snapshot(order) == before
    shipped = client.post(f"/api/v1/orders/{order.pk}/ship/", {"courier": "JNE", "tracking_number": "JN123"},
                          format="json").json()
    assert (shipped["status"], shipped["courier"], shipped["tracking_number"]) == ("shipped", "JNE", "JN123")

    as_user(client, buyer)
    assert client.post(f"/api/v1/orders/{order.pk}/deliver/", {}, format="json").json()["status"] == "delivered"
    confirmed = client.post(f"/api/v1/orders/{order.pk}/confirm/", {"note": "Terima kasih"}, format="json").json()

    assert confirmed["status"] == "completed"
    assert confirmed["viewer"] == "buyer"
    assert [(e["kind"], e["from_status"], e["to_status"], e["actor"]["id"] if e["actor"] else None)
            for e in confirmed["events"]] == [
        ("status", "", "awaiting_payment", buyer.pk), ("payment", "", "", None),
        ("status", "awaiting_payment", "placed", None),
        ("status", "placed", "accepted", producer.pk), ("status", "accepted", "packed", producer.pk),
        ("status", "packed", "shipped", producer.pk), ("status", "shipped", "delivered", buyer.pk),
        ("status", "delivered", "completed", buyer.pk)]
    assert confirmed["events"][-1]["note"] == "Terima kasih"
    assert confirmed["events"][1]["data"] == {"reference": "pi_1", "amount": 45000}


def test_moves_are_refused_to_the_wrong_party_and_change_nothing(client):
    order, _product, people = placed_order()
    before = snapshot(order)

    by_buyer = as_user(client, people[Party.BUYER]).post(f"/api/v1/orders/{order.pk}/accept/", {}, format="json")
    by_stranger = as_user(client, people["stranger"]).post(f"/api/v1/orders/{order.pk}/accept/", {}, format="json")
    by_other = as_user(client, people["other producer"]).post(f"/api/v1/orders/{order.pk}/cancel/", {},
                                                              format="json")
    too_early = as_user(client, people[Party.PRODUCER]).post(f"/api/v1/orders/{order.pk}/ship/", {}, format="json")
    no_reason = client.post(f"/api/v1/orders/{order.pk}/decline/", {"reason": " "}, format="json")

    assert_error(by_buyer, 403, "order_action_forbidden")
    assert_error(by_stranger, 404, "order_not_found")
    assert_error(by_other, 404, "order_not_found")
    assert_error(too_early, 409, "order_transition_invalid")
    assert_error(no_reason, 400, "invalid", {"reason": ["This field may not be blank."]})
    assert snapshot(order) == before


def test_the_producer_declines_with_a_reason_and_the_stock_is_released(client):
    order, _product, people = placed_order()

    declined = as_user(client, people[Party.PRODUCER]).post(f"/api/v1/orders/{order.pk}/decline/",
                                                            {"reason": "Stok rusak kena hujan"}, format="json")

    assert (declined.json()["status"], declined.json()["decline_reason"]) == ("declined", "Stok rusak kena hujan")
    assert snapshot(order)[5] == (20, 0)


def test_the_buyer_cancels_before_acceptance(client):
    order, _product, people = placed_order()

    cancelled = as_user(client, people[Party.BUYER]).post(f"/api/v1/orders/{order.pk}/cancel/",
                                                          {"reason": "Salah pesan"}, format="json")

    assert cancelled.json()["status"] == "cancelled"
    assert snapshot(order)[5] == (20, 0)


def test_reorder_puts_the_products_in_the_cart_at_todays_prices(client):
    order, product, people = placed_order()

    response = as_user(client, people[Party.BUYER]).post(f"/api/v1/orders/{order.pk}/reorder/")
    stranger = as_user(client, people["stranger"]).post(f"/api/v1/orders/{order.pk}/reorder/")

    assert response.status_code == 200
    assert response.json()["items"] == [{"product_id": product.pk, "name": product.approved_snapshot["name"],
                                         "quantity": 4, "added": 4, "reason": ""}]
    assert response.json()["cart"]["total"] == 40000
    assert_error(stranger, 404, "order_not_found")
    assert list(CartLine.objects.values_list("cart__user", "product", "quantity")) == [
        (people[Party.BUYER].pk, product.pk, 4)]


def _delivered(client, order, people):
    as_user(client, people[Party.PRODUCER])
    for action in ("accept", "pack", "ship", "deliver"):
        assert client.post(f"/api/v1/orders/{order.pk}/{action}/", {}, format="json").status_code == 200


def test_problems_are_reported_with_photos_answered_and_decided(client):
    order, _product, people = placed_order()
    _delivered(client, order, people)

    reported = as_user(client, people[Party.BUYER]).post(
        f"/api/v1/orders/{order.pk}/problems/",
        {"kind": "damaged", "description": "Dua bungkus sobek", "photos": [jpeg((64, 48)), jpeg((32, 32))]},
        format="multipart")
    assert reported.status_code == 201, reported.content
    problem = reported.json()
    assert ({k: problem[k] for k in ("kind", "description", "status", "decision", "refund_amount")},
            [(p["width"], p["height"]) for p in problem["photos"]]) == (
        {"kind": "damaged", "description": "Dua bungkus sobek", "status": "open", "decision": "",
         "refund_amount": 0}, [(64, 48), (32, 32)])

    by_buyer = client.post(f"/api/v1/orders/{order.pk}/problems/{problem['id']}/answer/", {"answer": "x"},
                           format="json")
    assert_error(by_buyer, 403, "order_action_forbidden")
    answered = as_user(client, people[Party.PRODUCER]).post(
        f"/api/v1/orders/{order.pk}/problems/{problem['id']}/answer/", {"answer": "Maaf, kami ganti"},
        format="json")
    assert (answered.json()["status"], answered.json()["answer"]) == ("answered", "Maaf, kami ganti")
    by_producer = client.post(f"/api/v1/orders/{order.pk}/problems/{problem['id']}/decide/",
                              {"decision": "full_refund", "note": "x"}, format="json")
    assert_error(by_producer, 403, "order_action_forbidden")

    decided = as_user(client, people[Party.OFFICER]).post(
        f"/api/v1/orders/{order.pk}/problems/{problem['id']}/decide/",
        {"decision": "partial_refund", "refund_amount": 15000, "note": "Dua bungkus"}, format="json")

    assert {k: decided.json()[k] for k in ("status", "decision", "refund_amount", "decision_note")} == {
        "status": "decided", "decision": "partial_refund", "refund_amount": 15000, "decision_note": "Dua bungkus"}
    detail = client.get(f"/api/v1/orders/{order.pk}/").json()
    assert [p["id"] for p in detail["problems"]] == [problem["id"]]
    assert_error(as_user(client, people["stranger"]).get(f"/api/v1/orders/{order.pk}/problems/"), 404,
                 "order_not_found")


def test_a_problem_before_delivery_or_with_bad_input_changes_nothing(client):
    order, _product, people = placed_order()
    as_user(client, people[Party.BUYER])

    too_early = client.post(f"/api/v1/orders/{order.pk}/problems/", {"kind": "damaged", "description": "Pecah"},
                            format="multipart")
    bad = client.post(f"/api/v1/orders/{order.pk}/problems/", {"kind": "late", "description": ""},
                      format="multipart")

    assert_error(too_early, 409, "problem_not_allowed")
    _delivered(client, order, people)
    as_user(client, people[Party.BUYER])
    not_a_photo = io.BytesIO(b"%PDF-1.4 not a photo")
    not_a_photo.name = "nota.pdf"
    too_many = client.post(f"/api/v1/orders/{order.pk}/problems/",
                           {"kind": "damaged", "description": "Pecah", "photos": [jpeg() for _ in range(6)]},
                           format="multipart")
    broken = client.post(f"/api/v1/orders/{order.pk}/problems/",
                         {"kind": "damaged", "description": "Pecah", "photos": [not_a_photo]}, format="multipart")
    assert_error(too_many, 400, "invalid", {"photos": ["Ensure this field has no more than 5 elements."]})
    assert_error(broken, 400, "image_type_not_allowed")
    assert (OrderProblem.objects.count(), OrderProblemPhoto.objects.count()) == (0, 0)
    assert_error(bad, 400, "invalid", {"kind": ['"late" is not a valid choice.'],
                                       "description": ["This field may not be blank."]})
    assert (OrderProblem.objects.count(), OrderProblemPhoto.objects.count()) == (0, 0)


def test_a_member_sees_the_organisations_orders_when_acting_for_it(client):
    organisation, member, outlet = buyer_organisation()
    colleague = MembershipFactory(organisation=organisation, role="member").user
    product = on_sale(stock=50, retail_price=10000)
    shopper = shopper_get(user=member, organisation=organisation)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=3)
    order = place(shopper, destination=outlet, method="invoice").orders.get()
    as_user(client, colleague)

    for_organisation = client.get("/api/v1/orders/", HTTP_X_BUYER_ORGANISATION=str(organisation.pk)).json()
    for_themself = client.get("/api/v1/orders/").json()
    detail = client.get(f"/api/v1/orders/{order.pk}/").json()

    assert [o["id"] for o in for_organisation["results"]] == [order.pk]
    assert for_themself["results"] == []
    assert (detail["viewer"], detail["checkout"]["organisation_id"]) == ("buyer", organisation.pk)
    assert_error(as_user(client, UserFactory()).get(f"/api/v1/orders/?organisation={organisation.pk}"), 403,
                 "buyer_member_required")
