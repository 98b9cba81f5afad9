"""Writes of the investors app: profiles and their verification, confidentiality terms, opportunities and
their documents, document access, watchlists, expressions of interest and their triage, daily alerts.

Each status moves through one validating function with a table of allowed moves, and writes its event
row in the same transaction. Emails leave after commit.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import IO

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.exceptions import OfficerRequired
from catalog.models import Commodity, Producer, Stage, VillageProfile, VillageStageEvent
from investors.documents import pdf_check, photo_check
from investors.exceptions import (
    ConfidentialityTermsRequired,
    DocumentNotFound,
    InterestAlreadyOpen,
    InterestTransitionInvalid,
    InvestorInvalid,
    InvestorNotVerified,
    InvestorProfileNotFound,
    InvestorProfileTransitionInvalid,
    InvestorRequired,
    InvestorVillageNotFound,
    OpportunityNotFound,
    OpportunityNotOpen,
    OpportunityTransitionInvalid,
    WatchItemNotFound,
)
from investors.models import (
    ConfidentialityAcceptance,
    DocumentAccess,
    Interest,
    InterestEvent,
    InvestorAlertItem,
    InvestorKind,
    InvestorProfile,
    InvestorProfileEvent,
    Involvement,
    Opportunity,
    OpportunityDocument,
    OpportunityEvent,
    Purpose,
    WatchItem,
)
from investors.selectors import (
    CONFIDENTIALITY_TERMS_VERSION,
    opportunity_list_matching,
    stage_event_list_matching,
    terms_accepted,
)
from market.accounts.models import Role, User
from market.core.money import format_rupiah
from market.core.tasks import email_send_task
from market.regions.models import District

MAX_TEXT = 3000
MAX_AMOUNT = 1_000_000_000_000  # Rp 1 triliun: far above any village ticket, below what a typo would give
PHONE_PATTERN = r"^\+?[0-9]{8,15}$"


class _Invalid(Exception):
    pass


def _require_officer(user: User | None) -> None:
    if user is None or not user.is_active or not user.is_officer:
        raise OfficerRequired()


def _require_investor(user: User | None) -> None:
    if user is None or not user.is_active or user.role != Role.INVESTOR:
        raise InvestorRequired()


def _text(limit: int, *, required: bool = True, one_line: bool = True) -> Callable[[object], str]:
    def clean(value: object) -> str:
        if not isinstance(value, str):
            raise _Invalid(_("Enter text."))
        value = " ".join(value.split()) if one_line else value.strip()
        if required and not value:
            raise _Invalid(_("This field is required."))
        if len(value) > limit:
            raise _Invalid(_("This text is too long (at most %(count)s characters).") % {"count": limit})
        return value

    return clean


def _choice(choices: list[str], message) -> Callable[[object], str]:
    def clean(value: object) -> str:
        if value not in choices:
            raise _Invalid(str(message))
        return str(value)

    return clean


def _amount(*, required: bool) -> Callable[[object], int | None]:
    def clean(value: object) -> int | None:
        if value is None and not required:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_AMOUNT:
            raise _Invalid(_("Enter an amount in whole rupiah from 1 to %(max)s.") % {"max": format_rupiah(MAX_AMOUNT)})
        return value

    return clean


def _count(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100_000:
        raise _Invalid(_("Enter a whole number from 0 to 100000."))
    return value


def _phone(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid(_("Enter text."))
    value = re.sub(r"[\s\-().]", "", value)
    if not re.match(PHONE_PATTERN, value):
        raise _Invalid(_("Enter a phone number of 8 to 15 digits, e.g. 081234567890."))
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(_("Choose yes or no."))
    return value


def _involvements(value: object) -> list[str]:
    if not isinstance(value, (list, tuple)) or not set(value) <= set(Involvement.values):
        raise _Invalid(_("Choose kinds of involvement from the list."))
    return [kind for kind in Involvement.values if kind in set(value)]


def _commodities(value: object) -> list[Commodity]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise _Invalid(_("Choose commodities from the list."))
    found = list(Commodity.objects.filter(pk__in=set(value)))
    if len(found) != len(set(value)):
        raise _Invalid(_("Choose commodities from the list."))
    return found


def _districts(value: object) -> list[District]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise _Invalid(_("Choose districts from the list."))
    found = list(District.objects.filter(code__in=set(value)))
    if len(found) != len(set(value)):
        raise _Invalid(_("Choose districts from the list."))
    return found


def _clean(data: object, rules: dict[str, Callable[[object], object]], error=InvestorInvalid) -> dict:
    """Return ``data``'s fields cleaned by their rule, or raise ``error`` with every field's problem."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    for key, value in asdict(data).items():  # type: ignore[call-overload]
        try:
            clean[key] = rules[key](value)
        except _Invalid as exc:
            errors[key] = [str(exc)]
    if errors:
        raise error(fields=errors)
    return clean


