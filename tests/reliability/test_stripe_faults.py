"""Stripe times out or answers 5xx on create, confirm and refund: a clear message, safe retries with the
same idempotency key, and the reconciliation finishes the job. A PaymentIntent that does not match
its order is flagged for officers.

A small HTTP proxy (``stripe_fault_proxy.py``, its own process) sits between our Stripe client and the
emulator (localstripe): armed, it answers 500 without passing the call on (Stripe failed, nothing
done) or passes it on and answers too late (Stripe did it; we timed out), and like Stripe it answers
a repeated idempotency key with the first answer. The client's timeout is 1 s here; it retries twice
by itself (``max_network_retries``) before the service sees ``ProviderUnavailable``.
"""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from orders.models import Checkout, Order, OrderRefund
from payments import stripe_client
from payments.exceptions import ProviderUnavailable
from payments.models import LedgerEntry, Payment, PaymentMismatch
from payments.selectors import ledger_check
from payments.services.card import card_payment_refresh, card_payment_start, card_payments_reconcile
from payments.services.refunds import card_refunds_reconcile
from tests.catalog.test_api import as_user
from tests.payments.conftest import card, checkout_of
from tests.reliability.processes import free_port, wait_for

pytestmark = pytest.mark.django_db
NOW = timedelta(0)
PROXY = Path(__file__).with_name("stripe_fault_proxy.py")


class FaultProxy:
    def __init__(self, base: str):
        self.base = base

    def arm(self, mode: str, *, method: str, path: str, times: int = 3, delay: float = 1.5) -> None:
        self._control({"mode": mode, "method": method, "path": path, "times": times, "delay": delay})

    def disarm(self) -> None:
        self._control({})

    def seen(self) -> list[dict]:
        with urllib.request.urlopen(f"{self.base}/_fault", timeout=5) as response:
            return json.load(response)["seen"]

    def _control(self, fault: dict) -> None:
        request = urllib.request.Request(f"{self.base}/_fault", data=json.dumps(fault).encode(), method="POST")
        urllib.request.urlopen(request, timeout=5).close()


@pytest.fixture(scope="session")
def _proxy_process(localstripe_server):
    port = free_port()
    process = subprocess.Popen([sys.executable, str(PROXY), str(port), localstripe_server])
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            urllib.request.urlopen(f"{base}/_fault", timeout=1).close()
            return True
        except OSError:
            return False

    wait_for(up, timeout=20, message="the fault proxy did not start")
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def stripe_faults(stripe_emulator, _proxy_process, settings, fault):
    """Our Stripe client through the fault proxy (1 s timeout); yield the proxy to arm."""
    settings.STRIPE_API_BASE = _proxy_process
    settings.STRIPE_TIMEOUT_SECONDS = 1
    proxy = FaultProxy(_proxy_process)
    proxy.disarm()
    original = proxy.arm

    def arm(mode: str, **kwargs) -> None:
        fault(f"Stripe {'5xx' if mode == 'error' else 'timeout'}", f"{kwargs['method']} {kwargs['path']}")
        original(mode, **kwargs)

    proxy.arm = arm
    yield proxy
    proxy.disarm()


def _intents() -> list:
    return stripe_client.client().v1.payment_intents.list().data


# --- create --------------------------------------------------------------------------------------


