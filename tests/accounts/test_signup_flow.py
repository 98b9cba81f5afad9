"""Sign-up → email verification → sign-in, roles and dashboards, officers' two-factor rule (Django client)."""
import re

import pytest
from django.conf import settings
from django.core import mail

from market.accounts.models import Membership, Role, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)  # mail leaves on commit, as in production


def sign_up(client, **overrides):
    data = {
        "full_name": "Siti Aminah", "email": "siti@example.id", "role": "producer",
        "organisation_name": "Kelompok Tani Kopi Sidomulyo", "phone": "0812 3456 7890",
        "password1": PASSWORD, "password2": PASSWORD,
    }
    data.update(overrides)
    return client.post("/accounts/signup/", data)


def confirmation_link(message) -> str:
    # Links are built from SITE_URL, not from the request's host (tests/accounts/test_emailed_links.py).
    return re.search(re.escape(settings.SITE_URL) + r"(/accounts/confirm-email/[^/\s]+/)", message.body).group(1)


def test_sign_up_verify_and_sign_in(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="siti@example.id")
    assert (user.role, user.full_name, user.phone) == (Role.PRODUCER, "Siti Aminah", "081234567890")
    assert Membership.objects.get(user=user).organisation.name == "Kelompok Tani Kopi Sidomulyo"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["siti@example.id"]
    assert mail.outbox[0].subject.startswith("[Kampung Industri]")

    # Verification is mandatory: signing in before confirming only resends the link.
    client.logout()
    response = client.post("/accounts/login/", {"login": "siti@example.id", "password": PASSWORD})
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    link = confirmation_link(mail.outbox[0])
    assert client.post(link).status_code == 302

    response = client.post("/accounts/login/", {"login": "siti@example.id", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/dashboard/producer/"
    assert "Kelompok Tani Kopi Sidomulyo" in response.content.decode()


def test_sign_up_with_bad_input_shows_errors_and_creates_nothing(client):
    response = sign_up(client, role="buyer", organisation_name="", email="not-an-email", password2="different")

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"email", "organisation_name", "password2"}
    assert not User.objects.exists()
    assert mail.outbox == []


def test_officer_is_not_a_sign_up_choice(client):
    response = sign_up(client, role="officer")

    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.parametrize("role", [Role.PRODUCER, Role.BUYER, Role.CONSUMER, Role.INVESTOR])
def test_each_role_sees_its_own_dashboard_and_not_another(client, make_user, role):
    user = make_user(role=role)
    client.force_login(user)

    own = client.get("/dashboard/", follow=True)
    assert own.redirect_chain == [(f"/dashboard/{role}/", 302)]
    assert own.status_code == 200
    assert f'data-role="{role}"' in own.content.decode()

    for other in {Role.PRODUCER, Role.BUYER, Role.CONSUMER, Role.INVESTOR, Role.OFFICER} - {role}:
        assert client.get(f"/dashboard/{other}/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/dashboard/consumer/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/consumer/"


def sign_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return response


def open_totp_setup(client):
    """TOTP setup is a sensitive operation: allauth asks for the password again first."""
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"] == "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    return client.get("/accounts/2fa/totp/activate/")


def test_officers_must_set_up_totp_before_anything_else(client, make_user, totp_for):
    officer = make_user(role=Role.OFFICER)
    assert sign_in(client, officer)["Location"] == "/dashboard/"

    assert client.get("/dashboard/officer/")["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/admin/")["Location"] == "/accounts/2fa/totp/activate/"
    api = client.get("/api/v1/me/")
    assert api.status_code == 403 and api.json()["code"] == "mfa_setup_required"
    assert open_totp_setup(client).status_code == 200

    code = totp_for(officer)  # set up elsewhere: this session has not entered a code yet
    assert client.get("/dashboard/officer/")["Location"] == \
        "/accounts/2fa/reauthenticate/?next=/dashboard/officer/"
    client.post("/accounts/2fa/reauthenticate/", {"code": code()})
    response = client.get("/dashboard/officer/")
    assert response.status_code == 200
    assert 'data-role="officer"' in response.content.decode()


def test_totp_is_available_to_everyone(client, make_user):
    sign_in(client, make_user(role=Role.CONSUMER))

    response = open_totp_setup(client)
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_password_reset_by_email(client, make_user):
    user = make_user(email="ani@example.id")

    response = client.post("/accounts/password/reset/", {"email": "ANI@example.id"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    link = re.search(re.escape(settings.SITE_URL) + r"(/accounts/password/reset/key/[^\s]+/)",
                     mail.outbox[0].body).group(1)

    form_url = client.get(link)["Location"]  # allauth moves the key into the session
    response = client.post(form_url, {"password1": "tembakau-Na-Oogst-77", "password2": "tembakau-Na-Oogst-77"})
    assert response["Location"] == "/accounts/password/reset/key/done/"

    user.refresh_from_db()
    assert user.check_password("tembakau-Na-Oogst-77")
    assert not user.check_password(PASSWORD)


def test_password_reset_for_an_unknown_email_reveals_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.id"})

    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) <= 1  # allauth may tell the address that it has no account
    assert not User.objects.exists()
