"""The pay page of a placed checkout: card through Stripe.js (the emulator stands in for Stripe), bank transfer."""
from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest

from orders.models import Checkout
from orders.services import cart_line_set, checkout_cancel, checkout_expire_due, checkout_mark_paid
from payments import stripe_client
from payments.models import LedgerEntry, Payment, StripeEvent
from payments.services import bank_reference_for
from payments.services.card import stripe_event_process
from tests.factories import OfficerFactory, UserFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import buyer_organisation, consumer, on_sale, place, verified_producer
from tests.payments.conftest import card, checkout_of, localstripe_server, stripe_emulator  # noqa: F401

pytestmark = pytest.mark.django_db

DECLINED, THREE_D_SECURE = "4000000000000341", "4000002500003155"


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English (``english_pages``)."""


@pytest.fixture
def emulator(stripe_emulator, settings):  # noqa: F811
    settings.STRIPE_JS_URL = f"{stripe_emulator}/js.stripe.com/v3/"
    return stripe_emulator


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def pay_url(checkout) -> str:
    return f"/checkout/{checkout.pk}/pay/"


def authenticate(base: str, intent_id: str, *, success: bool = True) -> None:
    """Pass (or fail) the bank's 3-D Secure check, as the emulator's Stripe.js does after its dialog."""
    secret = stripe_client.payment_intent_retrieve(intent_id).client_secret
    data = urllib.parse.urlencode({"success": "true" if success else "false", "client_secret": secret}).encode()
    request = urllib.request.Request(f"{base}/v1/payment_intents/{intent_id}/_authenticate", data=data,
                                     headers={"Authorization": "Bearer sk_test_kampung"})
    try:
        urllib.request.urlopen(request, timeout=5).close()
    except urllib.error.HTTPError:
        if success:
            raise


def webhook(intent_id: str, event_id: str) -> None:
    """Deliver the ``payment_intent.succeeded`` event (its signature is tested in tests/payments)."""
    intent = stripe_client.payment_intent_retrieve(intent_id).to_dict()
    stripe_event_process(event={"id": event_id, "type": "payment_intent.succeeded", "data": {"object": intent}})


# --- card -------------------------------------------------------------------------------------


def test_the_buyer_sees_the_card_form_with_the_publishable_key_and_stripe_js(client, emulator):
    checkout, _ = checkout_of(method="card")
    client.force_login(checkout.placed_by)

    response = client.get(pay_url(checkout))

    page = text(response)
    assert response.status_code == 200
    assert f"Pay for order {checkout.number}" in page
    assert 'data-publishable-key="pk_test_kampung"' in page
    assert f'<script src="{emulator}/js.stripe.com/v3/"></script>' in page
    assert '<script src="/static/frontend/js/payments.js"></script>' in page
    assert 'id="card-element"' in page and 'name="payment_method_id"' in page and "csrfmiddlewaretoken" in page
    assert "Pay Rp 40.000" in page
    assert "data-action-secret" not in page and "Payment reference" not in page
    assert Payment.objects.count() == 0  # looking at the page starts nothing


def test_stripe_js_comes_from_stripe_by_default(client, stripe_emulator):  # noqa: F811
    checkout, _ = checkout_of(method="card")
    client.force_login(checkout.placed_by)

    assert '<script src="https://js.stripe.com/v3/"></script>' in text(client.get(pay_url(checkout)))


def test_a_card_payment_pays_the_checkout_and_lands_on_the_confirmation(client, emulator):
    checkout, _ = checkout_of(method="card")
    client.force_login(checkout.placed_by)

    response = client.post(pay_url(checkout), {"payment_method_id": card()})

    assert response.status_code == 302 and response["Location"] == f"/checkout/{checkout.pk}/"
    checkout.refresh_from_db()
    payment = Payment.objects.get()
    assert (checkout.status, checkout.payment_reference) == ("paid", payment.reference)
    assert (payment.status, payment.applied, payment.attempt) == ("succeeded", True, 1)
    done = text(client.get(response["Location"]))
    assert "Payment received. Thank you!" in done and "Pay now" not in done


def test_a_declined_card_says_so_changes_nothing_and_can_be_retried(client, emulator):
    checkout, (product,) = checkout_of(method="card")
    client.force_login(checkout.placed_by)

    response = client.post(pay_url(checkout), {"payment_method_id": card(DECLINED)}, follow=True)

    page = text(response)
    assert response.redirect_chain == [(pay_url(checkout), 302)]
    assert "The card was declined. Try another card or pay by bank transfer." in page
    assert 'id="card-form"' in page  # the form is back: try again
    checkout.refresh_from_db()
    assert checkout.status == "awaiting_payment" and checkout.payment_reference == ""
    assert list(Payment.objects.values_list("attempt", "status")) == [(1, "failed")]
    assert LedgerEntry.objects.count() == 0
    product.stock.refresh_from_db()
    assert product.stock.reserved == 4  # the reservation is kept

    again = client.post(pay_url(checkout), {"payment_method_id": card()})

    assert again["Location"] == f"/checkout/{checkout.pk}/"
    checkout.refresh_from_db()
    assert checkout.status == "paid"
    assert list(Payment.objects.order_by("attempt").values_list("attempt", "status")) == [
        (1, "failed"), (2, "succeeded")]


def test_a_missing_payment_method_asks_for_the_card_again_and_starts_nothing(client, emulator):
    checkout, _ = checkout_of(method="card")
    client.force_login(checkout.placed_by)

    for data in ({}, {"payment_method_id": "tok_visa"}):
        response = client.post(pay_url(checkout), data, follow=True)
        assert "Enter your card details again." in text(response)

    assert Payment.objects.count() == 0
    assert Checkout.objects.get().status == "awaiting_payment"


@pytest.mark.parametrize("webhook_arrives", ["before the return", "after the return", "never"])
def test_3d_secure_hands_the_client_secret_to_stripe_js_and_the_return_pays_once(client, emulator,
                                                                                  webhook_arrives):
    checkout, _ = checkout_of(method="card")
    client.force_login(checkout.placed_by)
    payment_method = card(THREE_D_SECURE)

    # when the bank asks for 3-D Secure, the page comes back with the intent's secret for Stripe.js
    response = client.post(pay_url(checkout), {"payment_method_id": payment_method})

    payment = Payment.objects.get()
    secret = stripe_client.payment_intent_retrieve(payment.reference).client_secret
    page = text(response)
    assert response.status_code == 200 and payment.status == "requires_action"
    assert f'data-action-secret="{secret}"' in page
    return_url = f"/checkout/{checkout.pk}/pay/return/"
    assert f'data-return-url="{return_url}"' in page

    # and the card holder passes the check; the webhook comes whenever it comes
    authenticate(emulator, payment.reference)
    if webhook_arrives == "before the return":
        webhook(payment.reference, "evt_1")
    back = client.get(return_url)
    if webhook_arrives == "after the return":
        webhook(payment.reference, "evt_1")

    # then: one paid checkout, its money received and allocated once
    assert back.status_code == 302 and back["Location"] == f"/checkout/{checkout.pk}/"
    assert "Payment received. Thank you!" in text(client.get(back["Location"]))
    checkout.refresh_from_db()
    assert (checkout.status, checkout.payment_reference) == ("paid", payment.reference)
    assert list(Payment.objects.values_list("status", "applied")) == [("succeeded", True)]
    assert sorted(LedgerEntry.objects.values_list("kind", flat=True)) == ["allocation", "receipt"]
    assert StripeEvent.objects.count() == (0 if webhook_arrives == "never" else 1)
    assert client.get(return_url)["Location"] == f"/checkout/{checkout.pk}/"  # a reload changes nothing
    assert LedgerEntry.objects.count() == 2


def test_a_failed_3d_secure_check_says_so_and_a_new_card_can_pay(client, emulator):
    checkout, _ = checkout_of(method="card")
    client.force_login(checkout.placed_by)
    payment_method = card(THREE_D_SECURE)
    client.post(pay_url(checkout), {"payment_method_id": payment_method})
    payment = Payment.objects.get()

    authenticate(emulator, payment.reference, success=False)
    back = client.get(f"/checkout/{checkout.pk}/pay/return/", follow=True)

    assert back.redirect_chain == [(pay_url(checkout), 302)]
    assert "The card payment was not completed: your bank could not confirm it." in text(back)
    assert 'id="card-form"' in text(back)
    checkout.refresh_from_db()
    assert checkout.status == "awaiting_payment"
    assert list(Payment.objects.values_list("status", flat=True)) == ["failed"]
    assert LedgerEntry.objects.count() == 0

    assert client.post(pay_url(checkout), {"payment_method_id": card()})["Location"] == f"/checkout/{checkout.pk}/"
    assert Checkout.objects.get().status == "paid"


def test_the_return_before_the_bank_answered_waits_without_charging(client, emulator):
    checkout, _ = checkout_of(method="card")
    client.force_login(checkout.placed_by)
    payment_method = card(THREE_D_SECURE)
    client.post(pay_url(checkout), {"payment_method_id": payment_method})

    back = client.get(f"/checkout/{checkout.pk}/pay/return/", follow=True)

    assert "Your bank has not confirmed the payment yet." in text(back)
    assert list(Payment.objects.values_list("attempt", "status")) == [(1, "requires_action")]
    assert Checkout.objects.get().status == "awaiting_payment"


def test_without_stripe_keys_the_card_form_is_hidden_not_broken(client, emulator, settings):
    checkout, _ = checkout_of(method="card")
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = ""
    client.force_login(checkout.placed_by)

    response = client.get(pay_url(checkout))
    posted = client.post(pay_url(checkout), {"payment_method_id": "pm_card_visa"})

    page = text(response)
    assert response.status_code == 200
    assert "Card payment is not available right now." in page
    assert 'id="card-form"' not in page and "js.stripe.com" not in page and "payments.js" not in page
    assert posted.status_code == 302 and posted["Location"] == pay_url(checkout)
    assert Payment.objects.count() == 0 and Checkout.objects.get().status == "awaiting_payment"


# --- bank transfer ----------------------------------------------------------------------------


def test_bank_transfer_shows_the_reference_the_account_the_exact_amount_and_the_expiry(client, settings):
    settings.PAYMENTS_BANK_NAME, settings.PAYMENTS_BANK_ACCOUNT_NUMBER = "Bank Jatim", "0011223344"
    settings.PAYMENTS_BANK_ACCOUNT_NAME = "Disperindag Kabupaten Jember"
    checkout, _ = checkout_of(method="bank_transfer", items=((12500, 3),))
    client.force_login(checkout.placed_by)

    response = client.get(pay_url(checkout))

    page = text(response)
    reference = bank_reference_for(checkout.pk)
    expires = checkout.reservation_expires_at.astimezone(settings_tz())
    assert response.status_code == 200
    assert f'id="transfer-reference">{reference}</span>' in page
    assert '<span class="copyable" id="transfer-account">0011223344</span>' in page
    assert "<dd>Bank Jatim</dd>" in page and "<dd>Disperindag Kabupaten Jember</dd>" in page
    assert '<span class="copyable" id="transfer-amount">Rp 37.500</span>' in page
    assert 'data-copy="37500"' in page and 'data-copy="0011223344"' in page and f'data-copy="{reference}"' in page
    assert f"{expires:%-d %b %Y, %H:%M} WIB" in page
    assert 'id="card-form"' not in page and "js.stripe.com" not in page
    payment = Payment.objects.get()
    assert (payment.provider, payment.reference, payment.amount) == ("bank_transfer", reference, 37500)
    client.get(pay_url(checkout))
    assert Payment.objects.count() == 1  # one reference per checkout, however often the page is opened


def settings_tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Jakarta")


def test_a_bank_transfer_checkout_cannot_be_paid_by_card(client, emulator):
    checkout, _ = checkout_of(method="bank_transfer")
    client.force_login(checkout.placed_by)

    response = client.post(pay_url(checkout), {"payment_method_id": card()})

    assert response["Location"] == pay_url(checkout)
    # only the transfer's own payment, made when the checkout was placed: no card payment was started
    assert list(Payment.objects.values_list("provider", flat=True)) == ["bank_transfer"]
    assert Checkout.objects.get().status == "awaiting_payment"


# --- states, access -----------------------------------------------------------------------------


def test_a_paid_checkout_shows_its_state_and_no_payment_form(client, emulator):
    checkout, _ = checkout_of(method="card")
    checkout_mark_paid(checkout=checkout, reference="pi_paid_elsewhere")
    client.force_login(checkout.placed_by)

    response = client.get(pay_url(checkout))
    posted = client.post(pay_url(checkout), {"payment_method_id": card()})

    page = text(response)
    assert response.status_code == 200
    assert '<span class="status-badge status-paid">Paid</span>' in page and "This order is paid" in page
    assert 'id="card-form"' not in page and "js.stripe.com" not in page and "Pay Rp" not in page
    assert posted["Location"] == pay_url(checkout)
    assert Payment.objects.count() == 0


@pytest.mark.parametrize("state", ["expired", "cancelled"])
def test_an_expired_or_cancelled_checkout_shows_its_state_and_no_payment_form(client, state):
    checkout, _ = checkout_of(method="bank_transfer")
    if state == "expired":
        checkout_expire_due(now=checkout.reservation_expires_at + timedelta(minutes=1))
    else:
        checkout_cancel(checkout=checkout, actor=checkout.placed_by, reason="Salah pesan")
    client.force_login(checkout.placed_by)

    page = text(client.get(pay_url(checkout)))

    assert Checkout.objects.get().status == state
    assert f'status-badge status-{state}' in page
    assert {"expired": "was not paid in time", "cancelled": "This order is cancelled."}[state] in page
    assert "Payment reference" not in page and 'id="card-form"' not in page
    # the transfer's payment was made when the checkout was placed; opening the page starts nothing more
    assert list(Payment.objects.values_list("provider", flat=True)) == ["bank_transfer"]


def test_someone_elses_checkout_is_404_and_starts_nothing(client, emulator, totp_for):
    checkout, _ = checkout_of(method="card")
    organisation, member, _outlet = buyer_organisation()
    officer = OfficerFactory()
    totp_for(officer)  # officers must have two-factor authentication; they see checkouts but do not pay them

    for stranger in (UserFactory(), member, officer):
        force_login_mfa(client, stranger)
        assert client.get(pay_url(checkout)).status_code == 404
        assert client.post(pay_url(checkout), {"payment_method_id": card()}).status_code == 404
        assert client.get(f"/checkout/{checkout.pk}/pay/return/").status_code == 404
    assert client.get("/checkout/999999/pay/").status_code == 404
    assert Payment.objects.count() == 0 and Checkout.objects.get().status == "awaiting_payment"


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    checkout, _ = checkout_of(method="card")

    for response in (client.get(pay_url(checkout)), client.post(pay_url(checkout), {"payment_method_id": "pm_x"})):
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next=/checkout/{checkout.pk}/pay/"
    assert Payment.objects.count() == 0


def organisation_checkout(*, method: str):
    """Return (checkout, placer, colleague): a checkout a buyer organisation's member placed to its outlet."""
    from market.accounts.models import Membership
    from orders.selectors import shopper_get
    from tests.factories import MembershipFactory

    organisation, placer, outlet = buyer_organisation()
    colleague = UserFactory(full_name="Pak Budi")
    MembershipFactory(user=colleague, organisation=organisation, role=Membership.Role.MEMBER)
    shopper = shopper_get(user=placer, organisation=organisation)
    product = on_sale(producer=verified_producer(), stock=50, retail_price=10000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=4)
    return place(shopper, destination=outlet, method=method), placer, colleague


