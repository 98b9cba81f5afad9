"""Placing orders, payment, and unpaid reservations that run out.

``order_place`` is the checkout: one call, one transaction. Its locks are always taken in the
same order, so concurrent placements queue instead of deadlocking:

1. the shopper's cart row (two requests of one shopper run one after the other; the second
   finds the first's checkout by its idempotency key, or an empty cart);
2. the stock rows of every product, in primary-key order, in ONE ``stock_reserve`` call (so
   multi-producer carts in any line order never deadlock, and stock never oversells);
3. the document counters, invoice series then purchase-order series (``orders.documents``),
   last, so the one lock every placement shares is held only for the end of the transaction.

Unpaid checkouts (card, bank transfer) hold their reservation until ``reservation_expires_at``;
``checkout_expire_due`` (a periodic task) releases it and cancels the orders exactly once, even
when two runs overlap: each checkout is locked (``SKIP LOCKED``) and its status checked again.
An invoice on terms proceeds at once. ``checkout_mark_paid`` is what the payments app calls.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buyers.models import Address, Outlet
from buyers.selectors import buyer_approval_limit_for
from catalog.exceptions import InsufficientStock
from catalog.models import Product
from catalog.services import stock_release, stock_reserve
from market.accounts.models import User
from market.core.faults import fault_point
from market.core.money import format_rupiah
from orders import hooks, pricing
from orders.documents import SERIES_INVOICE, SERIES_PURCHASE_ORDER, document_numbers_take
from orders.exceptions import (
    ApprovalRequired,
    CartEmpty,
    CartInvalid,
    CheckoutAlreadyPaid,
    CheckoutNotFound,
    CheckoutNotPayable,
    CheckoutNotReopenable,
    DeliveryInvalid,
    IdempotencyKeyReused,
    OrderActionForbidden,
    OrdersInvalid,
    OrderTransitionInvalid,
    PaymentMethodInvalid,
    PricesChanged,
    SignInRequired,
    TotalChanged,
)
from orders.models import Cart, CartLine, Channel, Checkout, DeliveryOption, Order, OrderEvent, OrderLine, PaymentMethod
from orders.notifications import Event, notify_after_commit
from orders.pricing import Destination
from orders.selectors import Shopper, checkout_parties, checkout_payment_methods, quote_lines
from orders.services.fulfilment import change_status
from orders.states import Party
from showcases.models import Outcome
from showcases.selectors import meeting_for_order
from showcases.services import meeting_lock_for_order, meeting_outcome_set

_KEY = re.compile(r"^[\x21-\x7e]{8,64}$")  # printable ASCII without spaces, like a UUID or a form token
MAX_NOTE = 1000


def _text(value, *, field: str, max_length: int) -> str:
    if not isinstance(value, str):
        raise OrdersInvalid(fields={field: [_("Enter text.")]})
    value = value.strip()
    if len(value) > max_length:
        raise OrdersInvalid(fields={field: [_("At most %(count)s characters.") % {"count": max_length}]})
    return value


def _delivery_clean(delivery) -> dict[int, str]:
    if not isinstance(delivery, dict):
        raise DeliveryInvalid()
    clean: dict[int, str] = {}
    for producer_id, option in delivery.items():
        try:
            producer_id = int(producer_id)
        except (TypeError, ValueError):
            raise DeliveryInvalid() from None
        if option not in DeliveryOption.values:
            raise DeliveryInvalid(fields={str(producer_id): [_("Unknown delivery option.")]})
        clean[producer_id] = option
    return clean


def _destination(*, shopper: Shopper, outlet_id, address_id) -> tuple[Outlet | None, Address | None]:
    """Return the shopper's own outlet (buyer organisation) or address (consumer) to deliver to."""
    if shopper.organisation is not None:
        outlet = None
        if isinstance(outlet_id, int) and not isinstance(outlet_id, bool) and address_id is None:
            outlet = (Outlet.objects.select_related("village__district")
                      .filter(pk=outlet_id, organisation=shopper.organisation, is_active=True).first())
        if outlet is None:
            raise DeliveryInvalid(fields={"outlet": [_("Choose one of your organisation's outlets.")]})
        return outlet, None
    address = None
    if isinstance(address_id, int) and not isinstance(address_id, bool) and outlet_id is None:
        address = (Address.objects.select_related("village__district")
                   .filter(pk=address_id, user=shopper.user, is_active=True).first())
    if address is None:
        raise DeliveryInvalid(fields={"address": [_("Choose one of your delivery addresses.")]})
    return None, address


