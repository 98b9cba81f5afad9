"""Invoices on terms: approved buyer organisations order now and pay each invoice within 14 or 30 days.

- An officer sets an organisation's terms (``credit_terms_set``: net days, credit limit) or
  suspends them (``credit_terms_suspend``); each change writes a ``CreditTermsEvent``.
- The invoice method is offered only to members of organisations with active terms
  (``payments.integration``). At placing, inside the placing transaction, ``credit_terms_check``
  locks the organisation's terms row, so its placements on terms run one after the other, and
  refuses while an invoice is overdue or when the order would take what is owed over the limit.
- The checkout's ``TermsInvoice`` (due date) and its bank transfer ``Payment`` (the reference the
  buyer writes on the transfer) are written in the same transaction (``terms_invoice_open``).
  Officers record transfers with ``bank_transfer_record`` as for any transfer, in part or in
  full; paid in full, the checkout is marked paid and the credit is free again.
- ``terms_reminders_send`` (daily) emails the organisation's members before the due date and
  after it, each reminder once, in each person's language.

What is owed is derived: the checkout's total minus what its payment received, for every
checkout still ``on_terms``. Nothing counts it twice.
"""
from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from buyers.selectors import buyer_organisation_is_verified
from market.accounts.models import Membership, Organisation, User
from market.core.money import format_rupiah
from orders.models import Checkout, PaymentMethod
from payments.exceptions import (
    CreditLimitExceeded,
    InvoiceOverdue,
    TermsForbidden,
    TermsInvalid,
    TermsNotApproved,
    TermsNotFound,
)
from payments.models import (
    MAX_CREDIT_LIMIT,
    CreditTerms,
    CreditTermsEvent,
    Payment,
    Provider,
    TermsInvoice,
    TermsReminder,
)
from payments.selectors import credit_outstanding, terms_invoice_owed, terms_invoices_overdue

NET_DAYS = tuple(CreditTerms.NetDays.values)
REMINDER_BEFORE = "before"


