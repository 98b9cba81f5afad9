"""Reads of the orders app, with object-level access.

- A shopper (a consumer, or a member acting for a buyer organisation) sees only the checkouts and
  orders of that context.
- A producer sees only its own orders: their lines, the buyer's name and the delivery address
  (copied onto the order), never the checkout with the buyer's other purchases. Views for
  producers must not follow ``order.checkout``; ``access_order`` tells who is looking
  (``order.viewer``).
- Programme officers see everything, with filters.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buyers.models import Address, Outlet
from catalog.models import Producer, Product
from catalog.selectors import assist_session_active, product_list_public
from market.accounts.models import Membership, Organisation, User
from orders import pricing
from orders.exceptions import (
    BuyerMemberRequired,
    CheckoutNotFound,
    OrderNotFound,
    OrdersInvalid,
    PurchaseRequestNotFound,
)
from orders.models import (
    Audience,
    Cart,
    CartLine,
    Checkout,
    Order,
    OrderEvent,
    OrderLine,
    OrderProblem,
    OrderRefund,
    PaymentMethod,
    ProducerCourierRate,
    ProducerDeliveryArea,
    ProducerDeliveryRule,
    PurchaseRequest,
    PurchaseRequestEvent,
    PurchaseRequestLine,
)
from orders.states import Party, next_statuses

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


# --- shoppers and carts ---------------------------------------------------------------------


@dataclass(frozen=True)
class Shopper:
    """Who is shopping: a person for themself, a member acting for a buyer organisation, or an anonymous visitor.

    Build it with ``shopper_get``, which checks the membership.
    """

    user: User | None
    organisation: Organisation | None = None
    anonymous_token: str = ""

    @property
    def audience(self) -> str:
        return Audience.BUSINESS if self.organisation is not None else Audience.CONSUMER

    @property
    def is_anonymous(self) -> bool:
        return self.user is None

    def cart_lookup(self) -> dict:
        if self.user is None:
            return {"user__isnull": True, "anonymous_token": self.anonymous_token}
        return {"user": self.user, "organisation": self.organisation}

    def checkouts_q(self) -> Q:
        """Return the condition "placed in this shopper context"."""
        if self.user is None:
            return Q(pk__in=[])
        if self.organisation is not None:
            return Q(organisation=self.organisation)
        return Q(placed_by=self.user, organisation__isnull=True)


def anonymous_token_new() -> str:
    """Return a fresh token for an anonymous cart; keep it in the session's data (login keeps the data,
    not the session key)."""
    return secrets.token_urlsafe(24)


def shopper_get(*, user: User | None, organisation: Organisation | None = None,
                anonymous_token: str = "") -> Shopper:
    """Return the shopper context of ``user`` (acting for ``organisation`` if given), or an anonymous one.

    Raise ``BuyerMemberRequired`` unless ``organisation`` is a buyer organisation ``user`` belongs to.
    """
    if user is None or not user.is_authenticated:
        if not isinstance(anonymous_token, str) or not _TOKEN.match(anonymous_token):
            raise OrdersInvalid(_("Your session has no cart yet."))
        return Shopper(user=None, anonymous_token=anonymous_token)
    if not user.is_active:
        raise BuyerMemberRequired()
    if organisation is not None and (organisation.kind != Organisation.Kind.BUYER or not Membership.objects.filter(
            user=user, organisation=organisation).exists()):
        raise BuyerMemberRequired()
    return Shopper(user=user, organisation=organisation)


def cart_get(*, shopper: Shopper) -> Cart | None:
    return Cart.objects.filter(**shopper.cart_lookup()).first()


def cart_line_count(*, shopper: Shopper) -> int:
    """Return how many products the shopper's cart holds (for the header badge)."""
    return CartLine.objects.filter(**{f"cart__{key}": value for key, value in shopper.cart_lookup().items()}).count()


def pricing_inputs(*, product_ids: list[int]) -> tuple[dict[int, Product], dict[int, int], dict]:
    """Return the products on sale among ``product_ids``, their available stock and their producers' delivery
    rules (two queries)."""
    products = {p.pk: p for p in product_list_public().filter(pk__in=product_ids)}
    available = {pk: (p.stock.available if hasattr(p, "stock") else 0) for pk, p in products.items()}
    producer_ids = {p.producer_id for p in products.values()}
    rules = {r.producer_id: r for r in _rules().filter(producer_id__in=producer_ids)}
    return products, available, rules


def _rules() -> QuerySet[ProducerDeliveryRule]:
    return ProducerDeliveryRule.objects.prefetch_related(
        Prefetch("areas", queryset=ProducerDeliveryArea.objects.select_related("district").order_by("district_id")),
        Prefetch("courier_rates", queryset=ProducerCourierRate.objects.select_related("regency", "province")
                 .order_by("pk")))


def cart_quote(*, shopper: Shopper, delivery: dict[int, str] | None = None,
               destination: pricing.Destination | None = None) -> pricing.Quote:
    """Return the shopper's cart priced now (``orders.pricing.quote``), with ``delivery`` options per producer id.

    A fixed number of queries whatever the number of lines.
    """
    lines = list(CartLine.objects.filter(**{f"cart__{k}": v for k, v in shopper.cart_lookup().items()})
                 .order_by("added_at", "pk"))
    return quote_lines(audience=shopper.audience, lines=lines, delivery=delivery, destination=destination)


