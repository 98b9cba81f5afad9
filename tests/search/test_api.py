"""The search API: /api/v1/search/products, /villages and /suggest."""
from __future__ import annotations

import pytest

from catalog.models import Product
from catalog.services import product_delist
from market.accounts.models import Role
from search.backends import backend_reset
from search.backends.database import Database
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/search/products"
VILLAGES = "/api/v1/search/villages"
SUGGEST = "/api/v1/search/suggest"


@pytest.fixture
def indexed(catalogue):
    Database().rebuild()
    return catalogue


def get(client, url, **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["results"]]


def test_a_product_result_for_a_consumer(api_client, indexed):
    madu = indexed.products["madu"]

    response = get(api_client, PRODUCTS, q="madu hutan")

    assert response.status_code == 200
    body = response.json()
    assert body["results"] == [{
        "id": madu.pk, "name": "Wild forest honey 500 g", "price": 85_000, "audience": "consumer", "price_tiers": [],
        "unit": "pack", "min_order_qty": 1, "photo": None,
        "village": {"code": "35.09.14.2005", "name": "Suci"}, "district": {"code": "35.09.14", "name": "Panti"},
        "retail_ready": True, "in_stock": True,
    }]
    assert (body["total"], body["total_is_exact"], body["did_you_mean"], body["next"], body["previous"]) == (
        1, True, None, None, None)
    assert body["facets"]["district"] == [{"value": "35.09.14", "label": "Panti", "count": 1}]


def test_names_follow_the_language(api_client, indexed):
    response = api_client.get(PRODUCTS, {"q": "madu hutan"}, HTTP_ACCEPT_LANGUAGE="id")

    assert names(response) == ["Madu Hutan Argopuro 500 g"]


def test_buyers_see_the_lowest_wholesale_tier_and_the_tiers(api_client, indexed):
    api_client.force_authenticate(UserFactory(role=Role.BUYER))

    response = get(api_client, PRODUCTS, q="robusta ground")

    first = response.json()["results"][0]
    assert (first["name"], first["price"], first["audience"]) == ("Ground robusta coffee 250 g", 27_000, "buyer")
    assert first["price_tiers"] == [{"min_quantity": 10, "unit_price": 30_000},
                                    {"min_quantity": 50, "unit_price": 27_000}]


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.INVESTOR, Role.PRODUCER])
def test_everyone_else_sees_retail_prices(api_client, indexed, role):
    api_client.force_authenticate(UserFactory(role=role))

    first = get(api_client, PRODUCTS, q="robusta ground").json()["results"][0]

    assert (first["price"], first["audience"], first["price_tiers"]) == (35_000, "consumer", [])


def test_the_photo_is_the_thumbnail_of_the_approved_version(api_client, indexed):
    madu = indexed.products["madu"]
    snapshot = dict(madu.approved_snapshot, photos=[{
        "image": "products/2026/06/madu.jpg", "alt": "Botol madu", "width": 1200, "height": 900,
        "thumbnails": {"160": "products/2026/06/madu-160.webp", "480": "products/2026/06/madu-480.webp"}}])
    Product.objects.filter(pk=madu.pk).update(approved_snapshot=snapshot)

    first = get(api_client, PRODUCTS, q="madu").json()["results"][0]

    assert first["photo"] == "http://testserver/media/products/2026/06/madu-480.webp"


def test_filters_sorts_and_repeated_certifications(api_client, indexed):
    response = api_client.get(
        f"{PRODUCTS}?certification=halal&certification=pirt&sort=price_asc&in_stock=true&category=makanan-minuman",
        HTTP_ACCEPT_LANGUAGE="en")

    assert names(response) == ["Chocolate banana chips 150 g", "Robusta coffee drip bags (10)",
                               "Ground robusta coffee 250 g", "Wild forest honey 500 g", "Civet coffee 100 g"]


def test_price_range_and_minimum_order(api_client, indexed):
    response = get(api_client, PRODUCTS, price_min=30_000, price_max=90_000, max_moq=1, sort="price_desc")

    assert names(response) == ["Wild forest honey 500 g", "Batik mobile phone pouch", "Ground robusta coffee 250 g"]


def test_did_you_mean(api_client, indexed):
    body = get(api_client, PRODUCTS, q="kopu").json()

    assert (body["did_you_mean"], body["total"]) == ("kopi", 4)


def test_pages_link_to_each_other(api_client, indexed):
    first = get(api_client, PRODUCTS, sort="price_asc", page_size=5).json()
    second = get(api_client, PRODUCTS, sort="price_asc", page_size=5, page=2).json()
    third = get(api_client, PRODUCTS, sort="price_asc", page_size=5, page=3).json()

    assert first["next"] == "http://testserver/api/v1/search/products?page=2&page_size=5&sort=price_asc"
    assert first["previous"] is None
    assert second["previous"] == "http://testserver/api/v1/search/products?page_size=5&sort=price_asc"
    assert second["next"] == "http://testserver/api/v1/search/products?page=3&page_size=5&sort=price_asc"
    assert (len(third["results"]), third["next"]) == (2, None)
    assert [r["id"] for r in first["results"] + second["results"] + third["results"]] == [
        p.pk for p in sorted(indexed.products.values(), key=lambda p: (p.retail_price, p.pk))]


