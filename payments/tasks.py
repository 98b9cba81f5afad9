"""Background work of the payments app; every task is safe to run twice."""
from __future__ import annotations

from celery import shared_task

from payments.services.card import card_payments_reconcile


@shared_task
def card_payments_reconcile_task() -> int:
    """Every 5 minutes: ask Stripe about card payments still pending (lost webhooks), and pay back the
    card refunds still owed (Stripe failed when their task ran)."""
    from payments.services.refunds import card_refunds_reconcile

    return card_payments_reconcile() + card_refunds_reconcile()


@shared_task
def ledger_check_task() -> dict:
    """Nightly: prove the ledger balances and matches the providers' records; log an error otherwise."""
    import logging

    from payments.selectors import ledger_check

    problems = ledger_check()
    if problems:
        logging.getLogger(__name__).error("ledger check failed: %s", problems)
    return problems


@shared_task
def terms_reminders_send_task() -> int:
    """Daily: remind buyer organisations of invoices on terms due soon or overdue (each reminder once)."""
    from payments.services.terms import terms_reminders_send

    return terms_reminders_send()


@shared_task
def bank_account_change_notify_task(*, change_id: int) -> int:
    """After a payout bank account changed: email the producer's owners and every programme officer."""
    from payments.services.payouts import bank_account_change_notify

    return bank_account_change_notify(change_id=change_id)
