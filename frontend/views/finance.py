"""Pages: finance, for programme officers and for producers (see frontend/urls.py).

Officers (``/dashboard/officer/finance/``) record bank transfers that arrived against a
checkout's payment reference, run payout batches (the bank's transfer file as CSV, then marked
paid) and look over the ledger: producers' balances and the ledger check. They also pay back
refunds owed on bank transfer and invoice orders (record the transfer: bank reference, date,
proof image; or a credit note on an unpaid invoice) and decide late transfers, money that arrived
after its order expired (re-open the order if its stock is still there, or refund it). Producers
(``/dashboard/producer/finance/``) see their balance, pending until each order is completed,
their payouts, and the owner sets the bank account payouts go to.

Changing that account redirects the producer's money, so it takes more than a session: only the
business's owner may (``producer_bank_account_settable``; officers, managers and members see
the account but no form), and only within ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` of confirming
their password (or second factor) on allauth's reauthentication page. A valid change sent
without that confirmation is kept in the session, the person confirms on allauth's page and
comes back to the form filled in with what they typed, told that nothing was saved yet; a second
"Save" makes the change. Batches warn about accounts changed since a producer's last payout.

Every read is a ``payments.selectors`` function, every change one ``payments.services`` function
(the same ones the API calls); an ``ApplicationError`` is shown beside the input it concerns and
nothing typed is lost.
"""
from __future__ import annotations

from allauth.account.adapter import get_adapter as allauth_adapter
from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalog.exceptions import InsufficientStock
from frontend.forms.finance import (
    BankAccountForm,
    LateTransferDecideForm,
    PayoutBatchForm,
    PayoutBatchPaidForm,
    RefundTransferForm,
    TransferReceiptForm,
)
from frontend.views.officer import officer_required
from frontend.views.producer import _current_producer, producer_area
from market.core.errors import ApplicationError
from market.core.money import format_rupiah
from orders.models import Checkout, OrderRefund, PaymentMethod
from orders.selectors import order_refund_get, order_refund_owed_list
from payments.exceptions import ReauthenticationRequired
from payments.models import LateTransfer, PayoutBatch
from payments.selectors import (
    bank_account_change_list_since_last_payout,
    bank_transfer_awaiting_list,
    finance_summary_get,
    late_transfer_get,
    late_transfer_list,
    ledger_check,
    payment_mismatch_list,
    payout_batch_csv,
    payout_batch_get,
    payout_batch_list,
    payout_list_for_batch,
    payout_list_for_producer,
    producer_balance_get,
    producer_balance_list,
    producer_bank_account_get,
    producer_bank_account_owners,
    producer_bank_account_settable,
    producer_pending_order_list,
)
from payments.services import bank_transfer_record
from payments.services.late_transfers import late_transfer_decide
from payments.services.payouts import payout_batch_create, payout_batch_mark_paid, producer_bank_account_set
from payments.services.refunds import refund_credit_note, refund_record_transfer, refund_transferable
from placements.selectors import settlement_line_list_for_producer

TRANSFERS_PER_PAGE = 25
BATCHES_PER_PAGE = 20
BALANCES_PER_PAGE = 25
MISMATCHES_SHOWN = 50  # open payment mismatches listed on the overview (each needs an officer)
PAYOUTS_SHOWN = 24
REFUNDS_PER_PAGE = 25
DECIDED_SHOWN = 10
# A bank account change waiting for its owner to confirm who they are (allauth's reauthentication).
PENDING_BANK_ACCOUNT = "finance_bank_account_pending"


def _page(request, items, per_page: int):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _officer_context(tab: str, **extra) -> dict:
    return {"section": "finance", "tab": tab, **extra}


# --- officers: overview and ledger -------------------------------------------------------------


