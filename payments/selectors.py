"""Reads of the payments app."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import NamedTuple

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateTimeField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.selectors import access_producer
from market.accounts.models import Organisation, User
from market.core.csv import safe_csv_writer
from orders.exceptions import CheckoutNotFound
from orders.models import Checkout, Order
from orders.selectors import checkout_parties
from orders.states import Party
from payments import stripe_client
from payments.exceptions import TermsNotFound
from payments.models import CreditTerms, LedgerEntry, LedgerLine, Payment, Payout, PayoutBatch, Provider, TermsInvoice
from payments.services.ledger import cash_account_code, producer_account_code


def access_checkout_to_pay(*, user: User, pk: int) -> Checkout:
    """Return the checkout if ``user`` is its buyer; anyone else gets ``CheckoutNotFound`` (404)."""
    checkout = Checkout.objects.filter(pk=pk).first()
    if checkout is None or Party.BUYER not in checkout_parties(checkout=checkout, user=user):
        raise CheckoutNotFound()
    return checkout


def card_payment_client_secret(*, payment: Payment) -> str:
    """Return the PaymentIntent's client secret, which Stripe.js needs to finish 3-D Secure."""
    if payment.provider != Provider.STRIPE or not payment.reference:
        return ""
    return stripe_client.payment_intent_retrieve(payment.reference).client_secret


def stripe_publishable_key() -> str:
    return settings.STRIPE_PUBLISHABLE_KEY or ""


def producer_balance_get(*, user: User, producer_id: int) -> ProducerBalance:
    """Return a producer's balance for its people and officers (``ProducerNotFound`` for anyone else)."""
    producer = access_producer(user=user, pk=producer_id)
    return producer_balance(producer_id=producer.pk)


# --- finance pages (officers' transfers, payouts and ledger; producers' balance) ----------------


def bank_transfer_awaiting_list(*, q: str = ""):
    """Return bank transfer payments still waiting for money, soonest expiry first, with their checkout and buyer.

    ``q`` narrows by payment reference, invoice number or buyer (organisation or person).
    """
    from django.db.models import F, Q

    payments = (Payment.objects.filter(provider=Provider.BANK_TRANSFER, status=Payment.Status.PENDING,
                                       checkout__status__in=[Checkout.Status.AWAITING_PAYMENT,
                                                             Checkout.Status.ON_TERMS])
                .select_related("checkout__organisation", "checkout__placed_by")
                .prefetch_related("proofs"))  # the buyers' photos of their receipts (issue 17)
    q = (q or "").strip()
    if q:
        payments = payments.filter(Q(reference__icontains=q.replace(" ", "")) | Q(checkout__number__icontains=q)
                                   | Q(checkout__organisation__name__icontains=q)
                                   | Q(checkout__placed_by__full_name__icontains=q))
    return payments.order_by(F("checkout__reservation_expires_at").asc(nulls_last=True), "pk")


def bank_transfer_outstanding(*, reference: str) -> int | None:
    """Return what is still owed on a bank transfer reference (0 when paid), ``None`` for an unknown reference."""
    row = (Payment.objects.filter(provider=Provider.BANK_TRANSFER, reference=reference)
           .values("amount", "received", "terms_invoice__credited").first())
    if row is None:
        return None
    return max(row["amount"] - (row["terms_invoice__credited"] or 0) - row["received"], 0)


def _balance_sums(prefix: str = ""):
    """Return the pending and available aggregates of ledger lines reached through ``prefix``."""
    from django.db.models import Q, Sum

    from orders.models import Order

    completed = ((Q(**{f"{prefix}order__status": Order.Status.COMPLETED}) | Q(**{f"{prefix}order__isnull": True}))
                 & Q(**{f"{prefix}held": False}))
    return {
        "available": (Sum(f"{prefix}credit", filter=completed, default=0)
                      - Sum(f"{prefix}debit", filter=completed, default=0)),
        "pending": (Sum(f"{prefix}credit", filter=~completed, default=0)
                    - Sum(f"{prefix}debit", filter=~completed, default=0)),
    }


