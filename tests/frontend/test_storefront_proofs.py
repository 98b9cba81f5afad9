"""Issue 17: the buyer sends a photo of their transfer receipt from the pay page; only they and officers see it."""
from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from orders.models import PaymentMethod
from orders.services import cart_line_set
from payments.models import TransferProof
from tests.factories import OfficerFactory, UserFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import consumer_shopper, on_sale, place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_pages, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def receipt(name="struk.png", fmt="PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 600), "#ffffff").save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def transfer_checkout():
    shopper, address = consumer_shopper()
    cart_line_set(shopper=shopper, product_id=on_sale(retail_price=96000).pk, quantity=1)
    return place(shopper, destination=address, method=PaymentMethod.BANK_TRANSFER)


def test_the_buyer_sends_a_proof_and_officers_see_it_next_to_the_waiting_transfer(client, totp_for):
    checkout = transfer_checkout()
    client.force_login(checkout.placed_by)

    response = client.post(f"/checkout/{checkout.pk}/pay/proof/", {"proof": receipt(), "note": "Dari BRI a.n. Sari"})

    assert response.status_code == 302 and response["Location"] == f"/checkout/{checkout.pk}/pay/"
    proof = TransferProof.objects.get()
    assert (proof.payment.checkout_id, proof.uploaded_by_id, proof.note) == (checkout.pk, checkout.placed_by_id,
                                                                           "Dari BRI a.n. Sari")
    assert proof.image.name.startswith("transfer-proofs/") and proof.image.name.endswith((".webp", ".jpg"))
    assert f'href="/payments/proofs/{proof.pk}/"' in text(client.get(f"/checkout/{checkout.pk}/pay/"))
    mine = client.get(f"/payments/proofs/{proof.pk}/")
    assert mine.status_code == 200 and mine["Content-Type"] in ("image/webp", "image/jpeg")
    assert mine["X-Content-Type-Options"] == "nosniff" and mine["Cache-Control"] == "private, no-store"

    officer = OfficerFactory()
    totp_for(officer)
    force_login_mfa(client, officer)
    page = text(client.get("/dashboard/officer/finance/transfers/"))
    assert f'href="/payments/proofs/{proof.pk}/" data-proof="{proof.pk}"' in page
    assert client.get(f"/payments/proofs/{proof.pk}/").status_code == 200


def test_nobody_else_sees_a_proof_and_the_public_media_address_refuses_it(client):
    checkout = transfer_checkout()
    client.force_login(checkout.placed_by)
    client.post(f"/checkout/{checkout.pk}/pay/proof/", {"proof": receipt()})
    proof = TransferProof.objects.get()

    client.force_login(UserFactory())
    assert client.get(f"/payments/proofs/{proof.pk}/").status_code == 404
    assert client.post(f"/checkout/{checkout.pk}/pay/proof/", {"proof": receipt()}).status_code == 404
    client.logout()
    assert client.get(f"/payments/proofs/{proof.pk}/").status_code == 302  # sign in first
    assert client.get(f"/media/{proof.image.name}").status_code == 404
    assert TransferProof.objects.count() == 1


def test_a_bad_file_or_none_changes_nothing_and_says_why(client):
    checkout = transfer_checkout()
    client.force_login(checkout.placed_by)

    missing = client.post(f"/checkout/{checkout.pk}/pay/proof/", {"note": "sudah transfer"})
    not_image = client.post(f"/checkout/{checkout.pk}/pay/proof/", {
        "proof": SimpleUploadedFile("struk.png", b"<html><script>alert(1)</script>", content_type="image/png")})

    assert missing.status_code == 400 and "Add a photo or screenshot of the transfer receipt." in text(missing)
    assert not_image.status_code == 400 and 'class="field field-invalid"' in text(not_image)
    assert TransferProof.objects.count() == 0


def test_no_proof_once_the_checkout_no_longer_waits_for_a_transfer(client):
    from orders.services import checkout_mark_paid

    checkout = transfer_checkout()
    checkout_mark_paid(checkout=checkout, reference="KI-paid")
    client.force_login(checkout.placed_by)

    response = client.post(f"/checkout/{checkout.pk}/pay/proof/", {"proof": receipt()})

    assert response.status_code == 400 and TransferProof.objects.count() == 0
