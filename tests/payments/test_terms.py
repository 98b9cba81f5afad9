"""Invoices on terms: approved organisations order at once, pay within 14 or 30 days, within a credit limit."""
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation

from catalog.models import ProductStock
from market.accounts.models import Membership, Role
from orders.exceptions import PaymentMethodInvalid
from orders.models import CartLine, Checkout, Order, OrderEvent
from orders.selectors import cart_quote, checkout_payment_methods, shopper_get
from orders.services import cart_line_set
from payments.exceptions import CreditLimitExceeded, InvoiceOverdue, TermsForbidden, TermsInvalid, TermsNotFound
from payments.models import CreditTerms, CreditTermsEvent, Payment, TermsInvoice, TermsReminder
from payments.selectors import (
    credit_available,
    credit_outstanding,
    credit_summary_get,
    terms_invoice_list,
    terms_invoices_overdue,
)
from payments.services import bank_reference_for, bank_transfer_record
from payments.services.terms import credit_terms_set, credit_terms_suspend, reminder_kind, terms_reminders_send
from payments.tasks import terms_reminders_send_task
from tests.concurrency import race
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.orders.factories import buyer_organisation, consumer_shopper, officer, on_sale, pickup_for, place

pytestmark = pytest.mark.django_db


def terms_shopper(*, credit_limit=1_000_000, net_days=30, price=100_000, quantity=1, stock=50):
    """Return (shopper, outlet, product): a member of an organisation on terms with ``quantity`` in the cart."""
    organisation, member, outlet = buyer_organisation(credit_limit=credit_limit, net_days=net_days)
    shopper = shopper_get(user=member, organisation=organisation)
    product = on_sale(stock=stock, retail_price=price)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)
    return shopper, outlet, product


def stock(product):
    row = ProductStock.objects.get(product=product)
    return row.on_hand, row.reserved


def written():
    return (Checkout.objects.count(), Order.objects.count(), OrderEvent.objects.count(), TermsInvoice.objects.count(),
            Payment.objects.count())


def pay(invoice, amount, line):
    return bank_transfer_record(officer=officer(), reference=invoice.payment.reference, amount=amount,
                                bank_reference=line, received_on=timezone.localdate())


# --- terms ---------------------------------------------------------------------------------


def test_the_invoice_is_offered_only_to_members_of_organisations_with_active_terms():
    approved, _outlet, _product = terms_shopper()
    organisation, member, _outlet = buyer_organisation(credit_limit=None)
    without_terms = shopper_get(user=member, organisation=organisation)
    consumer, _address = consumer_shopper()

    assert checkout_payment_methods(shopper=approved) == ["card", "bank_transfer", "invoice"]
    assert checkout_payment_methods(shopper=without_terms) == ["card", "bank_transfer"]
    assert checkout_payment_methods(shopper=consumer) == ["card", "bank_transfer"]

    credit_terms_suspend(officer=officer(), organisation=approved.organisation)
    assert checkout_payment_methods(shopper=approved) == ["card", "bank_transfer"]


def test_an_organisation_without_terms_cannot_place_on_terms_and_nothing_is_written():
    organisation, member, outlet = buyer_organisation(credit_limit=None)
    shopper = shopper_get(user=member, organisation=organisation)
    product = on_sale(stock=10)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)

    with pytest.raises(PaymentMethodInvalid):
        place(shopper, destination=outlet, method="invoice")

    assert written() == (0, 0, 0, 0, 0)
    assert stock(product) == (10, 0)