# --- investor profiles ---------------------------------------------------------------------------

PROFILE_TRANSITIONS: dict[str, frozenset[str]] = {
    InvestorProfile.Status.DRAFT: frozenset({InvestorProfile.Status.SUBMITTED}),
    InvestorProfile.Status.SUBMITTED: frozenset({InvestorProfile.Status.VERIFIED, InvestorProfile.Status.REFUSED}),
    InvestorProfile.Status.REFUSED: frozenset({InvestorProfile.Status.SUBMITTED}),
    InvestorProfile.Status.VERIFIED: frozenset({InvestorProfile.Status.SUBMITTED}),
}
# Who the investor is: changing one of these sends a verified profile back to the officers.
IDENTITY_FIELDS = ("display_name", "kind")
MAX_REASON_LENGTH = 2000


@dataclass(frozen=True)
class InvestorProfileData:
    """What an investor tells about themself (ticket sizes and lists may be empty: "any")."""

    display_name: str
    kind: str
    commodity_ids: list[int]
    district_codes: list[str]
    ticket_min: int | None
    ticket_max: int | None
    involvements: list[str]
    phone: str
    about: str = ""
    alerts_enabled: bool = True


_PROFILE_RULES: dict[str, Callable[[object], object]] = {
    "display_name": _text(200),
    "kind": _choice(InvestorKind.values, gettext_lazy("Choose a kind of investor from the list.")),
    "commodity_ids": _commodities,
    "district_codes": _districts,
    "ticket_min": _amount(required=False),
    "ticket_max": _amount(required=False),
    "involvements": _involvements,
    "phone": _phone,
    "about": _text(2000, required=False, one_line=False),
    "alerts_enabled": _bool,
}


def _profile_clean(data: InvestorProfileData) -> dict:
    clean = _clean(data, _PROFILE_RULES)
    if clean["ticket_min"] is not None and clean["ticket_max"] is not None and clean["ticket_min"] > clean["ticket_max"]:
        raise InvestorInvalid(fields={"ticket_max": [_("The largest ticket cannot be below the smallest.")]})
    return clean


def investor_profile_transition(*, profile: InvestorProfile, to: str, actor: User, reason: str = "") -> InvestorProfile:
    """Move a locked profile to ``to`` if the table allows it, with its event; the investor is emailed
    after commit when verified or refused.

    The one place a profile's status changes; composes inside the caller's transaction.
    """
    Status = InvestorProfile.Status
    if to not in PROFILE_TRANSITIONS[profile.status]:
        raise InvestorProfileTransitionInvalid()
    reason = reason.strip()
    if to == Status.REFUSED and not reason:
        raise InvestorInvalid(fields={"reason": [_("Give the reason for the refusal: the investor reads it.")]})
    if len(reason) > MAX_REASON_LENGTH:
        raise InvestorInvalid(fields={"reason": [_("This text is too long (at most %(count)s characters).")
                                                 % {"count": MAX_REASON_LENGTH}]})
    from_status = profile.status
    now = timezone.now()
    profile.status = to
    if to == Status.SUBMITTED:
        profile.submitted_at = now
        profile.verified_at = None
        profile.refusal_reason = ""
    elif to == Status.VERIFIED:
        profile.verified_at = now
    elif to == Status.REFUSED:
        profile.refusal_reason = reason
    profile.save(update_fields=["status", "submitted_at", "verified_at", "refusal_reason", "updated_at"])
    InvestorProfileEvent.objects.create(profile=profile, from_status=from_status, to_status=to, actor=actor,
                                        reason=reason)
    if to in (Status.VERIFIED, Status.REFUSED) and profile.user.email:
        with translation.override(profile.user.language or settings.LANGUAGE_CODE):
            if to == Status.VERIFIED:
                subject = _("Your investor profile is verified")
                body = _("A programme officer verified your investor profile. You can now see contacts and, "
                         "after accepting the confidentiality terms, documents: %(url)s")
            else:
                subject = _("Your investor profile needs a correction")
                body = _("A programme officer could not verify your investor profile: %(reason)s\n"
                         "Correct it and submit it again: %(url)s")
            body = body % {"reason": reason, "url": f"{settings.SITE_URL}{reverse('frontend:investor-profile')}"}
        email_send_task.delay_on_commit(subject=str(subject), body=str(body), to=[profile.user.email])
    return profile


