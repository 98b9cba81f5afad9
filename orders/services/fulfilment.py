"""An order's way from the producer's acceptance to the buyer's door, through one validating function.

``change_status`` applies ``orders.states`` to a locked order: it refuses moves the table does
not have (``OrderTransitionInvalid``) or that the acting party may not make
(``OrderActionForbidden``), moves the stock (release on cancel/decline, ship on shipping), records
a refund owed when a paid order is declined or cancelled, writes the ``OrderEvent`` and enqueues
the notification after commit. The public services below check the person and the details
(a reason to decline, a courier and tracking number to ship by courier) and call it.

Locks: an order's row, then its products' stock rows (in primary-key order, inside the catalog's
stock services). Services that handle a whole checkout lock the checkout row before its orders.
"""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import AssistAction, Producer
from catalog.services import stock_release, stock_ship
from catalog.services._auth import is_producer_member, on_behalf_of, require_producer_editor
from market.accounts.models import User
from orders.exceptions import OrderActionForbidden, OrderNotFound, OrdersInvalid, OrderTransitionInvalid
from orders.models import AUTO_COMPLETE_DAYS, Checkout, DeliveryOption, Order, OrderEvent, OrderProblem, OrderRefund
from orders.notifications import Event, notify_after_commit
from orders.selectors import order_parties
from orders.states import RELEASES_STOCK, SHIPS_STOCK, TRANSITIONS, Party, transition_allowed

Status = Order.Status
MAX_TEXT = 1000

_NOTIFY: dict[str, str] = {
    Status.PLACED: Event.ORDER_PLACED,
    Status.ACCEPTED: Event.ORDER_ACCEPTED,
    Status.DECLINED: Event.ORDER_DECLINED,
    Status.SHIPPED: Event.ORDER_SHIPPED,
    Status.DELIVERED: Event.ORDER_DELIVERED,
}

# What an assisting officer's producer move is called in the producer's list of assisted actions.
_ASSISTED: dict[str, str] = {
    Status.ACCEPTED: AssistAction.Kind.ORDER_ACCEPTED,
    Status.DECLINED: AssistAction.Kind.ORDER_DECLINED,
    Status.PACKED: AssistAction.Kind.ORDER_PACKED,
    Status.SHIPPED: AssistAction.Kind.ORDER_SHIPPED,
    Status.DELIVERED: AssistAction.Kind.ORDER_DELIVERED,
}


def change_status(*, order: Order, to_status: str, actor: User | None, parties: set[str], note: str = "",
                  data: dict | None = None, move_stock: bool = True, on_behalf: Producer | None = None) -> OrderEvent:
    """Move a LOCKED order to ``to_status`` if the state table lets one of ``parties`` do it; record the event.

    ``move_stock=False`` when the caller already moved the stock of several orders in one call
    (a whole checkout). Callers hold the order's row lock and check the details of the move;
    ``on_behalf`` is the producer an assisting officer acts for (the caller checked the session).
    """
    from_status = order.status
    if (from_status, to_status) not in TRANSITIONS:
        raise OrderTransitionInvalid()
    if not transition_allowed(from_status=from_status, to_status=to_status, parties=parties):
        raise OrderActionForbidden()
    move = (from_status, to_status)
    if move_stock and (move in RELEASES_STOCK or move in SHIPS_STOCK):
        items = [(line.product_id, line.quantity) for line in order.lines.order_by("pk")]
        (stock_release if move in RELEASES_STOCK else stock_ship)(items=items, reference=order.number, actor=actor,
                                                                  on_behalf=on_behalf)
    now = timezone.now()
    order.status, order.status_changed_at = to_status, now
    if to_status == Status.DELIVERED:
        order.delivered_at = now
    order.save()
    event = OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.STATUS, from_status=from_status,
                                      to_status=to_status, actor=actor, note=note, data=data or {},
                                      on_behalf_of=on_behalf)
    if from_status == Status.PLACED and to_status in (Status.DECLINED, Status.CANCELLED):
        _refund_owed(order=order, reason=OrderRefund.Reason.DECLINED if to_status == Status.DECLINED
                     else OrderRefund.Reason.CANCELLED)
    if to_status in _NOTIFY:
        notify_after_commit(_NOTIFY[to_status], order.pk)
    elif to_status == Status.CANCELLED and from_status == Status.PLACED:
        notify_after_commit(Event.ORDER_CANCELLED, order.pk)
    return event


def _refund_owed(*, order: Order, reason: str) -> None:
    """Record that a placed order's share of a paid (or invoiced) checkout goes back to the buyer."""
    checkout = Checkout.objects.get(pk=order.checkout_id)
    if checkout.status not in (Checkout.Status.PAID, Checkout.Status.ON_TERMS) or order.total == 0:
        return
    refund = OrderRefund.objects.create(order=order, reason=reason, amount=order.total,
                                        payment_method=checkout.payment_method)
    OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.REFUND_DECIDED, actor=None,
                              data={"refund": refund.pk, "amount": refund.amount, "reason": reason})
    refund_request_after_commit(refund)


def refund_request_after_commit(refund: OrderRefund) -> None:
    from orders.tasks import order_refund_requested_task

    order_refund_requested_task.delay_on_commit(refund.pk)


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("checkout", "producer").get(pk=order.pk)