def test_an_officer_sets_changes_and_suspends_terms_and_each_change_is_recorded():
    organisation, _member, _outlet = buyer_organisation(credit_limit=None)
    first, second = officer(), officer()

    terms = credit_terms_set(officer=first, organisation=organisation, net_days=14, credit_limit=5_000_000)
    again = credit_terms_set(officer=first, organisation=organisation, net_days=14, credit_limit=5_000_000)
    changed = credit_terms_set(officer=second, organisation=organisation, net_days=30, credit_limit=7_500_000)
    suspended = credit_terms_suspend(officer=second, organisation=organisation)
    credit_terms_suspend(officer=second, organisation=organisation)

    assert terms.pk == again.pk == changed.pk == suspended.pk
    terms.refresh_from_db()
    assert (terms.net_days, terms.credit_limit, terms.status, terms.approved_by) == (30, 7_500_000, "suspended", second)
    assert terms.suspended_at is not None
    assert list(CreditTermsEvent.objects.values_list("kind", "net_days", "credit_limit", "actor")) == [
        ("set", 14, 5_000_000, first.pk), ("set", 30, 7_500_000, second.pk), ("suspended", 30, 7_500_000, second.pk)]
    # setting terms again reactivates them
    credit_terms_set(officer=first, organisation=organisation, net_days=30, credit_limit=7_500_000)
    terms.refresh_from_db()
    assert (terms.status, terms.suspended_at) == ("active", None)


@pytest.mark.parametrize(("net_days", "credit_limit", "errors"), [
    (15, 1_000_000, {"net_days": ["Choose 14 or 30 days."]}),
    ("30", 1_000_000, {"net_days": ["Choose 14 or 30 days."]}),
    (30, 0, {"credit_limit": ["Enter the credit limit in whole rupiah, more than zero."]}),
    (30, -5, {"credit_limit": ["Enter the credit limit in whole rupiah, more than zero."]}),
    (30, 1.5, {"credit_limit": ["Enter the credit limit in whole rupiah, more than zero."]}),
    (30, True, {"credit_limit": ["Enter the credit limit in whole rupiah, more than zero."]}),
    (30, 5_000_000_001, {"credit_limit": ["The credit limit can be at most Rp 5.000.000.000."]}),
    (7, None, {"net_days": ["Choose 14 or 30 days."],
               "credit_limit": ["Enter the credit limit in whole rupiah, more than zero."]}),
])
def test_bad_terms_are_refused_per_field_and_nothing_is_written(net_days, credit_limit, errors):
    organisation, _member, _outlet = buyer_organisation(credit_limit=None)

    with pytest.raises(TermsInvalid) as error:
        credit_terms_set(officer=officer(), organisation=organisation, net_days=net_days, credit_limit=credit_limit)

    assert {field: [str(m) for m in messages] for field, messages in error.value.fields.items()} == errors
    assert (CreditTerms.objects.count(), CreditTermsEvent.objects.count()) == (0, 0)


def test_only_officers_set_terms_and_only_for_buyer_organisations():
    organisation, member, _outlet = buyer_organisation(credit_limit=None)

    with pytest.raises(TermsForbidden):
        credit_terms_set(officer=member, organisation=organisation, net_days=30, credit_limit=1_000_000)
    with pytest.raises(TermsForbidden):
        credit_terms_suspend(officer=UserFactory(role=Role.OFFICER), organisation=organisation)  # not staff
    with pytest.raises(TermsInvalid) as error:
        credit_terms_set(officer=officer(), organisation=OrganisationFactory(kind="producer"), net_days=30,
                         credit_limit=1_000_000)
    assert error.value.fields == {"organisation": ["Payment terms are for buyer organisations only."]}
    with pytest.raises(TermsNotFound):
        credit_terms_suspend(officer=officer(), organisation=organisation)
    assert CreditTerms.objects.count() == 0


# --- placing -------------------------------------------------------------------------------


def test_an_order_on_terms_proceeds_at_once_with_a_due_date_and_a_transfer_reference():
    shopper, outlet, product = terms_shopper(net_days=14, price=100_000, quantity=3)

    checkout = place(shopper, destination=outlet, method="invoice")

    checkout.refresh_from_db()
    assert (checkout.status, checkout.reservation_expires_at, checkout.total) == ("on_terms", None, 300_000)
    assert list(checkout.orders.values_list("status", flat=True)) == ["placed"]
    assert stock(product) == (50, 3)
    invoice = TermsInvoice.objects.get(checkout=checkout)
    assert (invoice.net_days, invoice.due_on, invoice.organisation) == (
        14, timezone.localdate(checkout.created_at) + timedelta(days=14), shopper.organisation)
    assert (invoice.payment.provider, invoice.payment.amount, invoice.payment.received, invoice.payment.reference) == (
        "bank_transfer", 300_000, 0, bank_reference_for(checkout.pk))
    assert credit_outstanding(organisation=shopper.organisation) == 300_000
    assert credit_available(organisation=shopper.organisation) == 700_000


