"""Invoice-on-terms pages: officers set and suspend terms; buyers see their invoices, what to pay and where."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.selectors import shopper_get
from orders.services import cart_line_set
from payments.models import CreditTerms, CreditTermsEvent, TermsInvoice
from payments.services import bank_reference_for, bank_transfer_record
from tests.factories import OfficerFactory, OrganisationFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import buyer_organisation, consumer, on_sale, place

pytestmark = pytest.mark.django_db

CREDIT = "/dashboard/officer/credit/"
INVOICES = "/dashboard/buyer/invoices/"


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English (``english_pages``)."""


@pytest.fixture
def officer(totp_for):
    user = OfficerFactory(full_name="Dewi Kartika")
    totp_for(user)  # officers sign in with two-factor authentication
    return user


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def on_terms(*, credit_limit=1_000_000, price=100_000, quantity=2):
    """Return (organisation, member, checkout): one invoice on terms placed by a member."""
    organisation, member, outlet = buyer_organisation(credit_limit=credit_limit)
    shopper = shopper_get(user=member, organisation=organisation)
    product = on_sale(stock=50, retail_price=price)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)
    checkout = place(shopper, destination=outlet, method="invoice")
    checkout.refresh_from_db()
    return organisation, member, checkout


# --- officers ------------------------------------------------------------------------------


def test_only_officers_open_the_credit_pages(client):
    organisation, member, _checkout = on_terms()
    assert client.get(CREDIT).status_code == 302  # sign in first
    client.force_login(member)
    for url in (CREDIT, f"{CREDIT}{organisation.pk}/"):
        assert client.get(url).status_code == 403
    assert client.post(f"{CREDIT}{organisation.pk}/suspend/").status_code == 403
    assert CreditTerms.objects.get(organisation=organisation).status == "active"


def test_the_officer_list_shows_terms_outstanding_and_overdue_in_a_fixed_number_of_queries(client, officer):
    late, _member, checkout = on_terms(credit_limit=500_000, quantity=2)
    TermsInvoice.objects.filter(checkout=checkout).update(due_on=timezone.localdate() - timedelta(days=2))
    without, _m, _o = buyer_organisation(credit_limit=None)
    force_login_mfa(client, officer)
    client.get(CREDIT)  # warm the session and the cache
    with CaptureQueriesContext(connection) as few:
        client.get(CREDIT)
    for _ in range(3):
        on_terms()

    with CaptureQueriesContext(connection) as queries:
        page = text(client.get(CREDIT))

    assert len(queries) == len(few)
    assert page.count('<th scope="row">') == 5
    row = re.search(rf"{late.name}</a></th>(.*?)</tr>", page).group(1)
    assert "Net 30 days" in row and "Rp 500.000" in row and "Rp 200.000" in row and "Rp 300.000" in row
    assert 'badge-danger">1<' in row
    # overdue organisations come first
    assert page.index(late.name) < page.index(without.name)
    assert "No terms" in re.search(rf"{without.name}</a></th>(.*?)</tr>", page).group(1)
    detail = text(client.get(f"{CREDIT}{late.pk}/"))
    row = re.search(rf"{checkout.number}</a></th>(.*?)</tr>", detail).group(1)
    assert "Overdue" in row and "Rp 200.000" in row and bank_reference_for(checkout.pk) in row


def test_an_officer_approves_changes_and_suspends_terms(client, officer):
    organisation, _member, _outlet = buyer_organisation(credit_limit=None)
    force_login_mfa(client, officer)
    url = f"{CREDIT}{organisation.pk}/"
    assert "This organisation has no payment terms" in text(client.get(url))

    response = client.post(url, {"net_days": "14", "credit_limit": "Rp 25.000.000"})

    assert response.status_code == 302 and response["Location"] == url
    terms = CreditTerms.objects.get(organisation=organisation)
    assert (terms.net_days, terms.credit_limit, terms.status, terms.approved_by) == (14, 25_000_000, "active", officer)
    page = text(client.get(url))
    assert "The payment terms of" in page and "Rp 25.000.000" in page and "Approved by Dewi Kartika" in page

    assert client.post(f"{url}suspend/").status_code == 302
    terms.refresh_from_db()
    assert terms.status == "suspended"
    assert list(CreditTermsEvent.objects.values_list("kind", flat=True)) == ["set", "suspended"]
    assert "Orders on terms are suspended for" in text(client.get(url))


