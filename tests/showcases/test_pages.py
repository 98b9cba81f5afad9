"""Showcase pages: public list and page, officers' pages, buyers' and producers' pages, permissions, query
budgets, the report's CSV and the agenda's calendar file."""

import pytest
from django.urls import reverse

from market.accounts.models import Organisation
from showcases.models import Meeting, Registration, Showcase
from showcases.services import showcase_create, showcase_schedule_make
from tests.factories import UserFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import OfficerFactory, buyer_organisation, owner_of
from tests.showcases.factories import (
    accepted_meeting,
    confirmed_participant,
    jakarta,
    published_showcase,
    registered_buyer,
    showcase_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, totp_for):
    officer = OfficerFactory()
    totp_for(officer)
    force_login_mfa(client, officer)
    client.officer = officer
    return client


def test_the_public_pages_show_published_showcases_and_hide_drafts(client):
    showcase = published_showcase(title="Gelar Kopi")
    confirmed_participant(showcase, table=4)
    draft = showcase_create(officer=OfficerFactory(), data=showcase_data(title="Rahasia"))

    listing = client.get(reverse("frontend:showcase-list"))
    page = client.get(reverse("frontend:showcase-detail", kwargs={"pk": showcase.pk}))

    assert listing.status_code == 200 and "Gelar Kopi" in listing.content.decode()
    assert "Rahasia" not in listing.content.decode()
    assert page.status_code == 200 and "table 4" in page.content.decode()
    assert client.get(reverse("frontend:showcase-detail", kwargs={"pk": draft.pk})).status_code == 404


def test_a_past_showcase_shows_counts_and_no_buyer_names(client):
    showcase = published_showcase(
        starts_at=jakarta(-3, 9), ends_at=jakarta(-3, 12), registration_deadline=jakarta(-4, 9)
    )
    Showcase.objects.filter(pk=showcase.pk).update(status=Showcase.Status.CLOSED)
    registration, _owner = registered_buyer(published_showcase())  # another showcase
    Registration.objects.filter(pk=registration.pk).update(showcase=showcase)

    page = client.get(reverse("frontend:showcase-detail", kwargs={"pk": showcase.pk})).content.decode()
    listing = client.get(reverse("frontend:showcase-list")).content.decode()

    assert "Results" in page
    assert registration.organisation.name not in page and registration.organisation.name not in listing
    assert "1 buyers" in listing


def test_the_public_list_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for days in (-20, -10, 10, 20):
        published_showcase(
            starts_at=jakarta(days, 9), ends_at=jakarta(days, 12), registration_deadline=jakarta(days - 1, 9)
        )
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("frontend:showcase-list"))
    for days in (-40, -30, 30, 40, 50):
        published_showcase(
            starts_at=jakarta(days, 9), ends_at=jakarta(days, 12), registration_deadline=jakarta(days - 1, 9)
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("frontend:showcase-list"))

    assert response.status_code == 200


def test_the_officers_showcase_page_reads_a_fixed_number_of_queries(officer_client, django_assert_max_num_queries):
    showcase = published_showcase()
    accepted_meeting(showcase)
    url = reverse("frontend:officer-showcase", kwargs={"pk": showcase.pk})
    with django_assert_max_num_queries(40) as few:
        officer_client.get(url)
    for _ in range(3):
        accepted_meeting(showcase)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert officer_client.get(url).status_code == 200


def test_an_officer_creates_a_showcase_through_the_page(officer_client):
    response = officer_client.post(
        reverse("frontend:officer-showcase-new"),
        {
            "title": "Gelar Produk Desa",
            "starts_at": "2027-03-10T09:00",
            "ends_at": "2027-03-10T15:00",
            "venue": "Pendopo Jember",
            "capacity": "40",
            "registration_deadline": "2027-03-08T17:00",
            "slot_minutes": "20",
        },
    )

    showcase = Showcase.objects.get()
    assert response.status_code == 302
    assert (showcase.title, showcase.status, showcase.capacity) == ("Gelar Produk Desa", "draft", 40)
    assert showcase.starts_at == jakarta(0, 9).replace(year=2027, month=3, day=10)


