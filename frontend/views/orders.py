"""Pages: the cart, checkout, orders for buyers and consumers, the producers' board and the officers' view.

Every read goes through ``orders.selectors`` (which decide who may see what: anyone else gets a
404), every change through one ``orders.services`` function; an ``ApplicationError`` is shown
beside the input it concerns (or as a message) and nothing is changed. The cart works without
JavaScript; with htmx a quantity change replaces only the cart's body.
"""
from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from buyers.selectors import (
    address_list,
    buyer_approval_limit_for,
    buyer_can_manage,
    buyer_organisation_is_verified,
    buyer_owner_list,
    outlet_list,
)
from catalog.models import Producer
from catalog.selectors import (
    assist_session_active,
    district_list_with_producers,
    producer_choices_for_officers,
    producer_list_for_user,
)
from frontend.acting import acting_organisation
from frontend.forms.errors import form_add_application_error
from frontend.forms.orders import (
    CartAddForm,
    CartQuantityForm,
    CheckoutForm,
    DeclineForm,
    OfficerOrderFilterForm,
    OrderNoteForm,
    ProblemAnswerForm,
    ProblemDecideForm,
    ProblemForm,
    ShipForm,
)
from frontend.views.common import next_url, not_found_as_404
from frontend.views.showcases import MEETING_SESSION_KEY, showcase_meeting_for_checkout
from market.core.errors import ApplicationError
from market.core.pagination import CappedPaginator
from orders.models import Checkout, Order, PaymentMethod
from orders.pricing import Destination
from orders.receivers import CART_SESSION_KEY
from orders.selectors import (
    OrderFilters,
    Shopper,
    access_checkout,
    access_order,
    anonymous_token_new,
    cart_quote,
    cart_quote_chosen,
    checkout_payment_methods,
    order_actions,
    order_event_list,
    order_list_for_buyer,
    order_list_for_officers,
    order_list_for_producer,
    order_problem_list,
    order_refund_list,
    shopper_destination,
    shopper_get,
)
from orders.services import (
    cart_line_add,
    cart_line_remove,
    cart_line_set,
    cart_prices_accept,
    checkout_cancel,
    order_place,
    order_problem_answer,
    order_problem_decide,
    order_problem_report,
    order_reorder,
    order_transition,
)
from orders.states import Party, next_statuses
from payments.selectors import late_transfer_for_checkout

ORDERS_PER_PAGE = 20
OFFICER_ORDERS_CAP = 1000  # orders the officers' list counts at most (50 pages); filters narrow a longer list
Status = Order.Status



def _shopper(request, *, create: bool = False) -> Shopper | None:
    """Return who is shopping: the signed-in person, for whom they act (``frontend.acting``), or the visitor.

    An anonymous visitor gets a cart token in the session's data when ``create``; without one, ``None``.
    """
    user = request.user
    if user.is_authenticated:
        return shopper_get(user=user, organisation=acting_organisation(request))
    token = request.session.get(CART_SESSION_KEY, "")
    if not token:
        if not create:
            return None
        token = request.session[CART_SESSION_KEY] = anonymous_token_new()
    return shopper_get(user=None, anonymous_token=token)



def _error_message(request, exc: ApplicationError) -> None:
    messages.error(request, str(exc.message))
    for field, errors in (exc.fields or {}).items():
        if field not in ("quantity",):
            for error in errors:
                messages.error(request, str(error))


def _elsewhere(request, organisation) -> dict | None:
    """Return what to switch to when a buyer's checkout or order belongs to another of their contexts.

    Pages follow whom the person acts for (``frontend.acting``): an order placed for another of their
    organisations (or for themself) is not shown under the current one; the page offers the switch.
    """
    acting = acting_organisation(request)
    if (acting.pk if acting else None) == (organisation.pk if organisation else None):
        return None
    return {"organisation": organisation, "value": str(organisation.pk) if organisation else "self"}


def _render_elsewhere(request, elsewhere: dict):
    return render(request, "frontend/orders/other_context.html", {"elsewhere": elsewhere})


# --- cart ----------------------------------------------------------------------------------


