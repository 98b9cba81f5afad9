"""Pages: invoices on terms. Officers approve and suspend buyer organisations' terms; buyers see their invoices.

Reads come from ``payments.services.terms`` (its reading section), changes go through
``credit_terms_set`` and ``credit_terms_suspend``; their ``ApplicationError`` is shown in the form
that asked. Transfers against an invoice's reference are recorded where every bank transfer is
(``bank_transfer_record``).
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from frontend.acting import acting_organisation
from frontend.forms.terms import CreditFilterForm, CreditTermsForm
from frontend.views.officer import officer_required
from market.core.errors import ApplicationError, NotFound
from payments.selectors import (
    buyer_organisation_credit_list,
    buyer_organisation_get,
    credit_summary_get,
    credit_terms_event_list,
    terms_invoice_list,
)
from payments.services.terms import credit_terms_set, credit_terms_suspend
from placements.selectors import settlement_list_for_buyer, settlement_owed_by_buyer

ORGANISATIONS_PER_PAGE = 25
INVOICES_PER_PAGE = 20


def _bank() -> dict[str, str] | None:
    """Return the programme's account to pay into, or ``None`` when it is not configured (nothing is shown)."""
    from payments.services.bank_transfer import bank_account_configured

    if not bank_account_configured():
        return None
    return {"name": settings.PAYMENTS_BANK_NAME, "number": settings.PAYMENTS_BANK_ACCOUNT_NUMBER,
            "holder": settings.PAYMENTS_BANK_ACCOUNT_NAME}


def _organisation(pk: int):
    try:
        return buyer_organisation_get(pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


# --- officers ------------------------------------------------------------------------------


@officer_required
@require_safe
def officer_credit_list(request):
    form = CreditFilterForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = Paginator(buyer_organisation_credit_list(q=q), ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/terms/officer_list.html", {"form": form, "page": page, "section": "credit"})


def _officer_detail(request, organisation, *, form=None, status=200):
    summary = credit_summary_get(organisation=organisation)
    if form is None:
        initial = ({"net_days": summary.terms.net_days, "credit_limit": summary.terms.credit_limit}
                   if summary.terms else {"net_days": 30})
        form = CreditTermsForm(initial=initial)
    page = Paginator(terms_invoice_list(organisation=organisation), INVOICES_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "frontend/terms/officer_detail.html", {
        "organisation": organisation, "summary": summary, "form": form, "page": page,
        "events": credit_terms_event_list(terms=summary.terms)
        if summary.terms else [], "section": "credit"}, status=status)


@officer_required
@require_http_methods(["GET", "POST"])
def officer_credit_detail(request, pk: int):
    organisation = _organisation(pk)
    if request.method == "GET":
        return _officer_detail(request, organisation)
    form = CreditTermsForm(request.POST)
    if not form.is_valid():
        return _officer_detail(request, organisation, form=form, status=400)
    try:
        credit_terms_set(officer=request.user, organisation=organisation, **form.cleaned_data)
    except ApplicationError as exc:
        form.add_application_error(exc)
        return _officer_detail(request, organisation, form=form, status=400)
    messages.success(request, _("The payment terms of %(name)s are saved.") % {"name": organisation.name})
    return redirect("frontend:officer-credit-detail", pk=organisation.pk)


@officer_required
@require_POST
def officer_credit_suspend(request, pk: int):
    organisation = _organisation(pk)
    try:
        credit_terms_suspend(officer=request.user, organisation=organisation)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Orders on terms are suspended for %(name)s. Open invoices stay due.")
                         % {"name": organisation.name})
    return redirect("frontend:officer-credit-detail", pk=organisation.pk)


# --- buyers --------------------------------------------------------------------------------


@login_required
@require_safe
def buyer_invoices(request):
    """The buyer organisation's invoices on terms (the organisation the person acts for, as in the cart)."""
    organisation = acting_organisation(request)
    if organisation is None:
        raise Http404(_("Invoices on terms are for buyer organisations: choose one in “Acting for” at the top."))
    page = Paginator(terms_invoice_list(organisation=organisation), INVOICES_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "frontend/terms/buyer_invoices.html", {
        "organisation": organisation, "summary": credit_summary_get(organisation=organisation), "page": page,
        "bank": _bank(), "today": timezone.localdate(),
        "consignment_owed": settlement_owed_by_buyer(organisation=organisation),
        "consignment_settlements": list(settlement_list_for_buyer(organisation=organisation)[:INVOICES_PER_PAGE])})


urlpatterns = [
    path("dashboard/officer/credit/", officer_credit_list, name="officer-credit"),
    path("dashboard/officer/credit/<int:pk>/", officer_credit_detail, name="officer-credit-detail"),
    path("dashboard/officer/credit/<int:pk>/suspend/", officer_credit_suspend, name="officer-credit-suspend"),
    path("dashboard/buyer/invoices/", buyer_invoices, name="buyer-invoices"),
]
