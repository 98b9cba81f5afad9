"""Forms of the approval pages: the organisation's approval limit, approving and rejecting purchase requests."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from buyers.services import MAX_APPROVAL_LIMIT
from frontend.forms.errors import ServiceErrorsMixin


class ApprovalLimitForm(ServiceErrorsMixin, forms.Form):
    approval_limit = forms.IntegerField(
        label=_("Approval limit (rupiah)"), required=False, min_value=1, max_value=MAX_APPROVAL_LIMIT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
        help_text=_("Orders of members above this total need the approval of a manager or owner. "
                    "Leave it empty: members place any order themselves."))


class ApproveForm(forms.Form):
    expected_total = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RejectForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for rejecting"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("The member who submitted it is told."))