def _approval_context(shopper, quote) -> dict:
    """Return the approval limit that applies to the shopper (a member of a buyer organisation, else ``None``)
    and whether the quote's total is above it (then the order is submitted for approval instead)."""
    limit = (buyer_approval_limit_for(organisation=shopper.organisation, user=shopper.user)
             if shopper is not None and shopper.organisation is not None else None)
    return {"approval_limit": limit,
            "needs_approval": limit is not None and quote is not None and quote.total > limit}


def _cart_context(request, shopper, *, errors: dict | None = None) -> dict:
    # Delivery fees to the shopper's first outlet or address (another one can be chosen at checkout).
    destination = shopper_destination(shopper=shopper)
    quote = cart_quote(shopper=shopper, destination=destination) if shopper is not None else None
    return {"quote": quote, "line_errors": errors or {}, "shopper": shopper, "destination": destination,
            "is_business": bool(shopper and shopper.organisation),
            "stock_short": bool(quote and any(line.stock_short for line in quote.lines)),
            **_approval_context(shopper, quote)}


def _render_cart(request, shopper, *, errors=None, status=200):
    template = "frontend/orders/_cart_body.html" if request.htmx else "frontend/orders/cart.html"
    return render(request, template, _cart_context(request, shopper, errors=errors), status=status)


@require_safe
def cart(request):
    return _render_cart(request, _shopper(request))


