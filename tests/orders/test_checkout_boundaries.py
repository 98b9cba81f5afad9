"""Edges of orders/services/checkout.py that mutation testing found unguarded (docs/testing.md).

Each refusal names its field and message and writes nothing; each limit is tried at the value
accepted and the first value refused; what a placement, a payment, a cancellation and an expiry
write is asserted field by field.
"""
from datetime import timedelta

import pytest
from django.utils import timezone

from buyers.models import Address, Outlet
from market.accounts.models import Membership
from orders.exceptions import (
    CheckoutNotFound,
    CheckoutNotPayable,
    DeliveryInvalid,
    OrdersInvalid,
    OrderTransitionInvalid,
    TotalChanged,
)
from orders.models import Checkout, Order, OrderEvent, OrderLine
from orders.selectors import cart_quote, shopper_get
from orders.services import cart_line_set, checkout_cancel, checkout_expire_due, checkout_mark_paid, order_place
from tests.factories import MembershipFactory
from tests.orders.factories import (
    OfficerFactory,
    UserFactory,
    business_shopper,
    consumer_shopper,
    on_sale,
    pickup_for,
    place,
)

pytestmark = pytest.mark.django_db


def nothing_placed():
    return Checkout.objects.count(), Order.objects.count(), OrderEvent.objects.count()


def consumer_with_cart(quantity=2, **product):
    shopper, address = consumer_shopper()
    item = on_sale(stock=50, retail_price=10000, **product)
    cart_line_set(shopper=shopper, product_id=item.pk, quantity=quantity)
    return shopper, address, item


def attempt(shopper, address, **changes):
    values = {"shopper": shopper, "idempotency_key": "key-12345678", "payment_method": "bank_transfer",
              "delivery": pickup_for(shopper), "expected_total": cart_quote(shopper=shopper).total,
              "address_id": address.pk if address is not None else None}
    return order_place(**{**values, **changes})


@pytest.mark.parametrize("key", ["k" * 8, "k" * 64, "!~" * 4])
def test_request_keys_of_8_to_64_printable_characters_are_accepted(key):
    shopper, address, _item = consumer_with_cart()

    assert attempt(shopper, address, idempotency_key=key).idempotency_key == key


@pytest.mark.parametrize("key", ["k" * 7, "k" * 65, "kunci dengan spasi", "kunci\u00e9tidak", "", None, 12345678])
def test_other_request_keys_are_refused_and_nothing_is_placed(key):
    shopper, address, _item = consumer_with_cart()

    with pytest.raises(OrdersInvalid) as error:
        attempt(shopper, address, idempotency_key=key)

    assert str(error.value.message) == "The request key is missing or malformed."
    assert error.value.fields == {"idempotency_key": ["Send 8 to 64 printable characters."]}
    assert nothing_placed() == (0, 0, 0)


@pytest.mark.parametrize("total", [-1, True, 20000.0, "20000", None])
def test_the_confirmed_total_must_be_whole_rupiah_from_zero(total):
    shopper, address, _item = consumer_with_cart()

    with pytest.raises(OrdersInvalid) as error:
        attempt(shopper, address, expected_total=total)

    assert error.value.fields == {"expected_total": ["Send the total you confirmed, in whole rupiah."]}
    assert nothing_placed() == (0, 0, 0)


def test_a_confirmed_total_of_zero_is_checked_against_the_cart():
    shopper, address, _item = consumer_with_cart()

    with pytest.raises(TotalChanged) as error:
        attempt(shopper, address, expected_total=0)

    assert error.value.fields == {"expected_total": ["The total is now Rp 20.000."]}