def producer_balance_list():
    """Return every producer's ledger account with ``pending`` and ``available`` (as ``producer_balance``), by name.

    One query whatever the number of producers; the producer and its bank account come along.
    """
    from payments.models import LedgerAccount

    return (LedgerAccount.objects.filter(producer__isnull=False)
            .select_related("producer__bank_account")
            .annotate(**_balance_sums("lines__"))
            .order_by("producer__name", "producer_id"))


def producer_pending_order_list(*, producer_id: int) -> list[dict]:
    """Return a producer's orders whose money is still pending (not completed), newest first.

    Each: ``{"order_id", "number", "status", "buyer_name", "placed_at", "amount"}``; ``amount`` is what the
    producer will get for it (after commission, less any refund).
    """
    from django.db.models import Sum

    from orders.models import Order
    from payments.models import LedgerLine
    from payments.services.ledger import producer_account_code

    rows = (LedgerLine.objects.filter(account__code=producer_account_code(producer_id), order__isnull=False)
            .exclude(order__status=Order.Status.COMPLETED)
            .values("order_id", "order__number", "order__status", "order__buyer_name", "order__created_at")
            .annotate(amount=Sum("credit", default=0) - Sum("debit", default=0))
            .order_by("-order__created_at", "-order_id"))
    labels = dict(Order.Status.choices)
    return [{"order_id": row["order_id"], "number": row["order__number"], "status": row["order__status"],
             "status_label": labels.get(row["order__status"], row["order__status"]),
             "buyer_name": row["order__buyer_name"], "placed_at": row["order__created_at"], "amount": row["amount"]}
            for row in rows if row["amount"]]


def producer_bank_account_get(*, producer_id: int):
    """Return where a producer's payouts go, or ``None`` when not set yet."""
    from payments.models import ProducerBankAccount

    return ProducerBankAccount.objects.filter(producer_id=producer_id).first()


def producer_bank_account_owners(*, producer) -> QuerySet[User]:
    """Return the active owners of a producer's organisation: the only people who may set its bank account."""
    from market.accounts.models import Membership

    return User.objects.filter(is_active=True, memberships__organisation_id=producer.organisation_id,
                               memberships__role=Membership.Role.OWNER).order_by("pk")


def producer_bank_account_settable(*, user: User, producer) -> bool:
    """Return whether ``user`` may set where ``producer``'s payouts go: an active owner of its organisation.

    Managers, members and programme officers may not (``producer_bank_account_set`` enforces it).
    """
    if not (user.is_authenticated and user.is_active):
        return False
    return producer_bank_account_owners(producer=producer).filter(pk=user.pk).exists()


# Before any payout: a producer never paid counts every change of its account.
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def _last_paid_snapshot(*, before=None):
    """Return an expression: when the account of the producer's (``OuterRef``) latest paid payout was taken.

    A payout copies the bank account when its batch is made, so that batch's ``created_at`` is
    the moment the account last used for money that really left was read; ``before`` keeps to
    earlier batches. A producer never paid gets 1970-01-01.
    """
    from payments.models import Payout, PayoutBatch

    paid = Payout.objects.filter(producer=OuterRef("producer"), batch__status=PayoutBatch.Status.PAID)
    if before is not None:
        paid = paid.filter(batch__created_at__lt=before)
    return Coalesce(Subquery(paid.order_by("-batch__created_at", "-pk").values("batch__created_at")[:1]),
                    Value(_NEVER), output_field=DateTimeField())


def _account_changed_since(*, until=None):
    """Return a subquery: when the producer's (``OuterRef``) account was last replaced after ``paid_until``
    (an annotation made with ``_last_paid_snapshot``) and, if given, no later than ``until``."""
    from payments.models import BankAccountChange

    changes = (BankAccountChange.objects.filter(producer=OuterRef("producer"), created_at__gt=OuterRef("paid_until"))
               .exclude(old_account_number=""))  # setting the first account is not a change of destination
    if until is not None:
        changes = changes.filter(created_at__lte=until)
    return Subquery(changes.order_by("-created_at", "-pk").values("created_at")[:1])