def _fingerprint(**params) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()


def _existing(*, user: User, key: str, fingerprint: str) -> Checkout | None:
    """Return the checkout this key already placed, marked ``replayed``, or ``None``."""
    checkout = Checkout.objects.filter(placed_by=user, idempotency_key=key).first()
    if checkout is None:
        return None
    if checkout.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    checkout.replayed = True
    return checkout


def _reservation_expiry(method: str, now):
    if method == PaymentMethod.CARD:
        return now + timedelta(minutes=settings.ORDERS_CARD_RESERVATION_MINUTES)
    if method == PaymentMethod.BANK_TRANSFER:
        return now + timedelta(hours=settings.ORDERS_TRANSFER_RESERVATION_HOURS)
    return None


def _placement_quote(*, shopper: Shopper, lines: Sequence[CartLine | pricing.QuoteItem], delivery: dict[int, str],
                     expected_total: int, payment_method: str, destination: Destination,
                     approval_limit: int | None) -> pricing.Quote:
    """Price ``lines`` for the shopper now and refuse what could not be placed as it is; write nothing.

    What ``order_place`` checks before reserving, in this order, and what a purchase request is
    checked against when submitted (``approval_limit`` is then ``None``): every line orderable, no
    price changed since seen, a delivery option offered per producer, the confirmed total, enough
    stock, the approval limit of a member, the payment method's own check (credit limit...).
    """
    quote = quote_lines(audience=shopper.audience, lines=lines, delivery=delivery, destination=destination)
    if quote.line_problems():
        raise CartInvalid(fields=quote.line_problems())
    if quote.price_changes:
        raise PricesChanged(fields=quote.price_change_messages())
    if quote.delivery_problems:
        raise DeliveryInvalid(fields=quote.delivery_problems)
    if quote.total != expected_total:
        raise TotalChanged(fields={"expected_total": [_("The total is now %(total)s.")
                                                      % {"total": format_rupiah(quote.total)}]})
    short = {line.product_id: line.available for line in quote.lines if line.stock_short}
    if short:  # fail early and cheaply; stock_reserve is what guarantees it under concurrency
        raise InsufficientStock(available=short, names={line.product_id: line.name for line in quote.lines
                                                        if line.product_id in short})
    if approval_limit is not None and quote.total > approval_limit:
        raise ApprovalRequired(_("Orders above %(limit)s need a manager's approval. Submit this order for approval "
                                 "instead.") % {"limit": format_rupiah(approval_limit)})
    hooks.payment_method_check(shopper=shopper, method=payment_method, total=quote.total)
    return quote