def test_delivery_choices_are_a_mapping_of_producer_ids_to_known_options():
    shopper, address, item = consumer_with_cart()

    with pytest.raises(DeliveryInvalid) as not_a_mapping:
        attempt(shopper, address, delivery=[(item.producer_id, "pickup")])
    with pytest.raises(DeliveryInvalid) as not_an_id:
        attempt(shopper, address, delivery={"sido": "pickup"})
    with pytest.raises(DeliveryInvalid) as no_id:
        attempt(shopper, address, delivery={None: "pickup"})
    with pytest.raises(DeliveryInvalid) as unknown:
        attempt(shopper, address, delivery={str(item.producer_id): "drone"})

    assert (not_a_mapping.value.fields, not_an_id.value.fields, no_id.value.fields) == ({}, {}, {})
    assert unknown.value.fields == {str(item.producer_id): ["Unknown delivery option."]}
    assert nothing_placed() == (0, 0, 0)
    # a producer id sent as text (JSON object keys are) is the producer
    checkout = attempt(shopper, address, delivery={str(item.producer_id): "pickup"})
    assert checkout.orders.get().delivery_option == "pickup"


def test_a_note_is_text_of_at_most_1000_characters_kept_without_surrounding_spaces():
    shopper, address, _item = consumer_with_cart()

    with pytest.raises(OrdersInvalid) as not_text:
        attempt(shopper, address, note=12)
    with pytest.raises(OrdersInvalid) as too_long:
        attempt(shopper, address, note="x" * 1001)
    assert not_text.value.fields == {"note": ["Enter text."]}
    assert too_long.value.fields == {"note": ["At most 1000 characters."]}
    assert nothing_placed() == (0, 0, 0)

    checkout = attempt(shopper, address, note="  " + "x" * 1000 + "  ")

    assert checkout.note == checkout.orders.get().note == "x" * 1000


def test_a_consumer_delivers_only_to_one_active_address_of_their_own_given_by_its_id():
    shopper, address, _item = consumer_with_cart()
    outlet_of_someone = business_shopper()[1]
    retired = Address.objects.create(**{**{f.name: getattr(address, f.name) for f in Address._meta.concrete_fields
                                           if f.name not in ("id",)}, "is_active": False})
    refused = {"address": ["Choose one of your delivery addresses."]}

    for where in ({"address_id": retired.pk}, {"address_id": True}, {"address_id": str(address.pk)},
                  {"address_id": address.pk, "outlet_id": outlet_of_someone.pk}, {"outlet_id": outlet_of_someone.pk},
                  {"address_id": None}):
        with pytest.raises(DeliveryInvalid) as error:
            attempt(shopper, address, **{"address_id": None, **where})
        assert error.value.fields == refused, where
    assert nothing_placed() == (0, 0, 0)
    assert attempt(shopper, address).address_id == address.pk


def test_an_organisation_delivers_only_to_one_active_outlet_of_its_own_given_by_its_id():
    shopper, outlet = business_shopper()
    item = on_sale(stock=50, retail_price=10000)
    cart_line_set(shopper=shopper, product_id=item.pk, quantity=2)
    closed = Outlet.objects.create(**{**{f.name: getattr(outlet, f.name) for f in Outlet._meta.concrete_fields
                                         if f.name not in ("id",)}, "is_active": False})
    _consumer, address = consumer_shopper()
    refused = {"outlet": ["Choose one of your organisation's outlets."]}

    for where in ({"outlet_id": closed.pk}, {"outlet_id": True}, {"outlet_id": str(outlet.pk)},
                  {"outlet_id": outlet.pk, "address_id": address.pk}, {"outlet_id": None}):
        with pytest.raises(DeliveryInvalid) as error:
            attempt(shopper, address, **{"address_id": None, **where})
        assert error.value.fields == refused, where
    assert nothing_placed() == (0, 0, 0)
    checkout = attempt(shopper, address, address_id=None, outlet_id=outlet.pk)
    assert (checkout.outlet_id, checkout.address_id) == (outlet.pk, None)