def _ledger_problems(problems: dict) -> list[dict]:
    """Return the ledger check's findings as rows a person can read."""
    labels = {
        "unbalanced": _("Entries whose debits and credits differ"),
        "stripe_refunds": _("Stripe refunds in the ledger differ from the refunded orders"),
        "cash:stripe": _("Money at Stripe in the ledger differs from the card payments received"),
        "cash:bank_transfer": _("Money on the bank account in the ledger differs from the transfers recorded"),
    }
    rows = []
    for key, found in problems.items():
        if isinstance(found, dict):
            detail = " · ".join(f"{name}: {format_rupiah(value) if isinstance(value, int) else value}"
                                for name, value in found.items())
        elif isinstance(found, (list, tuple)):
            detail = ", ".join(str(item) for item in found)
        else:
            detail = str(found)
        rows.append({"key": key, "label": labels.get(key, key), "detail": detail})
    return rows


@officer_required
@require_safe
def officer_overview(request):
    """The figures that need an officer, the ledger check (on request) and every producer's balance."""
    checked = request.GET.get("check") == "1"
    problems = _ledger_problems(ledger_check()) if checked else None
    summary = finance_summary_get()
    return render(request, "frontend/finance/officer_overview.html", _officer_context(
        "overview", summary=summary, checked=checked, problems=problems,
        mismatches=payment_mismatch_list()[:MISMATCHES_SHOWN] if summary["mismatch_count"] else [],
        page=_page(request, producer_balance_list(), BALANCES_PER_PAGE)))


# --- officers: received transfers ---------------------------------------------------------------


def _render_transfers(request, form, *, status: int = 200):
    q = request.GET.get("q", "").strip()[:100]
    return render(request, "frontend/finance/officer_transfers.html", _officer_context(
        "transfers", form=form, q=q, page=_page(request, bank_transfer_awaiting_list(q=q), TRANSFERS_PER_PAGE)),
        status=status)


@officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def officer_transfers(request):
    """The checkouts waiting for a transfer, and the form to record one that arrived."""
    if request.method != "POST":
        reference = request.GET.get("reference", "").strip()[:20]
        return _render_transfers(request, TransferReceiptForm(initial={"reference": reference} if reference else None))
    form = TransferReceiptForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            payment = bank_transfer_record(officer=request.user, reference=data["reference"], amount=data["amount"],
                                           bank_reference=data["bank_reference"], received_on=data["received_on"])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            values = {"amount": format_rupiah(data["amount"]), "reference": payment.reference}
            if payment.checkout.status in (Checkout.Status.EXPIRED, Checkout.Status.CANCELLED) and not payment.applied:
                messages.warning(request, _("%(amount)s recorded against %(reference)s, but its order had expired or "
                                            "was cancelled: the money is kept as a late transfer. Decide under "
                                            "“Late transfers”: re-open the order or refund it.") % values)
                return redirect("frontend:officer-finance-late")
            if payment.applied:
                messages.success(request, _("%(amount)s recorded against %(reference)s: paid in full, the orders "
                                            "went to their producers.") % values)
            elif payment.received >= payment.amount:
                messages.warning(request, _("%(amount)s recorded against %(reference)s, but the order could not be "
                                            "placed any more (it expired): the money is kept to be refunded.")
                                 % values)
            else:
                messages.success(request, _("%(amount)s recorded against %(reference)s; %(rest)s still to come.")
                                 % {**values, "rest": format_rupiah(payment.amount - payment.received)})
            return redirect("frontend:officer-finance-transfers")
    return _render_transfers(request, form, status=400)


# --- officers: payout batches -------------------------------------------------------------------


def _render_payouts(request, form, *, status: int = 200):
    return render(request, "frontend/finance/officer_payouts.html", _officer_context(
        "payouts", form=form, summary=finance_summary_get(),
        changed_accounts=list(bank_account_change_list_since_last_payout()),
        page=_page(request, payout_batch_list(), BATCHES_PER_PAGE)), status=status)


@officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def officer_payouts(request):
    """Payout batches, newest first, and the form that makes a new one."""
    if request.method != "POST":
        return _render_payouts(request, PayoutBatchForm())
    form = PayoutBatchForm(request.POST)
    if form.is_valid():
        try:
            batch = payout_batch_create(officer=request.user, minimum=form.cleaned_data["minimum"])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Payout batch %(number)s is made: %(total)s to transfer. Download the file "
                                        "for the bank.") % {"number": batch.pk, "total": format_rupiah(batch.total)})
            return redirect("frontend:officer-finance-batch", pk=batch.pk)
    return _render_payouts(request, form, status=400)


