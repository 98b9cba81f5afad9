"""Card payments through Stripe PaymentIntents, applied idempotently from any source.

The browser's return, a webhook (once, twice, before or after the return, or never) and the
reconcile task all end in ``payment_intent_apply``, which locks the payment row and only moves it
forward: a checkout is marked paid once, with the PaymentIntent id as its reference. Every change
of a payment's status goes through ``payment_status_change`` and leaves a ``PaymentEvent`` naming
its source (start, return, webhook with its event id, reconcile, cancel).
"""
from __future__ import annotations

import logging
from datetime import timedelta

import stripe
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from market.accounts.models import User
from market.core.faults import fault_point
from orders.exceptions import CheckoutAlreadyPaid, CheckoutNotPayable
from orders.models import Checkout, PaymentMethod
from orders.services import checkout_mark_paid
from payments import money, stripe_client
from payments.exceptions import PaymentDeclined, PaymentNotFound, PaymentNotPossible, ProviderUnavailable
from payments.models import Payment, PaymentEvent, PaymentMismatch, Provider, StripeEvent
from payments.services.ledger import checkout_allocation_post, payment_receipt_post
from payments.services.status import payment_status_change
from payments.states import ACTIVE

logger = logging.getLogger(__name__)
Source = PaymentEvent.Source


def _intent_create(*, payment: Payment, payment_method_id: str):
    """Create and confirm the attempt's PaymentIntent: the same key and parameters each time it is asked."""
    return stripe_client.payment_intent_create(
        amount=money.to_stripe_amount(payment.amount), payment_method=payment_method_id,
        metadata={"checkout": str(payment.checkout_id), "payment": str(payment.pk)},
        idempotency_key=payment.idempotency_key)


@transaction.atomic
def _payment_for_attempt(*, checkout: Checkout, user: User, payment_method_id: str) -> Payment:
    locked = Checkout.objects.select_for_update().get(pk=checkout.pk)
    if locked.placed_by_id != user.pk:
        raise PaymentNotFound()
    if locked.payment_method != PaymentMethod.CARD:
        raise PaymentNotPossible(_("This order is not paid by card."))
    if locked.status == Checkout.Status.PAID:
        return Payment.objects.get(checkout=locked, provider=Provider.STRIPE, status=Payment.Status.SUCCEEDED,
                                   applied=True)
    if locked.status != Checkout.Status.AWAITING_PAYMENT:
        raise PaymentNotPossible()
    money.stripe_amount_check(locked.total)
    active = (Payment.objects.filter(checkout=locked, provider=Provider.STRIPE, status__in=ACTIVE)
              .order_by("-attempt").first())
    if active is not None:
        if not active.reference and active.payment_method_ref != payment_method_id:
            # The card changed (Stripe.js makes a new PaymentMethod each time): the call repeated by
            # the reconciliation must be the one made with this key.
            active.payment_method_ref = payment_method_id
            active.save(update_fields=["payment_method_ref", "updated_at"])
        return active  # a double click, or a retry after a timeout: the same idempotency key
    attempt = (Payment.objects.filter(checkout=locked, provider=Provider.STRIPE).count()) + 1
    # The key (and the card) are stored (committed) before Stripe is called.
    return Payment.objects.create(checkout=locked, provider=Provider.STRIPE, attempt=attempt, amount=locked.total,
                                  idempotency_key=f"kampung:checkout:{locked.pk}:card:{attempt}",
                                  payment_method_ref=payment_method_id)


def card_payment_start(*, checkout: Checkout, user: User, payment_method_id: str) -> Payment:
    """Create and confirm the PaymentIntent of ``checkout`` with the card Stripe.js collected.

    Return the payment (``succeeded``, or ``requires_action`` for 3-D Secure, whose client secret
    the page hands to Stripe.js). A declined card marks this attempt failed and raises
    ``PaymentDeclined``; the buyer may try again (a new attempt, a new key).
    """
    if not isinstance(payment_method_id, str) or not payment_method_id.startswith("pm_"):
        raise PaymentNotPossible(fields={"payment_method_id": [_("Enter your card details again.")]})
    payment = _payment_for_attempt(checkout=checkout, user=user, payment_method_id=payment_method_id)
    if payment.status == Payment.Status.SUCCEEDED:
        return payment
    if payment.reference:  # an intent exists: ask Stripe where it is instead of creating another
        return _applied(stripe_client.payment_intent_retrieve(payment.reference), source=Source.START)
    try:
        intent = _intent_create(payment=payment, payment_method_id=payment_method_id)
    except PaymentDeclined as declined:
        _attempt_close(payment_pk=payment.pk, to_status=Payment.Status.FAILED, source=Source.START,
                       failure_code=getattr(declined, "decline_code", "card_declined"))
        raise
    except stripe.IdempotencyError as error:
        # The retry of a timed-out attempt came with another card: close this attempt (a webhook
        # still applies it if Stripe charged it after all) so that the next try gets a new key.
        _attempt_close(payment_pk=payment.pk, to_status=Payment.Status.FAILED, source=Source.START,
                       failure_code="idempotency_mismatch")
        raise ProviderUnavailable() from error
    return _applied(intent, source=Source.START)