def test_what_a_placement_writes_for_a_consumer_and_for_an_organisation():
    shopper, address, item = consumer_with_cart(quantity=3)
    shopper.user.full_name = "Bu Sari Wulandari"
    shopper.user.save(update_fields=["full_name"])
    unnamed, unnamed_address, _other = consumer_with_cart(quantity=1)
    unnamed.user.full_name = ""
    unnamed.user.save(update_fields=["full_name"])
    organisation_shopper, outlet = business_shopper()
    cart_line_set(shopper=organisation_shopper, product_id=item.pk, quantity=4)

    consumer_checkout = attempt(shopper, address, idempotency_key="consumer-1")
    unnamed_checkout = attempt(unnamed, unnamed_address, idempotency_key="consumer-2")
    wholesale = attempt(organisation_shopper, None, address_id=None, outlet_id=outlet.pk, payment_method="invoice",
                        idempotency_key="wholesale-1")

    consumer_order, wholesale_order = consumer_checkout.orders.get(), wholesale.orders.get()
    assert (consumer_order.buyer_name, consumer_order.channel, consumer_order.source) == (
        "Bu Sari Wulandari", "consumer_online", "")
    assert unnamed_checkout.orders.get().buyer_name == unnamed.user.email
    assert (wholesale_order.buyer_name, wholesale_order.channel) == (organisation_shopper.organisation.name, "wholesale")
    assert (consumer_order.status, wholesale_order.status) == ("awaiting_payment", "placed")
    (line,) = OrderLine.objects.filter(order=consumer_order)
    assert (line.product_id, line.product_name, line.sku, line.unit, line.quantity, line.unit_price, line.line_total) == (
        item.pk, item.approved_snapshot["name"], item.approved_snapshot.get("sku", ""), item.approved_snapshot["unit"],
        3, 10000, 30000)
    assert list(OrderEvent.objects.filter(order=wholesale_order).values_list("kind", "from_status", "to_status",
                                                                            "actor")) == [
        ("status", "", "placed", organisation_shopper.user.pk)]
    assert (wholesale.status, wholesale.organisation, wholesale.audience, wholesale.placed_by) == (
        "on_terms", organisation_shopper.organisation, "business", organisation_shopper.user)


def test_a_placement_records_where_the_sale_came_from():
    shopper, address, _item = consumer_with_cart()

    checkout = attempt(shopper, address, source="programme:7")

    assert checkout.orders.get().source == "programme:7"


def test_a_bank_transfer_holds_the_stock_for_the_configured_hours(settings):
    settings.ORDERS_TRANSFER_RESERVATION_HOURS = 5
    shopper, address, _item = consumer_with_cart()
    before = timezone.now()

    checkout = attempt(shopper, address)

    assert timedelta(hours=5) <= checkout.reservation_expires_at - before <= timedelta(hours=5, seconds=30)


# --- payment, cancellation, expiry ---------------------------------------------------------------


@pytest.mark.parametrize(("reference", "errors"), [
    ("   ", {"reference": ["A payment reference is required."]}),
    ("", {"reference": ["A payment reference is required."]}),
    ("r" * 129, {"reference": ["At most 128 characters."]}),
    (None, {"reference": ["Enter text."]}),
])
def test_a_payment_needs_a_reference_of_at_most_128_characters(reference, errors):
    shopper, address, _item = consumer_with_cart()
    checkout = attempt(shopper, address)

    with pytest.raises(OrdersInvalid) as error:
        checkout_mark_paid(checkout=checkout, reference=reference)

    assert error.value.fields == errors
    assert Checkout.objects.get().status == "awaiting_payment"
    assert OrderEvent.objects.filter(kind="payment").count() == 0


def test_a_payment_is_recorded_with_its_reference_amount_and_actor_on_each_order():
    shopper, address, _item = consumer_with_cart(quantity=3)
    checkout = attempt(shopper, address)
    officer = OfficerFactory()

    paid = checkout_mark_paid(checkout=checkout, reference="  " + "r" * 128 + " ", actor=officer)

    assert (paid.status, paid.payment_reference, checkout.status, checkout.payment_reference) == (
        "paid", "r" * 128, "paid", "r" * 128)
    assert checkout.paid_at == paid.paid_at is not None
    stored = Checkout.objects.get()
    assert (stored.status, stored.payment_reference, stored.paid_at) == ("paid", "r" * 128, paid.paid_at)
    assert list(OrderEvent.objects.filter(kind="payment").values_list("actor", "data")) == [
        (officer.pk, {"reference": "r" * 128, "amount": 30000})]
    assert list(OrderEvent.objects.filter(to_status="placed").values_list("from_status", "actor")) == [
        ("awaiting_payment", officer.pk)]