@transaction.atomic
def investor_profile_save(*, user: User, data: InvestorProfileData) -> InvestorProfile:
    """Record the investor's profile: a draft the first time, then corrections.

    A verified profile whose name or kind changes goes back to the officers (submitted).
    """
    _require_investor(user)
    clean = _profile_clean(data)
    commodities, districts = clean.pop("commodity_ids"), clean.pop("district_codes")
    profile = InvestorProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        profile = InvestorProfile.objects.create(user=user, **clean)
        InvestorProfileEvent.objects.create(profile=profile, from_status="", to_status=InvestorProfile.Status.DRAFT,
                                            actor=user)
    else:
        identity_changed = any(getattr(profile, key) != clean[key] for key in IDENTITY_FIELDS)
        for key, value in clean.items():
            setattr(profile, key, value)
        profile.save()
        if identity_changed and profile.status == InvestorProfile.Status.VERIFIED:
            investor_profile_transition(profile=profile, to=InvestorProfile.Status.SUBMITTED, actor=user,
                                        reason=_("The name or kind of investor changed."))
    profile.commodities.set(commodities)
    profile.districts.set(districts)
    return profile


@transaction.atomic
def investor_profile_submit(*, user: User) -> InvestorProfile:
    """Send the profile to the officers (first time or after a refusal); a second click changes nothing."""
    _require_investor(user)
    profile = InvestorProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        raise InvestorProfileNotFound()
    if profile.status in (InvestorProfile.Status.SUBMITTED, InvestorProfile.Status.VERIFIED):
        return profile
    return investor_profile_transition(profile=profile, to=InvestorProfile.Status.SUBMITTED, actor=user)


@transaction.atomic
def investor_profile_verify(*, profile: InvestorProfile, officer: User) -> InvestorProfile:
    """Mark a submitted profile verified (the investor is told); verifying it again changes nothing."""
    _require_officer(officer)
    locked = InvestorProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    if locked.status == InvestorProfile.Status.VERIFIED:
        return locked
    return investor_profile_transition(profile=locked, to=InvestorProfile.Status.VERIFIED, actor=officer)


@transaction.atomic
def investor_profile_refuse(*, profile: InvestorProfile, officer: User, reason: str) -> InvestorProfile:
    """Refuse a submitted profile with a reason the investor reads (the investor is told)."""
    _require_officer(officer)
    locked = InvestorProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    return investor_profile_transition(profile=locked, to=InvestorProfile.Status.REFUSED, actor=officer,
                                       reason=reason)


@transaction.atomic
def confidentiality_accept(*, user: User, version: str) -> ConfidentialityAcceptance:
    """Record that the investor accepted the confidentiality terms ``version`` (the current one only)."""
    _require_investor(user)
    if version != CONFIDENTIALITY_TERMS_VERSION:
        raise InvestorInvalid(fields={"version": [_("These terms have changed; read the current version.")]})
    acceptance, _created = ConfidentialityAcceptance.objects.get_or_create(user=user, terms_version=version)
    return acceptance


# --- opportunities and their documents -----------------------------------------------------------

OPPORTUNITY_TRANSITIONS: dict[str, frozenset[str]] = {
    Opportunity.Status.OPEN: frozenset({Opportunity.Status.IN_DISCUSSION, Opportunity.Status.CLOSED}),
    Opportunity.Status.IN_DISCUSSION: frozenset({Opportunity.Status.OPEN, Opportunity.Status.FUNDED,
                                                 Opportunity.Status.CLOSED}),
    Opportunity.Status.FUNDED: frozenset(),
    Opportunity.Status.CLOSED: frozenset(),
}
# Interests are taken while an opportunity is open or in discussion.
OPPORTUNITY_TAKES_INTEREST = frozenset({Opportunity.Status.OPEN, Opportunity.Status.IN_DISCUSSION})


@dataclass(frozen=True)
class OpportunityData:
    """What an officer posts: for a programme village (``village_code``) or one of its producers."""

    village_code: str
    producer_id: int | None
    title: str
    purpose: str
    description: str
    amount_sought: int
    involvement: str
    expected_jobs: int
    expected_output: str = ""


