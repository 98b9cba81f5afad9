"""The one way a payment's status changes: checked against the state table, recorded as an event."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from market.accounts.models import User
from payments.exceptions import PaymentTransitionInvalid
from payments.models import Payment, PaymentEvent
from payments.states import transition_allowed


@transaction.atomic
def payment_status_change(*, payment: Payment, to_status: str, source: str, actor: User | None = None,
                          provider_event_id: str = "", note: str = "") -> PaymentEvent | None:
    """Move a LOCKED payment to ``to_status`` and record the ``PaymentEvent``; return it.

    Composes inside the caller's transaction, which holds the payment's row lock
    (``select_for_update``) so that the status read here is the one being replaced. Moving to the
    status the payment already has changes and records nothing (a repeated webhook, a second
    look at a PaymentIntent) and returns None; a move the state table does not allow raises
    ``PaymentTransitionInvalid``. Saves ``status`` (and ``succeeded_at`` on success) itself; the
    caller saves its other fields.
    """
    from_status = payment.status
    if to_status == from_status:
        return None
    if not transition_allowed(from_status=from_status, to_status=to_status):
        raise PaymentTransitionInvalid()
    payment.status = to_status
    fields = ["status", "updated_at"]
    if to_status == Payment.Status.SUCCEEDED:
        payment.succeeded_at = timezone.now()
        fields.append("succeeded_at")
    payment.save(update_fields=fields)
    return PaymentEvent.objects.create(payment=payment, from_status=from_status, to_status=to_status, source=source,
                                       actor=actor, provider_event_id=provider_event_id, note=note[:255])
