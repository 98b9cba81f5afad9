"""Purchase requests: a member's cart above the organisation's approval limit, frozen for a manager.

A buyer organisation's owner sets an approval limit (``buyers.services.buyer_approval_limit_set``).
A person with the role member whose order total is above it cannot place the order
(``order_place`` raises ``ApprovalRequired``); they submit the cart instead, with the checkout's
choices (outlet, delivery per producer, payment method, note). The request owns the lines from
then on (the cart is emptied). An owner or manager approves it, which places it through the one
placement service, ``order_place`` (with the request's lines as ``items``, the approver as placer
and the organisation as buyer), or rejects it with a reason; the member may withdraw it while it
waits. Every change of status is a ``PurchaseRequestEvent`` in the same transaction, and the
people concerned are told by email after commit.

Locks: submitting locks the member's cart row (as ``order_place`` does); deciding locks the
request row first, so a double-clicked approval places one order and the second click finds
the request approved (and returns it unchanged).
"""
from __future__ import annotations

import re
from typing import cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buyers.selectors import buyer_approval_limit_for
from market.accounts.models import User
from market.core.errors import ApplicationError
from orders import pricing
from orders.exceptions import (
    ApprovalNotNeeded,
    CartEmpty,
    IdempotencyKeyReused,
    OrdersInvalid,
    PaymentMethodInvalid,
    PurchaseRequestForbidden,
    PurchaseRequestNotFound,
    PurchaseRequestStatusInvalid,
    SignInRequired,
)
from orders.models import Cart, CartLine, PurchaseRequest, PurchaseRequestEvent, PurchaseRequestLine
from orders.notifications import Event, notify_after_commit
from orders.pricing import Destination
from orders.selectors import Shopper, checkout_payment_methods, purchase_request_can_decide, shopper_get
from orders.services.cart import cart_line_set
from orders.services.checkout import (
    MAX_NOTE,
    _delivery_clean,
    _destination,
    _placement_quote,
    _text,
    order_place,
)

_KEY = re.compile(r"^[\x21-\x7e]{8,64}$")
Status = PurchaseRequest.Status

# The one table of what may follow what; decided and withdrawn requests are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN}),
}


def _change_status(*, purchase_request: PurchaseRequest, to_status: str, actor: User, note: str = "",
                   data: dict | None = None, fields: tuple[str, ...] = ()) -> None:
    """Move a locked request to ``to_status`` if the table allows it, saving ``fields`` too; write its event."""
    from_status = purchase_request.status
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise PurchaseRequestStatusInvalid()
    purchase_request.status = to_status
    purchase_request.save(update_fields=["status", "updated_at", *fields])
    PurchaseRequestEvent.objects.create(purchase_request=purchase_request, from_status=from_status,
                                        to_status=to_status, actor=actor, note=note, data=data or {})


def _existing(*, user: User, key: str, shopper: Shopper) -> PurchaseRequest | None:
    found = PurchaseRequest.objects.filter(requested_by=user, idempotency_key=key).first()
    if found is None:
        return None
    if shopper.organisation is None or found.organisation_id != shopper.organisation.pk:
        raise IdempotencyKeyReused()
    found.replayed = True
    return found


def purchase_request_submit(*, shopper: Shopper, idempotency_key: str, payment_method: str,
                            delivery: dict[int, str], expected_total: int, outlet_id: int | None,
                            note: str = "") -> PurchaseRequest:
    """Freeze the member's cart as a purchase request for the organisation's owners and managers.

    Takes the checkout's fields (as ``order_place`` does) and checks the cart as placing would
    (orderable lines, no price changed, delivery options, the confirmed total, stock, the payment
    method's own check), without reserving anything. Only someone whose order needs approval may
    submit (a member above the limit); anyone else gets ``ApprovalNotNeeded`` and places the order.
    The same ``idempotency_key`` returns the same request (``replayed``). The cart is emptied.
    """
    if shopper.user is None:
        raise SignInRequired()
    if shopper.organisation is None:
        raise ApprovalNotNeeded()
    if not isinstance(idempotency_key, str) or not _KEY.match(idempotency_key):
        raise OrdersInvalid(_("The request key is missing or malformed."),
                            fields={"idempotency_key": [_("Send 8 to 64 printable characters.")]})
    if payment_method not in checkout_payment_methods(shopper=shopper):
        raise PaymentMethodInvalid(fields={"payment_method": [str(PaymentMethodInvalid.default_message)]})
    if not isinstance(expected_total, int) or isinstance(expected_total, bool) or expected_total < 0:
        raise OrdersInvalid(fields={"expected_total": [_("Send the total you confirmed, in whole rupiah.")]})
    delivery = _delivery_clean(delivery)
    note = _text(note, field="note", max_length=MAX_NOTE)
    existing = _existing(user=shopper.user, key=idempotency_key, shopper=shopper)
    if existing is not None:
        return existing
    try:
        return _submit(shopper=shopper, key=idempotency_key, payment_method=payment_method, delivery=delivery,
                       expected_total=expected_total, outlet_id=outlet_id, note=note)
    except IntegrityError as error:  # the same key from two requests at once: one went through
        if getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") != \
                "purchaserequest_idempotency_unique":
            raise
        existing = _existing(user=shopper.user, key=idempotency_key, shopper=shopper)
        if existing is None:
            raise
        return existing


