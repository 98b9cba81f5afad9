"""Placing orders: the split by producer, frozen prices, reservations, numbers, bad input, payment, expiry."""
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from catalog.exceptions import InsufficientStock
from catalog.models import ProductStock, StockMovement
from catalog.services import ProductChanges, product_approve, product_delist, product_update
from orders import hooks
from orders.exceptions import (
    CartEmpty,
    CartInvalid,
    CheckoutAlreadyPaid,
    CheckoutNotFound,
    CheckoutNotPayable,
    DeliveryInvalid,
    IdempotencyKeyReused,
    OrdersInvalid,
    PaymentMethodInvalid,
    PricesChanged,
    SignInRequired,
    TotalChanged,
)
from orders.models import Checkout, DocumentCounter, Order, OrderEvent, OrderLine
from orders.selectors import anonymous_token_new, cart_quote, shopper_get
from orders.services import (
    cart_line_set,
    cart_merge,
    checkout_cancel,
    checkout_expire_due,
    checkout_mark_paid,
    order_place,
)
from tests.orders.factories import (
    OfficerFactory,
    UserFactory,
    business_shopper,
    buyer_organisation,
    consumer,
    consumer_shopper,
    on_sale,
    owner_of,
    place,
    verified_producer,
)

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def stock(product):
    row = ProductStock.objects.get(product=product)
    return row.on_hand, row.reserved


def nothing_placed():
    return (Checkout.objects.count(), Order.objects.count(), OrderEvent.objects.count(),
            DocumentCounter.objects.count(), StockMovement.objects.filter(reason="order_reserved").count())


def two_producer_cart(shopper):
    sido = verified_producer("Sido Makmur", offers_delivery=True, delivery_fee=15000, free_delivery_from=500000)
    tani = verified_producer("Tani Jaya")
    kopi = on_sale(producer=sido, retail_price=35000, stock=50, name="Kopi Robusta")
    gula = on_sale(producer=sido, retail_price=9000, stock=50, name="Gula Aren")
    teh = on_sale(producer=tani, retail_price=12000, stock=50, name="Teh Hijau")
    cart_line_set(shopper=shopper, product_id=teh.pk, quantity=3)
    cart_line_set(shopper=shopper, product_id=kopi.pk, quantity=2)
    cart_line_set(shopper=shopper, product_id=gula.pk, quantity=5)
    return sido, tani, kopi, gula, teh


def test_one_checkout_with_one_order_per_producer_and_prices_frozen():
    shopper, address = consumer_shopper()
    sido, tani, kopi, gula, teh = two_producer_cart(shopper)
    before = timezone.now()

    checkout = place(shopper, destination=address, delivery={sido.pk: "producer", tani.pk: "pickup"},
                     note="Titip di pos satpam")

    checkout.refresh_from_db()
    assert (checkout.number, checkout.status, checkout.payment_method, checkout.audience) == (
        f"INV/{YEAR}/000001", "awaiting_payment", "bank_transfer", "consumer")
    assert (checkout.subtotal, checkout.delivery_total, checkout.total) == (151000, 15000, 166000)
    assert timedelta(hours=24) <= checkout.reservation_expires_at - before <= timedelta(hours=24, seconds=30)
    assert checkout.delivery_address == {
        "name": "Rumah", "contact_name": "Bu Sari", "phone": "081234567890",
        "street": "Jl. Gajah Mada 10, RT 01/RW 02", "village_code": "35.09.01.2001", "village": "Padomasan",
        "district": "Jombang", "postal_code": "68111"}
    orders = list(checkout.orders.order_by("number"))
    assert [(o.number, o.producer_id, o.status, o.delivery_option, o.subtotal, o.delivery_fee, o.total, o.note)
            for o in orders] == [
        (f"PO/{YEAR}/000001", sido.pk, "awaiting_payment", "producer", 115000, 15000, 130000, "Titip di pos satpam"),
        (f"PO/{YEAR}/000002", tani.pk, "awaiting_payment", "pickup", 36000, 0, 36000, "Titip di pos satpam")]
    assert list(OrderLine.objects.order_by("order__number", "product_name").values_list(
        "order__number", "product_name", "quantity", "unit_price", "line_total")) == [
        (f"PO/{YEAR}/000001", "Gula Aren", 5, 9000, 45000), (f"PO/{YEAR}/000001", "Kopi Robusta", 2, 35000, 70000),
        (f"PO/{YEAR}/000002", "Teh Hijau", 3, 12000, 36000)]
    assert (stock(kopi), stock(gula), stock(teh)) == ((50, 2), (50, 5), (50, 3))
    assert list(OrderEvent.objects.values_list("from_status", "to_status", "actor")) == [
        ("", "awaiting_payment", shopper.user.pk)] * 2
    assert cart_quote(shopper=shopper).is_empty

    # prices are frozen: a later price change leaves the order as it was
    product_update(product=kopi, actor=owner_of(sido), changes=ProductChanges(retail_price=50000))
    product_approve(product=kopi, officer=OfficerFactory())
    assert OrderLine.objects.get(product=kopi).unit_price == 35000


