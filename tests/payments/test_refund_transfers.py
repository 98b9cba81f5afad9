"""Refunds owed on bank transfer and invoice orders: recorded by an officer with proof, or credited on the invoice."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone
from PIL import Image

from orders.models import Order, OrderEvent, OrderRefund
from orders.services import order_decline
from payments.exceptions import PaymentForbidden, PaymentInvalid, PaymentNotPossible
from payments.models import LedgerEntry, LedgerLine, Payment, TermsInvoice
from payments.selectors import account_balance, credit_outstanding, ledger_check, producer_balance
from payments.services import bank_transfer_record, bank_transfer_start
from payments.services.refunds import refund_credit_note, refund_record_transfer
from tests.catalog.factories import owner_of
from tests.orders.factories import business_shopper, officer, on_sale, place, verified_producer
from tests.payments.conftest import checkout_of

pytestmark = pytest.mark.django_db


def receipt_photo(size=(800, 1200)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (240, 240, 235)).save(buffer, "JPEG", quality=90)
    buffer.seek(0)
    buffer.name = "bukti.jpg"
    return buffer


def paid_by_transfer_then_declined(django_capture_on_commit_callbacks, *, items=((10000, 4),)):
    """A consumer's checkout paid in full by transfer whose (first) order the producer declined."""
    checkout, products = checkout_of(items=items)
    finance = officer()
    bank_transfer_record(officer=finance, reference=bank_transfer_start(checkout=checkout).reference,
                         amount=checkout.total, bank_reference=f"IN-{checkout.pk}", received_on=timezone.localdate())
    order = Order.objects.filter(checkout=checkout).order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        order_decline(order=order, actor=owner_of(order.producer), reason="Bahan baku habis")
    return OrderRefund.objects.get(order=order), finance


def _ledger_totals() -> tuple[int, int]:
    totals = LedgerLine.objects.aggregate(d=Sum("debit", default=0), c=Sum("credit", default=0))
    return totals["d"], totals["c"]


def test_a_refund_owed_on_a_bank_transfer_order_is_recorded_and_the_ledger_balances(
        django_capture_on_commit_callbacks):
    # given a Rp 40.000 order paid by transfer (5% commission), declined by its producer
    refund, finance = paid_by_transfer_then_declined(django_capture_on_commit_callbacks)
    assert (refund.status, refund.amount, refund.payment_method) == ("requested", 40000, "bank_transfer")
    today = timezone.localdate()

    # when the officer records the transfer back with its proof
    done = refund_record_transfer(refund=refund, officer=finance, bank_reference="JATIM-REF-0001",
                                  transferred_on=today, proof=receipt_photo())

    # then the refund is done, by whom, when and how, with the proof stored normalised
    assert (done.status, done.reference, done.settlement, done.transferred_on, done.recorded_by) == (
        "done", "JATIM-REF-0001", "transfer", today, finance)
    assert done.proof.name.startswith("refunds/") and done.proof.name.endswith((".webp", ".jpg"))
    event = OrderEvent.objects.get(order=refund.order, kind=OrderEvent.Kind.REFUND_DONE)
    assert (event.actor, event.data) == (finance, {"refund": refund.pk, "amount": 40000, "reference": "JATIM-REF-0001",
                                                   "settlement": "transfer", "transferred_on": today.isoformat()})
    # and one balanced refund entry takes it back from the producer (38.000) and the commission (2.000)
    entry = LedgerEntry.objects.get(key=f"refund:{refund.pk}")
    lines = sorted((line.account.code, line.debit, line.credit) for line in entry.lines.all())
    producer_code = f"producer:{refund.order.producer_id}"
    assert lines == sorted([(producer_code, 38000, 0), ("commission", 2000, 0), ("cash:bank_transfer", 0, 40000)])
    debits, credits = _ledger_totals()
    assert debits == credits == 40000 + 40000 + 40000  # receipt, allocation, refund
    assert account_balance(code="cash:bank_transfer") == 0
    assert account_balance(code="deposits") == 0
    assert account_balance(code="commission") == 0
    assert producer_balance(producer_id=refund.order.producer_id) == (0, 0)
    assert ledger_check() == {}


