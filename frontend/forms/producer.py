"""Forms of the producers' own pages: input checks at the edge, the catalog services decide the rest.

The forms only turn what a phone sends into the types a service takes (``Category``,
``Decimal``, whole rupiah...). Each form can take the service's ``ApplicationError`` back
(``add_application_error``) so that its ``fields`` appear next to the inputs they concern.
"""
from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Commodity, PermitKind, Product, Unit
from catalog.selectors import category_tree
from catalog.services import ProductChanges
from frontend.forms.errors import ServiceErrorsMixin

_NUMERIC = {"inputmode": "numeric"}


class RupiahField(forms.IntegerField):
    """Whole rupiah, typed the way people write prices: ``35000``, ``35.000`` or ``Rp 35.000``."""

    default_error_messages = {"invalid": _("Enter a price in whole rupiah, e.g. 35000.")}

    widget = forms.TextInput  # a number input would refuse "35.000" on some phones

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"^\s*rp\.?\s*", "", value, flags=re.IGNORECASE)
            # Dots and spaces group thousands in Indonesian; ",00" is an empty sen part.
            value = re.sub(r"[.\s]", "", value).removesuffix(",00").removesuffix(",-")
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}


def _whole_number(label, *, required: bool = True, min_value: int | None = 0, help_text="",
                  initial=None) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=required, min_value=min_value, help_text=help_text,
                              initial=initial, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


def _localised(name: str, name_en: str) -> str:
    return name_en if name_en and (translation.get_language() or "").startswith("en") else name


