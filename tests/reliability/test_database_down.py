"""The database stops answering: requests fail cleanly (503 in the person's language, JSON on the API,
``Retry-After``) and succeed again once it is back, without restarting the app.

The connection of this process is pointed at a closed port and closed, which is what a restart of
PostgreSQL looks like to the next query. Before: a 500 error page.
"""
import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_down():
    saved = connection.settings_dict["PORT"], connection.settings_dict["HOST"]

    def stop():
        connection.close()
        connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", "1"

    def start():
        connection.close()
        connection.settings_dict["PORT"], connection.settings_dict["HOST"] = saved

    yield stop, start
    start()


@pytest.mark.parametrize(("language", "heading"), [
    ("id", "Marketplace sedang tidak tersedia sebentar"),
    ("en", "The marketplace is briefly unavailable"),
])
def test_a_page_answers_503_in_the_persons_language_and_works_again_after(client, database_down, language, heading):
    stop, start = database_down
    client.raise_request_exception = False
    client.cookies["ki_language"] = language
    assert client.get("/products/").status_code == 200

    stop()
    response = client.get("/products/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert heading in response.content.decode()
    assert f'<html lang="{language}">' in response.content.decode()

    start()
    assert client.get("/products/").status_code == 200


def test_the_api_answers_503_json_while_the_database_is_down(client, database_down):
    stop, start = database_down
    client.raise_request_exception = False

    stop()
    response = client.get("/api/v1/products/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["code"] == "service_unavailable"

    start()
    assert client.get("/api/v1/products/").status_code == 200
