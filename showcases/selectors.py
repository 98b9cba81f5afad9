"""Reads of the showcases app: public pages, the line-up ranked for a buyer, agendas, the report.

Who may see what is decided here (``access_*``): a buyer organisation sees its own registration and
meetings, a producer its own participation and meetings, officers everything; anyone else gets a
``NotFound``. Orders that followed a meeting are read through the reverse relation ``Meeting.orders``
(``orders.Order.showcase_meeting``), without importing ``orders``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from buyers.selectors import buyer_criteria_get, buyer_member_role, buyer_organisation_is_verified
from catalog.models import Product
from catalog.selectors import (
    category_ids_with_descendants,
    producer_ids_for_user,
    product_list_annotate_for_buyer,
    product_list_public,
)
from catalog.selectors.programme import Area
from market.accounts.models import Membership, Organisation, User
from showcases.exceptions import MeetingNotFound, ParticipantNotFound, RegistrationNotFound, ShowcaseNotFound
from showcases.models import (
    LEAD_OUTCOMES,
    Attendee,
    Availability,
    Meeting,
    Outcome,
    Participant,
    Registration,
    Showcase,
    ShowcaseEvent,
)
from showcases.scheduling import Request, Slot

FOLLOW_UP_DAYS = 90  # orders placed within this many days after a meeting count as its result
PUBLIC_STATUSES = (Showcase.Status.PUBLISHED, Showcase.Status.CLOSED)
# Orders that count as a result: every status but declined or cancelled (expired unpaid ones are cancelled).
COUNTED_ORDER_STATUSES = ("awaiting_payment", "placed", "accepted", "packed", "shipped", "delivered", "completed")


def _is_officer(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_officer)


# --- showcases ---------------------------------------------------------------------------------


def showcase_list_public(*, past: bool, now: datetime | None = None) -> QuerySet[Showcase]:
    """Return published or closed showcases: upcoming (still running or to come, soonest first) or past
    (ended, latest first), with ``participant_count`` (confirmed producers)."""
    now = now or timezone.now()
    confirmed = Count("participants", filter=Q(participants__status=Participant.Status.CONFIRMED), distinct=True)
    qs = Showcase.objects.filter(status__in=PUBLIC_STATUSES).annotate(participant_count=confirmed)
    if past:
        return qs.filter(ends_at__lte=now).order_by("-starts_at", "pk")
    return qs.filter(ends_at__gt=now).order_by("starts_at", "pk")


def showcase_get_public(*, pk: int) -> Showcase:
    """Return a published or closed showcase; a draft or cancelled one (or none) is ``ShowcaseNotFound``."""
    showcase = Showcase.objects.filter(pk=pk, status__in=PUBLIC_STATUSES).first()
    if showcase is None:
        raise ShowcaseNotFound()
    return showcase


def showcase_list_for_officers() -> QuerySet[Showcase]:
    """Return every showcase, latest first, with counts of producers, registrations and meetings."""
    return Showcase.objects.annotate(
        participant_count=Count(
            "participants", filter=Q(participants__status=Participant.Status.CONFIRMED), distinct=True
        ),
        registration_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.REGISTERED), distinct=True
        ),
        meeting_count=Count("meetings", distinct=True),
    ).order_by("-starts_at", "pk")


def showcase_get_for_officers(*, user: User, pk: int) -> Showcase:
    """Return any showcase for an active officer; anyone else gets ``ShowcaseNotFound``."""
    if not _is_officer(user):
        raise ShowcaseNotFound()
    showcase = Showcase.objects.filter(pk=pk).first()
    if showcase is None:
        raise ShowcaseNotFound()
    return showcase


def showcase_event_list(*, showcase: Showcase, limit: int = 50) -> QuerySet[ShowcaseEvent]:
    """Return the showcase's latest events with who made them, newest first."""
    return showcase.events.select_related("actor").order_by("-created_at", "-pk")[:limit]