def test_recording_the_same_refund_twice_posts_it_once(django_capture_on_commit_callbacks):
    refund, finance = paid_by_transfer_then_declined(django_capture_on_commit_callbacks)
    today = timezone.localdate()
    first = refund_record_transfer(refund=refund, officer=finance, bank_reference="R-1", transferred_on=today,
                                   proof=receipt_photo())

    again = refund_record_transfer(refund=refund, officer=finance, bank_reference="R-1", transferred_on=today,
                                   proof=receipt_photo())
    with pytest.raises(PaymentNotPossible) as error:
        refund_record_transfer(refund=refund, officer=finance, bank_reference="R-2", transferred_on=today,
                               proof=receipt_photo())

    assert str(error.value.message) == "This refund was already recorded (reference R-1)."
    assert (again.pk, again.reference, again.proof.name) == (first.pk, "R-1", first.proof.name)
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND).count() == 1
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.REFUND_DONE).count() == 1
    assert ledger_check() == {}


def _bad(refund, **changes):
    values = {"bank_reference": "R-9", "transferred_on": timezone.localdate(), "proof": receipt_photo()}
    return {**values, **changes}


@pytest.mark.parametrize(("changes", "fields"), [
    ({"bank_reference": "  "}, {"bank_reference": [
        "Enter the bank reference of the refund transfer (at most 100 characters)."]}),
    ({"bank_reference": "X" * 101}, {"bank_reference": [
        "Enter the bank reference of the refund transfer (at most 100 characters)."]}),
    ({"transferred_on": timezone.localdate() + timedelta(days=1)}, {"transferred_on": [
        "The transfer date cannot be in the future."]}),
    ({"transferred_on": None}, {"transferred_on": ["Enter the day the refund was transferred."]}),
    ({"proof": None}, {"proof": ["Add a photo or screenshot of the transfer receipt."]}),
    ({"proof": io.BytesIO(b"%PDF-1.4 not a photo")}, {"proof": [
        "This file is not a photo we can use. Send a JPEG, PNG or WebP photo."]}),
])
def test_bad_records_are_refused_with_a_clear_error_and_change_nothing(
        django_capture_on_commit_callbacks, changes, fields):
    refund, finance = paid_by_transfer_then_declined(django_capture_on_commit_callbacks)
    entries = LedgerEntry.objects.count()

    with pytest.raises(PaymentInvalid) as error:
        refund_record_transfer(refund=refund, officer=finance, **_bad(refund, **changes))

    assert error.value.fields == fields
    refund.refresh_from_db()
    assert (refund.status, refund.reference, refund.proof.name, refund.transferred_on) == ("requested", "", "", None)
    assert LedgerEntry.objects.count() == entries
    assert not OrderEvent.objects.filter(kind=OrderEvent.Kind.REFUND_DONE).exists()


def test_a_transfer_date_before_the_refund_was_requested_is_refused(django_capture_on_commit_callbacks):
    refund, finance = paid_by_transfer_then_declined(django_capture_on_commit_callbacks)
    OrderRefund.objects.filter(pk=refund.pk).update(created_at=timezone.make_aware(timezone.datetime(2026, 3, 10, 12)))
    refund.refresh_from_db()

    with pytest.raises(PaymentInvalid) as error:
        refund_record_transfer(refund=refund, officer=finance, bank_reference="R-1", transferred_on=date(2026, 3, 9),
                               proof=receipt_photo())

    assert error.value.fields == {"transferred_on": [
        "The transfer date cannot be before the refund was requested (10 March 2026)."]}
    refund.refresh_from_db()
    assert refund.status == "requested"


def test_only_officers_record_refund_transfers(django_capture_on_commit_callbacks):
    refund, _finance = paid_by_transfer_then_declined(django_capture_on_commit_callbacks)

    with pytest.raises(PaymentForbidden):
        refund_record_transfer(refund=refund, officer=owner_of(refund.order.producer), bank_reference="R-1",
                               transferred_on=timezone.localdate(), proof=receipt_photo())

    refund.refresh_from_db()
    assert refund.status == "requested"
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND).exists()


