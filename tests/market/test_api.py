"""The API's one error format, pagination, throttling, schema and docs."""
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from market.regions.services import region_import_file

pytestmark = pytest.mark.django_db


def assert_error(response, status, code, fields=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    if fields is not None:
        assert body["fields"] == fields
    return body


def test_validation_errors_name_each_field(api_client):
    response = api_client.post("/api/v1/auth/token/", {"email": "not-an-email"}, format="json")

    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {"email", "password"}
    assert body["fields"]["password"] == ["Kolom ini wajib diisi."]


def test_error_messages_follow_the_language(api_client):
    response = api_client.post("/api/v1/auth/token/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    body = assert_error(response, 400, "invalid")
    assert body["message"] == "The data you sent is not valid."
    assert body["fields"]["email"] == ["This field is required."]


def test_application_errors_keep_their_code(api_client, make_user):
    make_user(email="siti@example.id")

    response = api_client.post("/api/v1/auth/token/", {"email": "siti@example.id", "password": "wrong-password"},
                               format="json")

    assert_error(response, 401, "invalid_credentials", {})


def test_unauthenticated_requests_get_not_authenticated(api_client):
    assert_error(api_client.get("/api/v1/me/"), 401, "not_authenticated", {})


def test_unknown_api_urls_answer_in_json(api_client):
    assert_error(api_client.get("/api/v1/no-such-thing/"), 404, "not_found", {})


def test_token_then_me_with_token_authentication(api_client, make_user):
    user = make_user(email="budi@example.id")
    response = api_client.post("/api/v1/auth/token/", {"email": "BUDI@example.id", "password": "kopi-robusta-Silo-2026"},
                               format="json")
    assert response.status_code == 201
    token = response.json()["token"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/")

    assert me.status_code == 200
    assert me.json() == {"id": user.pk, "email": "budi@example.id", "full_name": user.full_name, "phone": "",
                         "role": "consumer", "language": "id", "memberships": []}
    assert api_client.delete("/api/v1/auth/token/").status_code == 204
    assert_error(api_client.get("/api/v1/me/"), 401, "authentication_failed")


def test_token_endpoint_is_throttled(api_client, settings):
    cache.clear()
    # A new address each time: one address's failures lock it after 5 (tests/accounts/test_lockout.py).
    statuses = [api_client.post("/api/v1/auth/token/", {"email": f"nobody{n}@example.id", "password": "whatever-pw"},
                                format="json").status_code for n in range(11)]

    assert statuses == [401] * 10 + [429]
    response = api_client.post("/api/v1/auth/token/", {"email": "nobody@example.id", "password": "whatever-pw"},
                               format="json")
    assert_error(response, 429, "throttled", {})
    assert int(response["Retry-After"]) > 0


def test_lists_are_paginated_with_a_fixed_number_of_queries(api_client):
    region_import_file()
    counts = {}
    for page_size in (5, 100):
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get("/api/v1/regions/villages/", {"regency": "35.09", "page_size": page_size})
        assert response.status_code == 200
        # Throttling reads the cache, which is the database in tests (Redis in production).
        counts[page_size] = len([q for q in queries if "core_cache" not in q["sql"]
                                 and not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])
    body = response.json()

    assert counts[5] == counts[100] == 2  # count + page
    assert body["count"] == 248
    assert len(body["results"]) == 100

    response = api_client.get("/api/v1/regions/villages/", {"district": "35.09.01"})
    body = response.json()
    assert body["count"] == 6
    assert [v["name"] for v in body["results"]][:3] == ["Padomasan", "Keting", "Jombang"]
    assert body["results"][0] == {"code": "35.09.01.2001", "name": "Padomasan", "kind": "desa",
                                  "district_code": "35.09.01", "district_name": "Jombang"}


def test_openapi_schema_and_local_docs(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert "/api/v1/regions/villages/" in schema.json()["paths"]
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
