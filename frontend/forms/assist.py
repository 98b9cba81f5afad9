"""Forms of officer-assisted mode (an officer acting on behalf of a producer)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.services.assist import REASON_MAX
from frontend.forms.errors import ServiceErrorsMixin


class AssistStartForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you act for this producer?"), max_length=REASON_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("The producer is told at once by email and sees the reason beside everything you do."))