_OPPORTUNITY_RULES: dict[str, Callable[[object], object]] = {
    "village_code": _text(20),
    "producer_id": lambda value: value,
    "title": _text(200),
    "purpose": _choice(Purpose.values, gettext_lazy("Choose a purpose from the list.")),
    "description": _text(5000, one_line=False),
    "amount_sought": _amount(required=True),
    "involvement": _choice(Involvement.values, gettext_lazy("Choose a kind of involvement from the list.")),
    "expected_jobs": _count,
    "expected_output": _text(300, required=False),
}


@transaction.atomic
def opportunity_create(*, officer: User, data: OpportunityData) -> Opportunity:
    """Post an open opportunity for a programme village or one of its verified producers."""
    _require_officer(officer)
    clean = _clean(data, _OPPORTUNITY_RULES)
    errors: dict[str, list[str]] = {}
    village = VillageProfile.objects.filter(village_id=clean.pop("village_code")).first()
    if village is None:
        errors["village_code"] = [_("Choose a programme village from the list.")]
    producer_id = clean.pop("producer_id")
    producer = None
    if producer_id is not None:
        producer = Producer.objects.filter(pk=producer_id if isinstance(producer_id, int) else 0,
                                           verified_at__isnull=False).first()
        if producer is None or (village is not None and producer.village_id != village.village_id):
            errors["producer_id"] = [_("Choose a verified producer of this village, or none.")]
    if errors or village is None:
        raise InvestorInvalid(fields=errors)
    now = timezone.now()
    opportunity = Opportunity.objects.create(village=village, producer=producer, created_by=officer,
                                             status_changed_at=now, **clean)
    OpportunityEvent.objects.create(opportunity=opportunity, from_status="", to_status=Opportunity.Status.OPEN,
                                    actor=officer)
    return opportunity


@transaction.atomic
def opportunity_transition(*, opportunity: Opportunity, to: str, actor: User, note: str = "") -> Opportunity:
    """Move an opportunity to ``to`` if the table allows it (officers), with its event."""
    _require_officer(actor)
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if to not in OPPORTUNITY_TRANSITIONS[locked.status]:
        raise OpportunityTransitionInvalid()
    note = note.strip()[:MAX_TEXT]
    from_status = locked.status
    locked.status = to
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_at", "updated_at"])
    OpportunityEvent.objects.create(opportunity=locked, from_status=from_status, to_status=to, actor=actor, note=note)
    return locked


MAX_DOCUMENTS = 12


def opportunity_document_add(*, opportunity: Opportunity, officer: User, kind: str, title: str,
                             upload: IO[bytes]) -> OpportunityDocument:
    """Attach a business plan (PDF) or a photo to an opportunity, checked first and kept in private storage."""
    _require_officer(officer)
    if kind not in OpportunityDocument.Kind.values:
        raise InvestorInvalid(fields={"kind": [_("Choose a kind of document from the list.")]})
    try:
        title = _text(200)(title)
    except _Invalid as exc:
        raise InvestorInvalid(fields={"title": [str(exc)]}) from None
    # Checking a file takes a moment: outside the transaction, so that it holds no lock.
    checked = pdf_check(upload=upload) if kind == OpportunityDocument.Kind.BUSINESS_PLAN else photo_check(upload=upload)
    with transaction.atomic():
        locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        if OpportunityDocument.objects.filter(opportunity=locked).count() >= MAX_DOCUMENTS:
            raise InvestorInvalid(fields={"file": [_("A maximum of %(count)s documents.") % {"count": MAX_DOCUMENTS}]})
        return OpportunityDocument.objects.create(opportunity=locked, kind=kind, title=title, file=checked.content,
                                                  content_type=checked.content_type, size=checked.size,
                                                  uploaded_by=officer)