def order_place(*, shopper: Shopper, idempotency_key: str, payment_method: str, delivery: dict[int, str],
                expected_total: int, outlet_id: int | None = None, address_id: int | None = None,
                note: str = "", items: Sequence[pricing.QuoteItem] | None = None,
                showcase_meeting_id: int | None = None, source: str = "") -> Checkout:
    """Place the shopper's cart: one checkout, one order per producer, stock reserved, prices frozen.

    ``idempotency_key`` comes from the API's ``Idempotency-Key`` header or the checkout form's
    one-time token: the same key (for the same person) returns the same checkout (``replayed``
    set) and creates nothing twice, also when the requests run at the same time; reusing a key for a different
    request raises ``IdempotencyKeyReused``. ``delivery`` maps each producer id in the cart to a
    ``DeliveryOption`` the producer offers to the chosen outlet or address (a producer that cannot
    reach it and offers no pickup refuses the placement, ``DeliveryInvalid``); ``expected_total``
    is the total the shopper confirmed. The cart is
    re-priced; any price change (``PricesChanged``), a different total (``TotalChanged``), a line
    that cannot be ordered (``CartInvalid``), a missing or foreign destination
    (``DeliveryInvalid``) or too little stock (``InsufficientStock``, "Only N left") refuses the
    whole placement and writes nothing. A buyer organisation's member (role "member") whose total is
    above the organisation's approval limit is refused (``ApprovalRequired``): they submit a
    purchase request instead (``orders.services.purchase_requests``).

    ``items`` places these lines instead of the shopper's cart, which is then neither read nor
    emptied: an approved purchase request is placed this way, by its approver acting for the
    organisation (an item's ``unit_price_seen`` of ``None`` accepts the current price; the total
    is still checked against ``expected_total``). It composes inside the caller's transaction.

    Each order records its ``channel`` (wholesale for a buyer organisation, else consumers online)
    and ``source`` (where the sale came from, e.g. a showcase; empty by default).

    ``showcase_meeting_id`` names a showcase meeting of the buyer organisation the order comes from: the
    order of that meeting's producer records it (``Order.showcase_meeting``) and the meeting's outcome
    becomes "order placed" (``showcases.services.meeting_outcome_set``). Another organisation's meeting
    refuses the placement (``MeetingNotFound``); a cart without that producer's products links nothing.
    """
    if shopper.user is None:
        raise SignInRequired()
    if not isinstance(idempotency_key, str) or not _KEY.match(idempotency_key):
        raise OrdersInvalid(_("The request key is missing or malformed."),
                            fields={"idempotency_key": [_("Send 8 to 64 printable characters.")]})
    if payment_method not in checkout_payment_methods(shopper=shopper):
        raise PaymentMethodInvalid(fields={"payment_method": [str(PaymentMethodInvalid.default_message)]})
    if not isinstance(expected_total, int) or isinstance(expected_total, bool) or expected_total < 0:
        raise OrdersInvalid(fields={"expected_total": [_("Send the total you confirmed, in whole rupiah.")]})
    delivery = _delivery_clean(delivery)
    note = _text(note, field="note", max_length=MAX_NOTE)
    params: dict[str, object] = {"organisation": shopper.organisation.pk if shopper.organisation else None, "outlet": outlet_id,
                                 "address": address_id, "payment_method": payment_method,
                                 "delivery": sorted(delivery.items()), "expected_total": expected_total, "note": note}
    if showcase_meeting_id is not None:
        params["showcase_meeting"] = showcase_meeting_id
    if items is not None:
        items = list(items)
        params["items"] = [(item.product_id, item.quantity, item.unit_price_seen) for item in items]
    fingerprint = _fingerprint(**params)
    existing = _existing(user=shopper.user, key=idempotency_key, fingerprint=fingerprint)
    if existing is not None:
        return existing
    try:
        return _place(shopper=shopper, key=idempotency_key, fingerprint=fingerprint, payment_method=payment_method,
                      delivery=delivery, expected_total=expected_total, outlet_id=outlet_id, address_id=address_id,
                      note=note, items=items, showcase_meeting_id=showcase_meeting_id, source=source)
    except IntegrityError as error:
        # Two requests with one key from two shopper contexts of the same person: the unique
        # constraint let one through; the other returns its checkout.
        if getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") != "checkout_idempotency_unique":
            raise
        existing = _existing(user=shopper.user, key=idempotency_key, fingerprint=fingerprint)
        if existing is None:
            raise
        return existing


