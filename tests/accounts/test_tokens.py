"""API tokens: hashed, expiring, listed and revoked by their owner, ended by account events."""
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from allauth.account.signals import password_set
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_removed, authenticator_reset
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from market.accounts.models import ApiToken, Role, User
from market.accounts.services import api_token_create
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

Reason = ApiToken.RevokedReason


def error(response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def use(api_client, key: str):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api_client.get("/api/v1/me/")


@pytest.fixture
def person(make_user):
    return make_user(email="siti@example.id")


@pytest.fixture
def key(issue_token, person) -> str:
    response = issue_token("siti@example.id", name="Kasir toko")
    assert response.status_code == 201
    return response.json()["token"]


def test_the_secret_is_shown_once_with_its_expiry(issue_token, person, settings):
    settings.API_TOKEN_TTL_DAYS = 30

    response = issue_token("siti@example.id", name="Kasir toko")

    body = response.json()
    token = ApiToken.objects.get()
    assert set(body) == {"token", "id", "name", "prefix", "created_at", "expires_at"}
    assert (body["id"], body["name"], body["prefix"]) == (token.pk, "Kasir toko", body["token"][:10])
    assert datetime.fromisoformat(body["expires_at"]) == token.created_at + timedelta(days=30)
    assert token.key_hash != body["token"] and body["token"] not in str(list(ApiToken.objects.values()))


def test_a_token_authenticates_and_records_its_use_at_most_every_five_minutes(api_client, key, person):
    with CaptureQueriesContext(connection) as first:
        assert use(api_client, key).status_code == 200
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    assert [q for q in first if q["sql"].startswith('UPDATE "accounts_apitoken"')] != []

    four_minutes_ago = timezone.now() - timedelta(minutes=4)
    ApiToken.objects.update(last_used_at=four_minutes_ago)
    with CaptureQueriesContext(connection) as again:
        assert use(api_client, key).status_code == 200
    assert ApiToken.objects.get().last_used_at == four_minutes_ago
    assert [q for q in again if q["sql"].startswith('UPDATE "accounts_apitoken"')] == []

    six_minutes_ago = timezone.now() - timedelta(minutes=6)
    ApiToken.objects.update(last_used_at=six_minutes_ago)
    assert use(api_client, key).status_code == 200
    assert ApiToken.objects.get().last_used_at > six_minutes_ago


def test_an_expired_token_is_refused(api_client, key):
    ApiToken.objects.update(created_at=timezone.now() - timedelta(days=31), expires_at=timezone.now())

    response = use(api_client, key)

    assert error(response) == (401, "token_expired")
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token ki_not-a-real-token"])
def test_a_malformed_or_unknown_token_is_refused(api_client, person, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)

    assert error(api_client.get("/api/v1/me/")) == (401, "authentication_failed")


def test_an_inactive_persons_token_is_refused(api_client, key, person):
    User.objects.filter(pk=person.pk).update(is_active=False)

    assert error(use(api_client, key)) == (401, "authentication_failed")


def test_an_officers_token_stops_when_the_officer_no_longer_has_totp(api_client, issue_token, make_user, totp_for):
    officer = make_user(role=Role.OFFICER, email="petugas@example.id")
    code = totp_for(officer)
    key = issue_token("petugas@example.id", code=code()).json()["token"]
    assert use(api_client, key).status_code == 200

    Authenticator.objects.filter(user=officer).delete()  # as the admin would: no allauth signal

    assert error(use(api_client, key)) == (403, "mfa_setup_required")


def test_any_password_change_ends_the_tokens_even_without_a_service(api_client, key, person):
    """``manage.py changepassword`` and the admin's password form only call ``set_password``."""
    person.set_password("tembakau-Na-Oogst-77")
    person.save()

    assert error(use(api_client, key)) == (401, "authentication_failed")
    assert list(ApiToken.objects.values_list("revoked_at", flat=True)) == [None]  # refused by its fingerprint
    api_client.credentials()
    api_client.force_authenticate(person)
    assert api_client.get("/api/v1/auth/tokens/").json()["results"] == []


def test_changing_the_password_on_the_site_revokes_every_token(api_client, client, issue_token, person):
    keys = [issue_token("siti@example.id").json()["token"] for _ in range(2)]
    client.force_login(person)

    response = client.post("/accounts/password/change/", {
        "oldpassword": PASSWORD, "password1": "tembakau-Na-Oogst-77", "password2": "tembakau-Na-Oogst-77"})

    assert response.status_code == 302
    assert list(ApiToken.objects.values_list("revoked_reason", flat=True)) == [Reason.PASSWORD_CHANGED] * 2
    assert [error(use(api_client, key)) for key in keys] == [(401, "authentication_failed")] * 2


def test_resetting_the_password_revokes_every_token(client, key, person, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "siti@example.id"})
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(path)["Location"]
    client.post(form_url, {"password1": "tembakau-Na-Oogst-77", "password2": "tembakau-Na-Oogst-77"})

    assert list(ApiToken.objects.values_list("revoked_reason", flat=True)) == [Reason.PASSWORD_CHANGED]