def test_a_cancelled_checkout_cannot_be_paid_and_nothing_is_recorded():
    shopper, address, _item = consumer_with_cart()
    checkout = attempt(shopper, address)
    checkout_cancel(checkout=checkout, actor=shopper.user)

    with pytest.raises(CheckoutNotPayable):
        checkout_mark_paid(checkout=checkout, reference="TRF-1")

    stored = Checkout.objects.get()
    assert (stored.status, stored.payment_reference, stored.paid_at) == ("cancelled", "", None)
    assert OrderEvent.objects.filter(kind="payment").count() == 0


def test_only_an_unpaid_checkout_is_cancelled_as_a_whole_and_only_by_its_buyer_or_an_officer():
    shopper, address, item = consumer_with_cart()
    checkout = attempt(shopper, address)
    producer_member = UserFactory()
    MembershipFactory(user=producer_member, organisation=item.producer.organisation, role=Membership.Role.MEMBER)

    with pytest.raises(CheckoutNotFound):  # the producer's people are no party to the checkout as a whole
        checkout_cancel(checkout=checkout, actor=producer_member)
    with pytest.raises(OrdersInvalid) as too_long:
        checkout_cancel(checkout=checkout, actor=shopper.user, reason="x" * 1001)
    assert too_long.value.fields == {"reason": ["At most 1000 characters."]}
    assert Checkout.objects.get().status == "awaiting_payment"

    officer = OfficerFactory()
    cancelled = checkout_cancel(checkout=checkout, actor=officer, reason="  dobel  ")

    assert (cancelled.status, checkout.status) == ("cancelled", "cancelled")
    assert list(OrderEvent.objects.filter(to_status="cancelled").values_list("actor", "note", "data")) == [
        (officer.pk, "dobel", {"reason": "checkout_cancelled"})]
    with pytest.raises(OrderTransitionInvalid) as again:
        checkout_cancel(checkout=checkout, actor=shopper.user)
    assert str(again.value.message) == "Only an unpaid order can be cancelled as a whole."


def test_a_checkout_on_terms_is_not_cancelled_as_a_whole():
    shopper, outlet = business_shopper()
    item = on_sale(stock=50)
    cart_line_set(shopper=shopper, product_id=item.pk, quantity=1)
    checkout = place(shopper, destination=outlet, method="invoice")

    with pytest.raises(OrderTransitionInvalid):
        checkout_cancel(checkout=checkout, actor=shopper.user)

    assert (Checkout.objects.get().status, Order.objects.get().status) == ("on_terms", "placed")


def test_a_reservation_expires_at_its_time_not_before():
    shopper, address, _item = consumer_with_cart()
    first = attempt(shopper, address, payment_method="card", idempotency_key="first-123")
    cart_line_set(shopper=shopper, product_id=_item.pk, quantity=1)
    second = attempt(shopper, address, payment_method="card", idempotency_key="second-12")
    Checkout.objects.filter(pk=second.pk).update(reservation_expires_at=first.reservation_expires_at)
    due = first.reservation_expires_at

    assert checkout_expire_due(now=due - timedelta(microseconds=1)) == 0
    assert Checkout.objects.filter(status="awaiting_payment").count() == 2
    assert checkout_expire_due(now=due) == 2
    assert set(Checkout.objects.values_list("status", flat=True)) == {"expired"}


def test_expiry_uses_the_current_time_when_none_is_given():
    shopper, address, _item = consumer_with_cart()
    checkout = attempt(shopper, address, payment_method="card")
    assert checkout_expire_due() == 0
    Checkout.objects.filter(pk=checkout.pk).update(reservation_expires_at=timezone.now() - timedelta(seconds=1))

    assert checkout_expire_due() == 1
    assert Checkout.objects.get().status == "expired"


# --- orders placed from a showcase meeting ---------------------------------------------------------


def meeting_cart(*, with_the_meetings_producer=True):
    """Return (meeting, shopper, outlet): the meeting's buyer with a product in the cart, the meeting's or another's."""
    from tests.showcases.factories import accepted_meeting, published_showcase

    meeting = accepted_meeting(published_showcase())
    registration = meeting.registration
    shopper = shopper_get(user=registration.registered_by, organisation=registration.organisation)
    product = meeting.participant.products.first() if with_the_meetings_producer else on_sale(stock=50)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
    return meeting, shopper, registration.organisation.outlets.first()


