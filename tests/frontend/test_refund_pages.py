"""Pages: refunds owed (officers record the transfer with proof), late transfers decided, the buyer's order page."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog.models import ProductStock
from orders.models import Order, OrderRefund
from orders.services import checkout_expire_due, order_decline
from payments.models import LateTransfer, LedgerEntry
from payments.selectors import ledger_check
from payments.services import bank_transfer_record, bank_transfer_start
from tests.catalog.factories import OfficerFactory, UserFactory, owner_of
from tests.fixtures import force_login_mfa
from tests.payments.conftest import checkout_of
from tests.payments.test_refund_transfers import receipt_photo

pytestmark = pytest.mark.django_db

REFUNDS = "/dashboard/officer/finance/refunds/"
LATE = "/dashboard/officer/finance/late-transfers/"


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English (``english_pages``)."""


@pytest.fixture
def officer(totp_for):
    user = OfficerFactory(full_name="Rina Keuangan")
    totp_for(user)
    return user


@pytest.fixture
def officer_client(client, officer):
    force_login_mfa(client, officer)
    return client


def html(response) -> str:
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def proof_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("bukti.jpg", receipt_photo().getvalue(), content_type="image/jpeg")


@pytest.fixture
def declined(django_capture_on_commit_callbacks):
    """A Rp 40.000 consumer order paid by transfer and declined: a refund owed, by bank transfer."""
    checkout, (product,) = checkout_of()
    bank_transfer_record(officer=OfficerFactory(), reference=bank_transfer_start(checkout=checkout).reference,
                         amount=40000, bank_reference="IN-1", received_on=timezone.localdate())
    order = Order.objects.get(checkout=checkout)
    with django_capture_on_commit_callbacks(execute=True):
        order_decline(order=order, actor=owner_of(product.producer), reason="Bahan baku habis")
    return OrderRefund.objects.get(order=order)


def test_the_officer_sees_the_refund_owed_and_records_its_transfer_with_proof(officer_client, officer, declined):
    # the finance overview counts it and links to the list
    overview = officer_client.get("/dashboard/officer/finance/")
    assert 'data-figure="refunds">1<' in html(overview)
    listing = officer_client.get(REFUNDS)
    page = html(listing)
    assert listing.status_code == 200
    assert f'data-refund="{declined.pk}"' in page
    assert "Rp 40.000" in page and declined.order.number in page and "Declined by the producer" in page
    assert "Bank transfer" in page and f'href="{REFUNDS}{declined.pk}/"' in page

    form = officer_client.get(f"{REFUNDS}{declined.pk}/")
    assert 'enctype="multipart/form-data"' in html(form)

    response = officer_client.post(f"{REFUNDS}{declined.pk}/", {
        "bank_reference": "JATIM-9001", "transferred_on": timezone.localdate().isoformat(), "proof": proof_upload()})

    assert response.status_code == 302 and response["Location"] == REFUNDS
    declined.refresh_from_db()
    assert (declined.status, declined.reference, declined.settlement, declined.recorded_by) == (
        "done", "JATIM-9001", "transfer", officer)
    assert declined.proof.name.startswith("refunds/")
    assert LedgerEntry.objects.filter(key=f"refund:{declined.pk}").count() == 1
    assert ledger_check() == {}
    assert f'data-refund="{declined.pk}"' not in html(officer_client.get(REFUNDS))


@pytest.mark.parametrize(("values", "field", "error"), [
    ({"bank_reference": ""}, "bank_reference", "This field is required."),
    ({"transferred_on": "2999-01-01"}, "transferred_on", "The transfer date cannot be in the future."),
    ({"proof": None}, "proof", "This field is required."),
    ({"proof": "pdf"}, "proof", "This file is not a photo we can use. Send a JPEG, PNG or WebP photo."),
])
def test_a_bad_refund_record_is_explained_beside_its_field_and_changes_nothing(officer_client, declined, values,
                                                                              field, error):
    data = {"bank_reference": "JATIM-1", "transferred_on": timezone.localdate().isoformat(), "proof": proof_upload(),
            **values}
    if data["proof"] is None:
        del data["proof"]
    elif data["proof"] == "pdf":
        data["proof"] = SimpleUploadedFile("bukti.pdf", b"%PDF-1.4", content_type="application/pdf")

    response = officer_client.post(f"{REFUNDS}{declined.pk}/", data)

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [error]
    declined.refresh_from_db()
    assert (declined.status, declined.reference) == ("requested", "")
    assert not LedgerEntry.objects.filter(kind="refund").exists()


