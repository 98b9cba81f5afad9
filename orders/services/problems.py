"""Problems after delivery and the refunds they lead to.

Within ``PROBLEM_WINDOW_DAYS`` of delivery the buyer reports damaged, missing or wrong items with
photos; the producer answers; a programme officer decides: a full refund (what is left of the
order's total after earlier refunds), a partial one, or none. A decision with money writes an
``OrderRefund`` (``requested``) in the same transaction and hands it to the payments app after
commit (``orders.hooks``), which calls ``order_refund_mark_done`` once the money is back.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import IO

from django.core.files import File
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.images import image_validate_and_normalise
from catalog.services._auth import is_producer_member
from market.accounts.models import User
from orders.exceptions import (
    OrderActionForbidden,
    OrderNotFound,
    OrdersInvalid,
    ProblemNotAllowed,
    ProblemStatusInvalid,
    RefundInvalid,
)
from orders.models import (
    PROBLEM_WINDOW_DAYS,
    Order,
    OrderEvent,
    OrderProblem,
    OrderProblemPhoto,
    OrderRefund,
)
from orders.notifications import Event, notify_after_commit
from orders.selectors import order_parties
from orders.services.fulfilment import refund_request_after_commit
from orders.states import Party

MAX_PHOTOS = 5
MAX_TEXT = 2000


def _text(value, *, field: str, max_length: int = MAX_TEXT, required: bool = True) -> str:
    if not isinstance(value, str):
        raise OrdersInvalid(fields={field: [_("Enter text.")]})
    value = value.strip()
    if required and not value:
        raise OrdersInvalid(fields={field: [_("This field is required.")]})
    if len(value) > max_length:
        raise OrdersInvalid(fields={field: [_("At most %(count)s characters.") % {"count": max_length}]})
    return value


def order_problem_report(*, order: Order, actor: User, kind: str, description: str,
                         photos: Sequence[IO[bytes]] = (), now=None) -> OrderProblem:
    """Report damaged, missing or wrong items of a delivered order (the buyer), with up to 5 photos.

    Photos are checked and re-encoded before anything is written (``ImageInvalid``), outside the
    transaction. Raise ``ProblemNotAllowed`` before delivery or after the window.
    """
    if kind not in OrderProblem.Kind.values:
        raise OrdersInvalid(fields={"kind": [_("Choose what is wrong.")]})
    description = _text(description, field="description")
    if len(photos) > MAX_PHOTOS:
        raise OrdersInvalid(fields={"photos": [_("At most %(count)s photos.") % {"count": MAX_PHOTOS}]})
    parties = order_parties(order=order, user=actor)
    if Party.BUYER not in parties:
        raise OrderActionForbidden() if parties - {Party.SYSTEM} else OrderNotFound()
    normalised = [image_validate_and_normalise(upload=photo) for photo in photos]
    now = now or timezone.now()
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in (Order.Status.DELIVERED, Order.Status.COMPLETED) or locked.delivered_at is None \
                or now > locked.delivered_at + timedelta(days=PROBLEM_WINDOW_DAYS):
            raise ProblemNotAllowed()
        problem = OrderProblem.objects.create(order=locked, kind=kind, description=description, reported_by=actor)
        for image in normalised:
            OrderProblemPhoto.objects.create(problem=problem, image=image.content)
        OrderEvent.objects.create(order=locked, kind=OrderEvent.Kind.PROBLEM_REPORTED, actor=actor,
                                  note=description, data={"problem": problem.pk, "kind": kind,
                                                          "photos": len(normalised)})
        notify_after_commit(Event.PROBLEM_REPORTED, problem.pk)
    return problem


@transaction.atomic
def order_problem_answer(*, problem: OrderProblem, actor: User, answer: str) -> OrderProblem:
    """The producer answers a reported problem (once, before an officer decides)."""
    answer = _text(answer, field="answer")
    order = Order.objects.select_for_update().get(pk=problem.order_id)
    locked = OrderProblem.objects.select_for_update().get(pk=problem.pk)
    parties = order_parties(order=order, user=actor)
    # The producer's own people answer; an officer in assisted mode may not (officers decide problems).
    if Party.PRODUCER not in parties or not is_producer_member(actor, order.producer):
        raise OrderActionForbidden() if parties - {Party.SYSTEM} else OrderNotFound()
    if locked.status != OrderProblem.Status.OPEN:
        raise ProblemStatusInvalid()
    locked.status, locked.answer, locked.answered_by, locked.answered_at = (
        OrderProblem.Status.ANSWERED, answer, actor, timezone.now())
    locked.save()
    OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.PROBLEM_ANSWERED, actor=actor, note=answer,
                              data={"problem": locked.pk})
    return locked


def order_refundable(*, order: Order) -> int:
    """Return how much of the order's total has not been refunded (or asked to be) yet."""
    refunded = OrderRefund.objects.filter(order=order).aggregate(total=Sum("amount"))["total"] or 0
    return max(order.total - refunded, 0)