@require_POST
def cart_add(request):
    form = CartAddForm(request.POST)
    back = next_url(request, reverse("frontend:cart"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    shopper = _shopper(request, create=True)
    try:
        cart_line_add(shopper=shopper, product_id=form.cleaned_data["product"],
                      quantity=form.cleaned_data["quantity"])
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        for error in (exc.fields or {}).get("quantity", []):
            if str(error) != str(exc.message):
                messages.error(request, str(error))
        return redirect(back)
    messages.success(request, _("Added to your cart."))
    return redirect(back)


@require_POST
def cart_line_update(request, product_id: int):
    shopper = _shopper(request)
    if shopper is None:
        return redirect("frontend:cart")
    if "remove" in request.POST:
        cart_line_remove(shopper=shopper, product_id=product_id)
        if not request.htmx:
            messages.success(request, _("Removed from your cart."))
            return redirect("frontend:cart")
        return _render_cart(request, shopper)
    form = CartQuantityForm(request.POST)
    errors = None
    if not form.is_valid():
        errors = {product_id: [str(e) for e in form.errors["quantity"]]}
    else:
        try:
            cart_line_set(shopper=shopper, product_id=product_id, quantity=form.cleaned_data["quantity"])
        except ApplicationError as exc:
            errors = {product_id: [str(e) for e in (exc.fields or {}).get("quantity", [])] or [str(exc.message)]}
    if request.htmx:
        return _render_cart(request, shopper, errors=errors, status=200)
    if errors:
        return _render_cart(request, shopper, errors=errors, status=400)
    messages.success(request, _("Cart updated."))
    return redirect("frontend:cart")


@require_POST
def cart_accept_prices(request):
    shopper = _shopper(request)
    if shopper is not None:
        cart_prices_accept(shopper=shopper)
        messages.success(request, _("The new prices are accepted."))
    return redirect("frontend:cart")


# --- checkout ------------------------------------------------------------------------------


def _places(shopper: Shopper) -> list:
    return list(outlet_list(organisation=shopper.organisation) if shopper.organisation else address_list(
        user=shopper.user))


def _destinations(places) -> list[tuple[int, str]]:
    return [(place.pk, f"{place.name} – {place.street}, {place.village.name}, {place.village.district.name}")
            for place in places]


def _chosen_destination(data, places) -> Destination | None:
    """Return where the chosen outlet or address is (the only one when there is one); ``None``: none chosen."""
    wanted = data.get("destination") if data is not None else None
    place = next((place for place in places if str(place.pk) == wanted), None)
    if place is None and len(places) == 1:
        place = places[0]
    return Destination.from_code(place.village_id) if place is not None else None


def _delivery_from(data, quote) -> dict[int, str]:
    """Return the delivery option per producer asked for in ``data``, else each producer's first offer."""
    delivery = {}
    for part in quote.producers:
        wanted = data.get(f"delivery_{part.producer_id}") if data is not None else None
        offered = [choice.option for choice in part.choices]
        if offered:  # a producer with no way to this destination: the page says so, nothing to choose
            delivery[part.producer_id] = wanted if wanted in offered else offered[0]
    return delivery


def _checkout_form(shopper, data=None, *, key: str | None = None, destination_id: str | None = None):
    """Return ``(form, quote)`` for the shopper's cart priced to the chosen destination (posted in ``data``,
    else ``destination_id``) with the chosen (or default) delivery options."""
    places = _places(shopper)
    destination = _chosen_destination(data if data is not None else {"destination": destination_id}, places)
    quote = cart_quote_chosen(shopper=shopper, destination=destination, choose=lambda offered: _delivery_from(data, offered))
    initial = {"expected_total": quote.total, "idempotency_key": key or uuid.uuid4().hex}
    if destination_id and any(str(place.pk) == destination_id for place in places):
        initial["destination"] = int(destination_id)
    form = CheckoutForm(data, initial=initial, destinations=_destinations(places),
                        payment_methods=checkout_payment_methods(shopper=shopper), producers=quote.producers)
    return form, quote


def _render_checkout(request, shopper, form, quote, *, status=200):
    organisation = shopper.organisation
    return render(request, "frontend/orders/checkout.html", {
        "form": form, "quote": quote, "shopper": shopper, "is_business": organisation is not None,
        "expected_total": quote.total,
        # A business without outlets: owners and managers add one and come back, members learn whom to ask.
        "can_add_outlet": bool(organisation) and buyer_can_manage(organisation=organisation, user=request.user),
        "outlet_owners": [owner.get_full_name() or owner.email
                          for owner in buyer_owner_list(organisation=organisation)] if organisation else [],
        **_approval_context(shopper, quote),
    }, status=status)


CHECKOUT_FIELDS = {"outlet": "destination", "address": "destination", "payment_method": "payment_method",
                   "note": "note"}


def _checkout_field(key: str) -> str:
    """Return the checkout form's field for a field of ``order_place``'s errors (delivery options by name)."""
    return CHECKOUT_FIELDS.get(key) or f"delivery_{key}"


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request):
    shopper = _shopper(request)
    if request.method == "GET":
        # "Show the delivery fees to this destination" (without JavaScript) asks again with the outlet or address.
        form, quote = _checkout_form(shopper, destination_id=request.GET.get("destination"))
        if quote.is_empty:
            messages.info(request, _("Your cart is empty."))
            return redirect("frontend:cart")
        return _render_checkout(request, shopper, form, quote)
    form, quote = _checkout_form(shopper, request.POST)
    if not form.is_valid():
        return _render_checkout(request, shopper, form, quote, status=400)
    data = form.cleaned_data
    where = ({"outlet_id": data["destination"]} if shopper.organisation else {"address_id": data["destination"]})
    # An order started from a showcase meeting (frontend/views/showcases.py) records the meeting.
    meeting_id = showcase_meeting_for_checkout(request, shopper.organisation)
    try:
        placed = order_place(shopper=shopper, idempotency_key=data["idempotency_key"],
                             payment_method=data["payment_method"], delivery=form.delivery(),
                             expected_total=data["expected_total"], note=data["note"],
                             showcase_meeting_id=meeting_id, **where)
    except ApplicationError as exc:
        beside = form_add_application_error(form, exc, field_for=_checkout_field)
        if not beside and exc.fields:
            form.add_error(None, str(exc.message))
        elif beside and exc.message:
            messages.error(request, str(exc.message))
        # Show the current total again with a fresh key: confirming again is a new request.
        fresh = form.data.copy()
        fresh["expected_total"] = quote.total
        fresh["idempotency_key"] = uuid.uuid4().hex
        form.data = fresh
        return _render_checkout(request, shopper, form, quote, status=409)
    if meeting_id is not None:
        request.session.pop(MEETING_SESSION_KEY, None)
    messages.success(request, _("Thank you! Your order %(number)s is placed.") % {"number": placed.number})
    if placed.payment_method == PaymentMethod.CARD and placed.status == Checkout.Status.AWAITING_PAYMENT:
        return redirect("frontend:checkout-pay", pk=placed.pk)
    return redirect("frontend:checkout-done", pk=placed.pk)


@login_required
@require_POST
def checkout_summary(request):
    """Return the checkout's totals for the chosen delivery options (htmx; the page works without it too)."""
    shopper = _shopper(request)
    _form, quote = _checkout_form(shopper, request.POST)
    return render(request, "frontend/orders/_checkout_summary.html", {"quote": quote, "expected_total": quote.total})


@login_required
@not_found_as_404
@require_safe
def checkout_done(request, pk: int):
    placed = access_checkout(user=request.user, pk=pk)
    if not request.user.is_officer and (elsewhere := _elsewhere(request, placed.organisation)):
        return _render_elsewhere(request, elsewhere)
    return render(request, "frontend/orders/checkout_done.html", {"checkout": placed})


@login_required
@not_found_as_404
@require_safe
def invoice(request, pk: int):
    placed = access_checkout(user=request.user, pk=pk)
    if not request.user.is_officer and (elsewhere := _elsewhere(request, placed.organisation)):
        return _render_elsewhere(request, elsewhere)
    return render(request, "frontend/orders/invoice.html", {"checkout": placed})


@login_required
@not_found_as_404
@require_POST
def checkout_cancel_view(request, pk: int):
    placed = access_checkout(user=request.user, pk=pk)
    try:
        checkout_cancel(checkout=placed, actor=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        _error_message(request, exc)
    else:
        messages.success(request, _("Your order is cancelled."))
    return redirect(next_url(request, reverse("frontend:order-list")))


# --- orders of buyers and consumers --------------------------------------------------------


@login_required
@require_safe
def order_list(request):
    shopper = _shopper(request)
    status = request.GET.get("status", "")
    status = status if status in Status.values else None
    page = Paginator(order_list_for_buyer(shopper=shopper, status=status), ORDERS_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "frontend/orders/order_list.html", {
        "page": page, "orders": page.object_list, "status": status or "", "statuses": Status.choices})


def _buyer_verified(order) -> bool:
    """Whether the order's buyer is a verified buyer organisation (shown to producers and officers)."""
    return buyer_organisation_is_verified(organisation=order.checkout.organisation)


def _order_context(request, order) -> dict:
    problems = list(order_problem_list(order=order))
    actions = order_actions(order=order, user=request.user)
    unpaid = order.status == Status.AWAITING_PAYMENT
    if unpaid:  # an unpaid order is cancelled with its whole checkout (one payment), not on its own
        actions = [action for action in actions if action != Status.CANCELLED]
    return {
        "order": order, "viewer": order.viewer, "events": list(order_event_list(order=order)),
        "problems": problems, "actions": actions,
        "can_report": order.viewer == Party.BUYER and order.status in (Status.DELIVERED, Status.COMPLETED),
        "can_reorder": order.viewer == Party.BUYER,
        "problem_form": ProblemForm(), "answer_form": ProblemAnswerForm(), "decide_form": ProblemDecideForm(),
        "decline_form": DeclineForm(), "ship_form": ShipForm(), "note_form": OrderNoteForm(),
        "is_officer": request.user.is_officer,
        "can_cancel_checkout": unpaid and order.viewer in (Party.BUYER, Party.OFFICER),
        "buyer_verified": _buyer_verified(order),
        # What the buyer is owed back (and late transfers of its checkout): for the buyer and officers.
        "refunds": (list(order_refund_list(order=order)) if order.viewer in (Party.BUYER, Party.OFFICER) else []),
        "late_transfers": (list(late_transfer_for_checkout(checkout_id=order.checkout_id))
                           if order.viewer in (Party.BUYER, Party.OFFICER) else []),
        "review_lines": _review_lines(order),
    }


def _review_lines(order) -> list[dict]:
    """The delivered order's lines with their reviews, for its buyer: "Write a review" or "Your review"."""
    from reviews.selectors import REVIEWABLE_STATUSES, review_can_edit, review_map_for_order

    if order.viewer != Party.BUYER or order.status not in REVIEWABLE_STATUSES:
        return []
    reviews = review_map_for_order(order=order)
    return [{"line": line, "review": reviews.get(line.pk),
             "can_edit": line.pk not in reviews or review_can_edit(review=reviews[line.pk])}
            for line in order.lines.all()]


@login_required
@not_found_as_404
@require_safe
def order_detail(request, pk: int):
    order = access_order(user=request.user, pk=pk)
    if order.viewer == Party.BUYER and (elsewhere := _elsewhere(request, order.checkout.organisation)):
        return _render_elsewhere(request, elsewhere)
    return render(request, "frontend/orders/order_detail.html", _order_context(request, order))


@login_required
@not_found_as_404
@require_POST
def order_action(request, pk: int):
    """Move an order on (accept, decline, pack, ship, delivered, completed, cancel) as the person may."""
    order = access_order(user=request.user, pk=pk)
    back = next_url(request, reverse("frontend:order-detail", kwargs={"pk": order.pk}))
    to_status = request.POST.get("to", "")
    form = (DeclineForm if to_status == Status.DECLINED else ShipForm if to_status == Status.SHIPPED
            else OrderNoteForm)(request.POST)
    if to_status not in Status.values or not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        if to_status not in Status.values:
            messages.error(request, _("This order cannot make that change in its current status."))
        return redirect(back)
    try:
        order_transition(order=order, to_status=to_status, actor=request.user,
                         note=form.cleaned_data.get("note", ""),
                         courier=form.cleaned_data.get("courier", ""),
                         tracking_number=form.cleaned_data.get("tracking_number", ""))
    except ApplicationError as exc:
        _error_message(request, exc)
        return redirect(back)
    messages.success(request, _("Order %(number)s: %(status)s.") % {
        "number": order.number, "status": Status(to_status).label})
    return redirect(back)


@login_required
@not_found_as_404
@require_POST
def order_problem(request, pk: int):
    order = access_order(user=request.user, pk=pk)
    form = ProblemForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            order_problem_report(order=order, actor=request.user, kind=form.cleaned_data["kind"],
                                 description=form.cleaned_data["description"],
                                 photos=request.FILES.getlist("photos"))
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Problem reported. The producer and the programme officers are told."))
            return redirect("frontend:order-detail", pk=order.pk)
    context = _order_context(request, order)
    context["problem_form"] = form
    return render(request, "frontend/orders/order_detail.html", context, status=400)


@login_required
@not_found_as_404
@require_POST
def order_reorder_view(request, pk: int):
    order = access_order(user=request.user, pk=pk)
    result = order_reorder(order=order, shopper=_shopper(request))
    for item in result.added:
        messages.success(request, _("%(name)s: %(count)s added to your cart.") % {"name": item.name,
                                                                                  "count": item.added})
    for item in result.items:
        if item.reason:
            messages.warning(request, f"{item.name}: {item.reason}")
    return redirect("frontend:cart")


@login_required
@not_found_as_404
@require_POST
def problem_answer(request, pk: int, problem_pk: int):
    order = access_order(user=request.user, pk=pk)
    problem = next((p for p in order_problem_list(order=order) if p.pk == problem_pk), None)
    if problem is None:
        raise Http404
    form = ProblemAnswerForm(request.POST)
    if form.is_valid():
        try:
            order_problem_answer(problem=problem, actor=request.user, answer=form.cleaned_data["answer"])
        except ApplicationError as exc:
            _error_message(request, exc)
        else:
            messages.success(request, _("Your answer is sent."))
    else:
        messages.error(request, _("Write your answer."))
    return redirect(next_url(request, reverse("frontend:order-detail", kwargs={"pk": order.pk})))


@login_required
@not_found_as_404
@require_POST
def problem_decide(request, pk: int, problem_pk: int):
    if not request.user.is_officer:
        raise Http404
    order = access_order(user=request.user, pk=pk)
    problem = next((p for p in order_problem_list(order=order) if p.pk == problem_pk), None)
    if problem is None:
        raise Http404
    form = ProblemDecideForm(request.POST)
    if form.is_valid():
        try:
            order_problem_decide(problem=problem, officer=request.user, decision=form.cleaned_data["decision"],
                                 note=form.cleaned_data["note"], refund_amount=form.cleaned_data["refund_amount"])
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Decision saved."))
            return redirect("frontend:order-detail", pk=order.pk)
    context = _order_context(request, order)
    context["decide_form"], context["decide_problem"] = form, problem.pk
    return render(request, "frontend/orders/order_detail.html", context, status=400)


# --- the producers' board ------------------------------------------------------------------


def _board_producer(request) -> Producer:
    """Return the producer whose board this is: one of the person's producers, or the producer an officer
    assists (officer-assisted mode)."""
    assisting = assist_session_active(officer=request.user)
    if assisting is not None and request.GET.get("producer", str(assisting.producer_id)) == str(
            assisting.producer_id):
        return assisting.producer
    producers = list(producer_list_for_user(user=request.user))
    wanted = request.GET.get("producer", "")
    if wanted:
        chosen = next((p for p in producers if str(p.pk) == wanted), None)
        if chosen is None:
            raise Http404(_("Producer not found."))
        return chosen
    if not producers:
        raise PermissionDenied(_("This dashboard belongs to another role."))
    return producers[0]


@login_required
@require_safe
def producer_orders(request):
    producer = _board_producer(request)
    status = request.GET.get("status", "")
    status = status if status in Status.values and status != Status.AWAITING_PAYMENT else None
    page = Paginator(order_list_for_producer(producer=producer, status=status), ORDERS_PER_PAGE).get_page(
        request.GET.get("page"))
    for order in page.object_list:  # every order here is this producer's: its buttons follow from the status
        order.board_actions = next_statuses(from_status=order.status, parties={Party.PRODUCER})
    return render(request, "frontend/orders/producer_board.html", {
        "producer": producer, "page": page, "orders": page.object_list, "status": status or "",
        "statuses": [c for c in Status.choices if c[0] != Status.AWAITING_PAYMENT],
        "decline_form": DeclineForm(), "ship_form": ShipForm(), "section": "orders",
        "board_url": request.get_full_path()})


@login_required
@not_found_as_404
@require_safe
def purchase_order(request, pk: int):
    order = access_order(user=request.user, pk=pk)
    return render(request, "frontend/orders/purchase_order.html", {"order": order,
                                                                   "buyer_verified": _buyer_verified(order)})


# --- the officers' view --------------------------------------------------------------------


@login_required
@require_safe
def officer_orders(request):
    if not (request.user.is_active and request.user.is_officer):
        raise PermissionDenied(_("Only programme officers can open this page."))
    producers = producer_choices_for_officers()
    districts = district_list_with_producers()
    form = OfficerOrderFilterForm(request.GET or None, producers=producers, districts=districts,
                                  statuses=Status.choices)
    data = form.cleaned_data if form.is_valid() else {}
    orders = order_list_for_officers(filters=OrderFilters(
        status=data.get("status") or None, producer=data.get("producer"),
        placed_from=data.get("placed_from"), placed_to=data.get("placed_to"),
        open_problems=True if data.get("open_problems") else None, district=data.get("district") or None))
    # Every order of the programme: count at most the cap ("page 1 of more than 50"), never the whole table.
    page = CappedPaginator(orders, ORDERS_PER_PAGE, cap=OFFICER_ORDERS_CAP).get_page(request.GET.get("page"))
    return render(request, "frontend/orders/officer_orders.html", {
        "form": form, "page": page, "orders": page.object_list, "section": "orders"})


urlpatterns = [
    path("cart/", cart, name="cart"),
    path("cart/add/", cart_add, name="cart-add"),
    path("cart/lines/<int:product_id>/", cart_line_update, name="cart-line"),
    path("cart/accept-prices/", cart_accept_prices, name="cart-accept-prices"),
    path("checkout/", checkout, name="checkout"),
    path("checkout/summary/", checkout_summary, name="checkout-summary"),
    path("checkout/<int:pk>/", checkout_done, name="checkout-done"),
    path("checkout/<int:pk>/invoice/", invoice, name="checkout-invoice"),
    path("checkout/<int:pk>/cancel/", checkout_cancel_view, name="checkout-cancel"),
    path("orders/", order_list, name="order-list"),
    path("orders/<int:pk>/", order_detail, name="order-detail"),
    path("orders/<int:pk>/action/", order_action, name="order-action"),
    path("orders/<int:pk>/problem/", order_problem, name="order-problem"),
    path("orders/<int:pk>/reorder/", order_reorder_view, name="order-reorder"),
    path("orders/<int:pk>/purchase-order/", purchase_order, name="order-purchase-order"),
    path("orders/<int:pk>/problems/<int:problem_pk>/answer/", problem_answer, name="order-problem-answer"),
    path("orders/<int:pk>/problems/<int:problem_pk>/decide/", problem_decide, name="order-problem-decide"),
    path("dashboard/producer/orders/", producer_orders, name="producer-orders"),
    path("dashboard/officer/orders/", officer_orders, name="officer-orders"),
]
