"""Every change of a payment's status is one ``PaymentEvent``, written with the change, once."""
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from orders.models import Order, OrderRefund
from orders.services import checkout_expire_due, order_decline
from payments import stripe_client
from payments.exceptions import PaymentDeclined, PaymentTransitionInvalid
from payments.models import Payment, PaymentEvent
from payments.services import bank_transfer_record, bank_transfer_start
from payments.services.card import card_payment_refresh, card_payment_start, card_payments_reconcile
from payments.services.status import payment_status_change
from payments.states import TRANSITIONS
from tests.catalog.factories import owner_of
from tests.orders.factories import officer
from tests.payments.conftest import card, checkout_of
from tests.payments.test_stripe import _authenticate, _event, _post, _waiting_for_3ds, _zero


def history(payment) -> list[tuple]:
    return list(PaymentEvent.objects.filter(payment=payment).order_by("pk")
                .values_list("from_status", "to_status", "source", "provider_event_id", "note"))


def test_a_card_payment_that_succeeds_records_one_event(db, stripe_emulator):
    checkout, _ = checkout_of(method="card")

    payment = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card())
    card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card())  # double click

    assert history(payment) == [("pending", "succeeded", "start", "", "")]
    assert PaymentEvent.objects.count() == 1


def test_a_declined_card_records_the_failure_and_the_next_attempt_its_own_success(db, stripe_emulator):
    checkout, _ = checkout_of(method="card")

    with pytest.raises(PaymentDeclined):
        card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card("4000000000000341"))
    second = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card())

    first = Payment.objects.get(checkout=checkout, attempt=1)
    assert history(first) == [("pending", "failed", "start", "", "card_declined")]
    assert history(second) == [("pending", "succeeded", "start", "", "")]
    assert PaymentEvent.objects.count() == 2


def test_3d_secure_then_the_reconcile_task_records_each_step_once(db, stripe_emulator):
    checkout, payment = _waiting_for_3ds(stripe_emulator)
    assert card_payments_reconcile(older_than=_zero()) == 0  # still waiting: nothing recorded
    assert history(payment) == [("pending", "requires_action", "start", "", "")]

    _authenticate(stripe_emulator, payment.reference)
    card_payments_reconcile(older_than=_zero())
    card_payments_reconcile(older_than=_zero())

    assert history(payment) == [("pending", "requires_action", "start", "", ""),
                                ("requires_action", "succeeded", "reconcile", "", "")]


def test_3d_secure_then_the_buyers_return_records_the_success_as_the_return(db, stripe_emulator):
    checkout, payment = _waiting_for_3ds(stripe_emulator)
    _authenticate(stripe_emulator, payment.reference)

    card_payment_refresh(checkout=checkout, user=checkout.placed_by)
    card_payment_refresh(checkout=checkout, user=checkout.placed_by)

    assert history(payment) == [("pending", "requires_action", "start", "", ""),
                                ("requires_action", "succeeded", "return", "", "")]


def test_a_webhook_replayed_records_its_change_once_with_the_event_id(db, stripe_emulator):
    # given a payment waiting for 3-D Secure, authenticated at Stripe
    checkout, payment = _waiting_for_3ds(stripe_emulator)
    waiting = stripe_client.payment_intent_retrieve(payment.reference)
    _authenticate(stripe_emulator, payment.reference)
    succeeded = _event("evt_paid", "payment_intent.succeeded", stripe_client.payment_intent_retrieve(payment.reference))
    client = Client()

    # when the succeeded event arrives three times, and the older requires_action event after it
    statuses = [_post(client, succeeded) for _ in range(3)]
    statuses.append(_post(client, _event("evt_late", "payment_intent.requires_action", waiting)))

    # then one change, from the webhook, named by its event; the late event moved nothing back
    assert statuses == [200] * 4
    assert history(payment) == [("pending", "requires_action", "start", "", ""),
                                ("requires_action", "succeeded", "webhook", "evt_paid", "")]
    payment.refresh_from_db()
    assert payment.status == "succeeded"


