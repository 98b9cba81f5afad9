"""Pages: paying a placed checkout, by card (Stripe.js Elements) or by bank transfer.

The page is the twin of ``payments.api``: the same selectors decide who may pay (anyone but the
checkout's buyer gets a 404) and the same services take the money. Card details never reach us:
Stripe.js turns them into a PaymentMethod whose id is posted here; ``card_payment_start`` creates
and confirms the PaymentIntent. When the bank asks for 3-D Secure, the page hands the client
secret to Stripe.js and then comes back to ``checkout_pay_return``, which asks Stripe where the
payment is. The webhook may have applied it before, may apply it after, or may never come: every
path goes through ``payment_intent_apply``, so the checkout is paid once.
"""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from frontend.forms.errors import form_add_application_error
from frontend.views.common import not_found_as_404
from market.core.errors import ApplicationError
from market.core.media import MEDIA_CONTENT_SECURITY_POLICY, image_content_type
from orders.models import Checkout, PaymentMethod
from payments.exceptions import BankAccountNotConfigured, PaymentDeclined
from payments.models import Payment, Provider
from payments.providers import provider_get
from payments.selectors import (
    access_checkout_to_pay,
    access_transfer_proof,
    card_payment_client_secret,
    stripe_publishable_key,
    transfer_proof_list,
)
from payments.services import bank_transfer_start
from payments.services.bank_transfer import bank_transfer_proof_add
from payments.services.card import ACTIVE, card_payment_refresh, card_payment_start

Status = Checkout.Status


class CardPaymentForm(forms.Form):
    payment_method_id = forms.CharField(max_length=255)


