"""Transfers that arrive after their checkout expired or was cancelled: kept, matched, decided once by an officer.

``bank_transfer_record`` finds the checkout by the reference the buyer wrote, as for any
transfer; when that checkout is no longer waiting (its reservation ran out, or it was cancelled
unpaid) the money is received (``cash:bank_transfer`` up, ``deposits`` owed to the buyer) but not
applied, and ``late_transfer_note`` keeps it as the payment's open ``LateTransfer`` (several
statement lines for one reference add up in it, as partial transfers do for a waiting checkout).

An officer then decides, once (``late_transfer_decide``, under the row's lock, with who and
when):

- ``reopen``: only when the whole checkout total arrived; every line's stock is reserved again
  in one call (all or nothing: ``InsufficientStock`` refuses and changes nothing), the checkout
  is marked paid, its orders placed and the money allocated, as if it had arrived in time;
- ``refund``: the amount becomes refunds owed on the checkout's orders (in proportion to their
  totals), which an officer transfers and records like any other (``refund_record_transfer``);
  they come out of ``deposits``.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from market.accounts.models import User
from market.core.money import format_rupiah
from orders.models import Checkout, Order, OrderRefund
from orders.services import checkout_reopen, order_refunds_request
from payments.exceptions import (
    LateTransferDecided,
    LateTransferNotFound,
    PaymentForbidden,
    PaymentInvalid,
    PaymentNotPossible,
)
from payments.models import LateTransfer, Payment, Provider
from payments.money import split_proportionally

REOPEN = "reopen"
REFUND = "refund"
DECISIONS = (REOPEN, REFUND)
MAX_NOTE = 1000


def late_transfer_note(*, payment: Payment, amount: int) -> LateTransfer:
    """Add ``amount`` that arrived for the LOCKED payment of a closed checkout to its open late transfer.

    Composes inside ``bank_transfer_record``'s transaction (which holds the payment's lock and has
    added ``amount`` to ``payment.received``), so the one open row per payment is found or made by
    one request at a time. A new row also takes what arrived before the checkout closed and was
    not decided yet (a part payment the reservation ran out on): nothing received is left out.
    """
    late = LateTransfer.objects.select_for_update().filter(payment=payment, status=LateTransfer.Status.OPEN).first()
    if late is None:
        return LateTransfer.objects.create(payment=payment, amount=_undecided(payment=payment))
    late.amount += amount
    late.save(update_fields=["amount", "updated_at"])
    return late


def _undecided(*, payment: Payment) -> int:
    """Return what the payment received that no late transfer decided to refund yet."""
    refunded = (LateTransfer.objects.filter(payment=payment, status=LateTransfer.Status.REFUNDED)
                .aggregate(total=Sum("amount", default=0))["total"])
    return payment.received - refunded


@transaction.atomic
def late_transfer_keep_received(*, checkout: Checkout) -> LateTransfer | None:
    """A checkout closed unpaid after part of its transfer arrived: keep that part as a late transfer to decide.

    Called after commit when an unpaid checkout expires or is cancelled (``orders.hooks``);
    idempotent: a payment with an open late transfer, or with nothing undecided, gets nothing new.
    """
    payment = (Payment.objects.select_for_update().filter(checkout=checkout, provider=Provider.BANK_TRANSFER,
                                                          applied=False).order_by("pk").first())
    if payment is None or payment.received <= 0:
        return None
    if LateTransfer.objects.filter(payment=payment, status=LateTransfer.Status.OPEN).exists():
        return None
    amount = _undecided(payment=payment)
    return LateTransfer.objects.create(payment=payment, amount=amount) if amount > 0 else None


@transaction.atomic
def late_transfer_decide(*, officer: User, late_transfer: LateTransfer, decision: str, note: str = "") -> LateTransfer:
    """Decide a late transfer once: ``reopen`` its checkout (stock still there, whole total arrived) or ``refund`` it.

    Locks the payment then the row (the order ``bank_transfer_record`` takes), so a transfer
    recorded meanwhile is counted first and two officers deciding at once decide once: the second
    gets ``LateTransferDecided``. Nothing changes when a re-opening is refused.
    """
    if not (getattr(officer, "is_active", False) and getattr(officer, "is_officer", False)):
        raise PaymentForbidden(_("Only programme officers decide about late transfers."))
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = [_("Choose: re-open the order, or refund the money.")]
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > MAX_NOTE:
        errors["note"] = [_("At most %(count)s characters.") % {"count": MAX_NOTE}]
    if errors:
        raise PaymentInvalid(fields=errors)
    payment = Payment.objects.select_for_update().select_related("checkout").filter(
        pk=late_transfer.payment_id).first()
    locked = LateTransfer.objects.select_for_update().filter(pk=late_transfer.pk).first()
    if payment is None or locked is None:
        raise LateTransferNotFound()
    if locked.status != LateTransfer.Status.OPEN:
        raise LateTransferDecided(_("This late transfer was already decided (%(status)s).")
                                  % {"status": locked.get_status_display()})
    checkout = payment.checkout
    if decision == REOPEN:
        _reopen(payment=payment, late=locked, officer=officer, note=note)
        locked.status = LateTransfer.Status.REOPENED
    else:
        orders = list(Order.objects.filter(checkout=checkout).order_by("pk"))
        parts = split_proportionally(locked.amount, [order.total for order in orders])
        order_refunds_request(amounts={order.pk: part for order, part in zip(orders, parts, strict=True)},
                              reason=OrderRefund.Reason.LATE_TRANSFER, actor=officer, note=note,
                              data={"late_transfer": locked.pk})
        locked.status = LateTransfer.Status.REFUNDED
    locked.decided_by, locked.decided_at, locked.note = officer, timezone.now(), note
    locked.save()
    late_transfer.status = locked.status
    return locked


def _reopen(*, payment: Payment, late: LateTransfer, officer: User, note: str) -> None:
    from payments.services.bank_transfer import payment_settle

    checkout = payment.checkout
    if late.amount < checkout.total:
        message = _("Only %(received)s of %(total)s arrived: the order can be re-opened once the whole amount is "
                    "in. Refund it, or wait for the rest.") % {"received": format_rupiah(late.amount),
                                                               "total": format_rupiah(checkout.total)}
        raise PaymentInvalid(message, fields={"decision": [message]})
    checkout_reopen(checkout=checkout, actor=officer, note=note)  # InsufficientStock: nothing is changed
    if payment.status == Payment.Status.SUCCEEDED:
        from payments.services.bank_transfer import _mark_paid

        _mark_paid(payment=payment, actor=officer)
    else:
        payment_settle(payment=payment, actor=officer, note=note or payment.reference)
    if not payment.applied:  # cannot happen: the checkout was re-opened above, in this transaction
        raise PaymentNotPossible(payment.failure_message or None)
    payment.save(update_fields=["applied", "failure_code", "failure_message", "updated_at"])