@transaction.atomic
def _place(*, shopper: Shopper, key: str, fingerprint: str, payment_method: str, delivery: dict[int, str],
           expected_total: int, outlet_id, address_id, note: str,
           items: list[pricing.QuoteItem] | None, showcase_meeting_id: int | None = None,
           source: str = "") -> Checkout:
    user = shopper.user
    if user is None:  # order_place refused it already; said again here for the types
        raise SignInRequired()
    cart = Cart.objects.select_for_update().filter(**shopper.cart_lookup()).first() if items is None else None
    # A request with the same key may have committed while this one waited for the cart.
    existing = _existing(user=user, key=key, fingerprint=fingerprint)
    if existing is not None:
        return existing
    lines: Sequence[CartLine | pricing.QuoteItem]
    if items is None:
        lines = list(CartLine.objects.filter(cart=cart).order_by("added_at", "pk")) if cart else []
    else:
        lines = items
    if not lines:
        raise CartEmpty()
    outlet, address = _destination(shopper=shopper, outlet_id=outlet_id, address_id=address_id)
    destination = outlet or address
    assert destination is not None  # _destination returns one of them or raises
    quote = _placement_quote(shopper=shopper, lines=lines, delivery=delivery, expected_total=expected_total,
                             payment_method=payment_method, destination=Destination.from_code(destination.village_id),
                             approval_limit=buyer_approval_limit_for(organisation=shopper.organisation, user=user))
    names = {line.product_id: line.name for line in quote.lines}

    now = timezone.now()
    on_terms = payment_method == PaymentMethod.INVOICE
    place = destination.delivery_snapshot()
    checkout = Checkout.objects.create(
        placed_by=user, organisation=shopper.organisation, audience=shopper.audience, idempotency_key=key,
        request_fingerprint=fingerprint, payment_method=payment_method,
        status=Checkout.Status.ON_TERMS if on_terms else Checkout.Status.AWAITING_PAYMENT,
        reservation_expires_at=_reservation_expiry(payment_method, now), outlet=outlet, address=address,
        delivery_address=place, note=note, subtotal=quote.subtotal, delivery_total=quote.delivery_total,
        total=quote.total)
    try:
        # One call for every line of every producer: rows locked in primary-key order. The numbers are
        # taken last (a short lock on the shared counter), so the reservation names the checkout's id.
        stock = stock_reserve(items=[(line.product_id, line.quantity) for line in quote.lines],
                              reference=f"checkout {checkout.pk}", actor=user)
    except InsufficientStock as error:  # the same error, with the names buyers know
        raise InsufficientStock(available=error.available,
                                names={pid: names.get(pid, "") for pid in error.available}) from None

    status = Order.Status.PLACED if on_terms else Order.Status.AWAITING_PAYMENT
    buyer_name = shopper.organisation.name if shopper.organisation else (user.full_name or user.email)
    orders = [Order.objects.create(
        checkout=checkout, producer_id=part.producer_id, status=status, status_changed_at=now,
        # quote.delivery_problems refused a producer without a delivery option above
        delivery_option=cast(str, part.delivery_option), buyer_name=buyer_name, delivery_address=place, note=note,
        subtotal=part.subtotal, delivery_fee=part.delivery_fee, total=part.total, source=source,
        channel=Channel.WHOLESALE if shopper.organisation else Channel.CONSUMER_ONLINE) for part in quote.producers]
    OrderLine.objects.bulk_create(
        OrderLine(order=order, product_id=line.product_id, product_name=line.name,
                  # quote.line_problems refused a line whose product is no longer on sale above
                  sku=cast(Product, line.product).approved_snapshot.get("sku", ""), unit=line.unit, quantity=line.quantity,
                  unit_price=line.unit_price, line_total=line.line_total)
        for order, part in zip(orders, quote.producers, strict=True) for line in part.lines)
    OrderEvent.objects.bulk_create(OrderEvent(order=order, to_status=status, actor=user) for order in orders)

    year = timezone.localdate(now).year
    (checkout.number,) = document_numbers_take(series=SERIES_INVOICE, year=year)
    Checkout.objects.filter(pk=checkout.pk).update(number=checkout.number)
    for order, number in zip(orders, document_numbers_take(series=SERIES_PURCHASE_ORDER, year=year,
                                                           count=len(orders)), strict=True):
        order.number = number
        Order.objects.filter(pk=order.pk).update(number=number)
    if showcase_meeting_id is not None:
        _showcase_meeting_link(orders=orders, meeting_id=showcase_meeting_id, shopper=shopper, user=user)
    if cart is not None:
        CartLine.objects.filter(cart=cart).delete()
    hooks.checkout_placed(checkout=checkout)

    notify_after_commit(Event.CHECKOUT_PLACED, checkout.pk)
    if on_terms:
        for order in orders:
            notify_after_commit(Event.ORDER_PLACED, order.pk)
    quantities = {line.product_id: line.quantity for line in quote.lines}
    for row in stock:
        # Warn the producer when this reservation took the available stock to or below its threshold.
        if row.available + quantities[row.product_id] > row.low_stock_threshold >= row.available:
            notify_after_commit(Event.LOW_STOCK, row.product_id,
                                {"available": row.available, "reference": checkout.number})
    return checkout


