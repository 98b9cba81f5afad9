"""Reorder: put a past order's products back in the cart at today's prices and stock."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Product
from catalog.selectors import product_list_public
from orders.exceptions import OrderNotFound
from orders.models import MAX_CART_LINES, MAX_LINE_QUANTITY, Audience, CartLine, Order
from orders.selectors import Shopper, order_parties
from orders.services.cart import _cart_lock, _put
from orders.states import Party


@dataclass(frozen=True)
class ReorderItem:
    product_id: int
    name: str
    quantity: int  # ordered last time
    added: int  # units put in the cart now (0: none)
    reason: str = ""  # why fewer (or none) were added

    @property
    def complete(self) -> bool:
        return self.added == self.quantity and not self.reason


@dataclass(frozen=True)
class ReorderResult:
    items: tuple[ReorderItem, ...]

    @property
    def added(self) -> list[ReorderItem]:
        return [item for item in self.items if item.added]

    @property
    def not_added(self) -> list[ReorderItem]:
        return [item for item in self.items if not item.added]


def _fit(*, product: Product, audience: str, wanted: int, available: int) -> int:
    """Return the most units up to ``wanted`` that the stock and (for organisations) the order rules allow."""
    quantity = max(min(wanted, available, MAX_LINE_QUANTITY), 0)
    if audience == Audience.BUSINESS:
        snapshot = product.approved_snapshot
        quantity -= quantity % (snapshot.get("order_multiple") or 1)
        if quantity < (snapshot.get("min_order_qty") or 1):
            return 0
    return quantity


@transaction.atomic
def order_reorder(*, order: Order, shopper: Shopper) -> ReorderResult:
    """Add the products of a past order (of the shopper's own context) to the cart, as far as possible now.

    Current prices apply (the cart line remembers the price shown now); a product no longer on
    sale, out of stock, short of stock or now below its minimum order is reported with the reason.
    """
    if shopper.user is None or Party.BUYER not in order_parties(order=order, user=shopper.user) or (
            order.checkout.organisation_id != (shopper.organisation.pk if shopper.organisation else None)):
        raise OrderNotFound()
    cart = _cart_lock(shopper)
    lines = list(order.lines.order_by("pk"))
    products = {p.pk: p for p in product_list_public().filter(pk__in=[line.product_id for line in lines])}
    in_cart = dict(CartLine.objects.filter(cart=cart).values_list("product_id", "quantity"))
    items = []
    for line in lines:
        product = products.get(line.product_id)
        if product is None:
            items.append(ReorderItem(line.product_id, line.product_name, line.quantity, 0,
                                     _("This product is no longer on sale.")))
            continue
        name = product.approved_snapshot["name"]
        already = in_cart.get(product.pk, 0)
        available = max(product.stock.available, 0)
        wanted = already + line.quantity
        fit = _fit(product=product, audience=shopper.audience, wanted=wanted, available=available)
        if fit <= already:
            reason = (_("Out of stock.") if available <= already
                      else _("Fewer units are left than the minimum order."))
            items.append(ReorderItem(product.pk, name, line.quantity, 0, reason))
            continue
        if product.pk not in in_cart and len(in_cart) >= MAX_CART_LINES:
            items.append(ReorderItem(product.pk, name, line.quantity, 0, _("Your cart is full.")))
            continue
        _put(cart=cart, shopper=shopper, product=product, quantity=fit, add=False)
        in_cart[product.pk] = fit
        if fit == wanted:
            reason = ""
        elif available < wanted:
            reason = _("Only %(count)s available.") % {"count": available}
        else:
            reason = _("Rounded to the order multiple.")
        items.append(ReorderItem(product.pk, name, line.quantity, fit - already, reason))
    return ReorderResult(tuple(items))
