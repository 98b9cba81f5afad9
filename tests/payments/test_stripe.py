"""Card payments with the real stripe library against the local emulator (localstripe)."""
import hashlib
import hmac
import json
import random
import threading
import time
import urllib.parse
import urllib.request

import pytest
from django.db import connection
from django.test import Client

from orders.models import Checkout, Order, OrderRefund
from orders.services import order_decline
from payments import stripe_client
from payments.exceptions import PaymentDeclined, PaymentNotFound
from payments.models import LedgerEntry, Payment, StripeEvent
from payments.selectors import account_balance, ledger_check, ledger_unbalanced_entries, producer_balance
from payments.services.card import card_payment_refresh, card_payment_start, card_payments_reconcile
from tests.catalog.factories import owner_of
from tests.payments.conftest import card, checkout_of

WEBHOOK = "/payments/webhooks/stripe"


def test_a_card_payment_succeeds_and_pays_the_checkout_once(db, stripe_emulator):
    checkout, (product,) = checkout_of(method="card")

    payment = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card())
    again = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card())  # double click

    checkout.refresh_from_db()
    assert again.pk == payment.pk
    assert (payment.status, payment.applied, payment.idempotency_key) == (
        "succeeded", True, f"kampung:checkout:{checkout.pk}:card:1")
    assert payment.reference.startswith("pi_")
    assert (checkout.status, checkout.payment_reference) == ("paid", payment.reference)
    assert Order.objects.get(checkout=checkout).status == "placed"
    intent = stripe_client.payment_intent_retrieve(payment.reference)
    assert (intent.amount, intent.currency, intent.metadata["checkout"]) == (4_000_000, "idr", str(checkout.pk))
    assert account_balance(code="cash:stripe") == 40000
    assert producer_balance(producer_id=product.producer_id) == (38000, 0)
    assert LedgerEntry.objects.count() == 2


def test_a_declined_card_leaves_the_checkout_unpaid_and_a_new_attempt_can_succeed(db, stripe_emulator):
    checkout, _ = checkout_of(method="card")

    with pytest.raises(PaymentDeclined) as error:
        card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card("4000000000000341"))

    assert error.value.code == "payment_declined"
    checkout.refresh_from_db()
    assert checkout.status == "awaiting_payment"
    assert list(Payment.objects.values_list("attempt", "status", "failure_code")) == [(1, "failed", "card_declined")]
    assert LedgerEntry.objects.count() == 0

    payment = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card())

    assert (payment.attempt, payment.status) == (2, "succeeded")
    checkout.refresh_from_db()
    assert checkout.status == "paid"


def test_3d_secure_waits_for_the_card_holder_then_the_reconcile_task_finds_it_paid(db, stripe_emulator):
    checkout, _ = checkout_of(method="card")

    payment = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card("4000000000003220"))
    assert payment.status == "requires_action"
    assert card_payments_reconcile(older_than=_zero()) == 0  # still waiting: nothing changes

    _authenticate(stripe_emulator, payment.reference)  # what Stripe.js does after the bank's page
    assert card_payments_reconcile(older_than=_zero()) == 1
    assert card_payments_reconcile(older_than=_zero()) == 0

    checkout.refresh_from_db()
    assert (checkout.status, checkout.payment_reference) == ("paid", payment.reference)
    assert LedgerEntry.objects.count() == 2


def test_refreshing_after_3d_secure_asks_stripe_and_never_charges_again(db, stripe_emulator):
    checkout, _ = checkout_of(method="card")
    assert card_payment_refresh(checkout=checkout, user=checkout.placed_by) is None  # no attempt yet
    payment = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card("4000000000003220"))

    with pytest.raises(PaymentNotFound):  # someone else's checkout
        card_payment_refresh(checkout=checkout, user=owner_of(Order.objects.get(checkout=checkout).producer))
    assert card_payment_refresh(checkout=checkout, user=checkout.placed_by).status == "requires_action"

    _authenticate(stripe_emulator, payment.reference)
    refreshed = card_payment_refresh(checkout=checkout, user=checkout.placed_by)
    again = card_payment_refresh(checkout=checkout, user=checkout.placed_by)

    assert (refreshed.pk, refreshed.status, again.status) == (payment.pk, "succeeded", "succeeded")
    assert Payment.objects.count() == 1
    assert len(stripe_client.client().v1.payment_intents.list().data) == 1
    checkout.refresh_from_db()
    assert checkout.status == "paid"
    assert LedgerEntry.objects.count() == 2


