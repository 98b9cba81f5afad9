"""Buyer pages: organisation registration, outlets, addresses; the officers' verification queue; checkout links."""
from __future__ import annotations

import re

import pytest

from buyers.models import Address, BuyerRegistration, Outlet
from buyers.services import (
    BuyerRegistrationData,
    address_create,
    buyer_registration_refuse,
    buyer_registration_save,
    buyer_registration_submit,
    buyer_registration_verify,
    outlet_create,
)
from market.accounts.models import Membership, Organisation, Role
from orders.selectors import shopper_get
from orders.services import cart_line_set, checkout_mark_paid
from tests.catalog.factories import owner_of, village
from tests.factories import MembershipFactory, OfficerFactory, OrganisationFactory, UserFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import buyer_organisation, on_sale, place

pytestmark = pytest.mark.django_db

ORG, OUTLETS, ADDRESSES, QUEUE = ("/dashboard/buyer/organisation/", "/dashboard/buyer/outlets/", "/addresses/",
                                  "/dashboard/officer/buyers/")
DETAILS = {"legal_name": "PT Swalayan Jember Makmur", "kind": "modern_retail", "nib": "1234567890123",
           "npwp": "01.234.567.8-901.000", "street": "Jl. Gajah Mada 10", "district": "35.09.01",
           "village_code": "35.09.01.2001", "contact_name": "Bu Sari", "phone": "081234567890",
           "email": "sari@swalayan.co.id"}
