"""Carts: set, add and remove lines, accept changed prices, merge an anonymous cart at login.

Each write locks the shopper's cart row first, so two requests of the same shopper (two tabs, a
double click) change the cart one after the other, and ``order_place`` (which locks it too) never
sees a half-changed cart. Quantities and products are checked here again whatever the form or
serializer did: only whole numbers, only products on sale, a buyer organisation's minimum order
and multiple, and no more than the available stock.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal, overload

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.exceptions import InsufficientStock, ProductNotFound
from catalog.models import Product
from catalog.selectors import product_get_public
from market.accounts.models import Organisation, User
from orders import pricing
from orders.exceptions import OrdersInvalid, ProductUnavailable, QuantityInvalid
from orders.models import MAX_CART_LINES, MAX_LINE_QUANTITY, Cart, CartLine
from orders.selectors import Shopper, quote_lines, shopper_get


@overload
def _cart_lock(shopper: Shopper, *, create: Literal[True] = ...) -> Cart: ...
@overload
def _cart_lock(shopper: Shopper, *, create: bool) -> Cart | None: ...
def _cart_lock(shopper: Shopper, *, create: bool = True) -> Cart | None:
    """Return the shopper's cart locked for this transaction, creating it if asked."""
    lookup = shopper.cart_lookup()
    cart = Cart.objects.select_for_update().filter(**lookup).first()
    if cart is None and create:
        try:
            with transaction.atomic():
                cart = Cart.objects.create(user=shopper.user, organisation=shopper.organisation,
                                           anonymous_token=shopper.anonymous_token)
        except IntegrityError:  # created meanwhile by a concurrent request of the same shopper
            cart = Cart.objects.select_for_update().get(**lookup)
    elif cart is not None:
        Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())  # the cart is in use (stale carts purge)
    return cart


def _product(product_id) -> Product:
    if not isinstance(product_id, int) or isinstance(product_id, bool):
        raise ProductUnavailable(fields={"product": [_("Choose a product.")]})
    try:
        return product_get_public(pk=product_id)
    except ProductNotFound:
        raise ProductUnavailable(fields={"product": [str(ProductUnavailable.default_message)]}) from None


def _check_line(*, shopper: Shopper, product: Product, quantity: int) -> int:
    """Check ``quantity`` of ``product`` for the shopper; return the unit price the shopper sees for it."""
    problems = pricing.quantity_problems(product=product, audience=shopper.audience, quantity=quantity)
    if problems:
        raise QuantityInvalid(problems[0], fields={"quantity": problems})
    available = max(product.stock.available, 0)
    if quantity > available:
        raise InsufficientStock(available={product.pk: available},
                                names={product.pk: product.approved_snapshot["name"]})
    return pricing.unit_price(product=product, audience=shopper.audience, quantity=quantity)


def _put(*, cart: Cart, shopper: Shopper, product: Product, quantity: int, add: bool) -> CartLine:
    line = CartLine.objects.filter(cart=cart, product=product).first()
    if add and line is not None:
        quantity = pricing.quantity_clean(line.quantity + quantity)
    price = _check_line(shopper=shopper, product=product, quantity=quantity)
    if line is None:
        if CartLine.objects.filter(cart=cart).count() >= MAX_CART_LINES:
            raise OrdersInvalid(_("A cart holds at most %(count)s different products.") % {"count": MAX_CART_LINES})
        return CartLine.objects.create(cart=cart, product=product, quantity=quantity, unit_price_seen=price)
    line.quantity, line.unit_price_seen = quantity, price
    line.save(update_fields=["quantity", "unit_price_seen", "updated_at"])
    return line


@transaction.atomic
def cart_line_set(*, shopper: Shopper, product_id: int, quantity: int) -> CartLine:
    """Put ``quantity`` units of a product on sale in the shopper's cart (replacing the line's quantity).

    The line remembers the unit price shown now. Raise ``QuantityInvalid`` (not a whole number from
    1 to the maximum, below a buyer organisation's minimum order or off its multiple),
    ``ProductUnavailable`` or ``InsufficientStock``; nothing changes then.
    """
    quantity = pricing.quantity_clean(quantity)
    product = _product(product_id)
    cart = _cart_lock(shopper)
    return _put(cart=cart, shopper=shopper, product=product, quantity=quantity, add=False)


