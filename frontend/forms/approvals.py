"""Forms of the approval pages: the organisation's approval limit, approving and rejecting purchase requests."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from buyers.services import MAX_APPROVAL_LIMIT
from frontend.forms.errors import ServiceErrorsMixin
from frontend.forms.producer import RupiahField


class ApprovalLimitForm(ServiceErrorsMixin, forms.Form):
    # Typed as people write amounts: 300000, 300.000 or Rp 300.000 (a number input would read "300.000" as 300).
    approval_limit = RupiahField(
        label=_("Approval limit (rupiah)"), required=False, min_value=1, max_value=MAX_APPROVAL_LIMIT,
        help_text=_("Orders of members above this total need the approval of a manager or owner. "
                    "Leave it empty: members place any order themselves."))


class ApproveForm(forms.Form):
    expected_total = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RejectForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for rejecting"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("The member who submitted it is told."))