def test_card_reservations_last_30_minutes_and_invoices_on_terms_proceed_at_once():
    card_shopper, address = consumer_shopper()
    product = on_sale(min_order_qty=6, order_multiple=6, tiers=[(12, 30000)])
    cart_line_set(shopper=card_shopper, product_id=product.pk, quantity=1)
    before = timezone.now()
    card = place(card_shopper, destination=address, method="card")
    business, outlet = business_shopper()
    cart_line_set(shopper=business, product_id=product.pk, quantity=12)

    invoice = place(business, destination=outlet, method="invoice")

    assert timedelta(minutes=30) <= card.reservation_expires_at - before <= timedelta(minutes=30, seconds=30)
    assert (invoice.status, invoice.reservation_expires_at, invoice.total, invoice.audience) == (
        "on_terms", None, 360000, "business")
    assert list(invoice.orders.values_list("status", flat=True)) == ["placed"]
    assert stock(product) == (100, 13)


def test_consumers_cannot_pay_by_invoice():
    shopper, address = consumer_shopper()
    product = on_sale()
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)

    with pytest.raises(PaymentMethodInvalid):
        place(shopper, destination=address, method="invoice")
    with pytest.raises(PaymentMethodInvalid):
        place(shopper, destination=address, method="cash")

    assert nothing_placed() == (0, 0, 0, 0, 0)


def test_someone_elses_outlet_or_address_is_refused_and_nothing_changes():
    shopper, _outlet = business_shopper()
    _other_org, _other_member, other_outlet = buyer_organisation()
    product = on_sale(stock=10)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    consumer_shopper_, _address = consumer_shopper()
    _stranger, stranger_address = consumer()
    cart_line_set(shopper=consumer_shopper_, product_id=product.pk, quantity=1)

    with pytest.raises(DeliveryInvalid) as outlet_error:
        place(shopper, destination=other_outlet)
    with pytest.raises(DeliveryInvalid) as address_error:
        place(consumer_shopper_, destination=stranger_address)

    assert outlet_error.value.fields == {"outlet": ["Choose one of your organisation's outlets."]}
    assert address_error.value.fields == {"address": ["Choose one of your delivery addresses."]}
    assert nothing_placed() == (0, 0, 0, 0, 0)
    assert (stock(product), len(cart_quote(shopper=shopper).lines)) == ((10, 0), 1)


def test_a_tampered_total_is_refused_and_nothing_changes():
    shopper, address = consumer_shopper()
    product = on_sale(retail_price=35000, stock=10)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)

    with pytest.raises(TotalChanged) as excinfo:
        place(shopper, destination=address, expected_total=1000)

    assert excinfo.value.fields == {"expected_total": ["The total is now Rp 70.000."]}
    assert (nothing_placed(), stock(product)) == ((0, 0, 0, 0, 0), (10, 0))


