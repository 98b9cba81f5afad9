"""A NUL byte or another control character in a URL is answered 404 or 400, never 500.

Before, ``GET /villages/%00/`` reached a lookup, PostgreSQL refused the NUL and the site
answered 500 (with DEBUG on, a debug page with the database settings).
"""
import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet_client(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("path", [
    "/villages/%00/", "/villages/%00", "/villages/35.09%00/", "/products/%00/", "/producers/%00/",
    "/villages/%0a/", "/search/%1f", "/%7f/",
])
def test_a_control_character_in_a_page_path_is_not_found(quiet_client, path):
    response = quiet_client.get(path)

    assert response.status_code == 404
    assert "<html" in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/villages/%00/", "/api/v1/products/%00/"])
def test_a_control_character_in_an_api_path_is_the_apis_not_found(quiet_client, path):
    response = quiet_client.get(path)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("path", [
    "/search/?q=%00", "/search/?q=kopi%00", "/products/?q=%00", "/villages/?district=%00",
    "/products/?category=%00", "/products/?page=%00", "/accounts/login/?next=%00", "/search/?%00=1",
])
def test_a_nul_byte_in_a_page_query_is_a_bad_request(quiet_client, path):
    response = quiet_client.get(path)

    assert response.status_code == 400


@pytest.mark.parametrize("path", [
    "/api/v1/products/?search=%00", "/api/v1/search/products/?q=%00", "/api/v1/products/?ordering=%00",
    "/api/v1/regions/villages/?q=%00",
])
def test_a_nul_byte_in_an_api_query_is_a_json_bad_request(quiet_client, path):
    response = quiet_client.get(path)

    assert response.status_code == 400
    assert response.json() == {"code": "bad_request",
                               "message": "Alamat berisi karakter yang tidak diizinkan.", "fields": {}}


def test_a_body_over_the_upload_limit_under_the_api_is_a_json_error(quiet_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{i}=1" for i in range(20))

    response = quiet_client.post("/api/v1/auth/token/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert response.json()["code"] == "request_too_large"


@pytest.mark.parametrize("path", ["/search/?q=tab%09kopi", "/search/?q=caf%C3%A9", "/villages/?district=35.09.01"])
def test_ordinary_queries_still_work(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/cart/lines/", "/api/v1/checkout/"])
def test_deeply_nested_json_is_a_bad_request_not_a_crash(quiet_client, path, caplog):
    body = "[" * 100_000 + "]" * 100_000

    with caplog.at_level("ERROR"):
        response = quiet_client.post(path, body, content_type="application/json")

    assert response.status_code in (400, 401, 403)  # 401/403: checked before the body is read
    if response.status_code == 400:
        assert response.json()["code"] == "parse_error"
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []


def test_deeply_nested_json_to_a_public_endpoint_is_a_parse_error(quiet_client):
    response = quiet_client.post("/api/v1/auth/token/", "[" * 5000, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"code": "parse_error", "message": "JSON bersarang terlalu dalam.", "fields": {}}