def _showcase_meeting_link(*, orders: list[Order], meeting_id: int, shopper: Shopper, user: User) -> None:
    """Record on the order of the meeting's producer that it came from the showcase meeting, and the outcome."""
    organisation_id = shopper.organisation.pk if shopper.organisation else None
    meeting = meeting_lock_for_order(meeting=meeting_for_order(meeting_id=meeting_id, organisation_id=organisation_id))
    order = next((order for order in orders if order.producer_id == meeting.participant.producer_id), None)
    if order is None:
        return
    order.showcase_meeting, order.channel = meeting, Channel.SHOWCASE  # the cockpit counts it as showcase-originated
    order.source = f"showcase:{meeting.showcase_id}"
    Order.objects.filter(pk=order.pk).update(showcase_meeting=meeting, channel=order.channel, source=order.source,
                                             updated_at=timezone.now())
    meeting_outcome_set(meeting=meeting, actor=user, outcome=Outcome.ORDER_PLACED,
                        note=_("Order %(number)s") % {"number": order.number})


@transaction.atomic
def checkout_mark_paid(*, checkout: Checkout, reference: str, actor: User | None = None) -> Checkout:
    """Record that ``checkout`` is paid in full (called by the payments app); its orders go to the producers.

    Idempotent: marking a paid checkout again with the same ``reference`` changes nothing; with
    another reference it raises ``CheckoutAlreadyPaid`` (a second payment to refund). An expired
    or cancelled checkout raises ``CheckoutNotPayable`` (its stock is gone: refund the payment).
    A checkout on terms (invoice) records the payment; its orders already proceeded.
    """
    reference = _text(reference, field="reference", max_length=128)
    if not reference:
        raise OrdersInvalid(fields={"reference": [_("A payment reference is required.")]})
    locked = Checkout.objects.select_for_update().get(pk=checkout.pk)
    if locked.status == Checkout.Status.PAID:
        if locked.payment_reference == reference:
            return locked
        raise CheckoutAlreadyPaid()
    if locked.status not in (Checkout.Status.AWAITING_PAYMENT, Checkout.Status.ON_TERMS):
        raise CheckoutNotPayable()
    now = timezone.now()
    orders = list(Order.objects.select_for_update().filter(checkout=locked).order_by("pk"))
    OrderEvent.objects.bulk_create(OrderEvent(order=order, kind=OrderEvent.Kind.PAYMENT, actor=actor,
                                              data={"reference": reference, "amount": locked.total})
                                   for order in orders)
    if locked.status == Checkout.Status.AWAITING_PAYMENT:
        for order in orders:
            change_status(order=order, to_status=Order.Status.PLACED, actor=actor, parties={Party.SYSTEM})
        notify_after_commit(Event.CHECKOUT_PAID, locked.pk)
    locked.status, locked.paid_at, locked.payment_reference = Checkout.Status.PAID, now, reference
    locked.save(update_fields=["status", "paid_at", "payment_reference", "updated_at"])
    checkout.status, checkout.paid_at, checkout.payment_reference = locked.status, now, reference
    return locked


def _close_unpaid(*, checkout: Checkout, status: str, actor: User | None, parties: set[str], note: str,
                  reason: str) -> None:
    """Release an unpaid, locked checkout's stock in one call and cancel its orders."""
    orders = list(Order.objects.select_for_update().filter(checkout=checkout).order_by("pk")
                  .prefetch_related("lines"))
    items = [(line.product_id, line.quantity) for order in orders for line in order.lines.all()]
    if items:
        stock_release(items=items, reference=checkout.number, actor=actor)
    for order in orders:
        change_status(order=order, to_status=Order.Status.CANCELLED, actor=actor, parties=parties, note=note,
                      data={"reason": reason}, move_stock=False)
    checkout.status = status
    checkout.save(update_fields=["status", "updated_at"])
    from orders.tasks import checkout_closed_task

    checkout_closed_task.delay_on_commit(checkout.pk)


