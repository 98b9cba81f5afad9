"""Delivery places: a buyer organisation's outlets (kept by its owners and managers) and consumers' addresses."""
import pytest

from buyers.exceptions import AddressNotFound, BuyerInvalid, BuyerManagerRequired, OutletNotFound
from buyers.models import Address, Outlet
from buyers.selectors import access_address, access_outlet, address_list, outlet_list
from buyers.services import (
    address_archive,
    address_create,
    address_update,
    outlet_archive,
    outlet_create,
    outlet_update,
)
from market.accounts.models import Membership, Organisation, Role
from tests.catalog.factories import village
from tests.factories import MembershipFactory, OfficerFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PLACE = {"name": "Toko Tanggul", "contact_name": "Pak Budi", "phone": "0812-3456-7890",
         "street": "Jl. Raya Tanggul 5", "village_code": "35.09.01.2001", "postal_code": "68155"}


def buyer(role=Membership.Role.OWNER, kind=Organisation.Kind.BUYER):
    village()
    organisation = OrganisationFactory(kind=kind)
    user = UserFactory(role=Role.BUYER)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return organisation, user


def test_owner_adds_an_outlet_and_members_see_it():
    organisation, owner = buyer()
    member = UserFactory(role=Role.BUYER)
    MembershipFactory(user=member, organisation=organisation, role=Membership.Role.MEMBER)

    outlet = outlet_create(organisation=organisation, actor=owner, **PLACE)

    assert (outlet.name, outlet.phone, outlet.village_id, outlet.postal_code, outlet.is_active) == (
        "Toko Tanggul", "081234567890", "35.09.01.2001", "68155", True)
    assert outlet.delivery_snapshot() == {
        "name": "Toko Tanggul", "contact_name": "Pak Budi", "phone": "081234567890", "street": "Jl. Raya Tanggul 5",
        "village_code": "35.09.01.2001", "village": "Padomasan", "district": "Jombang", "postal_code": "68155",
        "receiving_hours": ""}
    assert list(outlet_list(organisation=organisation)) == [outlet]
    assert access_outlet(user=member, pk=outlet.pk) == outlet
    assert access_outlet(user=OfficerFactory(), pk=outlet.pk) == outlet
    with pytest.raises(OutletNotFound):
        access_outlet(user=UserFactory(), pk=outlet.pk)


@pytest.mark.parametrize(("role", "kind"), [
    (Membership.Role.MEMBER, Organisation.Kind.BUYER), (Membership.Role.OWNER, Organisation.Kind.PRODUCER)])
def test_only_owners_and_managers_of_a_buyer_organisation_keep_outlets(role, kind):
    organisation, user = buyer(role=role, kind=kind)

    with pytest.raises(BuyerManagerRequired):
        outlet_create(organisation=organisation, actor=user, **PLACE)

    assert Outlet.objects.count() == 0


def test_manager_updates_and_archives_an_outlet():
    organisation, manager = buyer(role=Membership.Role.MANAGER)
    outlet = outlet_create(organisation=organisation, actor=manager, **PLACE)

    outlet_update(outlet=outlet, actor=manager, contact_name="Bu Rina", phone="+6281111111111")
    outlet_archive(outlet=outlet, actor=manager)

    stored = Outlet.objects.get()
    assert (stored.contact_name, stored.phone, stored.is_active) == ("Bu Rina", "+6281111111111", False)
    assert list(outlet_list(organisation=organisation)) == []
    with pytest.raises(OutletNotFound):
        outlet_update(outlet=outlet, actor=manager, name="Lagi")
    # the name of an archived outlet can be used again
    assert outlet_create(organisation=organisation, actor=manager, **PLACE).name == "Toko Tanggul"


def test_outlet_names_are_unique_within_an_organisation():
    organisation, owner = buyer()
    outlet_create(organisation=organisation, actor=owner, **PLACE)
    other_organisation, other_owner = buyer()

    with pytest.raises(BuyerInvalid) as excinfo:
        outlet_create(organisation=organisation, actor=owner, **{**PLACE, "name": "toko tanggul"})
    outlet_create(organisation=other_organisation, actor=other_owner, **PLACE)

    assert excinfo.value.fields == {"name": ["Another outlet already has this name."]}
    assert Outlet.objects.count() == 2


@pytest.mark.parametrize(("changes", "errors"), [
    ({"name": "  "}, {"name": ["This field is required."]}),
    ({"phone": "12345"}, {"phone": ["Enter a phone number of 8 to 15 digits, e.g. 081234567890."]}),
    ({"phone": "0812abc45678"}, {"phone": ["Enter a phone number of 8 to 15 digits, e.g. 081234567890."]}),
    ({"postal_code": "6815"}, {"postal_code": ["A postal code has 5 digits."]}),
    ({"village_code": "99.99.99.9999"}, {"village_code": ["Choose a village from the list."]}),
    ({"street": "x" * 501}, {"street": ["This text is too long (at most 500 characters)."]}),
    ({"contact_name": 42}, {"contact_name": ["Enter text."]}),
    ({"is_active": False}, {"is_active": ["This field cannot be changed here."]}),
])
def test_bad_place_details_are_refused_and_change_nothing(changes, errors):
    organisation, owner = buyer()
    user = UserFactory()

    with pytest.raises(BuyerInvalid) as outlet_error:
        outlet_create(organisation=organisation, actor=owner, **{**PLACE, **changes})
    with pytest.raises(BuyerInvalid) as address_error:
        address_create(user=user, **{**PLACE, **changes})

    assert outlet_error.value.fields == address_error.value.fields == errors
    assert (Outlet.objects.count(), Address.objects.count()) == (0, 0)


def test_consumers_keep_their_own_addresses():
    village()
    user, stranger = UserFactory(), UserFactory()

    address = address_create(user=user, **{**PLACE, "name": "Rumah"})
    address_update(address=address, actor=user, street="Jl. Mawar 1")

    assert [(a.name, a.street) for a in address_list(user=user)] == [("Rumah", "Jl. Mawar 1")]
    assert address_list(user=stranger).count() == 0
    for service, kwargs in ((address_update, {"name": "Kantor"}), (address_archive, {})):
        with pytest.raises(AddressNotFound):
            service(address=address, actor=stranger, **kwargs)
    with pytest.raises(AddressNotFound):
        access_address(user=stranger, pk=address.pk)
    with pytest.raises(AddressNotFound):
        access_address(user=OfficerFactory(), pk=address.pk)
    assert access_address(user=user, pk=address.pk) == address

    address_archive(address=address, actor=user)
    assert list(address_list(user=user)) == []
    with pytest.raises(AddressNotFound):
        access_address(user=user, pk=address.pk)