def _applied(intent, *, source: str) -> Payment:
    """Apply an intent Stripe just returned for one of our payments (created with its metadata)."""
    payment = payment_intent_apply(intent=intent, source=source)
    if payment is None:  # cannot happen: we created the intent with our payment's id in its metadata
        raise PaymentNotFound()
    return payment


@transaction.atomic
def _attempt_close(*, payment_pk: int, to_status: str, source: str, failure_code: str = "") -> None:
    """Close a card attempt still waiting (failed or cancelled) so that the next try gets a new key."""
    payment = Payment.objects.select_for_update().get(pk=payment_pk)
    if payment.status not in ACTIVE:
        return  # settled meanwhile (a webhook was faster): leave it as it is
    if failure_code:
        payment.failure_code = failure_code
        payment.save(update_fields=["failure_code", "updated_at"])
    payment_status_change(payment=payment, to_status=to_status, source=source, note=failure_code)


def card_payment_refresh(*, checkout: Checkout, user: User) -> Payment | None:
    """Ask Stripe where the latest card attempt of ``checkout`` stands and apply it (after 3-D Secure).

    Only the person who placed the checkout may ask. Creates nothing and charges nothing: an attempt
    without a PaymentIntent yet, or one already settled, is returned as it is. None when there is no
    card attempt at all.
    """
    if checkout.placed_by_id != user.pk:
        raise PaymentNotFound()
    payment = (Payment.objects.filter(checkout=checkout, provider=Provider.STRIPE)
               .order_by("-attempt").first())
    if payment is None or payment.status not in ACTIVE or not payment.reference:
        return payment
    return payment_intent_apply(intent=stripe_client.payment_intent_retrieve(payment.reference), source=Source.RETURN)


_STATUS = {
    "requires_action": Payment.Status.REQUIRES_ACTION,
    "requires_payment_method": Payment.Status.FAILED,
    "canceled": Payment.Status.CANCELLED,
}


@transaction.atomic
def payment_intent_apply(*, intent, source: str, provider_event_id: str = "") -> Payment | None:
    """Bring our payment in line with a PaymentIntent (from Stripe, a webhook or the reconcile task).

    Idempotent and order-independent: a succeeded payment never goes back; the checkout is
    marked paid and the money allocated exactly once. A change of status is recorded with
    ``source`` (a ``PaymentEvent.Source``) and the webhook's ``provider_event_id``. Return None for
    an intent that is not ours.
    """
    if hasattr(intent, "to_dict"):  # a stripe object (the client, a webhook event) or a plain dict
        intent = intent.to_dict()
    metadata = intent.get("metadata") or {}
    payment = (Payment.objects.select_for_update().select_related("checkout")
               .filter(provider=Provider.STRIPE, reference=intent["id"]).first())
    if payment is None and str(metadata.get("payment", "")).isdigit():
        payment = (Payment.objects.select_for_update().select_related("checkout")
                   .filter(provider=Provider.STRIPE, pk=int(metadata["payment"]), reference="").first())
    if payment is None:
        logger.warning("PaymentIntent %s is not one of ours", intent["id"])
        return None
    fields = {"updated_at"}
    if not payment.reference:
        payment.reference = intent["id"]
        fields.add("reference")
    status = intent["status"]
    if status == "succeeded" and payment.status != Payment.Status.SUCCEEDED:
        if intent["amount"] != payment.amount * money.IDR_MINOR_PER_RUPIAH or intent["currency"] != "idr":
            logger.error("PaymentIntent %s amount %s %s does not match payment %s", intent["id"], intent["amount"],
                         intent["currency"], payment.pk)
            PaymentMismatch.objects.get_or_create(
                payment=payment, reference=intent["id"],
                defaults={"expected_amount": payment.amount, "received_amount": intent["amount"],
                          "received_currency": str(intent["currency"])[:8], "source": source,
                          "provider_event_id": provider_event_id})
            payment.save(update_fields=sorted(fields))
            return payment
        payment_status_change(payment=payment, to_status=Payment.Status.SUCCEEDED, source=source,
                              provider_event_id=provider_event_id)
        payment.received = payment.amount
        fields.add("received")
        payment_receipt_post(key=f"receipt:stripe:{intent['id']}", provider=Provider.STRIPE, amount=payment.amount,
                             checkout=payment.checkout, memo=intent["id"])
        try:
            with transaction.atomic():
                checkout_mark_paid(checkout=payment.checkout, reference=intent["id"])
                checkout_allocation_post(checkout=payment.checkout)
            payment.applied = True
        except (CheckoutNotPayable, CheckoutAlreadyPaid) as error:
            # Paid after the reservation expired (or paid twice): the money is owed back (deposits).
            payment.failure_code, payment.failure_message = error.code, str(error.message)[:255]
        fields |= {"applied", "failure_code", "failure_message"}
    elif status in _STATUS and payment.status in ACTIVE:
        last_error = intent.get("last_payment_error") or {}
        payment.failure_code = (last_error.get("code") or "")[:64]
        fields.add("failure_code")
        payment_status_change(payment=payment, to_status=_STATUS[status], source=source,
                              provider_event_id=provider_event_id, note=payment.failure_code)
    payment.save(update_fields=sorted(fields))
    fault_point("payment_intent_apply.before_commit")
    return payment