def _text(value, *, field: str, required: bool = False, max_length: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise OrdersInvalid(fields={field: [_("Enter text.")]})
    value = value.strip()
    if required and not value:
        raise OrdersInvalid(fields={field: [_("This field is required.")]})
    if len(value) > max_length:
        raise OrdersInvalid(fields={field: [_("At most %(count)s characters.") % {"count": max_length}]})
    return value


@transaction.atomic
def order_transition(*, order: Order, to_status: str, actor: User, note: str = "", courier: str = "",
                     tracking_number: str = "") -> Order:
    """Move ``order`` to ``to_status`` on behalf of ``actor`` (buyer, producer member or officer).

    Someone with no part in the order gets ``OrderNotFound``. Declining needs a reason (``note``);
    shipping by courier needs the courier and a tracking number. An unpaid order is cancelled with
    its whole checkout (``checkout_cancel``).
    """
    locked = _lock(order)
    parties = order_parties(order=locked, user=actor) - {Party.SYSTEM}
    if not parties or (parties == {Party.PRODUCER} and locked.status == Status.AWAITING_PAYMENT):
        raise OrderNotFound()
    if locked.status == Status.AWAITING_PAYMENT and to_status == Status.CANCELLED:
        raise OrderTransitionInvalid(_("An unpaid order is cancelled with its whole checkout."))
    if (locked.status, to_status) not in TRANSITIONS:
        raise OrderTransitionInvalid()
    if not transition_allowed(from_status=locked.status, to_status=to_status, parties=parties):
        raise OrderActionForbidden()
    assisted = None
    if (Party.PRODUCER in parties and not is_producer_member(actor, locked.producer)
            and not transition_allowed(from_status=locked.status, to_status=to_status,
                                       parties=parties - {Party.PRODUCER})):
        # An officer in assisted mode makes the producer's move: checked and recorded at the one choke point.
        assisted = require_producer_editor(actor, locked.producer, action=_ASSISTED[to_status],
                                           subject=locked.number)
    data: dict = {}
    if to_status == Status.DECLINED:
        locked.decline_reason = note = _text(note, field="reason", required=True)
    else:
        note = _text(note, field="note")
    if to_status == Status.SHIPPED:
        by_courier = locked.delivery_option == DeliveryOption.COURIER
        locked.courier = _text(courier, field="courier", required=by_courier, max_length=100)
        locked.tracking_number = _text(tracking_number, field="tracking_number", required=by_courier,
                                       max_length=100)
        data = {"courier": locked.courier, "tracking_number": locked.tracking_number}
    change_status(order=locked, to_status=to_status, actor=actor, parties=parties, note=note, data=data,
                  on_behalf=on_behalf_of(assisted))
    order.status = locked.status
    return locked


def order_accept(*, order: Order, actor: User, note: str = "") -> Order:
    """The producer takes the order on."""
    return order_transition(order=order, to_status=Status.ACCEPTED, actor=actor, note=note)


def order_decline(*, order: Order, actor: User, reason: str) -> Order:
    """The producer cannot fulfil the order: the stock is released and a paid order refunded."""
    return order_transition(order=order, to_status=Status.DECLINED, actor=actor, note=reason)


def order_pack(*, order: Order, actor: User, note: str = "") -> Order:
    return order_transition(order=order, to_status=Status.PACKED, actor=actor, note=note)


def order_ship(*, order: Order, actor: User, courier: str = "", tracking_number: str = "", note: str = "") -> Order:
    """The goods leave the producer (or are handed over at pickup): the units leave the stock."""
    return order_transition(order=order, to_status=Status.SHIPPED, actor=actor, note=note, courier=courier,
                            tracking_number=tracking_number)


def order_mark_delivered(*, order: Order, actor: User, note: str = "") -> Order:
    """The goods arrived (said by the producer or the buyer); the problem window opens."""
    return order_transition(order=order, to_status=Status.DELIVERED, actor=actor, note=note)


def order_complete(*, order: Order, actor: User, note: str = "") -> Order:
    """The buyer confirms that everything is in order."""
    return order_transition(order=order, to_status=Status.COMPLETED, actor=actor, note=note)


def order_cancel(*, order: Order, actor: User, reason: str = "") -> Order:
    """The buyer (or an officer) cancels a paid order before the producer accepts it; it is refunded."""
    return order_transition(order=order, to_status=Status.CANCELLED, actor=actor, note=reason)


def order_complete_due(*, now=None) -> int:
    """Complete orders delivered ``AUTO_COMPLETE_DAYS`` ago without an undecided problem; return how many.

    Each order in its own transaction, locked with ``SKIP LOCKED`` and checked again: overlapping
    runs complete each order once.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=AUTO_COMPLETE_DAYS)
    undecided = OrderProblem.objects.exclude(status=OrderProblem.Status.DECIDED).values("order_id")
    due = list(Order.objects.filter(status=Status.DELIVERED, delivered_at__lte=cutoff)
               .exclude(pk__in=undecided).order_by("delivered_at", "pk").values_list("pk", flat=True)[:1000])
    done = 0
    for pk in due:
        with transaction.atomic():
            order = (Order.objects.select_for_update(skip_locked=True)
                     .filter(pk=pk, status=Status.DELIVERED, delivered_at__lte=cutoff).first())
            if order is None or OrderProblem.objects.filter(order=order).exclude(
                    status=OrderProblem.Status.DECIDED).exists():
                continue
            change_status(order=order, to_status=Status.COMPLETED, actor=None, parties={Party.SYSTEM},
                          data={"reason": "auto_complete"})
            done += 1
    return done
