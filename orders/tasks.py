"""Background work of the orders app: notifications, expiry of unpaid reservations, auto-completion.

Every task is safe to retry or to run twice at once (the services lock and re-check, and
notifications are recorded by their natural key).
"""
from __future__ import annotations

from celery import shared_task

from orders import hooks
from orders.models import Checkout, OrderRefund
from orders.notifications import notification_send
from orders.services import cart_purge_stale, checkout_expire_due, order_complete_due


@shared_task
def checkout_expire_due_task() -> int:
    """Every minute: release the stock of unpaid checkouts whose reservation ran out, cancel their orders."""
    return checkout_expire_due()


@shared_task
def order_complete_due_task() -> int:
    """Hourly: complete orders delivered 7 days ago without an undecided problem."""
    return order_complete_due()


@shared_task
def cart_purge_stale_task() -> int:
    """Daily: delete anonymous carts unused for 30 days."""
    return cart_purge_stale()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def order_notify_task(event: str, object_id: int, context: dict | None = None) -> int:
    """Send the notifications of one event (each recipient and channel once, however often it runs)."""
    return notification_send(event=event, object_id=object_id, context=context)


@shared_task
def order_refund_requested_task(refund_id: int) -> int:
    """Hand a refund owed to the payment processors registered in ``orders.hooks``."""
    refund = OrderRefund.objects.select_related("order__checkout").get(pk=refund_id)
    if refund.status != OrderRefund.Status.REQUESTED:
        return 0
    return hooks.refund_requested(refund=refund)


@shared_task
def checkout_closed_task(checkout_id: int) -> None:
    """Tell the payment processors that an unpaid checkout expired or was cancelled."""
    hooks.checkout_closed(checkout=Checkout.objects.get(pk=checkout_id))
