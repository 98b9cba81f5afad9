"""Edges of payments/services/terms.py that mutation testing found unguarded (docs/testing.md).

The limits of the terms an officer sets, who may set them, what placing on terms checks (terms,
overdue invoices, what is left of the limit), the invoice written at placing, and when and to
whom the reminders go.
"""
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from market.accounts.models import Membership, Role
from orders.models import Checkout, PaymentMethod
from orders.selectors import shopper_get
from orders.services import cart_line_set
from payments.exceptions import CreditLimitExceeded, TermsForbidden, TermsInvalid, TermsNotApproved
from payments.models import CreditTerms, CreditTermsEvent, Payment, TermsInvoice, TermsReminder
from payments.services.terms import (
    credit_terms_check,
    credit_terms_set,
    credit_terms_suspend,
    reminder_kind,
    terms_invoice_open,
    terms_reminders_send,
)
from tests.factories import MembershipFactory, UserFactory
from tests.orders.factories import buyer_organisation, officer, on_sale, place

pytestmark = pytest.mark.django_db


def organisation_without_terms():
    organisation, _member, _outlet = buyer_organisation(credit_limit=None)
    return organisation


@pytest.mark.parametrize(("net_days", "credit_limit"), [(14, 1), (30, 5_000_000_000)])
def test_terms_of_14_or_30_days_and_a_limit_from_1_rupiah_to_the_maximum_are_accepted(net_days, credit_limit):
    organisation = organisation_without_terms()
    approver = officer()

    terms = credit_terms_set(officer=approver, organisation=organisation, net_days=net_days, credit_limit=credit_limit)

    stored = CreditTerms.objects.get()
    assert (stored.pk, stored.organisation, stored.net_days, stored.credit_limit, stored.status, stored.approved_by) == (
        terms.pk, organisation, net_days, credit_limit, "active", approver)
    assert stored.approved_at is not None and stored.suspended_at is None
    assert list(CreditTermsEvent.objects.values_list("terms", "kind", "net_days", "credit_limit", "actor")) == [
        (terms.pk, "set", net_days, credit_limit, approver.pk)]


def test_an_officer_no_longer_active_sets_and_suspends_nothing():
    organisation = organisation_without_terms()
    credit_terms_set(officer=officer(), organisation=organisation, net_days=30, credit_limit=1_000)
    gone = officer()
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    with pytest.raises(TermsForbidden):
        credit_terms_set(officer=gone, organisation=organisation, net_days=14, credit_limit=2_000)
    with pytest.raises(TermsForbidden):
        credit_terms_suspend(officer=gone, organisation=organisation)
    with pytest.raises(TermsForbidden):
        credit_terms_set(officer=object(), organisation=organisation, net_days=14, credit_limit=2_000)

    assert list(CreditTerms.objects.values_list("net_days", "credit_limit", "status")) == [(30, 1_000, "active")]
    assert CreditTermsEvent.objects.count() == 1


def test_an_organisation_refused_for_its_kind_is_not_also_refused_for_its_registration():
    with pytest.raises(TermsInvalid) as error:
        credit_terms_set(officer=officer(), organisation=object(), net_days=14, credit_limit=0)

    assert error.value.fields == {"organisation": ["Payment terms are for buyer organisations only."],
                                  "credit_limit": ["Enter the credit limit in whole rupiah, more than zero."]}


def test_suspending_records_when_and_who_and_setting_again_reactivates_with_a_new_approval():
    organisation = organisation_without_terms()
    first, second = officer(), officer()
    credit_terms_set(officer=first, organisation=organisation, net_days=30, credit_limit=1_000)

    suspended = credit_terms_suspend(officer=second, organisation=organisation)

    stored = CreditTerms.objects.get()
    assert (suspended.status, stored.status) == ("suspended", "suspended")
    assert stored.suspended_at == suspended.suspended_at is not None
    approved_at = stored.approved_at
    assert list(CreditTermsEvent.objects.filter(kind="suspended").values_list("net_days", "credit_limit", "actor")) == [
        (30, 1_000, second.pk)]
    assert credit_terms_suspend(officer=first, organisation=organisation).suspended_at == stored.suspended_at

    again = credit_terms_set(officer=second, organisation=organisation, net_days=30, credit_limit=1_000)

    stored.refresh_from_db()
    assert (again.pk, stored.status, stored.suspended_at, stored.approved_by) == (stored.pk, "active", None, second)
    assert stored.approved_at > approved_at
    assert CreditTermsEvent.objects.filter(kind="set").count() == 2


# --- placing on terms ------------------------------------------------------------------------------