@pytest.mark.parametrize(("signal", "reason"), [
    (password_set, Reason.PASSWORD_CHANGED),
    (authenticator_removed, Reason.MFA_CHANGED),
    (authenticator_reset, Reason.MFA_CHANGED),
])
def test_allauth_signals_revoke_every_token_of_that_person_only(issue_token, make_user, key, person, signal, reason):
    make_user(email="budi@example.id")
    other = issue_token("budi@example.id").json()["id"]

    signal.send(sender=Authenticator, request=None, user=person, authenticator=None)

    assert dict(ApiToken.objects.values_list("user__email", "revoked_reason")) == {
        "siti@example.id": reason, "budi@example.id": ""}
    assert ApiToken.objects.get(pk=other).revoked_at is None


def test_deactivating_an_account_in_the_admin_revokes_its_tokens(key, person, rf):
    person.is_active = False
    model_admin = admin.site._registry[User]

    model_admin.save_model(rf.post("/admin/"), person, SimpleNamespace(changed_data=["is_active"]), change=True)

    assert list(ApiToken.objects.values_list("revoked_reason", flat=True)) == [Reason.ACCOUNT_DEACTIVATED]
    assert User.objects.get(pk=person.pk).is_active is False


class TestListAndRevokeApi:
    def test_the_list_shows_only_the_persons_live_tokens(self, api_client, issue_token, key, make_user, person):
        make_user(email="budi@example.id")
        issue_token("budi@example.id")
        revoked = api_token_create(user=person, name="Lama").token
        ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now(), revoked_reason=Reason.REVOKED)
        expired = api_token_create(user=person, name="Kedaluwarsa", now=timezone.now() - timedelta(days=40)).token

        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        body = api_client.get("/api/v1/auth/tokens/").json()

        token = ApiToken.objects.get(user=person, name="Kasir toko")
        assert expired.pk not in [item["id"] for item in body["results"]]
        assert body == {"count": 1, "next": None, "previous": None, "results": [{
            "id": token.pk, "name": "Kasir toko", "prefix": key[:10],
            "created_at": timezone.localtime(token.created_at).isoformat(),
            "expires_at": timezone.localtime(token.expires_at).isoformat(),
            "last_used_at": timezone.localtime(token.last_used_at).isoformat(), "current": True}]}

    def test_the_list_costs_the_same_queries_whatever_its_length(self, api_client, person):
        api_client.force_authenticate(person)
        api_token_create(user=person, name="Klien")
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert api_client.get("/api/v1/auth/tokens/").status_code == 200
            counts.append(len([q for q in queries if "core_cache" not in q["sql"]
                               and not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]))
            for n in range(5):
                api_token_create(user=person, name=f"Klien {n}")

        assert counts == [2, 2]  # count + page

    def test_a_person_revokes_one_token_by_its_id(self, api_client, issue_token, key, person):
        second = issue_token("siti@example.id", name="Laptop").json()
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

        assert api_client.delete(f"/api/v1/auth/tokens/{second['id']}/").status_code == 204

        assert ApiToken.objects.get(pk=second["id"]).revoked_reason == Reason.REVOKED
        assert [t["name"] for t in api_client.get("/api/v1/auth/tokens/").json()["results"]] == ["Kasir toko"]
        assert error(use(api_client, second["token"])) == (401, "authentication_failed")

    def test_nobody_revokes_another_persons_token(self, api_client, issue_token, key, make_user):
        make_user(email="budi@example.id")
        other = issue_token("budi@example.id").json()
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

        assert error(api_client.delete(f"/api/v1/auth/tokens/{other['id']}/")) == (404, "not_found")

        assert ApiToken.objects.get(pk=other["id"]).revoked_at is None
        assert use(api_client, other["token"]).status_code == 200

    def test_signing_out_revokes_the_token_in_use_only(self, api_client, issue_token, key):
        second = issue_token("siti@example.id", name="Laptop").json()["token"]
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

        assert api_client.delete("/api/v1/auth/token/").status_code == 204

        assert dict(ApiToken.objects.values_list("name", "revoked_reason")) == {
            "Kasir toko": Reason.SIGNED_OUT, "Laptop": ""}
        assert error(use(api_client, key)) == (401, "authentication_failed")
        assert use(api_client, second).status_code == 200

    def test_signing_out_needs_a_token(self, api_client, key, person):
        api_client.force_authenticate(person)

        assert error(api_client.delete("/api/v1/auth/token/")) == (400, "token_not_in_use")
        assert ApiToken.objects.get().revoked_at is None


