"""Tell buyers, producers and officers what happened to their orders, through channels.

Services never send anything themselves: they call ``notify_after_commit(event, object_id)``,
which enqueues ``order_notify_task`` once the transaction has committed (nothing is sent for a
rolled-back change). The task calls ``notification_send``, which finds the recipients of the
event, writes each message in the recipient's language, and hands it to every channel that can
reach them. A ``Notification`` row per (event, object, recipient, channel) makes a retried task
send nothing twice.

Email is the only channel today. Another (WhatsApp, SMS) is a class with ``name``,
``address(user)`` (where to reach the user, or ``None``) and ``send(to=, message=)`` (a task sent
with ``delay_durably``, in the transaction that records the notification), added with
``channel_register``; the messages are short enough to reuse (``Message.short``).
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from market.accounts.models import User
from market.core.dates import datetime_display
from market.core.faults import fault_point
from market.core.money import format_rupiah
from market.core.services import task_outbox_send
from orders.models import (
    PROBLEM_WINDOW_DAYS,
    Checkout,
    DeliveryOption,
    Notification,
    Order,
    OrderProblem,
    PurchaseRequest,
)


class Event:
    CHECKOUT_PLACED = "checkout_placed"  # buyer: the order was received (and how to pay)
    CHECKOUT_PAID = "checkout_paid"  # buyer: payment received
    ORDER_PLACED = "order_placed"  # producer: a new order to accept or decline
    ORDER_ACCEPTED = "order_accepted"  # buyer
    ORDER_DECLINED = "order_declined"  # buyer
    ORDER_CANCELLED = "order_cancelled"  # producer: a placed order was cancelled
    ORDER_SHIPPED = "order_shipped"  # buyer
    ORDER_DELIVERED = "order_delivered"  # buyer and producer
    PROBLEM_REPORTED = "problem_reported"  # producer and the village's contact officer
    PROBLEM_DECIDED = "problem_decided"  # buyer and producer
    RESERVATION_EXPIRED = "reservation_expired"  # buyer
    LOW_STOCK = "low_stock"  # producer
    PURCHASE_REQUEST_SUBMITTED = "purchase_request_submitted"  # the buyer organisation's owners and managers
    PURCHASE_REQUEST_APPROVED = "purchase_request_approved"  # the member who submitted it
    PURCHASE_REQUEST_REJECTED = "purchase_request_rejected"  # the member who submitted it


@dataclass(frozen=True)
class Message:
    subject: str
    body: str

    @property
    def short(self) -> str:
        """The message for channels of short texts (SMS, WhatsApp): the subject and the first paragraph."""
        return f"{self.subject}\n{self.body.split(chr(10) * 2)[0]}"


class Channel(Protocol):
    name: str

    def address(self, user: User) -> str | None: ...

    def send(self, *, to: str, message: Message) -> int | None:
        """Hand ``message`` over durably, inside the transaction that records it (``delay_durably``),
        never by calling a network service here; return the outbox row's id, if any."""
        ...


class EmailChannel:
    name = "email"

    def address(self, user: User) -> str | None:
        return user.email or None

    def send(self, *, to: str, message: Message) -> int | None:
        from market.core.tasks import email_send_task

        # In the transaction that records the notification: sent after its commit, from the outbox
        # if this process dies first; a separate retried task per email.
        return email_send_task.delay_durably(subject=message.subject, body=message.body, to=[to])


CHANNELS: list[Channel] = [EmailChannel()]


def channel_register(channel: Channel) -> None:
    if all(existing.name != channel.name for existing in CHANNELS):
        CHANNELS.append(channel)


def notify_after_commit(event: str, object_id: int, context: dict | None = None) -> None:
    """Send the notifications of ``event`` about ``object_id`` once the current transaction commits."""
    from orders.tasks import order_notify_task

    order_notify_task.delay_on_commit(event, object_id, context or {})


# --- recipients and messages ----------------------------------------------------------------

Compose = Callable[[], Message]


@dataclass(frozen=True)
class Outgoing:
    user: User
    key: str
    compose: Compose


def _producer_people(order: Order) -> list[User]:
    return [m.user for m in order.producer.organisation.memberships.select_related("user").order_by("pk")
            if m.user.is_active]


def _when(moment) -> str:
    return datetime_display(moment)


def _lines(order: Order) -> str:
    return "\n".join(f"- {line.quantity} x {line.product_name} @ {format_rupiah(line.unit_price)} = "
                     f"{format_rupiah(line.line_total)}" for line in order.lines.all())


