"""Showcases API: public reads, registration, meetings with object-level permissions."""

import pytest

from showcases.models import Meeting
from tests.factories import UserFactory
from tests.orders.factories import buyer_organisation, owner_of
from tests.showcases.factories import (
    accepted_meeting,
    confirmed_participant,
    published_showcase,
    registered_buyer,
)

pytestmark = pytest.mark.django_db


def test_everyone_lists_and_reads_published_showcases_with_the_line_up(api_client):
    showcase = published_showcase(title="Gelar Kopi")
    participant = confirmed_participant(showcase, table=2)

    listing = api_client.get("/api/v1/showcases/")
    detail = api_client.get(f"/api/v1/showcases/{showcase.pk}/")

    assert [row["title"] for row in listing.json()["results"]] == ["Gelar Kopi"]
    lineup = detail.json()["lineup"]
    assert [(g["village_code"], [p["producer_id"] for p in g["participants"]]) for g in lineup] == [
        (participant.producer.village_id, [participant.producer_id])
    ]
    assert lineup[0]["participants"][0]["table_number"] == 2


def test_a_buyer_registers_requests_and_the_producer_accepts(api_client):
    showcase = published_showcase()
    participant = confirmed_participant(showcase)
    organisation, owner, _outlet = buyer_organisation(credit_limit=None)
    api_client.force_authenticate(owner)

    registered = api_client.put(
        f"/api/v1/showcases/{showcase.pk}/registration/",
        {"attendees": [{"name": "Sari", "job_title": "Pembeli"}]},
        format="json",
    )
    asked = api_client.post(
        "/api/v1/showcase-meetings/",
        {"showcase": showcase.pk, "participant": participant.pk, "note": "Halo"},
        format="json",
    )
    api_client.force_authenticate(owner_of(participant.producer))
    accepted = api_client.post(f"/api/v1/showcase-meetings/{asked.json()['id']}/accept/", {}, format="json")
    outcome = api_client.post(
        f"/api/v1/showcase-meetings/{asked.json()['id']}/outcome/",
        {"outcome": "quote_requested", "note": "Harga grosir"},
        format="json",
    )

    assert registered.status_code == 200 and registered.json()["attendees"] == [
        {"name": "Sari", "job_title": "Pembeli"}
    ]
    assert asked.status_code == 201 and asked.json()["status"] == "requested"
    assert accepted.json()["status"] == "accepted"
    assert (outcome.json()["outcome"], outcome.json()["outcome_note"]) == ("quote_requested", "Harga grosir")


def test_order_placed_cannot_be_typed_in(api_client):
    meeting = accepted_meeting(published_showcase())
    api_client.force_authenticate(meeting.registration.registered_by)

    response = api_client.post(
        f"/api/v1/showcase-meetings/{meeting.pk}/outcome/", {"outcome": "order_placed"}, format="json"
    )

    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.outcome == ""


def test_organisations_never_see_each_others_meetings(api_client):
    showcase = published_showcase()
    meeting = accepted_meeting(showcase)
    other_registration, other_owner = registered_buyer(showcase)
    own = accepted_meeting(showcase, registration=other_registration, owner=other_owner)

    api_client.force_authenticate(other_owner)
    listing = api_client.get("/api/v1/showcase-meetings/")

    assert [row["id"] for row in listing.json()["results"]] == [own.pk]
    assert api_client.get(f"/api/v1/showcase-meetings/{meeting.pk}/").status_code == 404
    assert (
        api_client.post(
            f"/api/v1/showcase-meetings/{meeting.pk}/outcome/", {"outcome": "no_interest"}, format="json"
        ).status_code
        == 404
    )
    # nor may another producer answer, nor the buyer itself accept for the producer
    api_client.force_authenticate(owner_of(own.participant.producer))
    assert api_client.post(f"/api/v1/showcase-meetings/{meeting.pk}/decline/", {}, format="json").status_code == 404
    api_client.force_authenticate(UserFactory())
    assert api_client.get("/api/v1/showcase-meetings/").json()["results"] == []
    meeting.refresh_from_db()
    assert (meeting.status, meeting.outcome) == (Meeting.Status.ACCEPTED, "")


def test_the_buyer_cannot_accept_its_own_request(api_client):
    showcase = published_showcase()
    registration, owner = registered_buyer(showcase)
    participant = confirmed_participant(showcase)
    api_client.force_authenticate(owner)
    asked = api_client.post(
        "/api/v1/showcase-meetings/", {"showcase": showcase.pk, "participant": participant.pk}, format="json"
    )

    response = api_client.post(f"/api/v1/showcase-meetings/{asked.json()['id']}/accept/", {}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "showcase_permission_denied"
    assert Meeting.objects.get().status == "requested"


def test_the_agenda_lists_the_callers_scheduled_meetings_only(api_client):
    from showcases.services import showcase_schedule_make
    from tests.orders.factories import OfficerFactory

    officer = OfficerFactory()
    showcase = published_showcase(officer=officer)
    meeting = accepted_meeting(showcase)
    accepted_meeting(showcase)
    showcase_schedule_make(showcase=showcase, officer=officer)
    api_client.force_authenticate(meeting.registration.registered_by)

    buyer_side = api_client.get(f"/api/v1/showcases/{showcase.pk}/agenda/")
    api_client.force_authenticate(owner_of(meeting.participant.producer))
    producer_side = api_client.get(f"/api/v1/showcases/{showcase.pk}/agenda/?side=producer")

    assert [m["id"] for m in buyer_side.json()["meetings"]] == [meeting.pk]
    assert [m["id"] for m in producer_side.json()["meetings"]] == [meeting.pk]


def test_the_meeting_list_reads_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    showcase = published_showcase()
    registration, owner = registered_buyer(showcase)
    accepted_meeting(showcase, registration=registration, owner=owner)
    api_client.force_authenticate(owner)
    with django_assert_max_num_queries(20) as few:
        api_client.get("/api/v1/showcase-meetings/")
    for _ in range(3):
        accepted_meeting(showcase, registration=registration, owner=owner)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api_client.get("/api/v1/showcase-meetings/")

    assert response.json()["count"] == 4