class TestPage:
    URL = "/account/api-tokens/"

    @pytest.fixture
    def tokens(self, person, make_user):
        made_at = datetime(2026, 3, 1, 1, 30, tzinfo=UTC)  # 08:30 in Jakarta
        mine = api_token_create(user=person, name="Kasir toko", now=made_at).token
        ApiToken.objects.filter(pk=mine.pk).update(expires_at=datetime(2099, 3, 31, 1, 30, tzinfo=UTC),
                                                   last_used_at=datetime(2026, 3, 2, 17, 5, tzinfo=UTC))
        theirs = api_token_create(user=make_user(email="budi@example.id"), name="Punya Budi").token
        return mine, theirs

    def test_lists_the_persons_tokens_in_jakarta_time(self, english_pages, person, tokens):
        mine, _theirs = tokens
        english_pages.force_login(person)

        html = english_pages.get(self.URL).content.decode()

        assert "Kasir toko" in html and f"{mine.prefix}…" in html
        assert "1 Mar 2026, 08:30 WIB" in html  # created
        assert "3 Mar 2026, 00:05 WIB" in html  # last used
        assert "31 Mar 2099, 08:30 WIB" in html  # expires
        assert "Punya Budi" not in html
        assert f'action="/account/api-tokens/{mine.pk}/revoke/"' in html
        assert 'href="/account/api-tokens/"' in html  # in the account settings menu
        assert not re.search(r"<script(?![^>]*\bsrc=)|\son[a-z]+=", html)  # no inline script (CSP)

    def test_revoking_needs_a_post_with_the_csrf_token(self, person, tokens):
        mine, _theirs = tokens
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(person)
        url = f"/account/api-tokens/{mine.pk}/revoke/"

        assert browser.get(url).status_code == 405
        assert browser.post(url).status_code == 403
        assert ApiToken.objects.get(pk=mine.pk).revoked_at is None

        browser.get(self.URL)
        response = browser.post(url, {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})

        assert response["Location"] == self.URL
        assert ApiToken.objects.get(pk=mine.pk).revoked_reason == Reason.REVOKED
        assert "Kasir toko" not in browser.get(self.URL).content.decode()

    def test_another_persons_token_is_not_found(self, client, person, tokens):
        _mine, theirs = tokens
        client.force_login(person)

        assert client.post(f"/account/api-tokens/{theirs.pk}/revoke/").status_code == 404
        assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None

    def test_signed_out_visitors_are_sent_to_sign_in(self, client):
        assert client.get(self.URL)["Location"] == f"/accounts/login/?next={self.URL}"


def test_tokens_that_ended_over_a_month_ago_are_purged_nightly(make_user, settings):
    from celery import current_app

    from market.accounts.tasks import api_token_purge_task

    # given: tokens made 40 days ago (their expiry in the past), one revoked recently, one live
    person = make_user(role=Role.CONSUMER)
    long_ago = timezone.now() - timedelta(days=40)
    expired_long_ago = api_token_create(user=person, name="old", now=long_ago - timedelta(days=30)).token
    revoked_long_ago = api_token_create(user=person, name="revoked", now=long_ago).token
    ApiToken.objects.filter(pk=revoked_long_ago.pk).update(revoked_at=long_ago, revoked_reason="revoked")
    revoked_recently = api_token_create(user=person, name="recent").token
    ApiToken.objects.filter(pk=revoked_recently.pk).update(revoked_at=timezone.now(), revoked_reason="revoked")
    live = api_token_create(user=person, name="live").token

    # when
    deleted = api_token_purge_task.delay().get()

    # then
    assert deleted == 2
    assert set(ApiToken.objects.values_list("pk", flat=True)) == {revoked_recently.pk, live.pk}
    assert not ApiToken.objects.filter(pk__in=[expired_long_ago.pk, revoked_long_ago.pk]).exists()
    schedule = settings.CELERY_BEAT_SCHEDULE["accounts-purge-ended-api-tokens"]
    assert schedule["task"] == "market.accounts.tasks.api_token_purge_task"
    assert schedule["task"] in current_app.tasks
