"""Forms of the finance pages: received transfers, payout batches and a producer's payout bank account.

The forms turn what a phone sends into what ``payments.services`` takes (whole rupiah, a
normalised reference, a date); the services check again and decide. Each form takes the
service's ``ApplicationError`` back (``add_application_error``) so that its ``fields`` appear
beside the inputs they concern and nothing typed is lost.
"""
from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontend.forms.errors import ServiceErrorsMixin
from market.core.money import format_rupiah
from payments.selectors import bank_transfer_outstanding
from payments.services.bank_transfer import bank_reference_valid

# Far above any single transfer in this market, far below the database's limit: a slip of the
# finger (three extra zeros) is refused instead of trusted.
MAX_AMOUNT = 10_000_000_000
DEFAULT_PAYOUT_MINIMUM = 50_000

# Whole rupiah as people write it: 50000, 50.000 or 50 000, optionally "Rp" before and ",00" or ",-" after.
# A grouping other than by thousands (50.00, 1.5) is refused rather than guessed.
_RUPIAH = re.compile(r"^(?:rp\.?\s*)?(\d{1,3}(?:[.\s]\d{3})+|\d+)(?:,00|,-)?$", re.IGNORECASE)


class AmountField(forms.IntegerField):
    """Whole rupiah: ``50000``, ``50.000`` or ``Rp 50.000``; decimals and other separators are refused."""

    widget = forms.TextInput  # a number input refuses "50.000" on some phones
    default_error_messages = {"invalid": _("Enter the amount in whole rupiah, e.g. 50000 or 50.000.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            match = _RUPIAH.match(value.strip())
            if match is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = re.sub(r"[.\s]", "", match.group(1))
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value is not None and value > MAX_AMOUNT:
            raise forms.ValidationError(_("This amount is too large: at most %(limit)s.")
                                        % {"limit": format_rupiah(MAX_AMOUNT)}, code="max_value")

    def widget_attrs(self, widget):
        # no max/min attributes: the browser would judge "50.000" differently from us
        return {"inputmode": "numeric", "autocomplete": "off"}


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TransferReceiptForm(ServiceErrorsMixin, forms.Form):
    """A transfer that arrived on the platform's account, recorded against a payment reference."""

    reference = forms.CharField(label=_("Payment reference"), max_length=20,
                                help_text=_("As the buyer wrote it on the transfer, e.g. KI00001234."),
                                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                              "spellcheck": "false"}))
    amount = AmountField(label=_("Amount received (rupiah)"))
    bank_reference = forms.CharField(label=_("Bank statement reference"), max_length=100,
                                     help_text=_("The line's reference on the bank statement; each line is "
                                                 "recorded once."),
                                     widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    received_on = forms.DateField(label=_("Received on"), widget=_date_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["received_on"].initial = today
        self.fields["received_on"].widget.attrs["max"] = today.isoformat()
        self.outstanding: int | None = None

    def clean_reference(self) -> str:
        reference = re.sub(r"[\s-]", "", self.cleaned_data["reference"]).upper()
        if not bank_reference_valid(reference):
            raise forms.ValidationError(_("Enter a payment reference like KI00001234."), code="invalid")
        self.outstanding = bank_transfer_outstanding(reference=reference)
        if self.outstanding is None:
            raise forms.ValidationError(_("No order waits for a transfer with this reference."), code="unknown")
        return reference

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("Enter the date the money arrived (not in the future)."), code="future")
        return received_on

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        if self.outstanding is not None and amount is not None:
            if self.outstanding == 0:
                self.add_error("reference", _("This order is already paid in full."))
            elif amount > self.outstanding:
                self.add_error("amount", _("This is more than the %(outstanding)s still owed on this reference. "
                                           "Record what is owed; the rest is refunded to the buyer separately.")
                               % {"outstanding": format_rupiah(self.outstanding)})
        return data


class PayoutBatchForm(ServiceErrorsMixin, forms.Form):
    minimum = AmountField(label=_("Minimum payout (rupiah)"), initial=DEFAULT_PAYOUT_MINIMUM,
                          help_text=_("Producers with less available wait for the next batch, so that bank fees "
                                      "do not eat small payouts."))


class PayoutBatchPaidForm(forms.Form):
    confirm = forms.BooleanField(label=_("The bank has made every transfer in this batch's file."),
                                 error_messages={"required": _("Tick the box once the bank has made the transfers.")})


class BankAccountForm(ServiceErrorsMixin, forms.Form):
    """Where a producer's payouts go."""

    bank_name = forms.CharField(label=_("Bank"), max_length=100,
                                help_text=_("E.g. BRI, Bank Jatim, BNI, Mandiri, BSI."),
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    account_number = forms.CharField(label=_("Account number"), max_length=40,
                                     help_text=_("Digits only; spaces are fine."),
                                     widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                                   "spellcheck": "false"}))
    account_holder = forms.CharField(label=_("Account holder"), max_length=200,
                                     help_text=_("The name exactly as the bank knows it."),
                                     widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def clean_account_number(self) -> str:
        number = re.sub(r"[\s.-]", "", self.cleaned_data["account_number"])
        if not number.isdigit() or not 5 <= len(number) <= 34:
            raise forms.ValidationError(_("Enter the account number (digits only)."), code="invalid")
        return number


class RefundTransferForm(ServiceErrorsMixin, forms.Form):
    """A refund an officer transferred back to the buyer: the bank's reference, the day, the proof."""

    bank_reference = forms.CharField(label=_("Bank reference of the refund transfer"), max_length=100,
                                     help_text=_("As it appears on the bank's receipt or statement."),
                                     widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    transferred_on = forms.DateField(label=_("Transferred on"), widget=_date_widget())
    proof = forms.FileField(label=_("Proof of transfer"),
                            help_text=_("A photo or screenshot of the bank's receipt (JPEG, PNG or WebP)."),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))

    def __init__(self, *args, requested_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        widget = self.fields["transferred_on"].widget
        self.fields["transferred_on"].initial = today
        widget.attrs["max"] = today.isoformat()
        if requested_on is not None:
            widget.attrs["min"] = requested_on.isoformat()


class LateTransferDecideForm(ServiceErrorsMixin, forms.Form):
    """What to do with money that arrived after its order expired: re-open the order, or refund it."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("reopen", _("Re-open the order: reserve its stock again and send it to the producers")),
        ("refund", _("Refund the money to the buyer")),
    ], error_messages={"required": _("Choose: re-open the order, or refund the money.")})
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))
