"""The programme officers' pages: access, overview figures, villages, surveys, coaching, curation, producers."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from catalog.models import (
    CoachingAttendance,
    CoachingSession,
    Producer,
    ProducerEvent,
    Product,
    ProductCurationEvent,
    Stage,
    Survey,
    SurveyCommodity,
    VillagePhoto,
    VillageProfile,
    VillageStageEvent,
)
from catalog.selectors import product_list_public
from catalog.services import (
    ProductChanges,
    producer_verify,
    product_approve,
    product_submit_for_curation,
    product_update,
    village_advance_stage,
    village_photo_add,
)
from catalog.services.surveys import CSV_COLUMNS
from market.accounts.models import Role
from market.regions.models import District, Regency, Village
from market.regions.services import region_import_file
from tests.catalog.factories import (
    CommodityFactory,
    OfficerFactory,
    PermitFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
    VillageProfileFactory,
    owner_of,
    village,
)
from tests.fixtures import force_login_mfa

pytestmark = pytest.mark.django_db

BASE = "/dashboard/officer"
VILLAGE = "35.09.01.2001"


@pytest.fixture
def officer(totp_for):
    user = OfficerFactory(full_name="Dewi Kartika")
    totp_for(user)  # officers must have two-factor authentication (OfficerMfaRequiredMiddleware)
    return user


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English (``english_pages``)."""


@pytest.fixture
def officer_client(client, officer):
    force_login_mfa(client, officer)
    return client


def html(response) -> str:
    return response.content.decode()


def at_stage(stage: str, code: str = VILLAGE) -> VillageProfile:
    """Return a profile moved through the programme to ``stage`` by the services."""
    profile = VillageProfileFactory(village=village(code))
    officer = OfficerFactory()
    for step in Stage.values[1:Stage.index(stage) + 1]:
        village_advance_stage(profile=profile, to_stage=step, officer=officer, note="")
    profile.refresh_from_db()
    return profile


def submitted_product(**kwargs) -> Product:
    product = ProductFactory(**kwargs)
    product_submit_for_curation(product=product, actor=owner_of(product.producer))
    return product


def visible_product() -> Product:
    """Return a listed product of a verified producer in a coached village (on sale)."""
    at_stage(Stage.COACHING)
    producer = ProducerFactory()
    producer_verify(producer=producer, officer=OfficerFactory())
    product = submitted_product(producer=producer)
    product_approve(product=product, officer=OfficerFactory())
    product.refresh_from_db()
    return product


def snapshot() -> dict:
    """What the officer pages can change, to prove that a refused request changed nothing."""
    return {
        "profiles": list(VillageProfile.objects.values_list("pk", "stage", "story", "flagship_commodity_id")),
        "stage_events": VillageStageEvent.objects.count(), "surveys": Survey.objects.count(),
        "sessions": CoachingSession.objects.count(), "photos": VillagePhoto.objects.count(),
        "products": list(Product.objects.values_list("pk", "status", "listed").order_by("pk")),
        "curation_events": ProductCurationEvent.objects.count(),
        "producers": list(Producer.objects.values_list("pk", "verified_at").order_by("pk")),
        "producer_events": ProducerEvent.objects.count(),
    }


