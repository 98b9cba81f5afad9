"""Refunds owed by orders, paid back through the provider that took the money."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Sum

from orders.models import OrderRefund
from orders.services import order_refund_mark_done
from payments.models import LedgerEntry, LedgerLine, Payment
from payments.money import split_proportionally
from payments.providers import provider_get
from payments.services.ledger import COMMISSION, Line, cash_account_code, ledger_entry_post, producer_account_code


def _refund_lines(*, refund: OrderRefund, provider: str) -> list[Line]:
    """Take the refund back from the producer and the commission in the shares the payment gave them."""
    order = refund.order
    credited = dict(LedgerLine.objects.filter(order=order, entry__kind=LedgerEntry.Kind.ALLOCATION)
                    .values("account__code").annotate(total=Sum("credit")).values_list("account__code", "total"))
    producer_code = producer_account_code(order.producer_id)
    producer_part, commission_part = split_proportionally(
        refund.amount, [credited.get(producer_code, 0), credited.get(COMMISSION, 0)])
    return [Line(producer_code, debit=producer_part, order_id=order.pk, producer_id=order.producer_id),
            Line(COMMISSION, debit=commission_part, order_id=order.pk),
            Line(cash_account_code(provider), credit=refund.amount)]


def refund_pay(*, refund: OrderRefund) -> OrderRefund:
    """Pay a requested refund back through the provider of the checkout's successful payment.

    The provider call carries the key ``kampung:refund:<id>``, so a retried task refunds once. A
    provider without an API (bank transfer) leaves the refund requested for an officer.
    """
    if refund.status != OrderRefund.Status.REQUESTED:
        return refund
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


@transaction.atomic
def refund_record_transfer(*, refund: OrderRefund, officer, bank_reference: str) -> OrderRefund:
    """An officer transferred a refund back by hand (the bank transfer provider has no API): record it."""
    from django.utils.translation import gettext as _

    from payments.exceptions import PaymentForbidden, PaymentInvalid

    if not getattr(officer, "is_officer", False):
        raise PaymentForbidden()
    bank_reference = (bank_reference or "").strip()
    if not bank_reference or len(bank_reference) > 100:
        raise PaymentInvalid(fields={"bank_reference": [_("Enter the bank reference of the refund transfer.")]})
    payment = (Payment.objects.filter(checkout_id=refund.order.checkout_id, status=Payment.Status.SUCCEEDED,
                                      applied=True, provider="bank_transfer").first())
    if payment is None:
        raise PaymentInvalid(_("This order was not paid by bank transfer."))
    ledger_entry_post(key=f"refund:{refund.pk}", kind=LedgerEntry.Kind.REFUND, checkout=refund.order.checkout,
                      lines=_refund_lines(refund=refund, provider=payment.provider), memo=bank_reference)
    return order_refund_mark_done(refund=refund, reference=bank_reference, actor=officer)