def test_an_order_over_the_credit_limit_is_refused_and_nothing_is_written():
    shopper, outlet, product = terms_shopper(credit_limit=500_000, price=100_000, quantity=3)
    first = place(shopper, destination=outlet, method="invoice")
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=3)
    before = written()

    with pytest.raises(CreditLimitExceeded) as error:
        place(shopper, destination=outlet, method="invoice")

    message = ("This order of Rp 300.000 is over your credit limit: Rp 200.000 of Rp 500.000 is left. "
               "Pay open invoices first, or choose another payment method.")
    assert error.value.message == message
    assert error.value.fields == {"payment_method": [message]}
    assert written() == before
    assert stock(product) == (50, 3)
    assert CartLine.objects.filter(cart__user=shopper.user).count() == 1
    # exactly up to the limit is fine
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
    assert place(shopper, destination=outlet, method="invoice").total == 200_000
    assert credit_available(organisation=shopper.organisation) == 0
    assert first.pk in set(TermsInvoice.objects.values_list("checkout", flat=True))


def test_while_an_invoice_is_overdue_new_orders_on_terms_are_refused_but_other_methods_work():
    shopper, outlet, product = terms_shopper(price=100_000, quantity=1)
    checkout = place(shopper, destination=outlet, method="invoice")
    checkout.refresh_from_db()
    today = timezone.localdate()
    # paying on the due date is in time
    TermsInvoice.objects.filter(checkout=checkout).update(due_on=today)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    assert place(shopper, destination=outlet, method="invoice").status == "on_terms"
    TermsInvoice.objects.filter(checkout=checkout).update(due_on=today - timedelta(days=1))
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    before = written()

    with translation.override("en"):
        with pytest.raises(InvoiceOverdue) as error:
            place(shopper, destination=outlet, method="invoice")

    due = today - timedelta(days=1)
    assert error.value.message == (
        f"Invoice {checkout.number} was due on {due.day} {due:%B} {due.year} and Rp 100.000 is still unpaid. Pay it "
        "before ordering on terms again, or choose another payment method.")
    assert written() == before
    assert stock(product) == (50, 2)
    assert [i.checkout_id for i in terms_invoices_overdue(organisation=shopper.organisation)] == [checkout.pk]
    assert credit_summary_get(organisation=shopper.organisation).overdue == 1
    assert place(shopper, destination=outlet, method="bank_transfer").status == "awaiting_payment"


def test_partial_then_full_transfer_settles_the_invoice_and_frees_the_credit():
    shopper, outlet, product = terms_shopper(credit_limit=500_000, price=100_000, quantity=5)
    checkout = place(shopper, destination=outlet, method="invoice")
    invoice = TermsInvoice.objects.select_related("payment").get(checkout=checkout)
    assert credit_available(organisation=shopper.organisation) == 0

    pay(invoice, 200_000, "BJ-0001")

    checkout.refresh_from_db()
    assert checkout.status == "on_terms"
    assert (credit_outstanding(organisation=shopper.organisation),
            credit_available(organisation=shopper.organisation)) == (300_000, 200_000)
    row = terms_invoice_list(organisation=shopper.organisation).get()
    assert (row.paid, row.outstanding, row.is_open) == (200_000, 300_000, True)

    pay(invoice, 300_000, "BJ-0002")
    pay(invoice, 300_000, "BJ-0002")  # the same statement line again changes nothing

    checkout.refresh_from_db()
    assert (checkout.status, checkout.payment_reference) == ("paid", invoice.payment.reference)
    assert list(checkout.orders.values_list("status", flat=True)) == ["placed"]
    assert (credit_outstanding(organisation=shopper.organisation),
            credit_available(organisation=shopper.organisation)) == (0, 500_000)
    row = terms_invoice_list(organisation=shopper.organisation).get()
    assert (row.paid, row.outstanding, row.is_open) == (500_000, 0, False)
    # the freed credit takes a new order of the whole limit
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=5)
    assert place(shopper, destination=outlet, method="invoice").status == "on_terms"