def _address(order: Order) -> str:
    place = order.delivery_address or {}
    parts = [place.get("name", ""), place.get("contact_name", ""), place.get("phone", ""), place.get("street", ""),
             ", ".join(p for p in (place.get("village", ""), place.get("district", ""), place.get("postal_code", ""))
                       if p)]
    return "\n".join(p for p in parts if p)


def _order(pk: int) -> Order:
    return (Order.objects.select_related("checkout__placed_by", "producer__organisation",
                                         "producer__village__profile__contact_officer")
            .prefetch_related("lines").get(pk=pk))


def _checkout_placed(pk: int, context: dict) -> Iterable[Outgoing]:
    checkout = Checkout.objects.select_related("placed_by").get(pk=pk)
    orders = list(checkout.orders.select_related("producer").order_by("pk"))

    def compose() -> Message:
        body = [_("Thank you for your order %(number)s of %(total)s.") % {
            "number": checkout.number, "total": format_rupiah(checkout.total)}]
        body += [_("%(producer)s: %(total)s (purchase order %(po)s)") % {
            "producer": order.producer.name, "total": format_rupiah(order.total), "po": order.number}
            for order in orders]
        if checkout.status == Checkout.Status.AWAITING_PAYMENT:
            body.append(_("Please pay %(total)s by %(deadline)s. Unpaid orders are cancelled after that time.") % {
                "total": format_rupiah(checkout.total), "deadline": _when(checkout.reservation_expires_at)})
        elif checkout.status == Checkout.Status.ON_TERMS:
            body.append(_("You will be invoiced on your payment terms. The producers have been asked to accept."))
        return Message(_("Order %(number)s received") % {"number": checkout.number}, "\n\n".join(body))

    yield Outgoing(checkout.placed_by, f"checkout:{pk}", compose)


def _checkout_paid(pk: int, context: dict) -> Iterable[Outgoing]:
    checkout = Checkout.objects.select_related("placed_by").get(pk=pk)

    def compose() -> Message:
        return Message(_("Payment received for order %(number)s") % {"number": checkout.number},
                       _("We received %(total)s for order %(number)s. The producers have been asked to accept it.")
                       % {"total": format_rupiah(checkout.total), "number": checkout.number})

    yield Outgoing(checkout.placed_by, f"checkout:{pk}", compose)


def _reservation_expired(pk: int, context: dict) -> Iterable[Outgoing]:
    checkout = Checkout.objects.select_related("placed_by").get(pk=pk)

    def compose() -> Message:
        return Message(_("Order %(number)s cancelled: not paid in time") % {"number": checkout.number},
                       _("Order %(number)s was not paid by %(deadline)s, so it was cancelled and the reserved "
                         "products were released. You can order again at any time.")
                       % {"number": checkout.number, "deadline": _when(checkout.reservation_expires_at)})

    yield Outgoing(checkout.placed_by, f"checkout:{pk}", compose)


def _to_producer(subject: str, body: str) -> Callable[[int, dict], Iterable[Outgoing]]:
    def recipients(pk: int, context: dict) -> Iterable[Outgoing]:
        order = _order(pk)
        for user in _producer_people(order):
            yield Outgoing(user, f"order:{pk}", _composer(order, subject, body))
    return recipients


def _to_buyer(subject: str, body: str) -> Callable[[int, dict], Iterable[Outgoing]]:
    def recipients(pk: int, context: dict) -> Iterable[Outgoing]:
        order = _order(pk)
        yield Outgoing(order.checkout.placed_by, f"order:{pk}", _composer(order, subject, body))
    return recipients


def _composer(order: Order, subject: str, body: str) -> Compose:
    def compose() -> Message:
        values = {
            "number": order.number, "producer": order.producer.name, "buyer": order.buyer_name,
            "total": format_rupiah(order.total), "lines": _lines(order), "address": _address(order),
            "delivery": DeliveryOption(order.delivery_option).label, "reason": order.decline_reason,
            "courier": order.courier or "-", "tracking": order.tracking_number or "-", "days": PROBLEM_WINDOW_DAYS,
        }
        return Message(_(subject) % values, _(body) % values)
    return compose


# The msgids are marked for translation here (gettext_noop) and translated in the recipient's language
# when composed.
_ORDER_PLACED = _to_producer(
    gettext_noop("New order %(number)s"),
    gettext_noop("%(buyer)s ordered (%(total)s):\n%(lines)s\n\nDelivery: %(delivery)s\n%(address)s\n\n"
          "Accept or decline the order on your incoming orders page."))
_ORDER_CANCELLED = _to_producer(
    gettext_noop("Order %(number)s cancelled"),
    gettext_noop("Order %(number)s of %(buyer)s was cancelled before you accepted it. Its products are back in your "
          "available stock."))
