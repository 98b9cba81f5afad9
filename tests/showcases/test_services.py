"""Showcase services: the showcase's statuses, line-up, registration against the capacity, meetings, outcomes."""

import pytest
from django.utils import timezone

from showcases.exceptions import (
    ShowcaseClosed,
    ShowcaseFull,
    ShowcaseInvalid,
    ShowcasePermissionDenied,
    ShowcaseTransitionInvalid,
    VerifiedBuyerRequired,
)
from showcases.models import Attendee, Meeting, Outcome, Participant, Registration, Showcase, ShowcaseEvent
from showcases.services import (
    AttendeeData,
    meeting_cancel,
    meeting_outcome_record,
    meeting_request,
    meeting_respond,
    participant_invite,
    participant_respond,
    registration_cancel,
    registration_save,
    showcase_create,
    showcase_status_set,
    showcase_update,
)
from tests.orders.factories import OfficerFactory, UserFactory, buyer_organisation, on_sale, owner_of, verified_producer
from tests.showcases.factories import (
    accepted_meeting,
    confirmed_participant,
    jakarta,
    published_showcase,
    registered_buyer,
    showcase_data,
)

pytestmark = pytest.mark.django_db


def test_an_officer_creates_a_draft_and_publishes_it_with_an_event_per_change():
    officer = OfficerFactory()

    showcase = showcase_create(officer=officer, data=showcase_data())
    showcase_status_set(showcase=showcase, officer=officer, to=Showcase.Status.PUBLISHED)

    showcase.refresh_from_db()
    assert showcase.status == Showcase.Status.PUBLISHED
    assert showcase.slug == "gelar-produk-jember"
    assert list(
        ShowcaseEvent.objects.filter(showcase=showcase, kind="showcase").values_list("from_value", "to_value")
    ) == [("", "draft"), ("draft", "published")]


def test_invalid_details_are_refused_field_by_field_and_nothing_is_created():
    with pytest.raises(ShowcaseInvalid) as error:
        showcase_create(
            officer=OfficerFactory(),
            data=showcase_data(title=" ", ends_at=jakarta(10, 8), venue="", online_url="http://x.example", capacity=0),
        )

    assert set(error.value.fields) == {"title", "capacity", "online_url"}
    assert Showcase.objects.count() == 0


def test_the_end_must_follow_the_start_and_a_place_is_required():
    with pytest.raises(ShowcaseInvalid) as error:
        showcase_create(officer=OfficerFactory(), data=showcase_data(ends_at=jakarta(10, 8), venue=""))

    assert set(error.value.fields) == {"ends_at", "venue"}


def test_only_officers_create_showcases():
    with pytest.raises(ShowcasePermissionDenied):
        showcase_create(officer=UserFactory(), data=showcase_data())


def test_transitions_follow_the_table():
    officer = OfficerFactory()
    showcase = published_showcase(officer=officer)
    showcase_status_set(showcase=showcase, officer=officer, to=Showcase.Status.CLOSED)

    with pytest.raises(ShowcaseTransitionInvalid):
        showcase_status_set(showcase=showcase, officer=officer, to=Showcase.Status.PUBLISHED)
    with pytest.raises(ShowcaseClosed):
        showcase_update(showcase=showcase, officer=officer, data=showcase_data(title="Baru"))
    assert Showcase.objects.get().status == Showcase.Status.CLOSED


def test_cancelling_needs_a_reason():
    officer = OfficerFactory()
    showcase = published_showcase(officer=officer)

    with pytest.raises(ShowcaseInvalid):
        showcase_status_set(showcase=showcase, officer=officer, to=Showcase.Status.CANCELLED)

    showcase_status_set(showcase=showcase, officer=officer, to=Showcase.Status.CANCELLED, reason="Banjir")
    assert Showcase.objects.get().status == Showcase.Status.CANCELLED


def test_the_line_up_takes_only_the_producers_listed_products():
    officer = OfficerFactory()
    showcase = published_showcase(officer=officer)
    producer = verified_producer()
    listed = on_sale(producer=producer)
    foreign = on_sale()

    with pytest.raises(ShowcaseInvalid) as error:
        participant_invite(
            showcase=showcase, officer=officer, producer=producer, product_ids=[listed.pk, foreign.pk], table_number=1
        )

    assert "products" in error.value.fields
    assert Participant.objects.count() == 0
    participant = participant_invite(
        showcase=showcase, officer=officer, producer=producer, product_ids=[listed.pk], table_number=1
    )
    assert list(participant.products.all()) == [listed]


def test_a_table_is_given_once():
    officer = OfficerFactory()
    showcase = published_showcase(officer=officer)
    confirmed_participant(showcase, officer=officer, table=3)
    producer = verified_producer()

    with pytest.raises(ShowcaseInvalid) as error:
        participant_invite(
            showcase=showcase,
            officer=officer,
            producer=producer,
            product_ids=[on_sale(producer=producer).pk],
            table_number=3,
        )

    assert "table_number" in error.value.fields


def test_the_producer_confirms_and_withdraws_and_its_open_meetings_are_cancelled():
    showcase = published_showcase()
    meeting = accepted_meeting(showcase)
    participant = meeting.participant

    participant_respond(participant=participant, actor=owner_of(participant.producer), confirm=False)

    participant.refresh_from_db()
    meeting.refresh_from_db()
    assert participant.status == Participant.Status.WITHDRAWN
    assert meeting.status == Meeting.Status.CANCELLED
    assert ShowcaseEvent.objects.filter(meeting=meeting, to_value="cancelled").count() == 1