@pytest.mark.django_db(transaction=True)
def test_concurrent_placements_of_one_organisation_never_pass_the_credit_limit():
    # given five members of one organisation, Rp 250.000 of credit, each with Rp 100.000 in the cart
    organisation, owner, outlet = buyer_organisation(credit_limit=250_000)
    product = on_sale(stock=100, retail_price=100_000)
    members = [owner] + [MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER,
                                           user=UserFactory(role=Role.BUYER)).user for _ in range(4)]
    shoppers = [shopper_get(user=member, organisation=organisation) for member in members]
    for shopper in shoppers:
        cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    delivery = pickup_for(shoppers[0])

    results = race(5, lambda i: place(shoppers[i], destination=outlet, method="invoice", delivery=delivery,
                                      expected_total=100_000))

    placed = [r for r in results if isinstance(r, Checkout)]
    refused = [r for r in results if isinstance(r, CreditLimitExceeded)]
    assert (len(placed), len(refused)) == (2, 3), results
    assert {str(error.message) for error in refused} == {
        "This order of Rp 100.000 is over your credit limit: Rp 50.000 of Rp 250.000 is left. "
        "Pay open invoices first, or choose another payment method."}
    assert credit_outstanding(organisation=organisation) == 200_000
    assert (TermsInvoice.objects.count(), Order.objects.count(), stock(product)) == (2, 2, (100, 2))


# --- reminders -----------------------------------------------------------------------------


@pytest.mark.parametrize(("days_after_due", "kind"), [
    (-4, None), (-3, "before"), (-1, "before"), (0, "before"), (1, "overdue:1"), (2, "overdue:1"),
    (7, "overdue:1"), (8, "overdue:8"), (14, "overdue:8"), (15, "overdue:15"), (40, "overdue:36"),
])
def test_which_reminder_is_due(days_after_due, kind):
    due = date(2026, 12, 10)
    assert reminder_kind(due_on=due, today=due + timedelta(days=days_after_due)) == kind


def test_reminders_go_out_once_each_before_and_after_the_due_date_in_each_members_language(
        django_capture_on_commit_callbacks):
    # given an invoice due on 10 December 2026 and two members: one reads English, one Indonesian
    shopper, outlet, _product = terms_shopper(price=100_000, quantity=2)
    shopper.user.language = "en"
    shopper.user.save(update_fields=["language"])
    colleague = MembershipFactory(organisation=shopper.organisation, role=Membership.Role.MANAGER,
                                  user=UserFactory(role=Role.BUYER, language="id")).user
    inactive = MembershipFactory(organisation=shopper.organisation, user=UserFactory(role=Role.BUYER)).user
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    checkout = place(shopper, destination=outlet, method="invoice")
    checkout.refresh_from_db()
    invoice = TermsInvoice.objects.select_related("payment").get(checkout=checkout)
    due = date(2026, 12, 10)
    TermsInvoice.objects.filter(pk=invoice.pk).update(due_on=due)
    mail.outbox.clear()

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return terms_reminders_send(today=day)

    # when the daily task runs every day from six days before the due date to nine days after, twice a day
    sent = {}
    for offset in range(-6, 10):
        day = due + timedelta(days=offset)
        sent[offset] = (run(day), run(day))

    # then one reminder before (3 days ahead), one the day after, one a week later
    assert {offset: counts for offset, counts in sent.items() if counts != (0, 0)} == {
        -3: (1, 0), 1: (1, 0), 8: (1, 0)}
    assert list(TermsReminder.objects.values_list("kind", "recipients")) == [
        ("before", 2), ("overdue:1", 2), ("overdue:8", 2)]
    assert [m.to for m in mail.outbox] == [[shopper.user.email], [colleague.email]] * 3
    english, indonesian = mail.outbox[0], mail.outbox[1]
    reference = bank_reference_for(checkout.pk)
    assert english.subject == f"Invoice {checkout.number} is due on 10 December 2026"
    assert english.body == (
        f"Invoice {checkout.number} of Rp 200.000 is due on 10 December 2026. Still to pay: Rp 200.000.\n\n"
        f"Transfer to {settings.PAYMENTS_BANK_NAME} account {settings.PAYMENTS_BANK_ACCOUNT_NUMBER} "
        f"({settings.PAYMENTS_BANK_ACCOUNT_NAME}) and write the reference {reference} on the transfer.")
    assert "10 Desember 2026" in indonesian.subject and reference in indonesian.body
    assert mail.outbox[2].subject == f"Invoice {checkout.number} is overdue"
    assert mail.outbox[2].body.startswith(
        f"Invoice {checkout.number} was due on 10 December 2026 and Rp 200.000 is still unpaid. New orders on terms "
        "are paused until it is paid.")


