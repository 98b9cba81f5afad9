"""Link an order a buyer organisation already placed to the showcase meeting it followed."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from market.accounts.models import User
from orders.exceptions import OrdersInvalid
from orders.models import Order
from orders.selectors import order_list_for_meeting_link
from showcases.models import Meeting, Outcome
from showcases.selectors import meeting_party
from showcases.services import meeting_lock_for_order, meeting_outcome_set


@transaction.atomic(durable=True)
def order_showcase_meeting_link(*, meeting: Meeting, order_id: int, actor: User) -> Order:
    """Record that the buyer's order ``order_id`` followed the meeting, and its outcome "order placed".

    The buyer's people or an officer link an order of that buyer organisation with that producer, placed
    from the meeting's request until 90 days after the meeting (``orders.selectors.order_list_for_meeting_link``),
    not linked to another meeting.
    """
    if meeting_party(user=actor, meeting=meeting) not in ("buyer", "officer"):
        raise OrdersInvalid(_("Only the buyer or an officer links an order to the meeting."))
    locked = meeting_lock_for_order(meeting=meeting)
    order = order_list_for_meeting_link(meeting=locked).select_for_update(of=("self",)).filter(
        pk=order_id).first()
    if order is None:
        raise OrdersInvalid(fields={"order": [_("Choose an order of this buyer with this producer, placed within "
                                                "90 days after the meeting.")]})
    Order.objects.filter(pk=order.pk).update(showcase_meeting=locked)
    order.showcase_meeting = locked
    meeting_outcome_set(meeting=locked, actor=actor, outcome=Outcome.ORDER_PLACED,
                        note=_("Order %(number)s") % {"number": order.number})
    return order
