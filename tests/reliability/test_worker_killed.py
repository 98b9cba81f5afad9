"""A Celery worker is killed (SIGKILL) in the middle of each critical task: the task runs again on a new
worker and its effect happens exactly once.

Each test starts ``celery -A market worker`` as its own process on the test's Redis database and the
test's PostgreSQL database, told to stop at one named point of our code (``market/core/faults.py``),
kills it there, starts a new worker and checks the outcome. Tasks are acknowledged late and re-queued
when their worker dies (``acks_late``, ``reject_on_worker_lost``; the broker hands an unacknowledged
task to another worker after ``CELERY_VISIBILITY_TIMEOUT``, 1 s here), so the second worker runs the
same message again: what makes the effect happen once is that every task is idempotent.

Points "before commit" kill the worker inside the task's transaction (PostgreSQL rolls it back when
the connection drops); the others kill it after part of the work is saved but before the task is
acknowledged, so the whole task runs again over work already done.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import ProductStock, StockMovement
from orders.models import Checkout, Notification, Order, OrderEvent
from orders.services import cart_line_set
from tests.reliability.processes import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
KILLED = "worker killed (SIGKILL) mid-task"


def _kill_at(workers, fault, point: str, send, *, env=None):
    """Send the task, let a worker reach ``point``, SIGKILL it there, start a fresh worker; return it."""
    first = workers(pause_at=point, env=env)
    send()
    first.kill(first.paused_at(point))
    fault(KILLED, point)
    return workers(env=env)


def _unpaid_checkouts(*quantities: int, stock: int = 20, method: str = "bank_transfer"):
    """Return (product, checkouts): one consumer's checkout of ``quantity`` units per quantity, one product."""
    from tests.orders.factories import consumer_shopper, on_sale, place

    product = on_sale(stock=stock)
    checkouts = []
    for quantity in quantities:
        shopper, address = consumer_shopper()
        cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)
        checkouts.append(place(shopper, destination=address, method=method))
    return product, checkouts


# --- reservation expiry ------------------------------------------------------------------------


@pytest.mark.parametrize("point", ["checkout_expire_due.before_commit", "checkout_expire_due.expired"])
def test_reservation_expiry_releases_the_stock_once(workers, eager, idle, fault, point):
    from orders.tasks import checkout_expire_due_task

    # given: two unpaid checkouts whose reservations ran out, 3 and 2 units of one product reserved
    with eager():
        product, _ = _unpaid_checkouts(3, 2)
    Checkout.objects.update(reservation_expires_at=timezone.now() - timedelta(minutes=1))
    assert ProductStock.objects.get(product=product).reserved == 5

    # when: the worker is killed while expiring the first one; a new worker takes the task again
    second = _kill_at(workers, fault, point, checkout_expire_due_task.delay)

    # then: both expired, the stock released once each, one cancellation per order
    wait_for(lambda: idle() and not Checkout.objects.filter(status="awaiting_payment").exists(),
             message="the new worker did not expire the checkouts", log=second.log)
    assert sorted(Checkout.objects.values_list("status", flat=True)) == ["expired", "expired"]
    stock = ProductStock.objects.get(product=product)
    assert (stock.on_hand, stock.reserved) == (20, 0)
    assert StockMovement.objects.filter(product=product, reason="order_cancelled").count() == 2
    assert [OrderEvent.objects.filter(order=order, to_status="cancelled").count()
            for order in Order.objects.order_by("pk")] == [1, 1]


# --- notifications -----------------------------------------------------------------------------


def test_a_notification_killed_between_its_record_and_its_email_is_sent_once(workers, eager, idle, fault, tmp_path):
    from market.core.tasks import task_outbox_flush_task
    from orders.notifications import Event
    from orders.tasks import order_notify_task

    with eager():
        _, (checkout,) = _unpaid_checkouts(1)
    buyer = checkout.placed_by
    point = "notification_send.recorded"
    mail = tmp_path / "mail"

    # when: the worker is killed after the notification was recorded, before its email was handed on
    second = _kill_at(workers, fault, point, lambda: order_notify_task.delay(Event.RESERVATION_EXPIRED, checkout.pk))
    task_outbox_flush_task.delay()  # what beat does every minute

    # then: the task ran again (nothing left to send) and the email kept with the record went out once
    wait_for(lambda: idle() and list(mail.iterdir()), message="no email was sent", log=second.log)
    order_notify_task.delay(Event.RESERVATION_EXPIRED, checkout.pk)  # and a duplicate delivery, for good measure
    task_outbox_flush_task.delay()
    wait_for(idle, message="the worker did not finish", log=second.log)
    (sent,) = mail.iterdir()
    assert f"To: {buyer.email}" in sent.read_text()
    assert Notification.objects.filter(event=Event.RESERVATION_EXPIRED, user=buyer).count() == 1


# --- payment reconciliation --------------------------------------------------------------------


