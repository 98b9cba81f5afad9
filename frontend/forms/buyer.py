"""Forms of the buyer pages: organisation registration, outlets, addresses, and the officers' refusal.

A delivery place or a head office is chosen as a district, then a village of that district: two
short lists a phone can scroll, however many villages the region tree holds. The village list
follows the district (htmx swaps it; without JavaScript the "Show villages" button reloads the
form with the villages of the chosen district, nothing saved). ``buyers.services`` checks
everything again.
"""
from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from buyers.models import BuyerKind
from frontend.forms.errors import ServiceErrorsMixin
from frontend.forms.widgets import LongSelect
from market.regions.models import District, Village

PHONE_WIDGET = forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
DIGITS_WIDGET = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})


def district_choices(districts: Iterable[District]) -> list:
    """Return the districts as choices, grouped by regency when there are several regencies."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for district in districts:
        groups.setdefault(district.regency.display_name, []).append((district.code, district.name))
    if len(groups) == 1:
        return [("", _("Choose the district")), *next(iter(groups.values()))]
    return [("", _("Choose the district")), *groups.items()]


def village_choices(villages: Iterable[Village]) -> list:
    choices = [(village.code, village.name) for village in villages]
    return [("", _("Choose the village") if choices else _("Choose the district first")), *choices]


class VillagePickerMixin(forms.Form):
    """A district select and a select of that district's villages (``village_code``)."""

    district = forms.ChoiceField(label=_("District (kecamatan)"), widget=LongSelect)
    village_code = forms.ChoiceField(label=_("Village (desa/kelurahan)"), widget=LongSelect)

    def __init__(self, *args, districts: Iterable[District], villages: Iterable[Village], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = district_choices(districts)
        self.fields["village_code"].choices = village_choices(villages)
        self.fields["village_code"].widget.attrs["id"] = "id_village_code"

    def chosen_district(self) -> str:
        """Return the district code the form was posted or opened with ("" for none)."""
        if self.is_bound:
            return str(self.data.get("district", "")).strip()[:20]
        return str(self.initial.get("district", ""))


class _PlaceForm(ServiceErrorsMixin, VillagePickerMixin):
    name = forms.CharField(label=_("Name"), max_length=100)
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    phone = forms.CharField(label=_("Phone / WhatsApp"), max_length=20, widget=PHONE_WIDGET)
    street = forms.CharField(label=_("Street address"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Street, house number, RT/RW, landmarks."))
    postal_code = forms.CharField(label=_("Postal code"), max_length=5, required=False, widget=DIGITS_WIDGET)

    field_order = ["name", "contact_name", "phone", "street", "district", "village_code", "postal_code"]

    def service_data(self) -> dict:
        """Return the cleaned fields as ``outlet_create``/``address_create`` take them."""
        return {key: value for key, value in self.cleaned_data.items() if key != "district"}


class OutletForm(_PlaceForm):
    """An outlet of a buyer organisation: where its orders are delivered, and when it takes deliveries."""

    receiving_hours = forms.CharField(
        label=_("Receiving hours"), max_length=100, required=False,
        help_text=_("When the outlet takes deliveries, e.g. “Mon–Sat 08.00–16.00, not on public holidays”."))

    field_order = [*_PlaceForm.field_order, "receiving_hours"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = _("For example: Toko Tanggul, Gudang Pusat.")


class DeliveryAddressForm(_PlaceForm):
    """A person's own delivery address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Address name")
        self.fields["name"].help_text = _("For example: Home, Office.")
        self.fields["contact_name"].label = _("Recipient")


class RegistrationForm(ServiceErrorsMixin, VillagePickerMixin):
    """A buyer organisation's legal details (``buyer_registration_save`` checks them again)."""

    legal_name = forms.CharField(label=_("Legal name"), max_length=200,
                                 help_text=_("As on the NIB, e.g. PT Swalayan Jember Makmur."))
    kind = forms.ChoiceField(label=_("Kind of business"), choices=[("", _("Choose the kind of business")), *BuyerKind.choices])
    nib = forms.CharField(label=_("NIB"), max_length=30, widget=DIGITS_WIDGET,
                          help_text=_("Business identification number (OSS): 13 digits."))
    npwp = forms.CharField(label=_("NPWP"), max_length=30, widget=DIGITS_WIDGET,
                           help_text=_("Tax number: 15 or 16 digits; dots and dashes are fine."))
    street = forms.CharField(label=_("Head office street address"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    phone = forms.CharField(label=_("Phone / WhatsApp"), max_length=20, widget=PHONE_WIDGET)
    email = forms.CharField(label=_("Email"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    field_order = ["legal_name", "kind", "nib", "npwp", "street", "district", "village_code", "contact_name",
                   "phone", "email"]

    def service_data(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key != "district"}


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for refusal"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The buyer reads this: say what to correct."))
