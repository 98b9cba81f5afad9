"""Links in emails point at SITE_URL, whatever Host header the request that caused them carried.

Otherwise an attacker asks for a password reset of someone else's account with ``Host: evil.example``
and the victim receives a genuine reset link to the attacker's server.
"""
import re

import pytest
from django.core import mail

from market.accounts.adapter import site_link
from tests.factories import PASSWORD
from tests.market.test_settings import PROD_ENV, SHOW, run_python

pytestmark = pytest.mark.django_db

SITE = "https://kampung-industri.example.id"
EVIL = "evil.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, EVIL]  # even a host the site answers to
    settings.LANGUAGE_CODE = "en"


def sent(client, django_capture_on_commit_callbacks, url, data):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, HTTP_HOST=EVIL)
    assert response.status_code == 302, response.content
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    bodies = [message.body, *(content for content, _mimetype in getattr(message, "alternatives", []))]
    assert not [body for body in bodies if EVIL in body]
    return message.body


def links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_password_reset_link(client, make_user, django_capture_on_commit_callbacks):
    make_user(email="ani@example.id")

    body = sent(client, django_capture_on_commit_callbacks, "/accounts/password/reset/", {"email": "ani@example.id"})

    [link] = links(body)
    assert re.fullmatch(re.escape(SITE) + r"/accounts/password/reset/key/[0-9a-z]+-[0-9a-z-]+/", link)
    assert body.startswith("Hello from Kampung Industri!")
    assert body.rstrip().endswith("Thank you for using Kampung Industri!\nkampung-industri.example.id")


def test_reset_link_still_resets_the_password(client, make_user, django_capture_on_commit_callbacks):
    user = make_user(email="ani@example.id")
    body = sent(client, django_capture_on_commit_callbacks, "/accounts/password/reset/", {"email": "ani@example.id"})

    path = links(body)[0].removeprefix(SITE)
    form_url = client.get(path)["Location"]
    response = client.post(form_url, {"password1": "tembakau-Na-Oogst-77", "password2": "tembakau-Na-Oogst-77"})

    assert response["Location"] == "/accounts/password/reset/key/done/"
    user.refresh_from_db()
    assert user.check_password("tembakau-Na-Oogst-77")


def test_unknown_account_mail_links_to_sign_up_on_the_site(client, django_capture_on_commit_callbacks):
    body = sent(client, django_capture_on_commit_callbacks, "/accounts/password/reset/", {"email": "nobody@example.id"})

    assert links(body) == [f"{SITE}/accounts/signup/"]


def test_email_confirmation_link(client, django_capture_on_commit_callbacks):
    body = sent(client, django_capture_on_commit_callbacks, "/accounts/signup/", {
        "full_name": "Siti Aminah", "email": "siti@example.id", "role": "consumer",
        "password1": PASSWORD, "password2": PASSWORD})

    [link] = links(body)
    assert re.fullmatch(re.escape(SITE) + r"/accounts/confirm-email/[^/\s]+/", link)


def test_account_already_exists_mail(client, make_user, django_capture_on_commit_callbacks):
    make_user(email="siti@example.id")

    body = sent(client, django_capture_on_commit_callbacks, "/accounts/signup/", {
        "full_name": "Siti Aminah", "email": "siti@example.id", "role": "consumer",
        "password1": PASSWORD, "password2": PASSWORD})

    assert links(body) == [f"{SITE}/accounts/password/reset/"]


@pytest.mark.parametrize(("url", "expected"), [
    ("http://evil.example/accounts/signup/?next=/x#top", f"{SITE}/accounts/signup/?next=/x#top"),
    ("https://EVIL.example/a/", f"{SITE}/a/"),
    ("https://other.example/a/", "https://other.example/a/"),  # not built from the request: left alone
    ("/accounts/signup/", "/accounts/signup/"),
    ("mailto:evil.example", "mailto:evil.example"),
])
def test_only_links_on_the_request_host_move_to_the_site(url, expected):
    assert site_link(url, request_host=EVIL) == expected


@pytest.mark.parametrize(("site_url", "error"), [
    (None, "SITE_URL must be set"),
    ("http://kampung-industri.example.id", "SITE_URL must be the site's https:// address"),
])
def test_production_refuses_to_start_without_an_https_site_url(site_url, error):
    env = {k: v for k, v in PROD_ENV.items() if k != "SITE_URL"}
    if site_url:
        env["SITE_URL"] = site_url

    result = run_python(SHOW, "market.settings.production", env)

    assert result.returncode != 0
    assert error in result.stderr