@transaction.atomic
def cart_line_add(*, shopper: Shopper, product_id: int, quantity: int) -> CartLine:
    """Add ``quantity`` units to the shopper's cart (to the line's quantity if the product is there)."""
    quantity = pricing.quantity_clean(quantity)
    product = _product(product_id)
    cart = _cart_lock(shopper)
    return _put(cart=cart, shopper=shopper, product=product, quantity=quantity, add=True)


@transaction.atomic
def cart_line_remove(*, shopper: Shopper, product_id: int) -> None:
    """Take a product out of the cart (also one that is no longer on sale)."""
    cart = _cart_lock(shopper, create=False)
    if cart is not None:
        CartLine.objects.filter(cart=cart, product_id=product_id).delete()


@transaction.atomic
def cart_clear(*, shopper: Shopper) -> None:
    cart = _cart_lock(shopper, create=False)
    if cart is not None:
        CartLine.objects.filter(cart=cart).delete()


@transaction.atomic
def cart_prices_accept(*, shopper: Shopper) -> pricing.Quote:
    """Accept the current prices of every line after the shopper has seen the changes; return the new quote."""
    cart = _cart_lock(shopper, create=False)
    lines = list(CartLine.objects.filter(cart=cart).order_by("added_at", "pk")) if cart else []
    quote = quote_lines(audience=shopper.audience, lines=lines)
    changed = {line.product_id: line.unit_price for line in quote.price_changes}
    for line in lines:
        if line.product_id in changed:
            line.unit_price_seen = changed[line.product_id]
            line.save(update_fields=["unit_price_seen", "updated_at"])
    return quote_lines(audience=shopper.audience, lines=lines)


@dataclass(frozen=True)
class MergeResult:
    merged: int  # lines moved or added to
    dropped: int  # lines that did not fit (cart full)


@transaction.atomic
def cart_merge(*, anonymous_token: str, user: User, organisation: Organisation | None = None) -> MergeResult:
    """Move an anonymous visitor's cart into ``user``'s cart (acting for ``organisation`` if given) at login.

    Quantities of a product in both carts add up (at most the line maximum); a line keeps the unit
    price its shopper last saw, so the cart then reports any difference instead of hiding it.
    The anonymous cart is deleted; a second call finds nothing to merge. Called by a one-line
    receiver of allauth's ``user_logged_in`` with the token kept in the session's data.
    """
    if not anonymous_token:
        return MergeResult(0, 0)
    source = Cart.objects.select_for_update().filter(user__isnull=True, anonymous_token=anonymous_token).first()
    if source is None:
        return MergeResult(0, 0)
    target = _cart_lock(shopper_get(user=user, organisation=organisation))
    existing = {line.product_id: line for line in CartLine.objects.filter(cart=target)}
    merged = dropped = 0
    for line in CartLine.objects.filter(cart=source).order_by("added_at", "pk"):
        mine = existing.get(line.product_id)
        if mine is not None:
            mine.quantity = min(mine.quantity + line.quantity, MAX_LINE_QUANTITY)
            mine.save(update_fields=["quantity", "updated_at"])
        elif len(existing) < MAX_CART_LINES:
            existing[line.product_id] = CartLine.objects.create(
                cart=target, product_id=line.product_id, quantity=line.quantity,
                unit_price_seen=line.unit_price_seen)
        else:
            dropped += 1
            continue
        merged += 1
    source.delete()
    return MergeResult(merged, dropped)


def cart_purge_stale(*, days: int = 30) -> int:
    """Delete anonymous carts unused for ``days`` days; return how many."""
    cutoff = timezone.now() - timedelta(days=days)
    _total, by_model = Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff).delete()
    return by_model.get("orders.Cart", 0)


@transaction.atomic
def cart_erase_for_account_closure(user: User) -> int:
    """Delete every cart of a person closing their account; return how many (composes in ``account_close``)."""
    carts = list(Cart.objects.filter(user=user).values_list("pk", flat=True))
    CartLine.objects.filter(cart_id__in=carts).delete()
    Cart.objects.filter(pk__in=carts).delete()
    return len(carts)
