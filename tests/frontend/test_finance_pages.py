"""The finance pages: officers record transfers, run payout batches and look over balances; producers see theirs."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.utils import timezone

from frontend.forms.finance import AmountField
from market.accounts.models import User
from orders.models import Checkout, Order
from orders.services import cart_line_set, order_accept, order_complete, order_mark_delivered, order_pack, order_ship
from payments.models import (
    BankAccountChange,
    BankTransferReceipt,
    LedgerEntry,
    Payment,
    Payout,
    PayoutBatch,
    ProducerBankAccount,
)
from payments.selectors import producer_balance
from payments.services import bank_reference_for, bank_transfer_record, bank_transfer_start
from tests.catalog.factories import MembershipFactory, OfficerFactory, UserFactory, owner_of
from tests.factories import PASSWORD
from tests.fixtures import force_login_mfa
from tests.orders.factories import consumer_shopper, on_sale, place, verified_producer
from tests.payments.conftest import bank_account_set, checkout_of

pytestmark = pytest.mark.django_db

FINANCE = "/dashboard/officer/finance/"
TRANSFERS = FINANCE + "transfers/"
PAYOUTS = FINANCE + "payouts/"
PRODUCER_FINANCE = "/dashboard/producer/finance/"


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English (``english_pages``)."""


@pytest.fixture
def officer(totp_for):
    user = OfficerFactory(full_name="Rina Keuangan")
    totp_for(user)  # officers must have two-factor authentication (OfficerMfaRequiredMiddleware)
    return user


@pytest.fixture
def officer_client(client, officer):
    force_login_mfa(client, officer)
    return client


def reauthenticate(client, response):
    """Follow a redirect to allauth's reauthentication page, enter the password; return where it sends back to."""
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/?next=")
    confirmed = client.post(response["Location"], {"password": PASSWORD})
    assert confirmed.status_code == 302, confirmed.content
    return confirmed["Location"]


def _reauth_location(producer) -> str:
    return ("/accounts/reauthenticate/?next=%2Fdashboard%2Fproducer%2Ffinance%2F%3Fproducer%3D"
            f"{producer.pk}%23bank-account")


def html(response) -> str:
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def _awaiting_checkout(items=((10000, 4), (35000, 1))):
    """Return (checkout, reference, products): a checkout whose buyer opened the transfer instructions."""
    checkout, products = checkout_of(items=items)
    return checkout, bank_transfer_start(checkout=checkout).reference, products


def _record(client, **values):
    data = {"reference": "", "amount": "", "bank_reference": "", "received_on": timezone.localdate().isoformat(),
            **values}
    return client.post(TRANSFERS, data)


def _paid_and_completed(items):
    """Return the producers of a checkout paid by transfer whose orders are all completed."""
    checkout, products = checkout_of(items=items)
    bank_transfer_record(officer=OfficerFactory(), reference=bank_transfer_start(checkout=checkout).reference,
                         amount=checkout.total, bank_reference=f"B-{checkout.pk}", received_on=date(2026, 1, 5))
    for order in Order.objects.filter(checkout=checkout).select_related("producer").order_by("pk"):
        seller = owner_of(order.producer)  # orders come in the cart's order, not the products'
        for step in (order_accept, order_pack, order_ship, order_mark_delivered):
            step(order=order, actor=seller)
        order_complete(order=order, actor=checkout.placed_by)
    return [product.producer for product in products]


# --- received transfers ------------------------------------------------------------------------