def test_create_answering_500_gets_a_clear_503_and_the_retry_with_the_same_key_pays_once(stripe_faults):
    checkout, _ = checkout_of(method="card")
    client = as_user(APIClient(), checkout.placed_by)
    stripe_faults.arm("error", method="POST", path="/v1/payment_intents", times=3)
    url = f"/api/v1/payments/checkouts/{checkout.pk}/card/"
    method = card()

    failed = client.post(url, {"payment_method_id": method}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert failed.status_code == 503
    assert failed.json()["code"] == "payment_provider_unavailable"
    assert "check it before you pay again" in failed.json()["message"]
    payment = Payment.objects.get()
    assert (payment.status, payment.reference) == ("pending", "")
    assert _intents() == []
    keys = {seen["key"] for seen in stripe_faults.seen()
            if (seen["method"], seen["path"]) == ("POST", "/v1/payment_intents")}
    assert keys == {payment.idempotency_key}  # the client's own retries: the same key

    # when: the buyer tries again once Stripe answers
    again = client.post(url, {"payment_method_id": method}, format="json")

    assert (again.status_code, again.json()["status"]) == (200, "succeeded")
    checkout.refresh_from_db()
    assert checkout.status == "paid"
    assert len(_intents()) == 1
    assert Payment.objects.count() == 1
    assert LedgerEntry.objects.count() == 2


def test_create_timing_out_after_stripe_charged_is_finished_by_the_reconciliation_once(client, stripe_faults):
    checkout, _ = checkout_of(method="card")
    client.force_login(checkout.placed_by)
    client.cookies["ki_language"] = "en"
    stripe_faults.arm("slow", method="POST", path="/v1/payment_intents", times=3, delay=1.5)

    response = client.post(f"/checkout/{checkout.pk}/pay/", {"payment_method_id": card()}, follow=True)

    # then: the person is told what to do; Stripe made one intent (the retries were answered from the key)
    assert "If your payment went through, the order shows as paid within a few minutes" in response.content.decode()
    payment = Payment.objects.get()
    assert (payment.status, payment.reference) == ("pending", "")
    assert len(_intents()) == 1 and _intents()[0].status == "succeeded"
    checkout.refresh_from_db()
    assert checkout.status == "awaiting_payment"

    # when: the buyer does nothing more; the reconciliation runs (twice)
    card_payments_reconcile(older_than=NOW)
    card_payments_reconcile(older_than=NOW)

    payment.refresh_from_db()
    checkout.refresh_from_db()
    assert (payment.status, payment.applied, payment.reference) == ("succeeded", True, _intents()[0].id)
    assert checkout.status == "paid"
    assert len(_intents()) == 1
    assert LedgerEntry.objects.count() == 2


# --- confirm (the return from 3-D Secure asks Stripe) --------------------------------------------


def test_confirm_timing_out_leaves_the_attempt_for_the_reconciliation(stripe_faults, stripe_emulator):
    from tests.payments.test_stripe import _authenticate

    checkout, _ = checkout_of(method="card")
    payment = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card("4000000000003220"))
    _authenticate(stripe_emulator, payment.reference)
    stripe_faults.arm("slow", method="GET", path=f"/v1/payment_intents/{payment.reference}", times=3, delay=1.5)

    with pytest.raises(ProviderUnavailable):
        card_payment_refresh(checkout=checkout, user=checkout.placed_by)

    payment.refresh_from_db()
    assert payment.status == "requires_action"
    assert card_payments_reconcile(older_than=NOW) == 1
    assert card_payments_reconcile(older_than=NOW) == 0
    checkout.refresh_from_db()
    assert checkout.status == "paid"
    assert LedgerEntry.objects.count() == 2


# --- refund ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_a_refund_stripe_failed_is_paid_back_once_by_the_reconciliation(stripe_faults, mode):
    from orders.services import order_decline
    from orders.tasks import order_refund_requested_task
    from tests.catalog.factories import owner_of

    checkout, (product,) = checkout_of(method="card")
    payment = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card())
    order_decline(order=Order.objects.get(checkout=checkout), actor=owner_of(product.producer), reason="Stok habis")
    refund = OrderRefund.objects.get()
    stripe_faults.arm(mode, method="POST", path="/v1/refunds", times=3, delay=1.5)

    with pytest.raises(ProviderUnavailable):  # the task that runs after the decline's commit
        order_refund_requested_task(refund.pk)

    refund.refresh_from_db()
    assert refund.status == "requested"
    assert card_refunds_reconcile(older_than=NOW) == 1
    assert card_refunds_reconcile(older_than=NOW) == 0
    refund.refresh_from_db()
    assert refund.status == "done"
    refunds = stripe_client.client().v1.refunds.list().data
    assert [(r.id, r.payment_intent, r.amount) for r in refunds] == [(refund.reference, payment.reference, 4_000_000)]
    assert ledger_check() == {}


# --- amounts that do not match ---------------------------------------------------------------------


def test_an_intent_whose_amount_does_not_match_is_flagged_for_officers(client, stripe_emulator, totp_for):
    from payments.services.card import stripe_event_process
    from tests.fixtures import force_login_mfa
    from tests.orders.factories import OfficerFactory

    checkout, _ = checkout_of(method="card")
    payment = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card("4000000000003220"))
    # Someone (a bug, a tampered client) made an intent of another amount carrying our payment's id.
    odd = stripe_client.client().v1.payment_intents.create(params={
        "amount": 100_000, "currency": "idr", "payment_method_types": ["card"], "payment_method": card(),
        "confirm": True, "metadata": {"checkout": str(checkout.pk), "payment": str(payment.pk)}})
    Payment.objects.filter(pk=payment.pk).update(reference="")  # as if our own create never answered
    event = {"id": "evt_mismatch_1", "type": "payment_intent.succeeded", "data": {"object": odd.to_dict()}}

    assert stripe_event_process(event=event) is True
    assert stripe_event_process(event={**event, "id": "evt_mismatch_2"}) is True  # delivered again

    payment.refresh_from_db()
    checkout.refresh_from_db()
    assert payment.status != "succeeded" and checkout.status == "awaiting_payment"
    mismatch = PaymentMismatch.objects.get()
    assert (mismatch.payment_id, mismatch.reference, mismatch.expected_amount, mismatch.received_amount,
            mismatch.received_currency) == (payment.pk, odd.id, checkout.total, 100_000, "idr")
    assert LedgerEntry.objects.count() == 0
    officer = OfficerFactory()
    totp_for(officer)
    force_login_mfa(client, officer)
    client.cookies["ki_language"] = "en"
    page = client.get("/dashboard/officer/finance/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 card payment does not match its order" in html
    assert f'data-mismatch="{odd.id}"' in html
    assert checkout.number in html
    assert Checkout.objects.filter(status="paid").count() == 0
