"""A buyer organisation registers its legal details; programme officers verify or refuse them (services and API)."""
from __future__ import annotations

import pytest
from django.core import mail

from buyers.exceptions import (
    BuyerInvalid,
    BuyerManagerRequired,
    BuyerRegistrationNotFound,
    BuyerRegistrationTransitionInvalid,
)
from buyers.models import BuyerRegistration, BuyerRegistrationEvent
from buyers.selectors import (
    buyer_organisation_is_verified,
    buyer_registration_get,
    buyer_registration_list_for_officers,
)
from buyers.services import (
    BuyerRegistrationData,
    buyer_registration_refuse,
    buyer_registration_save,
    buyer_registration_submit,
    buyer_registration_transition,
    buyer_registration_verify,
)
from catalog.exceptions import OfficerRequired
from market.accounts.models import Membership, Organisation, Role
from tests.catalog.factories import village
from tests.catalog.test_api import as_user, assert_error, client_fixture  # noqa: F401 -- client_fixture is a fixture
from tests.factories import MembershipFactory, OfficerFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

DETAILS = {"legal_name": "PT Swalayan Jember Makmur", "kind": "modern_retail", "nib": "1234 5678 90123",
           "npwp": "01.234.567.8-901.000", "street": "Jl. Gajah Mada 10", "village_code": "35.09.01.2001",
           "contact_name": "Bu Sari", "phone": "0812-3456-7890", "email": "Sari@Swalayan.co.id"}
Status = BuyerRegistration.Status


def buyer(role=Membership.Role.OWNER, kind=Organisation.Kind.BUYER):
    village()
    organisation = OrganisationFactory(kind=kind, name="Swalayan Makmur")
    user = UserFactory(role=Role.BUYER, full_name="Bu Sari")
    MembershipFactory(user=user, organisation=organisation, role=role)
    return organisation, user


def data(**changes) -> BuyerRegistrationData:
    return BuyerRegistrationData(**{**DETAILS, **changes})


def registered(status=Status.SUBMITTED):
    """Return (organisation, owner, registration) with the registration at ``status``."""
    organisation, owner = buyer()
    registration = buyer_registration_save(organisation=organisation, actor=owner, data=data())
    if status != Status.DRAFT:
        registration = buyer_registration_submit(organisation=organisation, actor=owner)
    if status == Status.VERIFIED:
        registration = buyer_registration_verify(registration=registration, officer=OfficerFactory())
    elif status == Status.REFUSED:
        registration = buyer_registration_refuse(registration=registration, officer=OfficerFactory(),
                                                 reason="NIB tidak cocok")
    return organisation, owner, registration


def history(registration) -> list[tuple[str, str, str]]:
    return list(registration.events.order_by("pk").values_list("from_status", "to_status", "reason"))


# --- services -----------------------------------------------------------------------------------


def test_an_owner_saves_a_draft_with_the_numbers_as_digits_and_submits_it():
    organisation, owner = buyer()

    registration = buyer_registration_save(organisation=organisation, actor=owner, data=data())

    registration.refresh_from_db()
    assert (registration.status, registration.legal_name, registration.kind, registration.nib, registration.npwp,
            registration.village_id, registration.phone, registration.email) == (
        "draft", "PT Swalayan Jember Makmur", "modern_retail", "1234567890123", "012345678901000",
        "35.09.01.2001", "081234567890", "sari@swalayan.co.id")
    assert buyer_organisation_is_verified(organisation=organisation) is False

    submitted = buyer_registration_submit(organisation=organisation, actor=owner)

    assert submitted.status == "submitted" and submitted.submitted_at is not None
    assert list(buyer_registration_list_for_officers()) == [submitted]
    assert history(submitted) == [("", "draft", ""), ("draft", "submitted", "")]
    assert list(submitted.events.values_list("actor", flat=True)) == [owner.pk, owner.pk]


