"""Writes of the showcases app, one function per use case.

Statuses change through one validating function each (``showcase_transition``,
``participant_transition``, ``meeting_transition``), each writing a ``ShowcaseEvent`` in the same
transaction. Writes that compete for the same showcase (registrations against the capacity,
meetings against slots) lock the showcase's row first. Agendas are emailed after commit
(``showcases.notifications``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buyers.selectors import buyer_can_manage, buyer_member_role, buyer_organisation_is_verified
from catalog.models import Producer
from catalog.selectors import producer_ids_for_user, product_list_public
from market.accounts.models import Organisation, User
from market.core.pagecache import public_pages_changed
from showcases import scheduling
from showcases.exceptions import (
    ShowcaseClosed,
    ShowcaseFull,
    ShowcaseInvalid,
    ShowcasePermissionDenied,
    ShowcaseTransitionInvalid,
    SlotConflict,
    VerifiedBuyerRequired,
)
from showcases.models import (
    Attendee,
    Availability,
    Meeting,
    Outcome,
    Participant,
    Registration,
    Showcase,
    ShowcaseEvent,
)
from showcases.notifications import agendas_notify_after_commit, meeting_notify_after_commit
from showcases.selectors import (
    schedule_availability,
    schedule_requests,
    showcase_attendee_count,
    showcase_slots,
)

MAX_TEXT = 1000
MAX_ATTENDEES_PER_BUYER = 20
MAX_WINDOWS = 20


def _require_officer(user: User | None) -> None:
    if user is None or not user.is_authenticated or not user.is_active or not user.is_officer:
        raise ShowcasePermissionDenied(_("Only programme officers can do this."))


def _require_producer(user: User, participant: Participant) -> None:
    if not (
        user.is_authenticated
        and user.is_active
        and producer_ids_for_user(user=user).filter(pk=participant.producer_id).exists()
    ):
        raise ShowcasePermissionDenied(_("Only the producer's people can do this."))


def _require_buyer(user: User, organisation: Organisation) -> None:
    if buyer_member_role(organisation=organisation, user=user) is None:
        raise ShowcasePermissionDenied(_("Only the buyer organisation's people can do this."))


def _lock(showcase: Showcase) -> Showcase:
    return Showcase.objects.select_for_update().get(pk=showcase.pk)


def _event(
    showcase: Showcase, kind: str, actor: User, *, from_value: str = "", to_value: str = "", note: str = "", **subject
) -> ShowcaseEvent:
    return ShowcaseEvent.objects.create(
        showcase=showcase, kind=kind, actor=actor, from_value=from_value, to_value=to_value, note=note[:2000], **subject
    )


def _note(value: str, *, field: str = "note", limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise ShowcaseInvalid(fields={field: [_("Enter text.")]})
    value = value.strip()
    if len(value) > limit:
        raise ShowcaseInvalid(
            fields={field: [_("This text is too long (at most %(count)s characters).") % {"count": limit}]}
        )
    return value


# --- the showcase ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowcaseData:
    """What an officer sets of a showcase (times are aware datetimes; the pages read them in Asia/Jakarta)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    registration_deadline: datetime
    capacity: int
    slot_minutes: int
    venue: str = ""
    online_url: str = ""
    theme: str = ""
    description: str = ""