def showcase_attendee_count(*, showcase: Showcase, exclude_registration: int | None = None) -> int:
    """Return how many people are registered to attend (registrations not cancelled)."""
    qs = Attendee.objects.filter(registration__showcase=showcase, registration__status=Registration.Status.REGISTERED)
    if exclude_registration is not None:
        qs = qs.exclude(registration_id=exclude_registration)
    return qs.count()


def showcase_slots(*, showcase: Showcase) -> list[Slot]:
    """Return the meeting slots of the showcase, ``slot_minutes`` long.

    A showcase on one day has slots from its start to its end. One over several days has them every
    day between the start's and the end's time of day (Asia/Jakarta), e.g. 09.00–16.00 each day.
    """
    start, end = timezone.localtime(showcase.starts_at), timezone.localtime(showcase.ends_at)
    length = timedelta(minutes=showcase.slot_minutes)
    windows: list[tuple[datetime, datetime]] = []
    if start.date() == end.date() or end.timetz() <= start.timetz():
        windows.append((start, end))
    else:
        day = start
        while day.date() <= end.date():
            day_end = day.replace(hour=end.hour, minute=end.minute, second=end.second, microsecond=0)
            windows.append((day, day_end))
            day = timezone.make_aware(
                datetime.combine(day.date() + timedelta(days=1), start.time()), timezone.get_current_timezone()
            )
    slots = []
    for window_start, window_end in windows:
        cursor = window_start
        while cursor + length <= window_end:
            slots.append(Slot(cursor, cursor + length))
            cursor += length
    return slots


# --- line-up -----------------------------------------------------------------------------------


def _public_products() -> QuerySet[Product]:
    return product_list_public().select_related(None).select_related("producer")


def participant_list(*, showcase: Showcase, statuses: tuple[str, ...] | None = None) -> QuerySet[Participant]:
    """Return the showcase's participants with producer, village, district and the products they show that
    are still public (two queries with any number of rows)."""
    qs = (
        showcase.participants.select_related("producer__village__district", "producer__organisation")
        .prefetch_related(Prefetch("products", queryset=_public_products().order_by("name", "pk")))
        .order_by(F("table_number").asc(nulls_last=True), "producer__name", "pk")
    )
    return qs.filter(status__in=statuses) if statuses else qs


def lineup_participant_get(*, showcase: Showcase, pk: int) -> Participant:
    """Return a participant of the showcase's line-up with its public products; else ``ParticipantNotFound``."""
    participant = participant_list(showcase=showcase).filter(pk=pk).first()
    if participant is None:
        raise ParticipantNotFound()
    return participant


def lineup_by_village(*, showcase: Showcase) -> list[dict]:
    """Return the confirmed line-up grouped by village (``{"village", "district", "participants"}``), by name."""
    groups: dict[str, dict] = {}
    for participant in participant_list(showcase=showcase, statuses=(Participant.Status.CONFIRMED,)):
        village = participant.producer.village
        group = groups.setdefault(village.code, {"village": village, "district": village.district, "participants": []})
        group["participants"].append(participant)
    return sorted(groups.values(), key=lambda group: (group["village"].name, group["village"].code))


def lineup_product_choices(*, producer_id: int) -> QuerySet[Product]:
    """Return the products an officer may put in a producer's line-up: its public (listed, approved) ones of a
    coached village, by name."""
    return product_list_public().filter(producer_id=producer_id)


def lineup_producer_choices(*, showcase: Showcase):
    """Return the verified producers of coached villages with public products, not yet in the line-up, by name."""
    from catalog.models import Producer

    public = product_list_public().filter(producer_id=OuterRef("pk"))
    return (
        Producer.objects.filter(Exists(public))
        .exclude(showcase_participations__showcase=showcase)
        .select_related("village")
        .order_by("name", "pk")
    )