# --- invoices on terms --------------------------------------------------------------------------


def invoice_of_two(django_capture_on_commit_callbacks):
    """A buyer organisation's checkout on terms of two producers: Rp 40.000 and Rp 35.000 of goods."""
    shopper, outlet = business_shopper()
    from orders.services import cart_line_set

    first = on_sale(producer=verified_producer(), stock=50, retail_price=10000)
    second = on_sale(producer=verified_producer(), stock=50, retail_price=35000)
    cart_line_set(shopper=shopper, product_id=first.pk, quantity=4)
    cart_line_set(shopper=shopper, product_id=second.pk, quantity=1)
    with django_capture_on_commit_callbacks(execute=True):
        checkout = place(shopper, destination=outlet, method="invoice")
    return checkout, shopper


def test_a_refund_owed_on_an_unpaid_invoice_is_a_credit_note_and_the_rest_settles_it(
        django_capture_on_commit_callbacks):
    # given an unpaid invoice on terms
    checkout, shopper = invoice_of_two(django_capture_on_commit_callbacks)
    total = checkout.total
    organisation = shopper.organisation
    assert credit_outstanding(organisation=organisation) == total
    declined = Order.objects.filter(checkout=checkout).order_by("pk").first()

    # when its first producer declines (the refund processor runs after commit)
    with django_capture_on_commit_callbacks(execute=True):
        order_decline(order=declined, actor=owner_of(declined.producer), reason="Stok habis")

    # then the refund is a credit note at once: what is owed goes down, nothing is transferred or posted
    refund = OrderRefund.objects.get(order=declined)
    assert (refund.status, refund.settlement, refund.amount, refund.reference) == (
        "done", "credit_note", declined.total, f"CN-{checkout.number}-{refund.pk}")
    assert TermsInvoice.objects.get(checkout=checkout).credited == declined.total
    assert credit_outstanding(organisation=organisation) == total - declined.total
    assert LedgerEntry.objects.count() == 0

    # when the buyer pays what is left
    reference = Payment.objects.get(checkout=checkout).reference
    payment = bank_transfer_record(officer=officer(), reference=reference, amount=total - declined.total,
                                   bank_reference="INV-1", received_on=timezone.localdate())

    # then the invoice is settled; the declined order's allocation is taken back by the credit note
    checkout.refresh_from_db()
    assert (checkout.status, payment.applied) == ("paid", True)
    assert credit_outstanding(organisation=organisation) == 0
    assert list(LedgerEntry.objects.order_by("pk").values_list("kind", flat=True)) == [
        "receipt", "allocation", "credit_note"]
    assert account_balance(code="deposits") == 0
    assert account_balance(code="cash:bank_transfer") == total - declined.total
    assert producer_balance(producer_id=declined.producer_id) == (0, 0)
    kept = Order.objects.filter(checkout=checkout).exclude(pk=declined.pk).get()
    assert producer_balance(producer_id=kept.producer_id) == (33250, 0)
    assert account_balance(code="commission") == -1750
    assert ledger_check() == {}


def test_a_fully_credited_invoice_is_settled_without_a_transfer(django_capture_on_commit_callbacks):
    checkout, shopper = invoice_of_two(django_capture_on_commit_callbacks)
    orders = list(Order.objects.filter(checkout=checkout).order_by("pk"))

    with django_capture_on_commit_callbacks(execute=True):
        for order in orders:
            order_decline(order=order, actor=owner_of(order.producer), reason="Stok habis")

    checkout.refresh_from_db()
    assert checkout.status == "paid"
    assert credit_outstanding(organisation=shopper.organisation) == 0
    assert list(OrderRefund.objects.values_list("settlement", flat=True)) == ["credit_note", "credit_note"]
    assert account_balance(code="deposits") == 0
    assert account_balance(code="commission") == 0
    assert ledger_check() == {}