PLACE = {"name": "Toko Tanggul", "contact_name": "Pak Budi", "phone": "0812 3456 7890", "street": "Jl. Raya Tanggul 5",
         "district": "35.09.01", "village_code": "35.09.01.2001", "postal_code": "68155",
         "receiving_hours": "Sen–Sab 08.00–16.00"}


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English (``english_pages``)."""


@pytest.fixture
def officer_client(client, totp_for):
    officer = OfficerFactory(full_name="Dewi Kartika")
    totp_for(officer)  # officers must have two-factor authentication (OfficerMfaRequiredMiddleware)
    force_login_mfa(client, officer)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def buyer(role=Membership.Role.OWNER, organisation=None):
    village()
    village("35.09.02.2001", "Sukorejo")
    organisation = organisation or OrganisationFactory(kind=Organisation.Kind.BUYER, name="Swalayan Makmur")
    user = UserFactory(role=Role.BUYER, full_name="Bu Sari" if role == Membership.Role.OWNER else "Pak Anton")
    MembershipFactory(user=user, organisation=organisation, role=role)
    return organisation, user


def submitted(organisation, owner) -> BuyerRegistration:
    fields = {key: value for key, value in DETAILS.items() if key != "district"}
    buyer_registration_save(organisation=organisation, actor=owner, data=BuyerRegistrationData(**fields))
    return buyer_registration_submit(organisation=organisation, actor=owner)


# --- registration -------------------------------------------------------------------------------


def test_an_owner_registers_and_submits_on_the_page(client):
    organisation, owner = buyer()
    client.force_login(owner)
    page = text(client.get(ORG))
    assert "Not registered yet" in page and 'value="Swalayan Makmur"' in page  # the account name to start from

    response = client.post(ORG, {**DETAILS, "submit": "1"})

    assert response.status_code == 302 and response["Location"] == ORG
    registration = BuyerRegistration.objects.get()
    assert (registration.status, registration.npwp, registration.organisation) == (
        "submitted", "012345678901000", organisation)
    page = text(client.get(ORG))
    assert "Waiting for verification" in page and "Saved. A programme officer will check the registration." in page


def test_saving_a_draft_then_submitting_it(client):
    organisation, owner = buyer()
    client.force_login(owner)

    client.post(ORG, DETAILS)
    assert BuyerRegistration.objects.get().status == "draft"
    assert "Submit for verification" in text(client.get(ORG))
    client.post(f"{ORG}submit/")

    assert BuyerRegistration.objects.get().status == "submitted"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("nib", "12345", "An NIB has 13 digits."),
    ("npwp", "0123", "An NPWP has 15 or 16 digits, e.g. 01.234.567.8-901.000."),
    ("kind", "warung", "Select a valid choice. warung is not one of the available choices."),
    ("email", "", "This field is required."),
    ("village_code", "35.09.02.2001", "Select a valid choice. 35.09.02.2001 is not one of the available choices."),
])
def test_a_field_error_is_shown_beside_the_field_and_nothing_is_saved(client, field, value, message):
    organisation, owner = buyer()
    client.force_login(owner)

    response = client.post(ORG, {**DETAILS, field: value, "submit": "1"})

    assert response.status_code == 400
    assert message in text(response) and "nothing was saved yet" in text(response)
    assert BuyerRegistration.objects.count() == 0


def test_choosing_a_district_without_javascript_shows_its_villages_and_saves_nothing(client):
    organisation, owner = buyer()
    client.force_login(owner)

    response = client.post(ORG, {**DETAILS, "district": "35.09.02", "village_code": "", "pick_district": "1"})

    page = text(response)
    assert response.status_code == 200
    assert '<option value="35.09.02.2001">Sukorejo</option>' in page and "Padomasan" not in page
    assert 'value="PT Swalayan Jember Makmur"' in page  # what was typed stays
    assert BuyerRegistration.objects.count() == 0


def test_the_village_list_follows_the_district(client):
    _organisation, owner = buyer()
    client.force_login(owner)

    page = text(client.get("/places/villages/", {"district": "35.09.02"}))

    assert page == ('<select name="village_code" id="id_village_code" required> '
                    '<option value="">Choose the village</option> <option value="35.09.02.2001">Sukorejo</option> '
                    '</select> ')


def test_the_refusal_reason_is_shown_and_the_buyer_corrects_and_resubmits(client):
    organisation, owner = buyer()
    registration = submitted(organisation, owner)
    buyer_registration_refuse(registration=registration, officer=OfficerFactory(), reason="NIB milik perusahaan lain")
    client.force_login(owner)

    page = text(client.get(ORG))
    assert "Refused" in page and "NIB milik perusahaan lain" in page

    client.post(ORG, {**DETAILS, "nib": "9876543210987", "submit": "1"})

    registration.refresh_from_db()
    assert (registration.status, registration.nib, registration.refusal_reason) == (
        "submitted", "9876543210987", "")
    assert "resubmitted" in text(client.get(ORG))


def test_changing_the_nib_of_a_verified_organisation_sends_it_back(client):
    organisation, owner = buyer()
    buyer_registration_verify(registration=submitted(organisation, owner), officer=OfficerFactory())
    client.force_login(owner)
    assert "Verified" in text(client.get(ORG))

    client.post(ORG, {**DETAILS, "nib": "9876543210987"})

    assert BuyerRegistration.objects.get().status == "submitted"


def test_a_member_sees_the_status_but_cannot_change_it(client):
    organisation, owner = buyer()
    submitted(organisation, owner)
    _organisation, member = buyer(role=Membership.Role.MEMBER, organisation=organisation)
    client.force_login(member)

    page = text(client.get(ORG))
    assert "Waiting for verification" in page and "PT Swalayan Jember Makmur" in page
    assert 'name="legal_name"' not in page
    assert client.post(ORG, {**DETAILS, "legal_name": "PT Lain"}).status_code == 403
    assert client.post(f"{ORG}submit/").status_code == 302
    assert BuyerRegistration.objects.get().legal_name == "PT Swalayan Jember Makmur"


def test_people_without_a_buyer_organisation_get_403(client):
    client.force_login(UserFactory(role=Role.CONSUMER))

    assert client.get(ORG).status_code == 403
    assert client.get(OUTLETS).status_code == 403


# --- the officers' queue ------------------------------------------------------------------------


def test_officers_verify_from_the_queue(officer_client):
    organisation, owner = buyer()
    registration = submitted(organisation, owner)
    client = officer_client

    queue = text(client.get(QUEUE))
    assert "PT Swalayan Jember Makmur" in queue and f"{QUEUE}{registration.pk}/" in queue
    detail = text(client.get(f"{QUEUE}{registration.pk}/"))
    assert "1234567890123" in detail and "012345678901000" in detail and "Jombang" in detail
    response = client.post(f"{QUEUE}{registration.pk}/verify/")

    assert response.status_code == 302 and response["Location"] == QUEUE
    registration.refresh_from_db()
    assert registration.status == "verified"
    after = text(client.get(QUEUE))
    assert "PT Swalayan Jember Makmur is verified; its owners are told by email." in after
    assert f"{QUEUE}{registration.pk}/" not in after and "Nothing here." in after
    assert f"{QUEUE}{registration.pk}/" in text(client.get(QUEUE, {"status": "verified"}))


def test_officers_refuse_with_a_reason_only(officer_client):
    organisation, owner = buyer()
    registration = submitted(organisation, owner)
    client = officer_client

    empty = client.post(f"{QUEUE}{registration.pk}/refuse/", {"reason": " "})
    assert empty.status_code == 400 and "This field is required." in text(empty)
    registration.refresh_from_db()
    assert registration.status == "submitted" and registration.events.count() == 2

    client.post(f"{QUEUE}{registration.pk}/refuse/", {"reason": "NPWP tidak terbaca"})

    registration.refresh_from_db()
    assert (registration.status, registration.refusal_reason) == ("refused", "NPWP tidak terbaca")


def test_the_queue_is_for_officers_only(client):
    organisation, owner = buyer()
    registration = submitted(organisation, owner)
    client.force_login(owner)

    assert client.get(QUEUE).status_code == 403
    assert client.get(f"{QUEUE}{registration.pk}/").status_code == 403
    assert client.post(f"{QUEUE}{registration.pk}/verify/").status_code == 403
    registration.refresh_from_db()
    assert registration.status == "submitted"


def test_the_officer_overview_links_to_the_queue(officer_client):
    organisation, owner = buyer()
    submitted(organisation, owner)
    client = officer_client

    page = text(client.get("/dashboard/officer/"))

    assert f'href="{QUEUE}"' in page and '<span class="stat-number" data-count="buyers_waiting">1</span>' in page


# --- outlets ------------------------------------------------------------------------------------


def test_an_owner_adds_edits_and_deactivates_an_outlet(client):
    organisation, owner = buyer()
    client.force_login(owner)
    assert client.get(f"{OUTLETS}new/").status_code == 200

    response = client.post(f"{OUTLETS}new/", PLACE)

    assert response.status_code == 302 and response["Location"] == OUTLETS
    outlet = Outlet.objects.get()
    assert (outlet.organisation, outlet.phone, outlet.village_id, outlet.receiving_hours) == (
        organisation, "081234567890", "35.09.01.2001", "Sen–Sab 08.00–16.00")
    page = text(client.get(OUTLETS))
    assert "Toko Tanggul" in page and "Receiving hours: Sen–Sab 08.00–16.00" in page

    edit = text(client.get(f"{OUTLETS}{outlet.pk}/"))
    assert '<option value="35.09.01.2001" selected>Padomasan</option>' in edit
    client.post(f"{OUTLETS}{outlet.pk}/", {**PLACE, "district": "35.09.02", "village_code": "35.09.02.2001",
                                           "receiving_hours": "Setiap hari 07.00–12.00"})
    outlet.refresh_from_db()
    assert (outlet.village_id, outlet.receiving_hours) == ("35.09.02.2001", "Setiap hari 07.00–12.00")

    client.post(f"{OUTLETS}{outlet.pk}/archive/")
    outlet.refresh_from_db()
    assert outlet.is_active is False
    assert f'id="outlet-{outlet.pk}"' not in text(client.get(OUTLETS))


def test_an_invalid_outlet_changes_nothing(client):
    organisation, owner = buyer()
    client.force_login(owner)
    outlet_create(organisation=organisation, actor=owner, **{k: v for k, v in PLACE.items() if k != "district"})

    duplicate = client.post(f"{OUTLETS}new/", PLACE)
    bad_phone = client.post(f"{OUTLETS}new/", {**PLACE, "name": "Gudang", "phone": "12"})

    assert duplicate.status_code == 400 and "Another outlet already has this name." in text(duplicate)
    assert bad_phone.status_code == 400 and "Enter a phone number of 8 to 15 digits" in text(bad_phone)
    assert Outlet.objects.count() == 1


def test_a_member_sees_outlets_but_cannot_add_or_change_them(client):
    organisation, owner = buyer()
    outlet = outlet_create(organisation=organisation, actor=owner,
                           **{k: v for k, v in PLACE.items() if k != "district"})
    _organisation, member = buyer(role=Membership.Role.MEMBER, organisation=organisation)
    client.force_login(member)

    page = text(client.get(OUTLETS))
    assert "Toko Tanggul" in page and "Add an outlet" not in page
    assert client.get(f"{OUTLETS}new/").status_code == 403
    assert client.post(f"{OUTLETS}new/", {**PLACE, "name": "Gudang"}).status_code == 403
    assert client.post(f"{OUTLETS}{outlet.pk}/", {**PLACE, "name": "Gudang"}).status_code == 403
    assert client.post(f"{OUTLETS}{outlet.pk}/archive/").status_code == 403
    assert list(Outlet.objects.values_list("name", "is_active")) == [("Toko Tanggul", True)]


def test_another_organisations_outlet_is_not_found(client):
    organisation, owner = buyer()
    outlet = outlet_create(organisation=organisation, actor=owner,
                           **{k: v for k, v in PLACE.items() if k != "district"})
    _other, other_owner = buyer(organisation=OrganisationFactory(kind=Organisation.Kind.BUYER))
    client.force_login(other_owner)

    assert client.get(f"{OUTLETS}{outlet.pk}/").status_code == 404
    assert client.post(f"{OUTLETS}{outlet.pk}/archive/").status_code == 404
    assert "Toko Tanggul" not in text(client.get(OUTLETS))
    assert Outlet.objects.get().is_active is True


# --- addresses ----------------------------------------------------------------------------------


def test_a_person_keeps_their_addresses(client):
    village()
    user = UserFactory(role=Role.CONSUMER)
    client.force_login(user)
    fields = {k: v for k, v in PLACE.items() if k != "receiving_hours"}

    response = client.post(f"{ADDRESSES}new/", {**fields, "name": "Rumah"})

    assert response.status_code == 302 and response["Location"] == ADDRESSES
    address = Address.objects.get()
    assert (address.user, address.name) == (user, "Rumah")
    client.post(f"{ADDRESSES}{address.pk}/", {**fields, "name": "Kantor"})
    address.refresh_from_db()
    assert address.name == "Kantor" and "Kantor" in text(client.get(ADDRESSES))
    client.post(f"{ADDRESSES}{address.pk}/archive/")
    address.refresh_from_db()
    assert address.is_active is False


def test_someone_elses_address_is_not_found(client):
    village()
    owner = UserFactory()
    address = address_create(user=owner, **{k: v for k, v in PLACE.items() if k not in ("district", "receiving_hours")})
    client.force_login(UserFactory())

    assert client.get(f"{ADDRESSES}{address.pk}/").status_code == 404
    assert client.post(f"{ADDRESSES}{address.pk}/archive/").status_code == 404
    assert Address.objects.get().is_active is True


# --- checkout, orders and the dashboard ---------------------------------------------------------


def cart_for(organisation, user):
    product = on_sale(retail_price=10000)
    cart_line_set(shopper=shopper_get(user=user, organisation=organisation), product_id=product.pk, quantity=2)
    return product


def test_checkout_without_outlet_links_owners_to_add_one_and_back(client):
    organisation, owner = buyer()
    cart_for(organisation, owner)
    client.force_login(owner)

    page = text(client.get("/checkout/"))
    assert f'href="{OUTLETS}new/?next=/checkout/"' in page

    response = client.post(f"{OUTLETS}new/", {**PLACE, "next": "/checkout/"})

    outlet = organisation.outlets.get()
    assert (response.status_code, response["Location"]) == (302, f"/checkout/?destination={outlet.pk}")
    assert re.search(rf'value="{outlet.pk}"[^>]*checked', text(client.get(response["Location"])))
    assert "Toko Tanggul" in text(client.get("/checkout/"))


def test_checkout_without_outlet_names_the_owner_to_members(client):
    organisation, _owner = buyer()
    _organisation, member = buyer(role=Membership.Role.MEMBER, organisation=organisation)
    cart_for(organisation, member)
    client.force_login(member)

    page = text(client.get("/checkout/"))

    assert "Ask the owner, Bu Sari, to add one." in page and f"{OUTLETS}new/" not in page


def test_producers_see_a_verified_buyer_on_the_order(client):
    organisation, owner, outlet = buyer_organisation(credit_limit=None, verified=False)
    product = cart_for(organisation, owner)
    checkout = place(shopper_get(user=owner, organisation=organisation), destination=outlet)
    checkout_mark_paid(checkout=checkout, reference="TRF-1")
    order = checkout.orders.get()
    client.force_login(owner_of(product.producer))
    assert "verified buyer" not in text(client.get(f"/orders/{order.pk}/"))

    buyer_registration_verify(registration=submitted(organisation, owner), officer=OfficerFactory())

    assert "verified buyer" in text(client.get(f"/orders/{order.pk}/"))
    assert "verified buyer" in text(client.get(f"/orders/{order.pk}/purchase-order/"))


def test_the_buyer_dashboard_links_to_organisation_outlets_and_addresses(client):
    _organisation, owner = buyer()
    client.force_login(owner)

    page = text(client.get("/dashboard/buyer/"))

    assert f'href="{ORG}"' in page and f'href="{OUTLETS}"' in page and f'href="{ADDRESSES}"' in page
