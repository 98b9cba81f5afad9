"""The whole API fuzzed from its own OpenAPI schema (schemathesis), anonymously and as each role.

Every operation of ``/api/schema/`` gets generated requests, valid ones and ones the schema says are
invalid, each sent anonymously and with the API token of a consumer, a buyer organisation's owner,
a producer's owner, an investor and an officer with two-factor authentication. Every answer must be
no 500, have a status the schema documents and a body that conforms to it; a request the schema
declares invalid must be refused. The examples per operation and mode are bounded
(``SCHEMATHESIS_MAX_EXAMPLES``, 2 by default) so that CI stays within a few minutes; all operations
run in one test (one set of people, one transaction) and every failure is listed, not only the
first. The figures are printed at the end of the run (section "reliability").
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.reliability.report import fuzz_record

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "2"))
# Valid requests the services still refuse (a village code that does not exist, a phone number of
# letters) are not failures: the schema cannot say which villages exist. Everything else is checked.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]
ROLES = ("anonymous", "consumer", "buyer", "producer", "investor", "officer")


def _schema():
    from django.core.wsgi import get_wsgi_application
    from drf_spectacular.generators import SchemaGenerator

    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = get_wsgi_application()
    return loaded


@pytest.fixture
def one_connection():
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


@pytest.mark.django_db
def test_no_500_and_every_answer_as_documented(tokens, one_connection, request):
    schema = _schema()
    failures: list[str] = []
    figures = {"operations": 0, "operations without invalid requests": 0, "cases": 0, "requests": 0}

    def check(case, mode: str) -> None:
        figures["cases"] += 1
        for role in ROLES:
            headers = {"Accept-Language": "en"}
            if role != "anonymous":
                headers["Authorization"] = f"Token {tokens[role]}"
            figures["requests"] += 1
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as failure:  # schemathesis' FailureGroup, or a crash
                lines = [line.strip() for line in str(failure).strip().splitlines() if line.strip()]
                failures.append(f"{case.operation.label} ({mode}) as {role}: {' / '.join(lines[:8])}")

    for result in schema.get_all_operations():
        operation = result.ok()
        figures["operations"] += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)
            try:
                settings_for(given(case=strategy)(_bound(check, str(mode))))()
            except Unsatisfiable:  # nothing to make invalid (an operation without parameters or body)
                figures["operations without invalid requests"] += 1

    fuzz_record(request.node, **figures, failures=len(failures))
    assert not failures, "\n".join(failures[:60])


def settings_for(test):
    return settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])(test)


def _bound(check, mode: str):
    def run(case) -> None:
        check(case, mode)

    return run


# --- what the fuzzing found, fixed (each also found again by the run above if it came back) ---------


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["page_size=null", "page_size=5&page_size=5", "page_size=0", "page=abc", "page=1&page=2",
                                   "page_size=%D9%A3"])
def test_a_page_or_page_size_that_is_not_one_whole_number_is_refused(client, query, request):
    response = client.get(f"/api/v1/products/?{query}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    fuzz_record(request.node, **{"failures found and fixed, replayed": 1})


def test_every_operation_documents_its_error_answers():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    operations = [(path, method, operation) for path, item in paths.items() for method, operation in item.items()
                  if method in ("get", "post", "put", "patch", "delete")]

    for path, method, operation in operations:
        codes = set(operation["responses"])
        assert {"400", "401", "429", "503"} <= codes, (method, path)
        assert "404" in codes or ("{" not in path and method == "get"), (method, path)
        assert "409" in codes or method == "get", (method, path)
        assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"}
    assert "403" not in paths["/api/v1/products/"]["get"]["responses"]  # a public read
    assert "403" in paths["/api/v1/checkout/"]["post"]["responses"]