@dataclass
class RankedParticipant:
    participant: Participant
    score: int
    for_you: int  # products retail-ready for the buyer
    in_categories: int  # products in the buyer's categories of interest
    products: list = field(default_factory=list)
    meeting: Meeting | None = None


def lineup_ranked_for_buyer(*, showcase: Showcase, organisation: Organisation) -> list[RankedParticipant]:
    """Return the confirmed line-up ranked by fit with the buyer's preferences, best first.

    Fit: each product "retail-ready for you" (``catalog.selectors.product_for_buyer_q`` with the buyer's
    criteria) counts 3, each product in the buyer's categories of interest 1 more; ties by table, then
    name. The buyer's open or past meeting with each producer comes along. Four queries in all.
    """
    criteria = buyer_criteria_get(organisation=organisation)
    participants = list(participant_list(showcase=showcase, statuses=(Participant.Status.CONFIRMED,)))
    product_ids = [product.pk for participant in participants for product in participant.products.all()]
    annotated = {
        product.pk: product
        for product in product_list_annotate_for_buyer(
            product_list_public().filter(pk__in=product_ids), criteria=criteria
        )
    }
    categories = category_ids_with_descendants(ids=criteria.category_ids) if criteria.category_ids else frozenset()
    meetings = {
        meeting.participant_id: meeting
        for meeting in Meeting.objects.filter(showcase=showcase, registration__organisation=organisation).order_by("pk")
    }
    ranked = []
    for participant in participants:
        products = [annotated[p.pk] for p in participant.products.all() if p.pk in annotated]
        for_you = sum(1 for product in products if getattr(product, "for_buyer", False))
        in_categories = sum(
            1 for product in products if categories and product.approved_snapshot.get("category_id") in categories
        )
        ranked.append(
            RankedParticipant(
                participant=participant,
                score=3 * for_you + in_categories,
                for_you=for_you,
                in_categories=in_categories,
                products=products,
                meeting=meetings.get(participant.pk),
            )
        )
    ranked.sort(key=lambda row: (-row.score, row.participant.table_number or 10_000, row.participant.producer.name))
    return ranked


# --- who is who --------------------------------------------------------------------------------


def registration_get(*, showcase: Showcase, organisation: Organisation) -> Registration | None:
    """Return the organisation's registration for the showcase with its attendees, or ``None``."""
    return (
        Registration.objects.filter(showcase=showcase, organisation=organisation).prefetch_related("attendees").first()
    )


def registration_list(*, showcase: Showcase) -> QuerySet[Registration]:
    """Return the showcase's registrations with organisation and attendees, by organisation name (officers)."""
    return (
        showcase.registrations.select_related("organisation")
        .prefetch_related("attendees")
        .order_by("organisation__name", "pk")
    )


def buyer_can_register(*, organisation: Organisation | None) -> bool:
    """Return whether the organisation may register for showcases (a verified buyer organisation)."""
    return buyer_organisation_is_verified(organisation=organisation)


def access_registration(*, user: User, pk: int) -> Registration:
    """Return the registration to a member of its organisation or an officer; else ``RegistrationNotFound``."""
    qs = Registration.objects.select_related("showcase", "organisation")
    if not _is_officer(user):
        if not (user.is_authenticated and user.is_active):
            raise RegistrationNotFound()
        qs = qs.filter(organisation__memberships__user=user)
    registration = qs.filter(pk=pk).first()
    if registration is None:
        raise RegistrationNotFound()
    return registration


def access_participant(*, user: User, pk: int) -> Participant:
    """Return the participation to one of the producer's people or an officer; else ``ParticipantNotFound``."""
    qs = Participant.objects.select_related("showcase", "producer__village")
    if not _is_officer(user):
        if not (user.is_authenticated and user.is_active):
            raise ParticipantNotFound()
        qs = qs.filter(producer_id__in=producer_ids_for_user(user=user))
    participant = qs.filter(pk=pk).first()
    if participant is None:
        raise ParticipantNotFound()
    return participant