def test_a_declined_order_is_refunded_through_stripe(db, stripe_emulator, django_capture_on_commit_callbacks):
    checkout, (product,) = checkout_of(method="card")
    payment = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card())
    order = Order.objects.get(checkout=checkout)

    with django_capture_on_commit_callbacks(execute=True):
        order_decline(order=order, actor=owner_of(product.producer), reason="Stok habis")

    refund = OrderRefund.objects.get(order=order)
    assert (refund.status, refund.amount, refund.reason) == ("done", 40000, "declined")
    stripe_refund = stripe_client.client().v1.refunds.retrieve(refund.reference)
    assert (stripe_refund.amount, stripe_refund.payment_intent) == (4_000_000, payment.reference)
    assert account_balance(code="cash:stripe") == 0
    assert account_balance(code="commission") == 0
    assert producer_balance(producer_id=product.producer_id) == (0, 0)
    assert ledger_unbalanced_entries() == []
    assert ledger_check() == {}


# --- webhooks ---------------------------------------------------------------------------------


def _zero():
    from datetime import timedelta

    return timedelta(0)


def _authenticate(base: str, intent_id: str) -> None:
    secret = stripe_client.payment_intent_retrieve(intent_id).client_secret
    data = urllib.parse.urlencode({"success": "true", "client_secret": secret}).encode()
    request = urllib.request.Request(f"{base}/v1/payment_intents/{intent_id}/_authenticate", data=data,
                                     headers={"Authorization": "Bearer sk_test_kampung"})
    urllib.request.urlopen(request, timeout=5).close()


def _signed(event: dict, *, secret: str = "whsec_test_kampung", at: int | None = None) -> tuple[bytes, str]:
    payload = json.dumps(event).encode()
    at = int(time.time()) if at is None else at
    signature = hmac.new(secret.encode(), b"%d." % at + payload, hashlib.sha256).hexdigest()
    return payload, f"t={at},v1={signature}"


def _event(event_id: str, kind: str, intent) -> dict:
    return {"id": event_id, "object": "event", "type": kind, "api_version": "2024-06-20", "created": int(time.time()),
            "data": {"object": intent.to_dict() if hasattr(intent, "to_dict") else intent}}


def _post(client: Client, event: dict, **sign) -> int:
    payload, header = _signed(event, **sign)
    return client.post(WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header).status_code


def _waiting_for_3ds(stripe_emulator):
    checkout, _ = checkout_of(method="card")
    payment = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card("4000000000003220"))
    return checkout, payment


@pytest.mark.parametrize("case", ["missing", "wrong secret", "stale", "tampered"])
def test_bad_signatures_get_400_and_change_nothing(db, stripe_emulator, case):
    checkout, payment = _waiting_for_3ds(stripe_emulator)
    _authenticate(stripe_emulator, payment.reference)
    event = _event("evt_bad", "payment_intent.succeeded", stripe_client.payment_intent_retrieve(payment.reference))
    client = Client()

    if case == "missing":
        status = client.post(WEBHOOK, data=json.dumps(event), content_type="application/json").status_code
    elif case == "wrong secret":
        status = _post(client, event, secret="whsec_other")
    elif case == "stale":
        status = _post(client, event, at=int(time.time()) - 301)
    else:
        payload, header = _signed(event)
        status = client.post(WEBHOOK, data=payload.replace(b"4000000", b"4000001"), content_type="application/json",
                             HTTP_STRIPE_SIGNATURE=header).status_code

    assert status == 400
    checkout.refresh_from_db()
    assert checkout.status == "awaiting_payment"
    assert (StripeEvent.objects.count(), LedgerEntry.objects.count()) == (0, 0)
    assert Payment.objects.get().status == "requires_action"


