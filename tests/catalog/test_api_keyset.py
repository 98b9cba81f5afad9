"""Reading the whole public catalogue through the API: keyset pages from ``?after=`` (issue 14).

``next`` continues after the last row's (name, id): every page costs what the first does, no row is
skipped or repeated when names repeat, no OFFSET is ever sent, and a cursor that is not one is a 400
in the API's error format.
"""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.catalog.factories import ProducerFactory
from tests.catalog.test_api import client_fixture, listed, officer_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(officer):
    producer = ProducerFactory()
    # Names repeat, so that pages must break ties by id.
    names = ["Kopi", "Kopi", "Kopi", "Madu", "Batik", "Keripik", "Kopi", "Tas bambu"]
    return [listed(officer, producer=producer, name=name) for name in names]


def _walk(client, page_size: int) -> tuple[list[int], list[list[str]]]:
    ids, statements = [], []
    url = f"/api/v1/products/?after=&page_size={page_size}"
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["count"] is None and body["previous"] is None
        ids += [row["id"] for row in body["results"]]
        statements.append([q["sql"] for q in queries.captured_queries if "core_cache" not in q["sql"]
                           and "SAVEPOINT" not in q["sql"]])
        url = body["next"]
    return ids, statements


@pytest.mark.parametrize("page_size", [1, 3, 8, 100])
def test_following_next_reads_every_product_once_in_the_catalogue_order(client, catalogue, page_size):
    expected = [p.pk for p in sorted(catalogue, key=lambda p: (p.name, p.pk))]

    ids, statements = _walk(client, page_size)

    assert ids == expected
    assert all(len(page) == 1 for page in statements)  # one query a page, no count
    assert not any("OFFSET" in sql for page in statements for sql in page)


def test_a_deep_page_asks_the_index_for_rows_after_a_key(client, catalogue):
    _ids, statements = _walk(client, 2)

    last = statements[-1][0]
    assert '"catalog_product"."name" >=' in last and "LIMIT 3" in last


@pytest.mark.parametrize("cursor", ["nonsense!", "W10", "WyJLb3BpIl0", "WyJLb3BpIiwidHJ1ZSJd", "e30"])
def test_a_cursor_that_is_not_a_position_is_a_clear_400(client, catalogue, cursor):
    response = client.get("/api/v1/products/", {"after": cursor})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "after" in body["fields"]


def test_page_numbers_still_work_beside_the_keyset(client, catalogue):
    body = client.get("/api/v1/products/", {"page_size": 3, "page": 2}).json()

    assert body["count"] == 8 and body["count_is_exact"] is True and len(body["results"]) == 3


def test_two_positions_are_a_400(client, catalogue):
    response = client.get("/api/v1/products/?after=&after=")

    assert response.status_code == 400 and "after" in response.json()["fields"]
