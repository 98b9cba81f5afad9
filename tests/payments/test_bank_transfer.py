"""Bank transfers: a unique checked reference, partial and full receipts, paid in full → orders placed."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from orders.models import Checkout, Order
from orders.services import (
    checkout_expire_due,
    order_accept,
    order_complete,
    order_mark_delivered,
    order_pack,
    order_ship,
)
from payments.exceptions import PaymentForbidden, PaymentInvalid, PaymentNotFound
from payments.models import BankTransferReceipt, LedgerEntry, Payment
from payments.selectors import account_balance, ledger_unbalanced_entries, producer_balance
from payments.services import bank_reference_for, bank_transfer_record, bank_transfer_start
from payments.services.bank_transfer import bank_reference_valid
from tests.catalog.factories import owner_of
from tests.factories import UserFactory
from tests.orders.factories import officer
from tests.payments.conftest import checkout_of

pytestmark = pytest.mark.django_db
TODAY = date(2026, 1, 5)


def test_references_are_unique_per_checkout_and_catch_a_mistyped_digit():
    assert bank_reference_for(1) == "KI00000018"
    assert bank_reference_for(1234) == "KI00012344"
    assert len({bank_reference_for(pk) for pk in range(1, 2001)}) == 2000
    assert bank_reference_valid("KI00012344")
    assert not bank_reference_valid("KI00012354")  # one digit wrong
    assert not bank_reference_valid("KI00021344")  # two digits swapped
    assert not bank_reference_valid("KI0001234")


def test_the_buyer_gets_the_same_reference_and_the_platform_account_every_time():
    checkout, _ = checkout_of()

    first = bank_transfer_start(checkout=checkout)
    again = bank_transfer_start(checkout=checkout)

    assert first == again
    assert (first.reference, first.amount, first.bank_name, first.account_name) == (
        bank_reference_for(checkout.pk), 40000, "Bank Jatim", "Disperindag Kabupaten Jember")
    assert first.pay_before == checkout.reservation_expires_at
    assert Payment.objects.filter(checkout=checkout).count() == 1


def test_partial_then_full_transfer_pays_the_checkout_and_allocates_the_money():
    # given two producers: Rp 40.000 and Rp 35.000 of goods, 5% commission each
    checkout, products = checkout_of(items=[(10000, 4), (35000, 1)])
    reference = bank_transfer_start(checkout=checkout).reference
    finance = officer()

    # when 50.000 arrive, then 25.000
    payment = bank_transfer_record(officer=finance, reference=reference.lower(), amount=50000,
                                   bank_reference="BCA-0001", received_on=TODAY)
    checkout.refresh_from_db()
    assert (payment.status, payment.received, checkout.status) == ("pending", 50000, "awaiting_payment")
    assert account_balance(code="deposits") == -50000

    payment = bank_transfer_record(officer=finance, reference=reference, amount=25000, bank_reference="BCA-0002",
                                   received_on=TODAY)

    # then
    checkout.refresh_from_db()
    assert (payment.status, payment.received, payment.applied) == ("succeeded", 75000, True)
    assert (checkout.status, checkout.payment_reference) == ("paid", reference)
    assert sorted(checkout.orders.values_list("status", flat=True)) == ["placed", "placed"]
    assert list(LedgerEntry.objects.order_by("pk").values_list("kind", flat=True)) == [
        "receipt", "receipt", "allocation"]
    assert account_balance(code="cash:bank_transfer") == 75000
    assert account_balance(code="deposits") == 0
    assert account_balance(code="commission") == -(2000 + 1750)
    first, second = (producer.producer for producer in products)
    assert producer_balance(producer_id=first.pk) == (38000, 0)
    assert producer_balance(producer_id=second.pk) == (33250, 0)
    assert ledger_unbalanced_entries() == []


def test_recording_the_same_bank_line_twice_changes_nothing():
    checkout, _ = checkout_of()
    reference = bank_transfer_start(checkout=checkout).reference
    finance = officer()
    bank_transfer_record(officer=finance, reference=reference, amount=10000, bank_reference="BRI-7", received_on=TODAY)

    payment = bank_transfer_record(officer=finance, reference=reference, amount=10000, bank_reference="BRI-7",
                                   received_on=TODAY)
    with pytest.raises(PaymentInvalid) as error:
        bank_transfer_record(officer=finance, reference=reference, amount=30000, bank_reference="BRI-7",
                             received_on=TODAY)

    assert error.value.fields == {"bank_reference": ["This bank statement line was already recorded."]}
    assert payment.received == 10000
    assert BankTransferReceipt.objects.count() == 1
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize(("who", "reference", "amount", "error_type", "fields"), [
    ("buyer", None, 40000, PaymentForbidden, {}),
    ("officer", "KI00000000", 40000, PaymentNotFound, {"reference": [
        "No order waits for a transfer with this reference."]}),
    ("officer", "KI12345", 40000, PaymentInvalid, {"reference": ["Enter a payment reference like KI00001234."]}),
    ("officer", None, 0, PaymentInvalid, {"amount": ["Enter the amount received in whole rupiah."]}),
    ("officer", None, 400.5, PaymentInvalid, {"amount": ["Enter the amount received in whole rupiah."]}),
])
def test_bad_records_are_refused_and_change_nothing(who, reference, amount, error_type, fields):
    checkout, _ = checkout_of()
    own = bank_transfer_start(checkout=checkout).reference
    actor = officer() if who == "officer" else UserFactory()

    with pytest.raises(error_type) as error:
        bank_transfer_record(officer=actor, reference=reference or own, amount=amount, bank_reference="X-1",
                             received_on=TODAY)

    assert error.value.fields == fields
    assert Payment.objects.get(checkout=checkout).received == 0
    assert (BankTransferReceipt.objects.count(), LedgerEntry.objects.count()) == (0, 0)
    checkout.refresh_from_db()
    assert checkout.status == "awaiting_payment"


def test_a_transfer_for_an_expired_checkout_is_kept_to_be_refunded():
    checkout, _ = checkout_of()
    reference = bank_transfer_start(checkout=checkout).reference
    checkout_expire_due(now=timezone.now() + timedelta(days=2))

    payment = bank_transfer_record(officer=officer(), reference=reference, amount=40000, bank_reference="M-1",
                                   received_on=TODAY)

    checkout.refresh_from_db()
    assert checkout.status == Checkout.Status.EXPIRED
    assert (payment.status, payment.applied, payment.failure_code) == ("succeeded", False, "checkout_not_payable")
    assert account_balance(code="deposits") == -40000  # owed back to the buyer
    assert list(LedgerEntry.objects.values_list("kind", flat=True)) == ["receipt"]


def test_a_producers_share_becomes_available_when_its_order_completes():
    checkout, (product,) = checkout_of()
    reference = bank_transfer_start(checkout=checkout).reference
    bank_transfer_record(officer=officer(), reference=reference, amount=40000, bank_reference="C-1",
                         received_on=TODAY)
    order = Order.objects.get(checkout=checkout)
    producer = owner_of(product.producer)

    order_accept(order=order, actor=producer)
    order_pack(order=order, actor=producer)
    order_ship(order=order, actor=producer)
    order_mark_delivered(order=order, actor=producer)
    assert producer_balance(producer_id=product.producer_id) == (38000, 0)
    order_complete(order=order, actor=checkout.placed_by)

    assert producer_balance(producer_id=product.producer_id) == (0, 38000)


def test_a_declined_order_paid_by_transfer_waits_for_the_officer_to_transfer_the_refund(
        django_capture_on_commit_callbacks):
    from orders.models import OrderRefund
    from orders.services import order_decline
    from payments.selectors import ledger_check
    from payments.services.refunds import refund_record_transfer
    from tests.payments.test_refund_transfers import receipt_photo

    checkout, (product,) = checkout_of()
    finance = officer()
    bank_transfer_record(officer=finance, reference=bank_transfer_start(checkout=checkout).reference, amount=40000,
                         bank_reference="D-1", received_on=TODAY)
    order = Order.objects.get(checkout=checkout)
    with django_capture_on_commit_callbacks(execute=True):
        order_decline(order=order, actor=owner_of(product.producer), reason="Bahan baku habis")
    refund = OrderRefund.objects.get(order=order)
    assert refund.status == "requested"  # no bank API: an officer transfers it

    with pytest.raises(PaymentForbidden):
        refund_record_transfer(refund=refund, officer=owner_of(product.producer), bank_reference="R-1",
                               transferred_on=timezone.localdate(), proof=receipt_photo())
    refund = refund_record_transfer(refund=refund, officer=finance, bank_reference="REFUND-JATIM-1",
                                    transferred_on=timezone.localdate(), proof=receipt_photo())

    assert (refund.status, refund.reference) == ("done", "REFUND-JATIM-1")
    assert account_balance(code="cash:bank_transfer") == 0
    assert producer_balance(producer_id=product.producer_id) == (0, 0)
    assert ledger_check() == {}
