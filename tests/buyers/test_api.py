"""The buyers API: outlets for members of buyer organisations, addresses for their own person only."""
from __future__ import annotations

import pytest

from buyers.models import Address, Outlet
from market.accounts.models import Membership, Organisation, Role
from market.regions.models import Village
from tests.catalog.factories import village
from tests.catalog.test_api import (  # noqa: F401 -- client_fixture is a fixture
    as_user,
    assert_error,
    client_fixture,
    request_queries,
)
from tests.factories import MembershipFactory, OfficerFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PLACE = {"name": "Toko Tanggul", "contact_name": "Pak Budi", "phone": "0812-3456-7890",
         "street": "Jl. Raya Tanggul 5", "village_code": "35.09.01.2001", "postal_code": "68155"}


def buyer(role=Membership.Role.OWNER):
    village()
    organisation = OrganisationFactory(kind=Organisation.Kind.BUYER)
    user = UserFactory(role=Role.BUYER)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return organisation, user


def place_view(pk: int, name: str = "Toko Tanggul", **extra) -> dict:
    spot = Village.objects.select_related("district").get(code="35.09.01.2001")
    return {"id": pk, "name": name, "contact_name": "Pak Budi", "phone": "081234567890",
            "street": "Jl. Raya Tanggul 5",
            "village": {"code": spot.code, "name": spot.name, "district_code": spot.district_id,
                        "district": spot.district.name},
            "postal_code": "68155", **extra}


def outlets():
    return list(Outlet.objects.order_by("pk").values_list("organisation_id", "name", "is_active"))


def test_an_owner_adds_and_changes_outlets_and_members_list_them(client):
    organisation, owner = buyer()
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user

    created = as_user(client, owner).post("/api/v1/outlets/", {**PLACE, "organisation": organisation.pk},
                                          format="json")
    assert created.status_code == 201, created.content
    outlet_id = created.json()["id"]
    assert created.json() == place_view(outlet_id, organisation_id=organisation.pk, receiving_hours="")

    changed = client.patch(f"/api/v1/outlets/{outlet_id}/", {"name": "Gudang Tanggul"}, format="json")
    assert changed.json() == place_view(outlet_id, "Gudang Tanggul", organisation_id=organisation.pk, receiving_hours="")

    listing = as_user(client, member).get("/api/v1/outlets/").json()
    narrowed = client.get(f"/api/v1/outlets/?organisation={organisation.pk}").json()
    assert listing["results"] == narrowed["results"] == [
        place_view(outlet_id, "Gudang Tanggul", organisation_id=organisation.pk, receiving_hours="")]

    refused = client.patch(f"/api/v1/outlets/{outlet_id}/", {"name": "Bukan"}, format="json")
    assert_error(refused, 403, "buyer_manager_required")
    assert outlets() == [(organisation.pk, "Gudang Tanggul", True)]

    assert as_user(client, owner).delete(f"/api/v1/outlets/{outlet_id}/").status_code == 204
    assert outlets() == [(organisation.pk, "Gudang Tanggul", False)]
    assert client.get("/api/v1/outlets/").json()["results"] == []


def test_outsiders_neither_see_nor_add_outlets(client):
    organisation, owner = buyer()
    as_user(client, owner).post("/api/v1/outlets/", {**PLACE, "organisation": organisation.pk}, format="json")
    outlet_id = Outlet.objects.get().pk
    _other, stranger = buyer()
    as_user(client, stranger)

    assert client.get("/api/v1/outlets/").json()["results"] == []
    assert_error(client.get(f"/api/v1/outlets/?organisation={organisation.pk}"), 403, "buyer_manager_required")
    assert_error(client.get(f"/api/v1/outlets/{outlet_id}/"), 404, "outlet_not_found")
    assert_error(client.patch(f"/api/v1/outlets/{outlet_id}/", {"name": "Punyaku"}, format="json"), 404,
                 "outlet_not_found")
    assert_error(client.delete(f"/api/v1/outlets/{outlet_id}/"), 404, "outlet_not_found")
    assert_error(client.post("/api/v1/outlets/", {**PLACE, "organisation": organisation.pk}, format="json"), 403,
                 "buyer_manager_required")
    assert client.get("/api/v1/outlets/").status_code == 200
    assert outlets() == [(organisation.pk, "Toko Tanggul", True)]


def test_bad_outlet_input_changes_nothing(client):
    organisation, owner = buyer()
    as_user(client, owner)

    response = client.post("/api/v1/outlets/", {**PLACE, "organisation": organisation.pk, "phone": "12",
                                                "village_code": "99.99.99.9999", "postal_code": "681"},
                           format="json")

    assert_error(response, 400, "buyer_invalid", {
        "phone": ["Enter a phone number of 8 to 15 digits, e.g. 081234567890."],
        "postal_code": ["A postal code has 5 digits."], "village_code": ["Choose a village from the list."]})
    assert outlets() == []


def test_the_outlet_list_costs_the_same_for_2_and_20_outlets(client):
    organisation, owner = buyer()
    as_user(client, owner)

    def add(count: int):
        while Outlet.objects.count() < count:
            client.post("/api/v1/outlets/", {**PLACE, "name": f"Toko {Outlet.objects.count()}",
                                             "organisation": organisation.pk}, format="json")

    add(2)
    few, response = request_queries(lambda: client.get("/api/v1/outlets/"))
    assert len(response.json()["results"]) == 2
    add(20)
    many, response = request_queries(lambda: client.get("/api/v1/outlets/"))
    assert len(response.json()["results"]) == 20
    assert few == many


def test_addresses_belong_to_their_person_only(client):
    village()
    user, other = UserFactory(role=Role.CONSUMER), UserFactory(role=Role.CONSUMER)
    as_user(client, user)

    created = client.post("/api/v1/addresses/", {**PLACE, "name": "Rumah"}, format="json")
    assert created.status_code == 201, created.content
    address_id = created.json()["id"]
    assert created.json() == place_view(address_id, "Rumah")
    changed = client.patch(f"/api/v1/addresses/{address_id}/", {"street": "Jl. Mawar 2"}, format="json")
    assert changed.json() == {**place_view(address_id, "Rumah"), "street": "Jl. Mawar 2"}
    assert [a["id"] for a in client.get("/api/v1/addresses/").json()["results"]] == [address_id]

    for stranger in (other, OfficerFactory()):
        as_user(client, stranger)
        assert client.get("/api/v1/addresses/").json()["results"] == []
        assert_error(client.get(f"/api/v1/addresses/{address_id}/"), 404, "address_not_found")
        assert_error(client.patch(f"/api/v1/addresses/{address_id}/", {"name": "X"}, format="json"), 404,
                     "address_not_found")
        assert_error(client.delete(f"/api/v1/addresses/{address_id}/"), 404, "address_not_found")
    assert list(Address.objects.values_list("user_id", "name", "street", "is_active")) == [
        (user.pk, "Rumah", "Jl. Mawar 2", True)]

    assert as_user(client, user).delete(f"/api/v1/addresses/{address_id}/").status_code == 204
    assert client.get("/api/v1/addresses/").json()["results"] == []


def test_addresses_need_a_signed_in_caller(client):
    assert client.get("/api/v1/addresses/").status_code == 401
    assert client.post("/api/v1/outlets/", PLACE, format="json").status_code == 401
