"""Forms of the investors' pages: the investor profile, expressions of interest, and the officers'
opportunities, documents and triage. ``investors.services`` checks everything again."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Stage
from frontend.forms.buyer import PHONE_WIDGET
from frontend.forms.errors import ServiceErrorsMixin
from frontend.forms.producer import RupiahField
from frontend.forms.widgets import LongSelect
from investors.models import Interest, InvestorKind, Involvement, Opportunity, OpportunityDocument, Purpose


class InvestorProfileForm(ServiceErrorsMixin, forms.Form):
    service_fields = {"commodity_ids": "commodities", "district_codes": "districts"}

    display_name = forms.CharField(label=_("Name (person, company, cooperative or programme)"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of investor"), choices=[("", "—"), *InvestorKind.choices])
    phone = forms.CharField(label=_("Phone / WhatsApp"), max_length=20, widget=PHONE_WIDGET)
    commodities = forms.MultipleChoiceField(label=_("Commodities of interest"), required=False,
                                            widget=forms.CheckboxSelectMultiple,
                                            help_text=_("None chosen: any commodity."))
    districts = forms.MultipleChoiceField(label=_("Districts of interest"), required=False,
                                          widget=forms.CheckboxSelectMultiple,
                                          help_text=_("None chosen: any district."))
    ticket_min = RupiahField(label=_("Smallest ticket (rupiah)"), required=False, min_value=1)
    ticket_max = RupiahField(label=_("Largest ticket (rupiah)"), required=False, min_value=1)
    involvements = forms.MultipleChoiceField(label=_("Kinds of involvement"), required=False,
                                             choices=Involvement.choices, widget=forms.CheckboxSelectMultiple,
                                             help_text=_("None chosen: any kind."))
    about = forms.CharField(label=_("About you (optional)"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    alerts_enabled = forms.BooleanField(label=_("Email me a daily alert of new matching opportunities and "
                                                "stage changes"), required=False)

    def __init__(self, *args, commodities, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commodities"].choices = [(str(c.pk), c.name) for c in commodities]
        self.fields["districts"].choices = [(d.code, d.name) for d in districts]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {"display_name": data["display_name"], "kind": data["kind"], "phone": data["phone"],
                "commodity_ids": [int(pk) for pk in data["commodities"]], "district_codes": list(data["districts"]),
                "ticket_min": data["ticket_min"], "ticket_max": data["ticket_max"],
                "involvements": list(data["involvements"]), "about": data["about"],
                "alerts_enabled": data["alerts_enabled"]}


class InterestForm(ServiceErrorsMixin, forms.Form):
    amount = RupiahField(label=_("Amount you consider (rupiah, optional)"), required=False, min_value=1)
    involvement = forms.ChoiceField(label=_("Kind of involvement"), choices=Involvement.choices)
    message = forms.CharField(label=_("Message to the programme officers"), max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Who you are, what you have in mind, what you would like to know."))


class DirectoryFilterForm(forms.Form):
    district = forms.ChoiceField(label=_("District"), required=False, widget=LongSelect)
    commodity = forms.ChoiceField(label=_("Commodity"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("Any stage")), *Stage.choices])
    min_workforce = forms.IntegerField(label=_("Workforce at least"), required=False, min_value=0,
                                       widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    traction = forms.ChoiceField(label=_("Traction (12 months)"), required=False, choices=[
        ("", _("Any")), ("selling", _("Has orders")), ("repeat", _("Has repeat buyers")), ("none", _("No orders yet"))])

    def __init__(self, *args, districts, commodities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("Any district")), *[(d.code, d.name) for d in districts]]
        self.fields["commodity"].choices = [("", _("Any commodity")), *[(c.slug, c.name) for c in commodities]]


class OpportunityForm(ServiceErrorsMixin, forms.Form):
    village_code = forms.ChoiceField(label=_("Village"), widget=LongSelect)
    producer_id = forms.ChoiceField(label=_("Producer (optional)"), required=False, widget=LongSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    description = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    amount_sought = RupiahField(label=_("Amount sought (rupiah)"), min_value=1)
    involvement = forms.ChoiceField(label=_("Kind of involvement"), choices=Involvement.choices)
    expected_jobs = forms.IntegerField(label=_("Expected jobs"), min_value=0, initial=0,
                                       widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    expected_output = forms.CharField(label=_("Expected output"), max_length=300, required=False,
                                      help_text=_("e.g. 2 tonnes of dried coffee a month"))

    def __init__(self, *args, villages, producers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village_code"].choices = [("", _("Choose the village")),
                                               *[(p.village_id, f"{p.village.name} ({p.village.district.name})")
                                                 for p in villages]]
        self.fields["producer_id"].choices = [("", _("None: the whole village")),
                                              *[(str(p.pk), f"{p.name} ({p.village.name})") for p in producers]]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {**{key: data[key] for key in ("village_code", "title", "purpose", "description", "amount_sought",
                                              "involvement", "expected_jobs", "expected_output")},
                "producer_id": int(data["producer_id"]) if data["producer_id"] else None}


class OpportunityStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Opportunity.Status.choices)
    note = forms.CharField(label=_("Note"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OpportunityDocument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), help_text=_("A business plan as PDF (at most 10 MB), or a photo "
                                                          "(JPEG, PNG or WebP)."))


class InterestMoveForm(ServiceErrorsMixin, forms.Form):
    to = forms.ChoiceField(label=_("Move to"), choices=Interest.Status.choices)
    happened_on = forms.DateField(label=_("On"), widget=forms.DateInput(attrs={"type": "date"}),
                                  initial=timezone.localdate)
    note = forms.CharField(label=_("Note (officers only)"), max_length=3000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class InterestNoteForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("Note (officers only)"), max_length=3000, widget=forms.Textarea(attrs={"rows": 2}))


class InterestShareForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("What the village side reads"), max_length=3000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Shown to the producer (or the village's producers) on their dashboard."))


class ProfileRefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for refusal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The investor reads this: say what to correct."))