def test_a_bad_showcase_form_says_why_and_saves_nothing(officer_client):
    response = officer_client.post(
        reverse("frontend:officer-showcase-new"),
        {
            "title": "X",
            "starts_at": "2027-03-10T09:00",
            "ends_at": "2027-03-10T08:00",
            "venue": "",
            "capacity": "40",
            "registration_deadline": "2027-03-08T17:00",
            "slot_minutes": "20",
        },
    )

    assert response.status_code == 400
    assert "The end must be after the start." in response.content.decode()
    assert Showcase.objects.count() == 0


def test_officer_pages_refuse_others(client):
    showcase = published_showcase()
    _organisation, buyer, _outlet = buyer_organisation(credit_limit=None)
    client.force_login(buyer)

    assert client.get(reverse("frontend:officer-showcases")).status_code == 403
    assert client.get(reverse("frontend:officer-showcase", kwargs={"pk": showcase.pk})).status_code == 403


def test_a_buyer_registers_and_requests_a_meeting_through_the_pages(client):
    showcase = published_showcase()
    participant = confirmed_participant(showcase)
    organisation, owner, _outlet = buyer_organisation(credit_limit=None)
    client.force_login(owner)

    register = client.post(
        reverse("frontend:showcase-register", kwargs={"pk": showcase.pk}),
        {"attendees": "Sari Dewi, kepala pembelian\nBudi"},
    )
    ask = client.post(
        reverse("frontend:showcase-meeting-request", kwargs={"pk": showcase.pk}),
        {"participant": participant.pk, "note": "Tertarik kopi"},
    )

    registration = Registration.objects.get(organisation=organisation)
    assert register.status_code == 302 and ask.status_code == 302
    assert list(registration.attendees.values_list("name", "job_title")) == [
        ("Sari Dewi", "kepala pembelian"),
        ("Budi", ""),
    ]
    meeting = Meeting.objects.get()
    assert (meeting.participant_id, meeting.note, meeting.status) == (participant.pk, "Tertarik kopi", "requested")
    page = client.get(reverse("frontend:showcase-buyer", kwargs={"pk": showcase.pk})).content.decode()
    assert participant.producer.name in page


def test_an_unverified_buyer_is_told_to_register_its_organisation_first(client):
    showcase = published_showcase()
    organisation, owner, _outlet = buyer_organisation(verified=False, credit_limit=None)
    client.force_login(owner)

    page = client.get(reverse("frontend:showcase-buyer", kwargs={"pk": showcase.pk})).content.decode()
    response = client.post(reverse("frontend:showcase-register", kwargs={"pk": showcase.pk}), {"attendees": "Sari"})

    assert "Only verified buyer organisations register for showcases" in page
    assert response.status_code == 400
    assert not Registration.objects.filter(organisation=organisation).exists()


def test_organisations_never_see_each_others_meetings(client):
    showcase = published_showcase()
    meeting = accepted_meeting(showcase)
    _other, other_owner = registered_buyer(showcase)
    stranger_producer = owner_of(confirmed_participant(showcase).producer)

    for user in (other_owner, stranger_producer, UserFactory()):
        client.force_login(user)
        assert client.get(reverse("frontend:showcase-meeting", kwargs={"pk": meeting.pk})).status_code == 404
        assert (
            client.post(
                reverse("frontend:showcase-meeting-outcome", kwargs={"pk": meeting.pk}), {"outcome": "no_interest"}
            ).status_code
            == 404
        )
    meeting.refresh_from_db()
    assert meeting.outcome == ""


