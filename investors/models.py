"""Investors: their profiles and verification, opportunities posted by officers for a village or a
producer, private documents and who opened them, watchlists, alerts and expressions of interest.

The platform facilitates introductions between investors and the villages' producers; it does not
sell securities, take money or offer shares to anyone. Writes go through ``investors.services``,
reads through ``investors.selectors``.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from investors.storage import private_storage
from market.core.models import TimeStampedModel


class InvestorKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COMPANY = "company", _("Company")
    COOPERATIVE = "cooperative", _("Cooperative")
    BANK_CSR = "bank_csr", _("Bank or CSR programme")
    FUND = "fund", _("Fund")


class Involvement(models.TextChoices):
    """Ways an investor takes part; none of them is a public offer of shares."""

    EQUITY = "equity", _("Equity in a village business")
    LOAN = "loan", _("Loan")
    SUPPLY = "supply", _("Supply partnership")
    CSR_GRANT = "csr_grant", _("CSR grant")
    EQUIPMENT = "equipment", _("Equipment")


class InvestorProfile(TimeStampedModel):
    """An investor's profile (one per investor account), checked by a programme officer.

    Statuses (``investors.services.investor_profile_transition`` is the one place that moves them):
    draft → submitted → verified or refused (with a reason); a refused profile is corrected and
    submitted again; a verified one whose name or kind changes goes back to submitted. Only verified
    investors see contacts and (after accepting the confidentiality terms) documents.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        REFUSED = "refused", _("Refused")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="investor_profile",
                                limit_choices_to={"role": "investor"}, verbose_name=_("investor"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT,
                              editable=False)
    display_name = models.CharField(_("name shown to officers"), max_length=200)
    kind = models.CharField(_("kind of investor"), max_length=16, choices=InvestorKind.choices)
    commodities = models.ManyToManyField("catalog.Commodity", blank=True, related_name="+",
                                         verbose_name=_("commodities of interest"))
    districts = models.ManyToManyField("regions.District", blank=True, related_name="+",
                                       verbose_name=_("districts of interest"))
    ticket_min = models.PositiveBigIntegerField(_("smallest ticket (rupiah)"), null=True, blank=True)
    ticket_max = models.PositiveBigIntegerField(_("largest ticket (rupiah)"), null=True, blank=True)
    involvements = ArrayField(models.CharField(max_length=16, choices=Involvement.choices), default=list,
                              blank=True, verbose_name=_("kinds of involvement"))
    phone = models.CharField(_("phone / WhatsApp"), max_length=16)
    about = models.TextField(_("about the investor"), max_length=2000, blank=True)
    alerts_enabled = models.BooleanField(_("daily alerts"), default=True)
    alerts_checked_until = models.DateTimeField(_("alerts checked until"), null=True, blank=True, editable=False)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("investor profile")
        verbose_name_plural = _("investor profiles")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ticket_min__isnull=True) | Q(ticket_max__isnull=True)
                                   | Q(ticket_min__lte=models.F("ticket_max")), name="investorprofile_ticket_range"),
            models.CheckConstraint(condition=Q(involvements__contained_by=Involvement.values),
                                   name="investorprofile_involvements_valid"),
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(refusal_reason=""),
                                   name="investorprofile_refusal_has_reason"),
            models.CheckConstraint(condition=~Q(status="verified") | Q(verified_at__isnull=False),
                                   name="investorprofile_verified_has_time"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class InvestorProfileEvent(models.Model):
    """A change of an investor profile's status: who, when, from what to what and why."""

    profile = models.ForeignKey(InvestorProfile, on_delete=models.CASCADE, related_name="events",
                                verbose_name=_("investor profile"))
    from_status = models.CharField(_("from"), max_length=16, choices=InvestorProfile.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=InvestorProfile.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("investor profile event")
        verbose_name_plural = _("investor profile events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.profile}: {self.from_status or '-'} → {self.to_status}"


class ConfidentialityAcceptance(models.Model):
    """An investor accepted a version of the confidentiality terms (needed to open documents)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("investor"))
    terms_version = models.CharField(_("terms version"), max_length=20)
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("confidentiality acceptance")
        verbose_name_plural = _("confidentiality acceptances")
        constraints = [models.UniqueConstraint(fields=["user", "terms_version"], name="confidentiality_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.terms_version}"


# --- opportunities --------------------------------------------------------------------------------


class Purpose(models.TextChoices):
    EQUIPMENT = "equipment", _("Equipment")
    WORKING_CAPITAL = "working_capital", _("Working capital")
    PACKAGING_HOUSE = "packaging_house", _("Packaging house")
    DRYING_FACILITY = "drying_facility", _("Drying facility")
    STORAGE = "storage", _("Storage or cold chain")
    CERTIFICATION = "certification", _("Certification and permits")
    OTHER = "other", _("Other")


class Opportunity(TimeStampedModel):
    """Something a village or one of its producers needs, posted by a programme officer.

    Statuses (``investors.services.opportunity_transition``): open → in discussion → funded or
    closed; open may also close directly. A producer's opportunity is in the producer's village.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_DISCUSSION = "in_discussion", _("In discussion")
        FUNDED = "funded", _("Funded")
        CLOSED = "closed", _("Closed")

    village = models.ForeignKey("catalog.VillageProfile", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("village"))
    producer = models.ForeignKey("catalog.Producer", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("producer"))
    title = models.CharField(_("title"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    description = models.TextField(_("description"), max_length=5000)
    amount_sought = models.PositiveBigIntegerField(_("amount sought (rupiah)"))
    involvement = models.CharField(_("kind of involvement"), max_length=16, choices=Involvement.choices)
    expected_jobs = models.PositiveIntegerField(_("expected jobs"), default=0)
    expected_output = models.CharField(_("expected output"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN,
                              editable=False)
    status_changed_at = models.DateTimeField(_("status changed at"), editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("posted by"))

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_sought__gte=1), name="opportunity_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=["open", "in_discussion", "funded", "closed"]),
                                   name="opportunity_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="opportunity_status_created")]

    def __str__(self) -> str:
        return self.title


class OpportunityEvent(models.Model):
    """A change of an opportunity's status (or its posting)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=16, choices=Opportunity.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Opportunity.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opportunity event")
        verbose_name_plural = _("opportunity events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.from_status or '-'} → {self.to_status}"


def _document_path(instance: OpportunityDocument, filename: str) -> str:
    return f"opportunities/{instance.opportunity_id}/{filename}"


class OpportunityDocument(TimeStampedModel):
    """A business plan (PDF) or photo of an opportunity, kept in private storage.

    Never under ``MEDIA_URL``: served only by the permission-checked document view, which logs a
    ``DocumentAccess`` for every view and download.
    """

    class Kind(models.TextChoices):
        BUSINESS_PLAN = "business_plan", _("Business plan (PDF)")
        PHOTO = "photo", _("Photo")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), storage=private_storage, upload_to=_document_path, max_length=300)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("opportunity document")
        verbose_name_plural = _("opportunity documents")
        ordering = ["opportunity_id", "pk"]

    def __str__(self) -> str:
        return self.title


class DocumentAccess(models.Model):
    """Someone opened (view) or downloaded a document: the log the confidentiality terms promise."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        DOWNLOAD = "download", _("Downloaded")

    document = models.ForeignKey(OpportunityDocument, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    terms_version = models.CharField(_("terms version"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("document access")
        verbose_name_plural = _("document accesses")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.document_id}"


# --- watchlist and alerts ------------------------------------------------------------------------


class WatchItem(models.Model):
    """A village or an opportunity an investor follows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey("catalog.VillageProfile", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("watched item")
        verbose_name_plural = _("watchlist")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(village__isnull=True, opportunity__isnull=False)
                                   | Q(village__isnull=False, opportunity__isnull=True), name="watchitem_one_target"),
            models.UniqueConstraint(fields=["user", "village"], condition=Q(village__isnull=False),
                                    name="watchitem_village_once"),
            models.UniqueConstraint(fields=["user", "opportunity"], condition=Q(opportunity__isnull=False),
                                    name="watchitem_opportunity_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.village_id or self.opportunity_id}"


class InvestorAlertItem(models.Model):
    """An opportunity or a stage change announced to an investor: the natural key that keeps a
    retried or repeated daily digest from announcing it twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    stage_event = models.ForeignKey("catalog.VillageStageEvent", on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="+")
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("investor alert item")
        verbose_name_plural = _("investor alert items")
        constraints = [
            models.CheckConstraint(condition=Q(opportunity__isnull=True, stage_event__isnull=False)
                                   | Q(opportunity__isnull=False, stage_event__isnull=True),
                                   name="investoralertitem_one_subject"),
            models.UniqueConstraint(fields=["user", "opportunity"], condition=Q(opportunity__isnull=False),
                                    name="investoralertitem_opportunity_once"),
            models.UniqueConstraint(fields=["user", "stage_event"], condition=Q(stage_event__isnull=False),
                                    name="investoralertitem_stage_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ← {self.opportunity_id or self.stage_event_id}"


# --- expressions of interest ---------------------------------------------------------------------


class Interest(TimeStampedModel):
    """An investor's expression of interest in an opportunity or a village, triaged by officers.

    Statuses (``investors.services.interest_transition``): new → in review → introduced → in
    negotiation → committed; any open status → not pursued. ``shared_with_producer`` is what an
    officer chose to show the village's (or the opportunity's producer's) people, with ``shared_note``.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_REVIEW = "in_review", _("In review")
        INTRODUCED = "introduced", _("Introduced")
        IN_NEGOTIATION = "in_negotiation", _("In negotiation")
        COMMITTED = "committed", _("Committed")
        NOT_PURSUED = "not_pursued", _("Not pursued")

    investor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("investor"))
    village = models.ForeignKey("catalog.VillageProfile", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("village"))
    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="interests", verbose_name=_("opportunity"))
    amount = models.PositiveBigIntegerField(_("amount considered (rupiah)"), null=True, blank=True)
    involvement = models.CharField(_("kind of involvement"), max_length=16, choices=Involvement.choices)
    message = models.TextField(_("message"), max_length=3000)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW,
                              editable=False)
    status_changed_at = models.DateTimeField(_("status changed at"), editable=False)
    introduced_at = models.DateTimeField(_("introduced at"), null=True, blank=True, editable=False)
    shared_with_producer = models.BooleanField(_("shared with the village side"), default=False, editable=False)
    shared_note = models.TextField(_("what the village side reads"), blank=True, editable=False)

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=1), name="interest_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=["new", "in_review", "introduced", "in_negotiation",
                                                           "committed", "not_pursued"]),
                                   name="interest_status_valid"),
            # One open interest per investor and opportunity: a second click adds nothing.
            models.UniqueConstraint(fields=["investor", "opportunity"],
                                    condition=Q(opportunity__isnull=False) & ~Q(status__in=["committed",
                                                                                             "not_pursued"]),
                                    name="interest_open_once_per_opportunity"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="interest_status_created")]

    def __str__(self) -> str:
        return f"{self.investor_id} → {self.opportunity_id or self.village_id}"


class InterestEvent(models.Model):
    """What happened to an interest: a status change, an officer's note or sharing it with the village side."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status changed")
        NOTE = "note", _("Note")
        SHARED = "shared", _("Shared with the village side")

    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=Interest.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Interest.Status.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    happened_on = models.DateField(_("happened on"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("interest event")
        verbose_name_plural = _("interest events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.interest_id}: {self.kind} {self.to_status}"