def test_another_producer_cannot_answer_for_a_participant():
    showcase = published_showcase()
    participant = confirmed_participant(showcase)

    with pytest.raises(ShowcasePermissionDenied):
        participant_respond(participant=participant, actor=owner_of(verified_producer()), confirm=False)


def test_only_verified_buyers_register():
    showcase = published_showcase()
    organisation, owner, _outlet = buyer_organisation(verified=False, credit_limit=None)

    with pytest.raises(VerifiedBuyerRequired):
        registration_save(
            showcase=showcase, organisation=organisation, actor=owner, attendees=[AttendeeData(name="Bu Sari")]
        )
    assert Registration.objects.count() == 0


def test_the_capacity_counts_people_and_refuses_beyond_it():
    showcase = published_showcase(capacity=3)
    registered_buyer(showcase, people=2)
    organisation, owner, _outlet = buyer_organisation(credit_limit=None)

    with pytest.raises(ShowcaseFull) as error:
        registration_save(
            showcase=showcase,
            organisation=organisation,
            actor=owner,
            attendees=[AttendeeData(name="A"), AttendeeData(name="B")],
        )

    assert error.value.fields == {"attendees": ["Only 1 places are left."]}
    assert Registration.objects.count() == 1
    registration_save(showcase=showcase, organisation=organisation, actor=owner, attendees=[AttendeeData(name="A")])
    assert Attendee.objects.count() == 3


def test_changing_ones_attendees_counts_only_the_others():
    showcase = published_showcase(capacity=2)
    registration, owner = registered_buyer(showcase, people=2)

    registration_save(
        showcase=showcase,
        organisation=registration.organisation,
        actor=owner,
        attendees=[AttendeeData(name="X", job_title="Kepala pembelian"), AttendeeData(name="Y")],
    )

    assert list(registration.attendees.values_list("name", flat=True)) == ["X", "Y"]


def test_registration_closes_at_the_deadline():
    showcase = published_showcase(registration_deadline=timezone.now() - timezone.timedelta(minutes=1))
    organisation, owner, _outlet = buyer_organisation(credit_limit=None)

    with pytest.raises(ShowcaseClosed):
        registration_save(showcase=showcase, organisation=organisation, actor=owner, attendees=[AttendeeData(name="A")])


def test_a_buyer_requests_a_meeting_the_producer_declines_and_it_can_be_asked_again():
    showcase = published_showcase()
    registration, owner = registered_buyer(showcase)
    participant = confirmed_participant(showcase)

    meeting = meeting_request(registration=registration, participant=participant, actor=owner, note="Halo")
    with pytest.raises(ShowcaseInvalid):
        meeting_request(registration=registration, participant=participant, actor=owner)
    meeting_respond(meeting=meeting, actor=owner_of(participant.producer), accept=False, note="Stok habis")
    again = meeting_request(registration=registration, participant=participant, actor=owner)

    meeting.refresh_from_db()
    assert (meeting.status, meeting.response_note) == ("declined", "Stok habis")
    assert again.status == Meeting.Status.REQUESTED


def test_a_buyer_cannot_request_for_another_organisation():
    showcase = published_showcase()
    registration, _owner = registered_buyer(showcase)
    _other_registration, other_owner = registered_buyer(showcase)
    participant = confirmed_participant(showcase)

    with pytest.raises(ShowcasePermissionDenied):
        meeting_request(registration=registration, participant=participant, actor=other_owner)
    assert Meeting.objects.count() == 0


def test_cancelling_the_registration_cancels_its_meetings():
    showcase = published_showcase()
    meeting = accepted_meeting(showcase)
    owner = meeting.registration.registered_by

    registration_cancel(registration=meeting.registration, actor=owner)

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED


def test_either_side_records_an_outcome_with_an_event_but_not_order_placed_by_hand():
    showcase = published_showcase()
    meeting = accepted_meeting(showcase)

    meeting_outcome_record(
        meeting=meeting,
        actor=owner_of(meeting.participant.producer),
        outcome=Outcome.SAMPLES_REQUESTED,
        note="Kirim 3 sampel",
    )
    with pytest.raises(ShowcaseInvalid):
        meeting_outcome_record(meeting=meeting, actor=meeting.registration.registered_by, outcome=Outcome.ORDER_PLACED)
    with pytest.raises(ShowcasePermissionDenied):
        meeting_outcome_record(meeting=meeting, actor=owner_of(verified_producer()), outcome=Outcome.NO_INTEREST)

    meeting.refresh_from_db()
    assert (meeting.outcome, meeting.outcome_note) == ("samples_requested", "Kirim 3 sampel")
    assert list(
        ShowcaseEvent.objects.filter(meeting=meeting, kind="outcome").values_list("from_value", "to_value")
    ) == [("", "samples_requested")]


def test_a_cancelled_meeting_has_no_outcome():
    showcase = published_showcase()
    meeting = accepted_meeting(showcase)
    meeting_cancel(meeting=meeting, actor=meeting.registration.registered_by)

    with pytest.raises(ShowcaseInvalid):
        meeting_outcome_record(meeting=meeting, actor=OfficerFactory(), outcome=Outcome.NO_INTEREST)