def test_the_order_of_the_meetings_producer_is_stored_as_a_showcase_sale_after_it_was_written():
    meeting, shopper, outlet = meeting_cart()

    checkout = attempt(shopper, None, address_id=None, outlet_id=outlet.pk, showcase_meeting_id=meeting.pk)

    order = Order.objects.get(checkout=checkout)
    assert (order.showcase_meeting_id, order.channel, order.source) == (
        meeting.pk, "showcase", f"showcase:{meeting.showcase_id}")
    placed = OrderEvent.objects.get(order=order)
    assert order.updated_at > placed.created_at  # the link is written after the order and its event


def test_a_cart_without_the_meetings_producer_links_nothing():
    meeting, shopper, outlet = meeting_cart(with_the_meetings_producer=False)

    checkout = attempt(shopper, None, address_id=None, outlet_id=outlet.pk, showcase_meeting_id=meeting.pk)

    order = Order.objects.get(checkout=checkout)
    assert (order.showcase_meeting_id, order.channel, order.source) == (None, "wholesale", "")
    meeting.refresh_from_db()
    assert meeting.outcome == ""


def test_a_consumer_cannot_place_from_a_showcase_meeting():
    from showcases.exceptions import MeetingNotFound

    meeting, _buyer, _outlet = meeting_cart()
    shopper, address, _item = consumer_with_cart()

    with pytest.raises(MeetingNotFound):
        attempt(shopper, address, showcase_meeting_id=meeting.pk)

    assert nothing_placed() == (0, 0, 0)


# --- re-opening an expired checkout (a late transfer) -----------------------------------------------


def expired_two_producer_checkout():
    shopper, address = consumer_shopper()
    for price in (10000, 35000):
        item = on_sale(stock=50, retail_price=price)
        cart_line_set(shopper=shopper, product_id=item.pk, quantity=2)
    checkout = attempt(shopper, address, payment_method="card")
    checkout_expire_due(now=timezone.now() + timedelta(minutes=31))
    checkout.refresh_from_db()
    return checkout


def test_reopening_keeps_the_officers_note_on_each_order_and_reserves_each_line_once():
    from catalog.models import ProductStock
    from orders.services import checkout_reopen

    checkout = expired_two_producer_checkout()

    checkout_reopen(checkout=checkout, actor=OfficerFactory(), note="Transfer terlambat sehari")

    assert list(OrderEvent.objects.filter(from_status="cancelled").values_list("note", flat=True)) == [
        "Transfer terlambat sehari"] * 2
    assert list(ProductStock.objects.order_by("product").values_list("on_hand", "reserved")) == [(50, 2), (50, 2)]


def test_reopening_reserves_again_in_one_pass_and_records_who_and_why():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalog.models import StockMovement
    from orders.services import checkout_reopen

    checkout = expired_two_producer_checkout()
    finance = OfficerFactory()
    before = timezone.now()

    with CaptureQueriesContext(connection) as queries:
        reopened = checkout_reopen(checkout=checkout, actor=finance)

    assert (reopened.status, checkout.status) == ("awaiting_payment", "awaiting_payment")
    stored = Checkout.objects.get()
    assert stored.status == "awaiting_payment"
    assert timedelta(minutes=30) <= stored.reservation_expires_at - before <= timedelta(minutes=30, seconds=30)
    assert list(OrderEvent.objects.filter(from_status="cancelled").values_list("to_status", "actor", "note", "data")) == [
        ("awaiting_payment", finance.pk, "", {"reason": "late_transfer_reopened"})] * 2
    again = StockMovement.objects.filter(reference=f"checkout {checkout.pk}").order_by("pk")
    assert [(movement.actor_id, movement.reason) for movement in again][-2:] == [(finance.pk, "order_reserved")] * 2
    lines_one_by_one = [query["sql"] for query in queries.captured_queries
                        if '"orders_orderline"."order_id" = ' in query["sql"]]
    assert lines_one_by_one == []