def bank_account_change_list_since_last_payout():
    """Return the bank accounts replaced since their producer's last paid payout, latest change first.

    Each ``ProducerBankAccount`` carries its ``producer`` and ``changed_at``: the officers' warning
    before they make (and transfer) a payout batch. One query.
    """
    from payments.models import ProducerBankAccount

    return (ProducerBankAccount.objects.select_related("producer")
            .annotate(paid_until=_last_paid_snapshot())
            .annotate(changed_at=_account_changed_since())
            .filter(changed_at__isnull=False).order_by("-changed_at", "pk"))


def payout_list_for_producer(*, producer_id: int):
    """Return a producer's payouts, newest batch first, with their batch."""
    from payments.models import Payout

    return (Payout.objects.filter(producer_id=producer_id).select_related("batch")
            .order_by("-batch__created_at", "-pk"))


def payout_batch_list():
    """Return payout batches, newest first, with the number of producers paid and who made and paid them."""
    from django.db.models import Count

    from payments.models import PayoutBatch

    return (PayoutBatch.objects.select_related("created_by", "paid_by")
            .annotate(payout_count=Count("payouts")).order_by("-created_at", "-pk"))


def payout_batch_get(*, pk: int):
    """Return a payout batch with who made and paid it, or ``None``."""
    from payments.models import PayoutBatch

    return PayoutBatch.objects.select_related("created_by", "paid_by").filter(pk=pk).first()


def payout_list_for_batch(*, batch):
    """Return a batch's payouts in the bank file's order, with their producer.

    Each payout carries ``account_changed_at``: when its producer's bank account was last replaced
    after the account of its last paid payout (before this batch) was taken and before this batch
    was made, else ``None``. The money of such a row goes somewhere it never went before; the
    batch page warns about it. One query.
    """
    return (batch.payouts.select_related("producer")
            .annotate(paid_until=_last_paid_snapshot(before=batch.created_at))
            .annotate(account_changed_at=_account_changed_since(until=batch.created_at))
            .order_by("pk"))


def payout_batch_csv(*, batch) -> str:
    """Return the bank transfer file of a batch: one row per producer.

    Text from people (bank, holder) is neutralised for spreadsheets (``market.core.csv``); the
    amount is written as a number.
    """
    out = io.StringIO()
    writer = safe_csv_writer(out)
    writer.writerow(["bank_name", "account_number", "account_holder", "amount", "reference"])
    for payout in batch.payouts.order_by("pk"):
        writer.writerow([payout.bank_name, payout.account_number, payout.account_holder, int(payout.amount),
                         f"KI-PAYOUT-{batch.pk}-{payout.pk}"])
    return out.getvalue()


def finance_summary_get() -> dict:
    """Return the officers' finance figures: transfers awaited, open payout batches, balances owed to producers."""
    from django.db.models import Count, Sum

    from payments.models import LedgerLine, PayoutBatch

    awaiting = bank_transfer_awaiting_list().aggregate(count=Count("pk"), amount=Sum("amount", default=0),
                                                       received=Sum("received", default=0))
    batches = (PayoutBatch.objects.filter(status=PayoutBatch.Status.OPEN)
               .aggregate(count=Count("pk"), total=Sum("total", default=0)))
    owed = LedgerLine.objects.filter(account__producer__isnull=False).aggregate(**_balance_sums())
    from orders.models import OrderRefund
    from payments.models import LateTransfer

    refunds = (OrderRefund.objects.filter(status=OrderRefund.Status.REQUESTED)
               .aggregate(count=Count("pk"), amount=Sum("amount", default=0)))
    late = (LateTransfer.objects.filter(status=LateTransfer.Status.OPEN)
            .aggregate(count=Count("pk"), amount=Sum("amount", default=0)))
    return {"awaiting_count": awaiting["count"], "awaiting_amount": awaiting["amount"] - awaiting["received"],
            "open_batches": batches["count"], "open_batches_total": batches["total"],
            "pending": owed["pending"], "available": owed["available"],
            "refunds_count": refunds["count"], "refunds_amount": refunds["amount"],
            "late_count": late["count"], "late_amount": late["amount"],
            "mismatch_count": payment_mismatch_list().count()}