def test_a_sixteen_digit_npwp_is_accepted():
    organisation, owner = buyer()

    registration = buyer_registration_save(organisation=organisation, actor=owner,
                                           data=data(npwp="3509 0112 3456 0001"))

    assert registration.npwp == "3509011234560001"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("legal_name", "  ", "This field is required."),
    ("kind", "warung", "Choose a kind of business from the list."),
    ("nib", "123456789012", "An NIB has 13 digits."),
    ("nib", "12345678901AB", "An NIB has 13 digits."),
    ("npwp", "01.234.567.8-901", "An NPWP has 15 or 16 digits, e.g. 01.234.567.8-901.000."),
    ("npwp", "01234567890123456", "An NPWP has 15 or 16 digits, e.g. 01.234.567.8-901.000."),
    ("street", "", "This field is required."),
    ("village_code", "35.09.99.9999", "Choose a village from the list."),
    ("contact_name", "", "This field is required."),
    ("phone", "12ab", "Enter a phone number of 8 to 15 digits, e.g. 081234567890."),
    ("email", "sari@", "Enter a valid email address."),
])
def test_each_invalid_field_is_named_and_nothing_changes(field, value, message):
    organisation, owner, registration = registered(Status.VERIFIED)
    before = BuyerRegistration.objects.values().get()

    with pytest.raises(BuyerInvalid) as caught:
        buyer_registration_save(organisation=organisation, actor=owner,
                                data=data(**{field: value, "legal_name": "PT Baru"} if field != "legal_name" else
                                          {field: value}))

    assert caught.value.fields == {field: [message]}
    assert BuyerRegistration.objects.values().get() == before
    assert BuyerRegistrationEvent.objects.count() == 3


@pytest.mark.parametrize("role", [Membership.Role.MEMBER])
def test_a_member_cannot_register_or_submit(role):
    organisation, member = buyer(role=role)

    with pytest.raises(BuyerManagerRequired):
        buyer_registration_save(organisation=organisation, actor=member, data=data())
    with pytest.raises(BuyerManagerRequired):
        buyer_registration_submit(organisation=organisation, actor=member)

    assert BuyerRegistration.objects.count() == 0


def test_a_producer_organisation_cannot_register_as_a_buyer():
    organisation, owner = buyer(kind=Organisation.Kind.PRODUCER)

    with pytest.raises(BuyerManagerRequired):
        buyer_registration_save(organisation=organisation, actor=owner, data=data())

    assert BuyerRegistration.objects.count() == 0


def test_submitting_before_registering_is_not_found():
    organisation, owner = buyer()

    with pytest.raises(BuyerRegistrationNotFound):
        buyer_registration_submit(organisation=organisation, actor=owner)


def test_an_officer_verifies_and_the_owners_are_emailed_after_commit(django_capture_on_commit_callbacks):
    organisation, owner, registration = registered()
    MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)  # members are not emailed
    officer = OfficerFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        verified = buyer_registration_verify(registration=registration, officer=officer)

    assert len(callbacks) == 1
    assert verified.status == "verified" and verified.verified_at is not None
    assert buyer_organisation_is_verified(organisation=organisation) is True
    assert history(verified)[-1] == ("submitted", "verified", "")
    assert verified.events.last().actor == officer
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([owner.email], "PT Swalayan Jember Makmur is a verified buyer")]
    assert list(buyer_registration_list_for_officers()) == []


def test_verifying_twice_changes_nothing_more(django_capture_on_commit_callbacks):
    _organisation, _owner, registration = registered(Status.VERIFIED)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        buyer_registration_verify(registration=registration, officer=OfficerFactory())

    assert callbacks == [] and BuyerRegistrationEvent.objects.count() == 3


def test_a_refusal_needs_a_reason_and_is_emailed_with_it(django_capture_on_commit_callbacks):
    organisation, owner, registration = registered()
    officer = OfficerFactory()

    with pytest.raises(BuyerInvalid) as caught:
        buyer_registration_refuse(registration=registration, officer=officer, reason="  ")
    assert caught.value.fields == {"reason": ["Give the reason for the refusal: the buyer reads it."]}
    assert BuyerRegistration.objects.get().status == "submitted"

    with django_capture_on_commit_callbacks(execute=True):
        refused = buyer_registration_refuse(registration=registration, officer=officer,
                                            reason="The NIB belongs to another company.")

    assert (refused.status, refused.refusal_reason) == ("refused", "The NIB belongs to another company.")
    assert history(refused)[-1] == ("submitted", "refused", "The NIB belongs to another company.")
    assert [m.subject for m in mail.outbox] == ["The registration of PT Swalayan Jember Makmur needs a correction"]
    assert "Reason: The NIB belongs to another company." in mail.outbox[0].body
    assert mail.outbox[0].to == [owner.email]


