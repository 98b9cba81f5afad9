"""Pages: a buyer organisation's approval limit and its purchase requests (submit, queue, approve, reject, withdraw).

The organisation is the one the person acts for (``frontend.views.orders._shopper``), so these
pages follow the acting-for choice like the cart. Reads go through ``orders.selectors`` and
``buyers.selectors`` (who may not see a request gets a 404), changes through one service each.
"""
from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from buyers.selectors import buyer_approval_limit_get, buyer_member_role
from buyers.services import buyer_approval_limit_set
from frontend.forms.approvals import ApprovalLimitForm, ApproveForm, RejectForm
from frontend.forms.errors import form_add_application_error
from frontend.views.common import not_found_as_404
from frontend.views.orders import (
    _checkout_field,
    _checkout_form,
    _render_checkout,
    _shopper,
)
from market.accounts.models import Membership
from market.core.errors import ApplicationError
from orders.models import PurchaseRequest
from orders.selectors import (
    access_purchase_request,
    purchase_request_can_decide,
    purchase_request_event_list,
    purchase_request_list,
    purchase_request_review,
)
from orders.services import (
    purchase_request_approve,
    purchase_request_reject,
    purchase_request_submit,
    purchase_request_withdraw,
)

REQUESTS_PER_PAGE = 20
Status = PurchaseRequest.Status


def _organisation(request):
    """Return the buyer organisation the person acts for; 404 when they act for none."""
    shopper = _shopper(request)
    if shopper is None or shopper.organisation is None:
        raise Http404(_("You do not act for a buyer organisation."))
    return shopper.organisation


# --- the approval limit --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def approval_limit(request):
    organisation = _organisation(request)
    role = buyer_member_role(organisation=organisation, user=request.user)
    is_owner = role == Membership.Role.OWNER
    limit = buyer_approval_limit_get(organisation=organisation)
    form = ApprovalLimitForm(request.POST if request.method == "POST" else None, initial={"approval_limit": limit})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                buyer_approval_limit_set(organisation=organisation, actor=request.user,
                                         limit=form.cleaned_data["approval_limit"])
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("The approval limit is saved."))
                return redirect("frontend:approval-limit")
        status = 403 if form.errors and not is_owner else 400
    return render(request, "frontend/approvals/approval_limit.html", {
        "organisation": organisation, "limit": limit, "form": form, "is_owner": is_owner, "role": role,
    }, status=status)


# --- submitting from the checkout ----------------------------------------------------------


@login_required
@require_POST
def purchase_request_submit_view(request):
    """Submit the cart for approval with the checkout form's choices (the checkout page's second button)."""
    shopper = _shopper(request)
    form, quote = _checkout_form(shopper, request.POST)
    if not form.is_valid():
        return _render_checkout(request, shopper, form, quote, status=400)
    data = form.cleaned_data
    try:
        submitted = purchase_request_submit(
            shopper=shopper, idempotency_key=data["idempotency_key"], payment_method=data["payment_method"],
            delivery=form.delivery(), expected_total=data["expected_total"], outlet_id=data["destination"],
            note=data["note"])
    except ApplicationError as exc:
        beside = form_add_application_error(form, exc, field_for=_checkout_field)
        if beside and exc.message:
            messages.error(request, str(exc.message))
        fresh = form.data.copy()
        fresh["expected_total"] = quote.total
        fresh["idempotency_key"] = uuid.uuid4().hex
        form.data = fresh
        return _render_checkout(request, shopper, form, quote, status=409)
    messages.success(request, _("Your order is submitted for approval. Your managers are told; you get an email "
                                "when it is decided."))
    return redirect("frontend:purchase-request-detail", pk=submitted.pk)


# --- the requests --------------------------------------------------------------------------


@login_required
@require_safe
def purchase_request_list_view(request):
    organisation = _organisation(request)
    role = buyer_member_role(organisation=organisation, user=request.user)
    is_approver = role in (Membership.Role.OWNER, Membership.Role.MANAGER)
    status = request.GET.get("status", Status.SUBMITTED if is_approver else "")
    status = status if status in Status.values else ""
    requests = purchase_request_list(user=request.user, organisation=organisation, status=status or None)
    page = Paginator(requests, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/approvals/request_list.html", {
        "organisation": organisation, "page": page, "requests": page.object_list, "status": status,
        "statuses": Status.choices, "is_approver": is_approver,
        "limit": buyer_approval_limit_get(organisation=organisation)})