@transaction.atomic
def _submit(*, shopper: Shopper, key: str, payment_method: str, delivery: dict[int, str], expected_total: int,
            outlet_id: int | None, note: str) -> PurchaseRequest:
    user, organisation = cast(User, shopper.user), shopper.organisation
    assert organisation is not None  # purchase_request_submit refused it already
    cart = Cart.objects.select_for_update().filter(**shopper.cart_lookup()).first()
    existing = _existing(user=user, key=key, shopper=shopper)  # committed while this one waited for the cart
    if existing is not None:
        return existing
    lines = list(CartLine.objects.filter(cart=cart).order_by("added_at", "pk")) if cart else []
    if not lines:
        raise CartEmpty()
    outlet, _address = _destination(shopper=shopper, outlet_id=outlet_id, address_id=None)
    limit = buyer_approval_limit_for(organisation=organisation, user=user)
    assert outlet is not None  # _destination gives an organisation an outlet or raises
    quote = _placement_quote(shopper=shopper, lines=lines, delivery=delivery, expected_total=expected_total,
                             payment_method=payment_method, destination=Destination.from_code(outlet.village_id),
                             approval_limit=None)
    if limit is None or quote.total <= limit:
        raise ApprovalNotNeeded()
    assert outlet is not None  # _destination gives an organisation an outlet or raises
    purchase_request = PurchaseRequest.objects.create(
        organisation=organisation, requested_by=user, idempotency_key=key, outlet=outlet,
        delivery={str(part.producer_id): part.delivery_option for part in quote.producers},
        payment_method=payment_method, note=note, subtotal=quote.subtotal, delivery_total=quote.delivery_total,
        total=quote.total, approval_limit=limit)
    PurchaseRequestLine.objects.bulk_create(
        PurchaseRequestLine(purchase_request=purchase_request, product_id=line.product_id, product_name=line.name,
                            unit=line.unit, quantity=line.quantity, unit_price_seen=line.unit_price,
                            line_total=line.line_total)
        for line in quote.lines)
    PurchaseRequestEvent.objects.create(purchase_request=purchase_request, to_status=Status.SUBMITTED, actor=user,
                                        note=note, data={"total": quote.total, "approval_limit": limit})
    CartLine.objects.filter(cart=cart).delete()
    notify_after_commit(Event.PURCHASE_REQUEST_SUBMITTED, purchase_request.pk)
    return purchase_request


def _lock(purchase_request: PurchaseRequest) -> PurchaseRequest:
    locked = PurchaseRequest.objects.select_for_update().filter(pk=purchase_request.pk).first()
    if locked is None:
        raise PurchaseRequestNotFound()
    return locked


def _refresh(purchase_request: PurchaseRequest, locked: PurchaseRequest) -> PurchaseRequest:
    for field in ("status", "decided_by_id", "decided_at", "reason", "checkout_id", "updated_at"):
        setattr(purchase_request, field, getattr(locked, field))
    return locked


