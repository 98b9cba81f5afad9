"""The one place that prices a cart: unit prices by audience, quantity rules, delivery fees, totals.

Everything here is computed from the APPROVED SNAPSHOT of each product (what buyers see), never
from the producer's working copy, and without touching the database: callers
(``orders.selectors.cart_quote`` and ``orders.services.checkout.order_place``) load the products,
stock and delivery rules and pass them in, so the cart page and the placing transaction price a
cart exactly the same way.

- Consumers pay the retail price, whatever the quantity.
- Buyer organisations pay the wholesale tier reached by the line's quantity
  (``catalog.selectors.product_unit_price``), must order at least the minimum order quantity and
  in multiples of the order multiple, and are told how many more units reach the next tier.
- Each producer's part has a subtotal and a delivery fee by the chosen option: producer delivery
  (flat fee, free from an amount), courier (flat fee), pickup at the village (free).
- A line remembers the unit price the shopper saw; a different current price is reported
  (``LineQuote.price_changed``), never applied silently.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from catalog.models import Product
from catalog.selectors import product_unit_price
from market.core.money import format_rupiah
from orders.exceptions import QuantityInvalid
from orders.models import MAX_LINE_QUANTITY, Audience, DeliveryOption, ProducerDeliveryRule


def quantity_clean(value) -> int:
    """Return ``value`` if it is a whole number of units from 1 to ``MAX_LINE_QUANTITY``; else ``QuantityInvalid``.

    Only real integers pass: ``1.5``, ``"2"``, ``True`` and ``Decimal("2")`` are refused (forms and
    serializers convert text to int at the edge).
    """
    if not isinstance(value, int) or isinstance(value, bool):
        raise QuantityInvalid(fields={"quantity": [_("Enter a whole number of units.")]})
    if value < 1:
        raise QuantityInvalid(fields={"quantity": [_("Enter at least 1 unit.")]})
    if value > MAX_LINE_QUANTITY:
        raise QuantityInvalid(fields={"quantity": [_("At most %(max)s units of one product per order.")
                                                   % {"max": MAX_LINE_QUANTITY}]})
    return value


def unit_price(*, product: Product, audience: str, quantity: int) -> int:
    """Return the unit price (rupiah) ``audience`` pays for ``quantity`` units of the approved product."""
    if audience == Audience.BUSINESS:
        return product_unit_price(product=product, quantity=quantity)
    return product.approved_snapshot["retail_price"]


def quantity_problems(*, product: Product, audience: str, quantity: int) -> list[str]:
    """Return why ``quantity`` cannot be ordered by ``audience`` (minimum order, multiple); empty if it can."""
    if audience != Audience.BUSINESS:
        return []
    snapshot = product.approved_snapshot
    moq, multiple = snapshot.get("min_order_qty") or 1, snapshot.get("order_multiple") or 1
    problems = []
    if quantity < moq:
        problems.append(_("The minimum order is %(moq)s units.") % {"moq": moq})
    if quantity % multiple:
        problems.append(_("Order in multiples of %(multiple)s units.") % {"multiple": multiple})
    return problems


@dataclass(frozen=True)
class NextTier:
    """Ordering ``more`` units (``quantity`` in all) gives the better unit price ``unit_price``."""

    more: int
    quantity: int
    unit_price: int

    @property
    def hint(self) -> str:
        return _("Order %(more)s more to pay %(price)s per unit.") % {
            "more": self.more, "price": format_rupiah(self.unit_price)}


def next_tier(*, product: Product, audience: str, quantity: int) -> NextTier | None:
    """Return the next wholesale tier a buyer organisation reaches by ordering more, else ``None``.

    The suggested quantity respects the minimum order and the order multiple.
    """
    if audience != Audience.BUSINESS:
        return None
    snapshot = product.approved_snapshot
    moq, multiple = snapshot.get("min_order_qty") or 1, snapshot.get("order_multiple") or 1
    current = product_unit_price(product=product, quantity=quantity)
    for min_quantity, _price in snapshot.get("price_tiers") or []:
        if min_quantity <= quantity:
            continue
        target = max(min_quantity, moq)
        target = -(-target // multiple) * multiple  # round up to the multiple
        price = product_unit_price(product=product, quantity=target)
        if price < current and target <= MAX_LINE_QUANTITY:
            return NextTier(more=target - quantity, quantity=target, unit_price=price)
        return None
    return None


@dataclass(frozen=True)
class DeliveryChoice:
    option: str
    fee: int


def delivery_choices(*, rule: ProducerDeliveryRule | None, subtotal: int) -> tuple[DeliveryChoice, ...]:
    """Return the delivery options a producer offers for an order of ``subtotal``, with their fees."""
    choices = []
    if rule is not None and rule.offers_delivery:
        free = rule.free_delivery_from is not None and subtotal >= rule.free_delivery_from
        choices.append(DeliveryChoice(DeliveryOption.PRODUCER, 0 if free else rule.delivery_fee))
    if rule is not None and rule.offers_courier:
        choices.append(DeliveryChoice(DeliveryOption.COURIER, rule.courier_fee))
    choices.append(DeliveryChoice(DeliveryOption.PICKUP, 0))
    return tuple(choices)


@dataclass(frozen=True)
class QuoteItem:
    """What the cart holds: a product, a quantity and the unit price the shopper saw (``None``: never seen)."""

    product_id: int
    quantity: int
    unit_price_seen: int | None = None


@dataclass(frozen=True)
class LineQuote:
    product_id: int
    product: Product | None  # None: no longer on sale
    name: str
    unit: str
    quantity: int
    unit_price: int
    line_total: int
    unit_price_seen: int | None
    available: int
    problems: tuple[str, ...]
    next_tier: NextTier | None
    min_order_qty: int = 1
    order_multiple: int = 1

    @property
    def price_changed(self) -> bool:
        return self.product is not None and self.unit_price_seen is not None and self.unit_price_seen != self.unit_price

    @property
    def price_difference(self) -> int:
        """Return how much more (or, negative, less) one unit costs now than when the shopper saw it."""
        return self.unit_price - self.unit_price_seen if self.price_changed else 0

    @property
    def stock_short(self) -> bool:
        return self.product is not None and self.quantity > self.available

    @property
    def stock_message(self) -> str:
        """Return "Only N left." when the stock no longer covers the line (else an empty string)."""
        return _("Only %(count)s left.") % {"count": self.available} if self.stock_short else ""

    @property
    def orderable(self) -> bool:
        return self.product is not None and not self.problems


@dataclass(frozen=True)
class ProducerQuote:
    producer_id: int
    producer_name: str
    lines: tuple[LineQuote, ...]
    subtotal: int
    choices: tuple[DeliveryChoice, ...]
    delivery_option: str | None  # None: not chosen yet, or not offered
    delivery_fee: int
    total: int


@dataclass(frozen=True)
class Quote:
    audience: str
    producers: tuple[ProducerQuote, ...]
    unavailable: tuple[LineQuote, ...]  # lines of products no longer on sale
    subtotal: int
    delivery_total: int
    total: int
    delivery_problems: dict[str, list[str]] = field(default_factory=dict)

    @property
    def lines(self) -> list[LineQuote]:
        return [line for producer in self.producers for line in producer.lines] + list(self.unavailable)

    @property
    def price_changes(self) -> list[LineQuote]:
        return [line for line in self.lines if line.price_changed]

    @property
    def is_empty(self) -> bool:
        return not self.producers and not self.unavailable

    def line_problems(self) -> dict[str, list[str]]:
        """Return ``{product_id: [reasons]}`` for lines that cannot be ordered as they are (stock aside)."""
        return {str(line.product_id): list(line.problems) for line in self.lines if line.problems}

    def price_change_messages(self) -> dict[str, list[str]]:
        return {str(line.product_id): [_("The price changed from %(old)s to %(new)s.") % {
            "old": format_rupiah(line.unit_price_seen), "new": format_rupiah(line.unit_price)}]
            for line in self.price_changes}


def quote(*, audience: str, items: Iterable[QuoteItem], products: Mapping[int, Product],
          available: Mapping[int, int], rules: Mapping[int, ProducerDeliveryRule],
          delivery: Mapping[int, str] | None = None) -> Quote:
    """Price ``items`` for ``audience``.

    ``products`` holds the products on sale (anything missing is reported as unavailable),
    ``available`` their available stock, ``rules`` the producers' delivery rules and ``delivery``
    the option chosen per producer id (a missing or unoffered choice is reported in
    ``delivery_problems`` and costs nothing until chosen).
    """
    by_producer: dict[int, list[LineQuote]] = {}
    unavailable: list[LineQuote] = []
    for item in items:
        product = products.get(item.product_id)
        if product is None:
            unavailable.append(LineQuote(
                product_id=item.product_id, product=None, name="", unit="", quantity=item.quantity, unit_price=0,
                line_total=0, unit_price_seen=item.unit_price_seen, available=0, next_tier=None,
                problems=(_("This product is no longer on sale."),)))
            continue
        snapshot = product.approved_snapshot
        price = unit_price(product=product, audience=audience, quantity=item.quantity)
        stock = max(available.get(item.product_id, 0), 0)
        problems = quantity_problems(product=product, audience=audience, quantity=item.quantity)
        by_producer.setdefault(product.producer_id, []).append(LineQuote(
            product_id=product.pk, product=product, name=snapshot["name"], unit=snapshot["unit"],
            quantity=item.quantity, unit_price=price, line_total=price * item.quantity,
            unit_price_seen=item.unit_price_seen, available=stock, problems=tuple(problems),
            next_tier=next_tier(product=product, audience=audience, quantity=item.quantity),
            min_order_qty=snapshot.get("min_order_qty") or 1, order_multiple=snapshot.get("order_multiple") or 1))
    delivery = delivery or {}
    producers: list[ProducerQuote] = []
    delivery_problems: dict[str, list[str]] = {}
    for producer_id, lines in sorted(by_producer.items(), key=lambda kv: (kv[1][0].product.producer.name, kv[0])):
        subtotal = sum(line.line_total for line in lines)
        choices = delivery_choices(rule=rules.get(producer_id), subtotal=subtotal)
        chosen = next((choice for choice in choices if choice.option == delivery.get(producer_id)), None)
        if chosen is None:
            delivery_problems[str(producer_id)] = [
                _("Choose a delivery option this producer offers.") if delivery.get(producer_id)
                else _("Choose a delivery option.")]
        fee = chosen.fee if chosen else 0
        producers.append(ProducerQuote(
            producer_id=producer_id, producer_name=lines[0].product.producer.name, lines=tuple(lines),
            subtotal=subtotal, choices=choices, delivery_option=chosen.option if chosen else None, delivery_fee=fee,
            total=subtotal + fee))
    subtotal = sum(p.subtotal for p in producers)
    delivery_total = sum(p.delivery_fee for p in producers)
    return Quote(audience=audience, producers=tuple(producers), unavailable=tuple(unavailable), subtotal=subtotal,
                 delivery_total=delivery_total, total=subtotal + delivery_total, delivery_problems=delivery_problems)