@pytest.mark.parametrize("point", ["payment_intent_apply.before_commit", "card_payments_reconcile.applied"])
def test_reconciliation_pays_each_checkout_once(workers, eager, idle, fault, stripe_emulator, point):
    from payments.models import LedgerEntry, Payment, PaymentEvent
    from payments.selectors import ledger_unbalanced_entries
    from payments.services.card import card_payment_start
    from payments.tasks import card_payments_reconcile_task
    from tests.payments.conftest import card
    from tests.payments.test_stripe import _authenticate

    # given: two card payments the card holders confirmed at their bank (3-D Secure), whose webhooks were lost
    with eager():
        _, checkouts = _unpaid_checkouts(1, 1, method="card")
    for checkout in checkouts:
        payment = card_payment_start(checkout=checkout, user=checkout.placed_by, payment_method_id=card("4000000000003220"))
        assert payment.status == "requires_action"
        _authenticate(stripe_emulator, payment.reference)
    Payment.objects.update(updated_at=timezone.now() - timedelta(minutes=5))  # due for reconciliation
    env = {"STRIPE_API_BASE": stripe_emulator, "STRIPE_SECRET_KEY": "sk_test_kampung",
           "STRIPE_PUBLISHABLE_KEY": "pk_test_kampung", "STRIPE_WEBHOOK_SECRET": "whsec_test_kampung"}

    # when: the worker is killed while reconciling the first; a new worker takes the task again
    second = _kill_at(workers, fault, point, card_payments_reconcile_task.delay, env=env)

    # then: both checkouts paid once: one success event, one receipt and one allocation each
    wait_for(lambda: idle() and not Checkout.objects.exclude(status="paid").exists(),
             message="the new worker did not reconcile the payments", log=second.log)
    for checkout in checkouts:
        payment = Payment.objects.get(checkout=checkout)
        assert (payment.status, payment.applied, payment.received) == ("succeeded", True, checkout.total)
        assert PaymentEvent.objects.filter(payment=payment, to_status="succeeded").count() == 1
    assert LedgerEntry.objects.count() == 4
    assert list(ledger_unbalanced_entries()) == []


# --- search indexing ---------------------------------------------------------------------------


def test_indexing_killed_after_writing_the_index_ends_with_the_index_right_and_no_marks(workers, eager, idle, fault):
    from catalog.services import product_delist
    from search.models import DirtyItem, ProductEntry
    from tests.search.catalogue import catalogue_build

    with eager():
        catalogue = catalogue_build()  # indexed as it is built
    robusta = catalogue.products["robusta"]
    listed = set(ProductEntry.objects.values_list("pk", flat=True))
    assert robusta.pk in listed
    point = "search_sync.indexed"

    # when: a delisting is indexed by a worker killed after it wrote the index, before it cleared the marks
    second = _kill_at(workers, fault, point, lambda: product_delist(
        product=robusta, officer=catalogue.officer, reasons=["other"], note="Audit"))

    # then: the new worker indexed the same marks again: the product is gone once, nothing else changed
    wait_for(lambda: idle() and not DirtyItem.objects.exists(), message="marks left behind", log=second.log)
    assert set(ProductEntry.objects.values_list("pk", flat=True)) == listed - {robusta.pk}


# --- payout batch (the transfer file) -------------------------------------------------------------


def test_a_payout_batch_killed_half_made_leaves_nothing_and_is_made_once_after(transactional_db, tmp_path, fault):
    """Made in the officer's request, not in a task: the process dies after the first payout was posted."""
    from payments.exceptions import PaymentNotPossible
    from payments.models import LedgerEntry, PayoutBatch
    from payments.selectors import payout_batch_csv, producer_balance
    from payments.services.payouts import payout_batch_create
    from tests.orders.factories import officer
    from tests.payments.conftest import bank_account_set
    from tests.payments.test_payouts import _paid_and_completed
    from tests.reliability.processes import command_killed_at

    producers = _paid_and_completed([(10000, 4), (20000, 1)])
    for n, producer in enumerate(producers):
        bank_account_set(producer, bank_name="BRI", account_number=f"55500011{n}", account_holder=producer.name)
    finance = officer()
    before = {p.pk: producer_balance(producer_id=p.pk) for p in producers}
    point = "payout_batch_create.payout_posted"

    command_killed_at(point, "from payments.services.payouts import payout_batch_create; "
                             "from market.accounts.models import User; "
                             f"payout_batch_create(officer=User.objects.get(pk={finance.pk}), minimum=1000)",
                      fault_dir=tmp_path)
    fault("process killed (SIGKILL) mid-request", point)

    # then: nothing of the half-made batch is left
    assert PayoutBatch.objects.count() == 0
    assert LedgerEntry.objects.filter(kind="payout").count() == 0
    assert {p.pk: producer_balance(producer_id=p.pk) for p in producers} == before

    # when: the officer makes it again, and once more
    batch = payout_batch_create(officer=finance, minimum=1000)
    with pytest.raises(PaymentNotPossible):
        payout_batch_create(officer=finance, minimum=1000)

    assert batch.total == sum(balance.available for balance in before.values())
    assert len(payout_batch_csv(batch=batch).splitlines()) == 1 + len(producers)
    assert LedgerEntry.objects.filter(kind="payout").count() == len(producers)
