"""Payout batches: available balances to producers' bank accounts, exported as CSV, marked paid.

Making a batch moves each payout out of the producer's account at once (``Dr producer /
Cr payouts in transit``), so the available balance never counts money already in a batch; marking
the batch paid moves it out of the platform (``Dr payouts in transit / Cr cash:payouts``).
Producers' ledger accounts are locked in primary-key order, so two officers making batches at
the same time never pay one balance twice.

Where the money goes is the producer's ``ProducerBankAccount``. Changing it is the one way to
redirect a producer's money, so ``producer_bank_account_set`` lets only the business's owner do
it, only after a recent re-authentication (a stolen session is not enough), writes a
``BankAccountChange`` and, after commit, tells the owners and every programme officer.
"""
from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.models import Producer
from market.accounts.models import Role, User
from market.core.dates import datetime_display
from market.core.faults import fault_point
from payments.exceptions import (
    BankAccountForbidden,
    PaymentForbidden,
    PaymentInvalid,
    PaymentNotPossible,
    ReauthenticationRequired,
)
from payments.models import BankAccountChange, LedgerAccount, LedgerEntry, Payout, PayoutBatch, ProducerBankAccount
from payments.selectors import producer_balance, producer_bank_account_owners, producer_bank_account_settable
from payments.services.ledger import Line, ledger_entry_post, producer_account_code

IN_TRANSIT = "payouts:in_transit"
PAID_OUT = "cash:payouts"


def _officer(user: User) -> None:
    if not getattr(user, "is_officer", False):
        raise PaymentForbidden(_("Only finance officers run payouts."))


def account_number_mask(number: str) -> str:
    """Return an account number with all but its last four digits hidden: ``******6789``."""
    number = number or ""
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]


def _bank_account_values(*, bank_name: str, account_number: str, account_holder: str) -> dict[str, str]:
    values = {"bank_name": (bank_name or "").strip(),
              "account_number": "".join((account_number or "").split()),
              "account_holder": (account_holder or "").strip()}
    errors = {}
    if not values["bank_name"]:
        errors["bank_name"] = [_("Enter the bank's name.")]
    if not values["account_number"].isdigit() or not 5 <= len(values["account_number"]) <= 34:
        errors["account_number"] = [_("Enter the account number (digits only).")]
    if not values["account_holder"]:
        errors["account_holder"] = [_("Enter the account holder's name.")]
    if errors:
        raise PaymentInvalid(fields=errors)
    return values


@transaction.atomic(durable=True)
def producer_bank_account_set(*, actor: User, producer: Producer, bank_name: str, account_number: str,
                              account_holder: str, reauthenticated: bool) -> ProducerBankAccount:
    """Set where a producer's payouts go, as its owner, and record and announce the change.

    ``reauthenticated`` is the caller's proof that ``actor`` confirmed their password (or second
    factor) within ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` (pages: allauth's reauthentication);
    without it nothing changes (``ReauthenticationRequired``, code ``reauthentication_required``).
    Only an active owner of the producer's organisation may set it (``BankAccountForbidden``):
    not its managers or members, and not programme officers, so that nobody can redirect a
    producer's money in its name. Submitting the account as it is changes nothing and sends
    nothing. A change writes a ``BankAccountChange`` (numbers masked) in this transaction; after
    commit the owners and every programme officer are emailed.
    """
    if not producer_bank_account_settable(user=actor, producer=producer):
        raise BankAccountForbidden()
    if not reauthenticated:
        raise ReauthenticationRequired()
    values = _bank_account_values(bank_name=bank_name, account_number=account_number, account_holder=account_holder)
    account = ProducerBankAccount.objects.select_for_update().filter(producer=producer).first()
    old = {"bank_name": "", "account_number": "", "account_holder": ""}
    if account is not None:
        old = {name: getattr(account, name) for name in values}
        if old == values:
            return account
        for name, value in values.items():
            setattr(account, name, value)
        account.save(update_fields=[*values, "updated_at"])
    else:
        account = ProducerBankAccount.objects.create(producer=producer, **values)
    change = BankAccountChange.objects.create(
        producer=producer, actor=actor,
        old_bank_name=old["bank_name"], old_account_number=account_number_mask(old["account_number"]),
        old_account_holder=old["account_holder"],
        new_bank_name=values["bank_name"], new_account_number=account_number_mask(values["account_number"]),
        new_account_holder=values["account_holder"])
    from payments.tasks import bank_account_change_notify_task  # tasks import services: import late

    bank_account_change_notify_task.delay_on_commit(change_id=change.pk)
    return account


