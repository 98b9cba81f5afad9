"""Every call to Stripe goes through this module: one configured client, timeouts, idempotency keys.

Mutating calls take an ``idempotency_key`` that the caller derived from its own records and
stored before calling, so a retry (ours or the library's) never charges or refunds twice.
``STRIPE_API_BASE`` points the client at the local emulator in tests and development.
Network trouble becomes ``ProviderUnavailable``; a declined card ``PaymentDeclined``.
"""
from __future__ import annotations

import stripe
from django.conf import settings

from payments.exceptions import PaymentDeclined, ProviderUnavailable

_client: tuple[tuple, stripe.StripeClient] | None = None


def client() -> stripe.StripeClient:
    """Return the client for the current settings (rebuilt when they change, as in tests)."""
    global _client
    config = (settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE, settings.STRIPE_TIMEOUT_SECONDS)
    if _client is None or _client[0] != config:
        key, base, timeout = config
        kwargs = {"base_addresses": {"api": base}} if base else {}
        _client = (config, stripe.StripeClient(
            key, http_client=stripe.RequestsClient(timeout=timeout), max_network_retries=2, **kwargs))
    return _client[1]


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except stripe.CardError as error:
        declined = PaymentDeclined()
        declined.decline_code = error.code or "card_declined"
        raise declined from error
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
        raise ProviderUnavailable() from error


def payment_intent_create(*, amount: int, payment_method: str | None, metadata: dict, idempotency_key: str,
                          confirm: bool = True):
    """Create (and confirm) a PaymentIntent of ``amount`` IDR minor units."""
    params = {"amount": amount, "currency": "idr", "payment_method_types": ["card"], "metadata": metadata}
    if payment_method:
        params |= {"payment_method": payment_method, "confirm": confirm}
    return _call(client().v1.payment_intents.create, params=params, options={"idempotency_key": idempotency_key})


def payment_intent_retrieve(intent_id: str):
    return _call(client().v1.payment_intents.retrieve, intent_id)


def payment_intent_cancel(intent_id: str, *, idempotency_key: str):
    try:
        return _call(client().v1.payment_intents.cancel, intent_id, options={"idempotency_key": idempotency_key})
    except stripe.InvalidRequestError:
        return None  # already succeeded or cancelled: nothing to stop


def refund_create(*, payment_intent: str, amount: int, idempotency_key: str):
    return _call(client().v1.refunds.create, params={"payment_intent": payment_intent, "amount": amount},
                 options={"idempotency_key": idempotency_key})


def webhook_event_construct(*, payload: bytes, signature: str):
    """Return the verified event; raise ``ValueError`` or ``stripe.SignatureVerificationError``."""
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET,
                                          tolerance=settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS)