def test_officer_records_a_partial_then_the_full_transfer_and_the_checkout_is_paid(officer_client):
    # given a checkout of Rp 75.000 waiting for its transfer
    checkout, reference, _products = _awaiting_checkout()
    page = officer_client.get(TRANSFERS)
    assert page.status_code == 200
    row = html(page).split(f'data-reference="{reference}"')[1].split("</tr>")[0]
    assert "Rp 75.000" in row and "Rp 0" in row
    assert checkout.placed_by.get_full_name() in row

    # when Rp 50.000 arrive (typed the Indonesian way), then the rest
    first = _record(officer_client, reference=reference.lower(), amount="50.000", bank_reference="JATIM-0001")

    assert first.status_code == 302 and first["Location"] == TRANSFERS
    page = officer_client.get(TRANSFERS)
    assert _messages(page) == [f"Rp 50.000 recorded against {reference}; Rp 25.000 still to come."]
    row = html(page).split(f'data-reference="{reference}"')[1].split("</tr>")[0]
    assert "Rp 50.000" in row  # received so far
    checkout.refresh_from_db()
    assert checkout.status == Checkout.Status.AWAITING_PAYMENT

    second = _record(officer_client, reference=reference, amount="Rp 25.000", bank_reference="JATIM-0002")

    # then the checkout is paid, its orders placed, and it no longer waits
    assert second.status_code == 302
    page = officer_client.get(TRANSFERS)
    assert _messages(page) == [f"Rp 25.000 recorded against {reference}: paid in full, the orders went to their "
                               "producers."]
    assert f'data-reference="{reference}"' not in html(page)
    checkout.refresh_from_db()
    payment = Payment.objects.get(checkout=checkout)
    assert (checkout.status, payment.status, payment.received, payment.applied) == ("paid", "succeeded", 75000, True)
    assert sorted(checkout.orders.values_list("status", flat=True)) == ["placed", "placed"]
    assert list(BankTransferReceipt.objects.order_by("pk").values_list("bank_reference", "amount")) == [
        ("JATIM-0001", 50000), ("JATIM-0002", 25000)]


def test_the_record_link_of_a_waiting_order_fills_in_its_reference(officer_client):
    _checkout, reference, _products = _awaiting_checkout(items=((10000, 1),))

    page = officer_client.get(TRANSFERS, {"reference": reference})

    assert page.context["form"]["reference"].value() == reference


@pytest.mark.parametrize(("field", "values", "error"), [
    ("reference", {"reference": "KI00012354"}, "Enter a payment reference like KI00001234."),
    ("reference", {"reference": "UNKNOWN"}, "Enter a payment reference like KI00001234."),
    ("reference", {"reference": bank_reference_for(9_999_999)}, "No order waits for a transfer with this reference."),
    ("amount", {"amount": "lima puluh ribu"}, "Enter the amount in whole rupiah, e.g. 50000 or 50.000."),
    ("amount", {"amount": "50000.50"}, "Enter the amount in whole rupiah, e.g. 50000 or 50.000."),
    ("amount", {"amount": "0"}, "Ensure this value is greater than or equal to 1."),
    ("amount", {"amount": "75.001"},
     "This is more than the Rp 75.000 still owed on this reference. Record what is owed; the rest is refunded to "
     "the buyer separately."),
    ("amount", {"amount": "750000000000"}, "This amount is too large: at most Rp 10.000.000.000."),
    ("received_on", {"received_on": "2999-01-01"}, "Enter the date the money arrived (not in the future)."),
])
def test_a_bad_reference_or_amount_is_explained_and_keeps_what_was_typed(officer_client, field, values, error):
    # given
    checkout, reference, _products = _awaiting_checkout()
    typed = {"reference": reference, "amount": "50000", "bank_reference": "BRI 778899", **values}

    # when
    response = _record(officer_client, **typed)

    # then the error is beside its field, every value is still in the form, and nothing changed
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field] == [error]
    page = html(response)
    for name in ("reference", "amount", "bank_reference"):
        assert f'value="{typed[name]}"' in page
    assert 'aria-invalid="true"' in page
    assert BankTransferReceipt.objects.count() == 0
    assert Payment.objects.get(checkout=checkout).received == 0
    assert LedgerEntry.objects.count() == 0


def test_a_bank_statement_line_recorded_twice_is_refused_by_the_service_beside_its_field(officer_client):
    _checkout, reference, _products = _awaiting_checkout()
    other, other_reference, _products = _awaiting_checkout(items=((20000, 1),))
    assert _record(officer_client, reference=reference, amount="10000", bank_reference="BCA-1").status_code == 302

    response = _record(officer_client, reference=other_reference, amount="10000", bank_reference="BCA-1")

    assert response.status_code == 400
    assert response.context["form"].errors["bank_reference"] == ["This bank statement line was already recorded."]
    assert Payment.objects.get(checkout=other).received == 0
    assert BankTransferReceipt.objects.count() == 1