def test_a_refused_registration_is_corrected_and_resubmitted():
    organisation, owner, _registration = registered(Status.REFUSED)

    corrected = buyer_registration_save(organisation=organisation, actor=owner, data=data(nib="9876543210987"))
    assert (corrected.status, corrected.refusal_reason) == ("refused", "NIB tidak cocok")

    again = buyer_registration_submit(organisation=organisation, actor=owner)

    assert (again.status, again.refusal_reason, again.nib) == ("submitted", "", "9876543210987")
    assert [(f, t) for f, t, _reason in history(again)] == [
        ("", "draft"), ("draft", "submitted"), ("submitted", "refused"), ("refused", "submitted")]


def test_changing_the_legal_name_nib_or_npwp_of_a_verified_organisation_sends_it_back():
    organisation, owner, _registration = registered(Status.VERIFIED)

    same_legal = buyer_registration_save(organisation=organisation, actor=owner,
                                         data=data(phone="081111111111", contact_name="Pak Budi"))
    assert same_legal.status == "verified"

    changed = buyer_registration_save(organisation=organisation, actor=owner, data=data(npwp="012345678901999"))

    assert changed.status == "submitted" and changed.verified_at is None
    assert buyer_organisation_is_verified(organisation=organisation) is False
    assert history(changed)[-1] == ("verified", "submitted", "The legal name, NIB or NPWP changed.")


@pytest.mark.parametrize(("status", "to"), [
    (Status.DRAFT, Status.VERIFIED), (Status.DRAFT, Status.REFUSED), (Status.REFUSED, Status.VERIFIED),
    (Status.VERIFIED, Status.REFUSED), (Status.SUBMITTED, Status.DRAFT)])
def test_the_transition_table_refuses_other_moves(status, to):
    _organisation, owner, registration = registered(status)

    with pytest.raises(BuyerRegistrationTransitionInvalid):
        buyer_registration_transition(registration=registration, to=to, actor=owner, reason="x")

    assert BuyerRegistration.objects.get().status == status


def test_only_officers_verify_or_refuse():
    _organisation, owner, registration = registered()

    with pytest.raises(OfficerRequired):
        buyer_registration_verify(registration=registration, officer=owner)
    with pytest.raises(OfficerRequired):
        buyer_registration_refuse(registration=registration, officer=owner, reason="no")

    assert BuyerRegistration.objects.get().status == "submitted"


def test_a_verified_nib_cannot_be_registered_by_another_organisation():
    registered(Status.VERIFIED)
    other, other_owner = buyer()

    with pytest.raises(BuyerInvalid) as caught:
        buyer_registration_save(organisation=other, actor=other_owner, data=data())

    assert caught.value.fields == {"nib": ["Another verified organisation is registered with this NIB."]}
    assert buyer_registration_get(organisation=other) is None


def test_is_verified_is_false_without_an_organisation_or_for_producers():
    producer_org, _owner = buyer(kind=Organisation.Kind.PRODUCER)

    assert buyer_organisation_is_verified(organisation=None) is False
    assert buyer_organisation_is_verified(organisation=producer_org) is False


# --- API ----------------------------------------------------------------------------------------


def registration_url(organisation) -> str:
    return f"/api/v1/buyer-organisations/{organisation.pk}/registration/"


def test_api_owner_registers_submits_and_reads_the_status(client):
    organisation, owner = buyer()
    as_user(client, owner)
    assert_error(client.get(registration_url(organisation)), 404, "buyer_registration_not_found")

    saved = client.put(registration_url(organisation), DETAILS, format="json")
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert {key: body[key] for key in ("organisation_id", "status", "is_verified", "nib", "npwp", "phone",
                                       "email", "refusal_reason", "submitted_at")} == {
        "organisation_id": organisation.pk, "status": "draft", "is_verified": False, "nib": "1234567890123",
        "npwp": "012345678901000", "phone": "081234567890", "email": "sari@swalayan.co.id", "refusal_reason": "",
        "submitted_at": None}
    assert body["village"] == {"code": "35.09.01.2001", "name": "Padomasan", "district_code": "35.09.01",
                               "district": "Jombang"}

    submitted = client.post(f"{registration_url(organisation)}submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert [(e["from_status"], e["to_status"]) for e in submitted.json()["events"]] == [
        ("", "draft"), ("draft", "submitted")]


