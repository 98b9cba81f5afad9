"""Forms of the programme cockpit and the audit trail: GET filters whose bad values are reported
next to the field, and the page then shows the default period."""
from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from programme.selectors import AUDIT_KINDS, Period

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (``<input type="month">``; browsers without one accept the text)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-01", "inputmode": "numeric"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = _MONTH.match(value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
            raise forms.ValidationError(_("Write the month as year-month, e.g. 2026-01."), code="month")
        return date(int(match.group(1)), int(match.group(2)), 1)


class CockpitFilterForm(forms.Form):
    """The cockpit's period (from and to month) and district: every figure on the page follows them."""

    start = MonthField(label=_("From month"), required=False)
    end = MonthField(label=_("To month"), required=False)
    district = forms.ChoiceField(label=_("District (kecamatan)"), required=False)

    def __init__(self, *args, districts=(), today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["district"].choices = [("", _("All districts"))] + [(d.code, d.name) for d in districts]

    def clean(self):
        data = super().clean()
        default = Period.default(today=self.today)
        start, end = data.get("start") or default.start, data.get("end") or default.end
        if start > end:
            self.add_error("end", _("The period must start before it ends."))
        else:
            data["period"] = Period.months(first=start, last=end)
        return data

    def period_and_district(self) -> tuple[Period, str | None]:
        """Return the chosen period and district, or the default period for the whole area."""
        if self.is_valid():
            return self.cleaned_data["period"], self.cleaned_data.get("district") or None
        return Period.default(today=self.today), None


class AuditFilterForm(forms.Form):
    """The audit trail's filters: officer, kind of decision, period (days)."""

    officer = forms.TypedChoiceField(label=_("Officer"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind of decision"), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", _("All officers")), *officers]
        self.fields["kind"].choices = [("", _("Every kind")), *AUDIT_KINDS.items()]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The period must start before it ends."))
        return data
