"""Refunds owed by orders: paid back through the provider that took the money, by an officer's transfer,
or taken off an unpaid invoice on terms (a credit note).

- Card: ``refund_pay`` (the ``orders.hooks`` refund processor, after commit) refunds through
  Stripe with the key ``kampung:refund:<id>``.
- Bank transfer, and invoices on terms already paid: the refund stays owed until an officer
  transfers it and records it (``refund_record_transfer``: bank reference, the day of the
  transfer, a photo or scan of the proof). The ledger takes the money back from the producer and
  the commission in the shares the allocation gave them and out of ``cash:bank_transfer``.
- A transfer that arrived after its checkout expired and that an officer decided to send back
  (``late_transfer_decide``) was never allocated: its refunds come out of ``deposits``.
- An invoice on terms not paid yet: the refund is a credit note (``refund_credit_note``), done at
  once. What the organisation owes goes down by the amount; nothing is transferred and, as
  nothing of the invoice was allocated yet, nothing is posted then. When the invoice is settled
  (paid, or credited down to what was received) the allocation is posted for the whole checkout
  and each credit note takes its share back from the producer and the commission into
  ``deposits`` (``credit_notes_post``), so ``deposits`` ends at zero.

Every posting is keyed by the refund (``refund:<id>``, ``credit_note:<id>``): recorded twice, it
is posted once.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import IO

from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from catalog.images import ImageInvalid, image_validate_and_normalise
from market.accounts.models import User
from orders.models import Checkout, OrderRefund, PaymentMethod
from orders.services import order_refund_mark_done
from payments.exceptions import (
    PaymentForbidden,
    PaymentInvalid,
    PaymentNotPossible,
    ProviderUnavailable,
    RefundNotFound,
)
from payments.models import LedgerEntry, LedgerLine, Payment, Provider, TermsInvoice
from payments.money import split_proportionally
from payments.providers import provider_get
from payments.services.ledger import (
    COMMISSION,
    DEPOSITS,
    Line,
    cash_account_code,
    ledger_entry_post,
    producer_account_code,
)

MAX_REFERENCE = 100
logger = logging.getLogger(__name__)


def _allocated_shares(*, refund: OrderRefund) -> tuple[int, int]:
    """Return the refund's amount split between the producer and the commission as the allocation split the order."""
    order = refund.order
    credited = dict(LedgerLine.objects.filter(order=order, entry__kind=LedgerEntry.Kind.ALLOCATION)
                    .values("account__code").annotate(total=Sum("credit")).values_list("account__code", "total"))
    producer_part, commission_part = split_proportionally(
        refund.amount, [credited.get(producer_account_code(order.producer_id), 0), credited.get(COMMISSION, 0)])
    return producer_part, commission_part


def _taken_back(*, refund: OrderRefund, to: str) -> list[Line]:
    """Take the refund back from the producer and the commission and credit it to ``to``."""
    order = refund.order
    producer_part, commission_part = _allocated_shares(refund=refund)
    return [Line(producer_account_code(order.producer_id), debit=producer_part, order_id=order.pk,
                 producer_id=order.producer_id),
            Line(COMMISSION, debit=commission_part, order_id=order.pk),
            Line(to, credit=refund.amount)]


def _refund_lines(*, refund: OrderRefund, provider: str) -> list[Line]:
    """Return the lines of a refund paid out of ``provider``'s cash."""
    if refund.reason == OrderRefund.Reason.LATE_TRANSFER:
        # never allocated: the money waited in deposits
        return [Line(DEPOSITS, debit=refund.amount, order_id=refund.order_id),
                Line(cash_account_code(provider), credit=refund.amount)]
    return _taken_back(refund=refund, to=cash_account_code(provider))


def refund_pay(*, refund: OrderRefund) -> OrderRefund:
    """Pay a requested refund back through the provider of the checkout's successful payment.

    The provider call carries the key ``kampung:refund:<id>``, so a retried task refunds once. A
    provider without an API (bank transfer) leaves the refund requested for an officer; a refund
    on an invoice on terms not paid yet becomes a credit note.
    """
    if refund.status != OrderRefund.Status.REQUESTED:
        return refund
    checkout = refund.order.checkout
    if checkout.payment_method == PaymentMethod.INVOICE and checkout.status == Checkout.Status.ON_TERMS:
        return refund_credit_note(refund=refund)
    payment = (Payment.objects.filter(checkout_id=refund.order.checkout_id, status=Payment.Status.SUCCEEDED,
                                      applied=True).order_by("pk").first())
    if payment is None:
        return refund
    result = provider_get(payment.provider).refund(payment=payment, amount=refund.amount,
                                                   key=f"kampung:refund:{refund.pk}")
    if not result.done:
        return refund
    with transaction.atomic():
        ledger_entry_post(key=f"refund:{refund.pk}", kind=LedgerEntry.Kind.REFUND, checkout=refund.order.checkout,
                          lines=_refund_lines(refund=refund, provider=payment.provider), memo=result.reference)
        return order_refund_mark_done(refund=refund, reference=result.reference)


