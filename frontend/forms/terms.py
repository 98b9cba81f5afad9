"""Forms of the invoice-on-terms pages: input checks at the edge, ``payments.services.terms`` decides the rest."""
from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from frontend.forms.errors import ServiceErrorsMixin
from market.core.money import format_rupiah
from payments.models import MAX_CREDIT_LIMIT, CreditTerms

# People write rupiah with thousands dots ("Rp 5.000.000") or spaces; they are whole numbers.
_RUPIAH = re.compile(r"^(?:rp\.?)?\s*([0-9][0-9.\s]*)$", re.IGNORECASE)


class CreditTermsForm(ServiceErrorsMixin, forms.Form):
    net_days = forms.TypedChoiceField(label=_("Payment terms"), choices=CreditTerms.NetDays.choices, coerce=int,
                                      widget=forms.RadioSelect)
    credit_limit = forms.CharField(label=_("Credit limit (rupiah)"), max_length=30,
                                   help_text=_("Whole rupiah, for example 25.000.000."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credit_limit"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean_credit_limit(self) -> int:
        raw = self.cleaned_data["credit_limit"].strip()
        match = _RUPIAH.match(raw)
        digits = re.sub(r"[.\s]", "", match.group(1)) if match else ""
        if not digits.isdigit():
            raise forms.ValidationError(_("Enter the credit limit in whole rupiah, for example 25.000.000."))
        amount = int(digits)
        if amount <= 0:
            raise forms.ValidationError(_("Enter the credit limit in whole rupiah, more than zero."))
        if amount > MAX_CREDIT_LIMIT:
            raise forms.ValidationError(_("The credit limit can be at most %(max)s.")
                                        % {"max": format_rupiah(MAX_CREDIT_LIMIT)})
        return amount


class CreditFilterForm(forms.Form):
    """The officers' list filter (GET; a bad value is ignored)."""

    q = forms.CharField(label=_("Organisation name"), required=False, max_length=100)
