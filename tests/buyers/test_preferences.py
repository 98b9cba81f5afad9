import pytest

from buyers.exceptions import BuyerInvalid, BuyerManagerRequired
from buyers.models import BuyerProfile
from buyers.selectors import BuyerPreferences, buyer_criteria_get, buyer_min_shelf_life_days, buyer_preferences_get
from buyers.services import buyer_min_shelf_life_set, buyer_preferences_set
from catalog.selectors import BuyerCriteria, ProductFilters, product_list_public
from market.accounts.models import Membership, Organisation, Role
from tests.buyers.catalogue import make_catalogue
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def buyer_member(role=Membership.Role.OWNER):
    organisation = OrganisationFactory(kind=Organisation.Kind.BUYER)
    user = UserFactory(role=Role.BUYER)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return organisation, user


def test_default_is_six_months_for_everyone():
    _organisation, buyer = buyer_member()

    assert buyer_min_shelf_life_days(user=None) == 180
    assert buyer_min_shelf_life_days(user=UserFactory()) == 180
    assert buyer_min_shelf_life_days(user=buyer) == 180


def test_owner_sets_the_threshold_for_its_members():
    organisation, owner = buyer_member()
    colleague = UserFactory(role=Role.BUYER)
    MembershipFactory(user=colleague, organisation=organisation, role=Membership.Role.MEMBER)

    buyer_min_shelf_life_set(organisation=organisation, actor=owner, days=270)

    assert BuyerProfile.objects.get(organisation=organisation).min_shelf_life_days == 270
    assert buyer_min_shelf_life_days(user=colleague) == 270


@pytest.mark.parametrize("days", [0, -5, 3651, "200", True, None])
def test_bad_threshold_is_refused(days):
    organisation, owner = buyer_member()

    with pytest.raises(BuyerInvalid) as error:
        buyer_min_shelf_life_set(organisation=organisation, actor=owner, days=days)

    assert error.value.fields == {"min_shelf_life_days": ["Enter a number of days between 1 and 3650."]}
    assert BuyerProfile.objects.count() == 0


def test_plain_members_and_strangers_cannot_set_it():
    organisation, _owner = buyer_member()
    _other, member = buyer_member(role=Membership.Role.MEMBER)
    MembershipFactory(user=member, organisation=organisation, role=Membership.Role.MEMBER)

    for actor in (member, UserFactory()):
        with pytest.raises(BuyerManagerRequired):
            buyer_min_shelf_life_set(organisation=organisation, actor=actor, days=200)

    assert BuyerProfile.objects.count() == 0


# --- preferences: categories, districts, certifications, shelf life, digest ---------------------


@pytest.fixture
def catalogue():
    return make_catalogue()


def prefs(**overrides):
    values = {"category_ids": [], "district_codes": [], "certifications": [], "min_shelf_life_days": 180,
              "digest_enabled": True}
    values.update(overrides)
    return values


def matching(organisation) -> list[str]:
    criteria = buyer_criteria_get(organisation=organisation)
    return list(product_list_public(filters=ProductFilters(for_buyer=criteria)).values_list("name", flat=True))


def test_an_organisation_without_preferences_has_the_defaults(catalogue):
    organisation, _owner = buyer_member()

    assert buyer_preferences_get(organisation=organisation) == BuyerPreferences(
        category_ids=(), district_codes=(), certifications=(), min_shelf_life_days=180, digest_enabled=True)
    assert buyer_criteria_get(organisation=organisation) == BuyerCriteria()
    # Every retail-ready product; the one without a barcode is not retail ready.
    assert matching(organisation) == ["Keripik Singkong", "Kopi Bangsalsari", "Kopi Jombang", "Tas Anyaman"]


def test_owner_sets_every_preference(catalogue):
    organisation, owner = buyer_member()

    buyer_preferences_set(organisation=organisation, actor=owner, **prefs(
        category_ids=[catalogue["coffee"].pk, catalogue["craft"].pk], district_codes=["35.09.02", "35.09.01"],
        certifications=["sni", "halal", "sni"], min_shelf_life_days=270, digest_enabled=False))

    assert buyer_preferences_get(organisation=organisation) == BuyerPreferences(
        category_ids=tuple(sorted([catalogue["coffee"].pk, catalogue["craft"].pk])),
        district_codes=("35.09.01", "35.09.02"), certifications=("halal", "sni"), min_shelf_life_days=270,
        digest_enabled=False)
    assert BuyerProfile.objects.get(organisation=organisation).required_certifications == ["halal", "sni"]


@pytest.mark.parametrize(("choose", "expected"), [
    # A category includes its subcategories (coffee is under food).
    (lambda c: prefs(category_ids=[c["food"].pk]), ["Keripik Singkong", "Kopi Bangsalsari", "Kopi Jombang"]),
    (lambda c: prefs(category_ids=[c["coffee"].pk]), ["Kopi Bangsalsari", "Kopi Jombang"]),
    (lambda c: prefs(category_ids=[c["craft"].pk]), ["Tas Anyaman"]),
    (lambda c: prefs(district_codes=["35.09.02"]), ["Kopi Bangsalsari", "Tas Anyaman"]),
    (lambda c: prefs(district_codes=["35.09.03"]), []),
    (lambda c: prefs(certifications=["sni"]), ["Kopi Bangsalsari", "Tas Anyaman"]),
    (lambda c: prefs(certifications=["sni", "halal"]), ["Kopi Bangsalsari"]),
    (lambda c: prefs(certifications=["bpom_md"]), []),
    # Shelf life counts for food and drink only (crafts have none).
    (lambda c: prefs(min_shelf_life_days=201), ["Kopi Bangsalsari", "Kopi Jombang", "Tas Anyaman"]),
    (lambda c: prefs(min_shelf_life_days=200), ["Keripik Singkong", "Kopi Bangsalsari", "Kopi Jombang",
                                                "Tas Anyaman"]),
    (lambda c: prefs(min_shelf_life_days=30), ["Keripik Singkong", "Kopi Bangsalsari", "Kopi Jombang",
                                               "Tas Anyaman"]),
    (lambda c: prefs(category_ids=[c["food"].pk], district_codes=["35.09.01"], certifications=["halal"],
                     min_shelf_life_days=300), ["Kopi Jombang"]),
])
def test_matching_rules(catalogue, choose, expected):
    organisation, owner = buyer_member()

    buyer_preferences_set(organisation=organisation, actor=owner, **choose(catalogue))

    assert matching(organisation) == expected


