"""The order state machine: every move allowed and refused, who may make it, stock, refunds, auto-completion."""
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from catalog.models import ProductStock, StockMovement
from orders import hooks
from orders.exceptions import OrderActionForbidden, OrderNotFound, OrdersInvalid, OrderTransitionInvalid
from orders.models import Order, OrderEvent, OrderProblem, OrderRefund
from orders.selectors import shopper_get
from orders.services import (
    cart_line_set,
    order_accept,
    order_cancel,
    order_complete,
    order_complete_due,
    order_decline,
    order_mark_delivered,
    order_pack,
    order_ship,
    order_transition,
)
from orders.states import TRANSITIONS, Party
from tests.factories import MembershipFactory
from tests.orders.factories import (
    UserFactory,
    buyer_organisation,
    on_sale,
    place,
    placed_order,
)

pytestmark = pytest.mark.django_db
Status = Order.Status


def stock(product):
    row = ProductStock.objects.get(product=product)
    return row.on_hand, row.reserved


def events(order):
    return list(OrderEvent.objects.filter(order=order, kind="status").order_by("pk")
                .values_list("from_status", "to_status", "actor"))


def test_the_happy_path_from_payment_to_completion(django_capture_on_commit_callbacks):
    order, product, people = placed_order(rule={"offers_courier": True, "courier_fee": 20000})
    producer, buyer = people[Party.PRODUCER], people[Party.BUYER]

    with django_capture_on_commit_callbacks(execute=True):
        order_accept(order=order, actor=producer)
        order_pack(order=order, actor=producer)
        order_ship(order=order, actor=producer, courier="JNE", tracking_number="JNE123456")
        order_mark_delivered(order=order, actor=producer)
        order_complete(order=order, actor=buyer, note="Mantap")

    order.refresh_from_db()
    assert (order.status, order.courier, order.tracking_number, order.delivered_at is not None) == (
        "completed", "JNE", "JNE123456", True)
    assert events(order) == [
        ("", "awaiting_payment", buyer.pk), ("awaiting_payment", "placed", None), ("placed", "accepted", producer.pk),
        ("accepted", "packed", producer.pk), ("packed", "shipped", producer.pk),
        ("shipped", "delivered", producer.pk), ("delivered", "completed", buyer.pk)]
    assert stock(product) == (16, 0)
    assert list(StockMovement.objects.filter(reason="order_shipped").values_list("delta_on_hand", "reference")) == [
        (-4, order.number)]
    subjects = [m.subject for m in mail.outbox if m.to == [buyer.email]]
    producer_name = order.producer.name
    assert subjects == [f"{producer_name} accepted order {order.number}", f"Order {order.number} is on its way",
                        f"Order {order.number} delivered"]
    assert "Tracking number: JNE123456" in mail.outbox[1].body


def _expected(from_status, to_status):
    """What ``order_transition`` does for a person moving ``from_status`` → ``to_status``."""
    if (from_status, to_status) not in TRANSITIONS:
        return OrderTransitionInvalid
    if TRANSITIONS[(from_status, to_status)] == {Party.SYSTEM}:
        return OrderActionForbidden  # re-opening a checkout whose transfer arrived late: no person's move
    if from_status == Status.AWAITING_PAYMENT:
        # Payment moves it on; cancellation takes the whole checkout (checkout_cancel).
        return OrderTransitionInvalid if to_status == Status.CANCELLED else OrderActionForbidden
    return None


class _Rollback(Exception):
    pass


def test_every_move_in_the_table_is_allowed_and_every_other_refused():
    order, _product, people = placed_order(paid=False)
    tried = 0
    for from_status in Status.values:
        for to_status in Status.values:
            allowed = TRANSITIONS.get((from_status, to_status), frozenset())
            person = next((p for p in (Party.PRODUCER, Party.BUYER, Party.OFFICER) if p in allowed), Party.BUYER)
            expected = _expected(from_status, to_status)
            try:
                with transaction.atomic():
                    Order.objects.filter(pk=order.pk).update(status=from_status, delivered_at=timezone.now(), decline_reason="x")
                    before = OrderEvent.objects.count()
                    if expected is None:
                        result = order_transition(order=order, to_status=to_status, actor=people[person],
                                                  note="alasan", courier="JNE", tracking_number="X1")
                        assert (result.status, OrderEvent.objects.count() - before) == (to_status, 1), (
                            from_status, to_status)
                    else:
                        with pytest.raises(expected):
                            order_transition(order=order, to_status=to_status, actor=people[person], note="alasan")
                        assert Order.objects.get(pk=order.pk).status == from_status
                        assert OrderEvent.objects.count() == before
                    raise _Rollback
            except _Rollback:
                tried += 1
    assert tried == len(Status.values) ** 2


@pytest.mark.parametrize(("from_status", "to_status"), [
    pair for pair, parties in TRANSITIONS.items() if pair[0] != Status.AWAITING_PAYMENT])
def test_only_the_right_party_may_make_a_move(from_status, to_status):
    order, _product, people = placed_order()
    Order.objects.filter(pk=order.pk).update(status=from_status, delivered_at=timezone.now(), decline_reason="x")
    allowed = TRANSITIONS[(from_status, to_status)]

    for person, user in people.items():
        if person in allowed:
            continue
        expected = OrderNotFound if person in ("stranger", "other producer") else OrderActionForbidden
        with pytest.raises(expected):
            order_transition(order=order, to_status=to_status, actor=user, note="alasan", courier="JNE",
                             tracking_number="X1")
    assert Order.objects.get(pk=order.pk).status == from_status