@transaction.atomic
def document_open(*, user: User, pk: int, action: str) -> OpportunityDocument:
    """Return document ``pk`` for ``user`` to view or download, and log it (``DocumentAccess``).

    Officers may open every document; investors only when verified and after accepting the current
    confidentiality terms, and only for opportunities they can see. Everyone else: ``DocumentNotFound``.
    """
    if action not in DocumentAccess.Action.values:
        raise InvestorInvalid(fields={"action": [_("Choose view or download.")]})
    document = OpportunityDocument.objects.select_related("opportunity").filter(pk=pk).first()
    if document is None or user is None or not user.is_authenticated or not user.is_active:
        raise DocumentNotFound()
    version = ""
    if not user.is_officer:
        if user.role != Role.INVESTOR:
            raise DocumentNotFound()
        profile = InvestorProfile.objects.filter(user=user).first()
        if profile is None or not profile.is_verified:
            raise InvestorNotVerified()
        if not terms_accepted(user=user):
            raise ConfidentialityTermsRequired()
        version = CONFIDENTIALITY_TERMS_VERSION
    DocumentAccess.objects.create(document=document, user=user, action=action, terms_version=version)
    return document


# --- watchlist -----------------------------------------------------------------------------------


@transaction.atomic
def watch_add(*, user: User, village_code: str | None = None, opportunity_id: int | None = None) -> WatchItem:
    """Follow a programme village or an opportunity (investors); following it again changes nothing."""
    _require_investor(user)
    if (village_code is None) == (opportunity_id is None):
        raise InvestorInvalid(fields={"target": [_("Choose a village or an opportunity.")]})
    if village_code is not None:
        village = VillageProfile.objects.filter(village_id=village_code).first()
        if village is None:
            raise InvestorVillageNotFound()
        item, _created = WatchItem.objects.get_or_create(user=user, village=village)
        return item
    opportunity = Opportunity.objects.filter(pk=opportunity_id or 0).first()
    if opportunity is None:
        raise OpportunityNotFound()
    item, _created = WatchItem.objects.get_or_create(user=user, opportunity=opportunity)
    return item


@transaction.atomic
def watch_remove(*, user: User, pk: int) -> None:
    """Stop following an item of one's own watchlist (anyone else's is not found)."""
    deleted, _by_model = WatchItem.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise WatchItemNotFound()


# --- expressions of interest ---------------------------------------------------------------------

INTEREST_TRANSITIONS: dict[str, frozenset[str]] = {
    Interest.Status.NEW: frozenset({Interest.Status.IN_REVIEW, Interest.Status.NOT_PURSUED}),
    Interest.Status.IN_REVIEW: frozenset({Interest.Status.INTRODUCED, Interest.Status.NOT_PURSUED}),
    Interest.Status.INTRODUCED: frozenset({Interest.Status.IN_NEGOTIATION, Interest.Status.NOT_PURSUED}),
    Interest.Status.IN_NEGOTIATION: frozenset({Interest.Status.COMMITTED, Interest.Status.NOT_PURSUED}),
    Interest.Status.COMMITTED: frozenset(),
    Interest.Status.NOT_PURSUED: frozenset(),
}
INTEREST_OPEN = frozenset({Interest.Status.NEW, Interest.Status.IN_REVIEW, Interest.Status.INTRODUCED,
                           Interest.Status.IN_NEGOTIATION})


@dataclass(frozen=True)
class InterestData:
    """An investor's expression of interest in an opportunity (``opportunity_id``) or a village."""

    opportunity_id: int | None
    village_code: str | None
    amount: int | None
    involvement: str
    message: str


_INTEREST_RULES: dict[str, Callable[[object], object]] = {
    "opportunity_id": lambda value: value,
    "village_code": lambda value: value,
    "amount": _amount(required=False),
    "involvement": _choice(Involvement.values, gettext_lazy("Choose a kind of involvement from the list.")),
    "message": _text(MAX_TEXT, one_line=False),
}


@transaction.atomic
def interest_express(*, investor: User, data: InterestData) -> Interest:
    """Record an investor's interest (status new) for the officers to triage; the officers are told by the
    programme view. One open interest per investor and opportunity (``InterestAlreadyOpen``).

    The investor needs a profile sent to the officers (submitted or verified), so that they know who asks.
    """
    _require_investor(investor)
    profile = InvestorProfile.objects.filter(user=investor).first()
    if profile is None or profile.status not in (InvestorProfile.Status.SUBMITTED, InvestorProfile.Status.VERIFIED):
        raise InvestorInvalid(_("Complete your investor profile and send it to the officers first."))
    clean = _clean(data, _INTEREST_RULES)
    opportunity_id, village_code = clean.pop("opportunity_id"), clean.pop("village_code")
    opportunity = None
    village: VillageProfile | None
    if opportunity_id is not None:
        opportunity = (Opportunity.objects.select_for_update().select_related("village")
                       .filter(pk=opportunity_id if isinstance(opportunity_id, int) else 0).first())
        if opportunity is None:
            raise OpportunityNotFound()
        if opportunity.status not in OPPORTUNITY_TAKES_INTEREST:
            raise OpportunityNotOpen()
        if Interest.objects.filter(investor=investor, opportunity=opportunity, status__in=INTEREST_OPEN).exists():
            raise InterestAlreadyOpen()
        village = opportunity.village
    else:
        village = VillageProfile.objects.filter(village_id=village_code if isinstance(village_code, str) else "").first()
        if village is None:
            raise InvestorVillageNotFound()
    now = timezone.now()
    interest = Interest.objects.create(investor=investor, village=village, opportunity=opportunity,
                                       status_changed_at=now, **clean)
    InterestEvent.objects.create(interest=interest, kind=InterestEvent.Kind.STATUS, from_status="",
                                 to_status=Interest.Status.NEW, actor=investor, happened_on=timezone.localdate(now))
    return interest