def test_only_an_expired_or_cancelled_checkout_whose_orders_are_all_cancelled_is_reopened():
    from orders.exceptions import CheckoutNotReopenable
    from orders.services import checkout_reopen

    checkout = expired_two_producer_checkout()
    first = Order.objects.filter(checkout=checkout).order_by("pk").first()
    Order.objects.filter(pk=first.pk).update(status="placed")  # one order moved on meanwhile

    with pytest.raises(CheckoutNotReopenable):
        checkout_reopen(checkout=checkout, actor=OfficerFactory())

    assert Checkout.objects.get().status == "expired"
    shopper, address, _item = consumer_with_cart()
    unpaid = attempt(shopper, address, idempotency_key="unpaid-123")
    with pytest.raises(CheckoutNotReopenable):
        checkout_reopen(checkout=unpaid, actor=OfficerFactory())


def test_expiry_goes_through_the_due_checkouts_by_their_reservation_time(django_capture_on_commit_callbacks):
    from django.core import mail

    shopper, address, item = consumer_with_cart()
    placed = []
    for number in range(3):
        cart_line_set(shopper=shopper, product_id=item.pk, quantity=1)
        placed.append(attempt(shopper, address, payment_method="card", idempotency_key=f"expire-{number}-key"))
    now = timezone.now()
    for checkout, minutes in zip(placed, (20, 30, 10), strict=True):  # due: the third, the first, the second
        Checkout.objects.filter(pk=checkout.pk).update(reservation_expires_at=now - timedelta(minutes=minutes))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert checkout_expire_due(now=now) == 3

    assert list(OrderEvent.objects.filter(to_status="cancelled").values_list("actor", "note", "data")) == [
        (None, "", {"reason": "reservation_expired"})] * 3
    expected = [placed[1], placed[0], placed[2]]
    assert [m.subject for m in mail.outbox if "not paid in time" in m.subject] == [
        f"Order {checkout.number} cancelled: not paid in time" for checkout in expected]


# --- what placing and closing showed once their transaction decorators no longer hid them from mutmut ------


def member_with_limit(limit: int):
    """A buyer organisation's member (limited by the approval limit) with one product of 100.000 in the cart."""
    from buyers.services import buyer_approval_limit_set
    from tests.orders.factories import buyer_organisation

    organisation, member, outlet = buyer_organisation(role=Membership.Role.MEMBER)
    owner = Membership.objects.get(organisation=organisation, role=Membership.Role.OWNER).user
    buyer_approval_limit_set(organisation=organisation, actor=owner, limit=limit)
    shopper = shopper_get(user=member, organisation=organisation)
    cart_line_set(shopper=shopper, product_id=on_sale(stock=50, retail_price=100_000).pk, quantity=1)
    return shopper, outlet


def test_a_member_places_an_order_of_exactly_the_approval_limit_and_not_one_rupiah_more():
    from orders.exceptions import ApprovalRequired

    shopper, outlet = member_with_limit(100_000)
    assert place(shopper, destination=outlet).total == 100_000

    shopper, outlet = member_with_limit(99_999)
    with pytest.raises(ApprovalRequired) as error:
        place(shopper, destination=outlet)

    assert str(error.value.message) == (
        "Orders above Rp 99.999 need a manager's approval. Submit this order for approval instead.")
    assert Checkout.objects.count() == 1


def test_placing_on_terms_asks_the_payments_app_about_this_method_and_total():
    from payments.exceptions import CreditLimitExceeded
    from tests.orders.factories import buyer_organisation

    organisation, member, outlet = buyer_organisation(credit_limit=50_000)
    shopper = shopper_get(user=member, organisation=organisation)
    cart_line_set(shopper=shopper, product_id=on_sale(stock=50, retail_price=60_000).pk, quantity=1)

    with pytest.raises(CreditLimitExceeded):
        place(shopper, destination=outlet, method="invoice")
    assert place(shopper, destination=outlet, method="bank_transfer").total == 60_000  # no limit for transfers


