"""Product showcases ("gelar produk"): the event, its line-up of producers and products, the buyer
organisations registered with their attendees, availability, meetings requested between buyers and
producers with their time slots and outcomes, and the history of every change (``ShowcaseEvent``).

Orders point at the meeting they came from (``orders.Order.showcase_meeting``); this app never
imports ``orders``: the report reads those orders through the reverse relation ``Meeting.orders``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from market.core.models import TimeStampedModel


class Showcase(TimeStampedModel):
    """A product showcase. Statuses move only through ``showcases.services.showcase_transition``:
    draft → published → closed, and draft or published → cancelled."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, editable=False)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity (attendees)"))
    registration_deadline = models.DateTimeField(_("registration deadline"))
    slot_minutes = models.PositiveSmallIntegerField(_("meeting slot (minutes)"), default=20)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False)
    schedule_published_at = models.DateTimeField(_("schedule published at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("showcase")
        verbose_name_plural = _("showcases")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="showcase_ends_after_start"),
            models.CheckConstraint(
                condition=Q(registration_deadline__lte=F("ends_at")), name="showcase_deadline_before_end"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=240), name="showcase_slot_minutes_range"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="showcase_capacity_positive"),
            models.CheckConstraint(condition=~Q(venue="") | ~Q(online_url=""), name="showcase_has_place"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "closed", "cancelled"]), name="showcase_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="showcase_status_starts")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.venue


class Participant(TimeStampedModel):
    """A producer invited to a showcase's line-up, with the products it shows and its table.

    invited → confirmed or withdrawn; confirmed → withdrawn; withdrawn → confirmed (changed their mind).
    """

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    showcase = models.ForeignKey(
        Showcase, on_delete=models.CASCADE, related_name="participants", verbose_name=_("showcase")
    )
    producer = models.ForeignKey(
        "catalog.Producer", on_delete=models.PROTECT, related_name="showcase_participations", verbose_name=_("producer")
    )
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="+", verbose_name=_("products"))
    table_number = models.PositiveSmallIntegerField(_("table number"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.INVITED, editable=False
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["showcase_id", "table_number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["showcase", "producer"], name="participant_once_per_showcase"),
            models.UniqueConstraint(
                fields=["showcase", "table_number"],
                condition=Q(table_number__isnull=False),
                name="participant_table_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["invited", "confirmed", "withdrawn"]), name="participant_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.showcase_id}: {self.producer_id}"


class Registration(TimeStampedModel):
    """A verified buyer organisation registered for a showcase; its people are ``Attendee`` rows."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        CANCELLED = "cancelled", _("Cancelled")

    showcase = models.ForeignKey(
        Showcase, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("showcase")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="showcase_registrations",
        limit_choices_to={"kind": "buyer"},
        verbose_name=_("buyer organisation"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED, editable=False
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )

    class Meta:
        verbose_name = _("showcase registration")
        verbose_name_plural = _("showcase registrations")
        ordering = ["showcase_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["showcase", "organisation"], name="registration_once_per_showcase"),
            models.CheckConstraint(
                condition=Q(status__in=["registered", "cancelled"]), name="registration_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.showcase_id}: {self.organisation_id}"


class Attendee(models.Model):
    """A person a buyer organisation sends to a showcase."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendees", verbose_name=_("registration")
    )
    name = models.CharField(_("name"), max_length=150)
    job_title = models.CharField(_("role"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["registration_id", "pk"]

    def __str__(self) -> str:
        return self.name


class Availability(models.Model):
    """A window in which a participant (producer) or a registration (buyer) can meet; a party without
    any window is available whenever the showcase runs."""

    showcase = models.ForeignKey(Showcase, on_delete=models.CASCADE, related_name="availabilities")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="availabilities"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, null=True, blank=True, related_name="availabilities"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="availability_ends_after_start"),
            models.CheckConstraint(
                condition=Q(participant__isnull=True) ^ Q(registration__isnull=True), name="availability_one_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class Outcome(models.TextChoices):
    NO_INTEREST = "no_interest", _("No interest")
    SAMPLES_REQUESTED = "samples_requested", _("Samples requested")
    QUOTE_REQUESTED = "quote_requested", _("Quote requested")
    ORDER_PLACED = "order_placed", _("Order placed")
    PLACEMENT_AGREED = "placement_agreed", _("Placement agreed")


# Outcomes that count as a lead in the report: the buyer wants to go on with the producer.
LEAD_OUTCOMES = (Outcome.SAMPLES_REQUESTED, Outcome.QUOTE_REQUESTED, Outcome.ORDER_PLACED, Outcome.PLACEMENT_AGREED)


class Meeting(TimeStampedModel):
    """A meeting a registered buyer organisation requested with a participating producer.

    requested → accepted or declined (by the producer) or cancelled (by the buyer); accepted → cancelled.
    An accepted meeting gets a slot (``starts_at``/``ends_at``) from the scheduler or an officer, at the
    producer's table; ``unscheduled_reason`` says why the last schedule run could not place it.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    showcase = models.ForeignKey(
        Showcase, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("showcase")
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("buyer")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("producer")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED, editable=False
    )
    note = models.TextField(_("note from the buyer"), blank=True, max_length=1000)
    response_note = models.TextField(_("note from the producer"), blank=True, max_length=1000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True, editable=False)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True, editable=False)
    unscheduled_reason = models.CharField(_("why not scheduled"), max_length=300, blank=True, editable=False)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True, editable=False)
    outcome_note = models.TextField(_("outcome note"), blank=True, max_length=2000, editable=False)
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "pk"]
        constraints = [
            # One open request per buyer and producer: a declined or cancelled one may be asked again.
            models.UniqueConstraint(
                fields=["registration", "participant"],
                condition=Q(status__in=["requested", "accepted"]),
                name="meeting_open_once",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "accepted", "declined", "cancelled"]), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(starts_at__isnull=True) & Q(ends_at__isnull=True)) | Q(ends_at__gt=F("starts_at")),
                name="meeting_slot_valid",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(status="accepted"), name="meeting_slot_only_accepted"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=[c.value for c in Outcome]), name="meeting_outcome_valid"
            ),
        ]
        indexes = [models.Index(fields=["showcase", "status"], name="meeting_showcase_status")]

    def __str__(self) -> str:
        return f"{self.showcase_id}: {self.registration_id} ↔ {self.participant_id}"


class ShowcaseEvent(models.Model):
    """A change in a showcase's story: a status of the showcase, a participant, a registration or a
    meeting, a meeting's slot or outcome, a schedule made or published. Who, when, from what to what."""

    class Kind(models.TextChoices):
        SHOWCASE = "showcase", _("Showcase status")
        PARTICIPANT = "participant", _("Participation")
        REGISTRATION = "registration", _("Registration")
        MEETING = "meeting", _("Meeting status")
        SLOT = "slot", _("Meeting time")
        OUTCOME = "outcome", _("Meeting outcome")
        SCHEDULE = "schedule", _("Schedule")

    showcase = models.ForeignKey(Showcase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    from_value = models.CharField(_("from"), max_length=64, blank=True)
    to_value = models.CharField(_("to"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("showcase event")
        verbose_name_plural = _("showcase events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.from_value or '-'} → {self.to_value}"
