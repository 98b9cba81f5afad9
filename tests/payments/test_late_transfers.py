"""Transfers that arrive after their checkout expired: kept, matched, re-opened with the stock or refunded, once."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.exceptions import InsufficientStock
from catalog.models import ProductStock
from orders.models import Checkout, Order, OrderEvent, OrderRefund
from orders.services import checkout_cancel, checkout_expire_due
from payments.exceptions import LateTransferDecided, PaymentForbidden, PaymentInvalid
from payments.models import LateTransfer, LedgerEntry, Payment
from payments.selectors import account_balance, late_transfer_list, ledger_check, producer_balance
from payments.services import bank_transfer_record, bank_transfer_start
from payments.services.late_transfers import late_transfer_decide
from payments.services.refunds import refund_record_transfer
from tests.factories import UserFactory
from tests.orders.factories import officer
from tests.payments.conftest import checkout_of
from tests.payments.test_refund_transfers import receipt_photo

pytestmark = pytest.mark.django_db


def expired_checkout(*, items=((10000, 4), (35000, 1))):
    """A consumer's bank transfer checkout of two producers (Rp 75.000) whose reservation ran out."""
    checkout, products = checkout_of(items=items)
    reference = bank_transfer_start(checkout=checkout).reference
    checkout_expire_due(now=timezone.now() + timedelta(days=2))
    checkout.refresh_from_db()
    assert checkout.status == Checkout.Status.EXPIRED
    return checkout, products, reference


def _stock(product) -> tuple[int, int]:
    row = ProductStock.objects.get(product=product)
    return row.on_hand, row.reserved


def test_a_late_transfer_is_kept_and_matched_not_applied():
    checkout, products, reference = expired_checkout()
    finance = officer()

    payment = bank_transfer_record(officer=finance, reference=reference, amount=75000, bank_reference="LATE-1",
                                   received_on=timezone.localdate())

    late = LateTransfer.objects.get()
    assert (late.payment_id, late.amount, late.status, late.decided_by) == (payment.pk, 75000, "open", None)
    assert (payment.status, payment.applied, payment.failure_code) == ("succeeded", False, "checkout_not_payable")
    checkout.refresh_from_db()
    assert checkout.status == "expired"
    assert set(Order.objects.filter(checkout=checkout).values_list("status", flat=True)) == {"cancelled"}
    assert account_balance(code="deposits") == -75000
    assert [row.pk for row in late_transfer_list()] == [late.pk]


def test_partial_late_transfers_add_up_in_one_open_row():
    _checkout, _products, reference = expired_checkout()
    finance = officer()

    bank_transfer_record(officer=finance, reference=reference, amount=50000, bank_reference="P-1",
                         received_on=timezone.localdate())
    bank_transfer_record(officer=finance, reference=reference, amount=25000, bank_reference="P-2",
                         received_on=timezone.localdate())

    assert list(LateTransfer.objects.values_list("amount", "status")) == [(75000, "open")]
    assert Payment.objects.get(reference=reference).status == "succeeded"


def test_reopen_with_the_stock_still_there_pays_the_checkout_and_reserves_again(django_capture_on_commit_callbacks):
    # given a late transfer of the whole total, all stock still available
    checkout, products, reference = expired_checkout()
    finance = officer()
    bank_transfer_record(officer=finance, reference=reference, amount=75000, bank_reference="LATE-1",
                         received_on=timezone.localdate())
    late = LateTransfer.objects.get()
    assert [_stock(product) for product in products] == [(50, 0), (50, 0)]

    # when the officer re-opens it
    with django_capture_on_commit_callbacks(execute=True):
        decided = late_transfer_decide(officer=finance, late_transfer=late, decision="reopen",
                                       note="Pembeli transfer terlambat sehari")

    # then the checkout is paid, its orders placed, the stock reserved again and the money allocated
    assert (decided.status, decided.decided_by, decided.note) == ("reopened", finance,
                                                                 "Pembeli transfer terlambat sehari")
    assert decided.decided_at is not None
    checkout.refresh_from_db()
    assert (checkout.status, checkout.payment_reference) == ("paid", reference)
    assert list(Order.objects.filter(checkout=checkout).values_list("status", flat=True)) == ["placed", "placed"]
    assert [_stock(product) for product in products] == [(50, 4), (50, 1)]
    order = Order.objects.filter(checkout=checkout).order_by("pk").first()
    assert list(OrderEvent.objects.filter(order=order).order_by("pk").values_list("kind", "from_status",
                                                                                  "to_status")) == [
        ("status", "", "awaiting_payment"), ("status", "awaiting_payment", "cancelled"),
        ("status", "cancelled", "awaiting_payment"), ("payment", "", ""), ("status", "awaiting_payment", "placed")]
    payment = Payment.objects.get(reference=reference)
    assert (payment.applied, payment.failure_code) == (True, "")
    assert account_balance(code="deposits") == 0
    assert producer_balance(producer_id=products[0].producer_id) == (38000, 0)
    assert ledger_check() == {}