def participation_list_for_user(*, user: User) -> QuerySet[Participant]:
    """Return the user's producers' participations in showcases not cancelled nor draft, the soonest first."""
    if not (user.is_authenticated and user.is_active):
        return Participant.objects.none()
    return (
        Participant.objects.filter(
            producer_id__in=producer_ids_for_user(user=user), showcase__status__in=PUBLIC_STATUSES
        )
        .select_related("showcase", "producer")
        .order_by("-showcase__starts_at", "pk")
    )


def registration_list_for_user(*, user: User) -> QuerySet[Registration]:
    """Return the registrations of the user's buyer organisations, the latest showcase first."""
    if not (user.is_authenticated and user.is_active):
        return Registration.objects.none()
    return (
        Registration.objects.filter(organisation__memberships__user=user)
        .select_related("showcase", "organisation")
        .order_by("-showcase__starts_at", "pk")
    )


def availability_list(
    *, participant: Participant | None = None, registration: Registration | None = None
) -> QuerySet[Availability]:
    """Return one party's availability windows, in time order."""
    if participant is not None:
        return Availability.objects.filter(participant=participant).order_by("starts_at", "pk")
    return Availability.objects.filter(registration=registration).order_by("starts_at", "pk")


# --- meetings ----------------------------------------------------------------------------------


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("showcase", "registration__organisation", "participant__producer__village")


def meeting_list_for_registration(*, registration: Registration) -> QuerySet[Meeting]:
    """Return the buyer's meetings of the showcase, scheduled first by time."""
    return _meetings().filter(registration=registration).order_by(F("starts_at").asc(nulls_last=True), "pk")


def meeting_list_for_participant(*, participant: Participant) -> QuerySet[Meeting]:
    """Return the producer's meetings of the showcase (requests first, then by time)."""
    return _meetings().filter(participant=participant).order_by(F("starts_at").asc(nulls_last=True), "pk")


def meeting_list_for_officers(*, showcase: Showcase) -> QuerySet[Meeting]:
    """Return every meeting of the showcase, scheduled first by time, then by table."""
    return (
        _meetings()
        .filter(showcase=showcase)
        .order_by(F("starts_at").asc(nulls_last=True), "participant__table_number", "pk")
    )


def meeting_party(*, user: User, meeting: Meeting) -> str | None:
    """Return which side ``user`` is on for the meeting: "buyer", "producer", "officer", or ``None``."""
    if _is_officer(user):
        return "officer"
    if buyer_member_role(organisation=meeting.registration.organisation, user=user) is not None:
        return "buyer"
    if user.is_authenticated and producer_ids_for_user(user=user).filter(pk=meeting.participant.producer_id).exists():
        return "producer"
    return None


def access_meeting(*, user: User, pk: int) -> Meeting:
    """Return the meeting to its buyer organisation's members, its producer's people or an officer; anyone
    else (another organisation included) gets ``MeetingNotFound``."""
    if not (user.is_authenticated and user.is_active):
        raise MeetingNotFound()
    qs = _meetings()
    if not _is_officer(user):
        mine = Q(registration__organisation__in=Membership.objects.filter(user=user).values("organisation_id"))
        mine |= Q(participant__producer_id__in=producer_ids_for_user(user=user))
        qs = qs.filter(mine)
    meeting = qs.filter(pk=pk).first()
    if meeting is None:
        raise MeetingNotFound()
    return meeting


def meeting_list_for_user(*, user: User) -> QuerySet[Meeting]:
    """Return the meetings of the user's buyer organisations and producers (never another organisation's),
    the latest showcase first."""
    if not (user.is_authenticated and user.is_active):
        return Meeting.objects.none()
    mine = Q(registration__organisation__in=Membership.objects.filter(user=user).values("organisation_id"))
    mine |= Q(participant__producer_id__in=producer_ids_for_user(user=user))
    return _meetings().filter(mine).order_by("-showcase__starts_at", F("starts_at").asc(nulls_last=True), "pk")