def cart_quote_chosen(*, shopper: Shopper, destination: pricing.Destination | None,
                      choose: Callable[[pricing.Quote], dict[int, str]]) -> pricing.Quote:
    """Return the shopper's cart priced with the delivery options ``choose`` picks from those the cart is
    offered (the checkout page: the options depend on the cart and the destination). The cart and the
    prices are read once and priced twice in memory, not read again for the second pricing."""
    lines = list(CartLine.objects.filter(**{f"cart__{k}": v for k, v in shopper.cart_lookup().items()})
                 .order_by("added_at", "pk"))
    products, available, rules = pricing_inputs(product_ids=[line.product_id for line in lines])
    items = [pricing.QuoteItem(line.product_id, line.quantity, line.unit_price_seen) for line in lines]

    def priced(delivery: dict[int, str] | None) -> pricing.Quote:
        return pricing.quote(audience=shopper.audience, products=products, available=available, rules=rules,
                             delivery=delivery, destination=destination, items=items)

    return priced(choose(priced(None)))


def quote_lines(*, audience: str, lines: Sequence[CartLine | pricing.QuoteItem],
                delivery: dict[int, str] | None = None, destination: pricing.Destination | None = None) -> pricing.Quote:
    """Price cart lines or ``QuoteItem``s (anything with a product id, quantity and unit price seen) now."""
    products, available, rules = pricing_inputs(product_ids=[line.product_id for line in lines])
    return pricing.quote(
        audience=audience, products=products, available=available, rules=rules, delivery=delivery,
        destination=destination,
        items=[pricing.QuoteItem(line.product_id, line.quantity, line.unit_price_seen) for line in lines])


def delivery_rule_get(*, producer: Producer) -> ProducerDeliveryRule | None:
    """Return the producer's delivery rule with its district rows and courier rates, or ``None`` (pickup only)."""
    return _rules().filter(producer=producer).first()


def shopper_destination(*, shopper: Shopper | None) -> pricing.Destination | None:
    """Return where the shopper's goods would go by default: the organisation's first outlet or the person's
    first address (by name); ``None`` for a visitor or a shopper without one."""
    if shopper is None or shopper.user is None:
        return None
    if shopper.organisation is not None:
        code = (Outlet.objects.filter(organisation=shopper.organisation, is_active=True).order_by("name", "pk")
                .values_list("village_id", flat=True).first())
    else:
        code = (Address.objects.filter(user=shopper.user, is_active=True).order_by("name", "pk")
                .values_list("village_id", flat=True).first())
    return pricing.Destination.from_code(code) if code else None


@dataclass(frozen=True)
class ProductDelivery:
    """How one product reaches a destination: the producer's offer for a minimum order of it."""

    quantity: int
    subtotal: int
    weight_grams: int | None
    destination: pricing.Destination | None
    offer: pricing.DeliveryOffer
    rule: ProducerDeliveryRule | None
    from_fees: dict[str, int]  # option -> lowest fee anywhere ("from Rp X"), when no destination is known

    @property
    def reachable(self) -> bool:
        return bool(self.offer.choices)


def product_delivery(*, product: Product, audience: str, destination: pricing.Destination | None,
                     quantity: int | None = None) -> ProductDelivery:
    """Return the delivery options and fees of ``product`` (approved, on sale) to ``destination``.

    Priced for ``quantity`` units (default: the smallest order ``audience`` may place) with
    ``orders.pricing.delivery_offer``, the same function the cart and the checkout use.
    """
    snapshot = product.approved_snapshot
    if quantity is None:
        quantity = (snapshot.get("min_order_qty") or 1) if audience == Audience.BUSINESS else 1
    subtotal = pricing.unit_price(product=product, audience=audience, quantity=quantity) * quantity
    weight = pricing.order_weight([(product, quantity)])
    rule = delivery_rule_get(producer=product.producer)
    offer = pricing.delivery_offer(rule=rule, subtotal=subtotal, destination=destination, weight_grams=weight)
    return ProductDelivery(quantity=quantity, subtotal=subtotal, weight_grams=weight, destination=destination,
                           offer=offer, rule=rule, from_fees=pricing.delivery_from_fees(rule=rule))


def checkout_payment_methods(*, shopper: Shopper) -> list[str]:
    """Return the payment methods the shopper may choose: invoices on terms are for buyer organisations.

    The payments app narrows this further (cards without Stripe keys, organisations not approved
    for terms) through ``orders.hooks``.
    """
    from orders import hooks

    methods = [PaymentMethod.CARD, PaymentMethod.BANK_TRANSFER]
    if shopper.organisation is not None:
        methods.append(PaymentMethod.INVOICE)
    return [method for method in methods if hooks.payment_method_offered(shopper=shopper, method=method)]


# --- who is looking at an order -------------------------------------------------------------


def _buyer_organisations(user: User) -> QuerySet:
    return Membership.objects.filter(user=user, organisation__kind=Organisation.Kind.BUYER).values("organisation_id")


def _producers_of(user: User) -> QuerySet:
    return Producer.objects.filter(organisation__memberships__user=user).values("pk")


