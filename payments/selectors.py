"""Reads of the payments app."""
from __future__ import annotations

from django.conf import settings

from catalog.selectors import access_producer
from market.accounts.models import User
from orders.exceptions import CheckoutNotFound
from orders.models import Checkout
from orders.selectors import checkout_parties
from orders.states import Party
from payments import stripe_client
from payments.models import Payment, Provider
from payments.services.ledger import ProducerBalance, producer_balance


def access_checkout_to_pay(*, user: User, pk: int) -> Checkout:
    """Return the checkout if ``user`` is its buyer; anyone else gets ``CheckoutNotFound`` (404)."""
    checkout = Checkout.objects.filter(pk=pk).first()
    if checkout is None or Party.BUYER not in checkout_parties(checkout=checkout, user=user):
        raise CheckoutNotFound()
    return checkout


def card_payment_client_secret(*, payment: Payment) -> str:
    """Return the PaymentIntent's client secret, which Stripe.js needs to finish 3-D Secure."""
    if payment.provider != Provider.STRIPE or not payment.reference:
        return ""
    return stripe_client.payment_intent_retrieve(payment.reference).client_secret


def stripe_publishable_key() -> str:
    return settings.STRIPE_PUBLISHABLE_KEY or ""


def producer_balance_get(*, user: User, producer_id: int) -> ProducerBalance:
    """Return a producer's balance for its people and officers (``ProducerNotFound`` for anyone else)."""
    producer = access_producer(user=user, pk=producer_id)
    return producer_balance(producer_id=producer.pk)