def payment_mismatch_list():
    """Return the open payments whose amount or currency did not match their checkout, newest first."""
    from payments.models import PaymentMismatch

    return (PaymentMismatch.objects.filter(resolved_at__isnull=True)
            .select_related("payment__checkout").order_by("-created_at", "-pk"))


# --- refunds owed and late transfers (officers) ------------------------------------------------


def late_transfer_list(*, status: str | None = "open"):
    """Return late transfers (open ones by default), oldest first, with their payment, checkout, buyer and orders.

    Each carries ``receipts``: the bank statement lines recorded for its payment.
    """
    from payments.models import BankTransferReceipt, LateTransfer

    rows = (LateTransfer.objects.select_related("payment__checkout__organisation", "payment__checkout__placed_by",
                                                "decided_by")
            .prefetch_related("payment__checkout__orders__lines",
                              Prefetch("payment__receipts", queryset=BankTransferReceipt.objects.order_by("pk"))))
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("created_at", "pk") if status == LateTransfer.Status.OPEN else rows.order_by(
        "-created_at", "-pk")


def late_transfer_get(*, pk: int):
    """Return one late transfer with its payment, checkout and who decided it, or ``None``."""
    from payments.models import LateTransfer

    return (LateTransfer.objects.select_related("payment__checkout__organisation", "payment__checkout__placed_by",
                                                "decided_by").filter(pk=pk).first())


def late_transfer_for_checkout(*, checkout_id: int):
    """Return the late transfers of a checkout, oldest first (the buyer's order page)."""
    from payments.models import LateTransfer

    return LateTransfer.objects.filter(payment__checkout_id=checkout_id).order_by("created_at", "pk")


# --- invoices on terms (moved from payments/services/terms.py: reads, not writes) -------------


def credit_terms_get(*, organisation: Organisation | None) -> CreditTerms | None:
    if organisation is None:
        return None
    return CreditTerms.objects.filter(organisation=organisation).first()


def credit_terms_active(*, organisation: Organisation | None) -> bool:
    return organisation is not None and CreditTerms.objects.filter(
        organisation=organisation, status=CreditTerms.Status.ACTIVE).exists()


def terms_invoice_owed():
    """Return what is still owed on an invoice on terms, as an expression (never below zero): its total less
    credit notes (refunds owed while it was unpaid) less what was received."""
    return Greatest(F("checkout__total") - F("credited") - F("payment__received"), Value(0))


class InvoiceState:
    DUE = "due"
    OVERDUE = "overdue"
    PAID = "paid"


def terms_invoice_list(*, organisation: Organisation | None = None, today: date | None = None
                       ) -> QuerySet[TermsInvoice]:
    """Return invoices on terms, unpaid first, with ``paid`` (received so far), ``outstanding`` (0 once the
    checkout is paid) and ``state`` (``InvoiceState``)."""
    today = today or timezone.localdate()
    invoices = TermsInvoice.objects.select_related("checkout", "payment", "organisation")
    if organisation is not None:
        invoices = invoices.filter(organisation=organisation)
    is_open = Q(checkout__status=Checkout.Status.ON_TERMS)
    return (invoices.annotate(
        paid=F("payment__received"),
        is_open=is_open,
        outstanding=Case(When(is_open, then=terms_invoice_owed()), default=Value(0)),
        state=Case(When(~is_open, then=Value(InvoiceState.PAID)),
                   When(due_on__lt=today, then=Value(InvoiceState.OVERDUE)), default=Value(InvoiceState.DUE)))
        .order_by("-is_open", "due_on", "pk"))


