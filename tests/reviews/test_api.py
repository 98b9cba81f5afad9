"""Reviews API: a product's reviews (public, paginated, with its average and units sold) and writing one."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from orders.states import Party
from reviews.models import Review
from reviews.services import review_moderate, review_write
from tests.orders.factories import OfficerFactory, placed_order
from tests.reviews.helpers import another_delivered_line, delivered_order, jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_anyone_lists_a_products_visible_reviews_with_its_average(api):
    order, line, product, people = delivered_order(quantity=2)
    first = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=4, text="Enak")
    other_line, other = another_delivered_line(product)
    hidden = review_write(order_line_id=other_line.pk, author=other, rating=1, text="Kasar")
    review_moderate(review=hidden, officer=OfficerFactory(), action="hide", reason="Kasar")

    response = api.get(f"/api/v1/products/{product.pk}/reviews/")

    assert response.status_code == 200
    data = response.json()
    assert (data["count"], data["average"], data["sold"]) == (1, 4.0, 3)
    assert [(r["id"], r["rating"], r["text"], r["verified_purchase"], r["photos"], r["reply"])
            for r in data["results"]] == [(first.pk, 4, "Enak", True, [], "")]
    assert "author" in data["results"][0] and "email" not in str(data)


def test_a_product_not_on_sale_has_no_reviews_answer(api):
    assert api.get("/api/v1/products/999999/reviews/").status_code == 404


def test_the_buyer_writes_a_review_with_a_photo(api):
    order, line, product, people = delivered_order()
    api.force_authenticate(people[Party.BUYER])

    response = api.post("/api/v1/reviews/", {"order_line": line.pk, "rating": 5, "text": "Mantap",
                                             "photos": [jpeg()]}, format="multipart")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["order_line"], body["rating"], body["status"], len(body["photos"])) == (line.pk, 5, "visible", 1)
    assert api.get("/api/v1/reviews/").json()["count"] == 1


def test_writing_answers_errors_in_the_common_format_and_changes_nothing(api):
    order, line, product, people = delivered_order()
    placed, _, placed_people = placed_order()

    api.force_authenticate(people["stranger"])
    not_mine = api.post("/api/v1/reviews/", {"order_line": line.pk, "rating": 5}, format="json")
    api.force_authenticate(people[Party.BUYER])
    bad_stars = api.post("/api/v1/reviews/", {"order_line": line.pk, "rating": 6}, format="json")
    api.force_authenticate(placed_people[Party.BUYER])
    not_delivered = api.post("/api/v1/reviews/", {"order_line": placed.lines.get().pk, "rating": 5}, format="json")
    api.force_authenticate(people[Party.BUYER])
    api.post("/api/v1/reviews/", {"order_line": line.pk, "rating": 5}, format="json")
    twice = api.post("/api/v1/reviews/", {"order_line": line.pk, "rating": 4}, format="json")

    assert (not_mine.status_code, not_mine.json()["code"]) == (404, "review_line_not_found")
    assert bad_stars.status_code == 400 and "rating" in bad_stars.json()["fields"]
    assert (not_delivered.status_code, not_delivered.json()["code"]) == (409, "review_not_delivered")
    assert (twice.status_code, twice.json()["code"]) == (409, "review_exists")
    assert list(Review.objects.values_list("rating", flat=True)) == [5]


def test_anonymous_people_cannot_write(api):
    order, line, product, people = delivered_order()

    response = api.post("/api/v1/reviews/", {"order_line": line.pk, "rating": 5}, format="json")

    assert response.status_code in (401, 403) and Review.objects.count() == 0


def test_the_product_reviews_list_costs_the_same_queries_for_1_or_6_reviews(api, django_assert_num_queries):
    order, line, product, people = delivered_order()
    review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=4, photos=[jpeg()])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        api.get(f"/api/v1/products/{product.pk}/reviews/")
    for _ in range(5):
        other_line, other = another_delivered_line(product)
        review_write(order_line_id=other_line.pk, author=other, rating=5, photos=[jpeg()])

    with django_assert_num_queries(len(few.captured_queries)):
        response = api.get(f"/api/v1/products/{product.pk}/reviews/")

    assert response.json()["count"] == 6


def test_the_schema_documents_both_operations(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()

    assert "get" in schema["paths"]["/api/v1/products/{id}/reviews/"]
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/reviews/"])