_ORDER_ACCEPTED = _to_buyer(
    gettext_noop("%(producer)s accepted order %(number)s"),
    gettext_noop("%(producer)s accepted your order %(number)s (%(total)s) and is preparing it.\n\n%(lines)s"))
_ORDER_DECLINED = _to_buyer(
    gettext_noop("%(producer)s declined order %(number)s"),
    gettext_noop("%(producer)s declined your order %(number)s: %(reason)s\n\nIf you already paid, %(total)s will be "
          "refunded."))
_ORDER_SHIPPED = _to_buyer(
    gettext_noop("Order %(number)s is on its way"),
    gettext_noop("%(producer)s sent your order %(number)s.\n\nDelivery: %(delivery)s\nCourier: %(courier)s\n"
          "Tracking number: %(tracking)s"))
def _with_review_link(compose: Compose, pk: int) -> Compose:
    """Add to a buyer's delivery message the link to the order page, where each line can be reviewed."""
    def composed() -> Message:
        from django.conf import settings
        from django.urls import reverse

        message = compose()
        link = settings.SITE_URL.rstrip("/") + reverse("frontend:order-detail", kwargs={"pk": pk})
        return Message(message.subject, message.body + "\n\n"
                       + _("How was it? Rate what you bought and write a review: %(link)s") % {"link": link})
    return composed


_ORDER_DELIVERED_BUYER = _to_buyer(
    gettext_noop("Order %(number)s delivered"),
    gettext_noop("Order %(number)s from %(producer)s was delivered. Confirm that everything is in order, or report "
          "damaged, missing or wrong items within %(days)s days."))


def _order_delivered(pk: int, context: dict) -> Iterable[Outgoing]:
    for outgoing in _ORDER_DELIVERED_BUYER(pk, context):
        yield Outgoing(outgoing.user, outgoing.key, _with_review_link(outgoing.compose, pk))
    order = _order(pk)
    for user in _producer_people(order):
        yield Outgoing(user, f"order:{pk}", _composer(
            order, gettext_noop("Order %(number)s delivered"),
            gettext_noop("Order %(number)s for %(buyer)s was delivered (%(total)s).")))


def _problem(pk: int) -> OrderProblem:
    return OrderProblem.objects.select_related("order").get(pk=pk)


def _problem_reported(pk: int, context: dict) -> Iterable[Outgoing]:
    problem = _problem(pk)
    order = _order(problem.order_id)

    def compose() -> Message:
        return Message(
            _("Problem reported with order %(number)s") % {"number": order.number},
            _("%(buyer)s reported a problem with order %(number)s: %(kind)s.\n\n%(description)s\n\n"
              "Answer it on the order page; a programme officer decides about a refund.")
            % {"buyer": order.buyer_name, "number": order.number, "kind": problem.get_kind_display(),
               "description": problem.description})

    people = _producer_people(order)
    profile = getattr(order.producer.village, "profile", None)
    if profile is not None and profile.contact_officer is not None and profile.contact_officer.is_active:
        people.append(profile.contact_officer)
    for user in dict.fromkeys(people):
        yield Outgoing(user, f"problem:{pk}", compose)


def _problem_decided(pk: int, context: dict) -> Iterable[Outgoing]:
    problem = _problem(pk)
    order = _order(problem.order_id)

    def compose() -> Message:
        return Message(
            _("Decision on the problem with order %(number)s") % {"number": order.number},
            _("Decision: %(decision)s. Refund: %(amount)s.\n\n%(note)s")
            % {"decision": problem.get_decision_display(), "amount": format_rupiah(problem.refund_amount),
               "note": problem.decision_note})

    for user in dict.fromkeys([order.checkout.placed_by, *_producer_people(order)]):
        yield Outgoing(user, f"problem:{pk}", compose)


def _low_stock(pk: int, context: dict) -> Iterable[Outgoing]:
    from catalog.models import Product

    product = Product.objects.select_related("producer__organisation").get(pk=pk)
    people = [m.user for m in product.producer.organisation.memberships.select_related("user").order_by("pk")
              if m.user.is_active]

    def compose() -> Message:
        return Message(_("Low stock: %(product)s") % {"product": product.name},
                       _("Only %(count)s units of %(product)s are left to sell after the latest orders. Restock it "
                         "or correct the count on your stock page.") % {"count": context.get("available", 0),
                                                                         "product": product.name})

    for user in people:
        yield Outgoing(user, f"product:{pk}:{context.get('reference', '')}", compose)