def checkout_parties(*, checkout: Checkout, user: User | None) -> set[str]:
    """Return the parties ``user`` is for ``checkout`` (buyer, officer); ``None`` is the system."""
    if user is None:
        return {Party.SYSTEM}
    parties: set[str] = set()
    if not user.is_authenticated or not user.is_active:
        return parties
    if user.is_officer:
        parties.add(Party.OFFICER)
    if checkout.organisation_id is None:
        if checkout.placed_by_id == user.pk:
            parties.add(Party.BUYER)
    elif Membership.objects.filter(user=user, organisation_id=checkout.organisation_id).exists():
        parties.add(Party.BUYER)
    return parties


def order_parties(*, order: Order, user: User | None) -> set[str]:
    """Return the parties ``user`` is for ``order`` (buyer, producer, officer); ``None`` is the system."""
    parties = checkout_parties(checkout=order.checkout, user=user)
    if user is None or not user.is_authenticated or not user.is_active:
        return parties
    if Membership.objects.filter(user=user, organisation_id=order.producer.organisation_id).exists():
        parties.add(Party.PRODUCER)
    elif user.is_officer and assist_session_active(officer=user, producer=order.producer_id) is not None:
        parties.add(Party.PRODUCER)  # officer-assisted mode: the officer acts for the producer
    return parties


def order_actions(*, order: Order, user: User) -> list[str]:
    """Return the statuses ``user`` may move ``order`` to now (the buttons to show)."""
    parties = order_parties(order=order, user=user) - {Party.SYSTEM}
    return next_statuses(from_status=order.status, parties=parties)


# --- checkouts and orders -------------------------------------------------------------------

_ORDER_LINES = Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))


def checkout_list(*, shopper: Shopper) -> QuerySet[Checkout]:
    """Return the shopper context's checkouts, latest first, with their orders and lines (three queries)."""
    orders = Order.objects.select_related("producer").prefetch_related(_ORDER_LINES).order_by("producer__name", "pk")
    return (Checkout.objects.filter(shopper.checkouts_q()).select_related("placed_by", "organisation")
            .prefetch_related(Prefetch("orders", queryset=orders)).order_by("-created_at", "-pk"))


def access_checkout(*, user: User, pk: int) -> Checkout:
    """Return the checkout if ``user`` placed it (or belongs to its buyer organisation) or is an officer;
    else ``CheckoutNotFound``."""
    if not (user.is_authenticated and user.is_active):
        raise CheckoutNotFound()
    orders = Order.objects.select_related("producer").prefetch_related(_ORDER_LINES).order_by("producer__name", "pk")
    qs = (Checkout.objects.select_related("placed_by", "organisation", "outlet", "address")
          .prefetch_related(Prefetch("orders", queryset=orders)))
    if not user.is_officer:
        qs = qs.filter(Q(placed_by=user, organisation__isnull=True)
                       | Q(organisation_id__in=_buyer_organisations(user)))
    try:
        return qs.get(pk=pk)
    except Checkout.DoesNotExist:
        raise CheckoutNotFound() from None


def order_list_for_buyer(*, shopper: Shopper, status: str | None = None) -> QuerySet[Order]:
    """Return the orders placed in the shopper's context, latest first, with lines (two queries)."""
    qs = (Order.objects.filter(checkout__in=Checkout.objects.filter(shopper.checkouts_q()))
          .select_related("producer", "checkout").prefetch_related(_ORDER_LINES).order_by("-created_at", "-pk"))
    return qs.filter(status=status) if status else qs


def order_list_for_producer(*, producer: Producer, status: str | None = None) -> QuerySet[Order]:
    """Return the producer's orders (awaiting payment excluded: they may never be paid), latest first.

    Only what the producer needs: the order, its lines, the buyer's name and the delivery address.
    """
    qs = (Order.objects.filter(producer=producer).exclude(status=Order.Status.AWAITING_PAYMENT)
          .select_related("producer").prefetch_related(_ORDER_LINES).order_by("-created_at", "-pk"))
    return qs.filter(status=status) if status else qs


def access_order(*, user: User, pk: int) -> Order:
    """Return the order for a party to it: its buyer, its producer's people or an officer; else ``OrderNotFound``.

    ``order.viewer`` says who is looking (``officer``, ``buyer`` or ``producer``, in that order of
    precedence). A producer never gets an order that is still awaiting payment.
    """
    if not (user.is_authenticated and user.is_active):
        raise OrderNotFound()
    qs = Order.objects.select_related("producer__organisation", "producer__village", "checkout").prefetch_related(
        _ORDER_LINES)
    if not user.is_officer:
        buyer = (Q(checkout__placed_by=user, checkout__organisation__isnull=True)
                 | Q(checkout__organisation_id__in=_buyer_organisations(user)))
        producer = Q(producer_id__in=_producers_of(user)) & ~Q(status=Order.Status.AWAITING_PAYMENT)
        qs = qs.filter(buyer | producer)
    try:
        order = qs.get(pk=pk)
    except Order.DoesNotExist:
        raise OrderNotFound() from None
    parties = order_parties(order=order, user=user)
    order.viewer = next(p for p in (Party.OFFICER, Party.BUYER, Party.PRODUCER) if p in parties)
    return order


