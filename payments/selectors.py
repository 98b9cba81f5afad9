"""Reads of the payments app."""
from __future__ import annotations

from django.conf import settings

from catalog.selectors import access_producer
from market.accounts.models import User
from orders.exceptions import CheckoutNotFound
from orders.models import Checkout
from orders.selectors import checkout_parties
from orders.states import Party
from payments import stripe_client
from payments.models import Payment, Provider
from payments.services.ledger import ProducerBalance, producer_balance


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
                .select_related("checkout__organisation", "checkout__placed_by"))
    q = (q or "").strip()
    if q:
        payments = payments.filter(Q(reference__icontains=q.replace(" ", "")) | Q(checkout__number__icontains=q)
                                   | Q(checkout__organisation__name__icontains=q)
                                   | Q(checkout__placed_by__full_name__icontains=q))
    return payments.order_by(F("checkout__reservation_expires_at").asc(nulls_last=True), "pk")


def bank_transfer_outstanding(*, reference: str) -> int | None:
    """Return what is still owed on a bank transfer reference (0 when paid), ``None`` for an unknown reference."""
    row = (Payment.objects.filter(provider=Provider.BANK_TRANSFER, reference=reference)
           .values("amount", "received").first())
    if row is None:
        return None
    return max(row["amount"] - row["received"], 0)


def _balance_sums(prefix: str = ""):
    """Return the pending and available aggregates of ledger lines reached through ``prefix``."""
    from django.db.models import Q, Sum

    from orders.models import Order

    completed = Q(**{f"{prefix}order__status": Order.Status.COMPLETED}) | Q(**{f"{prefix}order__isnull": True})
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
    """Return a batch's payouts in the bank file's order, with their producer."""
    return batch.payouts.select_related("producer").order_by("pk")


def finance_summary_get() -> dict:
    """Return the officers' finance figures: transfers awaited, open payout batches, balances owed to producers."""
    from django.db.models import Count, Sum

    from payments.models import LedgerLine, PayoutBatch

    awaiting = bank_transfer_awaiting_list().aggregate(count=Count("pk"), amount=Sum("amount", default=0),
                                                       received=Sum("received", default=0))
    batches = (PayoutBatch.objects.filter(status=PayoutBatch.Status.OPEN)
               .aggregate(count=Count("pk"), total=Sum("total", default=0)))
    owed = LedgerLine.objects.filter(account__producer__isnull=False).aggregate(**_balance_sums())
    return {"awaiting_count": awaiting["count"], "awaiting_amount": awaiting["amount"] - awaiting["received"],
            "open_batches": batches["count"], "open_batches_total": batches["total"],
            "pending": owed["pending"], "available": owed["available"]}