def stripe_event_process(*, event) -> bool:
    """Record a verified webhook event once and apply it; return False for one seen before.

    The event row and its effect commit together; a concurrent delivery of the same event waits
    on the unique event id and then finds it recorded.
    """
    obj = event["data"]["object"]
    obj = obj.to_dict() if hasattr(obj, "to_dict") else obj
    try:
        with transaction.atomic():
            StripeEvent.objects.create(event_id=event["id"], type=event["type"], object_id=obj.get("id", ""),
                                       payload=event.to_dict() if hasattr(event, "to_dict") else dict(event))
            if event["type"].startswith("payment_intent."):
                payment_intent_apply(intent=obj, source=Source.WEBHOOK, provider_event_id=event["id"])
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event["id"]).exists():
            return False
        raise
    return True


def card_payments_unheard_reconcile(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Finish card attempts whose create call failed or timed out (no PaymentIntent id came back).

    The call is made again with the attempt's key and card: if Stripe made the intent, it answers
    with that one (never a second charge); if it never got the call, the payment the buyer asked for
    is made now. Only for checkouts still awaiting payment and within Stripe's 24 hours of key
    memory; a declined card closes the attempt, a Stripe still down leaves it for the next run.
    Return how many attempts got their PaymentIntent.
    """
    now = timezone.now()
    due = list(Payment.objects.filter(provider=Provider.STRIPE, status__in=ACTIVE, reference="",
                                      checkout__status=Checkout.Status.AWAITING_PAYMENT,
                                      created_at__gte=now - timedelta(hours=23), updated_at__lte=now - older_than)
               .exclude(payment_method_ref="").order_by("pk")[:100])
    found = 0
    for payment in due:
        try:
            intent = _intent_create(payment=payment, payment_method_id=payment.payment_method_ref)
        except PaymentDeclined as declined:
            _attempt_close(payment_pk=payment.pk, to_status=Payment.Status.FAILED, source=Source.RECONCILE,
                           failure_code=getattr(declined, "decline_code", "card_declined"))
            continue
        except (ProviderUnavailable, stripe.IdempotencyError):
            logger.warning("Card attempt %s: Stripe still unavailable (or the key was used otherwise)", payment.pk)
            continue
        found += payment_intent_apply(intent=intent, source=Source.RECONCILE) is not None
    return found


def card_payments_reconcile(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Ask Stripe about card payments still pending, so a lost webhook never leaves an order stuck."""
    changed = card_payments_unheard_reconcile(older_than=older_than)
    due = list(Payment.objects.filter(provider=Provider.STRIPE, status__in=ACTIVE,
                                      updated_at__lte=timezone.now() - older_than)
               .exclude(reference="").values_list("reference", flat=True)[:200])
    for reference in due:
        before = Payment.objects.get(provider=Provider.STRIPE, reference=reference).status
        payment = payment_intent_apply(intent=stripe_client.payment_intent_retrieve(reference), source=Source.RECONCILE)
        changed += payment is not None and payment.status != before
        fault_point("card_payments_reconcile.applied")
    return changed


def checkout_payments_cancel(*, checkout: Checkout) -> None:
    """The checkout expired or was cancelled unpaid: cancel its unfinished PaymentIntents."""
    from payments.providers import provider_get

    for payment in Payment.objects.filter(checkout=checkout, status__in=ACTIVE).exclude(reference=""):
        provider_get(payment.provider).cancel(payment=payment)
        _attempt_close(payment_pk=payment.pk, to_status=Payment.Status.CANCELLED, source=Source.CANCEL)