def test_cancelling_names_who_released_the_stock_and_keeps_no_reason_when_none_is_given():
    from catalog.models import StockMovement

    shopper, address, item = consumer_with_cart(quantity=3)
    checkout = attempt(shopper, address)

    checkout_cancel(checkout=checkout, actor=shopper.user)

    assert list(StockMovement.objects.filter(product=item, reason="order_cancelled")
                .values_list("delta_reserved", "reference", "actor")) == [(-3, checkout.number, shopper.user.pk)]
    assert list(OrderEvent.objects.filter(to_status="cancelled").values_list("note", "data")) == [
        ("", {"reason": "checkout_cancelled"})]


def test_the_delivery_fee_placed_is_the_one_for_the_buyers_own_district():
    from orders.services.delivery import AreaFee, DeliveryOptions, delivery_options_set
    from tests.orders.factories import owner_of

    shopper, address, item = consumer_with_cart(quantity=2)  # 2 x 10.000, the address in district 35.09.01
    delivery_options_set(producer=item.producer, actor=owner_of(item.producer), options=DeliveryOptions(
        offers_delivery=True, delivery_areas=(AreaFee(address.village.district_id, 7_000), AreaFee(None, 25_000))))

    checkout = attempt(shopper, address, delivery={item.producer_id: "producer"}, expected_total=27_000)

    assert (checkout.delivery_total, checkout.total) == (7_000, 27_000)


def test_order_lines_follow_the_order_in_which_products_were_put_in_the_cart():
    from orders.models import CartLine

    shopper, address, first = consumer_with_cart(quantity=1)
    second = on_sale(producer=first.producer, stock=50, retail_price=10000)
    cart_line_set(shopper=shopper, product_id=second.pk, quantity=1)
    # given: the line created second was put in the cart first (its time is earlier)
    CartLine.objects.filter(product=second).update(added_at=timezone.now() - timedelta(hours=1))

    checkout = attempt(shopper, address)

    assert list(OrderLine.objects.filter(order__checkout=checkout).order_by("pk").values_list("product", flat=True)) \
        == [second.pk, first.pk]


@pytest.mark.django_db(transaction=True)
def test_two_submits_of_one_checkout_at_the_same_moment_place_it_once():
    from tests.concurrency import while_held

    shopper, address, item = consumer_with_cart(quantity=2)
    values = {"shopper": shopper, "idempotency_key": "key-race-0001", "payment_method": "bank_transfer",
              "delivery": pickup_for(shopper), "expected_total": cart_quote(shopper=shopper).total,
              "address_id": address.pk}

    # the first submit holds its cart until it commits; the second waits for the cart meanwhile
    first, second = while_held(lambda: order_place(**values), lambda: order_place(**values))

    # then: the second found the first's checkout once it had the cart, and says it is a repeat
    assert isinstance(second, Checkout), second
    assert (second.pk, second.replayed, first.replayed) == (first.pk, True, False)
    assert (Checkout.objects.count(), OrderLine.objects.count()) == (1, 1)


def test_placing_reserves_the_stock_in_the_buyers_name():
    from catalog.models import StockMovement

    shopper, address, item = consumer_with_cart(quantity=2)

    checkout = attempt(shopper, address)

    assert list(StockMovement.objects.filter(product=item, reason="order_reserved")
                .values_list("delta_reserved", "reference", "actor")) == [(2, f"checkout {checkout.pk}", shopper.user.pk)]


def test_given_items_are_placed_instead_of_the_cart_and_the_cart_stays():
    from orders.models import CartLine
    from orders.pricing import QuoteItem

    shopper, address, in_cart = consumer_with_cart(quantity=1)
    other = on_sale(producer=in_cart.producer, stock=50, retail_price=20000)

    checkout = attempt(shopper, address, items=[QuoteItem(other.pk, 3, 20000)], expected_total=60_000)

    assert list(OrderLine.objects.filter(order__checkout=checkout).values_list("product", "quantity")) == [(other.pk, 3)]
    assert list(CartLine.objects.filter(cart__user=shopper.user).values_list("product", flat=True)) == [in_cart.pk]