@transaction.atomic
def interest_transition(*, interest: Interest, to: str, actor: User, note: str = "",
                        happened_on: date | None = None) -> Interest:
    """Move an interest to ``to`` if the table allows it (officers), with its event, note and date.

    ``happened_on`` is when it happened (an introduction made yesterday), today by default, never in
    the future. The investor is emailed after commit.
    """
    _require_officer(actor)
    locked = Interest.objects.select_for_update().select_related("investor").get(pk=interest.pk)
    if to not in INTEREST_TRANSITIONS[locked.status]:
        raise InterestTransitionInvalid()
    today = timezone.localdate()
    happened_on = happened_on or today
    if happened_on > today or happened_on < today - timedelta(days=366):
        raise InvestorInvalid(fields={"happened_on": [_("Give a date within the past year, not in the future.")]})
    note = note.strip()
    if len(note) > MAX_TEXT:
        raise InvestorInvalid(fields={"note": [_("This text is too long (at most %(count)s characters).")
                                               % {"count": MAX_TEXT}]})
    from_status = locked.status
    now = timezone.now()
    locked.status = to
    locked.status_changed_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    if to == Interest.Status.INTRODUCED:
        locked.introduced_at = now
        fields.append("introduced_at")
    locked.save(update_fields=fields)
    InterestEvent.objects.create(interest=locked, kind=InterestEvent.Kind.STATUS, from_status=from_status, to_status=to,
                                 actor=actor, note=note, happened_on=happened_on)
    investor = locked.investor
    if investor.email:
        with translation.override(investor.language or settings.LANGUAGE_CODE):
            subject = _("Your expression of interest: %(status)s") % {"status": locked.get_status_display()}
            body = _("A programme officer moved your expression of interest to “%(status)s”. Details: %(url)s") % {
                "status": locked.get_status_display(),
                "url": f"{settings.SITE_URL}{reverse('frontend:investor-interest', args=[locked.pk])}"}
        email_send_task.delay_on_commit(subject=str(subject), body=str(body), to=[investor.email])
    return locked


@transaction.atomic
def interest_note_add(*, interest: Interest, officer: User, note: str) -> InterestEvent:
    """Add an officer's note to an interest (officers read notes; the investor does not)."""
    _require_officer(officer)
    note = note.strip()
    if not note or len(note) > MAX_TEXT:
        raise InvestorInvalid(fields={"note": [_("Write a note of at most %(count)s characters.") % {"count": MAX_TEXT}]})
    locked = Interest.objects.select_for_update().get(pk=interest.pk)
    return InterestEvent.objects.create(interest=locked, kind=InterestEvent.Kind.NOTE, actor=officer, note=note,
                                        from_status=locked.status, to_status=locked.status,
                                        happened_on=timezone.localdate())


@transaction.atomic
def interest_share(*, interest: Interest, officer: User, note: str) -> Interest:
    """Show the interest to the village side (the opportunity's producer, or the village's producers) with
    ``note``, the words they read; sharing again replaces the note. Officers only."""
    _require_officer(officer)
    note = note.strip()
    if not note or len(note) > MAX_TEXT:
        raise InvestorInvalid(fields={"note": [_("Write what the village side reads (at most %(count)s characters).")
                                               % {"count": MAX_TEXT}]})
    locked = Interest.objects.select_for_update().get(pk=interest.pk)
    locked.shared_with_producer = True
    locked.shared_note = note
    locked.save(update_fields=["shared_with_producer", "shared_note", "updated_at"])
    InterestEvent.objects.create(interest=locked, kind=InterestEvent.Kind.SHARED, actor=officer, note=note,
                                 from_status=locked.status, to_status=locked.status, happened_on=timezone.localdate())
    return locked