@pytest.mark.parametrize(("params", "field"), [
    ({"page_size": 51}, "page_size"),
    ({"page_size": 0}, "page_size"),
    ({"page": 51, "page_size": 20}, "page"),  # result 1,001 and beyond
    ({"page": 0}, "page"),
    ({"certification": "organik"}, "certification.0"),
    ({"retail_ready": "maybe"}, "retail_ready"),
    ({"sort": "cheapest"}, "sort"),
    ({"price_min": 50_000, "price_max": 10_000}, "price_max"),
    ({"price_min": -1}, "price_min"),
    ({"max_moq": 0}, "max_moq"),
    ({"district": "Silo"}, "district"),
    ({"q": "k" * 201}, "q"),
])
def test_bad_parameters_get_the_error_format(api_client, indexed, params, field):
    response = get(api_client, PRODUCTS, **params)

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["message"]) == ("invalid", "The data you sent is not valid.")
    assert list(body["fields"]) == [field]


def test_a_product_withdrawn_since_indexing_is_never_shown(api_client, indexed):
    luwak = indexed.products["luwak"]
    product_delist(product=luwak, officer=indexed.officer, reasons=["other"], note="Audit")  # not yet re-indexed

    response = get(api_client, PRODUCTS, q="kopi luwak")

    assert response.json()["results"] == []


def test_the_number_of_queries_does_not_grow_with_the_page(api_client, indexed, django_assert_num_queries):
    get(api_client, PRODUCTS, q="kopi")  # warm the synonym cache

    # The throttle's cache (6 queries with the database cache), then: search with facets and their
    # labels (its own transaction: 3 more), the page's products with their retail readiness; with text
    # also the synonym cache and the analysis.
    with django_assert_num_queries(11):
        assert len(get(api_client, PRODUCTS, page_size=2).json()["results"]) == 2
    with django_assert_num_queries(11):
        assert len(get(api_client, PRODUCTS, page_size=12).json()["results"]) == 12
    with django_assert_num_queries(13):
        assert len(get(api_client, PRODUCTS, q="kopi", page_size=1).json()["results"]) == 1
    with django_assert_num_queries(13):
        assert len(get(api_client, PRODUCTS, q="kopi", page_size=4).json()["results"]) == 4


def test_search_unavailable(api_client, indexed, settings):
    settings.SEARCH_BACKEND = "tests.search.test_api.BrokenBackend"
    backend_reset()

    response = get(api_client, PRODUCTS, q="kopi")

    assert response.status_code == 503
    assert response.json() == {"code": "search_unavailable",
                               "message": "Search is unavailable at the moment. Please try again in a minute.",
                               "fields": {}}
    assert get(api_client, SUGGEST, q="kopi").json() == {"suggestions": []}


class BrokenBackend(Database):
    def _fail(self, *args, **kwargs):
        from search.backends.base import SearchUnavailable

        raise SearchUnavailable("down")

    search_products = search_villages = suggest = _fail


# --- villages -------------------------------------------------------------------------------


def test_village_search(api_client, indexed):
    response = get(api_client, VILLAGES, q="kopi", stage="socialisation")

    assert response.status_code == 200
    body = response.json()
    assert body["results"] == [{
        "code": "35.09.31.2006", "name": "Sumberjambe", "district": {"code": "35.09.31", "name": "Sumberjambe"},
        "stage": "socialisation", "stage_label": "Socialisation", "flagship_commodity": "kopi-robusta",
        "commodities": ["kopi-robusta"], "producers": 1, "listed_products": 0,
        "story": "Desa tembakau dan kopi di kaki gunung.",
    }]
    assert body["facets"]["stage"] == [{"value": "showcase_ready", "label": "Showcase ready", "count": 1},
                                       {"value": "socialisation", "label": "Socialisation", "count": 1}]
    assert (body["total"], body["next"]) == (1, None)


def test_village_search_refuses_an_unknown_stage(api_client, indexed):
    response = get(api_client, VILLAGES, stage="harvest")

    assert (response.status_code, list(response.json()["fields"])) == (400, ["stage"])


# --- suggestions ----------------------------------------------------------------------------


def test_suggest(api_client, indexed):
    response = get(api_client, SUGGEST, q="bamb")

    assert response.status_code == 200
    assert response.json() == {"suggestions": [
        {"text": "Bambu", "kind": "commodity", "url_hint": "bambu"},
        {"text": "Tas Anyaman Bambu", "kind": "product", "url_hint": str(indexed.id("tas"))},
        {"text": "Keranjang Bambu Serbaguna", "kind": "product", "url_hint": str(indexed.id("keranjang"))},
    ]}


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "k"}])
def test_suggest_needs_two_letters(api_client, indexed, params):
    assert get(api_client, SUGGEST, **params).json() == {"suggestions": []}


def test_suggest_has_its_own_generous_rate(api_client, indexed):
    responses = [get(api_client, SUGGEST, q="ko").status_code for _ in range(70)]

    assert set(responses) == {200}  # more than the anonymous 60 a minute