def buyer_organisation_get(*, pk: int) -> Organisation:
    """Return the buyer organisation ``pk`` (for officers' pages); ``TermsNotFound`` (404) for anything else."""
    organisation = Organisation.objects.filter(pk=pk, kind=Organisation.Kind.BUYER).first()
    if organisation is None:
        raise TermsNotFound(_("Buyer organisation not found."))
    return organisation


def _open(organisation) -> QuerySet[TermsInvoice]:
    return TermsInvoice.objects.filter(organisation=organisation, checkout__status=Checkout.Status.ON_TERMS)


def credit_outstanding(*, organisation: Organisation) -> int:
    """Return what the organisation still owes on its open invoices, in rupiah."""
    return _open(organisation).aggregate(owed=Coalesce(Sum(terms_invoice_owed()), Value(0)))["owed"]


def terms_invoices_overdue(*, organisation: Organisation | None = None, today: date | None = None
                           ) -> QuerySet[TermsInvoice]:
    """Return the unpaid invoices whose due date has passed (paying on the due date is in time), oldest first."""
    today = today or timezone.localdate()
    invoices = TermsInvoice.objects.filter(checkout__status=Checkout.Status.ON_TERMS, due_on__lt=today)
    if organisation is not None:
        invoices = invoices.filter(organisation=organisation)
    return (invoices.select_related("checkout", "payment", "organisation").annotate(outstanding=terms_invoice_owed())
            .order_by("due_on", "pk"))


def credit_available(*, organisation: Organisation) -> int:
    """Return how much more the organisation may order on terms now (0 without active terms)."""
    terms = credit_terms_get(organisation=organisation)
    if terms is None or terms.status != CreditTerms.Status.ACTIVE:
        return 0
    return max(terms.credit_limit - credit_outstanding(organisation=organisation), 0)


@dataclass(frozen=True)
class CreditSummary:
    terms: CreditTerms | None
    outstanding: int
    available: int
    overdue: int  # how many invoices are overdue

    @property
    def is_active(self) -> bool:
        return self.terms is not None and self.terms.status == CreditTerms.Status.ACTIVE


def credit_summary_get(*, organisation: Organisation) -> CreditSummary:
    terms = credit_terms_get(organisation=organisation)
    outstanding = credit_outstanding(organisation=organisation)
    active = terms is not None and terms.status == CreditTerms.Status.ACTIVE
    return CreditSummary(terms=terms, outstanding=outstanding,
                         available=max(terms.credit_limit - outstanding, 0) if active and terms is not None else 0,
                         overdue=terms_invoices_overdue(organisation=organisation).count())


def buyer_organisation_credit_list(*, q: str = "") -> QuerySet[Organisation]:
    """Return buyer organisations with their terms, ``outstanding``, ``available`` (None without active terms)
    and ``overdue`` (how many invoices): one query."""
    today = timezone.localdate()
    open_invoices = TermsInvoice.objects.filter(organisation=OuterRef("pk"),
                                                checkout__status=Checkout.Status.ON_TERMS)
    owed = (open_invoices.values("organisation").annotate(owed=Sum(terms_invoice_owed())).values("owed"))
    overdue = (open_invoices.filter(due_on__lt=today).values("organisation").annotate(n=Count("pk")).values("n"))
    organisations = Organisation.objects.filter(kind=Organisation.Kind.BUYER)
    if q:
        organisations = organisations.filter(name__icontains=q)
    return (organisations.select_related("credit_terms", "credit_terms__approved_by")
            .annotate(outstanding=Coalesce(Subquery(owed), Value(0)), overdue=Coalesce(Subquery(overdue), Value(0)))
            .annotate(available=Case(When(credit_terms__status=CreditTerms.Status.ACTIVE,
                                          then=Greatest(F("credit_terms__credit_limit") - F("outstanding"), Value(0))),
                                     default=None, output_field=BigIntegerField()))
            .order_by("-overdue", "name", "pk"))


def credit_terms_event_list(*, terms, limit: int = 10):
    """Return the latest ``limit`` changes of an organisation's terms, newest first, with who made them."""
    return terms.events.select_related("actor").order_by("-created_at", "-pk")[:limit]