def order_list_for_meeting(*, meeting) -> QuerySet[Order]:
    """Return the orders that record the showcase ``meeting`` (``Order.showcase_meeting``), oldest first."""
    return Order.objects.filter(showcase_meeting=meeting).order_by("created_at", "pk")


def order_list_for_meeting_link(*, meeting) -> QuerySet[Order]:
    """Return the orders that may be linked to a showcase ``meeting``: of its buyer organisation with its
    producer, placed from the meeting's request until 90 days after it, not linked yet, newest first."""
    from showcases.selectors import COUNTED_ORDER_STATUSES, meeting_follow_up_until

    return (Order.objects.filter(checkout__organisation_id=meeting.registration.organisation_id,
                                 producer_id=meeting.participant.producer_id, showcase_meeting__isnull=True,
                                 status__in=COUNTED_ORDER_STATUSES, created_at__gte=meeting.created_at,
                                 created_at__lte=meeting_follow_up_until(meeting))
            .order_by("-created_at", "-pk"))


def order_event_list(*, order: Order) -> QuerySet[OrderEvent]:
    """Return the order's timeline, oldest first, with who did what."""
    return OrderEvent.objects.filter(order=order).select_related("actor").order_by("created_at", "pk")


@dataclass(frozen=True)
class OrderFilters:
    """What officers narrow all orders by (every field optional)."""

    status: str | None = None
    producer: int | None = None
    organisation: int | None = None
    payment_method: str | None = None
    placed_from: date | None = None
    placed_to: date | None = None
    number: str = ""
    open_problems: bool | None = None
    district: str | None = None  # the producer's district (a Kemendagri code)


def order_list_for_officers(*, filters: OrderFilters | None = None) -> QuerySet[Order]:
    """Return every order, latest first, narrowed by ``filters`` (a fixed number of queries per page)."""
    qs = (Order.objects.select_related("producer", "checkout__placed_by", "checkout__organisation")
          .prefetch_related(_ORDER_LINES).order_by("-created_at", "-pk"))
    if filters is None:
        return qs
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.producer:
        qs = qs.filter(producer_id=filters.producer)
    if filters.organisation:
        qs = qs.filter(checkout__organisation_id=filters.organisation)
    if filters.payment_method:
        qs = qs.filter(checkout__payment_method=filters.payment_method)
    if filters.placed_from:
        qs = qs.filter(created_at__date__gte=filters.placed_from)
    if filters.placed_to:
        qs = qs.filter(created_at__date__lte=filters.placed_to)
    if filters.number.strip():
        number = filters.number.strip()
        qs = qs.filter(Q(number__icontains=number) | Q(checkout__number__icontains=number))
    if filters.open_problems is not None:
        open_problem = Exists(OrderProblem.objects.filter(order=OuterRef("pk")).exclude(
            status=OrderProblem.Status.DECIDED))
        qs = qs.filter(open_problem) if filters.open_problems else qs.exclude(open_problem)
    if filters.district:
        qs = qs.filter(producer__village__district_id=filters.district)
    return qs


def order_problem_list(*, order: Order) -> QuerySet[OrderProblem]:
    return (OrderProblem.objects.filter(order=order).select_related("reported_by", "answered_by", "decided_by")
            .prefetch_related("photos").order_by("created_at", "pk"))


def order_problem_list_for_officers(*, status: str | None = None) -> QuerySet[OrderProblem]:
    """Return reported problems, oldest first (the officers' queue), with their order and photos."""
    qs = (OrderProblem.objects.select_related("order__producer", "order__checkout", "reported_by")
          .prefetch_related("photos").order_by("created_at", "pk"))
    return qs.filter(status=status) if status else qs


def order_refund_list(*, order: Order) -> QuerySet[OrderRefund]:
    """Return an order's refunds, oldest first: what its buyer is owed or was paid back."""
    return OrderRefund.objects.filter(order=order).order_by("created_at", "pk")


def order_refund_owed_list(*, methods: tuple[str, ...] | None = None) -> QuerySet[OrderRefund]:
    """Return the refunds still owed, oldest first (the longest waiting on top), with order, checkout and buyer.

    ``methods`` narrows by the checkout's payment method (officers transfer bank transfer and
    invoice refunds by hand; card refunds go back through Stripe by themselves).
    """
    refunds = (OrderRefund.objects.filter(status=OrderRefund.Status.REQUESTED)
               .select_related("order__checkout__organisation", "order__checkout__placed_by", "order__producer"))
    if methods is not None:
        refunds = refunds.filter(payment_method__in=methods)
    return refunds.order_by("created_at", "pk")


def order_refund_get(*, pk: int) -> OrderRefund | None:
    """Return one refund with its order, checkout, buyer and who recorded it (officers' pages), or ``None``."""
    return (OrderRefund.objects.select_related("order__checkout__organisation", "order__checkout__placed_by",
                                               "order__producer", "recorded_by").filter(pk=pk).first())


def order_list_for_producer_people(*, user: User, status: str | None = None) -> QuerySet[Order]:
    """Return the orders of every producer ``user`` is one of the people of (``order_list_for_producer``'s rules)."""
    if not (user.is_authenticated and user.is_active):
        return Order.objects.none()
    qs = (Order.objects.filter(producer_id__in=_producers_of(user)).exclude(status=Order.Status.AWAITING_PAYMENT)
          .select_related("producer").prefetch_related(_ORDER_LINES).order_by("-created_at", "-pk"))
    return qs.filter(status=status) if status else qs