def _purchase_request(pk: int) -> PurchaseRequest:
    return (PurchaseRequest.objects.select_related("organisation", "requested_by", "decided_by", "checkout")
            .prefetch_related("lines").get(pk=pk))


def _request_lines(purchase_request: PurchaseRequest) -> str:
    return "\n".join(f"- {line.quantity} x {line.product_name} @ {format_rupiah(line.unit_price_seen)}"
                     for line in purchase_request.lines.all())


def _purchase_request_submitted(pk: int, context: dict) -> Iterable[Outgoing]:
    from buyers.selectors import buyer_approver_list

    purchase_request = _purchase_request(pk)

    def compose() -> Message:
        values = {"person": purchase_request.requested_by.full_name or purchase_request.requested_by.email,
                  "organisation": purchase_request.organisation.name,
                  "total": format_rupiah(purchase_request.total),
                  "limit": format_rupiah(purchase_request.approval_limit), "lines": _request_lines(purchase_request)}
        return Message(_("Purchase request of %(total)s waits for your approval") % values,
                       _("%(person)s asks to order %(total)s for %(organisation)s, above the approval limit of "
                         "%(limit)s:\n%(lines)s\n\nApprove or reject it under Purchase requests on your "
                         "dashboard.") % values)

    for user in buyer_approver_list(organisation=purchase_request.organisation):
        if user.pk != purchase_request.requested_by_id:
            yield Outgoing(user, f"purchase_request:{pk}", compose)


def _purchase_request_decided(pk: int, context: dict) -> Iterable[Outgoing]:
    purchase_request = _purchase_request(pk)

    def compose() -> Message:
        decided_by = purchase_request.decided_by
        values = {"total": format_rupiah(purchase_request.total), "reason": purchase_request.reason,
                  "by": (decided_by.full_name or decided_by.email) if decided_by else "",
                  "number": purchase_request.checkout.number if purchase_request.checkout else ""}
        if purchase_request.status == PurchaseRequest.Status.APPROVED:
            return Message(_("Your purchase request was approved: order %(number)s") % values,
                           _("%(by)s approved your purchase request of %(total)s. It is placed as order "
                             "%(number)s.") % values)
        return Message(_("Your purchase request was rejected") % values,
                       _("%(by)s rejected your purchase request of %(total)s: %(reason)s") % values)

    yield Outgoing(purchase_request.requested_by, f"purchase_request:{pk}", compose)


RECIPIENTS: dict[str, Callable[[int, dict], Iterable[Outgoing]]] = {
    Event.CHECKOUT_PLACED: _checkout_placed,
    Event.CHECKOUT_PAID: _checkout_paid,
    Event.RESERVATION_EXPIRED: _reservation_expired,
    Event.ORDER_PLACED: _ORDER_PLACED,
    Event.ORDER_CANCELLED: _ORDER_CANCELLED,
    Event.ORDER_ACCEPTED: _ORDER_ACCEPTED,
    Event.ORDER_DECLINED: _ORDER_DECLINED,
    Event.ORDER_SHIPPED: _ORDER_SHIPPED,
    Event.ORDER_DELIVERED: _order_delivered,
    Event.PROBLEM_REPORTED: _problem_reported,
    Event.PROBLEM_DECIDED: _problem_decided,
    Event.LOW_STOCK: _low_stock,
    Event.PURCHASE_REQUEST_SUBMITTED: _purchase_request_submitted,
    Event.PURCHASE_REQUEST_APPROVED: _purchase_request_decided,
    Event.PURCHASE_REQUEST_REJECTED: _purchase_request_decided,
}


def notification_send(*, event: str, object_id: int, context: dict | None = None) -> int:
    """Send ``event``'s messages about ``object_id`` to each recipient on each channel, once; return how many."""
    sent = 0
    for outgoing in RECIPIENTS[event](object_id, context or {}):
        user = outgoing.user
        if not user.is_active:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            message = outgoing.compose()
        for channel in CHANNELS:
            to = channel.address(user)
            if not to:
                continue
            try:
                # The record and the message commit together: a worker killed at any line neither
                # loses the message nor, when the task runs again, sends it twice.
                with transaction.atomic():
                    Notification.objects.create(event=event, key=outgoing.key, user=user, channel=channel.name)
                    transaction.on_commit(functools.partial(fault_point, "notification_send.recorded"))
                    kept = channel.send(to=to, message=message)
            except IntegrityError:
                continue  # already sent by an earlier run of this task
            if kept is not None:
                # Sent by the commit already in a task; here too when a caller's transaction is still
                # open (the message is recorded, whatever happens to it): once either way.
                task_outbox_send(pk=kept)
            sent += 1
    return sent
