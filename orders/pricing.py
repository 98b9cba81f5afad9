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
- Each producer's part has a subtotal and a delivery fee by the chosen option and the destination
  (``delivery_offer``): producer delivery (fee by district, free from an amount), courier (fee by
  regency or province and weight band), pickup at the village (free, if offered).
- A line remembers the unit price the shopper saw; a different current price is reported
  (``LineQuote.price_changed``), never applied silently.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

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
class Destination:
    """Where goods go, as region codes (a village's code holds its district, regency and province).

    A shopper's outlet or address gives a village; a visitor on a product page may give only a
    district or a regency. An empty code is unknown: rules for it cannot match.
    """

    village_code: str = ""
    district_code: str = ""
    regency_code: str = ""
    province_code: str = ""

    @classmethod
    def from_code(cls, code: str) -> Destination:
        """Return the destination of a region code: ``35`` (province) to ``35.09.01.2001`` (village)."""
        parts = (code or "").split(".")
        return cls(village_code=code if len(parts) >= 4 else "",
                   district_code=".".join(parts[:3]) if len(parts) >= 3 else "",
                   regency_code=".".join(parts[:2]) if len(parts) >= 2 else "",
                   province_code=parts[0] if parts[0] else "")


@dataclass(frozen=True)
class DeliveryChoice:
    """An option offered for one producer's part: its fee, and when (lead time, days, pickup hours)."""

    option: str
    fee: int
    lead_days: int | None = None
    days: tuple[int, ...] = ()
    hours: str = ""


@dataclass(frozen=True)
class DeliveryOffer:
    """What a producer offers for one order to one destination, and why the other options are not offered."""

    choices: tuple[DeliveryChoice, ...]
    unavailable: tuple[tuple[str, str], ...] = ()  # (option, reason)


def _area_fee(areas, destination: Destination | None):
    """Return the producer's own delivery row for ``destination``: its district, else the "anywhere" row."""
    district = destination.district_code if destination else ""
    return (next((a for a in areas if district and a.district_id == district), None)
            or next((a for a in areas if a.district_id is None), None))


def _courier_rates_for(rates, destination: Destination | None) -> list:
    """Return the rates of the most specific area with any rates: the regency, else the province, else anywhere."""
    regency = destination.regency_code if destination else ""
    province = destination.province_code if destination else ""
    for matches in (lambda r: bool(regency) and r.regency_id == regency,
                    lambda r: bool(province) and r.province_id == province,
                    lambda r: r.regency_id is None and r.province_id is None):
        found = [rate for rate in rates if matches(rate)]
        if found:
            return found
    return []


def delivery_offer(*, rule: ProducerDeliveryRule | None, subtotal: int, destination: Destination | None = None,
                   weight_grams: int | None = None) -> DeliveryOffer:
    """Return the options a producer offers for an order of ``subtotal`` weighing ``weight_grams`` to ``destination``.

    - No rule: pickup at the village only (free).
    - Producer delivery: the fee of the destination's district row, else of the "anywhere" row; none
      of them: not offered. Free when ``subtotal`` reaches ``free_delivery_from``.
    - Courier: the rates of the destination's regency if it has any, else its province's, else
      the "anywhere" rates (the most specific area wins, also when its bands are too light); among
      them the smallest weight band holding ``weight_grams`` (a band without a limit holds any
      weight). ``weight_grams`` ``None`` (a product without a weight) matches only a band without
      a limit: with weight-banded rates the courier is not offered for that order.
    - Pickup: free, when the producer offers it.

    ``destination`` ``None`` (not chosen yet) matches only the "anywhere" rows. Reads the rule's
    ``areas`` and ``courier_rates`` (prefetch them: this function runs no query of its own).
    """
    if rule is None:
        return DeliveryOffer(choices=(DeliveryChoice(DeliveryOption.PICKUP, 0),))
    choices: list[DeliveryChoice] = []
    unavailable: list[tuple[str, str]] = []
    if rule.offers_delivery:
        area = _area_fee(rule.areas.all(), destination)
        if area is None:
            unavailable.append((DeliveryOption.PRODUCER, _("The producer does not deliver there itself.")))
        else:
            free = rule.free_delivery_from is not None and subtotal >= rule.free_delivery_from
            choices.append(DeliveryChoice(DeliveryOption.PRODUCER, 0 if free else area.fee,
                                          days=tuple(rule.delivery_days)))
    if rule.offers_courier:
        rates = _courier_rates_for(rule.courier_rates.all(), destination)
        if weight_grams is None:
            fitting = [rate for rate in rates if rate.max_grams is None]
        else:
            fitting = sorted((rate for rate in rates if rate.max_grams is None or rate.max_grams >= weight_grams),
                             key=lambda rate: (rate.max_grams is None, rate.max_grams or 0))
        if not rates:
            unavailable.append((DeliveryOption.COURIER, _("The producer does not send by courier there.")))
        elif not fitting and weight_grams is None:
            unavailable.append((DeliveryOption.COURIER, _(
                "Courier fees go by weight and a product has no weight: ask the producer, or pick it up.")))
        elif not fitting:
            unavailable.append((DeliveryOption.COURIER, _("Too heavy for the producer's courier rates.")))
        else:
            choices.append(DeliveryChoice(DeliveryOption.COURIER, fitting[0].fee, lead_days=rule.courier_lead_days))
    if rule.offers_pickup:
        choices.append(DeliveryChoice(DeliveryOption.PICKUP, 0, hours=rule.pickup_hours))
    return DeliveryOffer(choices=tuple(choices), unavailable=tuple(unavailable))


