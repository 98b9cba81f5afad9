"""The functions ``orders.hooks`` calls (registered in ``PaymentsConfig.ready``)."""
from __future__ import annotations

from payments.providers import provider_for_method


def payment_method_offered(*, shopper, method: str) -> bool:
    """Hide a method whose provider cannot take money now (the card without Stripe keys)."""
    provider = provider_for_method(method)
    return provider is None or provider.is_configured()


def payment_method_check(*, shopper, method: str, total: int) -> None:
    """Refuse at placing what the provider would refuse later (card amounts outside Stripe's limits)."""
    provider = provider_for_method(method)
    if provider is not None:
        provider.amount_check(amount=total)


def refund_process(*, refund) -> None:
    from payments.services.refunds import refund_pay

    refund_pay(refund=refund)


def checkout_closed(*, checkout) -> None:
    from payments.services.card import checkout_payments_cancel

    checkout_payments_cancel(checkout=checkout)
