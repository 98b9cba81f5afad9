"""Payments API: the buyer gets transfer instructions, officers record transfers, cards through the emulator."""
import pytest
from rest_framework.test import APIClient

from orders.models import Checkout
from payments.services import bank_reference_for
from tests.catalog.factories import owner_of
from tests.factories import UserFactory
from tests.orders.factories import officer
from tests.payments.conftest import card, checkout_of

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_buyer_gets_the_transfer_instructions_and_a_stranger_gets_404():
    checkout, _ = checkout_of()

    response = client_for(checkout.placed_by).get(f"/api/v1/payments/checkouts/{checkout.pk}/bank-transfer/")
    stranger = client_for(UserFactory()).get(f"/api/v1/payments/checkouts/{checkout.pk}/bank-transfer/")

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("reference", "amount", "bank_name", "account_number", "account_name")} == {
        "reference": bank_reference_for(checkout.pk), "amount": 40000, "bank_name": "Bank Jatim",
        "account_number": "0011223344", "account_name": "Disperindag Kabupaten Jember"}
    assert stranger.status_code == 404


def test_an_officer_records_a_full_transfer_and_the_checkout_is_paid():
    checkout, _ = checkout_of()
    reference = client_for(checkout.placed_by).get(
        f"/api/v1/payments/checkouts/{checkout.pk}/bank-transfer/").json()["reference"]
    body = {"reference": reference, "amount": 40000, "bank_reference": "JATIM-991", "received_on": "2026-01-05"}

    refused = client_for(checkout.placed_by).post("/api/v1/payments/bank-transfers/receipts/", body, format="json")
    response = client_for(officer()).post("/api/v1/payments/bank-transfers/receipts/", body, format="json")

    assert refused.status_code == 403
    assert refused.json()["code"] == "payment_forbidden"
    assert response.status_code == 201
    assert response.json() == {"reference": reference, "amount": 40000, "received": 40000, "status": "succeeded",
                               "paid": True}
    assert Checkout.objects.get(pk=checkout.pk).status == "paid"


def test_a_card_payment_through_the_api(stripe_emulator):
    checkout, (product,) = checkout_of(method="card")
    url = f"/api/v1/payments/checkouts/{checkout.pk}/card/"

    declined = client_for(checkout.placed_by).post(url, {"payment_method_id": card("4000000000000341")},
                                                   format="json")
    paid = client_for(checkout.placed_by).post(url, {"payment_method_id": card()}, format="json")
    balance = client_for(owner_of(product.producer)).get(
        f"/api/v1/payments/producers/{product.producer_id}/balance/")
    stranger_balance = client_for(UserFactory()).get(f"/api/v1/payments/producers/{product.producer_id}/balance/")

    assert (declined.status_code, declined.json()["code"]) == (402, "payment_declined")
    assert paid.status_code == 200
    assert paid.json()["status"] == "succeeded"
    assert balance.json() == {"pending": 38000, "available": 0}
    assert stranger_balance.status_code == 404
