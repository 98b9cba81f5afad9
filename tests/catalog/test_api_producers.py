"""The catalogue API for producers (public and private views, verification, permits) and reference data."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from catalog.models import Producer, ProducerEvent, ProducerPermit
from catalog.services import producer_permit_set, producer_verify
from market.accounts.models import Role
from tests.catalog.factories import (
    CategoryFactory,
    CommodityFactory,
    MembershipFactory,
    PermitFactory,
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
    listed,
    officer_fixture,
    request_queries,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified(officer):
    in_village("35.09.01.2001", "Padomasan", district_name="Jombang")
    producer = ProducerFactory(name="Kopi Argopuro", phone="0812000111", whatsapp="0812000222",
                               capacity_per_month=500, capacity_unit="kg")
    producer_permit_set(producer=producer, actor=owner_of(producer), kind="nib", number="NIB-1")
    producer_permit_set(producer=producer, actor=owner_of(producer), kind="pirt", number="PIRT-7",
                        expires_on=date(2020, 5, 1))
    producer_verify(producer=producer, officer=officer)
    return Producer.objects.get(pk=producer.pk)


def public_view(producer) -> dict:
    return {"id": producer.pk, "name": "Kopi Argopuro", "village": {"code": "35.09.01.2001", "name": "Padomasan"},
            "district": {"code": "35.09.01", "name": "Jombang"}, "capacity_per_month": 500, "capacity_unit": "kg",
            "verified": True,
            "permits": [{"kind": "nib", "label": "NIB (business identification number)", "expires_on": None,
                         "valid": True},
                        {"kind": "pirt", "label": "P-IRT (home-industry food permit)", "expires_on": "2020-05-01",
                         "valid": False}],
            "private": None}


def test_public_producer_detail_and_list(client, verified):
    ProducerFactory(name="Belum diverifikasi")

    detail = client.get(f"/api/v1/producers/{verified.pk}/")
    listing = client.get("/api/v1/producers/")

    assert detail.json() == public_view(verified)
    assert listing.json()["results"] == [public_view(verified)]


def test_private_view_for_members_and_officers(client, officer, verified):
    colleague = MembershipFactory(organisation=verified.organisation, role="member").user

    for user in (owner_of(verified), colleague, officer):
        body = as_user(client, user).get(f"/api/v1/producers/{verified.pk}/").json()
        assert body == {**public_view(verified), "private": {
            "organisation_id": verified.organisation_id, "phone": "0812000111", "whatsapp": "0812000222",
            "verified_at": body["private"]["verified_at"],
            "permits": [{"kind": "nib", "number": "NIB-1", "expires_on": None},
                        {"kind": "pirt", "number": "PIRT-7", "expires_on": "2020-05-01"}]}}
        assert datetime.fromisoformat(body["private"]["verified_at"]) == verified.verified_at
    as_user(client, owner_of(ProducerFactory()))
    assert client.get(f"/api/v1/producers/{verified.pk}/").json()["private"] is None


def test_an_unverified_producer_is_seen_only_by_its_people_and_officers(client, officer):
    producer = ProducerFactory()

    assert_error(client.get(f"/api/v1/producers/{producer.pk}/"), 404, "producer_not_found")
    assert_error(as_user(client, UserFactory()).get(f"/api/v1/producers/{producer.pk}/"), 404, "producer_not_found")
    for user in (owner_of(producer), officer):
        body = as_user(client, user).get(f"/api/v1/producers/{producer.pk}/").json()
        assert (body["verified"], body["private"]["verified_at"]) == (False, None)


def test_mine_lists_the_callers_producers_verified_or_not(client, verified):
    user = owner_of(verified)
    second = ProducerFactory(name="Anyaman Bu Sri", owner=user)
    ProducerFactory(name="Orang lain")

    body = as_user(client, user).get("/api/v1/producers/mine/").json()

    assert [(p["name"], p["verified"], p["private"]["phone"]) for p in body["results"]] == [
        ("Anyaman Bu Sri", False, second.phone), ("Kopi Argopuro", True, "0812000111")]
    assert_error(as_user(client, None).get("/api/v1/producers/mine/"), 401, "not_authenticated")


@pytest.mark.parametrize(("params", "expected"), [
    ({"district": "35.09.02"}, ["Anyaman Kencong"]),
    ({"village": "35.09.01.2001"}, ["Kopi Argopuro"]),
    ({"commodity": "kopi-robusta"}, ["Kopi Argopuro"]),
    ({"commodity": "bambu"}, []),  # no public product of it
])
def test_producer_list_filters(client, officer, verified, params, expected):
    listed(officer, producer=verified, commodity=CommodityFactory(slug="kopi-robusta"))
    CommodityFactory(slug="bambu")
    in_village("35.09.02.2002", "Sukamakmur")
    weaver = ProducerFactory(name="Anyaman Kencong", village=village("35.09.02.2002"))
    producer_verify(producer=weaver, officer=officer)

    body = client.get("/api/v1/producers/", params).json()

    assert [p["name"] for p in body["results"]] == expected


def test_producer_list_costs_the_same_whatever_its_size(client, officer):
    def add(count):
        for _index in range(count):
            producer = ProducerFactory()
            PermitFactory(producer=producer, kind="pirt")
            PermitFactory(producer=producer, kind="halal")
            producer_verify(producer=producer, officer=officer)

    add(2)
    small, response = request_queries(lambda: client.get("/api/v1/producers/"))
    assert response.json()["count"] == 2
    add(20)

    large, response = request_queries(lambda: client.get("/api/v1/producers/", {"page_size": 100}))

    assert response.json()["count"] == 22
    assert small == large == 3  # count, page, permits


def test_members_update_their_producer_others_cannot(client, verified):
    response = as_user(client, owner_of(verified)).patch(
        f"/api/v1/producers/{verified.pk}/", {"phone": " 0813 ", "capacity_per_month": 800}, format="json")
    bad = client.patch(f"/api/v1/producers/{verified.pk}/", {"capacity_per_month": -1, "capacity_unit": "ton"},
                       format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["capacity_per_month"], response.json()["private"]["phone"]) == (800, "0813")
    assert sorted(assert_error(bad, 400, "invalid")["fields"]) == ["capacity_per_month", "capacity_unit"]

    intruder = as_user(client, owner_of(ProducerFactory())).patch(f"/api/v1/producers/{verified.pk}/",
                                                                 {"name": "Dibajak"}, format="json")
    assert_error(intruder, 404, "producer_not_found")
    verified.refresh_from_db()
    assert (verified.name, verified.phone, verified.capacity_per_month) == ("Kopi Argopuro", "0813", 800)


def test_officers_verify_and_unverify(client, officer):
    producer = ProducerFactory()
    as_user(client, officer)

    verified = client.post(f"/api/v1/producers/{producer.pk}/verify/")
    no_reason = client.post(f"/api/v1/producers/{producer.pk}/unverify/", {}, format="json")
    unverified = client.post(f"/api/v1/producers/{producer.pk}/unverify/", {"reason": "Izin palsu"}, format="json")

    assert (verified.status_code, verified.json()["verified"]) == (200, True)
    assert list(assert_error(no_reason, 400, "invalid")["fields"]) == ["reason"]
    assert (unverified.status_code, unverified.json()["verified"]) == (200, False)
    assert list(ProducerEvent.objects.filter(producer=producer).values_list("kind", "reason")) == [
        ("verified", ""), ("unverified", "Izin palsu")]


@pytest.mark.parametrize("role", [Role.PRODUCER, Role.CONSUMER])
def test_only_officers_verify(client, role):
    producer = ProducerFactory()
    user = owner_of(producer) if role == Role.PRODUCER else UserFactory()

    for action in ("verify", "unverify"):
        response = as_user(client, user).post(f"/api/v1/producers/{producer.pk}/{action}/", {"reason": "x"},
                                              format="json")
        assert_error(response, 403, "officer_required", {})
    assert ProducerEvent.objects.count() == 0
    producer.refresh_from_db()
    assert producer.verified_at is None


def test_permits_are_set_and_deleted_by_members(client, verified):
    as_user(client, owner_of(verified))
    url = f"/api/v1/producers/{verified.pk}/permits"

    replaced = client.put(f"{url}/pirt/", {"number": "PIRT-8", "expires_on": "2031-05-01"}, format="json")
    no_expiry = client.put(f"{url}/halal/", {"number": "H-1"}, format="json")
    unknown_kind = client.put(f"{url}/nobel/", {"number": "N-1"}, format="json")
    deleted = client.delete(f"{url}/nib/")
    deleted_again = client.delete(f"{url}/nib/")

    assert replaced.json() == {"kind": "pirt", "number": "PIRT-8", "expires_on": "2031-05-01"}
    assert_error(no_expiry, 400, "catalog_invalid", {"expires_on": ["Enter the expiry date."]})
    assert_error(unknown_kind, 404, "permit_not_found")
    assert deleted.status_code == 204
    assert_error(deleted_again, 404, "permit_not_found")
    assert list(ProducerPermit.objects.filter(producer=verified).values_list("kind", "number")) == [
        ("pirt", "PIRT-8")]


def test_permits_of_another_producer_are_not_found(client, verified):
    as_user(client, owner_of(ProducerFactory()))

    put = client.put(f"/api/v1/producers/{verified.pk}/permits/pirt/", {"number": "X", "expires_on": "2031-01-01"},
                     format="json")
    delete = client.delete(f"/api/v1/producers/{verified.pk}/permits/nib/")

    assert_error(put, 404, "producer_not_found")
    assert_error(delete, 404, "producer_not_found")
    assert list(ProducerPermit.objects.filter(producer=verified).values_list("kind", "number")) == [
        ("nib", "NIB-1"), ("pirt", "PIRT-7")]


# --- reference data ---------------------------------------------------------------------------


def test_categories_are_a_tree_and_commodities_a_list(client):
    food = CategoryFactory(name="Makanan", name_en="Food", slug="makanan", requires_food_permits=True)
    snacks = CategoryFactory(name="Keripik", name_en="Chips", slug="keripik", parent=food)
    crafts = CategoryFactory(name="Kerajinan", name_en="Crafts", slug="kerajinan")
    coffee = CommodityFactory(name="Kopi", name_en="Coffee", slug="kopi")
    bamboo = CommodityFactory(name="Bambu", name_en="Bamboo", slug="bambu")

    categories = client.get("/api/v1/categories/")
    commodities = client.get("/api/v1/commodities/")

    assert categories.json() == [
        {"id": crafts.pk, "slug": "kerajinan", "name": "Kerajinan", "name_en": "Crafts",
         "requires_food_permits": False, "children": []},
        {"id": food.pk, "slug": "makanan", "name": "Makanan", "name_en": "Food", "requires_food_permits": True,
         "children": [{"id": snacks.pk, "slug": "keripik", "name": "Keripik", "name_en": "Chips",
                       "requires_food_permits": True, "children": []}]},
    ]
    assert commodities.json() == [{"id": bamboo.pk, "slug": "bambu", "name": "Bambu", "name_en": "Bamboo"},
                                  {"id": coffee.pk, "slug": "kopi", "name": "Kopi", "name_en": "Coffee"}]