# --- purchase requests ----------------------------------------------------------------------

_APPROVERS = [Membership.Role.OWNER, Membership.Role.MANAGER]


def purchase_request_can_decide(*, purchase_request: PurchaseRequest, user: User) -> bool:
    """Return whether ``user`` may approve or reject the request: an active owner or manager of its
    organisation who did not submit it."""
    return (user.is_authenticated and user.is_active and purchase_request.requested_by_id != user.pk
            and Membership.objects.filter(organisation_id=purchase_request.organisation_id, user=user,
                                          role__in=_APPROVERS).exists())


def purchase_request_list(*, user: User, organisation: Organisation | None = None, status: str | None = None,
                          ) -> QuerySet[PurchaseRequest]:
    """Return the purchase requests ``user`` may see, of ``organisation`` (or of all their buyer organisations):
    every one for its owners and managers, their own for members. Waiting requests (``status``
    submitted) come oldest first (the queue); otherwise latest first. Two queries with the lines."""
    if not (user.is_authenticated and user.is_active):
        return PurchaseRequest.objects.none()
    memberships = Membership.objects.filter(user=user, organisation__kind=Organisation.Kind.BUYER)
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    approver_of = memberships.filter(role__in=_APPROVERS).values("organisation_id")
    member_of = memberships.values("organisation_id")
    qs = (PurchaseRequest.objects
          .filter(Q(organisation_id__in=approver_of) | Q(organisation_id__in=member_of, requested_by=user))
          .select_related("organisation", "requested_by", "decided_by", "outlet__village__district", "checkout")
          .prefetch_related(Prefetch("lines", queryset=PurchaseRequestLine.objects.order_by("pk"))))
    if status:
        qs = qs.filter(status=status)
    if status == PurchaseRequest.Status.SUBMITTED:
        return qs.order_by("created_at", "pk")
    return qs.order_by("-created_at", "-pk")


def purchase_request_pending_count(*, organisation: Organisation, user: User) -> int:
    """Return how many requests wait for ``user``'s decision (zero for members)."""
    return (purchase_request_list(organisation=organisation, user=user, status=PurchaseRequest.Status.SUBMITTED)
            .exclude(requested_by=user).count())


def access_purchase_request(*, user: User, pk: int) -> PurchaseRequest:
    """Return the request to the member who submitted it and to its organisation's owners and managers;
    ``PurchaseRequestNotFound`` for everyone else (other members, other organisations, officers)."""
    if not (user.is_authenticated and user.is_active):
        raise PurchaseRequestNotFound()
    approver_of = Membership.objects.filter(user=user, role__in=_APPROVERS).values("organisation_id")
    qs = (PurchaseRequest.objects.select_related("organisation", "requested_by", "decided_by",
                                                 "outlet__village__district", "checkout")
          .prefetch_related(Prefetch("lines", queryset=PurchaseRequestLine.objects.order_by("pk")))
          .filter(Q(requested_by=user, organisation__memberships__user=user)
                  | Q(organisation_id__in=approver_of)).distinct())
    try:
        return qs.get(pk=pk)
    except PurchaseRequest.DoesNotExist:
        raise PurchaseRequestNotFound() from None


def purchase_request_event_list(*, purchase_request: PurchaseRequest) -> QuerySet[PurchaseRequestEvent]:
    return (PurchaseRequestEvent.objects.filter(purchase_request=purchase_request).select_related("actor")
            .order_by("created_at", "pk"))


@dataclass(frozen=True)
class PurchaseRequestLineReview:
    """A line as the member saw it (``line``) beside the same line priced now (``now``)."""

    line: PurchaseRequestLine
    now: pricing.LineQuote

    @property
    def unavailable(self) -> bool:
        return self.now.product is None

    @property
    def price_changed(self) -> bool:
        return self.now.price_changed

    @property
    def stock_short(self) -> bool:
        return self.now.stock_short

    @property
    def changed(self) -> bool:
        return self.unavailable or self.price_changed or self.stock_short or bool(self.now.problems)


@dataclass(frozen=True)
class PurchaseRequestReview:
    """A purchase request re-priced now (``orders.pricing``, the chosen delivery options) against what the
    member saw: what changed, and whether it can be placed as it is."""

    purchase_request: PurchaseRequest
    quote: pricing.Quote
    lines: tuple[PurchaseRequestLineReview, ...]

    @property
    def total_changed(self) -> bool:
        return self.quote.total != self.purchase_request.total

    @property
    def changed(self) -> bool:
        return self.total_changed or any(line.changed for line in self.lines) or bool(self.quote.delivery_problems)

    @property
    def placeable(self) -> bool:
        """Whether approving can place it now (prices may have changed: the approver confirms the new total)."""
        return (not self.quote.line_problems() and not self.quote.delivery_problems
                and not any(line.stock_short for line in self.lines))