def test_an_expired_checkout_records_the_cancelled_attempt(db, stripe_emulator, django_capture_on_commit_callbacks):
    checkout, payment = _waiting_for_3ds(stripe_emulator)

    with django_capture_on_commit_callbacks(execute=True):
        checkout_expire_due(now=timezone.now() + timedelta(minutes=31))

    assert history(payment) == [("pending", "requires_action", "start", "", ""),
                                ("requires_action", "cancelled", "cancel", "", "")]


def test_a_refund_changes_no_payment_status_and_records_no_payment_event(db, stripe_emulator,
                                                                        django_capture_on_commit_callbacks):
    # given a paid card checkout
    checkout, (product,) = checkout_of(method="card")
    payment = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card())
    before = history(payment)

    # when the producer declines the order and the refund is paid through Stripe
    with django_capture_on_commit_callbacks(execute=True):
        order_decline(order=Order.objects.get(checkout=checkout), actor=owner_of(product.producer), reason="Habis")

    # then the refund is its own record; the payment stays succeeded with the same history
    assert OrderRefund.objects.get(order__checkout=checkout).status == "done"
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    assert history(payment) == before == [("pending", "succeeded", "start", "", "")]


def test_a_bank_transfer_paid_in_two_parts_records_one_event_by_the_officer(db):
    checkout, _ = checkout_of()
    reference = bank_transfer_start(checkout=checkout).reference
    finance = officer()
    today = timezone.localdate()

    bank_transfer_record(officer=finance, reference=reference, amount=30000, bank_reference="BCA-1", received_on=today)
    payment = Payment.objects.get(checkout=checkout)
    assert history(payment) == []
    bank_transfer_record(officer=finance, reference=reference, amount=10000, bank_reference="BCA-2", received_on=today)
    bank_transfer_record(officer=finance, reference=reference, amount=10000, bank_reference="BCA-2", received_on=today)

    assert history(payment) == [("pending", "succeeded", "transfer", "", "BCA-2")]
    assert PaymentEvent.objects.get(payment=payment).actor == finance


@pytest.mark.parametrize("from_status", ["pending", "requires_action", "succeeded", "failed", "cancelled"])
def test_only_the_moves_of_the_state_table_are_made(db, from_status):
    checkout, _ = checkout_of()
    bank_transfer_start(checkout=checkout)
    Payment.objects.filter(checkout=checkout).update(status=from_status, succeeded_at=timezone.now())

    for to_status in Payment.Status.values:
        payment = Payment.objects.get(checkout=checkout)
        with transaction.atomic():
            payment = Payment.objects.select_for_update().get(pk=payment.pk)
            if to_status == from_status:
                event = payment_status_change(payment=payment, to_status=to_status, source="reconcile")
                assert event is None
            elif to_status in TRANSITIONS[from_status]:
                event = payment_status_change(payment=payment, to_status=to_status, source="reconcile")
                assert (event.from_status, event.to_status) == (from_status, to_status)
                transaction.set_rollback(True)
            else:
                with pytest.raises(PaymentTransitionInvalid):
                    payment_status_change(payment=payment, to_status=to_status, source="reconcile")

    # nothing was left changed: the allowed moves were rolled back, the refused ones never made
    assert Payment.objects.get(checkout=checkout).status == from_status
    assert PaymentEvent.objects.count() == 0


def test_succeeded_is_final():
    assert TRANSITIONS["succeeded"] == frozenset()


def test_the_database_refuses_an_event_that_changes_nothing_or_repeats_a_webhook(db):
    checkout, _ = checkout_of()
    bank_transfer_start(checkout=checkout)
    payment = Payment.objects.get(checkout=checkout)
    PaymentEvent.objects.create(payment=payment, from_status="pending", to_status="succeeded", source="webhook",
                                provider_event_id="evt_1")

    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentEvent.objects.create(payment=payment, from_status="pending", to_status="succeeded", source="webhook",
                                    provider_event_id="evt_1")
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentEvent.objects.create(payment=payment, from_status="pending", to_status="pending", source="reconcile")
    assert PaymentEvent.objects.count() == 1