def test_a_buyer_organisation_member_pays_by_card_and_colleagues_see_who_can(client, emulator):
    checkout, placer, colleague = organisation_checkout(method="card")

    client.force_login(colleague)
    page = text(client.get(pay_url(checkout)))
    assert f"Only {placer.full_name or placer.email}, who placed this order, can pay it by card." in page
    assert 'id="card-form"' not in page

    client.force_login(placer)
    assert 'id="card-form"' in text(client.get(pay_url(checkout)))
    response = client.post(pay_url(checkout), {"payment_method_id": card()})

    assert response["Location"] == f"/checkout/{checkout.pk}/"
    assert Checkout.objects.get().status == "paid"
    client.force_login(colleague)
    assert "This order is paid" in text(client.get(pay_url(checkout)))


def test_every_member_of_the_buyer_organisation_sees_the_transfer_instructions(client):
    checkout, _placer, colleague = organisation_checkout(method="bank_transfer")
    client.force_login(colleague)

    page = text(client.get(pay_url(checkout)))

    assert f'id="transfer-reference">{bank_reference_for(checkout.pk)}</span>' in page
    assert '<span class="copyable" id="transfer-amount">Rp 40.000</span>' in page


# --- from the checkout ----------------------------------------------------------------------------


def test_placing_a_card_checkout_lands_on_the_pay_page_and_a_transfer_on_the_confirmation(client, emulator):
    user, address = consumer()
    product = on_sale(producer=verified_producer(), stock=50, retail_price=20000)
    client.force_login(user)
    for key, method in (("key-card-0000001", "card"), ("key-transfer-0001", "bank_transfer")):
        client.post("/cart/add/", {"product": product.pk, "quantity": "2"})
        response = client.post("/checkout/", {
            "destination": address.pk, "payment_method": method, "expected_total": 40000,
            "idempotency_key": key, "note": "", f"delivery_{product.producer_id}": "pickup"})
        placed = Checkout.objects.get(payment_method=method)
        expected = f"/checkout/{placed.pk}/pay/" if method == "card" else f"/checkout/{placed.pk}/"
        assert response.status_code == 302 and response["Location"] == expected
        done = text(client.get(f"/checkout/{placed.pk}/"))
        link = "Pay now" if method == "card" else "See how to transfer"
        assert f'<a class="button" href="/checkout/{placed.pk}/pay/">{link}</a>' in done
