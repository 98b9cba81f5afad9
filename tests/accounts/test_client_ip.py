"""The client's address comes from X-Forwarded-For only through the proxies we run (TRUSTED_PROXY_COUNT).

Otherwise a client that sends a new X-Forwarded-For with each request escapes every limit counted
per address: DRF's throttles and allauth's failed sign-in limit.
"""
import pytest
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

from tests.market.test_settings import run_python

pytestmark = pytest.mark.django_db

VILLAGES = "/api/v1/regions/villages/"


@pytest.fixture
def anon_rate(monkeypatch):
    """A small anonymous rate, whatever API_THROTTLE_ANON says (DRF reads its rates once, at import)."""
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)


@pytest.fixture
def token_scope_lifted(monkeypatch):
    """Take DRF's throttle of the token endpoint out of the way, to see allauth's limit alone."""
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "token", "1000/minute")


@pytest.fixture
def one_trusted_proxy(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def failed_token_requests(api_client, forwarded_for, count):
    return [
        api_client.post("/api/v1/auth/token/", {"email": f"nobody{n}@example.id", "password": "salah-sandi-2026"},
                        format="json", HTTP_X_FORWARDED_FOR=forwarded_for(n)).json()["code"]
        for n in range(count)
    ]


def test_without_trusted_proxies_a_new_forwarded_for_does_not_escape_the_anonymous_throttle(api_client, anon_rate):
    statuses = [api_client.get(VILLAGES, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_without_trusted_proxies_a_new_forwarded_for_does_not_escape_the_token_throttle(api_client, settings):
    settings.ACCOUNT_RATE_LIMITS = False  # DRF's throttle alone

    codes = failed_token_requests(api_client, lambda n: f"198.51.100.{n}", 11)

    assert codes == ["invalid_credentials"] * 10 + ["throttled"]


def test_without_trusted_proxies_a_new_forwarded_for_does_not_escape_the_sign_in_limit(
        api_client, lockout, token_scope_lifted):
    codes = failed_token_requests(api_client, lambda n: f"198.51.100.{n}", 11)

    assert codes == ["invalid_credentials"] * 10 + ["too_many_login_attempts"]


def test_behind_one_proxy_the_address_it_appended_is_the_client(api_client, anon_rate, one_trusted_proxy):
    # The client writes what it likes; our proxy appends the address it saw.
    spoofed = [api_client.get(VILLAGES, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7").status_code
               for n in range(4)]
    other_client = api_client.get(VILLAGES, HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.8").status_code

    assert spoofed == [200, 200, 200, 429]
    assert other_client == 200


def test_behind_one_proxy_the_sign_in_limit_counts_the_appended_address(
        api_client, lockout, token_scope_lifted, one_trusted_proxy):
    codes = failed_token_requests(api_client, lambda n: f"10.0.0.{n}, 203.0.113.7", 11)
    other_client = failed_token_requests(api_client, lambda n: "10.0.0.1, 203.0.113.8", 1)

    assert codes == ["invalid_credentials"] * 10 + ["too_many_login_attempts"]
    assert other_client == ["invalid_credentials"]


@pytest.mark.parametrize(("env", "expected"), [({}, "0 0"), ({"TRUSTED_PROXY_COUNT": "2"}, "2 2")])
def test_trusted_proxy_count_sets_drf_and_allauth(env, expected):
    result = run_python("import django; django.setup(); from django.conf import settings as s; "
                        "print(s.REST_FRAMEWORK['NUM_PROXIES'], s.ALLAUTH_TRUSTED_PROXY_COUNT)",
                        "market.settings.test", env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
