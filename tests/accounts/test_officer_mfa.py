"""Officers' second factor cannot be skipped: not through the admin, not with an old session, not to remove it.

Each test reproduces a way in that worked before: the admin's own password form signed an
officer in without TOTP, the middleware only asked whether TOTP *existed*, and a password-only
re-authentication was enough to deactivate TOTP.
"""
import pytest
from allauth.mfa.models import Authenticator

from market.accounts.models import Role
from tests.factories import PASSWORD
from tests.fixtures import force_login_mfa

pytestmark = pytest.mark.django_db(transaction=True)  # allauth's notification mails leave on commit


@pytest.fixture
def officer(make_user):
    return make_user(role=Role.OFFICER, email="petugas@disperindag.example.id")


def password_step(client, user, path="/accounts/login/"):
    return client.post(path, {"login": user.email, "password": PASSWORD})


def test_the_admin_login_form_is_allauths_login(client, officer, totp_for):
    totp_for(officer)

    page = client.get("/admin/login/?next=/admin/accounts/user/")
    assert page.status_code == 302
    assert page["Location"] == "/accounts/login/?next=/admin/accounts/user/"

    # The old bypass: Django's admin form with the password alone.
    attack = client.post("/admin/login/", {"username": officer.email, "password": PASSWORD,
                                           "next": "/admin/"})
    assert attack.status_code == 302 and attack["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"


def test_an_offsite_next_from_the_admin_login_is_dropped(client):
    response = client.get("/admin/login/?next=https://evil.example/phish")

    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_an_officer_signs_in_with_password_and_code_then_reaches_the_admin(client, officer, totp_for):
    code = totp_for(officer)

    response = password_step(client, officer)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": code()})
    assert response.status_code == 302

    assert client.get("/dashboard/officer/").status_code == 200
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/me/").json()["role"] == "officer"


@pytest.mark.parametrize("path", [
    "/dashboard/officer/", "/admin/", "/accounts/email/", "/accounts/password/change/",
    "/accounts/2fa/totp/deactivate/", "/accounts/2fa/recovery-codes/", "/accounts/2fa/recovery-codes/generate/",
])
def test_a_session_that_has_not_passed_the_code_is_sent_to_prove_it(client, officer, totp_for, path):
    # given: a signed-in officer session that never entered a code (what the admin form used to make)
    totp_for(officer)
    client.force_login(officer)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/?next=")


def test_the_api_refuses_a_session_that_has_not_passed_the_code(client, officer, totp_for):
    totp_for(officer)
    client.force_login(officer)

    response = client.get("/api/v1/me/")

    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_proving_the_code_opens_the_officer_pages(client, officer, totp_for):
    code = totp_for(officer)
    client.force_login(officer)

    wrong = client.post("/accounts/2fa/reauthenticate/?next=/dashboard/officer/", {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get("/dashboard/officer/").status_code == 302

    right = client.post("/accounts/2fa/reauthenticate/?next=/dashboard/officer/", {"code": code()})
    assert right["Location"] == "/dashboard/officer/"
    assert client.get("/dashboard/officer/").status_code == 200


def test_activating_totp_on_the_website_counts_as_passing_it(client, officer):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    password_step(client, officer)  # an officer without TOTP may only set it up
    assert client.get("/dashboard/officer/")["Location"] == "/accounts/2fa/totp/activate/"
    client.post("/accounts/reauthenticate/?next=/accounts/2fa/totp/activate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    code = format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))

    response = client.post("/accounts/2fa/totp/activate/", {"code": code})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()
    assert client.get("/dashboard/officer/").status_code == 200


def test_deactivating_totp_needs_a_current_code_not_only_the_password(client, officer, totp_for):
    code = totp_for(officer)
    force_login_mfa(client, officer)
    client.post("/accounts/reauthenticate/?next=/accounts/2fa/totp/deactivate/", {"password": PASSWORD})

    page = client.get("/accounts/2fa/totp/deactivate/")
    assert page.status_code == 200 and 'name="code"' in page.content.decode()

    for data in ({}, {"code": "123456"}):
        refused = client.post("/accounts/2fa/totp/deactivate/", data)
        assert refused.status_code == 200
        assert "code" in refused.context["form"].errors
        assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()

    accepted = client.post("/accounts/2fa/totp/deactivate/", {"code": code()})
    assert accepted.status_code == 302
    assert not Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()


def test_new_recovery_codes_need_a_current_code(client, make_user, totp_for):
    producer = make_user(role=Role.PRODUCER)  # the rule is everyone's, not only officers'
    code = totp_for(producer)
    force_login_mfa(client, producer)
    client.post("/accounts/reauthenticate/?next=/accounts/2fa/recovery-codes/generate/", {"password": PASSWORD})

    refused = client.post("/accounts/2fa/recovery-codes/generate/", {"code": "654321"})
    assert refused.status_code == 200
    assert "code" in refused.context["form"].errors
    assert not Authenticator.objects.filter(user=producer, type=Authenticator.Type.RECOVERY_CODES).exists()

    accepted = client.post("/accounts/2fa/recovery-codes/generate/", {"code": code()})
    assert accepted.status_code == 302
    assert Authenticator.objects.filter(user=producer, type=Authenticator.Type.RECOVERY_CODES).exists()


def test_wrong_codes_lock_the_code_check(client, officer, totp_for):
    code = totp_for(officer)
    force_login_mfa(client, officer)
    client.post("/accounts/reauthenticate/?next=/accounts/2fa/totp/deactivate/", {"password": PASSWORD})

    for _ in range(5):
        client.post("/accounts/2fa/totp/deactivate/", {"code": "000000"})
    locked = client.post("/accounts/2fa/totp/deactivate/", {"code": code()})

    assert locked.status_code == 200
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()


def test_the_admin_login_counts_towards_the_one_lockout(client, officer, totp_for):
    code = totp_for(officer)
    for _ in range(5):
        client.post("/accounts/login/?next=/admin/", {"login": officer.email, "password": "wrong-password-123"})

    response = password_step(client, officer, "/accounts/login/?next=/admin/")

    assert response.status_code == 200  # locked: the right password is refused for now
    assert "_auth_user_id" not in client.session
    client.post("/accounts/2fa/authenticate/", {"code": code()})
    assert "_auth_user_id" not in client.session
