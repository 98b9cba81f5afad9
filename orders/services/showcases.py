"""Link an order a buyer organisation already placed to the showcase meeting it followed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.selectors import localized
from market.accounts.models import User
from market.core.errors import ApplicationError
from orders.exceptions import OrdersInvalid
from orders.models import Channel, Order
from orders.selectors import Shopper, cart_get, order_list_for_meeting_link
from orders.services.cart import cart_line_set
from showcases.models import Meeting, Outcome
from showcases.selectors import meeting_party, meeting_products
from showcases.services import meeting_lock_for_order, meeting_outcome_set


@transaction.atomic
def order_showcase_meeting_link(*, meeting: Meeting, order_id: int, actor: User) -> Order:
    """Record that the buyer's order ``order_id`` followed the meeting, and its outcome "order placed".

    The buyer's people or an officer link an order of that buyer organisation with that producer, placed
    from the meeting's request until 90 days after the meeting (``orders.selectors.order_list_for_meeting_link``),
    not linked to another meeting.
    """
    if meeting_party(user=actor, meeting=meeting) not in ("buyer", "officer"):
        raise OrdersInvalid(_("Only the buyer or an officer links an order to the meeting."))
    locked = meeting_lock_for_order(meeting=meeting)
    order = order_list_for_meeting_link(meeting=locked).select_for_update(of=("self",)).filter(pk=order_id).first()
    if order is None:
        raise OrdersInvalid(
            fields={
                "order": [
                    _("Choose an order of this buyer with this producer, placed within 90 days after the meeting.")
                ]
            }
        )
    # Linked afterwards, the order came from the showcase all the same: the cockpit counts it as such.
    Order.objects.filter(pk=order.pk).update(showcase_meeting=locked, channel=Channel.SHOWCASE,
                                             source=f"showcase:{locked.showcase_id}", updated_at=timezone.now())
    order.showcase_meeting = locked
    meeting_outcome_set(
        meeting=locked, actor=actor, outcome=Outcome.ORDER_PLACED, note=_("Order %(number)s") % {"number": order.number}
    )
    return order


def cart_showcase_meeting_fill(*, shopper: Shopper, meeting: Meeting) -> tuple[int, list[str]]:
    """Put the products the meeting's producer showed (those still on sale) in the buyer's cart at their minimum
    order quantity, to start an order from the meeting; return (how many were put in, names left out and why).

    Only for the meeting's buyer organisation acting for itself; a product already in the cart keeps its line.
    """
    if (
        shopper.user is None
        or shopper.organisation is None
        or shopper.organisation.pk != meeting.registration.organisation_id
    ):
        raise OrdersInvalid(_("Act for the buyer organisation of the meeting to order from it."))
    cart = cart_get(shopper=shopper)
    in_cart = set(cart.lines.values_list("product_id", flat=True)) if cart is not None else set()
    added, skipped = 0, []
    for product in meeting_products(meeting=meeting):
        if product.pk in in_cart:
            continue
        quantity = product.approved_snapshot.get("min_order_qty") or 1
        try:
            cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)
        except ApplicationError as exc:
            skipped.append(f"{localized(product.approved_snapshot)}: {exc.message}")
            continue
        added += 1
    return added, skipped
