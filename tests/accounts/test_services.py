import hashlib
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import translation

from market.accounts.exceptions import (
    EmailNotVerified,
    InvalidCredentials,
    MfaCodeInvalid,
    MfaCodeRequired,
    MfaSetupRequired,
    OrganisationRequired,
    RoleNotSelfService,
)
from market.accounts.models import ApiToken, Membership, Organisation, Role, User
from market.accounts.services import api_token_issue, officer_create, user_complete_sign_up
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "kind"), [(Role.PRODUCER, "producer"), (Role.BUYER, "buyer")])
def test_producers_and_buyers_get_their_organisation(role, kind):
    user = UserFactory(full_name="")

    user_complete_sign_up(user=user, role=role, full_name="  Siti Aminah ", organisation_name=" UD Kopi Sidomulyo ",
                          phone="081234567890")

    user.refresh_from_db()
    assert (user.role, user.full_name, user.phone) == (role, "Siti Aminah", "081234567890")
    membership = Membership.objects.get(user=user)
    assert (membership.organisation.name, membership.organisation.kind, membership.role) == (
        "UD Kopi Sidomulyo", kind, Membership.Role.OWNER)


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.INVESTOR])
def test_consumers_and_investors_have_no_organisation(role):
    user = UserFactory()

    user_complete_sign_up(user=user, role=role, full_name="Budi", organisation_name="ignored")

    assert user.role == role
    assert not Organisation.objects.exists()


def test_a_buyer_without_organisation_is_refused_and_nothing_changes():
    user = UserFactory(role=Role.CONSUMER, full_name="Before")

    with pytest.raises(OrganisationRequired) as excinfo:
        user_complete_sign_up(user=user, role=Role.BUYER, full_name="After", organisation_name="  ")

    assert "organisation_name" in excinfo.value.fields
    user.refresh_from_db()
    assert (user.role, user.full_name) == (Role.CONSUMER, "Before")
    assert not Organisation.objects.exists()


def test_nobody_signs_themselves_up_as_an_officer():
    user = UserFactory()

    with pytest.raises(RoleNotSelfService):
        user_complete_sign_up(user=user, role=Role.OFFICER, full_name="Sneaky")

    user.refresh_from_db()
    assert (user.role, user.is_staff) == (Role.CONSUMER, False)


def test_officer_create_gives_a_verified_staff_officer():
    officer = officer_create(email="Petugas@Disperindag.Jemberkab.go.id", full_name="Pak Hadi", password=PASSWORD)

    assert (officer.email, officer.role, officer.is_staff, officer.is_superuser) == (
        "petugas@disperindag.jemberkab.go.id", Role.OFFICER, True, False)
    assert EmailAddress.objects.get(user=officer).verified is True
    assert officer.check_password(PASSWORD)


def test_staff_must_be_officers_in_the_database():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.create_user(email="x@example.id", password=PASSWORD, is_staff=True, role=Role.CONSUMER)


def test_emails_are_unique_whatever_their_case():
    from django.db import IntegrityError

    UserFactory(email="ani@example.id")
    with pytest.raises(IntegrityError):
        User.objects.create(email="ANI@example.id")


@pytest.fixture
def token_request(rf):
    return rf.post("/api/v1/auth/token/", REMOTE_ADDR="203.0.113.10")


class TestApiToken:
    def test_wrong_password(self, token_request):
        UserFactory(email="a@example.id")
        with pytest.raises(InvalidCredentials):
            api_token_issue(request=token_request, email="a@example.id", password="nope-nope-nope")
        assert not ApiToken.objects.exists()

    def test_unverified_email(self, token_request):
        UserFactory(email="a@example.id", verified=False)
        with pytest.raises(EmailNotVerified):
            api_token_issue(request=token_request, email="a@example.id", password=PASSWORD)
        assert not ApiToken.objects.exists()

    def test_inactive_person_with_the_right_password(self, token_request):
        UserFactory(email="a@example.id", is_active=False)
        with pytest.raises(InvalidCredentials):
            api_token_issue(request=token_request, email="a@example.id", password=PASSWORD)
        assert not ApiToken.objects.exists()

    def test_each_issue_is_a_new_token_stored_only_as_a_hash(self, token_request, settings):
        settings.API_TOKEN_TTL_DAYS = 7
        user = UserFactory(email="a@example.id")

        with translation.override("en"):
            first = api_token_issue(request=token_request, email="a@example.id", password=PASSWORD, name=" Kasir ")
            second = api_token_issue(request=token_request, email="A@EXAMPLE.ID", password=PASSWORD)

        assert first.key != second.key
        assert first.key.startswith("ki_") and len(first.key) == 46
        stored = ApiToken.objects.get(pk=first.token.pk)
        assert (stored.user, stored.name, stored.prefix, stored.key_hash) == (
            user, "Kasir", first.key[:10], hashlib.sha256(first.key.encode()).hexdigest())
        assert stored.expires_at - stored.created_at == timedelta(days=7)
        assert (stored.last_used_at, stored.revoked_at, stored.revoked_reason) == (None, None, "")
        assert ApiToken.objects.get(pk=second.token.pk).name == "API client"
        assert not [row for row in ApiToken.objects.values_list() for value in row if value == first.key]

    def test_officer_without_totp_is_refused(self, make_user, token_request):
        make_user(role=Role.OFFICER, email="o@example.id")
        with pytest.raises(MfaSetupRequired):
            api_token_issue(request=token_request, email="o@example.id", password=PASSWORD)
        assert not ApiToken.objects.exists()

    def test_totp_code_is_required_and_checked(self, make_user, totp_for, token_request):
        officer = make_user(role=Role.OFFICER, email="o@example.id")
        code = totp_for(officer)

        with pytest.raises(MfaCodeRequired):
            api_token_issue(request=token_request, email="o@example.id", password=PASSWORD)
        with pytest.raises(MfaCodeInvalid):
            api_token_issue(request=token_request, email="o@example.id", password=PASSWORD,
                            code="000000" if code() != "000000" else "111111")
        assert not ApiToken.objects.exists()

        issued = api_token_issue(request=token_request, email="o@example.id", password=PASSWORD, code=code())
        assert issued.token.user == officer
