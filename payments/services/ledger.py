"""The double-entry ledger: balanced entries written once, balances derived from the lines.

Accounts:

- ``cash:<provider>`` (asset): money held at Stripe or on the platform's bank account;
- ``deposits`` (liability): money received for a checkout that is not allocated yet (a bank
  transfer paid in part, or a payment for a checkout that expired meanwhile);
- ``commission`` (revenue): the platform's share;
- ``producer:<id>`` (liability): what the platform owes a producer. Each credit names its
  producer order: pending until that order is completed, then available; payouts debit it.
  Consignment settlements (``placements``) credit it without an order but *held*: pending until
  the chain pays, when one entry reverses the held line and credits the same amount available;
- ``receivable:<organisation id>`` (asset): what a buyer organisation owes the platform for
  consignment sales it reported (``placements.services.consignment_settle``);
- ``cash:consignment`` (asset): chains' transfers for settled consignment sales (kept apart from
  ``cash:bank_transfer``, which the nightly check matches against checkout payments).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction

from orders.models import Checkout, Order, OrderLine
from payments.exceptions import LedgerUnbalanced
from payments.models import CommissionRate, LedgerAccount, LedgerEntry, LedgerLine
from payments.money import commission_of

DEPOSITS = "deposits"
COMMISSION = "commission"
PAYOUTS = "cash:payouts"
CONSIGNMENT_CASH = "cash:consignment"


@dataclass(frozen=True)
class Line:
    account: str
    debit: int = 0
    credit: int = 0
    order_id: int | None = None
    producer_id: int | None = None
    held: bool = False  # pending until released (see the module's docstring)


def _account(code: str, producer_id: int | None = None) -> LedgerAccount:
    kind = (LedgerAccount.Kind.ASSET if code.startswith(("cash:", "receivable:")) else
            LedgerAccount.Kind.REVENUE if code == COMMISSION else LedgerAccount.Kind.LIABILITY)
    account, _created = LedgerAccount.objects.get_or_create(code=code, defaults={"kind": kind,
                                                                                  "producer_id": producer_id})
    return account


def producer_account_code(producer_id: int) -> str:
    return f"producer:{producer_id}"


def receivable_account_code(organisation_id: int) -> str:
    return f"receivable:{organisation_id}"


def cash_account_code(provider: str) -> str:
    return f"cash:{provider}"


@transaction.atomic
def ledger_entry_post(*, key: str, kind: str, lines: list[Line], checkout: Checkout | None = None,
                      memo: str = "") -> LedgerEntry:
    """Write one balanced entry under its natural ``key``; posting the same key again returns the first.

    Raise ``LedgerUnbalanced`` (and write nothing) when the debits and credits differ or a line
    has no amount.
    """
    lines = [line for line in lines if line.debit or line.credit]
    if not lines or any(line.debit < 0 or line.credit < 0 or (line.debit and line.credit) for line in lines):
        raise LedgerUnbalanced(f"{key}: every line has one positive side")
    if sum(line.debit for line in lines) != sum(line.credit for line in lines):
        raise LedgerUnbalanced(f"{key}: debits {sum(x.debit for x in lines)} != credits "
                               f"{sum(x.credit for x in lines)}")
    existing = LedgerEntry.objects.filter(key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(key=key, kind=kind, checkout=checkout, memo=memo[:255])
    except IntegrityError:
        return LedgerEntry.objects.get(key=key)
    LedgerLine.objects.bulk_create(
        LedgerLine(entry=entry, account=_account(line.account, line.producer_id), order_id=line.order_id,
                   debit=line.debit, credit=line.credit, held=line.held) for line in lines)
    return entry


def commission_rates() -> dict[int, Decimal]:
    """Return the commission rate per category (the allocation's input; categories without one use the default)."""
    return dict(CommissionRate.objects.values_list("category_id", "rate"))


def order_commission(*, order: Order, rates: dict[int, Decimal] | None = None) -> int:
    """Return the platform's commission on an order's goods (delivery fees go wholly to the producer)."""
    rates = commission_rates() if rates is None else rates
    default = Decimal(settings.PLATFORM_COMMISSION_RATE)
    lines = OrderLine.objects.filter(order=order).select_related("product").order_by("pk")
    return sum(commission_of(line.line_total, rates.get(line.product.category_id, default)) for line in lines)


def checkout_allocation_lines(*, checkout: Checkout) -> list[Line]:
    """Return the lines moving a checkout's total from deposits to its producers and the commission."""
    rates = commission_rates()
    lines = [Line(DEPOSITS, debit=checkout.total)]
    for order in Order.objects.filter(checkout=checkout).order_by("pk"):
        commission = order_commission(order=order, rates=rates)
        lines.append(Line(producer_account_code(order.producer_id), credit=order.total - commission,
                          order_id=order.pk, producer_id=order.producer_id))
        lines.append(Line(COMMISSION, credit=commission, order_id=order.pk))
    return lines


def payment_receipt_post(*, key: str, provider: str, amount: int, checkout: Checkout, memo: str = "") -> LedgerEntry:
    """Money arrived at a provider for ``checkout``: cash up, owed to the buyer until allocated."""
    return ledger_entry_post(key=key, kind=LedgerEntry.Kind.RECEIPT, checkout=checkout, memo=memo,
                             lines=[Line(cash_account_code(provider), debit=amount), Line(DEPOSITS, credit=amount)])


def checkout_allocation_post(*, checkout: Checkout) -> LedgerEntry:
    """The checkout is paid: its money now belongs to its producers (pending) and the platform."""
    return ledger_entry_post(key=f"allocation:checkout:{checkout.pk}", kind=LedgerEntry.Kind.ALLOCATION,
                             checkout=checkout, lines=checkout_allocation_lines(checkout=checkout))


# --- reading ----------------------------------------------------------------------------------

