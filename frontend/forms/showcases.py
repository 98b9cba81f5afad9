"""Forms of the showcase pages: officers' showcase and line-up, buyers' registration, availability, meeting
requests, responses, outcomes, moves. Times are typed in Asia/Jakarta (the site's time zone)."""

from __future__ import annotations

from datetime import UTC

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontend.forms.errors import ServiceErrorsMixin
from showcases.models import Outcome

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the site's time zone (``datetime-local`` on phones)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_FORMAT, "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)


class ShowcaseForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    theme = forms.CharField(label=_("Theme"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_at = LocalDateTimeField(label=_("Starts (WIB)"))
    ends_at = LocalDateTimeField(
        label=_("Ends (WIB)"),
        help_text=_("Over several days, meetings are held every day between the start's and the end's time."),
    )
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("For an online showcase, instead of or besides a venue."),
    )
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=1, max_value=10_000)
    registration_deadline = LocalDateTimeField(label=_("Registration deadline (WIB)"))
    slot_minutes = forms.IntegerField(label=_("Meeting slot (minutes)"), min_value=5, max_value=240, initial=20)


class StatusForm(forms.Form):
    to = forms.ChoiceField(choices=[("published", "published"), ("closed", "closed"), ("cancelled", "cancelled")])
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ParticipantForm(ServiceErrorsMixin, forms.Form):
    producer = forms.TypedChoiceField(label=_("Producer"), coerce=int)
    products = forms.TypedMultipleChoiceField(
        label=_("Products shown"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    table_number = forms.IntegerField(label=_("Table number"), min_value=1, max_value=999, required=False)
    service_fields = {"product_ids": "products"}

    def __init__(self, *args, producers=(), products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].choices = [("", "—")] + list(producers)
        self.fields["products"].choices = list(products)


class LineupEditForm(ServiceErrorsMixin, forms.Form):
    products = forms.TypedMultipleChoiceField(
        label=_("Products shown"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    table_number = forms.IntegerField(label=_("Table number"), min_value=1, max_value=999, required=False)

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].choices = list(products)


class RegistrationForm(ServiceErrorsMixin, forms.Form):
    attendees = forms.CharField(
        label=_("Who will attend"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One person per line: name, then a comma and their role, e.g. “Sari Dewi, purchasing manager”."),
    )

    def attendee_rows(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["attendees"].splitlines():
            if line.strip():
                name, _sep, role = line.partition(",")
                rows.append((name.strip(), role.strip()))
        return rows

    def add_application_error(self, exc, *, labels=None) -> bool:
        fields = {
            ("attendees" if key.startswith("attendees") else key): value for key, value in (exc.fields or {}).items()
        }
        exc.fields = fields
        return super().add_application_error(exc, labels=labels)


class AvailabilityForm(forms.Form):
    """Up to three windows; empty rows are ignored, none at all means "available all the time"."""

    ROWS = 3

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(self.ROWS):
            self.fields[f"from_{row}"] = LocalDateTimeField(label=_("From (WIB)"), required=False)
            self.fields[f"until_{row}"] = LocalDateTimeField(label=_("Until (WIB)"), required=False)

    def clean(self):
        data = super().clean()
        for row in range(self.ROWS):
            start, end = data.get(f"from_{row}"), data.get(f"until_{row}")
            if bool(start) != bool(end):
                self.add_error(f"until_{row}" if start else f"from_{row}", _("Give both times of the window."))
        return data

    def windows(self) -> list:
        data = self.cleaned_data
        return [
            (data[f"from_{row}"], data[f"until_{row}"])
            for row in range(self.ROWS)
            if data.get(f"from_{row}") and data.get(f"until_{row}")
        ]

    @classmethod
    def initial_for(cls, windows) -> dict:
        initial = {}
        for row, window in enumerate(list(windows)[: cls.ROWS]):
            initial[f"from_{row}"] = timezone.localtime(window.starts_at)
            initial[f"until_{row}"] = timezone.localtime(window.ends_at)
        return initial


class MeetingRequestForm(forms.Form):
    participant = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note for the producer"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MeetingResponseForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    note = forms.CharField(
        label=_("Note for the buyer"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OutcomeForm(ServiceErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[(value, label) for value, label in Outcome.choices if value != Outcome.ORDER_PLACED],
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OrderLinkForm(ServiceErrorsMixin, forms.Form):
    order = forms.TypedChoiceField(label=_("Order"), coerce=int)

    def __init__(self, *args, orders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].choices = list(orders)


class MoveForm(ServiceErrorsMixin, forms.Form):
    starts_at = forms.ChoiceField(label=_("New time"))

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].choices = [
            (slot.start.astimezone(UTC).isoformat(), timezone.localtime(slot.start).strftime("%d-%m %H:%M"))
            for slot in slots
        ]