def delivery_choices(*, rule: ProducerDeliveryRule | None, subtotal: int, destination: Destination | None = None,
                     weight_grams: int | None = None) -> tuple[DeliveryChoice, ...]:
    """Return the options of ``delivery_offer`` (the same arguments), without the reasons for the others."""
    return delivery_offer(rule=rule, subtotal=subtotal, destination=destination, weight_grams=weight_grams).choices


def delivery_from_fees(*, rule: ProducerDeliveryRule | None) -> dict[str, int]:
    """Return the lowest fee of each option the producer offers anywhere (for "from Rp X" before a destination)."""
    if rule is None:
        return {DeliveryOption.PICKUP: 0}
    fees: dict[str, int] = {}
    areas, rates = list(rule.areas.all()), list(rule.courier_rates.all())
    if rule.offers_delivery and areas:
        fees[DeliveryOption.PRODUCER] = min(area.fee for area in areas)
    if rule.offers_courier and rates:
        fees[DeliveryOption.COURIER] = min(rate.fee for rate in rates)
    if rule.offers_pickup:
        fees[DeliveryOption.PICKUP] = 0
    return fees


def order_weight(lines: Iterable[tuple[Product, int]]) -> int | None:
    """Return the weight in grams of ``(product, quantity)`` pairs; ``None`` if a product has no weight."""
    total = 0
    for product, quantity in lines:
        weight = product.approved_snapshot.get("weight_grams")
        if weight is None:
            return None
        total += weight * quantity
    return total


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
    unavailable: tuple[tuple[str, str], ...] = ()  # delivery options not offered here, with the reason
    weight_grams: int | None = None

    @property
    def deliverable(self) -> bool:
        """Return whether this producer offers any way (pickup included) to get this part to the buyer."""
        return bool(self.choices)


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
          delivery: Mapping[int, str] | None = None, destination: Destination | None = None) -> Quote:
    """Price ``items`` for ``audience``.

    ``products`` holds the products on sale (anything missing is reported as unavailable),
    ``available`` their available stock, ``rules`` the producers' delivery rules (with their rows
    prefetched), ``destination`` where the goods go (``None``: not chosen yet) and ``delivery``
    the option chosen per producer id (a missing or unoffered choice, or a producer with no way to
    reach ``destination``, is reported in ``delivery_problems`` and costs nothing until chosen).
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
            # A consumer buys any number of units: the wholesale minimum and multiple are for organisations only.
            min_order_qty=(snapshot.get("min_order_qty") or 1) if audience == Audience.BUSINESS else 1,
            order_multiple=(snapshot.get("order_multiple") or 1) if audience == Audience.BUSINESS else 1))
    delivery = delivery or {}
    producers: list[ProducerQuote] = []
    delivery_problems: dict[str, list[str]] = {}
    for producer_id, lines in sorted(by_producer.items(), key=lambda kv: (kv[1][0].product.producer.name, kv[0])):
        subtotal = sum(line.line_total for line in lines)
        weight = order_weight((cast(Product, line.product), line.quantity) for line in lines)
        offer = delivery_offer(rule=rules.get(producer_id), subtotal=subtotal, destination=destination,
                               weight_grams=weight)
        choices = offer.choices
        chosen = next((choice for choice in choices if choice.option == delivery.get(producer_id)), None)
        if not choices:
            delivery_problems[str(producer_id)] = [
                _("This producer cannot deliver to this destination and offers no pickup.")]
        elif chosen is None:
            delivery_problems[str(producer_id)] = [
                _("Choose a delivery option this producer offers.") if delivery.get(producer_id)
                else _("Choose a delivery option.")]
        fee = chosen.fee if chosen else 0
        producers.append(ProducerQuote(
            producer_id=producer_id, producer_name=lines[0].product.producer.name, lines=tuple(lines),
            subtotal=subtotal, choices=choices, delivery_option=chosen.option if chosen else None, delivery_fee=fee,
            total=subtotal + fee, unavailable=offer.unavailable, weight_grams=weight))
    subtotal = sum(p.subtotal for p in producers)
    delivery_total = sum(p.delivery_fee for p in producers)
    return Quote(audience=audience, producers=tuple(producers), unavailable=tuple(unavailable), subtotal=subtotal,
                 delivery_total=delivery_total, total=subtotal + delivery_total, delivery_problems=delivery_problems)