def _required_text(limit: int) -> Callable[[object], str]:
    def clean(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(_("This field is required."))
        if len(value.strip()) > limit:
            raise ValueError(_("This text is too long (at most %(count)s characters).") % {"count": limit})
        return " ".join(value.split())

    return clean


def _optional_text(limit: int) -> Callable[[object], str]:
    def clean(value: object) -> str:
        if not isinstance(value, str):
            raise ValueError(_("Enter text."))
        if len(value.strip()) > limit:
            raise ValueError(_("This text is too long (at most %(count)s characters).") % {"count": limit})
        return value.strip()

    return clean


def _aware(value: object) -> datetime:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise ValueError(_("Enter a date and time."))
    return value


def _int_between(low: int, high: int) -> Callable[[object], int]:
    def clean(value: object) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValueError(_("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high})
        return value

    return clean


def _url(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(_("Enter text."))
    value = value.strip()
    if value and not value.startswith("https://"):
        raise ValueError(_("Enter a link that starts with https://."))
    if len(value) > 200:
        raise ValueError(_("This text is too long (at most %(count)s characters).") % {"count": 200})
    return value


# One rule per field.
_SHOWCASE_RULES: dict[str, Callable[[object], object]] = {
    "title": _required_text(200),
    "starts_at": _aware,
    "ends_at": _aware,
    "registration_deadline": _aware,
    "capacity": _int_between(1, 10_000),
    "slot_minutes": _int_between(5, 240),
    "venue": _optional_text(300),
    "online_url": _url,
    "theme": _optional_text(300),
    "description": _optional_text(5000),
}


def _showcase_clean(data: ShowcaseData) -> dict:
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    for key, rule in _SHOWCASE_RULES.items():
        try:
            clean[key] = rule(getattr(data, key))
        except ValueError as exc:
            errors[key] = [str(exc)]
    if not errors:
        if clean["ends_at"] <= clean["starts_at"]:
            errors["ends_at"] = [_("The end must be after the start.")]
        elif clean["ends_at"] - clean["starts_at"] > timedelta(days=14):
            errors["ends_at"] = [_("A showcase lasts at most 14 days.")]
        if clean["registration_deadline"] > clean["ends_at"]:
            errors["registration_deadline"] = [_("The registration deadline must be before the showcase ends.")]
        if not clean["venue"] and not clean["online_url"]:
            errors["venue"] = [_("Give the venue, or the link of an online showcase.")]
    if errors:
        raise ShowcaseInvalid(fields=errors)
    return clean


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200] or "gelar-produk"
    slug, number = base, 1
    others = Showcase.objects.exclude(pk=exclude_pk) if exclude_pk is not None else Showcase.objects.all()
    while others.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def showcase_create(*, officer: User, data: ShowcaseData) -> Showcase:
    """Create a draft showcase."""
    _require_officer(officer)
    clean = _showcase_clean(data)
    showcase = Showcase.objects.create(created_by=officer, slug=_unique_slug(clean["title"]), **clean)
    _event(showcase, ShowcaseEvent.Kind.SHOWCASE, officer, to_value=Showcase.Status.DRAFT)
    return showcase


@transaction.atomic
def showcase_update(*, showcase: Showcase, officer: User, data: ShowcaseData) -> Showcase:
    """Change a draft or published showcase's details (a closed or cancelled one is history)."""
    _require_officer(officer)
    clean = _showcase_clean(data)
    locked = _lock(showcase)
    if locked.status not in (Showcase.Status.DRAFT, Showcase.Status.PUBLISHED):
        raise ShowcaseClosed()
    if clean["capacity"] < showcase_attendee_count(showcase=locked):
        raise ShowcaseInvalid(fields={"capacity": [_("More people are registered already.")]})
    for key, value in clean.items():
        setattr(locked, key, value)
    locked.save()
    if locked.status == Showcase.Status.PUBLISHED:  # the home page and the public list show it
        public_pages_changed()
    return locked


SHOWCASE_TRANSITIONS: dict[str, frozenset[str]] = {
    Showcase.Status.DRAFT: frozenset({Showcase.Status.PUBLISHED, Showcase.Status.CANCELLED}),
    Showcase.Status.PUBLISHED: frozenset({Showcase.Status.CLOSED, Showcase.Status.CANCELLED}),
    Showcase.Status.CLOSED: frozenset(),
    Showcase.Status.CANCELLED: frozenset(),
}


def showcase_transition(*, showcase: Showcase, to: str, actor: User, reason: str = "") -> Showcase:
    """Move a locked showcase to ``to`` if the table allows it, with its event (composes in the caller's
    transaction). Cancelling needs a reason."""
    if to not in SHOWCASE_TRANSITIONS[showcase.status]:
        raise ShowcaseTransitionInvalid()
    reason = _note(reason, field="reason")
    if to == Showcase.Status.CANCELLED and not reason:
        raise ShowcaseInvalid(fields={"reason": [_("Say why the showcase is cancelled: participants read it.")]})
    from_status = showcase.status
    showcase.status = to
    showcase.save(update_fields=["status", "updated_at"])
    _event(showcase, ShowcaseEvent.Kind.SHOWCASE, actor, from_value=from_status, to_value=to, note=reason)
    public_pages_changed()  # published, closed or cancelled: the home page's next showcase may change
    return showcase


@transaction.atomic
def showcase_status_set(*, showcase: Showcase, officer: User, to: str, reason: str = "") -> Showcase:
    """Publish, close or cancel a showcase (officers); asking for the status it has changes nothing."""
    _require_officer(officer)
    locked = _lock(showcase)
    if locked.status == to:
        return locked
    return showcase_transition(showcase=locked, to=to, actor=officer, reason=reason)


# --- the line-up -------------------------------------------------------------------------------


def _lineup_products(*, producer_id: int, product_ids: Sequence[int]) -> list:
    wanted = set(product_ids)
    if not all(isinstance(pk, int) and not isinstance(pk, bool) for pk in wanted):
        raise ShowcaseInvalid(fields={"products": [_("Choose products from the list.")]})
    products = list(product_list_public().filter(producer_id=producer_id, pk__in=wanted))
    if len(products) != len(wanted):
        raise ShowcaseInvalid(
            fields={"products": [_("Choose only listed products of this producer (approved, from a coached village).")]}
        )
    if not products:
        raise ShowcaseInvalid(fields={"products": [_("Choose at least one product.")]})
    return products


def _table_free(showcase: Showcase, table_number: int | None, *, exclude_pk: int | None = None) -> None:
    if table_number is None:
        return
    if not isinstance(table_number, int) or isinstance(table_number, bool) or not 1 <= table_number <= 999:
        raise ShowcaseInvalid(fields={"table_number": [_("Enter a table number from 1 to 999.")]})
    taken = showcase.participants.filter(table_number=table_number)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ShowcaseInvalid(fields={"table_number": [_("Another producer has this table.")]})


def _open_for_lineup(showcase: Showcase) -> None:
    if showcase.status not in (Showcase.Status.DRAFT, Showcase.Status.PUBLISHED):
        raise ShowcaseClosed()


@transaction.atomic
def participant_invite(
    *,
    showcase: Showcase,
    officer: User,
    producer: Producer,
    product_ids: Sequence[int],
    table_number: int | None = None,
) -> Participant:
    """Invite a producer to the line-up with the products it will show (its listed ones only) and a table."""
    _require_officer(officer)
    locked = _lock(showcase)
    _open_for_lineup(locked)
    if locked.participants.filter(producer=producer).exists():
        raise ShowcaseInvalid(fields={"producer": [_("This producer is in the line-up already.")]})
    products = _lineup_products(producer_id=producer.pk, product_ids=product_ids)
    _table_free(locked, table_number)
    participant = Participant.objects.create(showcase=locked, producer=producer, table_number=table_number)
    participant.products.set(products)
    _event(
        locked, ShowcaseEvent.Kind.PARTICIPANT, officer, to_value=Participant.Status.INVITED, participant=participant
    )
    return participant


@transaction.atomic
def participant_update(
    *, participant: Participant, officer: User, product_ids: Sequence[int], table_number: int | None
) -> Participant:
    """Change the products a producer shows and its table."""
    _require_officer(officer)
    locked = _lock(participant.showcase)
    _open_for_lineup(locked)
    products = _lineup_products(producer_id=participant.producer_id, product_ids=product_ids)
    _table_free(locked, table_number, exclude_pk=participant.pk)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    participant.table_number = table_number
    participant.save(update_fields=["table_number", "updated_at"])
    participant.products.set(products)
    return participant


PARTICIPANT_TRANSITIONS: dict[str, frozenset[str]] = {
    Participant.Status.INVITED: frozenset({Participant.Status.CONFIRMED, Participant.Status.WITHDRAWN}),
    Participant.Status.CONFIRMED: frozenset({Participant.Status.WITHDRAWN}),
    Participant.Status.WITHDRAWN: frozenset({Participant.Status.CONFIRMED}),
}


def participant_transition(*, participant: Participant, to: str, actor: User, note: str = "") -> Participant:
    """Move a locked participation to ``to`` with its event; withdrawing cancels the producer's open meetings."""
    if to not in PARTICIPANT_TRANSITIONS[participant.status]:
        raise ShowcaseTransitionInvalid()
    from_status = participant.status
    participant.status = to
    participant.save(update_fields=["status", "updated_at"])
    _event(
        participant.showcase,
        ShowcaseEvent.Kind.PARTICIPANT,
        actor,
        from_value=from_status,
        to_value=to,
        note=note,
        participant=participant,
    )
    if to == Participant.Status.WITHDRAWN:
        for meeting in (
            Meeting.objects.select_for_update()
            .filter(participant=participant, status__in=[Meeting.Status.REQUESTED, Meeting.Status.ACCEPTED])
            .order_by("pk")
        ):
            meeting_transition(
                meeting=meeting,
                to=Meeting.Status.CANCELLED,
                actor=actor,
                note=_("The producer withdrew from the showcase."),
            )
    return participant


@transaction.atomic
def participant_respond(*, participant: Participant, actor: User, confirm: bool) -> Participant:
    """The producer confirms its participation or withdraws (before the showcase ends); a repeat changes nothing."""
    _require_producer(actor, participant)
    showcase = _lock(participant.showcase)
    if showcase.status != Showcase.Status.PUBLISHED and not (showcase.status == Showcase.Status.DRAFT and confirm):
        raise ShowcaseClosed()
    if showcase.ends_at <= timezone.now():
        raise ShowcaseClosed()
    locked = Participant.objects.select_for_update().select_related("showcase").get(pk=participant.pk)
    to = Participant.Status.CONFIRMED if confirm else Participant.Status.WITHDRAWN
    if locked.status == to:
        return locked
    return participant_transition(participant=locked, to=to, actor=actor)


# --- availability ------------------------------------------------------------------------------


def _windows_clean(showcase: Showcase, windows: Sequence[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    if len(windows) > MAX_WINDOWS:
        raise ShowcaseInvalid(fields={"windows": [_("Give at most %(count)s windows.") % {"count": MAX_WINDOWS}]})
    clean = []
    for start, end in windows:
        if (
            not (isinstance(start, datetime) and isinstance(end, datetime))
            or timezone.is_naive(start)
            or timezone.is_naive(end)
        ):
            raise ShowcaseInvalid(fields={"windows": [_("Enter a date and time.")]})
        if end <= start:
            raise ShowcaseInvalid(fields={"windows": [_("Each window must end after it starts.")]})
        if start < showcase.starts_at or end > showcase.ends_at:
            raise ShowcaseInvalid(fields={"windows": [_("Each window must lie within the showcase's dates.")]})
        clean.append((start, end))
    return sorted(clean)


@transaction.atomic
def availability_set(
    *,
    actor: User,
    windows: Sequence[tuple[datetime, datetime]],
    participant: Participant | None = None,
    registration: Registration | None = None,
) -> int:
    """Replace one party's availability windows (the producer's people, or the buyer's); none: always available.

    Meetings already scheduled stay where they are; the next schedule run respects the new windows.
    """
    if (participant is None) == (registration is None):
        raise ShowcaseInvalid(fields={"windows": [_("Say whose availability this is.")]})
    if participant is not None:
        _require_producer(actor, participant)
        showcase = _lock(participant.showcase)
    else:
        assert registration is not None
        _require_buyer(actor, registration.organisation)
        showcase = _lock(registration.showcase)
    if showcase.status not in (Showcase.Status.DRAFT, Showcase.Status.PUBLISHED):
        raise ShowcaseClosed()
    clean = _windows_clean(showcase, windows)
    Availability.objects.filter(participant=participant, registration=registration).delete()
    Availability.objects.bulk_create(
        Availability(
            showcase=showcase, participant=participant, registration=registration, starts_at=start, ends_at=end
        )
        for start, end in clean
    )
    return len(clean)


# --- buyers' registrations ---------------------------------------------------------------------


@dataclass(frozen=True)
class AttendeeData:
    name: str
    job_title: str = ""


@transaction.atomic
def registration_save(
    *, showcase: Showcase, organisation: Organisation, actor: User, attendees: Sequence[AttendeeData]
) -> Registration:
    """Register a verified buyer organisation's attendees (owners and managers), or change them.

    Before the registration deadline of a published showcase. The capacity (people) is checked with
    the showcase's row locked, so two organisations registering at once never exceed it.
    """
    if not buyer_can_manage(organisation=organisation, user=actor):
        raise ShowcasePermissionDenied(_("Only an owner or manager of this buyer organisation can do this."))
    if not buyer_organisation_is_verified(organisation=organisation):
        raise VerifiedBuyerRequired()
    people = []
    errors: dict[str, list[str]] = {}
    for index, attendee in enumerate(attendees):
        try:
            people.append(
                Attendee(name=_required_text(150)(attendee.name), job_title=_optional_text(150)(attendee.job_title))
            )
        except ValueError as exc:
            errors[f"attendees.{index}"] = [str(exc)]
    if errors:
        raise ShowcaseInvalid(fields=errors)
    if not people:
        raise ShowcaseInvalid(fields={"attendees": [_("Name at least one person who will attend.")]})
    if len(people) > MAX_ATTENDEES_PER_BUYER:
        raise ShowcaseInvalid(
            fields={"attendees": [_("At most %(count)s people per organisation.") % {"count": MAX_ATTENDEES_PER_BUYER}]}
        )
    locked = _lock(showcase)
    if locked.status != Showcase.Status.PUBLISHED or timezone.now() > locked.registration_deadline:
        raise ShowcaseClosed(_("Registration for this showcase is closed."))
    registration = Registration.objects.select_for_update().filter(showcase=locked, organisation=organisation).first()
    others = showcase_attendee_count(showcase=locked, exclude_registration=registration.pk if registration else None)
    if others + len(people) > locked.capacity:
        raise ShowcaseFull(
            fields={"attendees": [_("Only %(count)s places are left.") % {"count": max(locked.capacity - others, 0)}]}
        )
    if registration is None:
        registration = Registration.objects.create(showcase=locked, organisation=organisation, registered_by=actor)
        _event(
            locked,
            ShowcaseEvent.Kind.REGISTRATION,
            actor,
            to_value=Registration.Status.REGISTERED,
            registration=registration,
        )
    elif registration.status == Registration.Status.CANCELLED:
        registration.status = Registration.Status.REGISTERED
        registration.save(update_fields=["status", "updated_at"])
        _event(
            locked,
            ShowcaseEvent.Kind.REGISTRATION,
            actor,
            from_value=Registration.Status.CANCELLED,
            to_value=Registration.Status.REGISTERED,
            registration=registration,
        )
    registration.attendees.all().delete()
    for person in people:
        person.registration = registration
    Attendee.objects.bulk_create(people)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: User) -> Registration:
    """Cancel a buyer's registration (owners and managers): its open meetings are cancelled too."""
    if not buyer_can_manage(organisation=registration.organisation, user=actor):
        raise ShowcasePermissionDenied(_("Only an owner or manager of this buyer organisation can do this."))
    _lock(registration.showcase)
    locked = Registration.objects.select_for_update().select_related("showcase").get(pk=registration.pk)
    if locked.status == Registration.Status.CANCELLED:
        return locked
    locked.status = Registration.Status.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    _event(
        locked.showcase,
        ShowcaseEvent.Kind.REGISTRATION,
        actor,
        from_value=Registration.Status.REGISTERED,
        to_value=Registration.Status.CANCELLED,
        registration=locked,
    )
    for meeting in (
        Meeting.objects.select_for_update()
        .filter(registration=locked, status__in=[Meeting.Status.REQUESTED, Meeting.Status.ACCEPTED])
        .order_by("pk")
    ):
        meeting_transition(
            meeting=meeting, to=Meeting.Status.CANCELLED, actor=actor, note=_("The buyer cancelled its registration.")
        )
    return locked


# --- meetings ----------------------------------------------------------------------------------

MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    Meeting.Status.REQUESTED: frozenset({Meeting.Status.ACCEPTED, Meeting.Status.DECLINED, Meeting.Status.CANCELLED}),
    Meeting.Status.ACCEPTED: frozenset({Meeting.Status.CANCELLED}),
    Meeting.Status.DECLINED: frozenset(),
    Meeting.Status.CANCELLED: frozenset(),
}


def meeting_transition(*, meeting: Meeting, to: str, actor: User, note: str = "") -> Meeting:
    """Move a locked meeting to ``to`` with its event; a meeting leaving "accepted" gives up its slot.

    The other side is emailed after commit (``showcases.notifications``): the request, the answer or the
    cancellation, or, for a meeting taken off a published schedule, both sides' new agendas.
    """
    if to not in MEETING_TRANSITIONS[meeting.status]:
        raise ShowcaseTransitionInvalid()
    from_status = meeting.status
    on_published_schedule = meeting.starts_at is not None and meeting.showcase.schedule_published_at is not None
    meeting.status = to
    if to != Meeting.Status.ACCEPTED:
        meeting.starts_at = meeting.ends_at = None
    meeting.save(update_fields=["status", "starts_at", "ends_at", "updated_at"])
    event = _event(
        meeting.showcase,
        ShowcaseEvent.Kind.MEETING,
        actor,
        from_value=from_status,
        to_value=to,
        note=note,
        meeting=meeting,
    )
    if on_published_schedule:  # off a published schedule: the other side gets its new agenda
        party = _meeting_party(actor, meeting)
        agendas_notify_after_commit(
            showcase_id=meeting.showcase_id,
            registration_ids=[] if party == "buyer" else [meeting.registration_id],
            participant_ids=[] if party == "producer" else [meeting.participant_id],
        )
    else:
        meeting_notify_after_commit(event_id=event.pk)
    return meeting


@transaction.atomic
def meeting_request(*, registration: Registration, participant: Participant, actor: User, note: str = "") -> Meeting:
    """A registered buyer asks a confirmed producer of the line-up for a meeting, with a note."""
    _require_buyer(actor, registration.organisation)
    note = _note(note)
    showcase = _lock(registration.showcase)
    if showcase.status != Showcase.Status.PUBLISHED or showcase.ends_at <= timezone.now():
        raise ShowcaseClosed()
    registration = Registration.objects.get(pk=registration.pk)
    participant = Participant.objects.get(pk=participant.pk)
    if (
        registration.status != Registration.Status.REGISTERED
        or participant.showcase_id != showcase.pk
        or registration.showcase_id != showcase.pk
    ):
        raise ShowcaseInvalid(fields={"participant": [_("Register for this showcase first.")]})
    if participant.status != Participant.Status.CONFIRMED:
        raise ShowcaseInvalid(fields={"participant": [_("This producer has not confirmed its participation.")]})
    if Meeting.objects.filter(
        registration=registration,
        participant=participant,
        status__in=[Meeting.Status.REQUESTED, Meeting.Status.ACCEPTED],
    ).exists():
        raise ShowcaseInvalid(fields={"participant": [_("You have asked this producer for a meeting already.")]})
    meeting = Meeting.objects.create(
        showcase=showcase, registration=registration, participant=participant, note=note, requested_by=actor
    )
    event = _event(showcase, ShowcaseEvent.Kind.MEETING, actor, to_value=Meeting.Status.REQUESTED, note=note,
                   meeting=meeting)
    meeting_notify_after_commit(event_id=event.pk)
    return meeting


def _locked_meeting(meeting: Meeting) -> Meeting:
    _lock(meeting.showcase)
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("showcase", "registration__organisation", "participant__producer")
        .get(pk=meeting.pk)
    )


@transaction.atomic
def meeting_respond(*, meeting: Meeting, actor: User, accept: bool, note: str = "") -> Meeting:
    """The producer accepts or declines a requested meeting (with a note); a repeat changes nothing."""
    _require_producer(actor, meeting.participant)
    note = _note(note)
    locked = _locked_meeting(meeting)
    to = Meeting.Status.ACCEPTED if accept else Meeting.Status.DECLINED
    if locked.status == to:
        return locked
    if locked.showcase.status != Showcase.Status.PUBLISHED:
        raise ShowcaseClosed()
    locked.response_note = note
    locked.save(update_fields=["response_note"])
    return meeting_transition(meeting=locked, to=to, actor=actor, note=note)


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: User, note: str = "") -> Meeting:
    """Either side (or an officer) cancels a requested or accepted meeting; the other side is emailed (its new
    agenda if the meeting was on a published schedule)."""
    party = _meeting_party(actor, meeting)
    if party is None:
        raise ShowcasePermissionDenied()
    note = _note(note)
    locked = _locked_meeting(meeting)
    if locked.status == Meeting.Status.CANCELLED:
        return locked
    meeting_transition(meeting=locked, to=Meeting.Status.CANCELLED, actor=actor, note=note)
    return locked


def _meeting_party(user: User, meeting: Meeting) -> str | None:
    from showcases.selectors import meeting_party

    return meeting_party(user=user, meeting=meeting)


# --- the schedule ------------------------------------------------------------------------------

REASONS = {
    scheduling.Reason.NO_SLOTS: gettext_lazy("The showcase has no time for meetings."),
    scheduling.Reason.NO_COMMON_TIME: gettext_lazy("The buyer and the producer have no available time in common."),
    scheduling.Reason.BUYER_BUSY: gettext_lazy("The buyer has other meetings at every common time."),
    scheduling.Reason.TABLE_BUSY: gettext_lazy("The producer's table is taken at every common time."),
    scheduling.Reason.BOTH_BUSY: gettext_lazy("Every common time is taken by other meetings of one side or the other."),
}


@dataclass(frozen=True)
class ScheduleResult:
    placed: int  # placed by this run
    kept: int  # already placed, kept where they were
    unplaced: list[tuple[Meeting, str]]


@transaction.atomic
def showcase_schedule_make(*, showcase: Showcase, officer: User) -> ScheduleResult:
    """Propose time slots for every accepted meeting without one (those placed before stay).

    One table per producer, slots of ``slot_minutes``; nobody (buyer organisation or table) is booked twice
    at once and both sides' availability is respected (``showcases.scheduling``). Meetings that cannot be
    placed keep no slot and say why. Parties are emailed only when the schedule is published
    (``showcase_schedule_publish``) or a published schedule changes.
    """
    _require_officer(officer)
    locked = _lock(showcase)
    if locked.status != Showcase.Status.PUBLISHED:
        raise ShowcaseClosed(_("Only a published showcase gets a schedule."))
    meetings, requests = schedule_requests(showcase=locked)
    fixed: dict[Hashable, scheduling.Slot] = {
        m.pk: scheduling.Slot(m.starts_at, m.ends_at) for m in meetings if m.starts_at and m.ends_at
    }
    schedule = scheduling.make_schedule(
        requests=requests,
        slots=showcase_slots(showcase=locked),
        availability=schedule_availability(showcase=locked),
        fixed=fixed,
    )
    unplaced, changed = [], []
    for meeting in meetings:
        if meeting.pk in fixed:
            continue
        slot = schedule.placed.get(meeting.pk)
        if slot is None:
            meeting.unscheduled_reason = str(REASONS[schedule.unplaced[meeting.pk]])
            meeting.save(update_fields=["unscheduled_reason", "updated_at"])
            unplaced.append((meeting, meeting.unscheduled_reason))
            continue
        meeting.starts_at, meeting.ends_at, meeting.unscheduled_reason = slot.start, slot.end, ""
        meeting.save(update_fields=["starts_at", "ends_at", "unscheduled_reason", "updated_at"])
        _event(
            locked,
            ShowcaseEvent.Kind.SLOT,
            officer,
            to_value=timezone.localtime(slot.start).isoformat(),
            meeting=meeting,
        )
        changed.append(meeting)
    _event(
        locked,
        ShowcaseEvent.Kind.SCHEDULE,
        officer,
        to_value="made",
        note=_("%(placed)s placed, %(kept)s kept, %(unplaced)s not placed")
        % {"placed": len(changed), "kept": len(fixed), "unplaced": len(unplaced)},
    )
    if locked.schedule_published_at and changed:
        _agendas_after_commit(locked, changed)
    return ScheduleResult(placed=len(changed), kept=len(fixed), unplaced=unplaced)


@transaction.atomic
def showcase_schedule_publish(*, showcase: Showcase, officer: User) -> Showcase:
    """Publish the schedule: every registered buyer and confirmed producer with a meeting is emailed its agenda."""
    _require_officer(officer)
    locked = _lock(showcase)
    if locked.status != Showcase.Status.PUBLISHED:
        raise ShowcaseClosed(_("Only a published showcase gets a schedule."))
    meetings = list(
        Meeting.objects.filter(showcase=locked, status=Meeting.Status.ACCEPTED, starts_at__isnull=False).order_by("pk")
    )
    if not meetings:
        raise ShowcaseInvalid(fields={"schedule": [_("No meeting has a time yet: make the schedule first.")]})
    locked.schedule_published_at = timezone.now()
    locked.save(update_fields=["schedule_published_at", "updated_at"])
    _event(locked, ShowcaseEvent.Kind.SCHEDULE, officer, to_value="published")
    _agendas_after_commit(locked, meetings)
    return locked


@transaction.atomic
def meeting_move(*, meeting: Meeting, officer: User, starts_at: datetime) -> Meeting:
    """Move an accepted meeting to the slot starting at ``starts_at`` (officers), checked as the scheduler
    checks: a slot of the showcase, both sides available, nobody and no table booked twice. Both sides are
    emailed their agenda if the schedule is published."""
    _require_officer(officer)
    locked = _locked_meeting(meeting)
    if locked.status != Meeting.Status.ACCEPTED:
        raise SlotConflict(_("Only an accepted meeting gets a time."))
    slot = next((s for s in showcase_slots(showcase=locked.showcase) if s.start == starts_at), None)
    if slot is None:
        raise SlotConflict(fields={"starts_at": [_("Choose one of the showcase's slots.")]})
    meetings, requests = schedule_requests(showcase=locked.showcase)
    by_key = {request.key: request for request in requests}
    request = by_key.get(locked.pk)
    if request is None:
        raise SlotConflict(_("The buyer or the producer no longer takes part."))
    booked = [
        (by_key[m.pk], scheduling.Slot(m.starts_at, m.ends_at))
        for m in meetings
        if m.pk != locked.pk and m.starts_at and m.ends_at
    ]
    problems = scheduling.conflicts(
        request, slot, booked=booked, availability=schedule_availability(showcase=locked.showcase)
    )
    if problems:
        raise SlotConflict(fields={"starts_at": [str(CONFLICTS[problem]) for problem in problems]})
    before = timezone.localtime(locked.starts_at).isoformat() if locked.starts_at else ""
    locked.starts_at, locked.ends_at, locked.unscheduled_reason = slot.start, slot.end, ""
    locked.save(update_fields=["starts_at", "ends_at", "unscheduled_reason", "updated_at"])
    _event(
        locked.showcase,
        ShowcaseEvent.Kind.SLOT,
        officer,
        from_value=before,
        to_value=timezone.localtime(slot.start).isoformat(),
        meeting=locked,
    )
    if locked.showcase.schedule_published_at:
        _agendas_after_commit(locked.showcase, [locked])
    return locked


CONFLICTS = {
    scheduling.Reason.NO_COMMON_TIME: gettext_lazy("The buyer or the producer is not available then."),
    scheduling.Reason.BUYER_BUSY: gettext_lazy("The buyer has another meeting then."),
    scheduling.Reason.TABLE_BUSY: gettext_lazy("The producer's table is taken then."),
}


def _agendas_after_commit(showcase: Showcase, meetings: Sequence[Meeting]) -> None:
    agendas_notify_after_commit(
        showcase_id=showcase.pk,
        registration_ids=sorted({m.registration_id for m in meetings}),
        participant_ids=sorted({m.participant_id for m in meetings}),
    )


# --- outcomes ----------------------------------------------------------------------------------


def meeting_outcome_set(*, meeting: Meeting, actor: User, outcome: str, note: str = "") -> Meeting:
    """Record a locked accepted meeting's outcome with its event (composes in the caller's transaction, e.g.
    ``orders`` placing an order from the meeting). Setting the same outcome and note again records nothing."""
    if outcome not in Outcome.values:
        raise ShowcaseInvalid(fields={"outcome": [_("Choose an outcome from the list.")]})
    note = _note(note, limit=2000)
    if meeting.status != Meeting.Status.ACCEPTED:
        raise ShowcaseInvalid(fields={"outcome": [_("Only an accepted meeting has an outcome.")]})
    if meeting.outcome == outcome and meeting.outcome_note == note:
        return meeting
    before = meeting.outcome
    meeting.outcome, meeting.outcome_note, meeting.outcome_at = outcome, note, timezone.now()
    meeting.save(update_fields=["outcome", "outcome_note", "outcome_at", "updated_at"])
    _event(
        meeting.showcase,
        ShowcaseEvent.Kind.OUTCOME,
        actor,
        from_value=before,
        to_value=outcome,
        note=note,
        meeting=meeting,
    )
    return meeting


@transaction.atomic
def meeting_outcome_record(*, meeting: Meeting, actor: User, outcome: str, note: str = "") -> Meeting:
    """Either side of the meeting, or an officer, records its outcome with a note.

    "Order placed" is recorded by placing or linking the order (``orders``), so that it names a real one.
    """
    if _meeting_party(actor, meeting) is None:
        raise ShowcasePermissionDenied()
    if outcome == Outcome.ORDER_PLACED:
        raise ShowcaseInvalid(
            fields={
                "outcome": [_("“Order placed” is recorded by starting an order from the meeting or linking an order.")]
            }
        )
    locked = _locked_meeting(meeting)
    return meeting_outcome_set(meeting=locked, actor=actor, outcome=outcome, note=note)


def meeting_lock_for_order(*, meeting: Meeting) -> Meeting:
    """Lock the meeting (after its showcase) for ``orders`` to link an order; composes in its transaction."""
    return _locked_meeting(meeting)