def purchase_request_review(*, purchase_request: PurchaseRequest) -> PurchaseRequestReview:
    """Re-price the request now with the delivery options chosen; a fixed number of queries."""
    lines = list(purchase_request.lines.all())
    quote = quote_lines(audience=Audience.BUSINESS, lines=[
        pricing.QuoteItem(line.product_id, line.quantity, line.unit_price_seen) for line in lines],
        delivery=purchase_request.delivery_by_producer(),
        destination=pricing.Destination.from_code(purchase_request.outlet.village_id))
    now = {line.product_id: line for line in quote.lines}
    return PurchaseRequestReview(purchase_request=purchase_request, quote=quote, lines=tuple(
        PurchaseRequestLineReview(line=line, now=now[line.product_id]) for line in lines))


def personal_data_orders(user: User) -> dict:
    """The orders part of a person's data export: checkouts they placed, with their orders."""
    checkouts = (Checkout.objects.filter(placed_by=user).prefetch_related("orders").order_by("created_at", "pk"))
    return {"checkouts": [{
        "number": checkout.number, "placed_at": checkout.created_at.isoformat(), "status": checkout.status,
        "payment_method": checkout.payment_method, "total": checkout.total,
        "orders": [{"number": order.number, "status": order.status, "total": order.total}
                   for order in sorted(checkout.orders.all(), key=lambda o: o.pk)],
    } for checkout in checkouts]}


# Orders still under way for the buyer: closing the account would leave nobody to receive or answer them.
_OPEN_ORDER_STATUSES = (Order.Status.AWAITING_PAYMENT, Order.Status.PLACED, Order.Status.ACCEPTED,
                        Order.Status.PACKED, Order.Status.SHIPPED, Order.Status.DELIVERED)


def account_closure_blockers_orders(user: User) -> list:
    """What the orders app holds against closing ``user``'s account (``market.accounts.hooks``).

    Their own purchases (placed for themself, not for an organisation) still open, refunds owed to
    them not yet paid, and an organisation they alone belong to that has orders or products: its
    records must stay with someone, so the programme officers close it.
    """
    from django.urls import reverse

    from market.accounts.hooks import ClosureBlocker

    blockers: list[ClosureBlocker] = []
    own = Q(checkout__placed_by=user, checkout__organisation__isnull=True)
    for order in Order.objects.filter(own, status__in=_OPEN_ORDER_STATUSES).order_by("pk")[:20]:
        blockers.append(ClosureBlocker(
            code="open_order",
            message=str(_("Order %(number)s is not completed yet (%(status)s).")
                        % {"number": order.number or order.pk, "status": order.get_status_display()}),
            url=reverse("frontend:order-detail", args=[order.pk])))
    for refund in (OrderRefund.objects.filter(order__checkout__placed_by=user,
                                              order__checkout__organisation__isnull=True,
                                              status=OrderRefund.Status.REQUESTED)
                   .select_related("order").order_by("pk")[:20]):
        blockers.append(ClosureBlocker(
            code="refund_owed",
            message=str(_("A refund for order %(number)s is owed to you and not paid yet.")
                        % {"number": refund.order.number or refund.order_id}),
            url=reverse("frontend:order-detail", args=[refund.order_id])))
    alone = (Membership.objects.filter(user=user)
             .exclude(organisation__memberships__in=Membership.objects.exclude(user=user))
             .select_related("organisation").order_by("organisation_id"))
    for membership in alone:
        organisation = membership.organisation
        has_records = (Checkout.objects.filter(organisation=organisation).exists()
                       or Product.objects.filter(producer__organisation=organisation).exists()
                       or Order.objects.filter(producer__organisation=organisation).exists())
        if has_records:
            blockers.append(ClosureBlocker(
                code="organisation_records",
                message=str(_("%(organisation)s has orders or products and you are its only member: invite "
                              "someone to take it over, or ask the programme officers to close it.")
                            % {"organisation": organisation.name}),
                url=reverse("frontend:organisation-members", args=[organisation.pk])))
    return blockers


# --- traction: what villages sell, for the investors' pages ---------------------------------------

# An order counts as a sale once it is placed (paid, or invoiced on terms) and as long as the producer
# did not decline it and nobody cancelled it. Unpaid checkouts that expire never count.
TRACTION_ORDER_STATUSES = (Order.Status.PLACED, Order.Status.ACCEPTED, Order.Status.PACKED, Order.Status.SHIPPED,
                           Order.Status.DELIVERED, Order.Status.COMPLETED)


@dataclass(frozen=True)
class VillageMonthSales:
    village_code: str
    month: date  # the first day of the month, Asia/Jakarta
    orders: int
    revenue: int  # goods (order subtotals), rupiah, delivery fees excluded


@dataclass(frozen=True)
class VillageBuyers:
    village_code: str
    buyers: int  # distinct buyers (a buyer organisation, or a person buying for themself)
    repeat_buyers: int  # of them, those who ordered on two or more checkouts


def _traction_orders(*, village_codes: Sequence[str] | None, since):
    qs = Order.objects.filter(status__in=TRACTION_ORDER_STATUSES, created_at__gte=since)
    if village_codes is not None:
        qs = qs.filter(producer__village_id__in=list(village_codes))
    return qs