def test_reopen_is_refused_when_the_stock_is_gone_and_the_refund_path_remains():
    checkout, products, reference = expired_checkout()
    finance = officer()
    bank_transfer_record(officer=finance, reference=reference, amount=75000, bank_reference="LATE-1",
                         received_on=timezone.localdate())
    late = LateTransfer.objects.get()
    ProductStock.objects.filter(product=products[1]).update(reserved=50)  # sold to others meanwhile

    with pytest.raises(InsufficientStock) as error:
        late_transfer_decide(officer=finance, late_transfer=late, decision="reopen")

    assert str(error.value.message) == f"Only 0 left of {products[1].name}."
    late.refresh_from_db()
    checkout.refresh_from_db()
    assert (late.status, checkout.status) == ("open", "expired")
    assert [_stock(product) for product in products] == [(50, 0), (50, 50)]
    assert set(Order.objects.filter(checkout=checkout).values_list("status", flat=True)) == {"cancelled"}

    # the officer refunds it instead: refunds owed on both orders, in proportion, out of deposits
    decided = late_transfer_decide(officer=finance, late_transfer=late, decision="refund", note="Stok habis")

    assert decided.status == "refunded"
    refunds = sorted(OrderRefund.objects.values_list("reason", "amount", "status"))
    assert refunds == [("late_transfer", 35000, "requested"), ("late_transfer", 40000, "requested")]
    today = timezone.localdate()
    for number, refund in enumerate(OrderRefund.objects.order_by("pk")):
        refund_record_transfer(refund=refund, officer=finance, bank_reference=f"BACK-{number}", transferred_on=today,
                               proof=receipt_photo())
    assert account_balance(code="deposits") == 0
    assert account_balance(code="cash:bank_transfer") == 0
    assert producer_balance(producer_id=products[0].producer_id) == (0, 0)
    assert LedgerEntry.objects.filter(kind="refund").count() == 2
    assert ledger_check() == {}


def test_a_late_transfer_is_decided_once():
    _checkout, _products, reference = expired_checkout()
    finance = officer()
    bank_transfer_record(officer=finance, reference=reference, amount=75000, bank_reference="LATE-1",
                         received_on=timezone.localdate())
    late = LateTransfer.objects.get()
    late_transfer_decide(officer=finance, late_transfer=late, decision="refund")

    with pytest.raises(LateTransferDecided):
        late_transfer_decide(officer=officer(), late_transfer=LateTransfer.objects.get(), decision="reopen")

    assert OrderRefund.objects.count() == 2
    late.refresh_from_db()
    assert (late.status, late.decided_by) == ("refunded", finance)


def test_a_partial_late_transfer_cannot_reopen_the_checkout():
    checkout, _products, reference = expired_checkout()
    finance = officer()
    bank_transfer_record(officer=finance, reference=reference, amount=50000, bank_reference="P-1",
                         received_on=timezone.localdate())

    with pytest.raises(PaymentInvalid) as error:
        late_transfer_decide(officer=finance, late_transfer=LateTransfer.objects.get(), decision="reopen")

    assert error.value.fields == {"decision": [
        "Only Rp 50.000 of Rp 75.000 arrived: the order can be re-opened once the whole amount is in. Refund it, or "
        "wait for the rest."]}
    checkout.refresh_from_db()
    assert (checkout.status, LateTransfer.objects.get().status) == ("expired", "open")


def test_a_transfer_for_a_cancelled_checkout_is_a_late_transfer_too(django_capture_on_commit_callbacks):
    checkout, _products = checkout_of()
    reference = bank_transfer_start(checkout=checkout).reference
    with django_capture_on_commit_callbacks(execute=True):
        checkout_cancel(checkout=checkout, actor=checkout.placed_by, reason="Salah pesan")

    bank_transfer_record(officer=officer(), reference=reference, amount=40000, bank_reference="C-1",
                         received_on=timezone.localdate())

    assert list(LateTransfer.objects.values_list("amount", "status")) == [(40000, "open")]