def _batch_or_404(pk: int) -> PayoutBatch:
    batch = payout_batch_get(pk=pk)
    if batch is None:
        raise Http404(_("Payout batch not found."))
    return batch


def _render_batch(request, batch, *, paid_form=None, status: int = 200):
    payouts = list(payout_list_for_batch(batch=batch))
    return render(request, "frontend/finance/officer_batch.html", _officer_context(
        "payouts", batch=batch, payouts=payouts,
        changed_count=sum(1 for payout in payouts if payout.account_changed_at),
        paid_form=paid_form or PayoutBatchPaidForm()), status=status)


@officer_required
@require_safe
def officer_batch(request, pk: int):
    return _render_batch(request, _batch_or_404(pk))


@officer_required
@require_safe
def officer_batch_csv(request, pk: int):
    """The bank's transfer file of a batch, exactly as ``payout_batch_csv`` writes it (formula cells neutralised)."""
    batch = _batch_or_404(pk)
    response = HttpResponse(payout_batch_csv(batch=batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pencairan-dana-{batch.pk}.csv"'
    response["Cache-Control"] = "no-store"  # bank account numbers: not for shared caches
    return response


@officer_required
@require_POST
def officer_batch_paid(request, pk: int):
    batch = _batch_or_404(pk)
    form = PayoutBatchPaidForm(request.POST)
    if not form.is_valid():
        return _render_batch(request, batch, paid_form=form, status=400)
    try:
        batch = payout_batch_mark_paid(batch=batch, officer=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Payout batch %(number)s is marked paid.") % {"number": batch.pk})
    return redirect("frontend:officer-finance-batch", pk=batch.pk)


# --- officers: refunds owed -----------------------------------------------------------------------


def _refund_or_404(pk: int) -> OrderRefund:
    refund = order_refund_get(pk=pk)
    if refund is None:
        raise Http404(_("Refund not found."))
    return refund


def _refund_how(refund: OrderRefund) -> str:
    """Return how a refund still owed gets paid: ``transfer`` (an officer), ``credit_note`` or ``provider``."""
    if refund_transferable(refund=refund):
        return "transfer"
    if refund.payment_method == PaymentMethod.INVOICE:
        return "credit_note"
    return "provider"


@officer_required
@require_safe
def officer_refunds(request):
    """Refunds still owed, the longest waiting first: amount, order, buyer, reason, method and age."""
    page = _page(request, order_refund_owed_list(), REFUNDS_PER_PAGE)
    for refund in page.object_list:
        refund.how = _refund_how(refund)
    return render(request, "frontend/finance/officer_refunds.html", _officer_context("refunds", page=page))


def _render_refund(request, refund, form=None, *, status: int = 200):
    how = _refund_how(refund) if refund.status == OrderRefund.Status.REQUESTED else ""
    if form is None and how == "transfer":
        form = RefundTransferForm(requested_on=timezone.localdate(refund.created_at))
    return render(request, "frontend/finance/officer_refund.html", _officer_context(
        "refunds", refund=refund, how=how, form=form if how == "transfer" else None,
        checkout=refund.order.checkout), status=status)


@officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def officer_refund(request, pk: int):
    """One refund owed, and the form to record the transfer that paid it back (reference, date, proof)."""
    refund = _refund_or_404(pk)
    if request.method != "POST":
        return _render_refund(request, refund)
    form = RefundTransferForm(request.POST, request.FILES, requested_on=timezone.localdate(refund.created_at))
    if form.is_valid():
        data = form.cleaned_data
        try:
            refund = refund_record_transfer(refund=refund, officer=request.user, bank_reference=data["bank_reference"],
                                            transferred_on=data["transferred_on"], proof=data["proof"])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Refund of %(amount)s to %(buyer)s is recorded as transferred (%(reference)s).")
                             % {"amount": format_rupiah(refund.amount), "buyer": refund.order.buyer_name,
                                "reference": refund.reference})
            return redirect("frontend:officer-finance-refunds")
    return _render_refund(request, refund, form, status=400)


@officer_required
@require_POST
def officer_refund_credit_note(request, pk: int):
    """Take a refund owed on an unpaid invoice off what is owed (when the automatic credit note has not run)."""
    refund = _refund_or_404(pk)
    try:
        refund = refund_credit_note(refund=refund, officer=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("frontend:officer-finance-refund", pk=refund.pk)
    messages.success(request, _("%(amount)s is taken off invoice %(number)s (credit note %(reference)s).") % {
        "amount": format_rupiah(refund.amount), "number": refund.order.checkout.number, "reference": refund.reference})
    return redirect("frontend:officer-finance-refunds")


# --- officers: late transfers ---------------------------------------------------------------------


def _render_late(request, *, forms_by_pk: dict | None = None, status: int = 200):
    rows = list(late_transfer_list())
    forms_by_pk = forms_by_pk or {}
    for late in rows:
        late.form = forms_by_pk.get(late.pk) or LateTransferDecideForm(prefix=f"late-{late.pk}")
    decided = list(late_transfer_list(status=None).exclude(status=LateTransfer.Status.OPEN)[:DECIDED_SHOWN])
    return render(request, "frontend/finance/officer_late_transfers.html", _officer_context(
        "late", rows=rows, decided=decided), status=status)


@officer_required
@require_safe
def officer_late_transfers(request):
    """Transfers that arrived after their order expired, to decide; the latest decisions below."""
    return _render_late(request)


@officer_required
@require_POST
def officer_late_transfer_decide(request, pk: int):
    late = late_transfer_get(pk=pk)
    if late is None:
        raise Http404(_("Late transfer not found."))
    form = LateTransferDecideForm(request.POST, prefix=f"late-{late.pk}")
    if form.is_valid():
        try:
            late = late_transfer_decide(officer=request.user, late_transfer=late,
                                        decision=form.cleaned_data["decision"], note=form.cleaned_data["note"])
        except InsufficientStock as exc:
            form.add_error(None, _("%(message)s The order cannot be re-opened: refund the money instead.")
                           % {"message": exc.message})
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            number = late.payment.checkout.number
            if late.status == LateTransfer.Status.REOPENED:
                messages.success(request, _("Order %(number)s is re-opened and paid: it went to its producers.")
                                 % {"number": number})
                return redirect("frontend:officer-finance-late")
            messages.success(request, _("%(amount)s of order %(number)s is now a refund owed: transfer it and "
                                        "record it.") % {"amount": format_rupiah(late.amount), "number": number})
            return redirect("frontend:officer-finance-refunds")
    return _render_late(request, forms_by_pk={late.pk: form}, status=400)


# --- producers: balance, payouts and bank account -----------------------------------------------


def _render_producer(request, producer, *, form=None, pending_notice: str = "", status: int = 200):
    account = producer_bank_account_get(producer_id=producer.pk)
    can_change = producer_bank_account_settable(user=request.user, producer=producer)
    if form is None and can_change:
        initial = ({"bank_name": account.bank_name, "account_number": account.account_number,
                    "account_holder": account.account_holder} if account else None)
        form = BankAccountForm(initial=initial)
    return render(request, "frontend/finance/producer_finance.html", {
        "producer": producer, "as_officer": request.user.is_officer, "section": "finance",
        "balance": producer_balance_get(user=request.user, producer_id=producer.pk),
        "pending_orders": producer_pending_order_list(producer_id=producer.pk),
        "payouts": list(payout_list_for_producer(producer_id=producer.pk)[:PAYOUTS_SHOWN]),
        "account": account, "form": form if can_change else None, "can_change_bank_account": can_change,
        "bank_account_owners": [] if can_change else list(producer_bank_account_owners(producer=producer)),
        "pending_notice": pending_notice,
        "consignment_lines": list(settlement_line_list_for_producer(producer=producer)[:PAYOUTS_SHOWN]),
    }, status=status)


def _producer_finance_url(producer, anchor: str = "") -> str:
    url = f"{reverse('frontend:producer-finance')}?producer={producer.pk}"
    return f"{url}#{anchor}" if anchor else url


def _reauthenticate(request, producer, values: dict):
    """Keep the typed account in the session and send the owner to allauth's reauthentication, then back."""
    methods = allauth_adapter(request).get_reauthentication_methods(request.user)
    if not methods:  # no password, code or second factor to confirm with: nobody can vouch for the change
        raise PermissionDenied(_("Your account has no way to confirm it is you; contact the programme officers."))
    request.session[PENDING_BANK_ACCOUNT] = {"producer": producer.pk, "values": values}
    messages.info(request, _("Changing where your payouts go needs your password again: confirm it is you, then "
                             "you come back to the form."))
    next_url = _producer_finance_url(producer, "bank-account")
    return redirect(f"{methods[0]['url']}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


def _pending_bank_account(request, producer) -> tuple[BankAccountForm | None, str]:
    """Return the form filled in with a change kept for reauthentication, and what happened to it (once)."""
    pending = request.session.get(PENDING_BANK_ACCOUNT)
    if not isinstance(pending, dict) or pending.get("producer") != producer.pk:
        return None, ""
    del request.session[PENDING_BANK_ACCOUNT]
    form = BankAccountForm(initial=pending.get("values") or {})
    if did_recently_reauthenticate(request):
        notice = _("You confirmed it is you. The bank account below is not saved yet: check it and press "
                   "“Save bank account” to change where your payouts go.")
    else:
        notice = _("The bank account below was not saved: you did not confirm it is you. Check it and press "
                   "“Save bank account” again.")
    return form, notice


@producer_area
@require_http_methods(["GET", "HEAD", "POST"])
def producer_finance(request):
    """A producer's balance, pending orders, payouts and payout bank account (set by its owner)."""
    producer, _producers = _current_producer(request)
    if producer is None:  # a producer account without a registered business yet
        return redirect("frontend:producer-home")
    if request.method != "POST":
        form, notice = _pending_bank_account(request, producer)
        return _render_producer(request, producer, form=form, pending_notice=notice)
    if not producer_bank_account_settable(user=request.user, producer=producer):
        raise PermissionDenied(_("Only the owner of the business can change where its payouts go."))
    request.session.pop(PENDING_BANK_ACCOUNT, None)  # what is sent now replaces a change kept earlier
    form = BankAccountForm(request.POST)
    if form.is_valid():
        try:
            producer_bank_account_set(actor=request.user, producer=producer,
                                      reauthenticated=did_recently_reauthenticate(request), **form.cleaned_data)
        except ReauthenticationRequired:
            return _reauthenticate(request, producer, form.cleaned_data)
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Your bank account for payouts is saved."))
            return redirect(_producer_finance_url(producer, "bank-account"))
    return _render_producer(request, producer, form=form, status=400)


urlpatterns = [
    path("dashboard/officer/finance/", officer_overview, name="officer-finance"),
    path("dashboard/officer/finance/transfers/", officer_transfers, name="officer-finance-transfers"),
    path("dashboard/officer/finance/payouts/", officer_payouts, name="officer-finance-payouts"),
    path("dashboard/officer/finance/payouts/<int:pk>/", officer_batch, name="officer-finance-batch"),
    path("dashboard/officer/finance/payouts/<int:pk>/transfers.csv", officer_batch_csv,
         name="officer-finance-batch-csv"),
    path("dashboard/officer/finance/payouts/<int:pk>/paid/", officer_batch_paid, name="officer-finance-batch-paid"),
    path("dashboard/officer/finance/refunds/", officer_refunds, name="officer-finance-refunds"),
    path("dashboard/officer/finance/refunds/<int:pk>/", officer_refund, name="officer-finance-refund"),
    path("dashboard/officer/finance/refunds/<int:pk>/credit-note/", officer_refund_credit_note,
         name="officer-finance-refund-credit-note"),
    path("dashboard/officer/finance/late-transfers/", officer_late_transfers, name="officer-finance-late"),
    path("dashboard/officer/finance/late-transfers/<int:pk>/decide/", officer_late_transfer_decide,
         name="officer-finance-late-decide"),
    path("dashboard/producer/finance/", producer_finance, name="producer-finance"),
]