def _whole_rupiah(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _day(value: date) -> str:
    """Return a date the way people read it in the active language (``7 Desember 2026``)."""
    return formats.date_format(value, "j F Y")


# --- officers set and suspend terms ------------------------------------------------------------


def _officer_check(officer: User) -> None:
    if not (getattr(officer, "is_active", False) and getattr(officer, "is_officer", False)):
        raise TermsForbidden()


@transaction.atomic
def credit_terms_set(*, officer: User, organisation: Organisation, net_days: int, credit_limit: int) -> CreditTerms:
    """Approve (or change) a buyer organisation's terms: pay within ``net_days``, owe at most ``credit_limit``.

    Setting terms also reactivates suspended ones. Invoices already placed keep their due dates.
    Setting the same terms again (a double-clicked form) changes nothing.
    """
    _officer_check(officer)
    errors: dict[str, list[str]] = {}
    if getattr(organisation, "kind", None) != Organisation.Kind.BUYER:
        errors["organisation"] = [_("Payment terms are for buyer organisations only.")]
    elif not buyer_organisation_is_verified(organisation=organisation):
        errors["organisation"] = [_("Verify the organisation's registration first: payment terms are for verified "
                                    "buyers only.")]
    if not _whole_rupiah(net_days) or net_days not in NET_DAYS:
        errors["net_days"] = [_("Choose 14 or 30 days.")]
    if not _whole_rupiah(credit_limit) or credit_limit <= 0:
        errors["credit_limit"] = [_("Enter the credit limit in whole rupiah, more than zero.")]
    elif credit_limit > MAX_CREDIT_LIMIT:
        errors["credit_limit"] = [_("The credit limit can be at most %(max)s.") % {"max": format_rupiah(MAX_CREDIT_LIMIT)}]
    if errors:
        raise TermsInvalid(fields=errors)
    # The organisation row serialises the first approval (two officers at once create one row);
    # placements lock only the terms row, after the cart, so the lock order never crosses.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    terms = CreditTerms.objects.select_for_update().filter(organisation=organisation).first()
    now = timezone.now()
    if terms is None:
        terms = CreditTerms.objects.create(organisation=organisation, net_days=net_days, credit_limit=credit_limit,
                                           status=CreditTerms.Status.ACTIVE, approved_by=officer, approved_at=now)
    elif (terms.net_days, terms.credit_limit, terms.status) == (net_days, credit_limit, CreditTerms.Status.ACTIVE):
        return terms
    else:
        terms.net_days, terms.credit_limit, terms.status = net_days, credit_limit, CreditTerms.Status.ACTIVE
        terms.approved_by, terms.approved_at, terms.suspended_at = officer, now, None
        terms.save()
    CreditTermsEvent.objects.create(terms=terms, kind=CreditTermsEvent.Kind.SET, net_days=net_days,
                                    credit_limit=credit_limit, actor=officer)
    return terms


@transaction.atomic
def credit_terms_suspend(*, officer: User, organisation: Organisation) -> CreditTerms:
    """Stop new orders on terms for ``organisation``; its open invoices stay due as before."""
    _officer_check(officer)
    terms = CreditTerms.objects.select_for_update().filter(organisation=organisation).first()
    if terms is None:
        raise TermsNotFound()
    if terms.status == CreditTerms.Status.SUSPENDED:
        return terms
    terms.status, terms.suspended_at = CreditTerms.Status.SUSPENDED, timezone.now()
    terms.save(update_fields=["status", "suspended_at", "updated_at"])
    CreditTermsEvent.objects.create(terms=terms, kind=CreditTermsEvent.Kind.SUSPENDED, net_days=terms.net_days,
                                    credit_limit=terms.credit_limit, actor=officer)
    return terms


# --- placing on terms ------------------------------------------------------------------------


def credit_terms_check(*, organisation: Organisation | None, total: int) -> CreditTerms:
    """Refuse an order on terms unless the organisation may owe ``total`` more; call inside the placing transaction.

    Locks the organisation's terms row until the placing commits: a concurrent placement waits
    here and then counts this one's invoice, so together they never pass the limit.
    """
    terms = (CreditTerms.objects.select_for_update().filter(organisation=organisation).first()
             if organisation is not None else None)
    if organisation is None or terms is None or terms.status != CreditTerms.Status.ACTIVE:
        raise TermsNotApproved(fields={"payment_method": [str(TermsNotApproved.default_message)]})
    overdue = terms_invoices_overdue(organisation=organisation).first()
    if overdue is not None:
        message = _("Invoice %(number)s was due on %(date)s and %(amount)s is still unpaid. Pay it before "
                    "ordering on terms again, or choose another payment method.") % {
            "number": overdue.checkout.number, "date": _day(overdue.due_on),
            "amount": format_rupiah(overdue.outstanding)}  # type: ignore[attr-defined]  # annotated by the selector
        raise InvoiceOverdue(message, fields={"payment_method": [message]})
    available = max(terms.credit_limit - credit_outstanding(organisation=organisation), 0)
    if total > available:
        message = _("This order of %(total)s is over your credit limit: %(available)s of %(limit)s is left. "
                    "Pay open invoices first, or choose another payment method.") % {
            "total": format_rupiah(total), "available": format_rupiah(available),
            "limit": format_rupiah(terms.credit_limit)}
        raise CreditLimitExceeded(message, fields={"payment_method": [message]})
    return terms


def terms_invoice_open(*, checkout: Checkout) -> TermsInvoice | None:
    """Write the invoice of a checkout just placed on terms: its due date and the payment it is paid through.

    Runs in the placing transaction (``orders.hooks.checkout_placed``); the due date counts the terms'
    net days from the day of placing (Asia/Jakarta). Idempotent by the checkout.
    """
    if checkout.payment_method != PaymentMethod.INVOICE or checkout.organisation_id is None or checkout.total <= 0:
        return None
    from payments.services.bank_transfer import bank_reference_for

    terms = CreditTerms.objects.filter(organisation_id=checkout.organisation_id).first()
    # Without terms only when the payments hooks are switched off (some orders tests): the longer term.
    net_days = terms.net_days if terms is not None else CreditTerms.NetDays.NET_30
    payment, _created = Payment.objects.get_or_create(
        idempotency_key=f"bank_transfer:checkout:{checkout.pk}",
        defaults={"checkout": checkout, "provider": Provider.BANK_TRANSFER, "amount": checkout.total,
                  "reference": bank_reference_for(checkout.pk)})
    invoice, _created = TermsInvoice.objects.get_or_create(checkout=checkout, defaults={
        "organisation_id": checkout.organisation_id, "payment": payment, "net_days": net_days,
        "due_on": timezone.localdate(checkout.created_at) + timedelta(days=net_days)})
    return invoice


# --- reminders -------------------------------------------------------------------------------


def reminder_kind(*, due_on: date, today: date) -> str | None:
    """Return which reminder is due today for an unpaid invoice, or ``None``.

    ``before`` from ``PAYMENTS_TERMS_REMINDER_DAYS_BEFORE`` days before the due date until the
    due date (a missed day catches up); after it ``overdue:<n>`` on day n = the first offset, then
    every repeat: a run after a gap sends only the latest reminder, not the ones it missed.
    """
    days_after = (today - due_on).days
    if days_after <= 0:
        return REMINDER_BEFORE if -days_after <= settings.PAYMENTS_TERMS_REMINDER_DAYS_BEFORE else None
    first = max(settings.PAYMENTS_TERMS_REMINDER_FIRST_DAYS_AFTER, 1)
    repeat = max(settings.PAYMENTS_TERMS_REMINDER_REPEAT_DAYS, 1)
    if days_after < first:
        return None
    return f"overdue:{first + (days_after - first) // repeat * repeat}"


def _reminder_message(*, invoice: TermsInvoice, kind: str, outstanding: int) -> tuple[str, str]:
    values = {"number": invoice.checkout.number, "date": _day(invoice.due_on),
              "total": format_rupiah(invoice.checkout.total), "outstanding": format_rupiah(outstanding),
              "reference": invoice.payment.reference, "bank": settings.PAYMENTS_BANK_NAME,
              "account": settings.PAYMENTS_BANK_ACCOUNT_NUMBER, "holder": settings.PAYMENTS_BANK_ACCOUNT_NAME}
    how = _("Transfer to %(bank)s account %(account)s (%(holder)s) and write the reference %(reference)s "
            "on the transfer.") % values
    if kind == REMINDER_BEFORE:
        return (_("Invoice %(number)s is due on %(date)s") % values,
                _("Invoice %(number)s of %(total)s is due on %(date)s. Still to pay: %(outstanding)s.") % values
                + "\n\n" + how)
    return (_("Invoice %(number)s is overdue") % values,
            _("Invoice %(number)s was due on %(date)s and %(outstanding)s is still unpaid. New orders on terms "
              "are paused until it is paid.") % values + "\n\n" + how)


def terms_reminders_send(*, today: date | None = None) -> int:
    """Email the members of each organisation with an invoice due soon or overdue; return how many reminders.

    Each (invoice, kind) reminder is recorded before its emails are queued, in one short
    transaction per invoice, and the emails leave after commit: a second or overlapping run finds
    the record and sends nothing again.
    """
    from market.core.tasks import email_send_task

    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.PAYMENTS_TERMS_REMINDER_DAYS_BEFORE)
    invoices = list(TermsInvoice.objects.filter(checkout__status=Checkout.Status.ON_TERMS, due_on__lte=horizon)
                    .select_related("checkout", "payment").annotate(outstanding=terms_invoice_owed())
                    .order_by("due_on", "pk"))
    sent = 0
    for invoice in invoices:
        kind = reminder_kind(due_on=invoice.due_on, today=today)
        if kind is None or invoice.outstanding <= 0:
            continue
        people = [m.user for m in Membership.objects.filter(organisation_id=invoice.organisation_id)
                  .select_related("user").order_by("pk") if m.user.is_active and m.user.email]
        with transaction.atomic():
            try:
                with transaction.atomic():
                    TermsReminder.objects.create(invoice=invoice, kind=kind, recipients=len(people))
            except IntegrityError:
                continue  # sent by an earlier (or overlapping) run
            for user in people:
                with translation.override(user.language or settings.LANGUAGE_CODE):
                    subject, body = _reminder_message(invoice=invoice, kind=kind, outstanding=invoice.outstanding)
                email_send_task.delay_on_commit(subject=subject, body=body, to=[user.email])
        sent += 1
    return sent
