"""Forms of the members pages: input checks at the edge, ``market.accounts.members`` decides the rest."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from frontend.forms.errors import ServiceErrorsMixin
from market.accounts.models import Membership


class InviteForm(ServiceErrorsMixin, forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "off", "inputmode": "email"}))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class RoleForm(ServiceErrorsMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ActingForForm(forms.Form):
    acting_for = forms.CharField(max_length=20)
