"""Payout batches: available balances to producers' bank accounts, exported as CSV, marked paid.

Making a batch moves each payout out of the producer's account at once (``Dr producer /
Cr payouts in transit``), so the available balance never counts money already in a batch; marking
the batch paid moves it out of the platform (``Dr payouts in transit / Cr cash:payouts``).
Producers' ledger accounts are locked in primary-key order, so two officers making batches at
the same time never pay one balance twice.
"""
from __future__ import annotations

import csv
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from market.accounts.models import User
from payments.exceptions import PaymentForbidden, PaymentInvalid, PaymentNotPossible
from payments.models import LedgerAccount, LedgerEntry, Payout, PayoutBatch, ProducerBankAccount
from payments.services.ledger import Line, ledger_entry_post, producer_account_code, producer_balance

IN_TRANSIT = "payouts:in_transit"
PAID_OUT = "cash:payouts"


def _officer(user: User) -> None:
    if not getattr(user, "is_officer", False):
        raise PaymentForbidden(_("Only finance officers run payouts."))


@transaction.atomic
def producer_bank_account_set(*, producer, bank_name: str, account_number: str,
                              account_holder: str) -> ProducerBankAccount:
    """Set where a producer's payouts go (the caller checked access with ``access_producer``)."""
    values = {"bank_name": (bank_name or "").strip(), "account_number": (account_number or "").replace(" ", ""),
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
    account, _created = ProducerBankAccount.objects.update_or_create(producer=producer, defaults=values)
    return account


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
        available = producer_balance(producer_id=account.producer_id).available
        if available < minimum:
            continue
        bank = account.producer.bank_account
        payout = Payout.objects.create(batch=batch, producer_id=account.producer_id, amount=available,
                                       bank_name=bank.bank_name, account_number=bank.account_number,
                                       account_holder=bank.account_holder)
        ledger_entry_post(key=f"payout:{payout.pk}", kind=LedgerEntry.Kind.PAYOUT, memo=f"batch {batch.pk}",
                          lines=[Line(producer_account_code(account.producer_id), debit=available,
                                      producer_id=account.producer_id),
                                 Line(IN_TRANSIT, credit=available)])
        total += available
    if not total:
        raise PaymentNotPossible(_("No producer has at least the minimum available."))
    batch.total = total
    batch.save(update_fields=["total", "updated_at"])
    return batch


def payout_batch_csv(*, batch: PayoutBatch) -> str:
    """Return the bank transfer file of a batch: one row per producer."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["bank_name", "account_number", "account_holder", "amount", "reference"])
    for payout in batch.payouts.select_related("producer").order_by("pk"):
        writer.writerow([payout.bank_name, payout.account_number, payout.account_holder, payout.amount,
                         f"KI-PAYOUT-{batch.pk}-{payout.pk}"])
    return out.getvalue()


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
