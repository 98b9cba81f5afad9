"""Forms of the buyer organisation pages: input checks at the edge, ``buyers.services`` decides the rest."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from frontend.forms.errors import ServiceErrorsMixin


class BuyerPreferencesForm(ServiceErrorsMixin, forms.Form):
    """A buyer organisation's preferences; ``categories`` and ``districts`` are checkbox lists."""

    categories = forms.TypedMultipleChoiceField(
        label=_("Categories of interest"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("A category includes its subcategories. None ticked: every category."))
    districts = forms.MultipleChoiceField(
        label=_("Districts you source from"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Where the producer's village is. None ticked: every district."))
    certifications = forms.MultipleChoiceField(
        label=_("Required certifications"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("A product must hold every one ticked, with a valid permit."))
    min_shelf_life_days = forms.IntegerField(
        label=_("Minimum shelf life (days)"), min_value=1, max_value=3650,
        help_text=_("Food and drink with a shorter shelf life are not retail ready for you."))
    digest_enabled = forms.BooleanField(
        label=_("Email owners and managers a daily digest of newly listed products that match"), required=False)

    service_fields = {"category_ids": "categories", "district_codes": "districts"}

    def __init__(self, *args, categories=(), districts=(), certifications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = list(categories)
        self.fields["districts"].choices = [(d.code, d.name) for d in districts]
        self.fields["certifications"].choices = list(certifications)
        self.fields["min_shelf_life_days"].widget.attrs.update({"inputmode": "numeric"})

    def service_values(self) -> dict:
        """Return the cleaned data as ``buyer_preferences_set`` takes it."""
        data = self.cleaned_data
        return {"category_ids": list(data["categories"]), "district_codes": list(data["districts"]),
                "certifications": list(data["certifications"]), "min_shelf_life_days": data["min_shelf_life_days"],
                "digest_enabled": data["digest_enabled"]}