def test_webhooks_replayed_three_times_shuffled_and_concurrently_have_one_effect(transactional_db, stripe_emulator):
    # given a payment waiting for 3-D Secure, then authenticated at Stripe
    checkout, payment = _waiting_for_3ds(stripe_emulator)
    waiting = stripe_client.payment_intent_retrieve(payment.reference)
    _authenticate(stripe_emulator, payment.reference)
    succeeded = stripe_client.payment_intent_retrieve(payment.reference)
    events = [_event("evt_action", "payment_intent.requires_action", waiting),
              _event("evt_succeeded", "payment_intent.succeeded", succeeded),
              _event("evt_other", "charge.succeeded", {"id": "ch_1", "object": "charge"})]
    deliveries = events * 3
    random.Random(6).shuffle(deliveries)

    # when each is delivered three times, in a shuffled order, by six concurrent senders
    statuses = []

    def send(batch):
        client = Client()
        try:
            statuses.extend(_post(client, event) for event in batch)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(deliveries[i::6],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert sorted(statuses) == [200] * 9
    checkout.refresh_from_db()
    assert (checkout.status, checkout.payment_reference) == (Checkout.Status.PAID, payment.reference)
    assert sorted(StripeEvent.objects.values_list("event_id", flat=True)) == ["evt_action", "evt_other",
                                                                              "evt_succeeded"]
    assert sorted(LedgerEntry.objects.values_list("kind", flat=True)) == ["allocation", "receipt"]
    assert Payment.objects.get().status == "succeeded"
    assert Order.objects.get(checkout=checkout).events.filter(kind="payment").count() == 1
    # the payment's history: 3-D Secure at the start, then the success once, from the webhook
    assert list(Payment.objects.get().events.values_list("from_status", "to_status", "source", "provider_event_id")) == [
        ("pending", "requires_action", "start", ""), ("requires_action", "succeeded", "webhook", "evt_succeeded")]


def test_the_emulator_delivers_a_signed_webhook_that_pays_the_checkout(transactional_db, stripe_emulator, live_server):
    # given the emulator sends its events to our webhook endpoint, signed with our secret
    _webhook_to(stripe_emulator, f"{live_server.url}{WEBHOOK}")
    try:
        _pay_through_the_emulators_webhook(stripe_emulator)
    finally:
        _webhook_to(stripe_emulator, "http://127.0.0.1:9/")  # the emulator lives on: send later events nowhere


def _webhook_to(base: str, url: str) -> None:
    data = urllib.parse.urlencode({"url": url, "secret": "whsec_test_kampung"}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{base}/_config/webhooks/kampung", data=data), timeout=5).close()


def _pay_through_the_emulators_webhook(stripe_emulator):
    checkout, payment = _waiting_for_3ds(stripe_emulator)

    # when the card holder passes 3-D Secure (the browser never comes back to us)
    _authenticate(stripe_emulator, payment.reference)

    # then the emulator's payment_intent.succeeded webhook alone marks the checkout paid
    deadline = time.monotonic() + 15
    while Checkout.objects.get(pk=checkout.pk).status != "paid" and time.monotonic() < deadline:
        time.sleep(0.2)
    checkout.refresh_from_db()
    assert (checkout.status, checkout.payment_reference) == ("paid", payment.reference)
    # (a late event of an earlier test's payment may arrive too: count this payment's)
    assert StripeEvent.objects.filter(type="payment_intent.succeeded", object_id=payment.reference).count() == 1
    assert sorted(LedgerEntry.objects.values_list("kind", flat=True)) == ["allocation", "receipt"]


def test_an_expired_card_checkout_cancels_its_unfinished_payment_intent(db, stripe_emulator,
                                                                       django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from orders.services import checkout_expire_due

    checkout, payment = _waiting_for_3ds(stripe_emulator)

    with django_capture_on_commit_callbacks(execute=True):
        assert checkout_expire_due(now=timezone.now() + timedelta(minutes=31)) == 1

    payment.refresh_from_db()
    assert payment.status == "cancelled"
    assert stripe_client.payment_intent_retrieve(payment.reference).status == "canceled"


def test_a_timed_out_attempt_is_retried_with_the_same_idempotency_key(db, stripe_emulator, settings):
    checkout, _ = checkout_of(method="card")
    good_card = card()
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe unreachable
    from payments.exceptions import ProviderUnavailable

    with pytest.raises(ProviderUnavailable):
        card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=good_card)
    pending = Payment.objects.get()
    assert (pending.status, pending.reference, pending.attempt) == ("pending", "", 1)

    settings.STRIPE_API_BASE = stripe_emulator
    payment = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=good_card)

    assert (payment.pk, payment.status, payment.idempotency_key) == (
        pending.pk, "succeeded", f"kampung:checkout:{checkout.pk}:card:1")
