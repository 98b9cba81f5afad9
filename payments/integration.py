"""The functions ``orders.hooks`` calls (registered in ``PaymentsConfig.ready``)."""
from __future__ import annotations

from orders.models import PaymentMethod
from payments.providers import provider_for_method


def payment_method_offered(*, shopper, method: str) -> bool:
    """Hide a method that cannot be used now: the card without Stripe keys, the invoice without active terms."""
    if method == PaymentMethod.INVOICE:
        from payments.selectors import credit_terms_active

        return credit_terms_active(organisation=shopper.organisation)
    provider = provider_for_method(method)
    return provider is None or provider.is_configured()


def payment_method_check(*, shopper, method: str, total: int) -> None:
    """Refuse at placing what would fail later: card amounts outside Stripe's limits, invoices over the credit
    limit or while one is overdue (this runs inside the placing transaction and locks the terms row)."""
    if method == PaymentMethod.INVOICE:
        from payments.services.terms import credit_terms_check

        credit_terms_check(organisation=shopper.organisation, total=total)
        return
    provider = provider_for_method(method)
    if provider is not None:
        provider.amount_check(amount=total)


def checkout_placed(*, checkout) -> None:
    from payments.services.bank_transfer import bank_transfer_payment_open
    from payments.services.terms import terms_invoice_open

    terms_invoice_open(checkout=checkout)
    if checkout.payment_method == PaymentMethod.BANK_TRANSFER:  # the reference exists from the start
        bank_transfer_payment_open(checkout=checkout)


def refund_process(*, refund) -> None:
    from payments.services.refunds import refund_pay

    refund_pay(refund=refund)


def checkout_closed(*, checkout) -> None:
    from payments.services.card import checkout_payments_cancel
    from payments.services.late_transfers import late_transfer_keep_received

    checkout_payments_cancel(checkout=checkout)
    late_transfer_keep_received(checkout=checkout)  # part of a transfer that arrived in time: not lost