@pytest.mark.parametrize(("who", "decision", "error_type"), [
    ("buyer", "reopen", PaymentForbidden),
    ("officer", "keep", PaymentInvalid),
])
def test_bad_decisions_are_refused_and_change_nothing(who, decision, error_type):
    checkout, _products, reference = expired_checkout()
    bank_transfer_record(officer=officer(), reference=reference, amount=75000, bank_reference="LATE-1",
                         received_on=timezone.localdate())
    actor = officer() if who == "officer" else UserFactory()

    with pytest.raises(error_type):
        late_transfer_decide(officer=actor, late_transfer=LateTransfer.objects.get(), decision=decision)

    checkout.refresh_from_db()
    assert (checkout.status, LateTransfer.objects.get().status, OrderRefund.objects.count()) == ("expired", "open", 0)


# --- API ----------------------------------------------------------------------------------------


def _api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_officers_list_and_decide_late_transfers():
    checkout, products, reference = expired_checkout()
    finance = officer()
    bank_transfer_record(officer=finance, reference=reference, amount=75000, bank_reference="LATE-1",
                         received_on=timezone.localdate())
    late = LateTransfer.objects.get()
    client = _api(finance)

    (row,) = client.get("/api/v1/payments/late-transfers/").json()["results"]
    assert {key: row[key] for key in ("id", "reference", "checkout_status", "checkout_total", "amount", "status")} == {
        "id": late.pk, "reference": reference, "checkout_status": "expired", "checkout_total": 75000,
        "amount": 75000, "status": "open"}

    response = client.post(f"/api/v1/payments/late-transfers/{late.pk}/decide/", {"decision": "reopen"},
                           format="json")
    again = client.post(f"/api/v1/payments/late-transfers/{late.pk}/decide/", {"decision": "refund"}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decided_by"]) == ("reopened", finance.email)
    assert (again.status_code, again.json()["code"]) == (409, "late_transfer_decided")
    checkout.refresh_from_db()
    assert checkout.status == "paid"
    assert client.get("/api/v1/payments/late-transfers/").json()["results"] == []
    assert [r["id"] for r in client.get("/api/v1/payments/late-transfers/?status=all").json()["results"]] == [late.pk]


def test_api_a_reopen_without_stock_is_a_409_and_late_transfers_are_for_officers_only():
    checkout, products, reference = expired_checkout()
    bank_transfer_record(officer=officer(), reference=reference, amount=75000, bank_reference="LATE-1",
                         received_on=timezone.localdate())
    late = LateTransfer.objects.get()
    ProductStock.objects.filter(product=products[0]).update(reserved=50)

    refused = _api(officer()).post(f"/api/v1/payments/late-transfers/{late.pk}/decide/", {"decision": "reopen"},
                                   format="json")
    buyer = _api(checkout.placed_by)

    assert (refused.status_code, refused.json()["code"]) == (409, "insufficient_stock")
    assert buyer.get("/api/v1/payments/late-transfers/").status_code == 403
    assert buyer.post(f"/api/v1/payments/late-transfers/{late.pk}/decide/", {"decision": "refund"},
                      format="json").status_code == 403
    late.refresh_from_db()
    assert late.status == "open"


def test_a_part_paid_before_the_checkout_expired_is_kept_and_counted_with_what_comes_later(
        django_capture_on_commit_callbacks):
    # given Rp 50.000 of Rp 75.000 arrived in time
    checkout, products = checkout_of(items=((10000, 4), (35000, 1)))
    reference = bank_transfer_start(checkout=checkout).reference
    finance = officer()
    bank_transfer_record(officer=finance, reference=reference, amount=50000, bank_reference="P-1",
                         received_on=timezone.localdate())

    # when the reservation runs out (the closing hook runs after commit), and twice changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        checkout_expire_due(now=timezone.now() + timedelta(days=2))
    from payments.services.late_transfers import late_transfer_keep_received

    late_transfer_keep_received(checkout=checkout)

    # then the part is kept to decide, and the rest arriving late adds to it
    assert list(LateTransfer.objects.values_list("amount", "status")) == [(50000, "open")]
    bank_transfer_record(officer=finance, reference=reference, amount=25000, bank_reference="P-2",
                         received_on=timezone.localdate())
    late = LateTransfer.objects.get()
    assert late.amount == 75000

    late_transfer_decide(officer=finance, late_transfer=late, decision="reopen")

    checkout.refresh_from_db()
    assert checkout.status == "paid"
    assert account_balance(code="deposits") == 0
    assert ledger_check() == {}