def test_a_price_changed_since_added_must_be_confirmed_first():
    shopper, address = consumer_shopper()
    product = on_sale(retail_price=35000, stock=10)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
    product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(retail_price=40000))
    product_approve(product=product, officer=OfficerFactory())

    with pytest.raises(PricesChanged) as excinfo:
        place(shopper, destination=address)  # even with the new total

    assert excinfo.value.fields == {str(product.pk): ["The price changed from Rp 35.000 to Rp 40.000."]}
    assert (nothing_placed(), stock(product)) == ((0, 0, 0, 0, 0), (10, 0))


def test_delivery_must_be_chosen_among_the_producers_offers():
    shopper, address = consumer_shopper()
    product = on_sale()
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    producer = str(product.producer_id)

    with pytest.raises(DeliveryInvalid) as not_offered:
        place(shopper, destination=address, delivery={product.producer_id: "courier"}, expected_total=35000)
    with pytest.raises(DeliveryInvalid) as missing:
        place(shopper, destination=address, delivery={}, expected_total=35000)
    with pytest.raises(DeliveryInvalid):
        place(shopper, destination=address, delivery={product.producer_id: "drone"}, expected_total=35000)

    assert not_offered.value.fields == {producer: ["Choose a delivery option this producer offers."]}
    assert missing.value.fields == {producer: ["Choose a delivery option."]}
    assert nothing_placed() == (0, 0, 0, 0, 0)


def test_lines_that_cannot_be_ordered_refuse_the_whole_placement():
    token = anonymous_token_new()
    visitor = shopper_get(user=None, anonymous_token=token)
    wholesale = on_sale(min_order_qty=6, order_multiple=6, tiers=[(12, 30000)], stock=20)
    delisted = on_sale(stock=20)
    cart_line_set(shopper=visitor, product_id=wholesale.pk, quantity=4)
    cart_line_set(shopper=visitor, product_id=delisted.pk, quantity=1)
    organisation, member, outlet = buyer_organisation()
    cart_merge(anonymous_token=token, user=member, organisation=organisation)
    product_delist(product=delisted, officer=OfficerFactory(), reasons=["other"], note="keluhan")
    shopper = shopper_get(user=member, organisation=organisation)

    with pytest.raises(CartInvalid) as excinfo:
        place(shopper, destination=outlet, delivery={wholesale.producer_id: "pickup"}, expected_total=140000)

    assert excinfo.value.fields == {
        str(wholesale.pk): ["The minimum order is 6 units.", "Order in multiples of 6 units."],
        str(delisted.pk): ["This product is no longer on sale."]}
    assert (nothing_placed(), stock(wholesale), stock(delisted)) == ((0, 0, 0, 0, 0), (20, 0), (20, 0))


def test_stock_gone_since_added_gives_only_n_left():
    shopper, address = consumer_shopper()
    product = on_sale(stock=5, name="Keripik Tempe")
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=4)
    other, other_address = consumer_shopper()
    cart_line_set(shopper=other, product_id=product.pk, quantity=4)
    place(other, destination=other_address)

    with pytest.raises(InsufficientStock) as excinfo:
        place(shopper, destination=address)

    assert (str(excinfo.value.message), excinfo.value.available) == ("Only 1 left of Keripik Tempe.", {product.pk: 1})
    assert (Checkout.objects.count(), stock(product)) == (1, (5, 4))


def test_empty_cart_anonymous_and_malformed_keys_are_refused():
    shopper, address = consumer_shopper()
    product = on_sale()

    with pytest.raises(CartEmpty):
        place(shopper, destination=address, delivery={}, expected_total=0)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    with pytest.raises(OrdersInvalid) as bad_key:
        place(shopper, destination=address, key="short")
    with pytest.raises(SignInRequired):
        order_place(shopper=shopper_get(user=None, anonymous_token=anonymous_token_new()),
                    idempotency_key="k" * 20, payment_method="card", delivery={}, expected_total=0, address_id=1)

    assert bad_key.value.fields == {"idempotency_key": ["Send 8 to 64 printable characters."]}
    assert nothing_placed() == (0, 0, 0, 0, 0)