@transaction.atomic
def checkout_cancel(*, checkout: Checkout, actor: User, reason: str = "") -> Checkout:
    """Cancel an unpaid checkout as a whole (its buyer or an officer): the reserved stock is released.

    While a checkout is unpaid its orders are cancelled together, so the amount to pay never
    changes under the payment; after payment each producer order is cancelled on its own
    (``order_cancel``, until the producer accepts it).
    """
    reason = _text(reason, field="reason", max_length=MAX_NOTE)
    locked = Checkout.objects.select_for_update().get(pk=checkout.pk)
    parties = checkout_parties(checkout=locked, user=actor) - {Party.SYSTEM}
    if not parties:
        raise CheckoutNotFound()
    if locked.status != Checkout.Status.AWAITING_PAYMENT:
        raise OrderTransitionInvalid(_("Only an unpaid order can be cancelled as a whole."))
    if not parties & {Party.BUYER, Party.OFFICER}:
        raise OrderActionForbidden()
    _close_unpaid(checkout=locked, status=Checkout.Status.CANCELLED, actor=actor, parties=parties, note=reason,
                  reason="checkout_cancelled")
    checkout.status = locked.status
    return locked


def checkout_expire_due(*, now=None) -> int:
    """Release the stock of unpaid checkouts whose reservation has run out and cancel their orders.

    Each checkout is handled in its own short transaction, locked with ``SKIP LOCKED`` and checked
    again, so overlapping runs (or a payment arriving at the same moment) act on it exactly once.
    Return how many checkouts this run expired.
    """
    now = now or timezone.now()
    due = list(Checkout.objects.filter(status=Checkout.Status.AWAITING_PAYMENT, reservation_expires_at__lte=now)
               .order_by("reservation_expires_at", "pk").values_list("pk", flat=True)[:500])
    expired = 0
    for pk in due:
        with transaction.atomic():
            checkout = (Checkout.objects.select_for_update(skip_locked=True)
                        .filter(pk=pk, status=Checkout.Status.AWAITING_PAYMENT, reservation_expires_at__lte=now)
                        .first())
            if checkout is None:
                continue  # paid, cancelled or being expired by another run meanwhile
            _close_unpaid(checkout=checkout, status=Checkout.Status.EXPIRED, actor=None, parties={Party.SYSTEM},
                          note="", reason="reservation_expired")
            notify_after_commit(Event.RESERVATION_EXPIRED, checkout.pk)
            fault_point("checkout_expire_due.before_commit")
            expired += 1
        fault_point("checkout_expire_due.expired")
    return expired


def checkout_reopen(*, checkout: Checkout, actor: User, note: str = "") -> Checkout:
    """Re-open an expired or cancelled unpaid checkout whose money arrived late: reserve all its stock again.

    Composes inside the payments app's transaction (``late_transfer_decide``), which marks the
    checkout paid (``checkout_mark_paid``) before it commits, so nobody ever sees it awaiting
    payment again. Every line of every order is reserved in one ``stock_reserve`` call: all of
    it or nothing (``InsufficientStock``, "Only N left of ..."); the orders go back to awaiting
    payment through the state table (a move only the system makes), each with its event.
    """
    locked = Checkout.objects.select_for_update().get(pk=checkout.pk)
    if locked.status not in (Checkout.Status.EXPIRED, Checkout.Status.CANCELLED):
        raise CheckoutNotReopenable()
    orders = list(Order.objects.select_for_update().filter(checkout=locked).order_by("pk").prefetch_related("lines"))
    if not orders or any(order.status != Order.Status.CANCELLED for order in orders):
        raise CheckoutNotReopenable()
    lines = [line for order in orders for line in order.lines.all()]
    names = {line.product_id: line.product_name for line in lines}
    try:
        stock_reserve(items=[(line.product_id, line.quantity) for line in lines],
                      reference=f"checkout {locked.pk}", actor=actor)
    except InsufficientStock as error:  # with the names the order carries
        raise InsufficientStock(available=error.available,
                                names={pid: names.get(pid, "") for pid in error.available}) from None
    for order in orders:
        change_status(order=order, to_status=Order.Status.AWAITING_PAYMENT, actor=actor, parties={Party.SYSTEM},
                      note=note, data={"reason": "late_transfer_reopened"}, move_stock=False)
    locked.status = Checkout.Status.AWAITING_PAYMENT
    locked.reservation_expires_at = timezone.now() + timedelta(minutes=settings.ORDERS_CARD_RESERVATION_MINUTES)
    locked.save(update_fields=["status", "reservation_expires_at", "updated_at"])
    checkout.status = locked.status
    return locked