def test_a_paid_reference_takes_no_more_money(officer_client):
    checkout, reference, _products = _awaiting_checkout(items=((10000, 1),))
    assert _record(officer_client, reference=reference, amount="10000", bank_reference="B-1").status_code == 302

    response = _record(officer_client, reference=reference, amount="10000", bank_reference="B-2")

    assert response.status_code == 400
    assert response.context["form"].errors["reference"] == ["This order is already paid in full."]
    assert Payment.objects.get(checkout=checkout).received == 10000


@pytest.mark.parametrize(("typed", "value"), [("50000", 50000), ("50.000", 50000), ("Rp 1.250.000", 1250000),
                                              ("50 000", 50000), ("50.000,00", 50000), ("Rp. 50.000,-", 50000)])
def test_amounts_are_read_as_people_write_rupiah(typed, value):
    assert AmountField().clean(typed) == value


@pytest.mark.parametrize("typed", ["50000.5", "1.5", "50,000", "5.0000", "-5000", "1e6", "Rp"])
def test_amounts_that_are_not_whole_rupiah_are_refused(typed):
    from django import forms

    with pytest.raises(forms.ValidationError):
        AmountField().clean(typed)


# --- who may use the pages ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [FINANCE, TRANSFERS, PAYOUTS, f"{PAYOUTS}1/", f"{PAYOUTS}1/transfers.csv"])
def test_only_officers_open_the_officers_finance_pages(client, url):
    producer = verified_producer()
    buyer = UserFactory(role="buyer")

    assert client.get(url).status_code == 302  # anonymous: sign in first
    for user in (owner_of(producer), buyer, UserFactory(role="officer", is_staff=False)):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_a_producer_cannot_record_a_transfer_nor_run_or_pay_a_batch(client):
    checkout, reference, products = _awaiting_checkout(items=((10000, 1),))
    client.force_login(owner_of(products[0].producer))

    assert _record(client, reference=reference, amount="10000", bank_reference="X-1").status_code == 403
    assert client.post(PAYOUTS, {"minimum": "1"}).status_code == 403
    assert client.post(f"{PAYOUTS}1/paid/", {"confirm": "on"}).status_code == 403
    assert Payment.objects.get(checkout=checkout).received == 0
    assert PayoutBatch.objects.count() == 0


def test_an_unknown_batch_is_a_404(officer_client):
    assert officer_client.get(f"{PAYOUTS}999/").status_code == 404
    assert officer_client.get(f"{PAYOUTS}999/transfers.csv").status_code == 404
    assert officer_client.post(f"{PAYOUTS}999/paid/", {"confirm": "on"}).status_code == 404


# --- payouts -----------------------------------------------------------------------------------


