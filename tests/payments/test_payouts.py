"""Payout batches: available balances above a minimum, a CSV for the bank, marked paid once."""
from datetime import date

import pytest

from orders.models import Order
from orders.services import order_accept, order_complete, order_mark_delivered, order_pack, order_ship
from payments.exceptions import PaymentForbidden, PaymentNotPossible
from payments.models import LedgerEntry, PayoutBatch
from payments.selectors import account_balance, ledger_unbalanced_entries, payout_batch_csv, producer_balance
from payments.services import bank_transfer_record, bank_transfer_start
from payments.services.payouts import payout_batch_create, payout_batch_mark_paid
from tests.catalog.factories import owner_of
from tests.orders.factories import officer
from tests.payments.conftest import bank_account_set, checkout_of

pytestmark = pytest.mark.django_db


def _paid_and_completed(items):
    checkout, products = checkout_of(items=items)
    bank_transfer_record(officer=officer(), reference=bank_transfer_start(checkout=checkout).reference,
                         amount=checkout.total, bank_reference=f"B-{checkout.pk}", received_on=date(2026, 1, 5))
    for order in Order.objects.filter(checkout=checkout).select_related("producer"):
        seller = owner_of(order.producer)
        for step in (order_accept, order_pack, order_ship, order_mark_delivered):
            step(order=order, actor=seller)
        order_complete(order=order, actor=checkout.placed_by)
    return [product.producer for product in products]


def test_a_batch_pays_available_balances_above_the_minimum_once():
    # given two producers with 38.000 and 9.500 available; the second has no bank account yet
    big, small = _paid_and_completed([(10000, 4), (10000, 1)])
    bank_account_set(big, bank_name="Bank Jatim", account_number="0123 4567 89",
                              account_holder="UD Kopi Sejahtera")
    bank_account_set(small, bank_name="BRI", account_number="555000111",
                              account_holder="Bu Sri")
    finance = officer()

    batch = payout_batch_create(officer=finance, minimum=10000)

    assert (batch.total, batch.status) == (38000, "open")
    assert producer_balance(producer_id=big.pk) == (0, 0)
    assert producer_balance(producer_id=small.pk) == (0, 9500)  # below the minimum: stays for next time
    assert payout_batch_csv(batch=batch) == (
        "bank_name,account_number,account_holder,amount,reference\r\n"
        f"Bank Jatim,0123456789,UD Kopi Sejahtera,38000,KI-PAYOUT-{batch.pk}-{batch.payouts.get().pk}\r\n")
    with pytest.raises(PaymentNotPossible):  # nothing left above the minimum: no second payout of the same money
        payout_batch_create(officer=finance, minimum=10000)

    paid = payout_batch_mark_paid(batch=batch, officer=finance)
    again = payout_batch_mark_paid(batch=batch, officer=finance)

    assert (paid.status, again.status) == ("paid", "paid")
    assert account_balance(code="cash:payouts") == -38000
    assert account_balance(code="payouts:in_transit") == 0
    assert LedgerEntry.objects.filter(kind="payout").count() == 2
    assert ledger_unbalanced_entries() == []


def test_only_officers_run_payouts_and_a_refused_batch_writes_nothing():
    (producer,) = _paid_and_completed([(10000, 4)])
    bank_account_set(producer, bank_name="BNI", account_number="12345678", account_holder="Pak Adi")
    entries = LedgerEntry.objects.count()

    with pytest.raises(PaymentForbidden):
        payout_batch_create(officer=owner_of(producer), minimum=1)
    with pytest.raises(PaymentNotPossible):
        payout_batch_create(officer=officer(), minimum=50000)

    assert PayoutBatch.objects.count() == 0
    assert LedgerEntry.objects.count() == entries
    assert producer_balance(producer_id=producer.pk) == (0, 38000)