def test_an_expired_permit_does_not_count_as_a_required_certification(catalogue):
    from catalog.models import ProducerPermit

    organisation, owner = buyer_member()
    buyer_preferences_set(organisation=organisation, actor=owner, **prefs(certifications=["sni"]))
    ProducerPermit.objects.filter(producer=catalogue["makers"]["bangsalsari"], kind="sni").update(
        expires_on="2024-01-01")

    assert matching(organisation) == []


@pytest.mark.parametrize(("bad", "errors"), [
    ({"category_ids": [999999]}, {"categories": ["Choose categories from the list."]}),
    ({"category_ids": ["1"]}, {"categories": ["Choose categories from the list."]}),
    ({"district_codes": ["35.10.01"]}, {"districts": ["Choose districts of Jember from the list."]}),
    ({"certifications": ["nib"]}, {"certifications": ["Choose certifications from the list."]}),
    ({"min_shelf_life_days": 0, "digest_enabled": "yes"},
     {"min_shelf_life_days": ["Enter a number of days between 1 and 3650."], "digest_enabled": ["Choose yes or no."]}),
])
def test_bad_preferences_are_refused_and_change_nothing(catalogue, bad, errors):
    organisation, owner = buyer_member()
    buyer_preferences_set(organisation=organisation, actor=owner, **prefs(
        category_ids=[catalogue["craft"].pk], district_codes=["35.09.01"], min_shelf_life_days=90))
    before = buyer_preferences_get(organisation=organisation)

    with pytest.raises(BuyerInvalid) as error:
        buyer_preferences_set(organisation=organisation, actor=owner, **prefs(**bad))

    assert error.value.fields == errors
    assert buyer_preferences_get(organisation=organisation) == before


def test_managers_set_preferences_but_members_and_strangers_cannot(catalogue):
    organisation, _owner = buyer_member()
    manager, member = UserFactory(role=Role.BUYER), UserFactory(role=Role.BUYER)
    MembershipFactory(user=manager, organisation=organisation, role=Membership.Role.MANAGER)
    MembershipFactory(user=member, organisation=organisation, role=Membership.Role.MEMBER)

    buyer_preferences_set(organisation=organisation, actor=manager, **prefs(min_shelf_life_days=200))
    for actor in (member, UserFactory()):
        with pytest.raises(BuyerManagerRequired):
            buyer_preferences_set(organisation=organisation, actor=actor, **prefs(min_shelf_life_days=300))

    assert buyer_preferences_get(organisation=organisation).min_shelf_life_days == 200


# --- the API -----------------------------------------------------------------------------------


def test_api_members_read_owners_and_managers_change(catalogue):
    from rest_framework.test import APIClient

    organisation, owner = buyer_member()
    member = UserFactory(role=Role.BUYER)
    MembershipFactory(user=member, organisation=organisation, role=Membership.Role.MEMBER)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    url = f"/api/v1/buyer-preferences/{organisation.pk}/"

    client.force_authenticate(owner)
    replaced = client.put(url, {"categories": [catalogue["craft"].pk], "districts": ["35.09.02"],
                                "certifications": ["sni"], "min_shelf_life_days": 240, "digest_enabled": False},
                          format="json")
    assert replaced.status_code == 200, replaced.content
    changed = client.patch(url, {"districts": [], "digest_enabled": True}, format="json")
    expected = {"organisation_id": organisation.pk, "categories": [catalogue["craft"].pk], "districts": [],
                "certifications": ["sni"], "min_shelf_life_days": 240, "digest_enabled": True}
    assert changed.json() == expected

    client.force_authenticate(member)
    assert client.get(url).json() == expected
    refused = client.patch(url, {"min_shelf_life_days": 30}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "buyer_manager_required")

    client.force_authenticate(UserFactory(role=Role.BUYER))
    assert client.get(url).json()["code"] == "buyer_manager_required"
    assert buyer_preferences_get(organisation=organisation).min_shelf_life_days == 240


def test_api_bad_input_changes_nothing(catalogue):
    from rest_framework.test import APIClient

    organisation, owner = buyer_member()
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(owner)
    url = f"/api/v1/buyer-preferences/{organisation.pk}/"

    response = client.patch(url, {"categories": [999999], "districts": ["35.10.01"]}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"categories": ["Choose categories from the list."],
                                         "districts": ["Choose districts of Jember from the list."]}
    refused = client.patch(url, {"certifications": ["nib"], "min_shelf_life_days": 0}, format="json")
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"min_shelf_life_days": ["Ensure this value is greater than or equal to 1."]}
    service_refused = client.patch(url, {"certifications": ["nib"]}, format="json")
    assert service_refused.json()["fields"] == {"certifications": ["Choose certifications from the list."]}
    assert BuyerProfile.objects.count() == 0
