"""The whole API fuzzed from its own OpenAPI schema (schemathesis), anonymously and as each role.

Every operation of ``/api/schema/`` gets generated requests (valid ones and ones the schema says are
invalid), each sent anonymously and with the API token of a consumer, a buyer organisation's owner,
a producer's owner, an investor and an officer with two-factor authentication; every answer must be
no 500, have a status the schema documents, and a body that conforms to it. The number of
examples per operation is bounded (``SCHEMATHESIS_MAX_EXAMPLES``, 4 by default) so that CI stays
within a few minutes; the figures are printed at the end of the run (section "reliability").
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.reliability.report import fuzz_record

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "4"))
ROLES = ("anonymous", "consumer", "buyer", "producer", "investor", "officer")


def _raw_schema() -> dict:
    import django

    django.setup()
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _app():
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


schema = schemathesis.openapi.from_dict(_raw_schema())
schema.app = _app()


@pytest.fixture(autouse=True)
def _one_connection():
    """Keep the test's database connection through each request (as Django's test client does): the WSGI
    handler would close it at the end of each request, and with it the test's transaction."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, totp_for):
    """An API token for each role (the officer has a second factor, as officers must)."""
    from market.accounts.models import Role
    from market.accounts.services import api_token_create
    from tests.catalog.factories import owner_of
    from tests.factories import OfficerFactory, UserFactory
    from tests.orders.factories import buyer_organisation, consumer, verified_producer

    officer = OfficerFactory()
    totp_for(officer)
    users = {"consumer": consumer()[0], "buyer": buyer_organisation()[1], "producer": owner_of(verified_producer()),
             "investor": UserFactory(role=Role.INVESTOR), "officer": officer}
    return {role: api_token_create(user=user).key for role, user in users.items()}


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_no_500_and_every_answer_as_documented(case, tokens, request):
    for role in ROLES:
        headers = {"Accept-Language": "en"}
        if role != "anonymous":
            headers["Authorization"] = f"Token {tokens[role]}"
        case.call_and_validate(headers=headers)
        fuzz_record(request.node, requests=1)