def test_a_producer_never_sees_an_unpaid_order():
    order, _product, people = placed_order(paid=False)

    with pytest.raises(OrderNotFound):
        order_accept(order=order, actor=people[Party.PRODUCER])


def test_declining_needs_a_reason_releases_the_stock_and_refunds(django_capture_on_commit_callbacks):
    order, product, people = placed_order()
    refunded = []

    def processor(*, refund):
        refunded.append((refund.order_id, refund.amount, refund.reason, refund.payment_method))

    with pytest.raises(OrdersInvalid) as excinfo:
        order_decline(order=order, actor=people[Party.PRODUCER], reason="  ")
    assert excinfo.value.fields == {"reason": ["This field is required."]}
    assert (Order.objects.get(pk=order.pk).status, stock(product)) == ("placed", (20, 4))

    hooks.register_refund_processor(processor)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            order_decline(order=order, actor=people[Party.PRODUCER], reason="Stok rusak kena banjir")
    finally:
        hooks.unregister(processor)

    order.refresh_from_db()
    assert (order.status, order.decline_reason, stock(product)) == ("declined", "Stok rusak kena banjir", (20, 0))
    assert refunded == [(order.pk, 40000, "declined", "card")]
    assert list(OrderRefund.objects.values_list("amount", "status")) == [(40000, "requested")]
    declined = next(m for m in mail.outbox if "declined" in m.subject)
    assert "Stok rusak kena banjir" in declined.body


def test_cancelling_a_paid_order_before_acceptance_releases_and_refunds_after_acceptance_it_is_refused():
    order, product, people = placed_order()
    second, second_product, second_people = placed_order()

    order_cancel(order=order, actor=people[Party.BUYER], reason="Berubah pikiran")
    order_accept(order=second, actor=second_people[Party.PRODUCER])
    with pytest.raises(OrderTransitionInvalid):
        order_cancel(order=second, actor=second_people[Party.BUYER])

    assert (Order.objects.get(pk=order.pk).status, stock(product)) == ("cancelled", (20, 0))
    assert list(OrderRefund.objects.values_list("order", "reason", "amount")) == [(order.pk, "cancelled", 40000)]
    assert (Order.objects.get(pk=second.pk).status, stock(second_product)) == ("accepted", (20, 4))


def test_an_officer_may_cancel_before_acceptance():
    order, product, people = placed_order(method="bank_transfer")

    order_cancel(order=order, actor=people[Party.OFFICER], reason="Pembeli minta lewat telepon")

    assert (Order.objects.get(pk=order.pk).status, stock(product)) == ("cancelled", (20, 0))


def test_shipping_by_courier_needs_the_courier_and_tracking_number():
    order, product, people = placed_order(rule={"offers_courier": True, "courier_fee": 20000})
    producer = people[Party.PRODUCER]
    order_accept(order=order, actor=producer)
    order_pack(order=order, actor=producer)

    with pytest.raises(OrdersInvalid) as excinfo:
        order_ship(order=order, actor=producer, courier="JNE")

    assert excinfo.value.fields == {"tracking_number": ["This field is required."]}
    assert (Order.objects.get(pk=order.pk).status, stock(product)) == ("packed", (20, 4))


def test_pickup_orders_ship_without_a_tracking_number():
    order, product, people = placed_order()
    producer = people[Party.PRODUCER]
    order_accept(order=order, actor=producer)
    order_pack(order=order, actor=producer)

    order_ship(order=order, actor=producer)
    order_mark_delivered(order=order, actor=people[Party.BUYER])

    assert (Order.objects.get(pk=order.pk).status, stock(product)) == ("delivered", (16, 0))


def _delivered(days_ago: int, people_too=False):
    order, product, people = placed_order()
    producer = people[Party.PRODUCER]
    order_accept(order=order, actor=producer)
    order_pack(order=order, actor=producer)
    order_ship(order=order, actor=producer)
    order_mark_delivered(order=order, actor=producer)
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - timedelta(days=days_ago))
    return (order, people) if people_too else order


def test_delivered_orders_complete_by_themselves_after_seven_days():
    old, recent = _delivered(8), _delivered(6)
    disputed, people = _delivered(8, people_too=True)
    OrderProblem.objects.create(order=disputed, kind="damaged", description="Pecah", reported_by=people[Party.BUYER])

    assert order_complete_due() == 1
    assert order_complete_due() == 0

    assert dict(Order.objects.filter(pk__in=[old.pk, recent.pk, disputed.pk]).values_list("pk", "status")) == {
        old.pk: "completed", recent.pk: "delivered", disputed.pk: "delivered"}
    assert list(OrderEvent.objects.filter(order=old, to_status="completed").values_list("actor", "data")) == [
        (None, {"reason": "auto_complete"})]


def test_organisation_members_act_for_the_organisation():
    organisation, member, outlet = buyer_organisation()
    colleague = UserFactory()
    MembershipFactory(user=colleague, organisation=organisation, role="member")
    shopper = shopper_get(user=member, organisation=organisation)
    product = on_sale(stock=20)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
    order = place(shopper, destination=outlet, method="invoice").orders.get()

    order_cancel(order=order, actor=colleague)

    assert Order.objects.get(pk=order.pk).status == "cancelled"
