"""The order state machine as data: which status may follow which, and who may move it.

``orders.services.fulfilment.order_transition`` is the one function that applies it;
``orders.selectors.order_actions`` reads it to offer only the buttons a person may press.

::

    awaiting_payment ──paid──▶ placed ──▶ accepted ──▶ packed ──▶ shipped ──▶ delivered ──▶ completed
          │                      │  └──▶ declined (reason; stock released, refund)
          └──▶ cancelled ◀───────┘  (until acceptance; stock released, refund if paid)
                  │
                  └──▶ awaiting_payment (system only: a transfer arrived late and an officer re-opened the
                       checkout with its stock reserved again, ``checkout_reopen``; paid at once)
"""
from __future__ import annotations

from django.db import models

from orders.models import Order

Status = Order.Status


class Party(models.TextChoices):
    BUYER = "buyer"  # the person who placed a consumer order, or a member of the buyer organisation
    PRODUCER = "producer"  # a member of the producer's organisation
    OFFICER = "officer"  # a programme officer
    SYSTEM = "system"  # a payment, a periodic task (no person)


TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (Status.AWAITING_PAYMENT, Status.PLACED): frozenset({Party.SYSTEM}),
    # An unpaid checkout is cancelled as a whole (``checkout_cancel``) or expires (``checkout_expire_due``).
    (Status.AWAITING_PAYMENT, Status.CANCELLED): frozenset({Party.BUYER, Party.OFFICER, Party.SYSTEM}),
    # Only ``checkout_reopen`` (an expired or cancelled unpaid checkout whose transfer arrived late).
    (Status.CANCELLED, Status.AWAITING_PAYMENT): frozenset({Party.SYSTEM}),
    (Status.PLACED, Status.ACCEPTED): frozenset({Party.PRODUCER}),
    (Status.PLACED, Status.DECLINED): frozenset({Party.PRODUCER}),
    (Status.PLACED, Status.CANCELLED): frozenset({Party.BUYER, Party.OFFICER}),
    (Status.ACCEPTED, Status.PACKED): frozenset({Party.PRODUCER}),
    (Status.PACKED, Status.SHIPPED): frozenset({Party.PRODUCER}),
    (Status.SHIPPED, Status.DELIVERED): frozenset({Party.PRODUCER, Party.BUYER}),
    (Status.DELIVERED, Status.COMPLETED): frozenset({Party.BUYER, Party.SYSTEM}),
}

# Stock follows the status: these moves give the reservation back or take the units out of the store.
RELEASES_STOCK = frozenset({(Status.AWAITING_PAYMENT, Status.CANCELLED), (Status.PLACED, Status.CANCELLED),
                            (Status.PLACED, Status.DECLINED)})
SHIPS_STOCK = frozenset({(Status.PACKED, Status.SHIPPED)})
# Open orders hold reserved stock; the others are finished one way or another.
OPEN = frozenset({Status.AWAITING_PAYMENT, Status.PLACED, Status.ACCEPTED, Status.PACKED})
FINAL = frozenset({Status.DECLINED, Status.COMPLETED, Status.CANCELLED})


def transition_allowed(*, from_status: str, to_status: str, parties: set[str] | frozenset[str]) -> bool:
    """Return whether one of ``parties`` may move an order from ``from_status`` to ``to_status``."""
    return bool(TRANSITIONS.get((from_status, to_status), frozenset()) & set(parties))


def next_statuses(*, from_status: str, parties: set[str] | frozenset[str]) -> list[str]:
    """Return the statuses ``parties`` may move an order to from ``from_status``, in the table's order."""
    return [to for (frm, to), who in TRANSITIONS.items() if frm == from_status and who & set(parties)]