# --- the ledger (moved from payments/services/ledger.py: reads, not writes) -----------------


class ProducerBalance(NamedTuple):
    pending: int
    available: int


def producer_balance(*, producer_id: int) -> ProducerBalance:
    """Return what the platform owes a producer: pending (orders not completed, consignment sales the
    chain has not paid yet) and available.

    Derived from the ledger lines of the producer's account each time; payouts (lines without an
    order) reduce the available part; held lines are pending.
    """
    lines = LedgerLine.objects.filter(account__code=producer_account_code(producer_id))
    completed = (Q(order__status=Order.Status.COMPLETED) | Q(order__isnull=True)) & Q(held=False)
    totals = lines.aggregate(
        available_credit=Sum("credit", filter=completed, default=0),
        available_debit=Sum("debit", filter=completed, default=0),
        pending_credit=Sum("credit", filter=~completed, default=0),
        pending_debit=Sum("debit", filter=~completed, default=0))
    return ProducerBalance(pending=totals["pending_credit"] - totals["pending_debit"],
                           available=totals["available_credit"] - totals["available_debit"])


def account_balance(*, code: str) -> int:
    """Return debits minus credits of an account (assets positive, liabilities and revenue negative)."""
    totals = LedgerLine.objects.filter(account__code=code).aggregate(d=Sum("debit", default=0),
                                                                       c=Sum("credit", default=0))
    return totals["d"] - totals["c"]


def ledger_unbalanced_entries() -> list[str]:
    """Return the keys of entries whose debits and credits differ (the nightly check expects none)."""
    from django.db.models import F

    return list(LedgerEntry.objects.annotate(d=Sum("lines__debit", default=0), c=Sum("lines__credit", default=0))
                .exclude(d=F("c")).values_list("key", flat=True))


def ledger_check() -> dict[str, object]:
    """Return what the nightly check found wrong: unbalanced entries, provider cash not matching payments.

    The Stripe cash account must equal what our Stripe payments received minus what was refunded
    through Stripe; an empty dict means all is well.
    """
    from orders.models import OrderRefund
    from payments.models import Payment

    problems: dict[str, object] = {}
    unbalanced = ledger_unbalanced_entries()
    if unbalanced:
        problems["unbalanced"] = unbalanced
    for provider in ("stripe", "bank_transfer"):
        received = Payment.objects.filter(provider=provider).aggregate(t=Sum("received", default=0))["t"]
        refunded = (LedgerLine.objects.filter(account__code=cash_account_code(provider),
                                              entry__kind=LedgerEntry.Kind.REFUND)
                    .aggregate(t=Sum("credit", default=0))["t"])
        expected = received - refunded
        if provider == "stripe":  # Stripe refunds are also counted on the orders side
            refunded_orders = (OrderRefund.objects.filter(status=OrderRefund.Status.DONE, reference__startswith="re_")
                               .aggregate(t=Sum("amount", default=0))["t"])
            if refunded_orders != refunded:
                problems["stripe_refunds"] = {"ledger": refunded, "orders": refunded_orders}
        if account_balance(code=cash_account_code(provider)) != expected:
            problems[f"cash:{provider}"] = {"ledger": account_balance(code=cash_account_code(provider)),
                                           "payments": expected}
    return problems


def account_closure_blockers_payments(user: User) -> list:
    """What payments holds against closing ``user``'s account (``market.accounts.hooks``): money that
    arrived for one of their own checkouts after it ran out, not yet decided (it may be owed back to them)."""
    from market.accounts.hooks import ClosureBlocker
    from payments.models import LateTransfer

    late = (LateTransfer.objects.filter(status=LateTransfer.Status.OPEN, payment__checkout__placed_by=user,
                                        payment__checkout__organisation__isnull=True)
            .select_related("payment__checkout").order_by("pk"))
    return [ClosureBlocker(code="late_transfer",
                           message=_("A transfer for %(number)s arrived after it expired and waits for the "
                                     "programme officers' decision.") % {"number": t.payment.checkout.number})
            for t in late]


