import pytest

from tests.factories import PASSWORD

# allauth's default for failed sign-ins, written out so that these tests do not depend on the
# environment (ACCOUNT_RATE_LIMITS_ENABLED=0 switches allauth's limits off).
LOGIN_FAILED = "10/m/ip,5/5m/key"


@pytest.fixture
def lockout(settings):
    """allauth's failed sign-in limits on, as in production: 10 a minute per address, 5 in 5 minutes per email."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": LOGIN_FAILED}


@pytest.fixture
def issue_token(api_client):
    """Request a token from the API the way a client does; return the response."""

    def issue(email: str, password: str = PASSWORD, **extra):
        return api_client.post("/api/v1/auth/token/", {"email": email, "password": password, **extra}, format="json")

    return issue