class TransferProofForm(forms.Form):
    """The buyer's photo or screenshot of their transfer receipt (checked and re-encoded by the service)."""

    proof = forms.FileField(label=gettext_lazy("Photo or screenshot of the transfer receipt"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    note = forms.CharField(label=gettext_lazy("Note for the officers (optional)"), max_length=200, required=False,
                           help_text=gettext_lazy("For example the sender's name or bank, if they differ from yours."))


def _card_offered() -> bool:
    """Return whether card payments can be taken now (both Stripe keys set); else the card form is hidden."""
    return provider_get(Provider.STRIPE).is_configured()


def _pay_context(request, checkout: Checkout, *, action: dict | None = None,
                 proof_form: TransferProofForm | None = None) -> dict:
    awaiting = checkout.status == Status.AWAITING_PAYMENT
    card = awaiting and checkout.payment_method == PaymentMethod.CARD
    context = {
        "checkout": checkout, "awaiting": awaiting, "action": action,
        "is_card": checkout.payment_method == PaymentMethod.CARD,
        "is_bank_transfer": checkout.payment_method == PaymentMethod.BANK_TRANSFER,
        "card_offered": card and _card_offered(),
        # ``card_payment_start`` takes the card of the person who placed the checkout only.
        "card_payer": checkout.placed_by_id == request.user.pk,
        "instructions": None,
    }
    context["show_card_form"] = context["card_offered"] and context["card_payer"]
    if context["show_card_form"]:
        context |= {"stripe_js_url": settings.STRIPE_JS_URL, "publishable_key": stripe_publishable_key()}
    if awaiting and checkout.payment_method == PaymentMethod.BANK_TRANSFER:
        context["proofs"] = list(transfer_proof_list(checkout=checkout))
        context["proof_form"] = proof_form or TransferProofForm()
        try:
            context["instructions"] = bank_transfer_start(checkout=checkout)
        except BankAccountNotConfigured as exc:  # never an account that is not the programme's
            context["transfer_unavailable"] = exc.message
    return context


def _paid(request, checkout: Checkout):
    messages.success(request, _("Payment received. Thank you! The producers now prepare your order."))
    return redirect("frontend:checkout-done", pk=checkout.pk)


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def checkout_pay(request, pk: int):
    """Show how to pay a checkout (card form or transfer instructions); a POST pays it by card."""
    checkout = access_checkout_to_pay(user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "frontend/payments/pay.html", _pay_context(request, checkout))
    here = reverse("frontend:checkout-pay", kwargs={"pk": checkout.pk})
    if not (checkout.status == Status.AWAITING_PAYMENT and checkout.payment_method == PaymentMethod.CARD
            and _card_offered()):
        return redirect(here)  # paid, expired, cancelled or not a card checkout: the page says which
    form = CardPaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter your card details again."))
        return redirect(here)
    payment_method_id = form.cleaned_data["payment_method_id"]
    try:
        payment = card_payment_start(checkout=checkout, user=request.user, payment_method_id=payment_method_id)
    except ApplicationError as exc:  # declined, provider unreachable, not payable now: nothing was charged
        messages.error(request, str(exc.message))
        for errors in (exc.fields or {}).values():
            for error in errors:
                if str(error) != str(exc.message):
                    messages.error(request, str(error))
        return redirect(here)
    if payment.status == Payment.Status.SUCCEEDED:
        return _paid(request, checkout)
    if payment.status == Payment.Status.REQUIRES_ACTION:
        action = {"client_secret": card_payment_client_secret(payment=payment),
                  "return_url": reverse("frontend:checkout-pay-return", kwargs={"pk": checkout.pk})}
        return render(request, "frontend/payments/pay.html", _pay_context(request, checkout, action=action))
    messages.error(request, str(PaymentDeclined.default_message))
    return redirect(here)


@login_required
@not_found_as_404
@require_safe
def checkout_pay_return(request, pk: int):
    """Where Stripe.js sends the buyer after 3-D Secure: ask Stripe how it went, then say so."""
    checkout = access_checkout_to_pay(user=request.user, pk=pk)
    here = reverse("frontend:checkout-pay", kwargs={"pk": checkout.pk})
    if checkout.status == Status.PAID:  # the webhook was faster
        return _paid(request, checkout)
    if checkout.status != Status.AWAITING_PAYMENT or checkout.payment_method != PaymentMethod.CARD:
        return redirect(here)
    try:
        # Creates no intent and charges nothing: it only asks Stripe where the attempt is and applies it.
        payment = card_payment_refresh(checkout=checkout, user=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(here)
    if payment is not None and payment.status == Payment.Status.SUCCEEDED:
        checkout.refresh_from_db(fields=["status"])
        if checkout.status == Status.PAID:
            return _paid(request, checkout)
        return redirect(here)
    if payment is not None and payment.status in ACTIVE:
        messages.info(request, _("Your bank has not confirmed the payment yet. If you finished the check with "
                                 "your bank, wait a moment and open this page again."))
    else:
        messages.error(request, _("The card payment was not completed: your bank could not confirm it. "
                                  "Nothing was charged. Try again or use another card."))
    return redirect(here)


@login_required
@not_found_as_404
@require_POST
def checkout_pay_proof(request, pk: int):
    """The buyer sends a photo of their transfer receipt; the officers see it next to the waiting transfer."""
    checkout = access_checkout_to_pay(user=request.user, pk=pk)
    form = TransferProofForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            bank_transfer_proof_add(checkout=checkout, user=request.user, image=form.cleaned_data["proof"],
                                    note=form.cleaned_data["note"])
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Thank you: the proof of your transfer is sent. A programme officer "
                                        "checks it against the bank statement, usually within one working day."))
            return redirect("frontend:checkout-pay", pk=checkout.pk)
    return render(request, "frontend/payments/pay.html", _pay_context(request, checkout, proof_form=form), status=400)


@login_required
@not_found_as_404
@require_safe
def transfer_proof_file(request, pk: int):
    """Show a proof of transfer to the checkout's buyer or an officer only (it is never public media)."""
    proof = access_transfer_proof(user=request.user, pk=pk)
    response = FileResponse(proof.image.open("rb"), content_type=image_content_type(proof.image.name))
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = MEDIA_CONTENT_SECURITY_POLICY
    return response


urlpatterns = [
    path("checkout/<int:pk>/pay/", checkout_pay, name="checkout-pay"),
    path("checkout/<int:pk>/pay/proof/", checkout_pay_proof, name="checkout-pay-proof"),
    path("payments/proofs/<int:pk>/", transfer_proof_file, name="transfer-proof"),
    path("checkout/<int:pk>/pay/return/", checkout_pay_return, name="checkout-pay-return"),
]