def jpeg(size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 80, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile("desa.jpg", buffer.getvalue(), content_type="image/jpeg")


# --- access ---------------------------------------------------------------------------------


def officer_urls(product: Product, producer: Producer) -> list[str]:
    return [f"{BASE}/", f"{BASE}/villages/", f"{BASE}/villages/{VILLAGE}/", f"{BASE}/villages/{VILLAGE}/surveys/new/",
            f"{BASE}/villages/{VILLAGE}/coaching/new/", f"{BASE}/surveys/import/",
            f"{BASE}/surveys/import/template.csv", f"{BASE}/curation/", f"{BASE}/curation/{product.pk}/",
            f"{BASE}/producers/", f"{BASE}/producers/{producer.pk}/"]


def officer_posts(product: Product, producer: Producer, photo: VillagePhoto) -> list[tuple[str, dict]]:
    village_url = f"{BASE}/villages/{VILLAGE}"
    return [
        (f"{BASE}/villages/35.09.01.2002/join/", {}),
        (f"{village_url}/profile/", {"story": "Dirusak"}),
        (f"{village_url}/photos/", {"image": jpeg()}),
        (f"{village_url}/photos/{photo.pk}/remove/", {}),
        (f"{village_url}/stage/", {"to_stage": "socialisation", "happened_on": timezone.localdate().isoformat()}),
        (f"{village_url}/surveys/new/", {"surveyed_on": "2026-01-01", "workforce_total": "1", "workforce_women": "0",
                                         "workforce_youth": "0", "existing_businesses": "0", "road": "good",
                                         "electricity": "good", "internet": "good", "water": "good",
                                         "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"}),
        (f"{village_url}/coaching/new/", {"held_on": "2026-01-01", "stage": "surveyed", "topic": "x", "trainer": "y"}),
        (f"{BASE}/surveys/import/", {"file": SimpleUploadedFile("s.csv", ",".join(CSV_COLUMNS).encode())}),
        (f"{BASE}/curation/{product.pk}/approve/", {}),
        (f"{BASE}/curation/{product.pk}/reject/", {"reject-reasons": ["photos"]}),
        (f"{BASE}/curation/{product.pk}/delist/", {"delist-reasons": ["photos"]}),
        (f"{BASE}/producers/{producer.pk}/verify/", {}),
        (f"{BASE}/producers/{producer.pk}/unverify/", {"reason": "x"}),
    ]


@pytest.fixture
def area():
    profile = VillageProfileFactory(village=village(VILLAGE))
    village("35.09.01.2002", "Keting")
    photo = village_photo_add(profile=profile, officer=OfficerFactory(), image=jpeg())
    product = submitted_product()
    return product, product.producer, photo


@pytest.mark.parametrize("role", [Role.PRODUCER, Role.BUYER, Role.CONSUMER, Role.INVESTOR, "officer-not-staff"])
def test_non_officers_get_403_on_every_page_and_their_posts_change_nothing(client, area, role):
    product, producer, photo = area
    user = UserFactory(role=Role.OFFICER) if role == "officer-not-staff" else UserFactory(role=role)
    client.force_login(user)
    before = snapshot()

    pages = {url: client.get(url).status_code for url in officer_urls(product, producer)}
    posts = {url: client.post(url, data).status_code for url, data in officer_posts(product, producer, photo)}

    assert set(pages.values()) == {403}, pages
    assert set(posts.values()) == {403}, posts
    assert snapshot() == before


def test_anonymous_people_are_sent_to_sign_in(client, area):
    product, producer, photo = area
    before = snapshot()

    pages = [client.get(url) for url in officer_urls(product, producer)]
    posts = [client.post(url, data) for url, data in officer_posts(product, producer, photo)]

    assert {(r.status_code, r.url.split("?")[0]) for r in pages + posts} == {(302, "/accounts/login/")}
    assert snapshot() == before


def test_officers_without_two_factor_authentication_set_it_up_first(client):
    client.force_login(OfficerFactory())

    response = client.get(f"{BASE}/")

    assert (response.status_code, response.url) == (302, "/accounts/2fa/totp/activate/")


def test_officers_see_every_page(officer_client, area):
    product, producer, _photo = area

    statuses = {url: officer_client.get(url).status_code for url in officer_urls(product, producer)}

    assert set(statuses.values()) == {200}, statuses


# --- overview -------------------------------------------------------------------------------


def test_overview_counts_exactly_what_waits_and_villages_by_district_and_stage(officer_client):
    region_import_file()
    today = timezone.localdate()
    at_stage(Stage.SURVEYED, "35.09.01.2001")
    at_stage(Stage.COACHING, "35.09.01.2002")
    at_stage(Stage.COACHING, "35.09.02.2001")
    at_stage(Stage.SHOWCASE_READY, "35.09.02.2002")
    verified = ProducerFactory()
    producer_verify(producer=verified, officer=OfficerFactory())
    ProducerFactory()
    ProducerFactory()  # two producers wait for verification
    submitted_product(producer=verified)
    submitted_product(producer=verified)
    submitted_product(producer=verified)
    ProductFactory(producer=verified)  # a draft waits for nobody
    PermitFactory(producer=verified, kind="pirt", expires_on=today + timedelta(days=30))
    PermitFactory(producer=verified, kind="halal", expires_on=today)
    PermitFactory(producer=verified, kind="sni", expires_on=today + timedelta(days=31))
    PermitFactory(producer=verified, kind="bpom_md", expires_on=today - timedelta(days=1))

    response = officer_client.get(f"{BASE}/")

    context = response.context
    assert context["work"] == {"producers_unverified": 2, "products_in_curation": 3, "permits_expiring": 2}
    assert [(item["stage"], item["count"]) for item in context["stages"]] == [
        ("surveyed", 1), ("socialisation", 0), ("coaching", 2), ("commodity_management", 0), ("packaging_design", 0),
        ("showcase_ready", 1)]
    assert context["in_programme"] == 4
    rows = {row["district"].name: ([cell["count"] for cell in row["cells"]], row["total"]) for row in context["rows"]}
    assert len(rows) == 31
    assert rows["Jombang"] == ([1, 0, 1, 0, 0, 0], 2)
    assert rows["Kencong"] == ([0, 0, 1, 0, 0, 1], 2)
    assert sum(total for _cells, total in rows.values()) == 4
    assert context["totals"] == [1, 0, 2, 0, 0, 1]
    page = html(response)
    assert 'data-count="products_in_curation">3<' in page and 'data-count="producers_unverified">2<' in page
    assert 'data-count="permits_expiring">2<' in page
    assert f'href="{BASE}/villages/?district=35.09.02&amp;stage=showcase_ready"' in page


def test_overview_uses_a_fixed_number_of_queries(officer_client, django_assert_num_queries):
    region_import_file()
    officer_client.get(f"{BASE}/")  # warm the session
    at_stage(Stage.COACHING, "35.09.01.2001")
    # session, user, TOTP check, assisted-mode banner, stage counts, three work counts, districts,
    # buyer registrations waiting
    with django_assert_num_queries(10):
        officer_client.get(f"{BASE}/")
    for code in ("35.09.01.2002", "35.09.02.2001", "35.09.03.2001"):
        at_stage(Stage.PACKAGING_DESIGN, code)
    with django_assert_num_queries(10):
        officer_client.get(f"{BASE}/")


# --- villages -------------------------------------------------------------------------------


def test_village_list_shows_every_jember_village_with_filters_and_search(officer_client):
    region_import_file()
    at_stage(Stage.COACHING, "35.09.01.2002")
    at_stage(Stage.SURVEYED, "35.09.02.2001")

    everything = officer_client.get(f"{BASE}/villages/")
    coached = officer_client.get(f"{BASE}/villages/", {"stage": "coaching"})
    outside = officer_client.get(f"{BASE}/villages/", {"district": "35.09.01", "stage": "none"})
    searched = officer_client.get(f"{BASE}/villages/", {"q": "keting"})
    page_two = officer_client.get(f"{BASE}/villages/", {"page": 2})

    assert everything.context["page"].paginator.count == 248
    assert len(everything.context["page"].object_list) == 25
    assert [v.code for v in coached.context["page"].object_list] == ["35.09.01.2002"]
    assert [v.code for v in outside.context["page"].object_list] == [
        "35.09.01.2001", "35.09.01.2003", "35.09.01.2004", "35.09.01.2005", "35.09.01.2006"]
    assert [(v.code, v.name) for v in searched.context["page"].object_list] == [("35.09.01.2002", "Keting")]
    assert "Coaching (incl. industrial management)" in html(searched)
    assert page_two.context["page"].number == 2
    assert "Not yet in the programme" in html(everything)


def test_village_list_uses_a_fixed_number_of_queries(officer_client, django_assert_num_queries):
    region_import_file()
    commodity = CommodityFactory()
    at_stage(Stage.SURVEYED, "35.09.01.2001")
    officer_client.get(f"{BASE}/villages/")
    # session, user, TOTP check, assisted-mode banner, districts, count, page
    with django_assert_num_queries(7):
        few = officer_client.get(f"{BASE}/villages/", {"stage": "surveyed"})
    for code in [f"35.09.02.200{n}" for n in range(1, 8)] + [f"35.09.03.200{n}" for n in range(1, 8)]:
        VillageProfile.objects.filter(pk=at_stage(Stage.SURVEYED, code).pk).update(flagship_commodity=commodity)
    with django_assert_num_queries(7):
        many = officer_client.get(f"{BASE}/villages/", {"stage": "surveyed"})

    assert (len(few.context["page"].object_list), len(many.context["page"].object_list)) == (1, 15)


def test_first_visit_offers_to_add_the_village_and_a_post_creates_its_profile(officer_client):
    village(VILLAGE)

    page = officer_client.get(f"{BASE}/villages/{VILLAGE}/")
    response = officer_client.post(f"{BASE}/villages/{VILLAGE}/join/")
    again = officer_client.post(f"{BASE}/villages/{VILLAGE}/join/", follow=True)

    assert "Add to the programme" in html(page) and VillageProfile.objects.count() == 1  # one from the POST only
    assert (response.status_code, response.url) == (302, f"{BASE}/villages/{VILLAGE}/")
    assert list(VillageProfile.objects.values_list("village_id", "stage")) == [(VILLAGE, "surveyed")]
    assert again.status_code == 200 and "Change the stage" in html(again)


def test_a_get_never_creates_a_profile(officer_client):
    village(VILLAGE)

    officer_client.get(f"{BASE}/villages/{VILLAGE}/")
    officer_client.get(f"{BASE}/villages/{VILLAGE}/surveys/new/")

    assert VillageProfile.objects.count() == 0


def test_unknown_or_out_of_area_villages_are_404(officer_client):
    province = village(VILLAGE).district.regency.province
    regency = Regency.objects.create(code="35.10", province=province, name="KAB. BANYUWANGI", kind="kabupaten")
    district = District.objects.create(code="35.10.01", regency=regency, name="Pesanggaran")
    Village.objects.create(code="35.10.01.2001", district=district, name="Sarongan", kind="desa")

    assert officer_client.get(f"{BASE}/villages/35.10.01.2001/").status_code == 404
    assert officer_client.get(f"{BASE}/villages/99.99/").status_code == 404


def test_profile_edit_saves_story_and_commodities(officer_client, officer):
    profile = VillageProfileFactory(village=village(VILLAGE))
    kopi, kakao, tembakau = CommodityFactory(name="Kopi"), CommodityFactory(name="Kakao"), CommodityFactory()

    response = officer_client.post(f"{BASE}/villages/{VILLAGE}/profile/", {
        "story": " Desa kopi di lereng Argopuro. ", "flagship_commodity": kopi.pk,
        "other_commodities": [kakao.pk, tembakau.pk], "contact_officer": officer.pk})

    profile.refresh_from_db()
    assert (response.status_code, response.url) == (302, f"{BASE}/villages/{VILLAGE}/#profile")
    assert (profile.story, profile.flagship_commodity, profile.contact_officer) == (
        "Desa kopi di lereng Argopuro.", kopi, officer)
    assert set(profile.other_commodities.all()) == {kakao, tembakau}


def test_profile_edit_refuses_a_non_officer_contact_and_keeps_the_input(officer_client):
    profile = VillageProfileFactory(village=village(VILLAGE))
    buyer = UserFactory(role=Role.BUYER)

    response = officer_client.post(f"{BASE}/villages/{VILLAGE}/profile/", {
        "story": "Cerita baru", "contact_officer": buyer.pk})

    profile.refresh_from_db()
    assert response.status_code == 200
    assert "Select a valid choice" in html(response) and "Cerita baru" in html(response)
    assert (profile.story, profile.contact_officer) == ("", None)


def test_photos_are_added_and_removed_and_bad_files_are_explained(officer_client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    profile = VillageProfileFactory(village=village(VILLAGE))

    added = officer_client.post(f"{BASE}/villages/{VILLAGE}/photos/", {"image": jpeg(), "alt_text": "Balai desa"})
    bad = officer_client.post(f"{BASE}/villages/{VILLAGE}/photos/", {
        "image": SimpleUploadedFile("x.jpg", b"not a photo at all", content_type="image/jpeg")})
    photo = VillagePhoto.objects.get()
    removed = officer_client.post(f"{BASE}/villages/{VILLAGE}/photos/{photo.pk}/remove/")
    twice = officer_client.post(f"{BASE}/villages/{VILLAGE}/photos/{photo.pk}/remove/")

    assert (added.status_code, added.url) == (302, f"{BASE}/villages/{VILLAGE}/#photos")
    assert photo.alt_text == "Balai desa" and photo.profile == profile
    assert bad.status_code == 200
    assert "This file is not a photo we can use. Send a JPEG, PNG or WebP photo." in html(bad)
    assert (removed.status_code, twice.status_code) == (302, 302)
    assert VillagePhoto.objects.count() == 0


# --- stages ---------------------------------------------------------------------------------


def test_stage_advances_to_the_next_stage_with_date_and_note(officer_client, officer):
    profile = VillageProfileFactory(village=village(VILLAGE))
    day = timezone.localdate() - timedelta(days=3)

    response = officer_client.post(f"{BASE}/villages/{VILLAGE}/stage/", {
        "to_stage": "socialisation", "happened_on": day.isoformat(), "note": "Sosialisasi di balai desa"})
    page = officer_client.get(response.url)

    profile.refresh_from_db()
    assert (response.status_code, response.url) == (302, f"{BASE}/villages/{VILLAGE}/")
    assert profile.stage == "socialisation"
    assert list(VillageStageEvent.objects.values_list("from_stage", "to_stage", "happened_on", "note", "officer")) == [
        ("surveyed", "socialisation", day, "Sosialisasi di balai desa", officer.pk)]
    assert "Padomasan moved to the stage “Socialisation”." in html(page)
    assert "Sosialisasi di balai desa" in html(page)


def test_stage_form_offers_the_next_stage_and_earlier_ones_only(officer_client):
    at_stage(Stage.COACHING)

    form = officer_client.get(f"{BASE}/villages/{VILLAGE}/").context["stage_form"]

    assert [value for value, _label in form.fields["to_stage"].choices] == [
        "commodity_management", "socialisation", "surveyed"]


def test_skipping_a_stage_is_refused_and_changes_nothing(officer_client):
    profile = VillageProfileFactory(village=village(VILLAGE))
    before = snapshot()

    response = officer_client.post(f"{BASE}/villages/{VILLAGE}/stage/", {
        "to_stage": "coaching", "happened_on": timezone.localdate().isoformat(), "note": "lompat"})

    profile.refresh_from_db()
    assert response.status_code == 200
    assert "Select a valid choice. coaching is not one of the available choices." in html(response)
    assert profile.stage == "surveyed" and snapshot() == before


def test_going_back_needs_a_reason(officer_client):
    profile = at_stage(Stage.COACHING)
    today = timezone.localdate().isoformat()
    before = snapshot()

    refused = officer_client.post(f"{BASE}/villages/{VILLAGE}/stage/", {
        "to_stage": "surveyed", "happened_on": today, "note": "ulang", "reason": "  "})

    profile.refresh_from_db()
    assert refused.status_code == 200
    assert "Give a reason for moving the village back to an earlier stage." in html(refused)
    assert ">\nulang</textarea>" in html(refused)  # the note is kept
    assert profile.stage == "coaching" and snapshot() == before

    accepted = officer_client.post(f"{BASE}/villages/{VILLAGE}/stage/", {
        "to_stage": "surveyed", "happened_on": today, "note": "", "reason": "Kelompok usaha bubar"})

    profile.refresh_from_db()
    assert accepted.status_code == 302 and profile.stage == "surveyed"
    assert VillageStageEvent.objects.order_by("pk").last().reason == "Kelompok usaha bubar"


def test_a_stage_date_in_the_future_is_refused(officer_client):
    profile = VillageProfileFactory(village=village(VILLAGE))

    response = officer_client.post(f"{BASE}/villages/{VILLAGE}/stage/", {
        "to_stage": "socialisation", "happened_on": (timezone.localdate() + timedelta(days=1)).isoformat()})

    profile.refresh_from_db()
    assert "The date cannot be in the future." in html(response)
    assert profile.stage == "surveyed" and VillageStageEvent.objects.count() == 0


# --- surveys --------------------------------------------------------------------------------


def survey_data(**overrides) -> dict:
    data = {"surveyed_on": "2026-01-10", "workforce_total": "120", "workforce_women": "60",
            "workforce_youth": "30", "existing_businesses": "12", "road": "fair", "electricity": "good",
            "internet": "poor", "water": "good", "raw_materials": "Biji kopi", "problems": "Harga jatuh",
            "needs": "Mesin roasting", "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "30",
            "lines-0-commodity": "", "lines-0-estimated_production_per_month": "", "lines-0-unit": "",
            "lines-1-commodity": "", "lines-1-estimated_production_per_month": "", "lines-1-unit": "",
            "lines-2-commodity": "", "lines-2-estimated_production_per_month": "", "lines-2-unit": ""}
    data.update(overrides)
    return data


def test_survey_entry_records_the_survey_and_its_commodity_lines(officer_client, officer):
    profile = VillageProfileFactory(village=village(VILLAGE))
    kopi, kakao = CommodityFactory(slug="kopi"), CommodityFactory(slug="kakao")

    response = officer_client.post(f"{BASE}/villages/{VILLAGE}/surveys/new/", survey_data(**{
        "lines-0-commodity": str(kopi.pk), "lines-0-estimated_production_per_month": "1200.5", "lines-0-unit": "kg",
        "lines-2-commodity": str(kakao.pk), "lines-2-estimated_production_per_month": "300", "lines-2-unit": "kg"}))

    survey = Survey.objects.get()
    assert (response.status_code, response.url) == (302, f"{BASE}/villages/{VILLAGE}/#surveys")
    assert (survey.profile, survey.officer, survey.surveyed_on, survey.workforce_total, survey.road, survey.needs) == (
        profile, officer, date(2026, 1, 10), 120, "fair", "Mesin roasting")
    assert list(SurveyCommodity.objects.order_by("pk").values_list("commodity__slug", "estimated_production_per_month",
                                                                   "unit")) == [
        ("kopi", pytest.approx(1200.5), "kg"), ("kakao", 300, "kg")]


def test_survey_errors_are_shown_per_field_and_per_line_and_nothing_typed_is_lost(officer_client):
    VillageProfileFactory(village=village(VILLAGE))
    kopi = CommodityFactory(slug="kopi")

    response = officer_client.post(f"{BASE}/villages/{VILLAGE}/surveys/new/", survey_data(**{
        "workforce_women": "130", "problems": "Jalan rusak parah",
        "lines-0-commodity": str(kopi.pk), "lines-0-estimated_production_per_month": "1200", "lines-0-unit": "kg",
        "lines-1-commodity": str(kopi.pk), "lines-1-estimated_production_per_month": "5", "lines-1-unit": "kg"}))

    page = html(response)
    assert response.status_code == 200
    assert "More women than the whole workforce." in page
    assert f"{kopi.name_en} is listed twice." in page  # the commodity in the reader's language (issue 17)
    assert 'name="workforce_women" value="130"' in page and ">\nJalan rusak parah</textarea>" in page
    assert 'name="lines-1-estimated_production_per_month" value="5"' in page
    assert Survey.objects.count() == 0


def test_survey_line_half_filled_is_an_error_on_that_line(officer_client):
    VillageProfileFactory(village=village(VILLAGE))

    response = officer_client.post(f"{BASE}/villages/{VILLAGE}/surveys/new/", survey_data(**{
        "lines-1-estimated_production_per_month": "40"}))

    assert response.status_code == 200
    assert response.context["formset"].errors == [
        {}, {"commodity": ["Fill in this column too, or empty the row."],
             "unit": ["Fill in this column too, or empty the row."]}, {}]
    assert Survey.objects.count() == 0


def test_survey_add_row_without_javascript_keeps_the_input_and_saves_nothing(officer_client):
    VillageProfileFactory(village=village(VILLAGE))
    kopi = CommodityFactory(slug="kopi")

    response = officer_client.post(f"{BASE}/villages/{VILLAGE}/surveys/new/", survey_data(**{
        "add_row": "1", "workforce_total": "", "lines-0-commodity": str(kopi.pk)}))

    page = html(response)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 4
    assert f'<option value="{kopi.pk}" selected>' in page and 'name="workforce_women" value="60"' in page
    assert "errorlist" not in page  # not judged while typing
    assert Survey.objects.count() == 0


def test_a_second_survey_on_the_same_day_is_refused(officer_client):
    VillageProfileFactory(village=village(VILLAGE))
    officer_client.post(f"{BASE}/villages/{VILLAGE}/surveys/new/", survey_data())

    response = officer_client.post(f"{BASE}/villages/{VILLAGE}/surveys/new/", survey_data())

    assert "This village already has a survey on this date." in html(response)
    assert Survey.objects.count() == 1


def test_survey_page_lists_history_latest_first(officer_client):
    VillageProfileFactory(village=village(VILLAGE))
    officer_client.post(f"{BASE}/villages/{VILLAGE}/surveys/new/", survey_data(surveyed_on="2025-06-01"))
    officer_client.post(f"{BASE}/villages/{VILLAGE}/surveys/new/", survey_data(surveyed_on="2026-01-10"))

    response = officer_client.get(f"{BASE}/villages/{VILLAGE}/")

    assert [s.surveyed_on for s in response.context["surveys"]] == [date(2026, 1, 10), date(2025, 6, 1)]


# --- survey import --------------------------------------------------------------------------

HEADER = ",".join(CSV_COLUMNS)


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("survei.csv", text.encode("utf-8"), content_type="text/csv")


def test_template_download_has_the_expected_header_and_imports_as_is(officer_client):
    village("35.09.01.2001")
    CommodityFactory(slug="kopi-robusta", name="Kopi robusta")

    response = officer_client.get(f"{BASE}/surveys/import/template.csv")
    content = response.content.decode("utf-8")
    imported = officer_client.post(f"{BASE}/surveys/import/", {"file": upload(content)}, follow=True)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert content.lstrip("\ufeff").splitlines()[0] == HEADER
    assert "1 surveys imported, with 1 commodity lines." in html(imported)


def test_csv_import_of_a_good_file_reports_the_count(officer_client, officer):
    village("35.09.01.2001")
    village("35.09.01.2002", "Keting")
    CommodityFactory(slug="kopi", name="Kopi")
    CommodityFactory(slug="tembakau", name="Tembakau")
    content = "\n".join([
        HEADER,
        "35.09.01.2001,2026-01-10,120,60,30,12,fair,good,poor,good,kopi,1200.5,kg,Harga jatuh,Mesin",
        "35.09.01.2001,2026-01-10,120,60,30,12,fair,good,poor,good,Tembakau,300,kg,Harga jatuh,Mesin",
        "35.09.01.2002,2026-01-11,80,40,10,3,good,good,none,fair,,,,,",
    ])

    response = officer_client.post(f"{BASE}/surveys/import/", {"file": upload(content)})
    page = officer_client.get(response.url)

    assert (response.status_code, response.url) == (302, f"{BASE}/surveys/import/")
    assert "2 surveys imported, with 2 commodity lines." in html(page)
    assert sorted(Survey.objects.values_list("profile__village_id", "surveyed_on", "officer")) == [
        ("35.09.01.2001", date(2026, 1, 10), officer.pk), ("35.09.01.2002", date(2026, 1, 11), officer.pk)]
    assert SurveyCommodity.objects.count() == 2


def test_csv_import_of_a_bad_file_shows_every_line_and_writes_nothing(officer_client):
    village("35.09.01.2001")
    CommodityFactory(slug="kopi", name="Kopi")
    content = "\n".join([
        HEADER,
        "35.09.01.2001,2026-01-10,120,60,30,12,fair,good,poor,good,kopi,1200,kg,,",
        "35.09.99.9999,2026-01-10,120,60,30,12,fair,good,poor,good,,,,,",
        "35.09.01.2001,10/01/2026,120,60,30,12,fair,good,poor,good,,,,,",
        "35.09.01.2001,2026-01-12,10,60,30,12,fair,good,poor,good,durian,5,kg,,",
    ])

    response = officer_client.post(f"{BASE}/surveys/import/", {"file": upload(content)})

    page = html(response)
    assert response.status_code == 200
    assert [item["where"] for item in response.context["report"]["lines"]] == ["line 3", "line 4", "line 5"]
    assert "Nothing was imported" in page and "The survey file has errors; nothing was imported." in page
    assert "line 3:</strong>" in page and "village_code: 35.09.99.9999 is not a known village." in page
    assert "surveyed_on: 10/01/2026 is not a date (YYYY-MM-DD)." in page
    assert "workforce_women: More women than the whole workforce." in page
    assert "commodity: durian is not a known commodity." in page
    assert (Survey.objects.count(), VillageProfile.objects.count()) == (0, 0)


def test_csv_import_of_a_file_without_the_header_names_the_missing_columns(officer_client):
    response = officer_client.post(f"{BASE}/surveys/import/", {"file": upload("kode,tanggal\n1,2\n")})

    assert "line 1:</strong> Missing columns: village_code, surveyed_on" in html(response)
    assert Survey.objects.count() == 0


# --- coaching -------------------------------------------------------------------------------


def test_coaching_session_is_recorded_with_its_attendees(officer_client, officer):
    profile = at_stage(Stage.COACHING)
    ani, budi, _absent = ProducerFactory(name="Ani"), ProducerFactory(name="Budi"), ProducerFactory(name="Citra")
    elsewhere = ProducerFactory(village=village("35.09.01.2002", "Keting"))

    form = officer_client.get(f"{BASE}/villages/{VILLAGE}/coaching/new/").context["form"]
    response = officer_client.post(f"{BASE}/villages/{VILLAGE}/coaching/new/", {
        "held_on": "2026-02-03", "stage": "coaching", "topic": "Menghitung HPP", "trainer": "Ir. Sutrisno",
        "attendees": [ani.pk, budi.pk], "materials": "Modul HPP", "outcomes": "Semua peserta menghitung HPP"})
    page = officer_client.get(f"{BASE}/villages/{VILLAGE}/")

    assert elsewhere not in form.fields["attendees"].queryset
    assert (response.status_code, response.url) == (302, f"{BASE}/villages/{VILLAGE}/#coaching")
    session = CoachingSession.objects.get()
    assert (session.profile, session.officer, session.held_on, session.topic, session.trainer) == (
        profile, officer, date(2026, 2, 3), "Menghitung HPP", "Ir. Sutrisno")
    assert set(CoachingAttendance.objects.values_list("producer__name", flat=True)) == {"Ani", "Budi"}
    attended = {p.name: p.sessions_attended for p in page.context["producers"]}
    assert attended == {"Ani": 1, "Budi": 1, "Citra": 0}
    assert "2 attendees: Ani, Budi" in html(page)


def test_coaching_session_sent_twice_is_recorded_once(officer_client):
    at_stage(Stage.COACHING)
    data = {"held_on": "2026-02-03", "stage": "coaching", "topic": "Menghitung HPP", "trainer": "Sutrisno"}

    first = officer_client.post(f"{BASE}/villages/{VILLAGE}/coaching/new/", data)
    second = officer_client.post(f"{BASE}/villages/{VILLAGE}/coaching/new/", data, follow=True)

    assert first.status_code == 302
    assert "The coaching session “Menghitung HPP” of that day is already recorded." in html(second)
    assert CoachingSession.objects.count() == 1


def test_coaching_session_with_a_producer_of_another_village_is_refused(officer_client):
    at_stage(Stage.COACHING)
    elsewhere = ProducerFactory(village=village("35.09.01.2002", "Keting"))

    response = officer_client.post(f"{BASE}/villages/{VILLAGE}/coaching/new/", {
        "held_on": "2026-02-03", "stage": "coaching", "topic": "HPP", "trainer": "Sutrisno",
        "attendees": [elsewhere.pk], "materials": "Modul"})

    assert response.status_code == 200 and "Select a valid choice." in html(response)
    assert 'value="HPP"' in html(response) and ">\nModul</textarea>" in html(response)
    assert CoachingSession.objects.count() == 0


# --- curation -------------------------------------------------------------------------------


def test_curation_queue_lists_submitted_products_oldest_first(officer_client):
    first = submitted_product(name="Kopi Lanang")
    second = submitted_product(name="Suwar-suwir")
    ProductFactory(name="Draft")
    Product.objects.filter(pk=first.pk).update(updated_at=timezone.now() - timedelta(days=3))

    response = officer_client.get(f"{BASE}/curation/")

    assert [p.name for p in response.context["page"].object_list] == ["Kopi Lanang", "Suwar-suwir"]
    assert "3\xa0days" in html(response)
    assert second.producer.name in html(response)


def test_curation_queue_uses_a_fixed_number_of_queries(officer_client, django_assert_num_queries):
    for _ in range(2):
        submitted_product()
    officer_client.get(f"{BASE}/curation/")
    # session, user, TOTP check, assisted-mode banner, count, page
    with django_assert_num_queries(6):
        few = officer_client.get(f"{BASE}/curation/")
    for index in range(18):
        submitted_product(producer=ProducerFactory(village=village(f"35.09.0{index % 3 + 1}.200{index % 5 + 1}")))
    with django_assert_num_queries(6):
        many = officer_client.get(f"{BASE}/curation/")

    assert (len(few.context["page"].object_list), len(many.context["page"].object_list)) == (2, 20)


def test_approve_lists_the_product_publicly(officer_client, officer):
    at_stage(Stage.COACHING)
    producer = ProducerFactory()
    producer_verify(producer=producer, officer=OfficerFactory())
    product = submitted_product(producer=producer, name="Kopi Lanang")

    detail = officer_client.get(f"{BASE}/curation/{product.pk}/")
    response = officer_client.post(f"{BASE}/curation/{product.pk}/approve/", {"approve-note": "Lolos kurasi"})
    again = officer_client.post(f"{BASE}/curation/{product.pk}/approve/", {"approve-note": "Lolos kurasi"},
                                follow=True)

    product.refresh_from_db()
    assert detail.status_code == 200 and "Retail readiness" in html(detail) and "Add an EAN-13 barcode." in html(detail)
    assert (response.status_code, response.url) == (302, f"{BASE}/curation/")
    assert (product.status, product.listed, product.approved_by) == ("approved", True, officer)
    assert list(product_list_public()) == [product]
    assert ProductCurationEvent.objects.filter(product=product, to_status="approved").get().note == "Lolos kurasi"
    assert again.redirect_chain == [(f"{BASE}/curation/{product.pk}/", 302)]  # a double click: refused, and why
    assert "This product cannot make that change in its current status." in html(again)
    assert ProductCurationEvent.objects.filter(product=product, to_status="approved").count() == 1


def test_reject_needs_a_reason_and_other_needs_a_note(officer_client):
    product = submitted_product()
    before = snapshot()

    no_reason = officer_client.post(f"{BASE}/curation/{product.pk}/reject/", {"reject-note": "Kurang"})
    other = officer_client.post(f"{BASE}/curation/{product.pk}/reject/", {"reject-reasons": ["other"]})

    assert "Choose at least one reason for the rejection." in html(no_reason)
    assert ">\nKurang</textarea>" in html(no_reason)
    assert "Explain the other reason in the note." in html(other)
    assert 'value="other" id="id_reject-reasons_5" checked' in html(other)
    assert snapshot() == before

    done = officer_client.post(f"{BASE}/curation/{product.pk}/reject/", {
        "reject-reasons": ["photos", "price"], "reject-note": "Foto gelap"})

    product.refresh_from_db()
    assert done.status_code == 302 and product.status == "rejected"
    event = ProductCurationEvent.objects.filter(product=product).order_by("pk").last()
    assert (event.reasons, event.note) == (["photos", "price"], "Foto gelap")


def test_pending_changes_of_a_listed_product_are_shown_against_the_version_on_sale(officer_client):
    product = visible_product()
    product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(
        name="Kopi Lanang Premium", retail_price=45000))

    response = officer_client.get(f"{BASE}/curation/{product.pk}/")

    rows = {row["key"]: row for row in response.context["rows"]}
    assert response.context["changed"] == ["name", "retail_price"]
    assert (rows["name"]["approved"], rows["name"]["working"], rows["name"]["changed"]) == (
        product.approved_snapshot["name"], "Kopi Lanang Premium", True)
    assert (rows["retail_price"]["approved"], rows["retail_price"]["working"]) == ("Rp 35.000", "Rp 45.000")
    assert rows["description"]["changed"] is False
    assert "2 fields changed; they are highlighted." in html(response)
    assert list(product_list_public()) == [product]  # the approved version stays on sale meanwhile


def test_delist_takes_a_listed_product_off_sale(officer_client):
    product = visible_product()

    refused = officer_client.post(f"{BASE}/curation/{product.pk}/delist/", {"delist-note": "Izin kedaluwarsa"})
    assert "Choose at least one reason for the rejection." in html(refused)
    assert list(product_list_public()) == [product]

    response = officer_client.post(f"{BASE}/curation/{product.pk}/delist/", {
        "delist-reasons": ["permits"], "delist-note": "P-IRT kedaluwarsa"})

    product.refresh_from_db()
    assert (response.status_code, response.url) == (302, f"{BASE}/curation/{product.pk}/")
    assert (product.listed, product.status) == (False, "rejected")
    assert list(product_list_public()) == []


def test_curation_of_a_missing_product_is_404(officer_client):
    assert officer_client.get(f"{BASE}/curation/999999/").status_code == 404


# --- producers ------------------------------------------------------------------------------


def test_producer_list_filters_by_state_and_flags_expiring_permits(officer_client):
    today = timezone.localdate()
    waiting = ProducerFactory(name="Menunggu")
    verified = ProducerFactory(name="Terverifikasi")
    producer_verify(producer=verified, officer=OfficerFactory())
    PermitFactory(producer=verified, kind="halal", expires_on=today + timedelta(days=10), number="H-1")

    default = officer_client.get(f"{BASE}/producers/")
    done = officer_client.get(f"{BASE}/producers/", {"state": "verified"})
    expiring = officer_client.get(f"{BASE}/producers/", {"state": "expiring"})
    everyone = officer_client.get(f"{BASE}/producers/", {"state": "all"})

    assert [p.name for p in default.context["page"].object_list] == [waiting.name]
    assert [p.name for p in done.context["page"].object_list] == [verified.name]
    assert [p.name for p in expiring.context["page"].object_list] == [verified.name]
    assert [p.name for p in everyone.context["page"].object_list] == ["Menunggu", "Terverifikasi"]
    assert [(t["state"], t["count"]) for t in default.context["tabs"]] == [
        ("waiting", 1), ("verified", 1), ("expiring", 1), ("all", 2)]
    assert "badge-warn" in html(expiring) and "H-1" in html(expiring)
    assert owner_of(waiting).email in html(default)


def test_producer_list_uses_a_fixed_number_of_queries(officer_client, django_assert_num_queries):
    ProducerFactory()
    officer_client.get(f"{BASE}/producers/")
    # session, user, TOTP check, assisted-mode banner, state counts, count, page, permits, memberships with users
    with django_assert_num_queries(9):
        officer_client.get(f"{BASE}/producers/", {"state": "all"})
    for _ in range(9):
        PermitFactory(producer=ProducerFactory())
    with django_assert_num_queries(9):
        officer_client.get(f"{BASE}/producers/", {"state": "all"})


def test_verify_and_withdraw_verification(officer_client, officer):
    producer = ProducerFactory()

    verified = officer_client.post(f"{BASE}/producers/{producer.pk}/verify/", {"next": f"{BASE}/producers/"})
    twice = officer_client.post(f"{BASE}/producers/{producer.pk}/verify/", {"next": "https://evil.example/"})
    producer.refresh_from_db()
    assert (verified.status_code, verified.url) == (302, f"{BASE}/producers/")
    assert (twice.status_code, twice.url) == (302, f"{BASE}/producers/{producer.pk}/")
    assert producer.verified_by == officer
    assert list(ProducerEvent.objects.values_list("kind", flat=True)) == ["verified"]

    refused = officer_client.post(f"{BASE}/producers/{producer.pk}/unverify/", {"reason": " "})
    producer.refresh_from_db()
    assert refused.status_code == 200 and "This field is required." in html(refused)
    assert producer.is_verified

    withdrawn = officer_client.post(f"{BASE}/producers/{producer.pk}/unverify/", {"reason": "Alamat fiktif"})
    producer.refresh_from_db()
    assert (withdrawn.status_code, producer.verified_at) == (302, None)
    assert list(ProducerEvent.objects.order_by("pk").values_list("kind", "reason")) == [
        ("verified", ""), ("unverified", "Alamat fiktif")]
    assert "Alamat fiktif" in html(officer_client.get(withdrawn.url))