def meeting_event_list(*, meeting: Meeting) -> QuerySet[ShowcaseEvent]:
    return meeting.events.select_related("actor").order_by("created_at", "pk")


def schedule_requests(*, showcase: Showcase) -> tuple[list[Meeting], list[Request]]:
    """Return the accepted meetings and their scheduling requests (buyer: the registration, table: the
    participant) for ``showcases.scheduling``."""
    meetings = list(
        Meeting.objects.filter(
            showcase=showcase,
            status=Meeting.Status.ACCEPTED,
            registration__status=Registration.Status.REGISTERED,
            participant__status=Participant.Status.CONFIRMED,
        ).order_by("created_at", "pk")
    )
    return meetings, [
        Request(key=m.pk, buyer=("registration", m.registration_id), table=("participant", m.participant_id))
        for m in meetings
    ]


def schedule_availability(*, showcase: Showcase) -> dict:
    """Return every party's availability windows, keyed as ``schedule_requests`` names the parties."""
    windows: dict = defaultdict(list)
    for row in Availability.objects.filter(showcase=showcase).order_by("starts_at", "pk"):
        party = ("participant", row.participant_id) if row.participant_id else ("registration", row.registration_id)
        windows[party].append(Slot(row.starts_at, row.ends_at))
    return dict(windows)


# --- the report --------------------------------------------------------------------------------


def _followed_orders(prefix: str = "") -> Q:
    """Orders linked to a meeting and placed within ``FOLLOW_UP_DAYS`` of its start (or of its request if it
    was never scheduled)."""
    return Q(**{f"{prefix}orders__status__in": COUNTED_ORDER_STATUSES}) & Q(
        **{
            f"{prefix}orders__created_at__lte": Coalesce(F(f"{prefix}starts_at"), F(f"{prefix}created_at"))
            + timedelta(days=FOLLOW_UP_DAYS)
        }
    )


# A placement counts once both sides agreed it (placements.Placement.Status, read by value: placements sits
# above showcases and records the meeting in ``Placement.showcase_meeting``, read here as ``Meeting.placements``).
AGREED_PLACEMENT_STATUSES = ("agreed", "on_shelf", "ended")


def _followed_placements(prefix: str = "") -> Q:
    """Agreed placements linked to a meeting and proposed within ``FOLLOW_UP_DAYS`` of its start."""
    return Q(**{f"{prefix}placements__status__in": AGREED_PLACEMENT_STATUSES}) & Q(
        **{
            f"{prefix}placements__created_at__lte": Coalesce(F(f"{prefix}starts_at"), F(f"{prefix}created_at"))
            + timedelta(days=FOLLOW_UP_DAYS)
        }
    )


def _placements_by_meeting(meetings) -> dict[int, int]:
    return dict(
        meetings.filter(_followed_placements()).values_list("pk").annotate(n=Count("placements", distinct=True))
        .order_by()
    )


