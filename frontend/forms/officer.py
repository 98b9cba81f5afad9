"""Forms of the programme officers' pages: input checks at the edge, the services decide the rest.

Each form that feeds a service can take the service's ``ApplicationError`` back
(``add_application_error``) so that its ``fields`` appear next to the inputs they concern.
"""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Commodity, Infrastructure, Producer, RejectionReason, Stage, VillageProfile
from catalog.selectors import NOT_IN_PROGRAMME, PRODUCER_STATES
from frontend.forms.errors import ServiceErrorsMixin
from market.accounts.models import Role, User


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _today_max(widget: forms.DateInput) -> forms.DateInput:
    widget.attrs["max"] = timezone.localdate().isoformat()
    return widget


def _text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- villages -------------------------------------------------------------------------------


class VillageFilterForm(forms.Form):
    """The village list's filters (a GET form; bad values are ignored, not reported)."""

    q = forms.CharField(label=_("Village name"), required=False, max_length=100)
    district = forms.ChoiceField(label=_("District (kecamatan)"), required=False)
    stage = forms.ChoiceField(label=_("Programme stage"), required=False)

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("All districts"))] + [(d.code, d.name) for d in districts]
        self.fields["stage"].choices = [("", _("All villages")), (NOT_IN_PROGRAMME, _("Not yet in the programme")),
                                        *Stage.choices]
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})

    def filters(self) -> dict:
        if not self.is_valid():
            return {"q": "", "district": None, "stage": None}
        data = self.cleaned_data
        return {"q": data["q"].strip(), "district": data["district"] or None, "stage": data["stage"] or None}


def officer_queryset():
    return User.objects.filter(role=Role.OFFICER, is_staff=True, is_active=True).order_by("full_name", "email")


class VillageProfileForm(ServiceErrorsMixin, forms.Form):
    story = forms.CharField(label=_("Story of the village"), required=False, widget=_text_area(6),
                            help_text=_("Shown on the public village page: history, people, what makes it special."))
    flagship_commodity = forms.ModelChoiceField(label=_("Flagship commodity"), queryset=Commodity.objects.all(),
                                                required=False, empty_label=_("(not chosen yet)"))
    other_commodities = forms.ModelMultipleChoiceField(label=_("Other commodities"), queryset=Commodity.objects.all(),
                                                       required=False, widget=forms.CheckboxSelectMultiple)
    contact_officer = forms.ModelChoiceField(label=_("Contact officer"), queryset=User.objects.none(), required=False,
                                             empty_label=_("(not chosen yet)"))

    def __init__(self, *args, profile: VillageProfile, **kwargs):
        kwargs.setdefault("initial", {
            "story": profile.story, "flagship_commodity": profile.flagship_commodity_id,
            "other_commodities": [c.pk for c in profile.other_commodities.all()],
            "contact_officer": profile.contact_officer_id,
        })
        super().__init__(*args, **kwargs)
        self.fields["contact_officer"].queryset = officer_queryset()
        # The service keeps a value it is not given: once chosen, these can be changed but not emptied.
        for name, current in (("flagship_commodity", profile.flagship_commodity_id),
                              ("contact_officer", profile.contact_officer_id)):
            if current is not None:
                self.fields[name].required = True
                self.fields[name].empty_label = None

    def clean(self):
        data = super().clean()
        flagship, others = data.get("flagship_commodity"), data.get("other_commodities")
        if flagship is not None and others is not None and flagship in others:
            self.add_error("other_commodities", _("The flagship commodity is not one of the other commodities."))
        return data


