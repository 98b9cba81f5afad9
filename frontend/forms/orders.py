"""Forms of the order pages: validate input at the edge; the orders services check everything again."""
from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from frontend.forms.producer import RupiahField
from orders.models import MAX_LINE_QUANTITY, DeliveryOption, OrderProblem, PaymentMethod

QUANTITY_WIDGET = forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "step": 1, "class": "qty-input"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern); the service checks each image."""

    def clean(self, data, initial=None):
        if not data:
            return []
        single = super().clean
        return [single(item, initial) for item in (data if isinstance(data, list | tuple) else [data])]


class CartQuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_LINE_QUANTITY,
                                  widget=QUANTITY_WIDGET)


class CartAddForm(CartQuantityForm):
    product = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CheckoutForm(forms.Form):
    """Destination, a delivery option per producer, note, payment method, the expected total and a one-time key."""

    destination = forms.TypedChoiceField(label=_("Deliver to"), coerce=int, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note for the producers"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    payment_method = forms.ChoiceField(label=_("Payment method"), widget=forms.RadioSelect)
    expected_total = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, min_length=8, max_length=64)

    def __init__(self, *args, destinations, payment_methods, producers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = destinations
        if len(destinations) == 1:
            self.fields["destination"].initial = destinations[0][0]
        self.fields["payment_method"].choices = [(m, PaymentMethod(m).label) for m in payment_methods]
        if len(payment_methods) == 1:
            self.fields["payment_method"].initial = payment_methods[0]
        self.producer_fields = []
        for part in producers:
            name = f"delivery_{part.producer_id}"
            self.fields[name] = forms.ChoiceField(
                label=part.producer_name, widget=forms.RadioSelect, required=bool(part.choices),
                choices=[(choice.option, DeliveryOption(choice.option).label) for choice in part.choices],
                initial=part.delivery_option or (part.choices[0].option if part.choices else None))
            self.producer_fields.append((part, name))

    def clean(self):
        data = super().clean()
        for part, name in self.producer_fields:
            if not part.choices:
                self.add_error(name, _("%(producer)s cannot deliver to this destination and offers no pickup: "
                                       "remove its products from the cart or choose another destination.")
                               % {"producer": part.producer_name})
        return data

    def delivery(self) -> dict[int, str]:
        """Return the option per producer id as posted (a repeated submit finds the cart already emptied;
        ``order_place`` checks the options against the cart it locks)."""
        return {int(key.removeprefix("delivery_")): str(value) for key, value in self.data.items()
                if re.fullmatch(r"delivery_\d{1,12}", key)}


class OrderNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(forms.Form):
    note = forms.CharField(label=_("Reason for declining"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ShipForm(forms.Form):
    courier = forms.CharField(label=_("Courier"), max_length=100, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100, required=False)


class ProblemForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is wrong?"), choices=OrderProblem.Kind.choices, widget=forms.RadioSelect)
    description = forms.CharField(label=_("Describe the problem"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("Photos (up to 5)"), required=False,
                             widget=MultipleFileInput(attrs={"accept": "image/*"}))


class ProblemAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ProblemDecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=OrderProblem.Decision.choices,
                                 widget=forms.RadioSelect)
    refund_amount = RupiahField(label=_("Refund amount (rupiah), for a partial refund"), required=False,
                                min_value=1)
    note = forms.CharField(label=_("Reason for the decision"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class OfficerOrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    producer = forms.TypedChoiceField(label=_("Producer"), required=False, coerce=int, empty_value=None)
    district = forms.CharField(label=_("District"), required=False, max_length=20, widget=forms.Select)
    placed_from = forms.DateField(label=_("Placed from"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    placed_to = forms.DateField(label=_("Placed until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    open_problems = forms.BooleanField(label=_("Only orders with an undecided problem"), required=False)

    def __init__(self, *args, producers, districts, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + list(statuses)
        self.fields["producer"].choices = [("", _("All"))] + [(p.pk, p.name) for p in producers]
        self.fields["district"].widget.choices = [("", _("All"))] + [(d.code, d.name) for d in districts]