def order_sales_by_village_month(*, village_codes: Sequence[str] | None, since) -> list[VillageMonthSales]:
    """Return the counted orders and their goods revenue per village and calendar month (Asia/Jakarta)
    since ``since`` (a datetime), of the villages ``village_codes`` (``None``: every village); one query."""
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    rows = (_traction_orders(village_codes=village_codes, since=since)
            .annotate(month=TruncMonth("created_at", tzinfo=timezone.get_default_timezone()))
            .values("producer__village_id", "month").annotate(orders=Count("pk"), revenue=Sum("subtotal"))
            .order_by("producer__village_id", "month"))
    return [VillageMonthSales(village_code=row["producer__village_id"], month=row["month"].date(),
                              orders=row["orders"], revenue=row["revenue"] or 0) for row in rows]


def order_buyers_by_village(*, village_codes: Sequence[str] | None, since) -> dict[str, VillageBuyers]:
    """Return, per village, its distinct buyers since ``since`` and how many of them came back (ordered on
    two or more checkouts); one query."""
    from django.db.models import Case, CharField, Count, Value, When
    from django.db.models.functions import Cast, Concat

    buyer = Case(When(checkout__organisation_id__isnull=False,
                      then=Concat(Value("o"), Cast("checkout__organisation_id", CharField()))),
                 default=Concat(Value("u"), Cast("checkout__placed_by_id", CharField())), output_field=CharField())
    rows = (_traction_orders(village_codes=village_codes, since=since).annotate(buyer=buyer)
            .values("producer__village_id", "buyer").annotate(checkouts=Count("checkout_id", distinct=True))
            .order_by())
    result: dict[str, list[int]] = {}
    for row in rows:
        counts = result.setdefault(row["producer__village_id"], [0, 0])
        counts[0] += 1
        counts[1] += row["checkouts"] >= 2
    return {code: VillageBuyers(village_code=code, buyers=buyers, repeat_buyers=repeat)
            for code, (buyers, repeat) in result.items()}
# Orders that count as sold: paid or on terms and not declined or cancelled.
SOLD_STATUSES = (Order.Status.PLACED, Order.Status.ACCEPTED, Order.Status.PACKED, Order.Status.SHIPPED,
                 Order.Status.DELIVERED, Order.Status.COMPLETED)


def product_ids_best_selling(*, limit: int = 8, days: int = 90) -> list[int]:
    """Return the products most ordered (units in orders that went ahead) in the last ``days``, most first.

    One grouped query over order lines; the catalogue decides which of them are still on sale.
    """
    from django.db.models import Sum

    since = timezone.now() - timedelta(days=days)
    return list(OrderLine.objects.filter(order__status__in=SOLD_STATUSES, order__created_at__gte=since)
                .values("product_id").annotate(units=Sum("quantity"))
                .order_by("-units", "product_id").values_list("product_id", flat=True)[:limit])
# --- the programme cockpit's commerce figures (read by ``programme``) ----------------------------

# Orders that count as sales: placed and not declined, cancelled or still unpaid.
REVENUE_STATUSES = (Order.Status.PLACED, Order.Status.ACCEPTED, Order.Status.PACKED, Order.Status.SHIPPED,
                    Order.Status.DELIVERED, Order.Status.COMPLETED)


def order_sales_months_changed(*, since=None) -> list[date]:
    """Return the months (first days, local time) of orders placed or changed since ``since``
    (every month with an order when ``since`` is ``None``), oldest first; an order whose refund was
    requested or paid since then counts as changed. One query."""
    from django.db.models import DateField
    from django.db.models.functions import TruncMonth

    qs = Order.objects.all()
    if since is not None:
        refunded = OrderRefund.objects.filter(order_id=OuterRef("pk"), updated_at__gte=since)
        qs = qs.filter(Q(created_at__gte=since) | Q(updated_at__gte=since) | Q(status_changed_at__gte=since)
                       | Exists(refunded))
    months = (qs.annotate(month=TruncMonth("created_at", output_field=DateField()))
              .values_list("month", flat=True).distinct().order_by("month"))
    return list(months)


def _refunded_goods():
    """Return the goods part of an order's refunds paid back: the refunds done, at most its subtotal
    (a refund beyond the goods gives back delivery, which revenue never counted)."""
    from django.db.models import BigIntegerField, F, Subquery, Sum
    from django.db.models.functions import Coalesce, Least

    paid = (OrderRefund.objects.filter(order_id=OuterRef("pk"), status=OrderRefund.Status.DONE).order_by()
            .values("order_id").annotate(total=Sum("amount")).values("total"))
    return Least(Coalesce(Subquery(paid, output_field=BigIntegerField()), Value(0)), F("subtotal"),
                 output_field=BigIntegerField())


def order_sales_by_village(*, months: Sequence[date]) -> list[dict]:
    """Return the sales of ``months`` per month, producer's village and channel (recorded on the
    order when placed): ``{"month", "village_id", "channel", "orders", "revenue", "refunded"}``
    (revenue: goods, without delivery, net of the refunds paid back on those orders, in the month
    the order was placed; ``refunded``: what was taken off). One query."""
    from django.db.models import Count, DateField, Sum
    from django.db.models.functions import TruncMonth

    rows = (Order.objects.filter(status__in=REVENUE_STATUSES)
            .annotate(month=TruncMonth("created_at", output_field=DateField()), refunded_goods=_refunded_goods())
            .filter(month__in=list(months))
            .values("month", "producer__village_id", "channel")
            .annotate(orders=Count("pk"), gross=Sum("subtotal"), refunded=Sum("refunded_goods")).order_by())
    return [{"month": row["month"], "village_id": row["producer__village_id"], "channel": row["channel"],
             "orders": row["orders"], "revenue": row["gross"] - row["refunded"], "refunded": row["refunded"]}
            for row in rows]