def _plain_decimal(value: Decimal) -> str:
    """Return ``value`` without trailing zeros and never in exponent form: ``1.000`` reads "one thousand"
    in Indonesian, so a pack size of one is shown as ``1``."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- business --------------------------------------------------------------------------------


class ProducerRegisterForm(ServiceErrorsMixin, forms.Form):
    """Register a business: its village in Jember (grouped by district), name, contacts and capacity."""

    organisation = forms.ModelChoiceField(label=_("Business (organisation)"), queryset=None, required=False,
                                          empty_label=None)
    name = forms.CharField(label=_("Business name"), max_length=200,
                           help_text=_("As buyers should see it, e.g. “Kopi Argopuro Bu Sari”."))
    village = forms.ModelChoiceField(label=_("Village (desa/kelurahan)"), queryset=None,
                                     empty_label=_("Choose your village"),
                                     help_text=_("Villages are grouped by district (kecamatan)."))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    whatsapp = forms.CharField(label=_("WhatsApp"), max_length=20, required=False,
                               widget=forms.TextInput(attrs={"type": "tel"}))
    capacity_per_month = _whole_number(_("Production capacity per month"), initial=0, help_text=_(
        "How much you can make in a month. Retailers ask for it; 0 if you do not know yet."))
    capacity_unit = forms.ChoiceField(label=_("Capacity unit"), choices=Unit.choices, initial=Unit.KG)

    def __init__(self, *args, organisations, villages, **kwargs):
        """``organisations``: the user's producer organisations without details yet (a choice appears if
        there are several); ``villages``: a queryset of the villages a business may be in."""
        super().__init__(*args, **kwargs)
        if organisations.count() > 1:
            self.fields["organisation"].queryset = organisations
            self.fields["organisation"].required = True
        else:
            del self.fields["organisation"]
        self.fields["village"].queryset = villages
        groups: dict[str, list] = {}
        for village in sorted(villages, key=lambda v: (v.district.name, v.name)):
            groups.setdefault(village.district.name, []).append((village.pk, village.name))
        self.fields["village"].choices = [("", _("Choose your village")), *groups.items()]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("village", "name", "phone", "whatsapp", "capacity_per_month",
                                           "capacity_unit")}


class ProducerContactForm(ServiceErrorsMixin, forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    whatsapp = forms.CharField(label=_("WhatsApp"), max_length=20, required=False,
                               widget=forms.TextInput(attrs={"type": "tel"}))
    capacity_per_month = _whole_number(_("Production capacity per month"))
    capacity_unit = forms.ChoiceField(label=_("Capacity unit"), choices=Unit.choices)

    def __init__(self, *args, producer, **kwargs):
        kwargs.setdefault("initial", {"phone": producer.phone, "whatsapp": producer.whatsapp,
                                      "capacity_per_month": producer.capacity_per_month,
                                      "capacity_unit": producer.capacity_unit})
        super().__init__(*args, **kwargs)


class PermitForm(ServiceErrorsMixin, forms.Form):
    """Add a permit, or renew one: a kind the business already has is replaced."""

    kind = forms.ChoiceField(label=_("Permit or certificate"), choices=PermitKind.choices)
    number = forms.CharField(label=_("Number"), max_length=64)
    expires_on = forms.DateField(label=_("Expires on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 help_text=_("Required for every permit except the NIB."))

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != PermitKind.NIB and not data.get("expires_on") \
                and "expires_on" not in self.errors:
            self.add_error("expires_on", _("Enter the expiry date."))
        return data


# --- products --------------------------------------------------------------------------------


def category_choices() -> list[tuple[int, str]]:
    """Return the category tree as select options, children indented under their parent."""
    choices: list[tuple[int, str]] = []

    def walk(nodes, depth):
        for node in nodes:
            indent = "\u00a0\u00a0\u00a0" * depth + ("\u2514\u00a0" if depth else "")
            choices.append((node["id"], indent + _localised(node["name"], node["name_en"])))
            walk(node["children"], depth + 1)

    walk(category_tree(), 0)
    return choices


class ProductForm(ServiceErrorsMixin, forms.Form):
    """A product's working copy: every field ``product_create``/``product_update`` take."""

    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(),
                                      empty_label=_("Choose a category"))
    commodity = forms.ModelChoiceField(label=_("Commodity"), queryset=Commodity.objects.all(), required=False,
                                       empty_label=_("(none)"),
                                       help_text=_("The village commodity the product is made from."))
    name = forms.CharField(label=_("Name (Indonesian)"), max_length=200)
    description = forms.CharField(label=_("Description (Indonesian)"), widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("What it is, how it is made, how it tastes or is used."))
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    description_en = forms.CharField(label=_("Description (English)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    unit = forms.ChoiceField(label=_("Sold per"), choices=Unit.choices, initial=Unit.PCS)
    pack_size = forms.DecimalField(label=_("Pack size"), max_digits=10, decimal_places=3, initial=1,
                                   min_value=Decimal("0.001"),
                                   help_text=_("How many units of measure one unit sold holds, e.g. 1."),
                                   widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.001"}))
    weight_grams = _whole_number(_("Weight (grams)"), required=False, min_value=1,
                                 help_text=_("Weight of one unit sold, with its packaging."))
    shelf_life_days = _whole_number(_("Shelf life (days)"), required=False, min_value=1,
                                    help_text=_("Food and drink need it; retailers ask for at least 180 days."))
    packaging_status = forms.ChoiceField(label=_("Packaging"), choices=Product.Packaging.choices,
                                         initial=Product.Packaging.NONE)
    certifications = forms.MultipleChoiceField(
        label=_("Certifications shown on the product"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("You can only claim a permit your business holds: record it under “My business” first."))
    sku = forms.CharField(label=_("SKU (your product code)"), max_length=64,
                          help_text=_("Your own code for this product; each of your products has a different one."))
    barcode = forms.CharField(label=_("Barcode (EAN-13)"), max_length=20, required=False,
                              widget=forms.TextInput(attrs={**_NUMERIC, "autocomplete": "off"}),
                              help_text=_("The 13 digits under the barcode on the pack, if it has one."))
    retail_price = RupiahField(label=_("Retail price (rupiah)"), help_text=_("Price of one unit for shoppers."))
    min_order_qty = _whole_number(_("Minimum order quantity"), min_value=1, help_text=_("For wholesale buyers."))
    order_multiple = _whole_number(_("Order multiple"), min_value=1,
                                   help_text=_("Buyers order in multiples of this, e.g. 12 for a carton of 12."))

    english_fields = ("name_en", "description_en")

    def __init__(self, *args, held_kinds=(), product: Product | None = None, **kwargs):
        if product is not None:
            kwargs.setdefault("initial", {
                "category": product.category_id, "commodity": product.commodity_id, "name": product.name,
                "description": product.description, "name_en": product.name_en,
                "description_en": product.description_en, "unit": product.unit,
                "pack_size": _plain_decimal(product.pack_size),
                "weight_grams": product.weight_grams, "shelf_life_days": product.shelf_life_days,
                "packaging_status": product.packaging_status, "certifications": list(product.certifications),
                "sku": product.sku, "barcode": product.barcode, "retail_price": product.retail_price,
                "min_order_qty": product.min_order_qty, "order_multiple": product.order_multiple,
            })
        else:
            kwargs.setdefault("initial", {"min_order_qty": 1, "order_multiple": 1, "pack_size": 1})
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose a category")), *category_choices()]
        self.fields["commodity"].label_from_instance = lambda c: _localised(c.name, c.name_en)
        held = set(held_kinds)
        self.fields["certifications"].choices = [
            (kind, label if kind in held else _("%(permit)s — no permit recorded") % {"permit": label})
            for kind, label in PermitKind.choices]

    def clean_barcode(self):
        return re.sub(r"[\s-]", "", self.cleaned_data["barcode"])

    def english_has_errors(self) -> bool:
        return any(name in self.errors for name in self.english_fields)

    def changes(self) -> ProductChanges:
        return ProductChanges(**self.cleaned_data)


class PriceTierForm(forms.Form):
    min_quantity = _whole_number(_("From quantity"), required=False, min_value=1)
    unit_price = RupiahField(label=_("Unit price (Rp)"), required=False, min_value=1)

    def clean(self):
        data = super().clean()
        quantity, price = data.get("min_quantity"), data.get("unit_price")
        if (quantity is None) != (price is None) and not self.errors:
            raise forms.ValidationError(_("Enter both the quantity and the unit price, or leave both empty."))
        return data

    def tier(self) -> tuple[int, int] | None:
        """Return ``(quantity, price)``, or ``None`` for an empty row or one marked for removal."""
        data = getattr(self, "cleaned_data", {})
        if data.get("DELETE") or data.get("min_quantity") is None or data.get("unit_price") is None:
            return None
        return data["min_quantity"], data["unit_price"]


PriceTierFormSet = formset_factory(PriceTierForm, extra=2, can_delete=True, max_num=20, absolute_max=40)


class PhotoForm(ServiceErrorsMixin, forms.Form):
    image = forms.FileField(
        label=_("Photo"), help_text=_("JPEG, PNG or WebP, at most 8 MB. Take it in daylight, on a plain background."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp",
                                               "capture": "environment"}))
    alt_text = forms.CharField(label=_("What the photo shows"), max_length=200, required=False,
                               help_text=_("A short description for people who cannot see the photo."))


# --- stock -----------------------------------------------------------------------------------


class RestockForm(ServiceErrorsMixin, forms.Form):
    quantity = _whole_number(_("Units that came in"), min_value=1)
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False,
                           help_text=_("E.g. the production batch."))

    service_fields = {"reference": "note"}


class StockCorrectForm(ServiceErrorsMixin, forms.Form):
    on_hand = _whole_number(_("Units you counted"), min_value=0)
    reason = forms.CharField(label=_("Why the count is different"), max_length=200,
                             help_text=_("E.g. “3 packs damaged” or “stock count on Monday”."))

    service_fields = {"reference": "reason"}


class ThresholdForm(ServiceErrorsMixin, forms.Form):
    low_stock_threshold = _whole_number(_("Warn me when available stock is at or below"), min_value=0)