def test_no_organisation_no_terms_or_suspended_terms_refuse_the_invoice():
    without = organisation_without_terms()
    suspended, _member, _outlet = buyer_organisation()
    credit_terms_suspend(officer=officer(), organisation=suspended)
    refused = {"payment_method": [
        "Your organisation is not approved to pay by invoice. Choose another payment method."]}

    for organisation in (None, without, suspended):
        with pytest.raises(TermsNotApproved) as error:
            credit_terms_check(organisation=organisation, total=1)
        assert error.value.fields == refused


def test_what_is_left_of_the_limit_is_never_below_zero_and_a_total_up_to_it_passes():
    organisation, member, outlet = buyer_organisation(credit_limit=300_000)
    shopper = shopper_get(user=member, organisation=organisation)
    product = on_sale(stock=50, retail_price=100_000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=3)
    place(shopper, destination=outlet, method="invoice")

    assert credit_terms_check(organisation=organisation, total=0).organisation == organisation
    # the limit lowered below what is owed: nothing is left, and the message says so
    credit_terms_set(officer=officer(), organisation=organisation, net_days=30, credit_limit=200_000)
    with pytest.raises(CreditLimitExceeded) as error:
        credit_terms_check(organisation=organisation, total=1)
    assert error.value.message == ("This order of Rp 1 is over your credit limit: Rp 0 of Rp 200.000 is left. "
                                   "Pay open invoices first, or choose another payment method.")
    assert credit_terms_check(organisation=organisation, total=0).credit_limit == 200_000


