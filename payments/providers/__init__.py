"""Which provider takes the money for which payment method."""
from __future__ import annotations

from payments.providers.bank_transfer import BankTransferProvider
from payments.providers.base import PaymentProvider, RefundResult
from payments.providers.stripe import StripeProvider

PROVIDERS: dict[str, PaymentProvider] = {p.code: p for p in (StripeProvider(), BankTransferProvider())}


def provider_get(code: str) -> PaymentProvider:
    return PROVIDERS[code]


def provider_for_method(method: str) -> PaymentProvider | None:
    """Return the provider taking ``method``, or None (an invoice on terms needs none at placing)."""
    for provider in PROVIDERS.values():
        if method in provider.methods:
            return provider
    return None


__all__ = ["PROVIDERS", "PaymentProvider", "RefundResult", "provider_for_method", "provider_get"]
