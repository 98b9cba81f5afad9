"""Wrong passwords on the account-closure page and API count toward the sign-in lockout (allauth's
``login_failed`` limit), both ways: the closure page is no way around the lockout to guess a password."""
import pytest
from rest_framework.test import APIClient

from market.accounts.services import api_token_create
from tests.factories import PASSWORD, UserFactory
from tests.fixtures import force_login_mfa

pytestmark = pytest.mark.django_db


def _still_open(user) -> None:
    user.refresh_from_db()
    assert user.is_active and user.email == "siti@example.id"


def test_wrong_passwords_on_the_closure_page_lock_the_sign_in(client, english_pages):
    user = UserFactory(email="siti@example.id")
    force_login_mfa(client, user)

    for _ in range(5):
        wrong = client.post("/account/close/", {"password": "salah-sandi-2026", "confirm": "on"})
        assert (wrong.status_code, list(wrong.context["form"].errors)) == (200, ["password"])
    locked = client.post("/account/close/", {"password": PASSWORD, "confirm": "on"})

    assert locked.status_code == 200
    assert "Too many failed sign-in attempts" in locked.content.decode()
    _still_open(user)
    other = type(client)()
    other.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in other.session  # the sign-in page is locked too


def test_failed_sign_ins_lock_the_closure_api(client):
    user = UserFactory(email="siti@example.id")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user).key}")
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": "salah-sandi-2026"})

    response = api.post("/api/v1/me/close/", {"password": PASSWORD, "confirm": True}, format="json")

    assert (response.status_code, response.json()["code"]) == (429, "too_many_login_attempts")
    assert response["Retry-After"] == "300"
    _still_open(user)