def test_no_reminder_for_a_paid_invoice_and_the_task_is_scheduled_daily(django_capture_on_commit_callbacks):
    shopper, outlet, _product = terms_shopper(price=100_000, quantity=1)
    checkout = place(shopper, destination=outlet, method="invoice")
    invoice = TermsInvoice.objects.select_related("payment").get(checkout=checkout)
    TermsInvoice.objects.filter(pk=invoice.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    pay(invoice, 100_000, "BJ-0100")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert terms_reminders_send_task.delay().get() == 0

    assert (mail.outbox, TermsReminder.objects.count()) == ([], 0)
    assert settings.CELERY_BEAT_SCHEDULE["payments-terms-reminders"]["task"] == (
        "payments.tasks.terms_reminders_send_task")


def test_the_quote_total_is_what_the_credit_counts():
    shopper, outlet, _product = terms_shopper(price=12_345, quantity=3)
    total = cart_quote(shopper=shopper, delivery=pickup_for(shopper)).total

    place(shopper, destination=outlet, method="invoice")

    assert credit_outstanding(organisation=shopper.organisation) == total == 37_035


def test_the_api_lists_the_organisations_invoices_and_credit_for_its_members_only(client):
    shopper, outlet, _product = terms_shopper(credit_limit=500_000, price=100_000, quantity=2)
    checkout = place(shopper, destination=outlet, method="invoice")
    checkout.refresh_from_db()
    invoice = TermsInvoice.objects.select_related("payment").get(checkout=checkout)
    pay(invoice, 50_000, "BJ-0200")
    client.force_login(shopper.user)

    response = client.get("/api/v1/payments/invoices/")

    assert response.status_code == 200
    body = response.json()
    assert body["credit"] == {"status": "active", "net_days": 30, "credit_limit": 500_000, "outstanding": 150_000,
                              "available": 350_000, "overdue": 0}
    assert body["count"] == 1
    assert body["results"] == [{
        "number": checkout.number, "checkout_id": checkout.pk, "placed_at": body["results"][0]["placed_at"],
        "due_on": invoice.due_on.isoformat(), "net_days": 30, "amount": 200_000, "paid": 50_000, "credited": 0,
        "outstanding": 150_000, "status": "due", "reference": bank_reference_for(checkout.pk)}]
    consumer, _address = consumer_shopper()
    client.force_login(consumer.user)
    assert client.get("/api/v1/payments/invoices/").json()["code"] == "terms_not_found"
    client.force_login(UserFactory(role=Role.BUYER))
    assert client.get(f"/api/v1/payments/invoices/?organisation={shopper.organisation.pk}").status_code == 404


def test_terms_are_for_verified_buyer_organisations_only():
    # given: a buyer organisation whose registration no officer has verified
    organisation, _owner, _outlet = buyer_organisation(credit_limit=None, verified=False)

    # when / then: terms are refused, and nothing is written
    with pytest.raises(TermsInvalid) as error:
        credit_terms_set(officer=officer(), organisation=organisation, net_days=30, credit_limit=1_000_000)
    assert error.value.fields == {"organisation": [
        "Verify the organisation's registration first: payment terms are for verified buyers only."]}
    assert (CreditTerms.objects.count(), CreditTermsEvent.objects.count()) == (0, 0)