def test_the_invoice_of_a_placement_on_terms_is_written_once_with_its_payment_and_due_date():
    organisation, member, outlet = buyer_organisation(credit_limit=1_000_000, net_days=14)
    shopper = shopper_get(user=member, organisation=organisation)
    product = on_sale(stock=50, retail_price=100_000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
    checkout = place(shopper, destination=outlet, method="invoice")
    checkout.refresh_from_db()

    again = terms_invoice_open(checkout=checkout)

    invoice = TermsInvoice.objects.get()
    assert again == invoice
    assert (invoice.checkout, invoice.organisation, invoice.net_days, invoice.due_on) == (
        checkout, organisation, 14, timezone.localdate(checkout.created_at) + timedelta(days=14))
    payment = Payment.objects.get()
    assert (invoice.payment, payment.checkout, payment.provider, payment.amount, payment.idempotency_key) == (
        payment, checkout, "bank_transfer", 200_000, f"bank_transfer:checkout:{checkout.pk}")


def test_no_invoice_for_other_methods_for_consumers_or_for_nothing_to_pay():
    organisation, member, outlet = buyer_organisation()
    shopper = shopper_get(user=member, organisation=organisation)
    product = on_sale(stock=50, retail_price=100_000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    transfer = place(shopper, destination=outlet, method="bank_transfer")
    payments = Payment.objects.count()

    assert terms_invoice_open(checkout=transfer) is None
    on_terms = Checkout(pk=transfer.pk, payment_method=PaymentMethod.INVOICE, organisation=None, total=100_000)
    assert terms_invoice_open(checkout=on_terms) is None
    free = Checkout(pk=transfer.pk, payment_method=PaymentMethod.INVOICE, organisation=organisation, total=0)
    assert terms_invoice_open(checkout=free) is None
    assert (TermsInvoice.objects.count(), Payment.objects.count()) == (0, payments)


def test_without_terms_an_invoice_gets_the_longer_term():
    organisation, member, outlet = buyer_organisation()
    shopper = shopper_get(user=member, organisation=organisation)
    product = on_sale(stock=50, retail_price=100_000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    checkout = place(shopper, destination=outlet, method="invoice")
    checkout.refresh_from_db()
    TermsInvoice.objects.all().delete()
    CreditTermsEvent.objects.all().delete()
    CreditTerms.objects.all().delete()

    invoice = terms_invoice_open(checkout=checkout)

    assert (invoice.net_days, invoice.due_on) == (30, timezone.localdate(checkout.created_at) + timedelta(days=30))


# --- reminders -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "repeat", "days_after_due", "kind"), [
    (0, 0, 1, "overdue:1"), (0, 0, 2, "overdue:2"), (0, 0, 3, "overdue:3"),
    (2, 3, 1, None), (2, 3, 2, "overdue:2"), (2, 3, 4, "overdue:2"), (2, 3, 5, "overdue:5"),
])
def test_reminders_after_the_due_date_start_at_day_1_at_the_earliest_and_repeat_at_least_daily(
        settings, first, repeat, days_after_due, kind):
    settings.PAYMENTS_TERMS_REMINDER_FIRST_DAYS_AFTER = first
    settings.PAYMENTS_TERMS_REMINDER_REPEAT_DAYS = repeat
    due = date(2026, 12, 10)

    assert reminder_kind(due_on=due, today=due + timedelta(days=days_after_due)) == kind


@pytest.mark.parametrize(("before", "days_after_due", "kind"), [(0, 0, "before"), (0, -1, None), (5, -5, "before"),
                                                                 (5, -6, None)])
def test_the_reminder_before_starts_the_configured_days_ahead(settings, before, days_after_due, kind):
    settings.PAYMENTS_TERMS_REMINDER_DAYS_BEFORE = before
    due = date(2026, 12, 10)

    assert reminder_kind(due_on=due, today=due + timedelta(days=days_after_due)) == kind


def invoice_due(due_on, *, members=()):
    organisation, member, outlet = buyer_organisation()
    shopper = shopper_get(user=member, organisation=organisation)
    product = on_sale(stock=50, retail_price=100_000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    checkout = place(shopper, destination=outlet, method="invoice")
    TermsInvoice.objects.filter(checkout=checkout).update(due_on=due_on)
    for user in members:
        MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER, user=user)
    return member, checkout


def test_reminders_go_to_active_members_with_an_email_in_their_language_or_the_sites(
        django_capture_on_commit_callbacks):
    due = date(2026, 12, 10)
    no_email, no_language = UserFactory(role=Role.BUYER, email=""), UserFactory(role=Role.BUYER, language="")
    member, checkout = invoice_due(due, members=[no_email, no_language])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert terms_reminders_send(today=due - timedelta(days=3)) == 1

    assert list(TermsReminder.objects.values_list("kind", "recipients")) == [("before", 2)]
    assert [m.to for m in mail.outbox] == [[member.email], [no_language.email]]
    # the site's language (Indonesian) for a member without one
    assert mail.outbox[1].subject == f"Faktur {checkout.number} jatuh tempo pada 10 Desember 2026"


def test_reminders_look_three_days_ahead_and_skip_paid_invoices(django_capture_on_commit_callbacks):
    today = date(2026, 12, 1)
    _member, soon = invoice_due(today + timedelta(days=3))
    _other, later = invoice_due(today + timedelta(days=4))

    with django_capture_on_commit_callbacks(execute=True):
        assert terms_reminders_send(today=today) == 1

    assert list(TermsReminder.objects.values_list("invoice__checkout", flat=True)) == [soon.pk]


def test_the_overdue_reminder_says_what_is_unpaid_and_how_to_pay_word_for_word(settings,
                                                                               django_capture_on_commit_callbacks):
    due = date(2026, 12, 10)
    member, checkout = invoice_due(due)
    member.language = "en"
    member.save(update_fields=["language"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert terms_reminders_send(today=due + timedelta(days=1)) == 1

    (message,) = mail.outbox
    reference = TermsInvoice.objects.get().payment.reference
    assert message.subject == f"Invoice {checkout.number} is overdue"
    assert message.body == (
        f"Invoice {checkout.number} was due on 10 December 2026 and Rp 100.000 is still unpaid. New orders on terms "
        "are paused until it is paid.\n\n"
        f"Transfer to {settings.PAYMENTS_BANK_NAME} account {settings.PAYMENTS_BANK_ACCOUNT_NUMBER} "
        f"({settings.PAYMENTS_BANK_ACCOUNT_NAME}) and write the reference {reference} on the transfer.")


def test_reminders_go_by_due_date_skip_what_is_settled_and_carry_on(django_capture_on_commit_callbacks):
    today = date(2026, 12, 10)
    later_member, later = invoice_due(today + timedelta(days=2))  # placed first, due last
    sooner_member, sooner = invoice_due(today + timedelta(days=1))
    _settled_member, settled = invoice_due(today - timedelta(days=1))  # overdue, but credited in full
    TermsInvoice.objects.filter(checkout=settled).update(credited=100_000)
    TermsInvoice.objects.filter(checkout=later).update(credited=99_999)  # 1 rupiah still owed
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert terms_reminders_send(today=today) == 2

    assert list(TermsReminder.objects.order_by("pk").values_list("invoice__checkout", "kind")) == [
        (sooner.pk, "before"), (later.pk, "before")]
    assert [m.to for m in mail.outbox] == [[sooner_member.email], [later_member.email]]


def test_no_reminder_once_the_checkout_is_paid_whatever_the_transfer_received(django_capture_on_commit_callbacks):
    from orders.services import checkout_mark_paid

    today = date(2026, 12, 10)
    _member, checkout = invoice_due(today - timedelta(days=1))
    checkout_mark_paid(checkout=checkout, reference="KAS-0001")  # paid another way: the transfer received nothing
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert terms_reminders_send(today=today) == 0

    assert (mail.outbox, TermsReminder.objects.count()) == ([], 0)


def test_reminders_read_each_invoice_with_its_checkout_payment_and_members_in_few_queries(
        django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = date(2026, 12, 10)
    invoice_due(today + timedelta(days=1), members=[UserFactory(role=Role.BUYER)])
    invoice_due(today + timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
        assert terms_reminders_send(today=today) == 2

    one_by_one = [query["sql"] for query in queries.captured_queries
                  if any(f'FROM "{table}" WHERE "{table}"."id" =' in query["sql"]
                         for table in ("orders_checkout", "payments_payment", "accounts_user"))]
    assert one_by_one == []


def test_another_organisations_overdue_invoice_does_not_stop_this_one_ordering_on_terms():
    today = timezone.localdate()
    invoice_due(today - timedelta(days=5))  # another organisation is late
    organisation, _member, _outlet = buyer_organisation(credit_limit=500_000)

    assert credit_terms_check(organisation=organisation, total=500_000).organisation == organisation


def test_a_second_run_on_the_same_day_sends_only_what_the_first_did_not(django_capture_on_commit_callbacks):
    today = date(2026, 12, 10)
    first_member, first = invoice_due(today + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert terms_reminders_send(today=today) == 1
    second_member, second = invoice_due(today + timedelta(days=2))  # due after the one already reminded
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert terms_reminders_send(today=today) == 1

    assert [m.to for m in mail.outbox] == [[second_member.email]]
    assert list(TermsReminder.objects.order_by("pk").values_list("invoice__checkout", flat=True)) == [
        first.pk, second.pk]


def test_an_overdue_invoice_refuses_the_payment_method_field_with_its_message():
    from payments.exceptions import InvoiceOverdue

    member, checkout = invoice_due(timezone.localdate() - timedelta(days=1))
    organisation = checkout.organisation

    with pytest.raises(InvoiceOverdue) as error:
        credit_terms_check(organisation=organisation, total=1)

    assert error.value.fields == {"payment_method": [error.value.message]}
    assert str(error.value.message).startswith(f"Invoice {Checkout.objects.get().number} was due on ")


# --- what the services showed once their transaction decorators no longer hid them from mutmut ----------


def test_nobody_at_all_sets_terms():
    organisation = organisation_without_terms()

    with pytest.raises(TermsForbidden):
        credit_terms_set(officer=None, organisation=organisation, net_days=14, credit_limit=1_000_000)
    assert not CreditTerms.objects.filter(organisation=organisation).exists()


def test_the_due_date_counts_from_the_day_the_checkout_was_placed_not_from_today():
    organisation, member, outlet = buyer_organisation(credit_limit=1_000_000, net_days=14)
    shopper = shopper_get(user=member, organisation=organisation)
    product = on_sale(stock=50, retail_price=100_000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    checkout = place(shopper, destination=outlet, method="invoice")
    # given: a checkout placed three days ago whose invoice was not written then (the hook switched off)
    TermsInvoice.objects.filter(checkout=checkout).delete()
    Checkout.objects.filter(pk=checkout.pk).update(created_at=timezone.now() - timedelta(days=3))
    checkout.refresh_from_db()

    invoice = terms_invoice_open(checkout=checkout)

    assert invoice.due_on == timezone.localdate() - timedelta(days=3) + timedelta(days=14)


def test_a_checkout_of_one_rupiah_on_terms_gets_its_invoice():
    organisation, member, outlet = buyer_organisation(credit_limit=1_000_000, net_days=30)
    shopper = shopper_get(user=member, organisation=organisation)
    product = on_sale(stock=50, retail_price=100_000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    checkout = place(shopper, destination=outlet, method="invoice")
    TermsInvoice.objects.filter(checkout=checkout).delete()
    one_rupiah = Checkout(pk=checkout.pk, payment_method=PaymentMethod.INVOICE, organisation=organisation, total=1,
                          created_at=checkout.created_at)

    invoice = terms_invoice_open(checkout=one_rupiah)

    assert invoice is not None and invoice.checkout == checkout


@pytest.mark.django_db(transaction=True)
def test_two_officers_approving_the_first_terms_at_once_make_one_set_of_terms():
    from tests.concurrency import while_held

    organisation = organisation_without_terms()
    first_officer, second_officer = officer(), officer()

    # the first approval holds the organisation's row; the second waits for it meanwhile
    _first, second = while_held(
        lambda: credit_terms_set(officer=first_officer, organisation=organisation, net_days=14, credit_limit=1_000_000),
        lambda: credit_terms_set(officer=second_officer, organisation=organisation, net_days=30, credit_limit=2_000_000))

    # then: the second approval changed the first's terms (it saw them once it had the lock), one row, two events
    assert isinstance(second, CreditTerms), second
    terms = CreditTerms.objects.get(organisation=organisation)
    assert (terms.net_days, terms.credit_limit) == (30, 2_000_000)
    assert CreditTermsEvent.objects.filter(terms=terms).count() == 2
