"""Order pages: cart, checkout, orders of buyers and consumers, the producers' board, the officers' view."""
from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import ProductStock
from orders.models import Cart, CartLine, Checkout, Order, OrderEvent
from orders.receivers import CART_SESSION_KEY
from orders.selectors import cart_quote, shopper_get
from orders.services import cart_line_set, order_accept, order_pack, order_ship
from tests.factories import OfficerFactory, UserFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import (
    buyer_organisation,
    consumer,
    on_sale,
    owner_of,
    place,
    placed_order,
    verified_producer,
)

pytestmark = pytest.mark.django_db

CART, CHECKOUT, ORDERS = "/cart/", "/checkout/", "/orders/"


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English (``english_pages``)."""


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def org_cart(quantity=12, **product):
    """Return (client-ready member, organisation, outlet, product) with ``quantity`` units in the cart."""
    organisation, member, outlet = buyer_organisation()
    product = on_sale(**{"retail_price": 10000, "min_order_qty": 6, "order_multiple": 6,
                         "tiers": [(24, 8000)], **product})
    shopper = shopper_get(user=member, organisation=organisation)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)
    return member, organisation, outlet, product


# --- cart -----------------------------------------------------------------------------------


def test_anonymous_visitor_adds_to_cart_and_the_cart_follows_the_login(client):
    product = on_sale(retail_price=12500, name="Keripik Pisang")
    response = client.post("/cart/add/", {"product": product.pk, "quantity": "3",
                                          "next": f"/products/{product.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/products/{product.pk}/"
    page = text(client.get(CART))
    assert "Keripik Pisang" in page and "Rp 37.500" in page

    user, _address = consumer()
    client.force_login(user)  # the login receiver merges the anonymous cart

    assert list(CartLine.objects.filter(cart__user=user).values_list("product_id", "quantity")) == [(product.pk, 3)]
    assert not Cart.objects.filter(user__isnull=True).exists()
    assert CART_SESSION_KEY not in client.session


def test_add_to_cart_refuses_bad_quantities_and_changes_nothing(client):
    product = on_sale(stock=5)
    for quantity in ("0", "-1", "1.5", "abc", "6"):
        client.post("/cart/add/", {"product": product.pk, "quantity": quantity})
    assert CartLine.objects.count() == 0
    response = client.post("/cart/add/", {"product": product.pk, "quantity": "6"}, follow=True)
    assert "Only 5 left" in text(response)


def test_business_cart_shows_groups_subtotals_and_next_tier(client):
    member, _org, _outlet, product = org_cart(quantity=12)
    client.force_login(member)
    page = text(client.get(CART))
    assert product.producer.name in page
    assert "Rp 120.000" in page  # 12 x 10.000
    assert "Order 12 more to pay Rp 8.000 per unit." in page


def test_quantity_off_the_multiple_is_refused_and_the_line_is_unchanged(client):
    member, _org, _outlet, product = org_cart(quantity=12)
    client.force_login(member)
    response = client.post(f"/cart/lines/{product.pk}/", {"quantity": "13"})
    assert response.status_code == 400
    assert "Order in multiples of 6 units." in text(response)
    assert CartLine.objects.get(product=product).quantity == 12


def test_htmx_quantity_update_returns_the_cart_body(client):
    member, _org, _outlet, product = org_cart(quantity=12)
    client.force_login(member)
    response = client.post(f"/cart/lines/{product.pk}/", {"quantity": "24"}, HTTP_HX_REQUEST="true")
    page = text(response)
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="cart-body"')
    assert "Rp 192.000" in page  # 24 x 8.000, the wholesale tier
    assert CartLine.objects.get(product=product).quantity == 24


def test_remove_line(client):
    member, _org, _outlet, product = org_cart(quantity=12)
    client.force_login(member)
    client.post(f"/cart/lines/{product.pk}/", {"remove": "1"})
    assert CartLine.objects.count() == 0


def test_price_change_is_shown_and_accepted(client):
    member, organisation, _outlet, product = org_cart(quantity=12)
    CartLine.objects.filter(product=product).update(unit_price_seen=9000)
    client.force_login(member)
    page = text(client.get(CART))
    assert "from Rp 9.000 to Rp 10.000 per unit" in page
    assert "/checkout/" not in page.split("cart-total")[1]  # no checkout before accepting
    client.post("/cart/accept-prices/")
    assert CartLine.objects.get(product=product).unit_price_seen == 10000


# --- checkout -------------------------------------------------------------------------------


def checkout_post(client, *, destination, delivery, total, key="key-0001-abcdef", method="invoice", note=""):
    data = {"destination": destination, "payment_method": method, "expected_total": total,
            "idempotency_key": key, "note": note}
    data.update({f"delivery_{pid}": option for pid, option in delivery.items()})
    return client.post(CHECKOUT, data)


def test_checkout_page_offers_outlets_delivery_and_methods(client):
    member, organisation, outlet, product = org_cart(quantity=12)
    client.force_login(member)
    response = client.get(CHECKOUT)
    page = text(response)
    assert response.status_code == 200
    assert "Toko Pusat" in page and "Pickup at the village" in page and "Invoice on terms" in page
    assert 'name="expected_total" value="120000"' in page
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', page)


def test_the_checkout_page_reads_the_cart_and_its_prices_once(client):
    member, _organisation, _outlet, _product = org_cart(quantity=12)
    client.force_login(member)
    client.get(CHECKOUT)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHECKOUT)

    assert response.status_code == 200 and 'name="expected_total" value="120000"' in response.content.decode()
    # the delivery options offered depend on the priced cart: priced twice in memory, read once
    assert len([q for q in queries.captured_queries if q["sql"].startswith('SELECT "orders_cartline"')]) == 1
    assert len([q for q in queries.captured_queries
                if q["sql"].startswith('SELECT "orders_producerdeliveryrule"')]) == 1


def test_double_submitted_checkout_creates_one_checkout(client):
    member, organisation, outlet, product = org_cart(quantity=12)
    client.force_login(member)
    delivery = {product.producer_id: "pickup"}
    first = checkout_post(client, destination=outlet.pk, delivery=delivery, total=120000, note="Pagi")
    second = checkout_post(client, destination=outlet.pk, delivery=delivery, total=120000, note="Pagi")
    checkout = Checkout.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/checkout/{checkout.pk}/"
    assert (checkout.total, checkout.status, checkout.outlet_id) == (120000, "on_terms", outlet.pk)
    order = Order.objects.get()
    assert (order.status, order.note, order.total) == ("placed", "Pagi", 120000)
    assert ProductStock.objects.get(product=product).reserved == 12
    page = text(client.get(first["Location"]))
    assert checkout.number in page and order.number in page and "Rp 120.000" in page


def test_checkout_with_a_changed_total_is_refused_and_changes_nothing(client):
    member, organisation, outlet, product = org_cart(quantity=12)
    client.force_login(member)
    response = checkout_post(client, destination=outlet.pk, delivery={product.producer_id: "pickup"}, total=99000)
    assert response.status_code == 409
    assert "The total is now Rp 120.000." in text(response)
    assert 'name="expected_total" value="120000"' in text(response)
    assert Checkout.objects.count() == 0 and CartLine.objects.count() == 1
    assert ProductStock.objects.get(product=product).reserved == 0


def test_checkout_to_someone_elses_outlet_is_refused(client):
    member, organisation, outlet, product = org_cart(quantity=12)
    _other_org, _other, other_outlet = buyer_organisation()
    client.force_login(member)
    response = checkout_post(client, destination=other_outlet.pk, delivery={product.producer_id: "pickup"},
                             total=120000)
    assert response.status_code == 400
    assert Checkout.objects.count() == 0 and CartLine.objects.count() == 1


def test_consumer_adds_an_address_and_checks_out_with_delivery_fee(client):
    user = UserFactory(role="consumer")
    producer = verified_producer(offers_delivery=True, delivery_fee=15000)
    product = on_sale(producer=producer, retail_price=20000)
    cart_line_set(shopper=shopper_get(user=user), product_id=product.pk, quantity=2)
    client.force_login(user)
    # the checkout sends a consumer without an address to the address page (district and village lists)
    assert 'href="/addresses/new/?next=/checkout/"' in text(client.get("/checkout/"))
    place = {"name": "Rumah", "contact_name": "Ani", "street": "Jl. Mawar 1", "district": "35.09.01",
             "village_code": "35.09.01.2001", "next": "/checkout/"}
    bad = client.post("/addresses/new/", {**place, "phone": "12"})
    assert bad.status_code == 400 and user.addresses.count() == 0
    assert "Enter a phone number of 8 to 15 digits" in text(bad)
    ok = client.post("/addresses/new/", {**place, "phone": "081234567890"})
    address = user.addresses.get()
    assert (ok.status_code, ok["Location"]) == (302, f"/checkout/?destination={address.pk}")
    assert re.search(rf'name="destination" value="{address.pk}"[^>]*checked', text(client.get(ok["Location"])))
    summary = client.post("/checkout/summary/", {f"delivery_{producer.pk}": "producer"})
    assert 'name="expected_total" value="55000"' in text(summary)
    response = checkout_post(client, destination=address.pk, delivery={producer.pk: "producer"}, total=55000,
                             method="bank_transfer")
    checkout = Checkout.objects.get()
    assert response.status_code == 302
    assert (checkout.subtotal, checkout.delivery_total, checkout.total, checkout.status) == (
        40000, 15000, 55000, "awaiting_payment")


def test_anonymous_checkout_asks_to_sign_in(client):
    response = client.get(CHECKOUT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- orders of buyers -----------------------------------------------------------------------


def test_buyer_sees_own_orders_others_get_404(client):
    order, _product, people = placed_order()
    client.force_login(people["buyer"])
    assert order.number in text(client.get(ORDERS))
    detail = client.get(f"/orders/{order.pk}/")
    assert detail.status_code == 200 and "Timeline" in text(detail)
    for who in ("stranger", "other producer"):
        client.force_login(people[who])
        assert client.get(f"/orders/{order.pk}/").status_code == 404
        assert client.get(f"/checkout/{order.checkout_id}/invoice/").status_code == 404
        assert client.post(f"/orders/{order.pk}/action/", {"to": "cancelled"}).status_code == 404
        assert order.number not in text(client.get(ORDERS))
    order.refresh_from_db()
    assert order.status == "placed"


def test_buyer_cancels_before_acceptance_but_not_after(client):
    order, product, people = placed_order()
    client.force_login(people["buyer"])
    client.post(f"/orders/{order.pk}/action/", {"to": "cancelled", "note": "Salah pesan"})
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert ProductStock.objects.get(product=product).reserved == 0

    other, _p, people2 = placed_order()
    order_accept(order=other, actor=people2["producer"])
    client.force_login(people2["buyer"])
    response = client.post(f"/orders/{other.pk}/action/", {"to": "cancelled"}, follow=True)
    other.refresh_from_db()
    assert other.status == "accepted"
    assert "This order cannot make that change in its current status." in text(response)


def test_buyer_confirms_delivery_and_reports_a_problem(client):
    order, _product, people = placed_order()
    producer = people["producer"]
    order_accept(order=order, actor=producer)
    order_pack(order=order, actor=producer)
    order_ship(order=order, actor=producer)
    client.force_login(people["buyer"])
    client.post(f"/orders/{order.pk}/action/", {"to": "delivered"})
    order.refresh_from_db()
    assert order.status == "delivered"
    empty = client.post(f"/orders/{order.pk}/problem/", {"kind": "damaged", "description": ""})
    assert empty.status_code == 400 and order.problems.count() == 0
    client.post(f"/orders/{order.pk}/problem/", {"kind": "damaged", "description": "Dua bungkus sobek"})
    assert list(order.problems.values_list("kind", "description")) == [("damaged", "Dua bungkus sobek")]


def test_order_list_uses_a_fixed_number_of_queries(client):
    user, address = consumer()
    shopper = shopper_get(user=user)
    client.force_login(user)

    def place_orders(count):
        for _ in range(count):
            product = on_sale()
            cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
        place(shopper, destination=address)

    place_orders(2)
    client.get(ORDERS)
    with CaptureQueriesContext(connection) as few:
        client.get(ORDERS)
    place_orders(10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(ORDERS)
    assert Order.objects.count() == 12 and response.content.decode().count('class="card order-card"') == 12
    assert len(many) == len(few)


def test_reorder_puts_the_products_back_in_the_cart(client):
    order, product, people = placed_order(quantity=4)
    client.force_login(people["buyer"])
    client.post(f"/orders/{order.pk}/reorder/")
    assert list(CartLine.objects.filter(cart__user=people["buyer"]).values_list("product_id", "quantity")) == [
        (product.pk, 4)]


def test_invoice_is_printable(client):
    order, _product, people = placed_order()
    client.force_login(people["buyer"])
    page = text(client.get(f"/checkout/{order.checkout_id}/invoice/"))
    assert "Receipt" in page and order.checkout.number in page and "Rp 40.000" in page


# --- the producers' board -------------------------------------------------------------------


def test_producer_board_accept_decline_ship(client):
    order, product, people = placed_order(rule={"offers_courier": True, "courier_fee": 9000})
    client.force_login(people["producer"])
    board = text(client.get("/dashboard/producer/orders/"))
    assert order.number in board and "Accept" in board

    response = client.post(f"/orders/{order.pk}/action/", {"to": "declined", "note": "",
                                                           "next": "/dashboard/producer/orders/"})
    order.refresh_from_db()
    assert response["Location"] == "/dashboard/producer/orders/" and order.status == "placed"

    client.post(f"/orders/{order.pk}/action/", {"to": "accepted"})
    client.post(f"/orders/{order.pk}/action/", {"to": "packed"})
    no_tracking = client.post(f"/orders/{order.pk}/action/", {"to": "shipped", "courier": "JNE"}, follow=True)
    order.refresh_from_db()
    assert order.status == "packed"
    assert "This field is required." in text(no_tracking)
    client.post(f"/orders/{order.pk}/action/", {"to": "shipped", "courier": "JNE", "tracking_number": "JN123"})
    order.refresh_from_db()
    assert (order.status, order.courier, order.tracking_number) == ("shipped", "JNE", "JN123")
    assert list(OrderEvent.objects.filter(order=order, kind="status").values_list("to_status", flat=True)) == [
        "awaiting_payment", "placed", "accepted", "packed", "shipped"]
    po = text(client.get(f"/orders/{order.pk}/purchase-order/"))
    assert "Purchase order" in po and order.number in po


def test_producer_decline_with_reason(client):
    order, product, people = placed_order()
    client.force_login(people["producer"])
    client.post(f"/orders/{order.pk}/action/", {"to": "declined", "note": "Stok rusak"})
    order.refresh_from_db()
    assert (order.status, order.decline_reason) == ("declined", "Stok rusak")


def test_other_producer_board_does_not_show_the_order(client):
    order, _product, people = placed_order()
    client.force_login(people["other producer"])
    assert order.number not in text(client.get("/dashboard/producer/orders/"))
    assert client.get(f"/orders/{order.pk}/purchase-order/").status_code == 404


# --- officers -------------------------------------------------------------------------------


def test_officer_orders_filters_and_refusals(client, totp_for):
    order, _product, people = placed_order()
    other, _p, _people = placed_order()
    order_accept(order=other, actor=_people["producer"])
    officer = people["officer"]
    totp_for(officer)
    force_login_mfa(client, officer)
    page = text(client.get("/dashboard/officer/orders/"))
    assert order.number in page and other.number in page
    placed_only = text(client.get("/dashboard/officer/orders/?status=placed"))
    assert order.number in placed_only and other.number not in placed_only
    by_producer = text(client.get(f"/dashboard/officer/orders/?producer={other.producer_id}"))
    assert other.number in by_producer and order.number not in by_producer
    district = order.producer.village.district_id
    assert order.number in text(client.get(f"/dashboard/officer/orders/?district={district}"))

    client.force_login(people["buyer"])
    assert client.get("/dashboard/officer/orders/").status_code == 403


def test_officer_decides_a_partial_refund(client, totp_for):
    order, _product, people = placed_order()
    producer = people["producer"]
    order_accept(order=order, actor=producer)
    order_pack(order=order, actor=producer)
    order_ship(order=order, actor=producer)
    client.force_login(people["buyer"])
    client.post(f"/orders/{order.pk}/action/", {"to": "delivered"})
    client.post(f"/orders/{order.pk}/problem/", {"kind": "missing", "description": "Kurang satu"})
    problem = order.problems.get()
    officer = people["officer"]
    totp_for(officer)
    force_login_mfa(client, officer)
    too_much = client.post(f"/orders/{order.pk}/problems/{problem.pk}/decide/",
                           {"decision": "partial_refund", "refund_amount": "40000", "note": "Sebagian"})
    problem.refresh_from_db()
    assert too_much.status_code == 400 and problem.status == "open" and order.refunds.count() == 0
    client.post(f"/orders/{order.pk}/problems/{problem.pk}/decide/",
                {"decision": "partial_refund", "refund_amount": "10000", "note": "Sebagian"})
    problem.refresh_from_db()
    assert (problem.status, problem.refund_amount) == ("decided", 10000)
    assert list(order.refunds.values_list("amount", flat=True)) == [10000]


def test_cart_quote_matches_page_total_for_two_producers(client):
    organisation, member, outlet = buyer_organisation()
    shopper = shopper_get(user=member, organisation=organisation)
    a = on_sale(retail_price=10000)
    b = on_sale(retail_price=5000, producer=verified_producer(offers_courier=True, courier_fee=7000))
    cart_line_set(shopper=shopper, product_id=a.pk, quantity=2)
    cart_line_set(shopper=shopper, product_id=b.pk, quantity=3)
    client.force_login(member)
    summary = client.post("/checkout/summary/", {f"delivery_{b.producer_id}": "courier"})
    total = cart_quote(shopper=shopper, delivery={a.producer_id: "pickup", b.producer_id: "courier"}).total
    assert total == 42000
    assert f'name="expected_total" value="{total}"' in text(summary)
    assert owner_of(a.producer) is not None


def test_producer_board_and_officer_list_use_a_fixed_number_of_queries(client, totp_for):
    producer = verified_producer()
    member = owner_of(producer)
    officer = OfficerFactory()
    totp_for(officer)

    def place_orders(count):
        for _ in range(count):
            user, address = consumer()
            shopper = shopper_get(user=user)
            cart_line_set(shopper=shopper, product_id=on_sale(producer=producer).pk, quantity=1)
            place(shopper, destination=address, method="bank_transfer")
        Checkout.objects.update(status="on_terms", reservation_expires_at=None)
        Order.objects.update(status="placed")

    def counts():
        client.force_login(member)
        client.get("/dashboard/producer/orders/")
        with CaptureQueriesContext(connection) as board:
            client.get("/dashboard/producer/orders/")
        force_login_mfa(client, officer)
        client.get("/dashboard/officer/orders/")
        with CaptureQueriesContext(connection) as officers:
            response = client.get("/dashboard/officer/orders/")
        assert response.status_code == 200
        return len(board), len(officers)

    place_orders(2)
    few = counts()
    place_orders(10)
    many = counts()
    assert Order.objects.count() == 12
    assert many == few


def test_problem_report_with_photos(client):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    order, _product, people = placed_order()
    producer = people["producer"]
    order_accept(order=order, actor=producer)
    order_pack(order=order, actor=producer)
    order_ship(order=order, actor=producer)
    client.force_login(people["buyer"])
    client.post(f"/orders/{order.pk}/action/", {"to": "delivered"})

    def png():
        buffer = io.BytesIO()
        Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "PNG")
        return SimpleUploadedFile("rusak.png", buffer.getvalue(), content_type="image/png")

    not_an_image = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    bad = client.post(f"/orders/{order.pk}/problem/", {"kind": "damaged", "description": "Sobek",
                                                      "photos": [not_an_image]})
    assert bad.status_code == 400 and order.problems.count() == 0
    client.post(f"/orders/{order.pk}/problem/", {"kind": "damaged", "description": "Sobek", "photos": [png(), png()]})
    problem = order.problems.get()
    assert problem.photos.count() == 2
    client.force_login(producer)
    client.post(f"/orders/{order.pk}/problems/{problem.pk}/answer/", {"answer": "Kami kirim ulang"})
    problem.refresh_from_db()
    assert (problem.status, problem.answer) == ("answered", "Kami kirim ulang")


def test_board_refuses_people_without_a_producer(client):
    assert client.get("/dashboard/producer/orders/").status_code == 302  # sign in first
    client.force_login(UserFactory(role="buyer"))
    assert client.get("/dashboard/producer/orders/").status_code == 403
    producer = verified_producer()
    client.force_login(owner_of(producer))
    assert client.get(f"/dashboard/producer/orders/?producer={verified_producer().pk}").status_code == 404


def test_stock_shortage_is_shown_and_blocks_checkout_from_the_cart(client):
    member, _org, _outlet, product = org_cart(quantity=12)
    ProductStock.objects.filter(product=product).update(on_hand=6)
    client.force_login(member)
    page = text(client.get(CART))
    assert "Only 6 left." in page
    assert 'href="/checkout/"' not in page


def test_unpaid_checkout_is_cancelled_as_a_whole(client):
    order, product, people = placed_order(paid=False, method="bank_transfer")
    client.force_login(people["buyer"])
    page = text(client.get(f"/orders/{order.pk}/"))
    assert "Cancel the whole checkout" in page and 'name="to" value="cancelled"' not in page
    client.force_login(people["stranger"])
    assert client.post(f"/checkout/{order.checkout_id}/cancel/").status_code == 404
    order.checkout.refresh_from_db()
    assert order.checkout.status == "awaiting_payment"
    client.force_login(people["buyer"])
    client.post(f"/checkout/{order.checkout_id}/cancel/")
    order.refresh_from_db()
    order.checkout.refresh_from_db()
    assert (order.status, order.checkout.status) == ("cancelled", "cancelled")
    assert ProductStock.objects.get(product=product).reserved == 0


def test_pages_render_in_indonesian(client):
    order, _product, people = placed_order()
    client.cookies["ki_language"] = "id"
    client.force_login(people["buyer"])
    cart_line_set(shopper=shopper_get(user=people["buyer"]), product_id=on_sale().pk, quantity=1)
    for url in (CART, CHECKOUT, ORDERS, f"/orders/{order.pk}/", f"/checkout/{order.checkout_id}/invoice/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="id">' in response.content.decode()
    client.force_login(people["producer"])
    assert client.get("/dashboard/producer/orders/").status_code == 200
