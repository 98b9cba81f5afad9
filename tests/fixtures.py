import time

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from rest_framework.test import APIClient

from market.accounts.models import Role
from tests.factories import OfficerFactory, UserFactory


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def make_user(db):
    def make(role=Role.CONSUMER, **kwargs):
        factory = OfficerFactory if role == Role.OFFICER else UserFactory
        return factory(role=role, **kwargs)

    return make


@pytest.fixture
def totp_for():
    """Activate TOTP for a user and return a function that gives a currently valid code."""

    def activate(user):
        secret = generate_totp_secret()
        TOTP.activate(user, secret)

        def code() -> str:
            counter = next(iter(yield_hotp_counters_from_time()))
            return format_hotp_value(hotp_value(secret, counter))

        return code

    return activate


def force_login_mfa(client, user) -> None:
    """Sign ``user`` in as allauth does after a password and a TOTP code (officers need both).

    ``client.force_login`` alone makes a session that never passed the second factor, which
    officer pages refuse; tests of that refusal use it on purpose.
    """
    client.force_login(user)
    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [{"method": "password", "at": now, "email": user.email},
                                                 {"method": "mfa", "at": now, "type": "totp"}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
