"""The payment state machine as data: which status may follow which.

``payments.services.status.payment_status_change`` is the one function that applies it and
records each move as a ``PaymentEvent``.

::

    pending ──▶ requires_action (3-D Secure) ──▶ succeeded
       │  └──────────────────────────────────────▶ succeeded
       └──▶ failed | cancelled ──(the money arrived after all)──▶ succeeded

``succeeded`` is final: a refund is an ``OrderRefund`` and a ledger entry, the payment stays
succeeded (as a Stripe PaymentIntent does). A failed or cancelled payment may still succeed: a
card charged after its attempt was closed (a late webhook), or a transfer that arrives after its
checkout expired. Applying it then leaves the money in deposits to be refunded.
"""
from __future__ import annotations

from payments.models import Payment

Status = Payment.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.REQUIRES_ACTION, Status.SUCCEEDED, Status.FAILED, Status.CANCELLED}),
    Status.REQUIRES_ACTION: frozenset({Status.SUCCEEDED, Status.FAILED, Status.CANCELLED}),
    Status.FAILED: frozenset({Status.SUCCEEDED}),
    Status.CANCELLED: frozenset({Status.SUCCEEDED}),
    Status.SUCCEEDED: frozenset(),
}
# Payments still waiting for the money: the provider may yet move them.
ACTIVE = frozenset({Status.PENDING, Status.REQUIRES_ACTION})


def transition_allowed(*, from_status: str, to_status: str) -> bool:
    """Return whether a payment may move from ``from_status`` to ``to_status``."""
    return to_status in TRANSITIONS.get(from_status, frozenset())
