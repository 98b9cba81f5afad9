"""Forms of the officers' collection pages (issue 17)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Collection
from catalog.services.collections import CollectionDetails
from frontend.forms.errors import ServiceErrorsMixin


class CollectionForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title (Indonesian)"), max_length=120)
    title_en = forms.CharField(label=_("Title (English)"), max_length=120, required=False)
    slug = forms.SlugField(label=_("Address"), max_length=80, required=False,
                           help_text=_("The end of the page's address, e.g. kopi-jember; made from the title when empty."))
    description = forms.CharField(label=_("Description (Indonesian)"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    description_en = forms.CharField(label=_("Description (English)"), required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Products"), choices=Collection.Kind.choices, initial=Collection.Kind.CURATED,
                             widget=forms.RadioSelect)
    position = forms.IntegerField(label=_("Place on the home page"), min_value=0, max_value=999, initial=0,
                                  help_text=_("Smaller numbers come first."))
    cover_product = forms.TypedChoiceField(label=_("Cover photo from"), coerce=int, required=False, empty_value=None)

    service_fields = {"cover_product_id": "cover_product"}

    def __init__(self, *args, cover_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cover_product"].choices = [("", _("(the first product with a photo)")), *cover_choices]
        if not cover_choices:
            del self.fields["cover_product"]

    def details(self) -> CollectionDetails:
        data = self.cleaned_data
        return CollectionDetails(title=data["title"], title_en=data["title_en"], slug=data["slug"],
                                 description=data["description"], description_en=data["description_en"],
                                 kind=data["kind"], position=data["position"] or 0,
                                 cover_product_id=data.get("cover_product"))