@pytest.mark.parametrize(("data", "field", "error"), [
    ({"net_days": "15", "credit_limit": "1000000"}, "net_days",
     "Select a valid choice. 15 is not one of the available choices."),
    ({"credit_limit": "1000000"}, "net_days", "This field is required."),
    ({"net_days": "30", "credit_limit": ""}, "credit_limit", "This field is required."),
    ({"net_days": "30", "credit_limit": "satu juta"}, "credit_limit",
     "Enter the credit limit in whole rupiah, for example 25.000.000."),
    ({"net_days": "30", "credit_limit": "1500000,50"}, "credit_limit",
     "Enter the credit limit in whole rupiah, for example 25.000.000."),
    ({"net_days": "30", "credit_limit": "-5000"}, "credit_limit",
     "Enter the credit limit in whole rupiah, for example 25.000.000."),
    ({"net_days": "30", "credit_limit": "0"}, "credit_limit",
     "Enter the credit limit in whole rupiah, more than zero."),
    ({"net_days": "30", "credit_limit": "5.000.000.001"}, "credit_limit",
     "The credit limit can be at most Rp 5.000.000.000."),
])
def test_bad_terms_input_is_shown_beside_the_field_and_nothing_is_saved(client, officer, data, field, error):
    organisation, _member, _outlet = buyer_organisation(credit_limit=None)
    force_login_mfa(client, officer)

    response = client.post(f"{CREDIT}{organisation.pk}/", data)

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [error]}
    assert error.replace("'", "&#x27;") in response.content.decode()
    assert (CreditTerms.objects.count(), CreditTermsEvent.objects.count()) == (0, 0)


def test_terms_are_for_buyer_organisations_only(client, officer):
    producer_organisation = OrganisationFactory(kind="producer")
    force_login_mfa(client, officer)
    assert client.get(f"{CREDIT}{producer_organisation.pk}/").status_code == 404
    assert client.post(f"{CREDIT}{producer_organisation.pk}/", {"net_days": "30",
                                                                "credit_limit": "1000000"}).status_code == 404
    assert client.get(f"{CREDIT}999999/").status_code == 404
    assert CreditTerms.objects.count() == 0


# --- buyers --------------------------------------------------------------------------------


def test_the_buyer_sees_invoices_due_overdue_and_paid_with_the_reference_and_the_account(client):
    organisation, member, first = on_terms(credit_limit=1_000_000, price=100_000, quantity=2)
    shopper = shopper_get(user=member, organisation=organisation)
    product = on_sale(stock=50, retail_price=50_000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=3)
    second = place(shopper, destination=first.outlet, method="invoice")
    second.refresh_from_db()
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    third = place(shopper, destination=first.outlet, method="invoice")
    third.refresh_from_db()
    today = timezone.localdate()
    TermsInvoice.objects.filter(checkout=first).update(due_on=today - timedelta(days=3))
    finance = OfficerFactory()
    bank_transfer_record(officer=finance, reference=bank_reference_for(first.pk), amount=50_000,
                         bank_reference="BJ-1", received_on=today)
    bank_transfer_record(officer=finance, reference=bank_reference_for(third.pk), amount=50_000,
                         bank_reference="BJ-2", received_on=today)
    client.force_login(member)

    page = text(client.get(INVOICES))

    # credit: Rp 1.000.000 limit; owed 150.000 (first) + 150.000 (second); the third is paid
    assert "Net 30 days" in page and "Rp 1.000.000" in page
    assert re.search(r"Outstanding</dt><dd>Rp 300.000<", page)
    assert re.search(r"Available credit</dt><dd>Rp 700.000<", page)
    assert "An invoice is overdue: new orders on terms are paused until it is paid." in page
    assert "Bank Jatim" in page and "0011223344" in page and "Disperindag Kabupaten Jember" in page
    cards = re.findall(r'<li class="card order-card">(.*?)</li>', page)
    assert [re.search(r'class="order-number">(.*?)<', card).group(1) for card in cards] == [
        first.number, second.number, third.number]
    overdue, due, paid = cards
    assert "Overdue" in overdue and "Rp 200.000" in overdue and "Paid so far</dt><dd>Rp 50.000" in overdue
    assert "Still to pay</strong></dt><dd><strong>Rp 150.000" in overdue and bank_reference_for(first.pk) in overdue
    due_on = (timezone.localdate(second.created_at) + timedelta(days=30))
    assert "Due</span>" in due and f"due {due_on.day} {due_on:%b} {due_on.year}" in due
    assert bank_reference_for(second.pk) in due
    assert "Paid</span>" in paid and "Still to pay" not in paid and bank_reference_for(third.pk) not in paid


def test_invoices_page_is_for_buyer_organisation_members_only(client):
    organisation, member, checkout = on_terms()
    user, _address = consumer()
    client.force_login(user)
    assert client.get(INVOICES).status_code == 404
    # another organisation's member sees only their own (none)
    _other, other_member, _outlet = buyer_organisation()
    client.force_login(other_member)
    page = text(client.get(INVOICES))
    assert checkout.number not in page and "No invoices on terms yet." in page
    client.logout()
    assert client.get(INVOICES).status_code == 302


def test_without_terms_the_buyer_is_told_how_to_get_them(client):
    _organisation, member, _outlet = buyer_organisation(credit_limit=None)
    client.force_login(member)
    page = text(client.get(INVOICES))
    assert "Your organisation does not pay on terms." in page
    assert "Available credit" not in page and "No invoices on terms yet." in page
