"""Forms of the placement pages: propose, change status, deliver, report sales (form and CSV), outlet range.

They turn what a phone sends into what ``placements.services`` takes; the services check again and
decide, and their ``ApplicationError`` comes back beside the inputs (``add_application_error``).
"""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontend.forms.errors import ServiceErrorsMixin
from frontend.forms.finance import AmountField
from frontend.forms.producer import RupiahField
from placements.models import EndReason, Terms


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


_NUMERIC = {"inputmode": "numeric"}


class PlacementForm(ServiceErrorsMixin, forms.Form):
    """A proposal: ``outlets`` and ``products`` are the choices the page may offer (``(id, label)``)."""

    # The meeting travels in a hidden input: an error about it goes on top of the form.
    service_fields = {"outlet": "outlet", "product": "product", "showcase_meeting": ""}

    outlet = forms.TypedChoiceField(label=_("Outlet"), coerce=int)
    product = forms.TypedChoiceField(label=_("Product"), coerce=int)
    terms = forms.ChoiceField(label=_("Terms"), choices=Terms.choices, widget=forms.RadioSelect,
                              initial=Terms.CONSIGNMENT)
    shelf_price = RupiahField(label=_("Shelf price (rupiah)"), min_value=1)
    consignment_price = RupiahField(label=_("Consignment price to the producer (rupiah per unit)"), required=False,
                                    min_value=1, help_text=_("Consignment only: what the chain pays for each unit "
                                                             "sold. Leave empty for outright purchase."))
    start_date = forms.DateField(label=_("Start date"), widget=_date_widget())
    facings = forms.IntegerField(label=_("Facings"), min_value=1, max_value=100, initial=1,
                                 widget=forms.NumberInput(attrs=_NUMERIC))
    low_stock_threshold = forms.IntegerField(
        label=_("Low stock at the outlet (units)"), min_value=0, initial=3, required=False,
        help_text=_("Consignment: at or below this the producer is asked to deliver more."),
        widget=forms.NumberInput(attrs=_NUMERIC))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    showcase_meeting = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, outlets, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlet"].choices = [("", _("Choose…")), *outlets]
        self.fields["product"].choices = [("", _("Choose…")), *products]
        self.fields["start_date"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if data.get("terms") == Terms.OUTRIGHT:
            data["consignment_price"] = None
        elif data.get("terms") == Terms.CONSIGNMENT and not data.get("consignment_price") \
                and "consignment_price" not in self.errors:
            self.add_error("consignment_price", _("For consignment, enter what the chain pays per unit sold."))
        if data.get("low_stock_threshold") is None:
            data["low_stock_threshold"] = 0
        return data


class MoveForm(ServiceErrorsMixin, forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", _("Choose…")), *EndReason.choices], required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class DeliveryForm(ServiceErrorsMixin, forms.Form):
    """A delivery note: the date, a note and the units of each deliverable placement (``qty_<id>``)."""

    delivered_on = forms.DateField(label=_("Delivered on"), widget=_date_widget())
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivered_on"].initial = timezone.localdate()
        self.placements = list(placements)
        for placement in self.placements:
            self.fields[f"qty_{placement.pk}"] = forms.IntegerField(
                label=placement.product.name, min_value=0, max_value=100_000, required=False,
                widget=forms.NumberInput(attrs=_NUMERIC),
                help_text=_("At the outlet now: %(count)s") % {"count": placement.stock_at_outlet})

    def quantities(self) -> list[tuple[int, int]]:
        return [(p.pk, self.cleaned_data.get(f"qty_{p.pk}") or 0) for p in self.placements
                if self.cleaned_data.get(f"qty_{p.pk}")]


class SalesForm(ServiceErrorsMixin, forms.Form):
    """An outlet's report for a period: units sold (``sold_<id>``) and counted (``counted_<id>``) per placement."""

    period_end = forms.DateField(label=_("Period ending"), widget=_date_widget())

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_end"].initial = timezone.localdate()
        self.placements = list(placements)
        for placement in self.placements:
            self.fields[f"sold_{placement.pk}"] = forms.IntegerField(
                label=_("%(product)s: units sold") % {"product": placement.product.name}, min_value=0, initial=0,
                widget=forms.NumberInput(attrs=_NUMERIC),
                help_text=_("At the outlet before this report: %(count)s") % {"count": placement.stock_at_outlet})
            self.fields[f"counted_{placement.pk}"] = forms.IntegerField(
                label=_("%(product)s: units counted on the shelf and in store") % {"product": placement.product.name},
                min_value=0, required=False, widget=forms.NumberInput(attrs=_NUMERIC),
                help_text=_("Leave empty when you did not count."))

    def lines(self) -> list[tuple[int, int, int | None]]:
        return [(p.pk, self.cleaned_data.get(f"sold_{p.pk}") or 0, self.cleaned_data.get(f"counted_{p.pk}"))
                for p in self.placements]

    def add_application_error(self, exc, *, labels=None) -> bool:
        for key, messages in list(exc.fields.items()):
            if key.startswith("placement_") and f"sold_{key.removeprefix('placement_')}" in self.fields:
                self.add_error(f"sold_{key.removeprefix('placement_')}", [str(m) for m in messages])
                del exc.fields[key]
        if exc.fields or not self.errors:
            return super().add_application_error(exc, labels=labels)
        return True


class SalesImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_(
        "Columns: outlet (id or name), product (id or SKU), period_end (YYYY-MM-DD), sold, stock_count."))


class OutletRangeForm(ServiceErrorsMixin, forms.Form):
    total_skus = forms.IntegerField(label=_("Products carried in all (SKUs)"), min_value=1, max_value=1_000_000,
                                    widget=forms.NumberInput(attrs=_NUMERIC))


class OfficerPlacementFilterForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Chain"), coerce=int, required=False, empty_value=None)
    outlet = forms.IntegerField(label=_("Outlet id"), required=False, min_value=1, widget=forms.HiddenInput)
    village = forms.CharField(label=_("Village code"), required=False, max_length=20)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, chains, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("All chains")), *chains]
        self.fields["status"].choices = [("", _("All statuses")), *statuses]


class SettlementPaymentForm(ServiceErrorsMixin, forms.Form):
    """The chain's transfer for a consignment settlement, as the bank statement shows it (officers)."""

    amount = AmountField(label=_("Amount received"), help_text=_("The whole amount owed; part payments are not "
                                                                 "recorded here."))
    bank_reference = forms.CharField(label=_("Bank statement reference"), max_length=100,
                                     widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    paid_on = forms.DateField(label=_("Arrived on"), widget=forms.DateInput(attrs={"type": "date"},
                                                                            format="%Y-%m-%d"))

    def __init__(self, *args, settlement=None, **kwargs):
        super().__init__(*args, prefix=f"s{settlement.pk}" if settlement is not None else None, **kwargs)
        today = timezone.localdate()
        self.fields["paid_on"].initial = today
        self.fields["paid_on"].widget.attrs["max"] = today.isoformat()
        if settlement is not None:
            self.fields["paid_on"].widget.attrs["min"] = timezone.localdate(settlement.created_at).isoformat()
