"""The producer's delivery options form: pickup, own delivery by district, courier rates (two row formsets).

The forms turn what a phone sends into ``orders.services.DeliveryOptions``; the service checks
everything again and its errors come back beside the row and input they concern.
"""
from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from frontend.forms.errors import ServiceErrorsMixin
from frontend.forms.producer import RupiahField
from frontend.forms.widgets import LongSelect
from orders.models import Weekday
from orders.services.delivery import MAX_GRAMS, MAX_HOURS_LENGTH, MAX_LEAD_DAYS, AreaFee, CourierRate

AREAS_PREFIX = "areas"
RATES_PREFIX = "rates"
ANYWHERE = ""
DEFAULT_LEAD_DAYS = 2


class DeliveryOptionsForm(ServiceErrorsMixin, forms.Form):
    offers_pickup = forms.BooleanField(label=_("Buyers can pick up at the village"), required=False)
    pickup_hours = forms.CharField(label=_("Pickup hours"), required=False, max_length=MAX_HOURS_LENGTH,
                                   help_text=_("For example: Senin–Sabtu 08.00–15.00."))
    offers_delivery = forms.BooleanField(label=_("I deliver myself"), required=False)
    free_delivery_from = RupiahField(label=_("Free delivery from an order of (rupiah)"), required=False,
                                     help_text=_("Leave empty if delivery is never free."))
    delivery_days = forms.TypedMultipleChoiceField(
        label=_("Days I deliver"), required=False, coerce=int, choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: any day."))
    offers_courier = forms.BooleanField(label=_("I send by courier"), required=False)
    courier_lead_days = forms.IntegerField(
        label=_("Courier lead time (days)"), min_value=0, max_value=MAX_LEAD_DAYS, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Days from the order to the goods arriving, usually."))

    def clean_courier_lead_days(self):
        value = self.cleaned_data.get("courier_lead_days")
        return DEFAULT_LEAD_DAYS if value is None else value


class AreaRowForm(forms.Form):
    district = forms.ChoiceField(label=_("Destination district"), required=False, widget=LongSelect)
    fee = RupiahField(label=_("Fee (Rp)"), required=False)

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [(ANYWHERE, _("Anywhere else"))] + list(districts)

    def clean(self):
        data = super().clean()
        if data.get("fee") is None and data.get("district") and not self.errors:
            self.add_error("fee", _("Enter the fee for this district, or remove the row."))
        return data

    def row(self) -> AreaFee | None:
        """Return the row, or ``None`` for an empty row or one marked for removal."""
        data = getattr(self, "cleaned_data", {})
        if data.get("DELETE") or data.get("fee") is None:
            return None
        return AreaFee(district_code=data.get("district") or None, fee=data["fee"])


class RateRowForm(forms.Form):
    area = forms.ChoiceField(label=_("Destination regency or province"), required=False, widget=LongSelect)
    max_grams = forms.IntegerField(label=_("Up to (grams)"), required=False, min_value=1, max_value=MAX_GRAMS,
                                   widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                                   help_text=_("Empty: any weight."))
    fee = RupiahField(label=_("Fee (Rp)"), required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(ANYWHERE, _("Anywhere else"))] + list(areas)

    def clean(self):
        data = super().clean()
        if data.get("fee") is None and (data.get("area") or data.get("max_grams")) and not self.errors:
            self.add_error("fee", _("Enter the fee for this row, or remove the row."))
        return data

    def row(self) -> CourierRate | None:
        data = getattr(self, "cleaned_data", {})
        if data.get("DELETE") or data.get("fee") is None:
            return None
        kind, _sep, code = (data.get("area") or "").partition(":")
        return CourierRate(fee=data["fee"], max_grams=data.get("max_grams"),
                           regency_code=code if kind == "r" else None, province_code=code if kind == "p" else None)


AreaFormSet = formset_factory(AreaRowForm, extra=1, can_delete=True, max_num=100, absolute_max=120)
RateFormSet = formset_factory(RateRowForm, extra=1, can_delete=True, max_num=100, absolute_max=120)


def rate_area_value(rate) -> str:
    """Return the form's value for a courier rate's area: ``r:<regency>``, ``p:<province>`` or empty (anywhere)."""
    if rate.regency_id:
        return f"r:{rate.regency_id}"
    if rate.province_id:
        return f"p:{rate.province_id}"
    return ANYWHERE