# --- daily alerts --------------------------------------------------------------------------------

ALERTS_FIRST_WINDOW = timedelta(days=1)
# Each run looks back a little before the previous one ended: an opportunity or a stage change whose
# transaction committed after that run had its time stamped before it. ``InvestorAlertItem`` keeps the
# overlap from announcing anything twice.
ALERTS_OVERLAP = timedelta(hours=1)
ALERTS_MAX_ITEMS = 50


def investor_alerts_send(*, now: datetime | None = None) -> int:
    """Daily: email each investor the new opportunities and stage changes that match their profile or
    watchlist since their previous alert; return the number of emails queued.

    Each investor is handled in its own transaction; safe to retry or run twice.
    """
    now = now or timezone.now()
    ids = (InvestorProfile.objects.filter(alerts_enabled=True, user__is_active=True,
                                          status__in=[InvestorProfile.Status.SUBMITTED,
                                                      InvestorProfile.Status.VERIFIED])
           .order_by("pk").values_list("pk", flat=True))
    return sum(investor_alerts_send_one(profile_id=pk, now=now) for pk in list(ids))


@transaction.atomic(durable=True)
def investor_alerts_send_one(*, profile_id: int, now: datetime) -> int:
    """Announce to one investor what matches since the last run (see ``investor_alerts_send``); 1 if emailed."""
    profile = InvestorProfile.objects.select_for_update().select_related("user").filter(pk=profile_id).first()
    if profile is None or not profile.alerts_enabled:
        return 0
    checked = profile.alerts_checked_until
    since = checked - ALERTS_OVERLAP if checked else now - ALERTS_FIRST_WINDOW
    if checked is None or checked < now:
        profile.alerts_checked_until = now
        profile.save(update_fields=["alerts_checked_until", "updated_at"])
    user = profile.user
    seen_opportunities = InvestorAlertItem.objects.filter(user=user, opportunity__isnull=False).values("opportunity_id")
    seen_events = InvestorAlertItem.objects.filter(user=user, stage_event__isnull=False).values("stage_event_id")
    opportunities = list(opportunity_list_matching(profile=profile, since=since, until=now)
                         .exclude(pk__in=seen_opportunities)[:ALERTS_MAX_ITEMS])
    events = list(stage_event_list_matching(profile=profile, since=since, until=now)
                  .exclude(pk__in=seen_events)[:ALERTS_MAX_ITEMS])
    if not opportunities and not events:
        return 0
    InvestorAlertItem.objects.bulk_create(
        [InvestorAlertItem(user=user, opportunity=opportunity) for opportunity in opportunities]
        + [InvestorAlertItem(user=user, stage_event=event) for event in events])
    if not user.email:
        return 0
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject, body = _alert_message(opportunities=opportunities, events=events)
    email_send_task.delay_on_commit(subject=subject, body=body, to=[user.email])
    return 1


def _alert_message(*, opportunities: list[Opportunity], events: list[VillageStageEvent]) -> tuple[str, str]:
    site = settings.SITE_URL
    subject = _("Kampung Industri: %(count)s new for you") % {"count": len(opportunities) + len(events)}
    lines: list[str] = []
    if opportunities:
        lines += [_("New opportunities that match your profile:"), ""]
        for opportunity in opportunities:
            lines += [f"- {opportunity.title} ({opportunity.village.village.name}): "
                      f"{format_rupiah(opportunity.amount_sought)}, {opportunity.get_involvement_display()}",
                      f"  {site}{reverse('frontend:investor-opportunity', args=[opportunity.pk])}"]
        lines.append("")
    if events:
        lines += [_("Villages that moved to a new programme stage:"), ""]
        for event in events:
            lines += [f"- {event.profile.village.name}: {Stage(event.to_stage).label} ({event.happened_on:%d.%m.%Y})",
                      f"  {site}{reverse('frontend:investor-village', args=[event.profile.village_id])}"]
        lines.append("")
    lines += [_("The platform facilitates introductions; it does not sell securities or take money."),
              _("Change your profile or stop these emails: %(url)s")
              % {"url": f"{site}{reverse('frontend:investor-profile')}"}]
    return str(subject), "\n".join(str(line) for line in lines)
