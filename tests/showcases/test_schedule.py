"""The schedule service, moving a meeting by hand, agendas by email after commit and as an iCalendar file."""

import re
from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from showcases.exceptions import ShowcaseInvalid, SlotConflict
from showcases.models import Meeting, ShowcaseEvent
from showcases.selectors import agenda_calendar, agenda_meetings, showcase_slots
from showcases.services import (
    availability_set,
    meeting_move,
    showcase_schedule_make,
    showcase_schedule_publish,
)
from tests.orders.factories import OfficerFactory, owner_of
from tests.showcases.factories import (
    accepted_meeting,
    confirmed_participant,
    jakarta,
    published_showcase,
    registered_buyer,
)

pytestmark = pytest.mark.django_db


def test_slots_follow_the_showcase_hours_every_day():
    showcase = published_showcase(starts_at=jakarta(10, 9), ends_at=jakarta(11, 11), slot_minutes=60)

    slots = [
        (timezone.localtime(s.start).strftime("%d %H:%M"), timezone.localtime(s.end).strftime("%H:%M"))
        for s in showcase_slots(showcase=showcase)
    ]

    day1, day2 = (timezone.localdate() + timedelta(days=10)).day, (timezone.localdate() + timedelta(days=11)).day
    assert slots == [
        (f"{day1:02d} 09:00", "10:00"),
        (f"{day1:02d} 10:00", "11:00"),
        (f"{day2:02d} 09:00", "10:00"),
        (f"{day2:02d} 10:00", "11:00"),
    ]


def test_the_schedule_places_accepted_meetings_without_double_booking_and_says_why_not():
    officer = OfficerFactory()
    showcase = published_showcase(officer=officer, starts_at=jakarta(10, 9), ends_at=jakarta(10, 10))  # 2 slots
    registration, owner = registered_buyer(showcase)
    tables = [confirmed_participant(showcase, table=n) for n in (1, 2, 3)]
    meetings = [accepted_meeting(showcase, registration=registration, owner=owner, participant=t) for t in tables]

    result = showcase_schedule_make(showcase=showcase, officer=officer)

    for meeting in meetings:
        meeting.refresh_from_db()
    placed = sorted(m.starts_at for m in meetings if m.starts_at)
    assert (result.placed, result.kept, len(result.unplaced)) == (2, 0, 1)
    assert placed == [jakarta(10, 9), jakarta(10, 9, 30)]
    unplaced = next(m for m in meetings if m.starts_at is None)
    assert unplaced.unscheduled_reason == "The buyer has other meetings at every common time."
    assert ShowcaseEvent.objects.filter(showcase=showcase, kind="slot").count() == 2


def test_the_schedule_respects_availability():
    officer = OfficerFactory()
    showcase = published_showcase(officer=officer)  # 09.00–12.00, 30 minutes
    meeting = accepted_meeting(showcase)
    availability_set(
        actor=owner_of(meeting.participant.producer),
        participant=meeting.participant,
        windows=[(jakarta(10, 11), jakarta(10, 12))],
    )

    showcase_schedule_make(showcase=showcase, officer=officer)

    meeting.refresh_from_db()
    assert meeting.starts_at == jakarta(10, 11)


def test_availability_outside_the_showcase_is_refused():
    showcase = published_showcase()
    registration, owner = registered_buyer(showcase)

    with pytest.raises(ShowcaseInvalid):
        availability_set(actor=owner, registration=registration, windows=[(jakarta(9, 11), jakarta(10, 12))])


def test_moving_a_meeting_checks_the_same_rules_with_a_clear_error():
    officer = OfficerFactory()
    showcase = published_showcase(officer=officer)
    registration, owner = registered_buyer(showcase)
    first = accepted_meeting(showcase, registration=registration, owner=owner)
    second = accepted_meeting(showcase, registration=registration, owner=owner)
    showcase_schedule_make(showcase=showcase, officer=officer)
    first.refresh_from_db()
    second.refresh_from_db()

    with pytest.raises(SlotConflict) as error:
        meeting_move(meeting=second, officer=officer, starts_at=first.starts_at)
    assert error.value.fields == {"starts_at": ["The buyer has another meeting then."]}
    with pytest.raises(SlotConflict) as error:
        meeting_move(meeting=second, officer=officer, starts_at=jakarta(10, 9, 10))
    assert error.value.fields == {"starts_at": ["Choose one of the showcase's slots."]}

    meeting_move(meeting=second, officer=officer, starts_at=jakarta(10, 11, 30))
    second.refresh_from_db()
    assert (second.starts_at, second.ends_at) == (jakarta(10, 11, 30), jakarta(10, 12))


def test_publishing_the_schedule_emails_each_side_its_agenda_after_commit(django_capture_on_commit_callbacks):
    officer = OfficerFactory()
    showcase = published_showcase(officer=officer)
    meeting = accepted_meeting(showcase)
    showcase_schedule_make(showcase=showcase, officer=officer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        showcase_schedule_publish(showcase=showcase, officer=officer)

    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == sorted([meeting.registration.registered_by.email, owner_of(meeting.participant.producer).email])
    buyer_mail = next(m for m in mail.outbox if m.to == [meeting.registration.registered_by.email])
    assert buyer_mail.subject == "Your agenda for Gelar Produk Jember"
    assert meeting.participant.producer.name in buyer_mail.body
    assert "09:00–09:30 WIB" in buyer_mail.body


def test_a_failed_publication_sends_nothing(django_capture_on_commit_callbacks):
    officer = OfficerFactory()
    showcase = published_showcase(officer=officer)
    accepted_meeting(showcase)  # never scheduled

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ShowcaseInvalid):
        showcase_schedule_publish(showcase=showcase, officer=officer)

    assert mail.outbox == []
    showcase.refresh_from_db()
    assert showcase.schedule_published_at is None


def _unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    lines: list[str] = []
    for raw in text.split("\r\n")[:-1]:
        assert len(raw.encode()) <= 75
        if raw.startswith(" "):
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


def test_the_agenda_is_a_valid_icalendar_file():
    officer = OfficerFactory()
    showcase = published_showcase(officer=officer, venue="Gedung; Serbaguna, Jember " + "panjang " * 10)
    registration, owner = registered_buyer(showcase)
    meetings = [accepted_meeting(showcase, registration=registration, owner=owner) for _ in range(2)]
    showcase_schedule_make(showcase=showcase, officer=officer)

    text = agenda_calendar(
        showcase=showcase,
        meetings=agenda_meetings(registration=registration),
        side="buyer",
        site_url="https://pasar.example.id",
    )

    lines = _unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    stack, events = [], []
    for line in lines:
        name, _sep, value = line.partition(":")
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
        elif name == "END":
            assert stack.pop() == value
        elif stack[-1] == "VEVENT":
            events[-1][name] = value
    assert stack == []
    assert len(events) == 2
    for event, meeting in zip(
        events, sorted(meetings, key=lambda m: Meeting.objects.get(pk=m.pk).starts_at), strict=True
    ):
        meeting.refresh_from_db()
        assert event["UID"] == f"showcase-meeting-{meeting.pk}@pasar.example.id"
        assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
        assert event["DTSTART"] == meeting.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        assert event["DTEND"] == meeting.ends_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        assert event["LOCATION"].startswith("Gedung\\; Serbaguna\\, Jember")
        assert meeting.participant.producer.name in event["SUMMARY"]