def order_sales_by_commodity(*, months: Sequence[date]) -> list[dict]:
    """Return the sales of ``months`` per month, producer's village and product commodity:
    ``{"month", "village_id", "commodity_id", "orders", "revenue"}`` (``orders`` with a line of that
    commodity, ``revenue`` the lines' totals, before refunds: see ``order_refunded_lines``). One query."""
    from django.db.models import Count, DateField, Sum
    from django.db.models.functions import TruncMonth

    rows = (OrderLine.objects.filter(order__status__in=REVENUE_STATUSES)
            .annotate(month=TruncMonth("order__created_at", output_field=DateField())).filter(month__in=list(months))
            .values("month", "order__producer__village_id", "product__commodity_id")
            .annotate(orders=Count("order_id", distinct=True), revenue=Sum("line_total")).order_by())
    return [{"month": row["month"], "village_id": row["order__producer__village_id"],
             "commodity_id": row["product__commodity_id"], "orders": row["orders"], "revenue": row["revenue"]}
            for row in rows]


def order_refunded_lines(*, months: Sequence[date]) -> list[dict]:
    """Return the lines of the counted orders of ``months`` that had refunds paid back, with the goods
    refunded on their order (as ``order_sales_by_village`` takes it off): ``{"order_id", "month",
    "village_id", "commodity_id", "line_total", "refunded"}``, by order then line. Two queries; the
    caller shares each order's refund over its lines."""
    from django.db.models import DateField
    from django.db.models.functions import TruncMonth

    paid = OrderRefund.objects.filter(order_id=OuterRef("pk"), status=OrderRefund.Status.DONE)
    orders = (Order.objects.filter(status__in=REVENUE_STATUSES).filter(Exists(paid))
              .annotate(month=TruncMonth("created_at", output_field=DateField()), refunded_goods=_refunded_goods())
              .filter(month__in=list(months)))
    refunded = {row["pk"]: row for row in orders.values("pk", "month", "producer__village_id", "refunded_goods")}
    lines = (OrderLine.objects.filter(order_id__in=list(refunded)).order_by("order_id", "pk")
             .values("order_id", "product__commodity_id", "line_total")) if refunded else []
    return [{"order_id": line["order_id"], "month": refunded[line["order_id"]]["month"],
             "village_id": refunded[line["order_id"]]["producer__village_id"],
             "commodity_id": line["product__commodity_id"], "line_total": line["line_total"],
             "refunded": refunded[line["order_id"]]["refunded_goods"]} for line in lines]


def order_buyer_figures(*, village_q: Q, start: date, end: date) -> dict:
    """Return, for sales placed between ``start`` and ``end`` with producers whose village matches
    ``village_q`` (a condition on ``producer__village_id``): ``buyers`` (a buyer organisation, or a
    consumer), ``repeat_buyers`` (who checked out twice or more: one checkout with several producers is
    one purchase) and ``active_producers`` (with a sale). Two queries."""
    from django.db.models import Case, CharField, Count, When
    from django.db.models.functions import Cast, Concat

    sales = Order.objects.filter(village_q, status__in=REVENUE_STATUSES, created_at__date__gte=start,
                                 created_at__date__lte=end)
    buyer = Case(When(checkout__organisation_id__isnull=False,
                      then=Concat(Value("o"), Cast("checkout__organisation_id", CharField()))),
                 default=Concat(Value("u"), Cast("checkout__placed_by_id", CharField())), output_field=CharField())
    counts = (sales.annotate(buyer=buyer).values("buyer").annotate(placed=Count("checkout_id", distinct=True)).order_by()
              .aggregate(buyers=Count("buyer"), repeat_buyers=Count("buyer", filter=Q(placed__gte=2))))
    producers = sales.aggregate(active_producers=Count("producer_id", distinct=True))
    return {"buyers": counts["buyers"] or 0, "repeat_buyers": counts["repeat_buyers"] or 0, **producers}


def orders_officer_decision_list(*, query, kinds: frozenset[str]) -> list:
    """Return officers' refund decisions and refunds paid (``refund``), latest first, at most
    ``query.limit`` (a ``market.core.audit.AuditQuery``), as ``AuditEntry`` values."""
    from market.core.audit import AuditEntry, officer_label
    from market.core.money import format_rupiah

    if "refund" not in kinds:
        return []
    events = (OrderEvent.objects.filter(query.q(actor="actor", at="created_at"),
                                        kind__in=[OrderEvent.Kind.REFUND_DECIDED, OrderEvent.Kind.REFUND_DONE])
              .select_related("actor", "order").order_by("-created_at", "-pk")[:query.limit])
    entries = []
    for event in events:
        amount = event.data.get("amount") if isinstance(event.data, dict) else None
        detail = str(event.get_kind_display()) + (f": {format_rupiah(amount)}" if isinstance(amount, int) else "")
        entries.append(AuditEntry(event.created_at, event.actor_id, officer_label(event.actor), "refund",
                                  event.order.number or f"#{event.order_id}",
                                  detail + (f" ({event.note})" if event.note else "")))
    return entries