def test_a_refund_owed_on_a_paid_invoice_is_transferred_like_a_bank_transfer(django_capture_on_commit_callbacks):
    checkout, _shopper = invoice_of_two(django_capture_on_commit_callbacks)
    finance = officer()
    bank_transfer_record(officer=finance, reference=Payment.objects.get(checkout=checkout).reference,
                         amount=checkout.total, bank_reference="INV-2", received_on=timezone.localdate())
    order = Order.objects.filter(checkout=checkout).order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        order_decline(order=order, actor=owner_of(order.producer), reason="Stok habis")
    refund = OrderRefund.objects.get(order=order)
    assert refund.status == "requested"  # paid already: no credit note
    with pytest.raises(PaymentNotPossible):
        refund_credit_note(refund=refund, officer=finance)

    done = refund_record_transfer(refund=refund, officer=finance, bank_reference="BACK-1",
                                  transferred_on=timezone.localdate(), proof=receipt_photo())

    assert (done.status, done.settlement) == ("done", "transfer")
    assert account_balance(code="cash:bank_transfer") == checkout.total - order.total
    assert producer_balance(producer_id=order.producer_id) == (0, 0)
    assert ledger_check() == {}


# --- API ----------------------------------------------------------------------------------------


QUERIES_REFUND_LIST = 8  # the throttle's cache (6), the count, one page with orders, checkouts, buyers, producers


def _api(user):
    from rest_framework.test import APIClient

    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_api_officers_list_refunds_owed_and_record_a_transfer_with_proof(django_capture_on_commit_callbacks,
                                                                          django_assert_num_queries):
    from django.core.files.uploadedfile import SimpleUploadedFile

    refund, finance = paid_by_transfer_then_declined(django_capture_on_commit_callbacks)
    client = _api(finance)

    with django_assert_num_queries(QUERIES_REFUND_LIST):  # the same however many refunds are owed
        listed = client.get("/api/v1/payments/refunds/")
    assert listed.status_code == 200
    (row,) = listed.json()["results"]
    assert {key: row[key] for key in ("id", "order_number", "reason", "payment_method", "amount", "status", "how")} == {
        "id": refund.pk, "order_number": refund.order.number, "reason": "declined", "payment_method": "bank_transfer",
        "amount": 40000, "status": "requested", "how": "transfer"}

    today = timezone.localdate().isoformat()
    upload = SimpleUploadedFile("bukti.jpg", receipt_photo().getvalue(), content_type="image/jpeg")
    response = client.post(f"/api/v1/payments/refunds/{refund.pk}/transfer/",
                           {"bank_reference": "API-REF-1", "transferred_on": today, "proof": upload},
                           format="multipart")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["settlement"], body["reference"], body["transferred_on"]) == (
        "done", "transfer", "API-REF-1", today)
    assert client.get("/api/v1/payments/refunds/").json()["results"] == []
    assert ledger_check() == {}


def test_api_a_bad_refund_transfer_is_a_400_with_fields_and_changes_nothing(django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    refund, finance = paid_by_transfer_then_declined(django_capture_on_commit_callbacks)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    upload = SimpleUploadedFile("bukti.jpg", receipt_photo().getvalue(), content_type="image/jpeg")

    response = _api(finance).post(f"/api/v1/payments/refunds/{refund.pk}/transfer/",
                                  {"bank_reference": "API-1", "transferred_on": future, "proof": upload},
                                  format="multipart")

    assert response.status_code == 400
    assert response.json()["fields"] == {"transferred_on": ["The transfer date cannot be in the future."]}
    refund.refresh_from_db()
    assert refund.status == "requested"


def test_api_refunds_are_for_officers_only(django_capture_on_commit_callbacks):
    refund, _finance = paid_by_transfer_then_declined(django_capture_on_commit_callbacks)
    buyer = refund.order.checkout.placed_by

    assert _api(buyer).get("/api/v1/payments/refunds/").status_code == 403
    assert _api(buyer).post(f"/api/v1/payments/refunds/{refund.pk}/transfer/", {}, format="multipart").status_code == 403
    assert _api(officer()).post("/api/v1/payments/refunds/999/transfer/", {}, format="multipart").status_code == 404
    refund.refresh_from_db()
    assert refund.status == "requested"
