"""Helpers for the showcases tests: a published showcase with a confirmed line-up and a registered buyer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from showcases.models import Meeting, Participant, Registration, Showcase
from showcases.services import (
    AttendeeData,
    ShowcaseData,
    meeting_request,
    meeting_respond,
    participant_invite,
    participant_respond,
    registration_save,
    showcase_create,
    showcase_status_set,
)
from tests.orders.factories import OfficerFactory, buyer_organisation, on_sale, owner_of, verified_producer


def jakarta(days: int, hour: int, minute: int = 0) -> datetime:
    """Return a time ``days`` from today at ``hour:minute`` in Asia/Jakarta."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def showcase_data(**overrides) -> ShowcaseData:
    values = {
        "title": "Gelar Produk Jember",
        "starts_at": jakarta(10, 9),
        "ends_at": jakarta(10, 12),
        "registration_deadline": jakarta(8, 17),
        "capacity": 50,
        "slot_minutes": 30,
        "venue": "Gedung Serbaguna Jember",
        "theme": "Kopi dan camilan",
    }
    values.update(overrides)
    return ShowcaseData(**values)


def published_showcase(*, officer=None, **overrides) -> Showcase:
    officer = officer or OfficerFactory()
    showcase = showcase_create(officer=officer, data=showcase_data(**overrides))
    return showcase_status_set(showcase=showcase, officer=officer, to=Showcase.Status.PUBLISHED)


def confirmed_participant(
    showcase: Showcase, *, officer=None, table: int | None = None, producer=None, products: int = 1
) -> Participant:
    officer = officer or OfficerFactory()
    producer = producer or verified_producer()
    items = [on_sale(producer=producer) for _ in range(products)]
    participant = participant_invite(
        showcase=showcase, officer=officer, producer=producer, product_ids=[p.pk for p in items], table_number=table
    )
    return participant_respond(participant=participant, actor=owner_of(producer), confirm=True)


def registered_buyer(showcase: Showcase, *, people: int = 1):
    """Return (registration, owner)."""
    organisation, owner, _outlet = buyer_organisation(credit_limit=None)
    registration = registration_save(
        showcase=showcase,
        organisation=organisation,
        actor=owner,
        attendees=[AttendeeData(name=f"Bu Sari {i}", job_title="Pembeli") for i in range(people)],
    )
    return registration, owner


def accepted_meeting(
    showcase: Showcase, *, registration: Registration | None = None, owner=None, participant: Participant | None = None
) -> Meeting:
    if registration is None:
        registration, owner = registered_buyer(showcase)
    participant = participant or confirmed_participant(showcase)
    meeting = meeting_request(registration=registration, participant=participant, actor=owner, note="Minta katalog")
    return meeting_respond(meeting=meeting, actor=owner_of(participant.producer), accept=True)


@dataclass
class World:
    showcase: Showcase
    officer: object
    registration: Registration
    buyer: object
    participant: Participant
    producer_user: object