@transaction.atomic
def order_problem_decide(*, problem: OrderProblem, officer: User, decision: str, note: str,
                         refund_amount: int | None = None) -> OrderProblem:
    """An officer decides a reported problem: ``full_refund``, ``partial_refund`` (``refund_amount``) or
    ``no_refund``, with the reason in ``note``; a refund is requested from the payments app after commit."""
    if officer is None or not officer.is_active or not officer.is_officer:
        raise OrderActionForbidden(_("Only programme officers decide about refunds."))
    if decision not in OrderProblem.Decision.values:
        raise OrdersInvalid(fields={"decision": [_("Choose a decision.")]})
    note = _text(note, field="note")
    order = Order.objects.select_for_update().get(pk=problem.order_id)
    locked = OrderProblem.objects.select_for_update().get(pk=problem.pk)
    if locked.status == OrderProblem.Status.DECIDED:
        raise ProblemStatusInvalid()
    left = order_refundable(order=order)
    if decision == OrderProblem.Decision.FULL_REFUND:
        amount = left
        if amount < 1:
            raise RefundInvalid(_("Everything paid for this order has already been refunded."))
    elif decision == OrderProblem.Decision.PARTIAL_REFUND:
        if not isinstance(refund_amount, int) or isinstance(refund_amount, bool) or not 1 <= refund_amount < left:
            raise RefundInvalid(fields={"refund_amount": [
                _("Enter an amount in whole rupiah from 1 to less than %(left)s (a full refund).")
                % {"left": left}]})
        amount = refund_amount
    else:
        amount = 0
    now = timezone.now()
    locked.status, locked.decision, locked.refund_amount = OrderProblem.Status.DECIDED, decision, amount
    locked.decision_note, locked.decided_by, locked.decided_at = note, officer, now
    locked.save()
    data = {"problem": locked.pk, "decision": decision, "amount": amount}
    if amount:
        refund = OrderRefund.objects.create(order=order, problem=locked, reason=OrderRefund.Reason.PROBLEM,
                                            amount=amount, payment_method=order.checkout.payment_method)
        data["refund"] = refund.pk
        refund_request_after_commit(refund)
    OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.REFUND_DECIDED, actor=officer, note=note, data=data)
    notify_after_commit(Event.PROBLEM_DECIDED, locked.pk)
    return locked


@transaction.atomic
def order_refund_mark_done(*, refund: OrderRefund, reference: str, actor: User | None = None,
                           settlement: str = OrderRefund.Settlement.PROVIDER, transferred_on: date | None = None,
                           proof: File | None = None) -> OrderRefund:
    """Record that a refund was paid back (called by the payments app); idempotent for the same reference.

    ``settlement`` says how: through the provider's API, by a transfer an officer made (with the
    day it was made and its normalised ``proof`` image) or by a credit note on an unpaid invoice.
    Composes inside the caller's transaction (which posts the ledger entry).
    """
    reference = _text(reference, field="reference", max_length=128)
    if settlement not in OrderRefund.Settlement.values:
        raise OrdersInvalid(fields={"settlement": [_("Unknown way of paying a refund back.")]})
    locked = OrderRefund.objects.select_for_update().get(pk=refund.pk)
    if locked.status == OrderRefund.Status.DONE:
        if locked.reference == reference:
            return locked
        raise RefundInvalid(_("This refund was already paid with another reference."))
    locked.status, locked.reference, locked.refunded_at = OrderRefund.Status.DONE, reference, timezone.now()
    locked.settlement, locked.transferred_on = settlement, transferred_on
    locked.recorded_by = actor if settlement != OrderRefund.Settlement.PROVIDER else None
    if proof is not None:
        locked.proof.save(proof.name or "proof.webp", proof, save=False)
    locked.save()
    data = {"refund": locked.pk, "amount": locked.amount, "reference": reference, "settlement": settlement}
    if transferred_on is not None:
        data["transferred_on"] = transferred_on.isoformat()
    OrderEvent.objects.create(order_id=locked.order_id, kind=OrderEvent.Kind.REFUND_DONE, actor=actor, data=data)
    return locked


@transaction.atomic
def order_refunds_request(*, amounts: dict[int, int], reason: str, actor: User | None, note: str = "",
                          data: dict | None = None) -> list[OrderRefund]:
    """Record refunds owed on several orders of one checkout (``amounts``: order id → rupiah), each with its event.

    The payments app calls it for money that is not an order's to keep: a transfer that arrived
    after its checkout expired, which an officer decided to send back (``late_transfer_decide``).
    Orders with no amount get no refund. Composes inside the caller's transaction.
    """
    if reason != OrderRefund.Reason.LATE_TRANSFER:
        raise OrdersInvalid(fields={"reason": [_("Only a late transfer is refunded this way.")]})
    orders = {order.pk: order for order in Order.objects.select_for_update().select_related("checkout")
              .filter(pk__in=[pk for pk, amount in amounts.items() if amount > 0]).order_by("pk")}
    refunds = []
    for pk, order in orders.items():
        refund = OrderRefund.objects.create(order=order, reason=reason, amount=amounts[pk],
                                            payment_method=order.checkout.payment_method)
        OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.REFUND_DECIDED, actor=actor, note=note,
                                  data={**(data or {}), "refund": refund.pk, "amount": refund.amount,
                                        "reason": reason})
        refunds.append(refund)
    return refunds