def showcase_report(*, showcase: Showcase) -> dict:
    """Return what the showcase led to, counted from the records (never typed-in numbers).

    ``requested``: meetings asked for; ``accepted``, ``declined``, ``cancelled``; ``held``: accepted
    meetings with an outcome; ``outcomes``: per kind; ``leads``: meetings whose outcome is samples,
    quote, order or placement; ``orders``/``orders_value``: orders linked to its meetings
    (``Order.showcase_meeting``, read through ``Meeting.orders``) placed within 90 days of the meeting;
    ``placements``: placements on shelves agreed from its meetings (``Placement.showcase_meeting``) and
    proposed within 90 days; ``rows``: per meeting (for the officers' page and CSV).
    """
    meetings = Meeting.objects.filter(showcase=showcase)
    by_status = dict(meetings.values_list("status").annotate(n=Count("pk")).order_by())
    by_outcome = dict(meetings.exclude(outcome="").values_list("outcome").annotate(n=Count("pk")).order_by())
    followed = _followed_orders()
    rows = list(
        meetings.select_related("registration__organisation", "participant__producer")
        .annotate(
            order_count=Count("orders", filter=followed, distinct=True),
            order_value=Coalesce(Sum("orders__total", filter=followed), 0),
        )
        .order_by(F("starts_at").asc(nulls_last=True), "pk")
    )
    placements = _placements_by_meeting(meetings)  # its own query: a second join would multiply the sums
    for row in rows:
        setattr(row, "placement_count", placements.get(row.pk, 0))  # noqa: B010 (not an annotation mypy knows)
    return {
        "requested": sum(by_status.values()),
        "accepted": by_status.get(Meeting.Status.ACCEPTED, 0),
        "declined": by_status.get(Meeting.Status.DECLINED, 0),
        "cancelled": by_status.get(Meeting.Status.CANCELLED, 0),
        "held": meetings.filter(status=Meeting.Status.ACCEPTED).exclude(outcome="").count(),
        "outcomes": [
            {"kind": kind, "label": label, "count": by_outcome.get(kind, 0)} for kind, label in Outcome.choices
        ],
        "leads": sum(by_outcome.get(kind, 0) for kind in LEAD_OUTCOMES),
        "orders": sum(row.order_count for row in rows),
        "orders_value": sum(row.order_value for row in rows),
        "placements": sum(placements.values()),
        "rows": rows,
    }


def showcase_public_summary(*, showcase: Showcase) -> dict:
    """Return the counts a past showcase shows publicly: producers, buyer organisations, meetings held,
    leads and orders (no names)."""
    report = showcase_report(showcase=showcase)
    return {
        "producers": showcase.participants.filter(status=Participant.Status.CONFIRMED).count(),
        "buyers": showcase.registrations.filter(status=Registration.Status.REGISTERED).count(),
        "meetings": report["held"],
        "leads": report["leads"],
        "orders": report["orders"],
        "placements": report["placements"],
    }