def _change_message(*, change: BankAccountChange, for_officer: bool) -> tuple[str, str]:
    when = timezone.localtime(change.created_at)
    values = {"producer": change.producer.name, "actor": change.actor.full_name or change.actor.email,
              "date": datetime_display(when),
              "old": (f"{change.old_bank_name} {change.old_account_number} ({change.old_account_holder})"
                      if change.replaced_an_account else _("none (set for the first time)")),
              "new": f"{change.new_bank_name} {change.new_account_number} ({change.new_account_holder})"}
    subject = _("The bank account for payouts of %(producer)s was changed") % values
    body = _("The bank account that receives the payouts of %(producer)s was changed on %(date)s by "
             "%(actor)s.\n\nBefore: %(old)s\nNow: %(new)s") % values
    if for_officer:
        advice = _("Before the next payout to %(producer)s is transferred, confirm the new account with the "
                   "producer by phone or in person (not by replying to an email). The payout batch marks the "
                   "change.") % values
    else:
        advice = _("If you did not make this change, sign in, change your password and contact the programme "
                   "officers at once, before the next payout is transferred.")
    return subject, f"{body}\n\n{advice}"


def bank_account_change_notify(*, change_id: int) -> int:
    """Email a bank account change to the producer's owners and every programme officer; return how many emails.

    Runs in ``bank_account_change_notify_task`` after the change's transaction commits; each email is
    rendered in its recipient's language and sent by its own ``email_send_task`` (retried alone).
    """
    from market.core.tasks import email_send_task

    change = BankAccountChange.objects.select_related("producer", "actor").get(pk=change_id)
    owners = list(producer_bank_account_owners(producer=change.producer))
    officers = list(User.objects.filter(role=Role.OFFICER, is_staff=True, is_active=True).exclude(email="")
                    .order_by("pk"))
    sent = 0
    seen: set[str] = set()
    for user, for_officer in [*((u, False) for u in owners), *((u, True) for u in officers)]:
        if user.email.lower() in seen:
            continue
        seen.add(user.email.lower())
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, body = _change_message(change=change, for_officer=for_officer)
        email_send_task.delay(subject=subject, body=body, to=[user.email])
        sent += 1
    return sent


@transaction.atomic
def payout_batch_create(*, officer: User, minimum: int) -> PayoutBatch:
    """Put every producer with a bank account and at least ``minimum`` available into a new batch."""
    _officer(officer)
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1:
        raise PaymentInvalid(fields={"minimum": [_("Enter the minimum payout in whole rupiah.")]})
    accounts = list(LedgerAccount.objects.select_for_update().filter(producer__bank_account__isnull=False)
                    .order_by("pk").select_related("producer__bank_account"))
    batch = PayoutBatch.objects.create(minimum=minimum, created_by=officer)
    total = 0
    for account in accounts:
        producer = account.producer
        if producer is None:  # cannot happen: only producers' accounts have a bank account to filter on
            continue
        available = producer_balance(producer_id=producer.pk).available
        if available < minimum:
            continue
        bank = producer.bank_account
        payout = Payout.objects.create(batch=batch, producer_id=producer.pk, amount=available,
                                       bank_name=bank.bank_name, account_number=bank.account_number,
                                       account_holder=bank.account_holder)
        ledger_entry_post(key=f"payout:{payout.pk}", kind=LedgerEntry.Kind.PAYOUT, memo=f"batch {batch.pk}",
                          lines=[Line(producer_account_code(producer.pk), debit=available,
                                      producer_id=producer.pk),
                                 Line(IN_TRANSIT, credit=available)])
        fault_point("payout_batch_create.payout_posted")
        total += available
    if not total:
        raise PaymentNotPossible(_("No producer has at least the minimum available."))
    batch.total = total
    batch.save(update_fields=["total", "updated_at"])
    return batch


@transaction.atomic
def payout_batch_mark_paid(*, batch: PayoutBatch, officer: User) -> PayoutBatch:
    """Record that the batch's transfers were made; idempotent."""
    _officer(officer)
    locked = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status == PayoutBatch.Status.PAID:
        return locked
    ledger_entry_post(key=f"payout_batch:{locked.pk}", kind=LedgerEntry.Kind.PAYOUT, memo=f"batch {locked.pk}",
                      lines=[Line(IN_TRANSIT, debit=locked.total), Line(PAID_OUT, credit=locked.total)])
    locked.status, locked.paid_by, locked.paid_at = PayoutBatch.Status.PAID, officer, timezone.now()
    locked.save(update_fields=["status", "paid_by", "paid_at", "updated_at"])
    return locked