def test_the_buyer_sees_the_refund_owed_then_refunded_on_the_order_page(client, officer, declined):
    buyer = declined.order.checkout.placed_by
    client.force_login(buyer)
    url = f"/orders/{declined.order_id}/"

    owed = html(client.get(url))
    assert "Refund owed Rp 40.000 — being processed" in owed

    from payments.services.refunds import refund_record_transfer

    refund_record_transfer(refund=declined, officer=officer, bank_reference="JATIM-77",
                           transferred_on=timezone.localdate(), proof=receipt_photo())
    done = html(client.get(url))
    assert f"Rp 40.000 refunded on {timezone.localdate():%-d %b %Y}, reference JATIM-77" in done
    assert "being processed" not in done
    assert "Proof of transfer" not in done  # the proof is for officers


def test_only_officers_open_or_post_the_refund_and_late_transfer_pages(client, declined):
    producer_owner = owner_of(declined.order.producer)
    buyer = declined.order.checkout.placed_by
    urls = [REFUNDS, f"{REFUNDS}{declined.pk}/", LATE]
    assert all(client.get(url).status_code == 302 for url in urls)  # anonymous: sign in first
    for user in (producer_owner, buyer, UserFactory(role="officer", is_staff=False)):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [403, 403, 403]
        response = client.post(f"{REFUNDS}{declined.pk}/", {
            "bank_reference": "X", "transferred_on": timezone.localdate().isoformat(), "proof": proof_upload()})
        assert response.status_code == 403
        assert client.post(f"{LATE}1/decide/", {"late-1-decision": "refund"}).status_code == 403
    declined.refresh_from_db()
    assert declined.status == "requested"


def test_unknown_refunds_and_late_transfers_are_404(officer_client):
    assert officer_client.get(f"{REFUNDS}999/").status_code == 404
    assert officer_client.post(f"{LATE}999/decide/", {"late-999-decision": "refund"}).status_code == 404


# --- late transfers ---------------------------------------------------------------------------------


@pytest.fixture
def late(officer_client):
    """A Rp 75.000 transfer recorded through the transfers page after its checkout expired."""
    checkout, products = checkout_of(items=((10000, 4), (35000, 1)))
    reference = bank_transfer_start(checkout=checkout).reference
    checkout_expire_due(now=timezone.now() + timedelta(days=2))
    response = officer_client.post("/dashboard/officer/finance/transfers/", {
        "reference": reference, "amount": "75.000", "bank_reference": "LATE-1",
        "received_on": timezone.localdate().isoformat()})
    assert response.status_code == 302 and response["Location"] == LATE
    return LateTransfer.objects.get(), checkout, products


def test_the_officer_reopens_a_late_transfer_whose_stock_is_still_there(officer_client, late):
    late_transfer, checkout, products = late
    page = html(officer_client.get(LATE))
    assert f'data-late="{late_transfer.pk}"' in page and "Rp 75.000" in page and checkout.number in page

    response = officer_client.post(f"{LATE}{late_transfer.pk}/decide/", {
        f"late-{late_transfer.pk}-decision": "reopen", f"late-{late_transfer.pk}-note": "Transfer sehari terlambat"})

    assert response.status_code == 302 and response["Location"] == LATE
    checkout.refresh_from_db()
    late_transfer.refresh_from_db()
    assert (checkout.status, late_transfer.status) == ("paid", "reopened")
    assert list(ProductStock.objects.filter(product__in=products).order_by("product_id")
                .values_list("reserved", flat=True)) == [4, 1]
    assert "Transfer sehari terlambat" in html(officer_client.get(LATE))  # in the latest decisions


def test_a_reopen_without_the_stock_is_refused_on_the_page_and_the_refund_follows(officer_client, late):
    late_transfer, checkout, products = late
    ProductStock.objects.filter(product=products[0]).update(reserved=50)

    refused = officer_client.post(f"{LATE}{late_transfer.pk}/decide/", {f"late-{late_transfer.pk}-decision": "reopen"})

    assert refused.status_code == 400
    assert (f"Only 0 left of {products[0].name}. The order cannot be re-opened: refund the money instead."
            in html(refused))
    late_transfer.refresh_from_db()
    checkout.refresh_from_db()
    assert (late_transfer.status, checkout.status) == ("open", "expired")

    response = officer_client.post(f"{LATE}{late_transfer.pk}/decide/", {f"late-{late_transfer.pk}-decision": "refund"})

    assert response.status_code == 302 and response["Location"] == REFUNDS
    refunds = html(officer_client.get(REFUNDS))
    assert refunds.count("Transfer arrived after the order expired") == 2
    assert sorted(OrderRefund.objects.values_list("amount", flat=True)) == [35000, 40000]


def test_the_buyer_sees_a_late_transfer_waiting_on_the_order_page(client, late):
    _late_transfer, checkout, _products = late
    client.force_login(checkout.placed_by)
    order = Order.objects.filter(checkout=checkout).order_by("pk").first()

    page = html(client.get(f"/orders/{order.pk}/"))

    assert "Your transfer of Rp 75.000 arrived after this order expired." in page