def test_the_same_key_returns_the_same_checkout_and_a_different_request_is_refused():
    shopper, address = consumer_shopper()
    product = on_sale(stock=10)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
    delivery = {product.producer_id: "pickup"}

    first = place(shopper, destination=address, key="form-token-123", delivery=delivery, expected_total=70000)
    again = place(shopper, destination=address, key="form-token-123", delivery=delivery, expected_total=70000)

    assert again.pk == first.pk
    assert (Checkout.objects.count(), Order.objects.count(), stock(product)) == (1, 1, (10, 2))
    with pytest.raises(IdempotencyKeyReused):
        place(shopper, destination=address, key="form-token-123", delivery=delivery, expected_total=1)
    # another person may use the same key: keys are per person
    other, other_address = consumer_shopper()
    cart_line_set(shopper=other, product_id=product.pk, quantity=1)
    assert place(other, destination=other_address, key="form-token-123").pk != first.pk


def test_notifications_are_sent_only_after_commit(django_capture_on_commit_callbacks):
    shopper, outlet = business_shopper()
    product = on_sale(name="Kopi Robusta")

    with django_capture_on_commit_callbacks() as failed:
        with pytest.raises(InsufficientStock):
            cart_line_set(shopper=shopper, product_id=product.pk, quantity=1000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
    with django_capture_on_commit_callbacks() as callbacks:
        checkout = place(shopper, destination=outlet, method="invoice")
        assert mail.outbox == []
    assert (failed, mail.outbox) == ([], [])

    for callback in callbacks:
        callback()

    order = checkout.orders.get()
    assert sorted((m.subject, tuple(m.to)) for m in mail.outbox) == sorted([
        (f"Order {checkout.number} received", (shopper.user.email,)),
        (f"New order {order.number}", (owner_of(product.producer).email,))])
    producer_mail = next(m for m in mail.outbox if m.subject.startswith("New order"))
    assert "- 2 x Kopi Robusta @ Rp 35.000 = Rp 70.000" in producer_mail.body
    assert "Jl. Gajah Mada 10, RT 01/RW 02" in producer_mail.body
    # a retried task sends nothing twice
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2


def test_placement_that_fails_enqueues_nothing(django_capture_on_commit_callbacks):
    shopper, address = consumer_shopper()
    product = on_sale()
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(TotalChanged):
            place(shopper, destination=address, expected_total=1)

    assert (callbacks, mail.outbox) == ([], [])


def test_low_stock_warns_the_producer_once_when_crossing_the_threshold(django_capture_on_commit_callbacks):
    shopper, address = consumer_shopper()
    product = on_sale(stock=10, threshold=3, name="Kopi Robusta")

    cart_line_set(shopper=shopper, product_id=product.pk, quantity=6)
    with django_capture_on_commit_callbacks(execute=True):
        place(shopper, destination=address)  # 4 left: above the threshold
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    with django_capture_on_commit_callbacks(execute=True):
        place(shopper, destination=address)  # 3 left: warned
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    with django_capture_on_commit_callbacks(execute=True):
        place(shopper, destination=address)  # 2 left: already below

    warnings = [m for m in mail.outbox if m.subject.startswith("Low stock")]
    assert [(m.subject, m.to) for m in warnings] == [("Low stock: Kopi Robusta", [owner_of(product.producer).email])]
    assert "Only 3 units of Kopi Robusta are left" in warnings[0].body


def test_mark_paid_sends_the_orders_to_the_producers_once(django_capture_on_commit_callbacks):
    shopper, address = consumer_shopper()
    sido, tani, *_products = two_producer_cart(shopper)
    checkout = place(shopper, destination=address, method="card")

    with django_capture_on_commit_callbacks(execute=True):
        checkout_mark_paid(checkout=checkout, reference="pi_123")
    again = checkout_mark_paid(checkout=checkout, reference="pi_123")

    assert (again.status, again.payment_reference, again.paid_at is not None) == ("paid", "pi_123", True)
    assert sorted(checkout.orders.values_list("status", flat=True)) == ["placed", "placed"]
    assert sorted(OrderEvent.objects.values_list("kind", "to_status")) == sorted(
        [("status", "awaiting_payment"), ("payment", ""), ("status", "placed")] * 2)
    assert sorted(m.to[0] for m in mail.outbox if m.subject.startswith("New order")) == sorted(
        [owner_of(sido).email, owner_of(tani).email])
    with pytest.raises(CheckoutAlreadyPaid):
        checkout_mark_paid(checkout=checkout, reference="pi_other")
    assert OrderEvent.objects.filter(kind="payment").count() == 2


def test_expired_or_cancelled_checkouts_cannot_be_paid():
    shopper, address = consumer_shopper()
    product = on_sale(stock=10)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
    checkout = place(shopper, destination=address, method="card")
    checkout_expire_due(now=timezone.now() + timedelta(minutes=31))

    with pytest.raises(CheckoutNotPayable):
        checkout_mark_paid(checkout=checkout, reference="pi_late")

    checkout.refresh_from_db()
    assert (checkout.status, checkout.paid_at, stock(product)) == ("expired", None, (10, 0))


def test_invoice_payment_is_recorded_without_moving_the_orders():
    shopper, outlet = business_shopper()
    product = on_sale()
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    checkout = place(shopper, destination=outlet, method="invoice")

    checkout_mark_paid(checkout=checkout, reference="TRF-0001")

    checkout.refresh_from_db()
    assert (checkout.status, checkout.payment_reference, checkout.orders.get().status) == (
        "paid", "TRF-0001", "placed")


def test_expiry_releases_the_stock_and_cancels_the_orders(django_capture_on_commit_callbacks):
    shopper, address = consumer_shopper()
    sido, tani, kopi, gula, teh = two_producer_cart(shopper)
    card = place(shopper, destination=address, method="card")
    cart_line_set(shopper=shopper, product_id=kopi.pk, quantity=1)
    transfer = place(shopper, destination=address, method="bank_transfer")
    closed = []

    def record(*, checkout):
        closed.append(checkout.pk)

    hooks.register_checkout_closed(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert checkout_expire_due(now=timezone.now() + timedelta(minutes=31)) == 1
        assert checkout_expire_due(now=timezone.now() + timedelta(minutes=31)) == 0
    finally:
        hooks.unregister(record)

    card.refresh_from_db()
    transfer.refresh_from_db()
    assert (card.status, transfer.status, closed) == ("expired", "awaiting_payment", [card.pk])
    assert sorted(card.orders.values_list("status", flat=True)) == ["cancelled", "cancelled"]
    assert (stock(kopi), stock(gula), stock(teh)) == ((50, 1), (50, 0), (50, 0))
    assert StockMovement.objects.filter(reason="order_cancelled", reference=card.number).count() == 3
    assert [m.subject for m in mail.outbox if "not paid" in m.subject] == [
        f"Order {card.number} cancelled: not paid in time"]
    assert list(OrderEvent.objects.filter(order__checkout=card, to_status="cancelled")
                .values_list("from_status", "actor", "data")) == [
        ("awaiting_payment", None, {"reason": "reservation_expired"})] * 2


def test_the_buyer_cancels_an_unpaid_checkout_as_a_whole():
    shopper, address = consumer_shopper()
    sido, tani, kopi, gula, teh = two_producer_cart(shopper)
    checkout = place(shopper, destination=address)

    with pytest.raises(CheckoutNotFound):
        checkout_cancel(checkout=checkout, actor=UserFactory())
    assert Checkout.objects.get().status == "awaiting_payment"
    checkout_cancel(checkout=checkout, actor=shopper.user, reason="Salah pesan")

    checkout.refresh_from_db()
    assert checkout.status == "cancelled"
    assert sorted(checkout.orders.values_list("status", flat=True)) == ["cancelled", "cancelled"]
    assert (stock(kopi), stock(gula), stock(teh)) == ((50, 0), (50, 0), (50, 0))
    assert set(OrderEvent.objects.filter(to_status="cancelled").values_list("actor", "note")) == {
        (shopper.user.pk, "Salah pesan")}