def test_payout_batch_from_making_to_the_bank_file_to_paid_as_the_producer_sees_it(client, officer):
    # given two producers with Rp 38.000 and Rp 9.500 available (after 5% commission)
    big, small = _paid_and_completed([(10000, 4), (10000, 1)])
    bank_account_set(small, bank_name="BRI", account_number="555000111", account_holder="Bu Sri")
    seller = owner_of(big)
    client.force_login(seller)
    before = client.get(PRODUCER_FINANCE)
    assert before.context["balance"] == (0, 38000)
    assert 'data-balance="available">Rp 38.000<' in html(before)
    # the producer sets the bank account on the finance page, confirming the password first
    values = {"bank_name": "Bank Jatim", "account_number": "0123 4567 89", "account_holder": "UD Kopi Sejahtera"}
    back = reauthenticate(client, client.post(f"{PRODUCER_FINANCE}?producer={big.pk}", values))
    assert client.get(back).status_code == 200
    saved = client.post(f"{PRODUCER_FINANCE}?producer={big.pk}", values)
    assert saved.status_code == 302

    # when an officer makes a batch for balances of at least Rp 10.000
    force_login_mfa(client, officer)
    made = client.post(PAYOUTS, {"minimum": "10.000"})

    # then one payout, to the account the producer set; the small balance waits
    batch = PayoutBatch.objects.get()
    assert made.status_code == 302 and made["Location"] == f"{PAYOUTS}{batch.pk}/"
    payout = Payout.objects.get()
    assert (payout.producer_id, payout.amount, payout.account_number) == (big.pk, 38000, "0123456789")
    detail = client.get(made["Location"])
    assert detail.status_code == 200
    assert "UD Kopi Sejahtera" in html(detail) and "0123456789" in html(detail) and "Rp 38.000" in html(detail)
    listing = client.get(PAYOUTS)
    assert f'data-batch="{batch.pk}"' in html(listing) and "To transfer" in html(listing)

    # the bank file
    download = client.get(f"{PAYOUTS}{batch.pk}/transfers.csv")
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == f'attachment; filename="pencairan-dana-{batch.pk}.csv"'
    assert download.content.decode() == (
        "bank_name,account_number,account_holder,amount,reference\r\n"
        f"Bank Jatim,0123456789,UD Kopi Sejahtera,38000,KI-PAYOUT-{batch.pk}-{payout.pk}\r\n")

    # the producer's available balance dropped and the payout is being transferred
    client.force_login(seller)
    during = client.get(PRODUCER_FINANCE)
    assert during.context["balance"] == (0, 0)
    assert [p.pk for p in during.context["payouts"]] == [payout.pk]
    assert "Being transferred" in html(during)

    # marking paid needs the tick; then it is paid once
    force_login_mfa(client, officer)
    refused = client.post(f"{PAYOUTS}{batch.pk}/paid/", {})
    assert refused.status_code == 400
    assert refused.context["paid_form"].errors["confirm"] == ["Tick the box once the bank has made the transfers."]
    batch.refresh_from_db()
    assert batch.status == "open"
    paid = client.post(f"{PAYOUTS}{batch.pk}/paid/", {"confirm": "on"})
    assert paid.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.paid_by) == ("paid", officer)
    assert 'id="mark-paid"' not in html(client.get(f"{PAYOUTS}{batch.pk}/"))

    client.force_login(seller)
    after = client.get(PRODUCER_FINANCE)
    row = html(after).split(f'data-payout="{payout.pk}"')[1].split("</li>")[0]
    assert "Transferred" in row and "Rp 38.000" in row
    assert after.context["balance"] == (0, 0)
    assert producer_balance(producer_id=small.pk) == (0, 9500)