def _detail_context(request, purchase_request, *, approve_form=None, reject_form=None) -> dict:
    waiting = purchase_request.status == Status.SUBMITTED
    review = purchase_request_review(purchase_request=purchase_request) if waiting else None
    can_decide = waiting and purchase_request_can_decide(purchase_request=purchase_request, user=request.user)
    return {
        "purchase_request": purchase_request, "review": review,
        "events": list(purchase_request_event_list(purchase_request=purchase_request)),
        "can_decide": can_decide,
        "can_withdraw": waiting and purchase_request.requested_by_id == request.user.pk,
        "approve_form": approve_form or ApproveForm(initial={"expected_total": review.quote.total if review else 0}),
        "reject_form": reject_form or RejectForm(),
    }


@login_required
@not_found_as_404
@require_safe
def purchase_request_detail(request, pk: int):
    purchase_request = access_purchase_request(user=request.user, pk=pk)
    return render(request, "frontend/approvals/request_detail.html", _detail_context(request, purchase_request))


@login_required
@not_found_as_404
@require_POST
def purchase_request_approve_view(request, pk: int):
    purchase_request = access_purchase_request(user=request.user, pk=pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            approved = purchase_request_approve(purchase_request=purchase_request, actor=request.user,
                                                expected_total=form.cleaned_data["expected_total"])
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            for errors in (exc.fields or {}).values():
                for error in errors:
                    if str(error) != str(exc.message):
                        messages.error(request, str(error))
            status = exc.http_status if exc.http_status in (403, 409) else 409
            purchase_request = access_purchase_request(user=request.user, pk=pk)
            return render(request, "frontend/approvals/request_detail.html",
                          _detail_context(request, purchase_request), status=status)
        assert approved.checkout is not None  # approving places it
        messages.success(request, _("Approved: order %(number)s is placed.") % {"number": approved.checkout.number})
        return redirect("frontend:purchase-request-detail", pk=pk)
    messages.error(request, _("Open the request again and confirm the current total."))
    return redirect("frontend:purchase-request-detail", pk=pk)


@login_required
@not_found_as_404
@require_POST
def purchase_request_reject_view(request, pk: int):
    purchase_request = access_purchase_request(user=request.user, pk=pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            purchase_request_reject(purchase_request=purchase_request, actor=request.user,
                                    reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form.add_application_error(exc)
            status = exc.http_status
        else:
            messages.success(request, _("The request is rejected; the member is told why."))
            return redirect("frontend:purchase-request-detail", pk=pk)
    else:
        status = 400
    purchase_request = access_purchase_request(user=request.user, pk=pk)
    return render(request, "frontend/approvals/request_detail.html",
                  _detail_context(request, purchase_request, reject_form=form), status=status)


@login_required
@not_found_as_404
@require_POST
def purchase_request_withdraw_view(request, pk: int):
    purchase_request = access_purchase_request(user=request.user, pk=pk)
    try:
        withdrawn = purchase_request_withdraw(purchase_request=purchase_request, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        purchase_request = access_purchase_request(user=request.user, pk=pk)
        return render(request, "frontend/approvals/request_detail.html", _detail_context(request, purchase_request),
                      status=exc.http_status)
    if withdrawn.restored:
        messages.success(request, ngettext(
            "Your request is withdrawn; its product is back in your cart.",
            "Your request is withdrawn; %(count)s of its products are back in your cart.",
            withdrawn.restored) % {"count": withdrawn.restored})
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("frontend:purchase-request-detail", pk=pk)


urlpatterns = [
    path("organisation/approval-limit/", approval_limit, name="approval-limit"),
    path("checkout/submit-for-approval/", purchase_request_submit_view, name="purchase-request-submit"),
    path("purchase-requests/", purchase_request_list_view, name="purchase-request-list"),
    path("purchase-requests/<int:pk>/", purchase_request_detail, name="purchase-request-detail"),
    path("purchase-requests/<int:pk>/approve/", purchase_request_approve_view, name="purchase-request-approve"),
    path("purchase-requests/<int:pk>/reject/", purchase_request_reject_view, name="purchase-request-reject"),
    path("purchase-requests/<int:pk>/withdraw/", purchase_request_withdraw_view, name="purchase-request-withdraw"),
]
