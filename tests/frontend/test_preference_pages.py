"""The buying preferences page (/dashboard/buyer/preferences/) and "Retail-ready for you" on the catalogue:
owners and managers edit, members look, bad input keeps what was typed and changes nothing; the badge
and the "matches my preferences" filter follow the preferences at a fixed number of queries."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from buyers.selectors import BuyerPreferences, buyer_preferences_get
from buyers.services import buyer_preferences_set
from market.accounts.models import Membership, Role
from tests.buyers.catalogue import buyer_member, list_product, make_catalogue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/buyer/preferences/"
BADGE = '<span class="badge badge-ok">Retail-ready for you</span>'


@pytest.fixture
def en(english_pages):
    """A client that reads the pages in English, with English active while the test reads lazy labels."""
    return english_pages


@pytest.fixture
def catalogue():
    return make_catalogue()


def crafts_only(organisation, actor, catalogue, **overrides):
    values = {"category_ids": [catalogue["craft"].pk], "district_codes": [], "certifications": [],
              "min_shelf_life_days": 180, "digest_enabled": True, **overrides}
    buyer_preferences_set(organisation=organisation, actor=actor, **values)


def text(response) -> str:
    return " ".join(response.content.decode().split())


# --- the page -----------------------------------------------------------------------------------


def test_owner_edits_preferences_with_checkboxes(en, catalogue):
    organisation, owner = buyer_member()
    en.force_login(owner)

    page = en.get(PAGE)
    assert page.status_code == 200
    html = text(page)
    assert f'<input type="checkbox" name="categories" value="{catalogue["coffee"].pk}"' in html
    assert '<input type="checkbox" name="districts" value="35.09.02"' in html
    assert [label for _code, label in page.context["form"].fields["districts"].choices] == [
        "Bangsalsari", "Jombang", "Kencong"]
    assert 'name="digest_enabled" id="id_digest_enabled" checked' in html

    response = en.post(PAGE, {"categories": [catalogue["food"].pk, catalogue["craft"].pk],
                              "districts": ["35.09.01"], "certifications": ["halal"],
                              "min_shelf_life_days": "270"})  # digest left unticked: opted out

    assert response.status_code == 302 and response.url == PAGE
    assert buyer_preferences_get(organisation=organisation) == BuyerPreferences(
        category_ids=tuple(sorted([catalogue["food"].pk, catalogue["craft"].pk])), district_codes=("35.09.01",),
        certifications=("halal",), min_shelf_life_days=270, digest_enabled=False)
    assert "Your preferences are saved." in text(en.get(PAGE))


def test_bad_input_keeps_the_typed_values_and_changes_nothing(en, catalogue):
    organisation, owner = buyer_member(Membership.Role.MANAGER)
    crafts_only(organisation, owner, catalogue, min_shelf_life_days=90)
    before = buyer_preferences_get(organisation=organisation)
    en.force_login(owner)

    response = en.post(PAGE, {"categories": [catalogue["coffee"].pk], "districts": ["35.09.02", "99.99.99"],
                              "certifications": ["sni"], "min_shelf_life_days": "dua ratus", "digest_enabled": "on"})

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"districts": ["Select a valid choice. 99.99.99 is not one of the available choices."],
                           "min_shelf_life_days": ["Enter a whole number."]}
    html = text(response)
    # Crafts, Food and drink, then Coffee under it: what was ticked stays ticked, what was typed stays.
    assert f'name="categories" value="{catalogue["coffee"].pk}" id="id_categories_2" checked>' in html
    assert f'name="categories" value="{catalogue["craft"].pk}" id="id_categories_0">' in html
    assert 'name="districts" value="35.09.02" aria-invalid="true" id="id_districts_0" checked>' in html
    assert 'name="certifications" value="sni" id="id_certifications_4" checked>' in html
    assert 'name="min_shelf_life_days" value="dua ratus"' in html
    assert buyer_preferences_get(organisation=organisation) == before


def test_members_see_the_preferences_but_cannot_change_them(en, catalogue):
    organisation, owner = buyer_member()
    crafts_only(organisation, owner, catalogue, district_codes=["35.09.02"])
    _same, member = buyer_member(Membership.Role.MEMBER, organisation=organisation)
    before = buyer_preferences_get(organisation=organisation)
    en.force_login(member)

    page = en.get(PAGE)
    html = text(page)
    assert page.status_code == 200
    assert 'name="categories"' not in html and 'name="min_shelf_life_days"' not in html
    assert "<dt>Categories of interest</dt><dd>Crafts</dd>" in html
    assert "<dt>Districts you source from</dt><dd>Bangsalsari</dd>" in html
    assert "Only an owner or manager of your organisation can change them." in html

    response = en.post(PAGE, {"categories": [], "districts": [], "certifications": [], "min_shelf_life_days": "30"})

    assert response.status_code == 403
    assert buyer_preferences_get(organisation=organisation) == before


def test_people_without_a_buyer_organisation_get_404_and_visitors_log_in(en):
    en.force_login(UserFactory(role=Role.CONSUMER))
    assert en.get(PAGE).status_code == 404
    en.logout()
    response = en.get(PAGE)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_buyer_dashboard_links_to_the_preferences(en):
    _organisation, owner = buyer_member()
    en.force_login(owner)

    assert f'<a href="{PAGE}"><strong>Buying preferences</strong></a>' in text(en.get("/dashboard/buyer/"))


# --- "Retail-ready for you" ---------------------------------------------------------------------


def test_badge_only_on_matching_products(en, catalogue):
    organisation, owner = buyer_member()
    crafts_only(organisation, owner, catalogue)
    products = catalogue["products"]
    en.force_login(owner)

    listing = en.get("/products/")
    marked = [p.name for p in listing.context["products"] if p.for_you]
    assert marked == ["Tas Anyaman"]
    assert text(listing).count(BADGE) == 1
    assert BADGE in text(en.get(f"/products/{products['tas'].pk}/", follow=True))
    assert BADGE not in text(en.get(f"/products/{products['kopi_jombang'].pk}/", follow=True))

    en.logout()
    assert BADGE not in text(en.get("/products/"))
    assert BADGE not in text(en.get(f"/products/{products['tas'].pk}/", follow=True))


def test_the_product_page_judges_readiness_with_the_buyers_shelf_life(en, catalogue):
    organisation, owner = buyer_member()
    buyer_preferences_set(organisation=organisation, actor=owner, category_ids=[], district_codes=[],
                          certifications=[], min_shelf_life_days=270, digest_enabled=True)
    en.force_login(owner)

    keripik = en.get(f"/products/{catalogue['products']['keripik'].pk}/", follow=True)  # 200 days

    assert "Retailers need a shelf life of at least 270 days." in text(keripik)
    assert BADGE not in text(keripik)
    assert BADGE in text(en.get(f"/products/{catalogue['products']['kopi_jombang'].pk}/", follow=True))


def test_matches_my_preferences_filter_for_buyers_only(en, catalogue):
    organisation, owner = buyer_member()
    crafts_only(organisation, owner, catalogue, category_ids=[catalogue["coffee"].pk], district_codes=["35.09.02"])
    en.force_login(owner)

    response = en.get("/products/?for_me=on")

    assert [p.name for p in response.context["products"]] == ["Kopi Bangsalsari"]
    assert [chip["label"] for chip in response.context["active_filters"]] == ["Matches my preferences"]
    assert 'name="for_me"' in text(en.get("/products/"))

    en.logout()
    anonymous = en.get("/products/?for_me=on")
    assert len(anonymous.context["products"]) == 5  # ignored: no preferences to match
    assert 'name="for_me"' not in text(anonymous)


def test_a_buyers_catalogue_costs_the_same_queries_for_few_or_many_products(en, catalogue):
    organisation, owner = buyer_member()
    crafts_only(organisation, owner, catalogue)
    en.force_login(owner)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = en.get("/products/")
        assert response.status_code == 200
        return len(captured)

    few = count()
    for number in range(12):
        list_product(catalogue["officer"], catalogue["makers"]["jombang"], name=f"Anyaman {number:02d}",
                     category=catalogue["craft"], certifications=[], shelf_life_days=None)
    many = count()

    assert few == many
    response = en.get("/products/")
    assert len([p for p in response.context["products"] if p.for_you]) == 13


def test_search_results_carry_the_badge(en, catalogue):
    from search.backends import backend_reset
    from search.backends.database import Database

    backend_reset()
    Database().rebuild()
    try:
        organisation, owner = buyer_member()
        crafts_only(organisation, owner, catalogue, category_ids=[catalogue["food"].pk], min_shelf_life_days=300)
        en.force_login(owner)

        response = en.get("/search/", {"q": "kopi"}, HTTP_ACCEPT_LANGUAGE="en")

        # Every product's description speaks of coffee; only food with 300 days of shelf life is for this buyer.
        assert sorted((p.name, p.for_you) for p in response.context["products"]) == [
            ("Keripik Singkong", False), ("Kopi Bangsalsari", True), ("Kopi Jombang", True),
            ("Kopi Tanpa Barcode", False), ("Tas Anyaman", False)]
        assert text(response).count(BADGE) == 2
    finally:
        backend_reset()


def test_village_and_producer_pages_carry_the_badge(en, catalogue):
    organisation, owner = buyer_member()
    crafts_only(organisation, owner, catalogue)
    maker = catalogue["makers"]["bangsalsari"]
    en.force_login(owner)

    for url in (f"/producers/{maker.pk}/", f"/villages/{maker.village_id}/"):
        response = en.get(url)
        assert sorted((p.name, p.for_you) for p in response.context["products"]) == [
            ("Kopi Bangsalsari", False), ("Tas Anyaman", True)], url