def access_transfer_proof(*, user: User, pk: int):
    """Return the proof of transfer ``pk`` to the checkout's buyer or an officer; anyone else gets a 404."""
    from payments.exceptions import PaymentNotFound
    from payments.models import TransferProof

    proof = TransferProof.objects.select_related("payment__checkout").filter(pk=pk).first()
    if proof is None or not checkout_parties(checkout=proof.payment.checkout, user=user) & {Party.BUYER,
                                                                                           Party.OFFICER}:
        raise PaymentNotFound()
    return proof


def transfer_proof_list(*, checkout: Checkout):
    """Return the proofs the buyer sent for a checkout's transfer, oldest first."""
    from payments.models import TransferProof

    return TransferProof.objects.filter(payment__checkout=checkout).order_by("created_at", "pk")
def payout_totals_by_month(*, village_q: Q, start: date, end: date) -> list[dict]:
    """Return the money paid out to producers whose village matches ``village_q`` (a condition on
    ``producer__village_id``), per month of payment between ``start`` and ``end``:
    ``[{"month", "amount", "payouts", "producers"}]``, oldest first. One query."""
    from django.db.models import DateField
    from django.db.models.functions import TruncMonth

    rows = (Payout.objects.filter(village_q, batch__status=PayoutBatch.Status.PAID, batch__paid_at__date__gte=start,
                                  batch__paid_at__date__lte=end)
            .annotate(month=TruncMonth("batch__paid_at", output_field=DateField())).values("month")
            .annotate(amount=Sum("amount"), payouts=Count("pk"), producers=Count("producer_id", distinct=True))
            .order_by("month"))
    return list(rows)


def payments_officer_decision_list(*, query, kinds: frozenset[str]) -> list:
    """Return officers' money decisions, latest first, at most ``query.limit`` per kind (a
    ``market.core.audit.AuditQuery``), as ``AuditEntry`` values: ``transfer`` (bank transfers
    recorded as received), ``late_transfer`` (late money re-opened or owed back) and ``payout``
    (payout batches paid)."""
    from market.core.audit import AuditEntry, officer_label
    from market.core.money import format_rupiah
    from payments.models import LateTransfer, PaymentEvent
    from payments.models import PayoutBatch as Batch

    entries = []
    if "transfer" in kinds:
        for event in (PaymentEvent.objects.filter(query.q(actor="actor", at="at"), source=PaymentEvent.Source.TRANSFER)
                      .select_related("actor", "payment__checkout").order_by("-at", "-pk")[:query.limit]):
            entries.append(AuditEntry(event.at, event.actor_id, officer_label(event.actor), "transfer",
                                      event.payment.checkout.number or f"#{event.payment.checkout_id}",
                                      f"{event.get_from_status_display()} → {event.get_to_status_display()}"
                                      + (f" ({event.note})" if event.note else "")))
    if "late_transfer" in kinds:
        for late in (LateTransfer.objects.filter(query.q(actor="decided_by", at="decided_at"))
                     .select_related("decided_by", "payment__checkout").order_by("-decided_at", "-pk")[:query.limit]):
            entries.append(AuditEntry(late.decided_at or late.updated_at, late.decided_by_id, officer_label(late.decided_by),
                                      "late_transfer", late.payment.checkout.number or f"#{late.payment.checkout_id}",
                                      f"{late.get_status_display()}: {format_rupiah(late.amount)}"))
    if "payout" in kinds:
        for batch in (Batch.objects.filter(query.q(actor="paid_by", at="paid_at"))
                      .select_related("paid_by").order_by("-paid_at", "-pk")[:query.limit]):
            entries.append(AuditEntry(batch.paid_at or batch.updated_at, batch.paid_by_id, officer_label(batch.paid_by), "payout",
                                      str(batch), f"{batch.get_status_display()}: {format_rupiah(batch.total)}"))
    return entries
