"""The catalogue API for programme villages: public profiles, officers' records."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import CoachingSession, Survey, VillageProfile, VillageStageEvent
from catalog.services import (
    coaching_session_record,
    survey_record,
    village_advance_stage,
    village_photo_add,
    village_profile_update,
)
from market.accounts.models import Role
from tests.catalog.factories import (
    CommodityFactory,
    ProducerFactory,
    UserFactory,
    owner_of,
    village,
)
from tests.catalog.test_api import (  # noqa: F401 -- client_fixture and officer_fixture are fixtures
    as_user,
    assert_error,
    client_fixture,
    in_village,
    jpeg,
    officer_fixture,
    request_queries,
)

pytestmark = pytest.mark.django_db

SURVEY = {"surveyed_on": "2026-03-02", "workforce_total": 40, "workforce_women": 22, "workforce_youth": 9,
          "existing_businesses": 6, "road": "fair", "electricity": "good", "internet": "poor", "water": "good",
          "problems": "Harga kopi turun", "needs": "Mesin sangrai", "raw_materials": "Kopi robusta"}


@pytest.fixture
def padomasan(officer):
    """A coached village with a story, commodities, a contact officer, a photo, a survey and two sessions."""
    robusta = CommodityFactory(name="Kopi robusta", name_en="Robusta coffee", slug="kopi-robusta")
    bamboo = CommodityFactory(name="Bambu", name_en="Bamboo", slug="bambu")
    profile = in_village("35.09.01.2001", "Padomasan", stage="surveyed", district_name="Jombang").profile
    village_profile_update(profile=profile, officer=officer, story="Desa kopi di lereng Argopuro.",
                           flagship_commodity=robusta, other_commodities=[bamboo], contact_officer=officer)
    village_photo_add(profile=profile, officer=officer, image=jpeg(), alt_text="Kebun kopi")
    village_advance_stage(profile=profile, to_stage="socialisation", officer=officer, note="Sosialisasi di balai desa",
                          on=date(2026, 1, 10))
    village_advance_stage(profile=profile, to_stage="coaching", officer=officer, note="Mulai pendampingan",
                          on=date(2026, 2, 1))
    survey_record(profile=profile, officer=officer, surveyed_on=date(2025, 12, 1), workforce_total=30,
                  workforce_women=10, workforce_youth=5, existing_businesses=3, road="poor", electricity="good",
                  internet="none", water="fair")
    survey_record(profile=profile, officer=officer, commodities=[
        {"commodity": robusta, "estimated_production_per_month": Decimal("1200.50"), "unit": "kg"}],
        **{**SURVEY, "surveyed_on": date(2026, 3, 2)})
    for held_on, topic in ((date(2026, 2, 10), "Manajemen industri"), (date(2026, 3, 5), "Pengemasan")):
        coaching_session_record(profile=profile, officer=officer, held_on=held_on, stage="coaching", topic=topic,
                                trainer="Pak Budi", attendees=[ProducerFactory()])
    profile.refresh_from_db()
    return profile


def test_village_list_shows_profiles_with_photos_and_contact(client, padomasan):
    in_village("35.09.02.2002", "Sukamakmur", stage="surveyed", district_name="Kencong")

    response = client.get("/api/v1/villages/")

    assert response.status_code == 200
    body = response.json()
    assert [v["code"] for v in body["results"]] == ["35.09.01.2001", "35.09.02.2002"]
    photo = padomasan.photos.get()
    image = f"http://testserver/media/{photo.image.name}"
    robusta, bamboo = padomasan.flagship_commodity, padomasan.other_commodities.get()
    assert body["results"][0] == {
        "code": "35.09.01.2001", "name": "Padomasan", "district": {"code": "35.09.01", "name": "Jombang"},
        "flagship_commodity": {"id": robusta.pk, "slug": "kopi-robusta", "name": "Kopi robusta",
                               "name_en": "Robusta coffee"},
        "other_commodities": [{"id": bamboo.pk, "slug": "bambu", "name": "Bambu", "name_en": "Bamboo"}],
        "stage": "coaching", "stage_label": "Coaching (incl. industrial management)",
        "story": "Desa kopi di lereng Argopuro.",
        "photos": [{"id": photo.pk, "url": image, "alt": "Kebun kopi", "width": 640, "height": 480,
                    "thumbnails": {"160": image, "480": image, "960": image}}],
        "contact_officer": "Bu Ratna",
    }
    assert (body["results"][1]["contact_officer"], body["results"][1]["flagship_commodity"]) == (None, None)


@pytest.mark.parametrize(("params", "expected"), [
    ({"district": "35.09.02"}, ["35.09.02.2002"]),
    ({"stage": "coaching"}, ["35.09.01.2001"]),
    ({"stage": "surveyed"}, ["35.09.02.2002"]),
    ({"commodity": "kopi-robusta"}, ["35.09.01.2001"]),  # the flagship
    ({"commodity": "bambu"}, ["35.09.01.2001"]),  # another commodity
    ({"commodity": "tebu"}, []),
])
def test_village_list_filters(client, padomasan, params, expected):
    in_village("35.09.02.2002", "Sukamakmur", stage="surveyed")

    body = client.get("/api/v1/villages/", params).json()

    assert [v["code"] for v in body["results"]] == expected


def test_village_list_rejects_bad_filters(client):
    body = assert_error(client.get("/api/v1/villages/", {"district": "x", "stage": "done"}), 400, "invalid")
    assert sorted(body["fields"]) == ["district", "stage"]


def test_village_list_costs_the_same_whatever_its_size(client, officer):
    def add(start, count):
        for index in range(start, start + count):
            profile = in_village(f"35.09.03.{2000 + index}", f"Desa {index}").profile
            village_profile_update(profile=profile, officer=officer, flagship_commodity=CommodityFactory(),
                                   other_commodities=[CommodityFactory(), CommodityFactory()],
                                   contact_officer=officer)
            village_photo_add(profile=profile, officer=officer, image=jpeg((64, 64)))

    add(0, 2)
    small, response = request_queries(lambda: client.get("/api/v1/villages/"))
    assert response.json()["count"] == 2
    add(2, 20)

    large, response = request_queries(lambda: client.get("/api/v1/villages/"))

    assert response.json()["count"] == 22
    assert small == large == 4  # count, page, other commodities, photos


def test_village_detail_has_timeline_latest_survey_and_coaching(client, padomasan):
    body = client.get("/api/v1/villages/35.09.01.2001/").json()

    assert body["timeline"] == [
        {"from_stage": "surveyed", "to_stage": "socialisation", "date": "2026-01-10", "officer": "Bu Ratna",
         "note": "Sosialisasi di balai desa", "reason": ""},
        {"from_stage": "socialisation", "to_stage": "coaching", "date": "2026-02-01", "officer": "Bu Ratna",
         "note": "Mulai pendampingan", "reason": ""},
    ]
    robusta = padomasan.flagship_commodity
    assert body["latest_survey"] == {
        "surveyed_on": "2026-03-02", "workforce_total": 40, "workforce_women": 22, "workforce_youth": 9,
        "existing_businesses": 6, "road": "fair", "electricity": "good", "internet": "poor", "water": "good",
        "needs": "Mesin sangrai",
        "commodities": [{"commodity": {"id": robusta.pk, "slug": "kopi-robusta", "name": "Kopi robusta",
                                       "name_en": "Robusta coffee"},
                         "estimated_production_per_month": "1200.50", "unit": "kg"}],
    }
    assert body["coaching"] == {"count": 2, "latest": [{"held_on": "2026-03-05", "topic": "Pengemasan"},
                                                       {"held_on": "2026-02-10", "topic": "Manajemen industri"}]}
    assert "problems" not in body["latest_survey"]  # internal: officers read it in the survey history


def test_village_detail_of_a_village_outside_the_programme_is_not_found(client):
    village("35.09.01.2002", "Keting")

    assert_error(client.get("/api/v1/villages/35.09.01.2002/"), 404, "village_not_found")
    assert_error(client.get("/api/v1/villages/99.99.99.9999/"), 404, "village_not_found")
    body = client.get("/api/v1/villages/35.09.01.2001/")
    assert body.status_code == 404


# --- officers' writes -------------------------------------------------------------------------


def test_officers_move_the_stage_and_the_first_record_adds_the_village(client, officer):
    village("35.09.01.2002", "Keting")
    as_user(client, officer)

    response = client.post("/api/v1/villages/35.09.01.2002/stage/",
                           {"to_stage": "socialisation", "note": "Pertemuan pertama", "on": "2026-04-01"},
                           format="json")

    assert response.status_code == 201, response.content
    assert response.json() == {"from_stage": "surveyed", "to_stage": "socialisation", "date": "2026-04-01",
                               "officer": "Bu Ratna", "note": "Pertemuan pertama", "reason": ""}
    assert VillageProfile.objects.get(village_id="35.09.01.2002").stage == "socialisation"


@pytest.mark.parametrize(("payload", "status", "code"), [
    ({"to_stage": "surveyed"}, 409, "stage_unchanged"),
    ({"to_stage": "coaching"}, 400, "stage_skipped"),
    ({"to_stage": "socialisation", "on": "2999-01-01"}, 400, "catalog_invalid"),
    ({"to_stage": "famous"}, 400, "invalid"),
])
def test_a_refused_first_record_leaves_the_village_outside_the_programme(client, officer, payload, status, code):
    village("35.09.01.2002", "Keting")

    response = as_user(client, officer).post("/api/v1/villages/35.09.01.2002/stage/", payload, format="json")

    assert_error(response, status, code)
    assert VillageProfile.objects.filter(village_id="35.09.01.2002").exists() is False


def test_moving_back_needs_a_reason(client, officer, padomasan):
    as_user(client, officer)

    refused = client.post("/api/v1/villages/35.09.01.2001/stage/", {"to_stage": "surveyed"}, format="json")
    moved = client.post("/api/v1/villages/35.09.01.2001/stage/", {"to_stage": "surveyed", "reason": "Data salah"},
                        format="json")

    assert_error(refused, 400, "stage_reason_required",
                 {"reason": ["Give a reason for moving the village back to an earlier stage."]})
    assert (moved.status_code, moved.json()["reason"]) == (201, "Data salah")
    assert VillageStageEvent.objects.filter(profile=padomasan).count() == 3


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.BUYER, Role.PRODUCER, Role.INVESTOR])
def test_only_officers_write_or_read_village_records(client, padomasan, role):
    user = UserFactory(role=role)
    as_user(client, user)
    url = "/api/v1/villages/35.09.01.2001"
    counts = (VillageStageEvent.objects.count(), Survey.objects.count(), CoachingSession.objects.count())

    responses = [
        client.post(f"{url}/stage/", {"to_stage": "commodity_management"}, format="json"),
        client.patch(f"{url}/", {"story": "Diubah"}, format="json"),
        client.post(f"{url}/surveys/", SURVEY, format="json"),
        client.get(f"{url}/surveys/"),
        client.post(f"{url}/coaching-sessions/", {"held_on": "2026-03-01", "stage": "coaching", "topic": "x",
                                                   "trainer": "y"}, format="json"),
        client.get(f"{url}/coaching-sessions/"),
        client.post("/api/v1/villages/99.99.99.9999/stage/", {"to_stage": "socialisation"}, format="json"),
    ]

    assert [(r.status_code, r.json()["code"]) for r in responses] == [(403, "officer_required")] * 7
    padomasan.refresh_from_db()
    assert (padomasan.stage, padomasan.story) == ("coaching", "Desa kopi di lereng Argopuro.")
    assert counts == (VillageStageEvent.objects.count(), Survey.objects.count(), CoachingSession.objects.count())


def test_anonymous_village_writes_need_authentication(client, padomasan):
    assert_error(client.post("/api/v1/villages/35.09.01.2001/stage/", {"to_stage": "commodity_management"},
                             format="json"), 401, "not_authenticated")
    assert_error(client.get("/api/v1/villages/35.09.01.2001/surveys/"), 401, "not_authenticated")


def test_officers_edit_the_profile(client, officer, padomasan):
    tebu = CommodityFactory(name="Tebu", slug="tebu")
    colleague = UserFactory(role=Role.OFFICER, is_staff=True, full_name="Pak Dedi")
    as_user(client, officer)

    response = client.patch("/api/v1/villages/35.09.01.2001/", {"story": "  Cerita baru  ", "flagship_commodity": "tebu",
                                                                "other_commodities": [], "contact_officer": colleague.pk},
                            format="json")
    refused = client.patch("/api/v1/villages/35.09.01.2001/", {"contact_officer": owner_of(ProducerFactory()).pk,
                                                               "flagship_commodity": "nothing"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["story"], body["flagship_commodity"]["slug"], body["other_commodities"], body["contact_officer"]) == (
        "Cerita baru", "tebu", [], "Pak Dedi")
    assert sorted(assert_error(refused, 400, "invalid")["fields"]) == ["contact_officer", "flagship_commodity"]
    padomasan.refresh_from_db()
    assert (padomasan.flagship_commodity, padomasan.contact_officer) == (tebu, colleague)
    village("35.09.01.2002", "Keting")
    assert_error(client.patch("/api/v1/villages/35.09.01.2002/", {"story": "x"}, format="json"), 404,
                 "village_not_found")


def test_officers_record_and_read_surveys(client, officer, padomasan):
    robusta = padomasan.flagship_commodity
    as_user(client, officer)
    payload = {**SURVEY, "surveyed_on": "2026-04-01",
               "commodities": [{"commodity": "kopi-robusta", "estimated_production_per_month": "900", "unit": "kg"}]}

    created = client.post("/api/v1/villages/35.09.01.2001/surveys/", payload, format="json")
    duplicate = client.post("/api/v1/villages/35.09.01.2001/surveys/", payload, format="json")
    too_many_women = client.post("/api/v1/villages/35.09.01.2001/surveys/",
                                 {**payload, "surveyed_on": "2026-04-02", "workforce_women": 41}, format="json")
    history = client.get("/api/v1/villages/35.09.01.2001/surveys/")

    assert created.status_code == 201, created.content
    body = created.json()
    survey = Survey.objects.get(profile=padomasan, surveyed_on=date(2026, 4, 1))
    assert body["id"] == survey.pk and body.pop("created_at")
    assert body == {**{k: v for k, v in SURVEY.items() if k != "surveyed_on"}, "surveyed_on": "2026-04-01",
                    "id": survey.pk, "officer": "Bu Ratna",
                    "commodities": [{"commodity": {"id": robusta.pk, "slug": "kopi-robusta", "name": "Kopi robusta",
                                                   "name_en": "Robusta coffee"},
                                     "estimated_production_per_month": "900.00", "unit": "kg"}]}
    assert_error(duplicate, 400, "survey_invalid", {"surveyed_on": ["This village already has a survey on this date."]})
    assert_error(too_many_women, 400, "survey_invalid", {"workforce_women": ["More women than the whole workforce."]})
    assert [s["surveyed_on"] for s in history.json()["results"]] == ["2026-04-01", "2026-03-02", "2025-12-01"]


def test_a_survey_adds_a_village_to_the_programme_unless_refused(client, officer):
    village("35.09.01.2002", "Keting")
    as_user(client, officer)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    refused = client.post("/api/v1/villages/35.09.01.2002/surveys/", {**SURVEY, "surveyed_on": tomorrow},
                          format="json")
    assert_error(refused, 400, "survey_invalid", {"surveyed_on": ["The date cannot be in the future."]})
    assert VillageProfile.objects.filter(village_id="35.09.01.2002").exists() is False

    created = client.post("/api/v1/villages/35.09.01.2002/surveys/", SURVEY, format="json")
    assert created.status_code == 201
    assert VillageProfile.objects.get(village_id="35.09.01.2002").stage == "surveyed"
    assert_error(client.post("/api/v1/villages/99.99.99.9999/surveys/", SURVEY, format="json"), 404,
                 "village_not_found")


def test_officers_record_and_read_coaching_sessions(client, officer, padomasan):
    local = ProducerFactory(name="Kopi Padomasan")
    elsewhere = ProducerFactory(name="Dari desa lain", village=village("35.09.02.2002", "Sukamakmur"))
    as_user(client, officer)
    url = "/api/v1/villages/35.09.01.2001/coaching-sessions/"
    payload = {"held_on": "2026-04-03", "stage": "coaching", "topic": "Label halal", "trainer": "Pak Budi",
               "attendees": [local.pk], "people_attending": 12, "women_attending": 7, "youth_attending": 3}

    created = client.post(url, payload, format="json")
    outsiders = client.post(url, {**payload, "attendees": [elsewhere.pk]}, format="json")
    listed_sessions = client.get(url).json()

    assert created.status_code == 201, created.content
    session = CoachingSession.objects.get(topic="Label halal")
    assert created.json() == {"id": session.pk, "held_on": "2026-04-03", "stage": "coaching", "topic": "Label halal",
                              "trainer": "Pak Budi", "materials": "", "outcomes": "", "officer": "Bu Ratna",
                              "attendees": [{"id": local.pk, "name": "Kopi Padomasan"}],
                              "people_attending": 12, "women_attending": 7, "youth_attending": 3}
    assert_error(outsiders, 400, "catalog_invalid",
                 {"attendees": ["Not producers of this village: Dari desa lain."]})
    assert [s["topic"] for s in listed_sessions["results"]] == ["Label halal", "Pengemasan", "Manajemen industri"]
    assert CoachingSession.objects.count() == 3