def test_a_batch_with_nobody_above_the_minimum_is_explained_and_not_made(officer_client):
    (producer,) = _paid_and_completed([(10000, 4)])
    bank_account_set(producer, bank_name="BNI", account_number="12345678", account_holder="Pak Adi")

    response = officer_client.post(PAYOUTS, {"minimum": "50.000"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["No producer has at least the minimum available."]
    assert 'value="50.000"' in html(response)
    assert PayoutBatch.objects.count() == 0


def test_the_batch_and_the_payouts_page_warn_about_an_account_changed_since_the_last_payout(officer_client,
                                                                                             officer):
    # given two producers paid on 2 March; one of them moves its payouts to another account on 4 March
    changed, steady = verified_producer(), verified_producer()
    bank_account_set(changed, bank_name="BRI", account_number="11110001", account_holder="Bu Sri")
    bank_account_set(steady, bank_name="BRI", account_number="11110002", account_holder="Pak Adi")
    BankAccountChange.objects.update(created_at=datetime(2026, 3, 1, 2, 0, tzinfo=UTC))
    paid = PayoutBatch.objects.create(minimum=1000, total=10000, created_by=officer, status="paid", paid_by=officer,
                                      paid_at=datetime(2026, 3, 2, 5, 0, tzinfo=UTC))
    for producer in (changed, steady):
        Payout.objects.create(batch=paid, producer=producer, amount=5000, bank_name="BRI",
                              account_number="1111000", account_holder="X")
    PayoutBatch.objects.filter(pk=paid.pk).update(created_at=datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    bank_account_set(changed, bank_name="Bank Lain", account_number="99990001", account_holder="Pak Maling")
    BankAccountChange.objects.filter(new_bank_name="Bank Lain").update(
        created_at=datetime(2026, 3, 4, 1, 30, tzinfo=UTC))  # 08:30 in Jember (WIB)

    # when an officer opens the payouts page and, after making a batch, its page
    before = officer_client.get(PAYOUTS)
    batch = PayoutBatch.objects.create(minimum=1000, total=14000, created_by=officer)
    rows = {producer: Payout.objects.create(batch=batch, producer=producer, amount=7000, bank_name="X",
                                            account_number="1", account_holder="X") for producer in (changed, steady)}
    detail = officer_client.get(f"{PAYOUTS}{batch.pk}/")

    # then both say which account changed and when; the steady producer's row has no warning
    assert [account.producer_id for account in before.context["changed_accounts"]] == [changed.pk]
    listed = html(before).split(f'data-account-changed="{changed.pk}"')[1].split("</li>")[0]
    assert f"{changed.name}: account changed on 4 Mar 2026, 08:30 WIB since the last payout (now Bank Lain)" in listed
    assert {payout.producer_id: payout.account_changed_at for payout in detail.context["payouts"]} == {
        changed.pk: datetime(2026, 3, 4, 1, 30, tzinfo=UTC), steady.pk: None}
    page = html(detail)
    assert 'data-account-changes="1"' in page
    changed_row = page.split(f'data-payout="{rows[changed].pk}"')[1].split("</tr>")[0]
    steady_row = page.split(f'data-payout="{rows[steady].pk}"')[1].split("</tr>")[0]
    assert "Account changed on 4 Mar 2026, 08:30 WIB since the last payout" in changed_row
    assert "data-account-changed" not in steady_row and "Account changed" not in steady_row


# --- producers ---------------------------------------------------------------------------------


def test_a_producer_sees_pending_money_per_order_until_it_is_completed(client):
    checkout, reference, products = _awaiting_checkout(items=((10000, 4),))
    bank_transfer_record(officer=OfficerFactory(), reference=reference, amount=40000, bank_reference="B-9",
                         received_on=timezone.localdate())
    producer = products[0].producer
    order = checkout.orders.get()
    client.force_login(owner_of(producer))

    page = client.get(PRODUCER_FINANCE)

    assert page.status_code == 200
    assert page.context["balance"] == (38000, 0)
    assert [(row["order_id"], row["amount"], row["status"]) for row in page.context["pending_orders"]] == [
        (order.pk, 38000, "placed")]
    assert 'data-balance="pending">Rp 38.000<' in html(page)
    assert "Set your bank account so that we can pay you." in html(page)


def test_a_producer_sets_the_bank_account_and_letters_in_the_number_are_refused(client):
    producer = verified_producer()
    client.force_login(owner_of(producer))
    reauthenticate(client, client.post(PRODUCER_FINANCE, {"bank_name": "BRI", "account_number": "12345678",
                                                          "account_holder": "Bu Sari"}))

    refused = client.post(PRODUCER_FINANCE, {"bank_name": "BRI", "account_number": "0123 45A7 89",
                                             "account_holder": "Bu Sari"})

    assert refused.status_code == 400
    assert refused.context["form"].errors["account_number"] == ["Enter the account number (digits only)."]
    page = html(refused)
    assert 'value="BRI"' in page and 'value="0123 45A7 89"' in page and 'value="Bu Sari"' in page
    assert not ProducerBankAccount.objects.exists()

    saved = client.post(PRODUCER_FINANCE, {"bank_name": " BRI ", "account_number": "0123 4567 89",
                                           "account_holder": "Bu Sari"})

    assert saved.status_code == 302
    assert saved["Location"] == f"{PRODUCER_FINANCE}?producer={producer.pk}#bank-account"
    account = ProducerBankAccount.objects.get(producer=producer)
    assert (account.bank_name, account.account_number, account.account_holder) == ("BRI", "0123456789", "Bu Sari")
    again = client.get(saved["Location"])
    assert again.context["form"]["account_number"].value() == "0123456789"
    assert _messages(again) == ["Your bank account for payouts is saved."]


def test_a_session_alone_cannot_redirect_payouts_the_owner_confirms_the_password_and_comes_back_to_the_form(
        client, django_capture_on_commit_callbacks):
    # given a producer paid into Bank Jatim, an officer, and the owner's session (as a stolen cookie would give)
    producer = verified_producer()
    owner = owner_of(producer)
    bank_account_set(producer, bank_name="Bank Jatim", account_number="0123456789", account_holder="UD Kopi")
    finance = OfficerFactory()
    client.force_login(owner)
    values = {"bank_name": "Bank Lain", "account_number": "9900 1122", "account_holder": "Pak Maling"}

    # when the new account is sent without having confirmed the password
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sent = client.post(PRODUCER_FINANCE, values)

    # then nothing changed: the person is sent to allauth's reauthentication, to come back to the form
    assert sent.status_code == 302 and sent["Location"] == _reauth_location(producer)
    assert ProducerBankAccount.objects.get(producer=producer).account_number == "0123456789"
    assert BankAccountChange.objects.count() == 1 and callbacks == [] and mail.outbox == []

    # a wrong password changes nothing either
    wrong = client.post(sent["Location"], {"password": "not-the-password"})
    assert wrong.status_code == 200
    assert ProducerBankAccount.objects.get(producer=producer).account_number == "0123456789"

    # with the password, back on the form: what was typed is there, and it says that nothing is saved yet
    back = reauthenticate(client, sent)
    assert back == f"{PRODUCER_FINANCE}?producer={producer.pk}#bank-account"
    form_page = client.get(back)
    assert form_page.status_code == 200
    form = form_page.context["form"]
    assert (form["bank_name"].value(), form["account_number"].value(), form["account_holder"].value()) == (
        "Bank Lain", "99001122", "Pak Maling")
    assert form_page.context["pending_notice"] == (
        "You confirmed it is you. The bank account below is not saved yet: check it and press "
        "\u201cSave bank account\u201d to change where your payouts go.")
    assert 'data-bank-account="pending"' in html(form_page)
    assert ProducerBankAccount.objects.get(producer=producer).account_number == "0123456789"
    assert "pending_notice" in form_page.context and client.get(back).context["pending_notice"] == ""  # once

    # saving now changes the account, records it and tells the owner and the officer after commit
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(back, values)
    assert saved.status_code == 302 and saved["Location"] == back
    assert ProducerBankAccount.objects.get(producer=producer).account_number == "99001122"
    change = BankAccountChange.objects.latest("pk")
    assert (change.actor, change.old_account_number, change.new_account_number) == (owner, "******6789", "****1122")
    officers = [user.email for user in User.objects.filter(role="officer", is_active=True)]
    assert finance.email in officers and len(officers) == 2  # and the one who verified the producer
    assert sorted(message.to[0] for message in mail.outbox) == sorted([owner.email, *officers])


def test_leaving_the_reauthentication_keeps_what_was_typed_and_says_it_was_not_saved(client):
    producer = verified_producer()
    client.force_login(owner_of(producer))

    sent = client.post(PRODUCER_FINANCE, {"bank_name": "BRI", "account_number": "55500011",
                                          "account_holder": "Bu Sri"})
    page = client.get(f"{PRODUCER_FINANCE}?producer={producer.pk}")  # back without confirming

    assert sent["Location"] == _reauth_location(producer)
    assert page.context["form"]["account_number"].value() == "55500011"
    assert page.context["pending_notice"] == ("The bank account below was not saved: you did not confirm it is "
                                              "you. Check it and press \u201cSave bank account\u201d again.")
    assert not ProducerBankAccount.objects.exists()


def test_a_password_confirmed_longer_ago_than_the_timeout_is_asked_for_again(client, settings):
    producer = verified_producer()
    owner = owner_of(producer)
    client.force_login(owner)
    session = client.session
    session["account_authentication_methods"] = [{
        "method": "password", "at": timezone.now().timestamp() - settings.ACCOUNT_REAUTHENTICATION_TIMEOUT - 1,
        "reauthenticated": True}]
    session["account_authentication_methods_user"] = str(owner.pk)
    session.save()

    sent = client.post(PRODUCER_FINANCE, {"bank_name": "BRI", "account_number": "55500011",
                                          "account_holder": "Bu Sri"})

    assert sent.status_code == 302 and sent["Location"] == _reauth_location(producer)
    assert not ProducerBankAccount.objects.exists() and not BankAccountChange.objects.exists()


@pytest.mark.parametrize("who", ["officer", "manager", "member"])
def test_officers_and_the_owners_staff_see_the_account_but_cannot_change_it(client, who, totp_for):
    # given a producer's account, and an officer or a manager/member of the business who confirmed the password
    producer = verified_producer()
    bank_account_set(producer, bank_name="Bank Jatim", account_number="0123456789", account_holder="UD Kopi")
    if who == "officer":
        user = OfficerFactory()
        totp_for(user)
        force_login_mfa(client, user)
    else:
        user = MembershipFactory(organisation=producer.organisation, role=who,
                                 user=UserFactory(role="producer")).user
        client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [*session.get("account_authentication_methods", []), {
        "method": "password", "at": timezone.now().timestamp(), "reauthenticated": True}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()

    page = client.get(PRODUCER_FINANCE, {"producer": producer.pk})
    sent = client.post(f"{PRODUCER_FINANCE}?producer={producer.pk}", {
        "bank_name": "Bank Lain", "account_number": "99001122", "account_holder": "Pak Maling"})

    assert page.status_code == 200 and page.context["form"] is None
    assert page.context["can_change_bank_account"] is False
    assert 'data-bank-account="owner-only"' in html(page) and "0123456789" in html(page)
    assert "Only the owner of the business can set or change where its payouts go." in html(page)
    assert owner_of(producer).full_name in html(page)
    assert sent.status_code == 403
    assert ProducerBankAccount.objects.get(producer=producer).account_number == "0123456789"
    assert BankAccountChange.objects.count() == 1


def test_a_producer_never_sees_another_producers_balance(client):
    mine, theirs = _paid_and_completed([(10000, 4), (20000, 1)])
    bank_account_set(theirs, bank_name="BNI", account_number="99887766", account_holder="Pak Budi")
    client.force_login(owner_of(mine))

    own = client.get(PRODUCER_FINANCE)
    other = client.get(PRODUCER_FINANCE, {"producer": theirs.pk})
    other_post = client.post(f"{PRODUCER_FINANCE}?producer={theirs.pk}", {
        "bank_name": "BRI", "account_number": "11111111", "account_holder": "Pencuri"})

    assert own.status_code == 200 and own.context["producer"] == mine
    assert own.context["balance"] == (0, 38000)
    assert "Rp 19.000" not in html(own) and "99887766" not in html(own)
    assert other.status_code == 404 and other_post.status_code == 404
    assert ProducerBankAccount.objects.get(producer=theirs).account_number == "99887766"


def test_buyers_have_no_producer_finance_page(client):
    client.force_login(UserFactory(role="buyer"))

    assert client.get(PRODUCER_FINANCE).status_code == 403


# --- overview and ledger -----------------------------------------------------------------------


def test_the_overview_lists_balances_and_checks_the_ledger_on_request(officer_client):
    mine, theirs = _paid_and_completed([(10000, 4), (20000, 1)])
    bank_account_set(mine, bank_name="BRI", account_number="555000111", account_holder="Bu Sri")
    _awaiting_checkout(items=((10000, 1),))

    page = officer_client.get(FINANCE)
    checked = officer_client.get(FINANCE, {"check": "1"})

    assert page.status_code == 200
    assert page.context["summary"] == {"awaiting_count": 1, "awaiting_amount": 10000, "open_batches": 0,
                                       "open_batches_total": 0, "pending": 0, "available": 38000 + 19000,
                                       "refunds_count": 0, "refunds_amount": 0, "late_count": 0, "late_amount": 0,
                                       "mismatch_count": 0}
    rows = {account.producer_id: (account.pending, account.available) for account in page.context["page"]}
    assert rows == {mine.pk: (0, 38000), theirs.pk: (0, 19000)}
    assert rows[mine.pk] == producer_balance(producer_id=mine.pk)
    theirs_row = html(page).split(f'data-producer="{theirs.pk}"')[1].split("</tr>")[0]
    assert "Not set: no payout" in theirs_row
    assert page.context["problems"] is None
    assert checked.context["problems"] == []
    assert 'data-check="ok"' in html(checked)


def test_the_ledger_check_shows_what_does_not_add_up(officer_client):
    checkout, reference, _products = _awaiting_checkout(items=((10000, 1),))
    bank_transfer_record(officer=OfficerFactory(), reference=reference, amount=5000, bank_reference="B-5",
                         received_on=timezone.localdate())
    Payment.objects.filter(checkout=checkout).update(received=6000)  # a record changed behind the ledger's back

    checked = officer_client.get(FINANCE, {"check": "1"})

    assert [(p["key"], p["detail"]) for p in checked.context["problems"]] == [
        ("cash:bank_transfer", "ledger: Rp 5.000 · payments: Rp 6.000")]
    assert "The ledger does not add up." in html(checked)


# --- query budgets -----------------------------------------------------------------------------


def test_the_waiting_transfers_page_reads_a_fixed_number_of_queries(officer_client, django_assert_max_num_queries):
    for _ in range(22):
        _awaiting_checkout(items=((10000, 1),))
    officer_client.get(TRANSFERS)  # warm the session and the officer's two-factor check

    with django_assert_max_num_queries(7):  # ... and the assisted-mode banner
        response = officer_client.get(TRANSFERS)

    assert len(response.context["page"].object_list) == 22


def test_the_balances_and_batches_pages_read_a_fixed_number_of_queries(officer_client, officer,
                                                                       django_assert_max_num_queries):
    producers = _paid_and_completed([(10000, 1)] * 24)
    for producer in producers[:12]:
        bank_account_set(producer, bank_name="BRI", account_number=f"1000{producer.pk}",
                                  account_holder=producer.name)
    for number in range(21):
        batch = PayoutBatch.objects.create(minimum=1000, total=1000, created_by=officer,
                                           status="paid" if number % 2 else "open",
                                           paid_by=officer if number % 2 else None,
                                           paid_at=timezone.now() if number % 2 else None)
        Payout.objects.create(batch=batch, producer=producers[number], amount=1000, bank_name="BRI",
                              account_number="123456", account_holder="X")
    for producer in producers[:6]:  # replaced after every batch: all six are flagged, latest change first
        bank_account_set(producer, bank_name="BNI", account_number=f"2000{producer.pk}", account_holder=producer.name)
    officer_client.get(FINANCE)

    with django_assert_max_num_queries(12):  # session, user, two-factor, assisted-mode banner, summary (6), count,
        # balances
        overview = officer_client.get(FINANCE)
    with django_assert_max_num_queries(13):  # ... summary (6), accounts changed since the last payout, count,
        # batches
        batches = officer_client.get(PAYOUTS)
    with django_assert_max_num_queries(6):
        detail = officer_client.get(f"{PAYOUTS}{batch.pk}/")

    assert len(overview.context["page"].object_list) == 24
    assert len(batches.context["page"].object_list) == 20
    assert [account.producer_id for account in batches.context["changed_accounts"]] == [
        producer.pk for producer in reversed(producers[:6])]
    assert detail.status_code == 200


def test_the_producer_page_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    producer = verified_producer()
    product = on_sale(producer=producer, stock=500, retail_price=10000)
    finance = OfficerFactory()
    shopper, address = consumer_shopper()
    for number in range(21):
        cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
        checkout = place(shopper, destination=address)
        bank_transfer_record(officer=finance, reference=bank_transfer_start(checkout=checkout).reference,
                             amount=checkout.total, bank_reference=f"Q-{number}", received_on=timezone.localdate())
    client.force_login(owner_of(producer))
    client.get(PRODUCER_FINANCE)

    with django_assert_max_num_queries(11):  # ... whether this person may change the bank account, and the
        # buyer organisations they may act for (the header's "Acting for", frontend/acting.py), and the settled
        # consignment sales (placements, one query)
        response = client.get(PRODUCER_FINANCE)

    assert len(response.context["pending_orders"]) == 21
    assert response.context["balance"] == (21 * 9500, 0)
