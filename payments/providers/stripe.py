from __future__ import annotations

from django.conf import settings

from orders.models import PaymentMethod
from payments import money, stripe_client
from payments.models import Provider
from payments.providers.base import PaymentProvider, RefundResult


class StripeProvider(PaymentProvider):
    """Cards through Stripe PaymentIntents (every call in ``payments.stripe_client``)."""

    code = Provider.STRIPE
    methods = (PaymentMethod.CARD,)

    def is_configured(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)

    def amount_check(self, *, amount: int) -> None:
        money.stripe_amount_check(amount)

    def refund(self, *, payment, amount: int, key: str) -> RefundResult:
        refund = stripe_client.refund_create(payment_intent=payment.reference,
                                             amount=money.to_stripe_amount_unchecked(amount), idempotency_key=key)
        return RefundResult(done=refund.status in ("succeeded", "pending"), reference=refund.id)

    def cancel(self, *, payment) -> None:
        if payment.reference:
            stripe_client.payment_intent_cancel(payment.reference, idempotency_key=f"{payment.idempotency_key}-cancel")