class VillagePhotoForm(ServiceErrorsMixin, forms.Form):
    image = forms.FileField(label=_("Photo"), help_text=_("JPEG, PNG or WebP, at most 8 MB."),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    alt_text = forms.CharField(label=_("What the photo shows"), max_length=200, required=False,
                               help_text=_("A short description for people who cannot see the photo."))


class StageChangeForm(ServiceErrorsMixin, forms.Form):
    """The next stage, or back to an earlier one (which needs a reason)."""

    service_fields = {"on": "happened_on"}

    to_stage = forms.ChoiceField(label=_("Move the village to"), widget=forms.RadioSelect)
    happened_on = forms.DateField(label=_("Date"), widget=_date_widget())
    note = forms.CharField(label=_("Note"), required=False, widget=_text_area(2))
    reason = forms.CharField(label=_("Reason for moving back"), required=False, widget=_text_area(2),
                             help_text=_("Required when the village goes back to an earlier stage."))

    def __init__(self, *args, profile: VillageProfile, **kwargs):
        kwargs.setdefault("initial", {"happened_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.current = Stage.index(profile.stage)
        labels = dict(Stage.choices)
        choices = []
        if self.current + 1 < len(Stage.values):
            following = Stage.values[self.current + 1]
            choices.append((following, _("Next: %(stage)s") % {"stage": labels[following]}))
        for stage in reversed(Stage.values[:self.current]):
            choices.append((stage, _("Back to: %(stage)s") % {"stage": labels[stage]}))
        self.fields["to_stage"].choices = choices
        if self.current + 1 < len(Stage.values):
            self.fields["to_stage"].initial = Stage.values[self.current + 1]
        _today_max(self.fields["happened_on"].widget)

    def clean_happened_on(self):
        value = self.cleaned_data["happened_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        stage = data.get("to_stage")
        if stage and Stage.index(stage) < self.current and not data.get("reason", "").strip():
            self.add_error("reason", _("Give a reason for moving the village back to an earlier stage."))
        return data


# --- surveys --------------------------------------------------------------------------------


class SurveyForm(ServiceErrorsMixin, forms.Form):
    surveyed_on = forms.DateField(label=_("Survey date"), widget=_date_widget())
    workforce_total = forms.IntegerField(label=_("Workforce (total)"), min_value=0)
    workforce_women = forms.IntegerField(label=_("of whom women"), min_value=0)
    workforce_youth = forms.IntegerField(label=_("of whom youth (16–30)"), min_value=0)
    existing_businesses = forms.IntegerField(label=_("Existing businesses"), min_value=0)
    road = forms.ChoiceField(label=_("Road"), choices=Infrastructure.choices, widget=forms.RadioSelect)
    electricity = forms.ChoiceField(label=_("Electricity"), choices=Infrastructure.choices, widget=forms.RadioSelect)
    internet = forms.ChoiceField(label=_("Internet"), choices=Infrastructure.choices, widget=forms.RadioSelect)
    water = forms.ChoiceField(label=_("Water"), choices=Infrastructure.choices, widget=forms.RadioSelect)
    raw_materials = forms.CharField(label=_("Raw materials"), required=False, widget=_text_area(2))
    problems = forms.CharField(label=_("Problems"), required=False, widget=_text_area(3))
    needs = forms.CharField(label=_("Needs"), required=False, widget=_text_area(3))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"surveyed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        _today_max(self.fields["surveyed_on"].widget)
        for name in ("workforce_total", "workforce_women", "workforce_youth", "existing_businesses"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def clean(self):
        # Also checked by the service; here too, so that these show together with errors in the lines.
        data = super().clean()
        total = data.get("workforce_total")
        for name, group in (("workforce_women", _("women")), ("workforce_youth", _("youth"))):
            if total is not None and data.get(name) is not None and data[name] > total:
                self.add_error(name, _("More %(group)s than the whole workforce.") % {"group": group})
        if data.get("surveyed_on") and data["surveyed_on"] > timezone.localdate():
            self.add_error("surveyed_on", _("The date cannot be in the future."))
        return data


class SurveyCommodityForm(forms.Form):
    """One surveyed commodity; a row left empty is ignored."""

    commodity = forms.ModelChoiceField(label=_("Commodity"), queryset=Commodity.objects.all(), required=False,
                                       empty_label=_("(choose)"))
    estimated_production_per_month = forms.DecimalField(label=_("Production per month"), min_value=0,
                                                        max_digits=12, decimal_places=2, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "kg", "list": "survey-units"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estimated_production_per_month"].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})

    def clean(self):
        data = super().clean()
        filled = [data.get("commodity"), data.get("estimated_production_per_month"), (data.get("unit") or "").strip()]
        if any(value not in (None, "") for value in filled) and not self.errors:
            for name, value in zip(("commodity", "estimated_production_per_month", "unit"), filled, strict=True):
                if value in (None, ""):
                    self.add_error(name, _("Fill in this column too, or empty the row."))
        return data

    def line(self) -> dict | None:
        """Return the service's commodity line, or ``None`` for an empty row."""
        data = self.cleaned_data
        if not data or data.get("commodity") is None:
            return None
        return {"commodity": data["commodity"], "unit": data["unit"].strip(),
                "estimated_production_per_month": data["estimated_production_per_month"]}


class BaseSurveyCommodityFormSet(forms.BaseFormSet):
    """Commodity lines (checked again by the service, with the survey)."""

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            line = form.line()
            if line is None:
                continue
            if line["commodity"].pk in seen:
                form.add_error("commodity", _("%(commodity)s is listed twice.") % {"commodity": line["commodity"]})
            seen.add(line["commodity"].pk)

    def lines(self) -> tuple[list[dict], list[forms.Form]]:
        """Return the filled lines and, in the same order, the forms they came from."""
        pairs = [(form.line(), form) for form in self.forms]
        pairs = [(line, form) for line, form in pairs if line is not None]
        return [line for line, _form in pairs], [form for _line, form in pairs]


SurveyCommodityFormSet = forms.formset_factory(SurveyCommodityForm, formset=BaseSurveyCommodityFormSet, extra=3,
                                               max_num=30, validate_max=True)


class SurveyImportForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(
        label=_("Survey file"),
        help_text=_("CSV (UTF-8, comma-separated) or Excel workbook (.xlsx), at most 5 MB and 10,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}))


# --- coaching -------------------------------------------------------------------------------


class CoachingSessionForm(ServiceErrorsMixin, forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=_date_widget())
    stage = forms.ChoiceField(label=_("Programme stage"), choices=Stage.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    trainer = forms.CharField(label=_("Trainer"), max_length=200)
    attendees = forms.ModelMultipleChoiceField(label=_("Producers who attended"), queryset=Producer.objects.none(),
                                               required=False, widget=forms.CheckboxSelectMultiple)
    people_attending = forms.IntegerField(label=_("People attending (everyone, not only registered businesses)"),
                                          min_value=0, required=False, initial=0)
    women_attending = forms.IntegerField(label=_("Of whom women"), min_value=0, required=False, initial=0)
    youth_attending = forms.IntegerField(label=_("Of whom youth (under 30)"), min_value=0, required=False, initial=0)
    materials = forms.CharField(label=_("Materials"), required=False, widget=_text_area(3))
    outcomes = forms.CharField(label=_("Outcomes"), required=False, widget=_text_area(3))

    def __init__(self, *args, profile: VillageProfile, **kwargs):
        kwargs.setdefault("initial", {"held_on": timezone.localdate(), "stage": profile.stage})
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = Producer.objects.filter(village_id=profile.village_id).order_by("name")
        _today_max(self.fields["held_on"].widget)


# --- curation -------------------------------------------------------------------------------


class ApproveForm(ServiceErrorsMixin, forms.Form):
    prefix = "approve"

    note = forms.CharField(label=_("Note to the producer (optional)"), required=False, widget=_text_area(2))


class ReasonsForm(ServiceErrorsMixin, forms.Form):
    """Reasons and a note; the service requires a reason, and a note with "other"."""

    reasons = forms.MultipleChoiceField(label=_("Reasons"), choices=RejectionReason.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note to the producer"), required=False, widget=_text_area(3),
                           help_text=_("Say what to change. Required with “Other”."))


class RejectForm(ReasonsForm):
    prefix = "reject"


class DelistForm(ReasonsForm):
    prefix = "delist"


# --- producers ------------------------------------------------------------------------------


class ProducerFilterForm(forms.Form):
    state = forms.ChoiceField(required=False, choices=[(state, state) for state in (*PRODUCER_STATES, "all")])

    def state_value(self) -> str:
        """Return the chosen state; the work list (``waiting``) unless one is asked for."""
        return self.cleaned_data["state"] if self.is_valid() and self.cleaned_data["state"] else "waiting"


class UnverifyForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing the verification"), widget=_text_area(2),
                             help_text=_("The producer's products leave the public catalogue until verified again."))