def showcase_summaries(*, showcases: list[Showcase]) -> dict[int, dict]:
    """Return ``showcase_public_summary`` for each of ``showcases`` in a fixed number of queries, by pk."""
    ids = [showcase.pk for showcase in showcases]
    if not ids:
        return {}
    producers = dict(
        Participant.objects.filter(showcase_id__in=ids, status=Participant.Status.CONFIRMED)
        .values_list("showcase_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    buyers = dict(
        Registration.objects.filter(showcase_id__in=ids, status=Registration.Status.REGISTERED)
        .values_list("showcase_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    meetings = Meeting.objects.filter(showcase_id__in=ids)
    held = dict(
        meetings.filter(status=Meeting.Status.ACCEPTED)
        .exclude(outcome="")
        .values_list("showcase_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    leads = dict(
        meetings.filter(outcome__in=LEAD_OUTCOMES).values_list("showcase_id").annotate(n=Count("pk")).order_by()
    )
    orders = dict(
        meetings.filter(_followed_orders())
        .values_list("showcase_id")
        .annotate(n=Count("orders", distinct=True))
        .order_by()
    )
    placements = dict(
        meetings.filter(_followed_placements())
        .values_list("showcase_id")
        .annotate(n=Count("placements", distinct=True))
        .order_by()
    )
    return {
        pk: {
            "producers": producers.get(pk, 0),
            "buyers": buyers.get(pk, 0),
            "meetings": held.get(pk, 0),
            "leads": leads.get(pk, 0),
            "orders": orders.get(pk, 0),
            "placements": placements.get(pk, 0),
        }
        for pk in ids
    }


def meeting_ids_for_order_link(*, organisation_id: int | None, producer_ids: list[int]) -> dict[int, int]:
    """Return ``{producer id: meeting id}`` of accepted meetings this buyer organisation had with these producers
    (a helper for ``orders``; the latest meeting per producer)."""
    if organisation_id is None:
        return {}
    rows = (
        Meeting.objects.filter(
            registration__organisation_id=organisation_id,
            status=Meeting.Status.ACCEPTED,
            participant__producer_id__in=producer_ids,
        )
        .order_by("pk")
        .values_list("participant__producer_id", "pk")
    )
    return dict(rows)


def meeting_for_order(*, meeting_id: int, organisation_id: int | None) -> Meeting:
    """Return the accepted meeting ``meeting_id`` of the buyer organisation, to link an order to it; another
    organisation's, a consumer's or an unknown meeting is ``MeetingNotFound``."""
    meeting = (
        Meeting.objects.select_related("participant", "registration")
        .filter(pk=meeting_id, status=Meeting.Status.ACCEPTED, registration__organisation_id=organisation_id)
        .first()
        if organisation_id is not None
        else None
    )
    if meeting is None:
        raise MeetingNotFound()
    return meeting


def meeting_follow_up_until(meeting: Meeting) -> datetime:
    """Return until when an order counts as following the meeting (90 days after it, or after the request)."""
    return (meeting.starts_at or meeting.created_at) + timedelta(days=FOLLOW_UP_DAYS)


# --- agendas -----------------------------------------------------------------------------------


def agenda_meetings(
    *, registration: Registration | None = None, participant: Participant | None = None
) -> list[Meeting]:
    """Return one side's scheduled (accepted, with a time) meetings, in time order."""
    qs = _meetings().filter(status=Meeting.Status.ACCEPTED, starts_at__isnull=False)
    qs = qs.filter(registration=registration) if registration is not None else qs.filter(participant=participant)
    return list(qs.order_by("starts_at", "pk"))


def agenda_calendar(
    *, showcase: Showcase, meetings: list[Meeting], side: str, site_url: str, now: datetime | None = None
) -> str:
    """Return one side's agenda (``side``: "buyer" or "producer") as an iCalendar file."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from showcases.ics import CalendarEvent, calendar_write

    host = site_url.split("://", 1)[-1].split("/", 1)[0] or "kampung-industri"
    events = []
    for meeting in meetings:
        assert meeting.starts_at is not None and meeting.ends_at is not None
        table = meeting.participant.table_number
        other = meeting.participant.producer.name if side == "buyer" else meeting.registration.organisation.name
        summary = _("Meeting with %(other)s") % {"other": other}
        if table:
            summary += " · " + _("table %(number)s") % {"number": table}
        events.append(
            CalendarEvent(
                uid=f"showcase-meeting-{meeting.pk}@{host}",
                start=meeting.starts_at,
                end=meeting.ends_at,
                summary=f"{summary} ({showcase.title})",
                location=showcase.venue or showcase.online_url,
                description=meeting.note,
                url=site_url.rstrip("/") + reverse("frontend:showcase-meeting", kwargs={"pk": meeting.pk}),
            )
        )
    return calendar_write(name=showcase.title, events=events, now=now or timezone.now())


def meeting_products(*, meeting: Meeting) -> QuerySet[Product]:
    """Return the products the meeting's producer shows at the showcase that are still on sale, by name."""
    return product_list_public().filter(pk__in=meeting.participant.products.values("pk"))


def showcase_outcomes_for_village(*, village_code: str, since) -> dict[str, int]:
    """Return the outcomes of the showcase meetings a village's producers held since ``since`` (by kind),
    with ``held`` (meetings with an outcome) and ``leads`` (samples, quote, order or placement)."""
    meetings = Meeting.objects.filter(participant__producer__village_id=village_code, status=Meeting.Status.ACCEPTED,
                                      showcase__starts_at__gte=since).exclude(outcome="")
    by_outcome = dict(meetings.values_list("outcome").annotate(n=Count("pk")).order_by())
    return {"held": sum(by_outcome.values()),
            "leads": sum(by_outcome.get(kind, 0) for kind in LEAD_OUTCOMES),
            **{kind: by_outcome.get(kind, 0) for kind, _label in Outcome.choices}}


# --- the programme cockpit -------------------------------------------------------------------------


def showcase_programme_figures(*, area: Area, start: date, end: date, now: datetime | None = None) -> dict:
    """Return the showcase figures of the programme cockpit: showcases held (published or closed, begun
    by ``now``) that began between ``start`` and ``end`` with a confirmed producer of ``area``'s villages,
    and what those producers did there. Six queries whatever the number of showcases and meetings.

    ``held``; ``producers`` (distinct confirmed producers of the area); ``buyers`` (distinct buyer
    organisations registered at those showcases); ``requested``/``meetings`` (meetings asked of the
    area's producers / held: accepted with an outcome), ``leads`` and ``outcomes`` as in
    ``showcase_report``; ``orders``/``orders_value`` and ``placements`` that followed those meetings
    (within ``FOLLOW_UP_DAYS``, as the showcase report counts them); ``rows``: the same per showcase,
    oldest first.
    """
    now = now or timezone.now()
    participants = Participant.objects.filter(
        area.q("producer__village_id"), status=Participant.Status.CONFIRMED, showcase__status__in=PUBLIC_STATUSES,
        showcase__starts_at__date__gte=start, showcase__starts_at__date__lte=end, showcase__starts_at__lte=now)
    showcases = list(Showcase.objects.filter(pk__in=participants.values("showcase_id")).order_by("starts_at", "pk"))
    ids = [showcase.pk for showcase in showcases]
    producers: dict[int, set[int]] = defaultdict(set)
    for showcase_id, producer_id in participants.values_list("showcase_id", "producer_id"):
        producers[showcase_id].add(producer_id)
    buyers: dict[int, set[int]] = defaultdict(set)
    for showcase_id, organisation_id in (Registration.objects.filter(showcase_id__in=ids,
                                                                     status=Registration.Status.REGISTERED)
                                         .values_list("showcase_id", "organisation_id")):
        buyers[showcase_id].add(organisation_id)
    meetings = Meeting.objects.filter(showcase_id__in=ids, participant__in=participants)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_outcome: dict[str, int] = defaultdict(int)
    for showcase_id, status, outcome, n in (meetings.values_list("showcase_id", "status", "outcome")
                                            .annotate(n=Count("pk")).order_by()):
        counts[showcase_id]["requested"] += n
        if status == Meeting.Status.ACCEPTED and outcome:
            counts[showcase_id]["meetings"] += n
        if outcome:
            by_outcome[outcome] += n
        if outcome in LEAD_OUTCOMES:
            counts[showcase_id]["leads"] += n
    followed = _followed_orders()
    for showcase_id, n, value in (meetings.values_list("showcase_id")
                                  .annotate(n=Count("orders", filter=followed, distinct=True),
                                            value=Coalesce(Sum("orders__total", filter=followed), 0)).order_by()):
        counts[showcase_id]["orders"] += n
        counts[showcase_id]["orders_value"] += value
    for showcase_id, n in _placements_by_showcase(meetings).items():
        counts[showcase_id]["placements"] += n
    figures = ("requested", "meetings", "leads", "orders", "orders_value", "placements")
    rows = [{"showcase": showcase, "producers": len(producers[showcase.pk]), "buyers": len(buyers[showcase.pk]),
             **{figure: counts[showcase.pk][figure] for figure in figures}} for showcase in showcases]
    return {
        "held": len(showcases),
        "producers": len(set().union(*producers.values())), "buyers": len(set().union(*buyers.values())),
        **{figure: sum(row[figure] for row in rows) for figure in figures},
        "outcomes": [{"kind": kind, "label": label, "count": by_outcome.get(kind, 0)}
                     for kind, label in Outcome.choices],
        "rows": rows,
    }


def _placements_by_showcase(meetings) -> dict[int, int]:
    return dict(meetings.filter(_followed_placements()).values_list("showcase_id")
                .annotate(n=Count("placements", distinct=True)).order_by())