def test_api_invalid_fields_are_named_and_nothing_is_saved(client):
    organisation, owner = buyer()

    response = as_user(client, owner).put(registration_url(organisation), {**DETAILS, "nib": "12", "npwp": "x"},
                                          format="json")

    assert_error(response, 400, "buyer_invalid", {
        "nib": ["An NIB has 13 digits."], "npwp": ["An NPWP has 15 or 16 digits, e.g. 01.234.567.8-901.000."]})
    assert BuyerRegistration.objects.count() == 0


def test_api_members_read_but_cannot_write_and_strangers_get_404(client):
    organisation, _owner, _registration = registered()
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER,
                               user=UserFactory(role=Role.BUYER)).user

    assert as_user(client, member).get(registration_url(organisation)).json()["status"] == "submitted"
    assert_error(client.put(registration_url(organisation), DETAILS, format="json"), 403, "buyer_manager_required")
    stranger = UserFactory(role=Role.BUYER)
    assert_error(as_user(client, stranger).get(registration_url(organisation)), 404, "buyer_registration_not_found")
    assert_error(client.put(registration_url(organisation), DETAILS, format="json"), 404,
                 "buyer_registration_not_found")
    assert BuyerRegistration.objects.get().legal_name == "PT Swalayan Jember Makmur"


def test_api_officers_list_the_queue_verify_and_refuse(client):
    first_org, _owner, first = registered()
    second_org, second_owner = buyer()
    buyer_registration_save(organisation=second_org, actor=second_owner, data=data(nib="9999999999999"))
    second = buyer_registration_submit(organisation=second_org, actor=second_owner)
    officer = OfficerFactory()
    as_user(client, officer)

    queue = client.get("/api/v1/buyer-registrations/").json()
    assert [r["id"] for r in queue["results"]] == [first.pk, second.pk]

    verified = client.post(f"/api/v1/buyer-registrations/{first.pk}/verify/")
    assert (verified.status_code, verified.json()["status"], verified.json()["is_verified"]) == (200, "verified", True)
    assert_error(client.post(f"/api/v1/buyer-registrations/{second.pk}/refuse/", {"reason": ""}, format="json"),
                 400, "invalid")
    refused = client.post(f"/api/v1/buyer-registrations/{second.pk}/refuse/", {"reason": "NPWP salah"},
                          format="json")
    assert (refused.json()["status"], refused.json()["refusal_reason"]) == ("refused", "NPWP salah")
    assert_error(client.post(f"/api/v1/buyer-registrations/{second.pk}/verify/"), 409,
                 "buyer_registration_transition_invalid")
    assert client.get("/api/v1/buyer-registrations/").json()["results"] == []
    assert [r["id"] for r in client.get("/api/v1/buyer-registrations/?status=verified").json()["results"]] == [
        first.pk]
    assert buyer_organisation_is_verified(organisation=first_org) is True


def test_api_officer_endpoints_refuse_everyone_else(client):
    organisation, owner, registration = registered()

    as_user(client, owner)
    assert_error(client.get("/api/v1/buyer-registrations/"), 403, "officer_required")
    assert_error(client.post(f"/api/v1/buyer-registrations/{registration.pk}/verify/"), 403, "officer_required")

    assert BuyerRegistration.objects.get().status == "submitted"


def test_api_outlets_take_receiving_hours(client):
    organisation, owner = buyer()
    place = {"name": "Toko Tanggul", "contact_name": "Pak Budi", "phone": "081234567890",
             "street": "Jl. Raya Tanggul 5", "village_code": "35.09.01.2001", "organisation": organisation.pk,
             "receiving_hours": "Sen–Sab 08.00–16.00"}

    created = as_user(client, owner).post("/api/v1/outlets/", place, format="json")
    assert created.json()["receiving_hours"] == "Sen–Sab 08.00–16.00"
    changed = client.patch(f"/api/v1/outlets/{created.json()['id']}/", {"receiving_hours": "x" * 101},
                           format="json")

    assert changed.status_code == 400
    assert client.get(f"/api/v1/outlets/{created.json()['id']}/").json()["receiving_hours"] == "Sen–Sab 08.00–16.00"