def card_refunds_reconcile(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Pay back the card refunds still owed because Stripe failed or timed out when their task ran.

    Each goes through ``refund_pay`` again with the same key (``kampung:refund:<id>``): a refund that
    Stripe made although we never heard back is answered again, not made twice. Stops at the first
    refusal (Stripe is still down: the next run tries again). Return how many were paid back.
    """
    due = list(OrderRefund.objects.filter(status=OrderRefund.Status.REQUESTED, payment_method=PaymentMethod.CARD,
                                          created_at__lte=timezone.now() - older_than)
               .select_related("order__checkout").order_by("pk")[:200])
    done = 0
    for refund in due:
        try:
            done += refund_pay(refund=refund).status == OrderRefund.Status.DONE
        except ProviderUnavailable:
            logger.warning("Stripe unavailable: card refunds stay owed until the next reconciliation")
            break
    return done


# --- transfers recorded by officers ----------------------------------------------------------


def refund_transferable(*, refund: OrderRefund) -> bool:
    """Return whether an officer pays this refund by a bank transfer (not Stripe, not a credit note)."""
    if refund.reason == OrderRefund.Reason.LATE_TRANSFER:
        return True
    if refund.payment_method == PaymentMethod.BANK_TRANSFER:
        return True
    return refund.payment_method == PaymentMethod.INVOICE and refund.order.checkout.status == Checkout.Status.PAID


def _transfer_errors(*, refund: OrderRefund, bank_reference: str, transferred_on, proof) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not bank_reference or len(bank_reference) > MAX_REFERENCE:
        errors["bank_reference"] = [_("Enter the bank reference of the refund transfer (at most %(count)s "
                                      "characters).") % {"count": MAX_REFERENCE}]
    requested_on = timezone.localdate(refund.created_at)
    if not isinstance(transferred_on, date):
        errors["transferred_on"] = [_("Enter the day the refund was transferred.")]
    elif transferred_on > timezone.localdate():
        errors["transferred_on"] = [_("The transfer date cannot be in the future.")]
    elif transferred_on < requested_on:
        errors["transferred_on"] = [_("The transfer date cannot be before the refund was requested (%(date)s).")
                                    % {"date": formats.date_format(requested_on, "j F Y")}]
    if proof is None:
        errors["proof"] = [_("Add a photo or screenshot of the transfer receipt.")]
    return errors


def refund_record_transfer(*, refund: OrderRefund, officer: User, bank_reference: str, transferred_on: date,
                           proof: IO[bytes] | None) -> OrderRefund:
    """An officer transferred a refund back by hand (the bank transfer provider has no API): record it.

    ``proof`` (a photo or screenshot of the bank's receipt) is required; it is checked and
    re-encoded like problem photos before anything is written. The transfer date is not in the
    future nor before the refund was requested. The ledger posts one balanced entry keyed by the
    refund and the refund is marked done (``REFUND_DONE`` event, the officer as its actor).
    Recording the same reference again changes nothing; another reference is refused.
    """
    if not (getattr(officer, "is_active", False) and getattr(officer, "is_officer", False)):
        raise PaymentForbidden(_("Only programme officers record refund transfers."))
    bank_reference = (bank_reference or "").strip() if isinstance(bank_reference, str) else ""
    errors = _transfer_errors(refund=refund, bank_reference=bank_reference, transferred_on=transferred_on,
                              proof=proof)
    if errors:
        raise PaymentInvalid(fields=errors)
    try:
        image = image_validate_and_normalise(upload=proof)  # type: ignore[arg-type]  # checked above
    except ImageInvalid as error:
        raise PaymentInvalid(str(error.message), fields={"proof": [str(error.message)]}) from None
    return _refund_transfer_post(refund=refund, officer=officer, bank_reference=bank_reference,
                                 transferred_on=transferred_on, proof=image.content)


@transaction.atomic
def _refund_transfer_post(*, refund: OrderRefund, officer: User, bank_reference: str, transferred_on: date,
                          proof) -> OrderRefund:
    locked = OrderRefund.objects.select_for_update().select_related("order__checkout").filter(pk=refund.pk).first()
    if locked is None:
        raise RefundNotFound()
    if locked.status == OrderRefund.Status.DONE:
        if locked.reference == bank_reference and locked.settlement == OrderRefund.Settlement.TRANSFER:
            return locked  # the same form sent twice
        raise PaymentNotPossible(_("This refund was already recorded (reference %(reference)s).")
                                 % {"reference": locked.reference})
    if not refund_transferable(refund=locked):
        raise PaymentNotPossible(_("This refund is not paid by a bank transfer: a card refund goes back through the "
                                   "card provider, and an unpaid invoice is credited instead."))
    payments = Payment.objects.filter(checkout_id=locked.order.checkout_id, provider=Provider.BANK_TRANSFER)
    if locked.reason != OrderRefund.Reason.LATE_TRANSFER:
        payments = payments.filter(status=Payment.Status.SUCCEEDED, applied=True)
    payment = payments.order_by("pk").first()
    if payment is None:
        raise PaymentNotPossible(_("No bank transfer was received for this order."))
    ledger_entry_post(key=f"refund:{locked.pk}", kind=LedgerEntry.Kind.REFUND, checkout=locked.order.checkout,
                      lines=_refund_lines(refund=locked, provider=payment.provider), memo=bank_reference)
    return order_refund_mark_done(refund=locked, reference=bank_reference, actor=officer,
                                  settlement=OrderRefund.Settlement.TRANSFER, transferred_on=transferred_on,
                                  proof=proof)


# --- credit notes on unpaid invoices on terms -------------------------------------------------


def credit_note_reference(refund: OrderRefund) -> str:
    return f"CN-{refund.order.checkout.number or refund.order.checkout_id}-{refund.pk}"


@transaction.atomic
def refund_credit_note(*, refund: OrderRefund, officer: User | None = None) -> OrderRefund:
    """Take a refund owed on an invoice on terms not paid yet off what the organisation owes (a credit note).

    Locks the invoice's payment (as ``bank_transfer_record`` does), so a transfer recorded at the
    same moment is counted before or after, never lost. An invoice paid meanwhile leaves the refund
    requested, to be transferred. When the credit brings what is owed down to what was received,
    the invoice is settled: its checkout marked paid, the money allocated, the credit notes posted.
    """
    if officer is not None and not (officer.is_active and officer.is_officer):
        raise PaymentForbidden(_("Only programme officers record refunds."))
    invoice = TermsInvoice.objects.filter(checkout_id=refund.order.checkout_id).first()
    if invoice is None:
        raise PaymentNotPossible(_("This order has no invoice on terms."))
    payment = Payment.objects.select_for_update().select_related("checkout").get(pk=invoice.payment_id)
    locked = OrderRefund.objects.select_for_update().select_related("order__checkout").get(pk=refund.pk)
    if locked.status == OrderRefund.Status.DONE:
        return locked
    if payment.checkout.status != Checkout.Status.ON_TERMS:
        if officer is not None:
            raise PaymentNotPossible(_("This invoice is paid already: transfer the refund instead."))
        return locked
    invoice = TermsInvoice.objects.select_for_update().get(pk=invoice.pk)
    invoice.credited += locked.amount
    invoice.save(update_fields=["credited"])
    done = order_refund_mark_done(refund=locked, reference=credit_note_reference(locked), actor=officer,
                                  settlement=OrderRefund.Settlement.CREDIT_NOTE)
    from payments.services.bank_transfer import payment_due, payment_settle

    if payment.received >= payment_due(payment=payment) and not payment.applied:
        payment_settle(payment=payment, actor=officer, note=done.reference)
        payment.save(update_fields=["applied", "failure_code", "failure_message", "updated_at"])
    return done


def credit_notes_post(*, checkout: Checkout) -> list[LedgerEntry]:
    """Post the credit notes of a checkout just allocated: each takes its share back into ``deposits``.

    Composes inside the settling transaction, after ``checkout_allocation_post``; keyed by refund.
    """
    refunds = (OrderRefund.objects.filter(order__checkout=checkout, status=OrderRefund.Status.DONE,
                                          settlement=OrderRefund.Settlement.CREDIT_NOTE)
               .select_related("order").order_by("pk"))
    return [ledger_entry_post(key=f"credit_note:{refund.pk}", kind=LedgerEntry.Kind.CREDIT_NOTE, checkout=checkout,
                              lines=_taken_back(refund=refund, to=DEPOSITS), memo=refund.reference)
            for refund in refunds]
