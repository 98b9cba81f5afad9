"""The API follows the pages' rules: object-level permissions, the same visibility, officers' triage."""
from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.models import Survey
from investors.models import Interest, InvestorProfile
from tests.factories import OfficerFactory, UserFactory
from tests.investors.helpers import add_pdf, make_investor, make_opportunity, make_producer, make_village

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_api(api_client, officer, totp_for):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(officer)
    return client


def test_village_detail_hides_confidential_fields_from_unverified_investors(api_client):
    profile = make_village()
    Survey.objects.create(profile=profile, surveyed_on="2026-06-01", officer=OfficerFactory(), workforce_total=80,
                          workforce_women=40, workforce_youth=20, existing_businesses=5, road="good",
                          electricity="good", internet="fair", water="good", problems="Rahasia dapur.",
                          raw_materials="Dari Bondowoso.")
    producer = make_producer(profile)
    url = reverse("v1:investors:village-detail", args=[profile.village_id])
    api_client.force_authenticate(make_investor(status="submitted"))
    hidden = api_client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    api_client.force_authenticate(make_investor())
    shown = api_client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert hidden["sees_confidential"] is False and "problems" not in hidden["survey"]
    assert hidden["producers"] == [{"id": producer.pk, "name": producer.name}]
    assert [f["label"] for f in hidden["traction"][0]["figures"]] == ["Orders", "Buyers", "Repeat buyers"]
    assert shown["survey"]["problems"] == "Rahasia dapur." and shown["producers"][0]["whatsapp"] == producer.whatsapp
    assert len(shown["traction"][0]["figures"]) == 4


def test_opportunities_are_for_investors_and_officers_and_documents_link_only_when_allowed(api_client):
    opportunity = make_opportunity(make_village())
    add_pdf(opportunity)
    detail = reverse("v1:investors:opportunity-detail", args=[opportunity.pk])
    api_client.force_authenticate(UserFactory())
    assert api_client.get(detail).status_code == 404
    assert api_client.get(reverse("v1:investors:opportunity-list")).json()["results"] == []
    api_client.force_authenticate(make_investor(status="submitted"))
    assert api_client.get(detail).json()["documents"][0]["url"] is None
    api_client.force_authenticate(make_investor(terms=True))
    assert api_client.get(detail).json()["documents"][0]["url"].startswith("/investors/documents/")


def test_interest_through_the_api_then_officer_moves_it(api_client, officer_api):
    opportunity = make_opportunity(make_village())
    investor = make_investor()
    api_client.force_authenticate(investor)
    created = api_client.post(reverse("v1:investors:opportunity-interest", args=[opportunity.pk]),
                              {"amount": 50_000_000, "involvement": "loan", "message": "Tertarik."}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    # the investor cannot triage their own interest
    assert api_client.post(reverse("v1:investors:interest-move", args=[pk]), {"to": "in_review"},
                           format="json").status_code == 403
    moved = officer_api.post(reverse("v1:investors:interest-move", args=[pk]), {"to": "in_review", "note": "ok"},
                             format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "in_review"
    skipped = officer_api.post(reverse("v1:investors:interest-move", args=[pk]), {"to": "committed"}, format="json")
    assert skipped.status_code == 409 and skipped.json()["code"] == "interest_transition_invalid"
    mine = api_client.get(reverse("v1:investors:interest-detail", args=[pk])).json()
    assert [e["to_status"] for e in mine["events"]] == ["new", "in_review"] and mine["events"][1]["note"] == ""
    assert Interest.objects.get(pk=pk).status == "in_review"


def test_profile_api_for_investors_only_and_officer_verification(api_client, officer_api):
    api_client.force_authenticate(UserFactory())
    assert api_client.get(reverse("v1:investors:profile")).status_code == 403
    investor = UserFactory(role="investor")
    api_client.force_authenticate(investor)
    assert api_client.get(reverse("v1:investors:profile")).status_code == 404
    saved = api_client.put(reverse("v1:investors:profile"), {
        "display_name": "Dana Desa Lestari", "kind": "fund", "phone": "081234567890", "involvements": ["equity"]},
        format="json")
    assert saved.status_code == 200 and saved.json()["status"] == "draft"
    assert api_client.post(reverse("v1:investors:profile-submit")).json()["status"] == "submitted"
    pk = InvestorProfile.objects.get(user=investor).pk
    assert api_client.post(reverse("v1:investors:officer-profile-verify", args=[pk])).status_code == 403
    assert officer_api.post(reverse("v1:investors:officer-profile-verify", args=[pk])).json()["status"] == "verified"


def test_watchlist_is_ones_own(api_client):
    profile = make_village()
    mine, theirs = make_investor(), make_investor()
    api_client.force_authenticate(theirs)
    item = api_client.post(reverse("v1:investors:watch-list"), {"village_code": profile.village_id},
                           format="json").json()
    api_client.force_authenticate(mine)
    assert api_client.get(reverse("v1:investors:watch-list")).json() == []
    assert api_client.delete(reverse("v1:investors:watch-item", args=[item["id"]])).status_code == 404
    api_client.force_authenticate(theirs)
    assert api_client.delete(reverse("v1:investors:watch-item", args=[item["id"]])).status_code == 204


def test_directory_api_has_a_fixed_query_budget(api_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for number in range(1, 3):
        make_opportunity(make_village(f"35.09.01.{2000 + number}", f"Desa {number}"))
    url = reverse("v1:investors:village-list")
    with CaptureQueriesContext(connection) as few:
        assert len(api_client.get(url).json()["results"]) == 2
    for number in range(3, 9):
        make_opportunity(make_village(f"35.09.01.{2000 + number}", f"Desa {number}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api_client.get(url).json()["results"]) == 8