@transaction.atomic
def purchase_request_approve(*, purchase_request: PurchaseRequest, actor: User,
                             expected_total: int) -> PurchaseRequest:
    """Approve a waiting request: place it now through ``order_place`` for the organisation, by ``actor``.

    ``actor`` must be an owner or manager of the organisation (not the requester):
    ``PurchaseRequestForbidden`` otherwise. ``expected_total`` is the re-priced total the approver
    confirmed: prices may have changed since the member saw them (``TotalChanged`` if it moved
    again). Anything ``order_place`` refuses (stock short, a product no longer on sale, an outlet
    archived...) leaves the request waiting, unchanged. Approving an approved request again returns
    it and places nothing (a double click); a rejected or withdrawn one is
    ``PurchaseRequestStatusInvalid``.
    """
    if not purchase_request_can_decide(purchase_request=purchase_request, user=actor):
        raise PurchaseRequestForbidden()
    locked = _lock(purchase_request)
    if locked.status == Status.APPROVED:
        return _refresh(purchase_request, locked)
    if locked.status != Status.SUBMITTED:
        raise PurchaseRequestStatusInvalid()
    shopper = shopper_get(user=actor, organisation=locked.organisation)
    items = [pricing.QuoteItem(line.product_id, line.quantity, None)
             for line in PurchaseRequestLine.objects.filter(purchase_request=locked).order_by("pk")]
    checkout = order_place(shopper=shopper, idempotency_key=f"purchase-request-{locked.pk}",
                           payment_method=locked.payment_method, delivery=locked.delivery_by_producer(),
                           expected_total=expected_total, outlet_id=locked.outlet_id, note=locked.note, items=items)
    locked.checkout, locked.decided_by, locked.decided_at = checkout, actor, timezone.now()
    _change_status(purchase_request=locked, to_status=Status.APPROVED, actor=actor,
                   data={"checkout": checkout.pk, "number": checkout.number, "total": checkout.total},
                   fields=("checkout", "decided_by", "decided_at"))
    notify_after_commit(Event.PURCHASE_REQUEST_APPROVED, locked.pk)
    return _refresh(purchase_request, locked)


@transaction.atomic
def purchase_request_reject(*, purchase_request: PurchaseRequest, actor: User, reason: str) -> PurchaseRequest:
    """Reject a waiting request with a reason (required) the member is told; nothing is placed."""
    if not purchase_request_can_decide(purchase_request=purchase_request, user=actor):
        raise PurchaseRequestForbidden()
    reason = _text(reason, field="reason", max_length=MAX_NOTE)
    if not reason:
        raise OrdersInvalid(fields={"reason": [_("Say why the request is rejected.")]})
    locked = _lock(purchase_request)
    if locked.status != Status.SUBMITTED:
        raise PurchaseRequestStatusInvalid()
    locked.decided_by, locked.decided_at, locked.reason = actor, timezone.now(), reason
    _change_status(purchase_request=locked, to_status=Status.REJECTED, actor=actor, note=reason,
                   fields=("decided_by", "decided_at", "reason"))
    notify_after_commit(Event.PURCHASE_REQUEST_REJECTED, locked.pk)
    return _refresh(purchase_request, locked)


@transaction.atomic
def purchase_request_withdraw(*, purchase_request: PurchaseRequest, actor: User) -> PurchaseRequest:
    """Withdraw one's own waiting request (the member who submitted it); nothing is placed.

    Its products go back into the member's cart for the organisation (at today's price, to change
    and submit again); a product no longer on sale or short of stock stays out, and
    ``restored`` (not a column) counts the lines put back.
    """
    if not (actor.is_authenticated and actor.is_active and purchase_request.requested_by_id == actor.pk):
        raise PurchaseRequestForbidden(_("Only the person who submitted a request can withdraw it."))
    locked = _lock(purchase_request)
    if locked.status != Status.SUBMITTED:
        raise PurchaseRequestStatusInvalid()
    _change_status(purchase_request=locked, to_status=Status.WITHDRAWN, actor=actor)
    withdrawn = _refresh(purchase_request, locked)
    withdrawn.restored = _lines_back_to_cart(purchase_request=locked, user=actor)
    return withdrawn


def _lines_back_to_cart(*, purchase_request: PurchaseRequest, user: User) -> int:
    """Put the request's lines back into the requester's cart for its organisation; return how many went back."""
    try:
        shopper = shopper_get(user=user, organisation=purchase_request.organisation)
    except ApplicationError:  # no longer a member: the request is withdrawn, there is no cart to fill
        return 0
    restored = 0
    for line in purchase_request.lines.order_by("pk"):
        try:
            with transaction.atomic():  # a savepoint: a line that cannot go back leaves the others
                cart_line_set(shopper=shopper, product_id=line.product_id, quantity=line.quantity)
        except ApplicationError:
            continue
        restored += 1
    return restored
