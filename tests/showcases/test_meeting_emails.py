"""Meeting requests, answers and cancellations reach the other side by email, after commit only."""
import pytest
from django.core import mail

from showcases.exceptions import ShowcaseInvalid
from showcases.models import Meeting
from showcases.services import (
    meeting_cancel,
    meeting_request,
    meeting_respond,
    showcase_schedule_make,
    showcase_schedule_publish,
)
from tests.orders.factories import OfficerFactory, owner_of
from tests.showcases.factories import accepted_meeting, confirmed_participant, published_showcase, registered_buyer

pytestmark = pytest.mark.django_db


def test_a_request_reaches_the_producer_and_the_answer_reaches_the_buyer(django_capture_on_commit_callbacks):
    showcase = published_showcase()
    registration, buyer = registered_buyer(showcase)
    participant = confirmed_participant(showcase)
    producer_owner = owner_of(participant.producer)
    organisation = registration.organisation.name
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_request(registration=registration, participant=participant, actor=buyer,
                                  note="Minta katalog grosir")

    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([producer_owner.email], f"{organisation} asks to meet you at Gelar Produk Jember")]
    body = mail.outbox[0].body
    assert f"{organisation} would like a meeting with {participant.producer.name} at Gelar Produk Jember." in body
    assert "Note: Minta katalog grosir" in body
    assert body.endswith(f"/showcases/meetings/{meeting.pk}/")

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_respond(meeting=meeting, actor=producer_owner, accept=False, note="Stok habis bulan ini")

    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([buyer.email], f"{participant.producer.name} declined your meeting at Gelar Produk Jember")]
    assert "Note: Stok habis bulan ini" in mail.outbox[0].body


def test_an_accepted_meeting_tells_the_buyer_its_agenda_follows(django_capture_on_commit_callbacks):
    showcase = published_showcase()
    registration, buyer = registered_buyer(showcase)
    participant = confirmed_participant(showcase)
    meeting = meeting_request(registration=registration, participant=participant, actor=buyer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_respond(meeting=meeting, actor=owner_of(participant.producer), accept=True)

    assert [m.to for m in mail.outbox] == [[buyer.email]]
    assert mail.outbox[0].subject == f"{participant.producer.name} accepted your meeting at Gelar Produk Jember"
    assert "your agenda comes by email when the schedule is published" in mail.outbox[0].body


def test_a_refused_request_sends_nothing(django_capture_on_commit_callbacks):
    showcase = published_showcase()
    registration, buyer = registered_buyer(showcase)
    participant = confirmed_participant(showcase)
    meeting_request(registration=registration, participant=participant, actor=buyer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ShowcaseInvalid):
        meeting_request(registration=registration, participant=participant, actor=buyer)

    assert mail.outbox == []
    assert Meeting.objects.count() == 1


def test_a_cancelled_unscheduled_meeting_tells_the_other_side(django_capture_on_commit_callbacks):
    showcase = published_showcase()
    meeting = accepted_meeting(showcase)
    buyer = meeting.registration.registered_by
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, actor=buyer, note="Jadwal bentrok")

    assert [m.to for m in mail.outbox] == [[owner_of(meeting.participant.producer).email]]
    assert mail.outbox[0].subject == (f"Meeting cancelled: {meeting.registration.organisation.name} and "
                                      f"{meeting.participant.producer.name} at Gelar Produk Jember")


def test_a_meeting_cancelled_off_a_published_schedule_sends_the_other_side_its_new_agenda(
        django_capture_on_commit_callbacks):
    officer = OfficerFactory()
    showcase = published_showcase(officer=officer)
    meeting = accepted_meeting(showcase)
    showcase_schedule_make(showcase=showcase, officer=officer)
    showcase_schedule_publish(showcase=showcase, officer=officer)
    producer_owner = owner_of(meeting.participant.producer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, actor=meeting.registration.registered_by)

    assert [(m.to, m.subject) for m in mail.outbox] == [([producer_owner.email], "Your agenda for Gelar Produk Jember")]
    assert "No meeting is scheduled for you." in mail.outbox[0].body