def test_the_producer_answers_and_both_sides_record_the_outcome(client):
    showcase = published_showcase()
    registration, owner = registered_buyer(showcase)
    participant = confirmed_participant(showcase)
    client.force_login(owner)
    client.post(
        reverse("frontend:showcase-meeting-request", kwargs={"pk": showcase.pk}), {"participant": participant.pk}
    )
    meeting = Meeting.objects.get()

    client.force_login(owner_of(participant.producer))
    client.post(reverse("frontend:showcase-meeting-respond", kwargs={"pk": meeting.pk}), {"decision": "accept"})
    client.post(
        reverse("frontend:showcase-meeting-outcome", kwargs={"pk": meeting.pk}),
        {"outcome": "placement_agreed", "note": "Rak depan"},
    )

    meeting.refresh_from_db()
    assert (meeting.status, meeting.outcome, meeting.outcome_note) == ("accepted", "placement_agreed", "Rak depan")


def test_the_agenda_page_and_its_calendar_file(client, officer_client):
    showcase = published_showcase(officer=officer_client.officer)
    meeting = accepted_meeting(showcase)
    showcase_schedule_make(showcase=showcase, officer=officer_client.officer)
    client.force_login(meeting.registration.registered_by)

    page = client.get(reverse("frontend:showcase-agenda", kwargs={"pk": showcase.pk}))
    ics = client.get(reverse("frontend:showcase-agenda-ics", kwargs={"pk": showcase.pk}))

    assert meeting.participant.producer.name in page.content.decode()
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"
    assert ics.content.decode().count("BEGIN:VEVENT") == 1
    client.force_login(UserFactory())
    assert client.get(reverse("frontend:showcase-agenda-ics", kwargs={"pk": showcase.pk})).status_code == 404


def test_the_report_csv_neutralises_formulas(officer_client):
    showcase = published_showcase(officer=officer_client.officer)
    meeting = accepted_meeting(showcase)
    Organisation.objects.filter(pk=meeting.registration.organisation_id).update(name='=HYPERLINK("x")')

    response = officer_client.get(reverse("frontend:officer-showcase-report-csv", kwargs={"pk": showcase.pk}))

    lines = response.content.decode().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("meeting,buyer,producer")
    assert "'=HYPERLINK" in lines[1]


def test_an_officer_moves_a_meeting_and_a_conflict_is_explained(officer_client):
    showcase = published_showcase(officer=officer_client.officer)
    registration, owner = registered_buyer(showcase)
    first = accepted_meeting(showcase, registration=registration, owner=owner)
    second = accepted_meeting(showcase, registration=registration, owner=owner)
    showcase_schedule_make(showcase=showcase, officer=officer_client.officer)
    first.refresh_from_db()

    response = officer_client.post(
        reverse("frontend:officer-showcase-move", kwargs={"pk": second.pk}), {"starts_at": first.starts_at.isoformat()}
    )

    assert response.status_code == 400
    assert "The buyer has another meeting then." in response.content.decode()


def test_an_order_started_from_the_meeting_page_records_the_meeting_at_checkout(client):
    from orders.models import Order
    from orders.selectors import cart_quote, shopper_get

    showcase = published_showcase()
    meeting = accepted_meeting(showcase)
    owner = meeting.registration.registered_by
    organisation = meeting.registration.organisation
    client.force_login(owner)

    started = client.post(reverse("frontend:showcase-meeting-order", kwargs={"pk": meeting.pk}))
    delivery = {meeting.participant.producer_id: "pickup"}
    total = cart_quote(shopper=shopper_get(user=owner, organisation=organisation), delivery=delivery).total
    placed = client.post(
        "/checkout/",
        {
            "destination": organisation.outlets.get().pk,
            "payment_method": "bank_transfer",
            "expected_total": total,
            "idempotency_key": "key-showcase-0001",
            "note": "",
            f"delivery_{meeting.participant.producer_id}": "pickup",
        },
    )

    assert started.status_code == 302 and started["Location"] == "/cart/"
    assert placed.status_code == 302
    order = Order.objects.get()
    meeting.refresh_from_db()
    assert order.showcase_meeting_id == meeting.pk
    assert meeting.outcome == "order_placed"
    assert "showcase_meeting" not in client.session  # the next order is an ordinary one