@pytest.mark.django_db(transaction=True)
def test_stock_taken_by_another_order_while_placing_is_refused_with_the_products_name():
    from catalog.exceptions import InsufficientStock
    from tests.concurrency import while_held

    first_shopper, first_address, item = consumer_with_cart(quantity=3)
    item.stock.on_hand = 3
    item.stock.save()
    second_shopper, second_address = consumer_shopper()
    cart_line_set(shopper=second_shopper, product_id=item.pk, quantity=2)
    second_total = cart_quote(shopper=second_shopper).total

    # the first holds the 3 units reserved, uncommitted (the second quote still sees them), and the
    # second placement waits for the stock row the first one locked
    _first, error = while_held(
        lambda: attempt(first_shopper, first_address),
        lambda: attempt(second_shopper, second_address, idempotency_key="key-second-01", expected_total=second_total))

    # then: the reservation found nothing left and said so with the name the buyer knows; nothing else was written
    assert isinstance(error, InsufficientStock), error
    assert (error.available, str(error.message)) == ({item.pk: 0}, f"{item.name} hanya tersisa 0.")  # the thread's language
    assert Checkout.objects.filter(placed_by=second_shopper.user).count() == 0


def test_each_placement_that_leaves_stock_low_warns_the_producer_once_under_its_own_number(
        django_capture_on_commit_callbacks):
    from catalog.services import stock_restock
    from orders.models import Notification
    from tests.orders.factories import owner_of

    item = on_sale(stock=12, retail_price=10000, threshold=10)
    numbers = []
    for quantity in (3, 5):  # 12 → 9: below 10, warned; restocked to 14, then 14 → 9: warned again for this order
        if numbers:
            stock_restock(product=item, quantity=5, actor=owner_of(item.producer))
        shopper, address = consumer_shopper()
        cart_line_set(shopper=shopper, product_id=item.pk, quantity=quantity)
        with django_capture_on_commit_callbacks(execute=True):
            numbers.append(attempt(shopper, address).number)

    keys = sorted(Notification.objects.filter(event="low_stock").values_list("key", flat=True).distinct())
    assert keys == sorted(f"product:{item.pk}:{number}" for number in numbers)


def test_an_order_line_keeps_the_products_sku_or_none():
    shopper, address, plain = consumer_with_cart(quantity=1)
    coded = on_sale(producer=plain.producer, stock=50, retail_price=10000)
    coded.approved_snapshot = {**coded.approved_snapshot, "sku": "KOPI-ARG-250"}
    coded.save(update_fields=["approved_snapshot"])
    snapshot = dict(plain.approved_snapshot)
    snapshot.pop("sku", None)
    plain.approved_snapshot = snapshot
    plain.save(update_fields=["approved_snapshot"])
    cart_line_set(shopper=shopper, product_id=coded.pk, quantity=1)

    checkout = attempt(shopper, address)

    assert dict(OrderLine.objects.filter(order__checkout=checkout).values_list("product", "sku")) == {
        plain.pk: "", coded.pk: "KOPI-ARG-250"}
    assert checkout.note == ""  # none given: none kept


def test_a_payment_method_not_offered_to_this_buyer_is_refused_on_its_field():
    from orders.exceptions import PaymentMethodInvalid

    shopper, address, _item = consumer_with_cart()

    with pytest.raises(PaymentMethodInvalid) as error:
        attempt(shopper, address, payment_method="invoice")  # terms are for retail buyers

    assert error.value.fields == {"payment_method": [str(PaymentMethodInvalid.default_message)]}
    assert nothing_placed() == (0, 0, 0)


def test_a_key_used_again_for_other_items_is_refused():
    from orders.exceptions import IdempotencyKeyReused
    from orders.pricing import QuoteItem

    shopper, address, item = consumer_with_cart(quantity=1)
    same_price = on_sale(producer=item.producer, stock=50, retail_price=10000)
    attempt(shopper, address, items=[QuoteItem(item.pk, 2, 10000)], expected_total=20_000)

    # the same total, method, destination and note: only the items differ
    with pytest.raises(IdempotencyKeyReused):
        attempt(shopper, address, items=[QuoteItem(same_price.pk, 2, 10000)], expected_total=20_000)
    assert Checkout.objects.count() == 1
