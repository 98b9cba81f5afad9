"""The search pages: /search/ (products, facets, suggestions) and /search/villages/.

They run over the search tests' fixture catalogue (tests/search/catalogue.py), built through the
catalogue services and indexed by the database backend.
"""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalog.services import product_delist
from market.accounts.models import Role
from search.backends import backend_reset
from search.backends.database import Database
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SEARCH = "/search/"
SUGGEST = "/search/suggest/"
VILLAGES = "/search/villages/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def indexed(db):
    from tests.search.catalogue import catalogue_build

    backend_reset()
    catalogue = catalogue_build()
    Database().rebuild()
    yield catalogue
    backend_reset()


def get(client, url, **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


def names(response) -> list[str]:
    return [product.name for product in response.context["products"]]


def facets(response) -> dict:
    return {group["name"]: [(item["label"], item["count"], item["selected"], item["url"]) for item in group["items"]]
            for group in response.context["facet_groups"]}


def test_results_in_rank_order_with_facet_counts(client, indexed):
    response = get(client, SEARCH, q="kopi")

    assert response.status_code == 200
    assert names(response) == ["Ground robusta coffee 250 g", "Robusta coffee drip bags (10)", "Civet coffee 100 g",
                               "Robusta green beans 1 kg"]
    assert response.context["page"].total == 4
    assert facets(response) == {
        "category": [("Kopi", 4, False, "?q=kopi&category=kopi"),
                     ("Makanan & Minuman", 4, False, "?q=kopi&category=makanan-minuman"),
                     ("Kopi bubuk", 2, False, "?q=kopi&category=kopi-bubuk")],
        "commodity": [("Kopi robusta", 4, False, "?q=kopi&commodity=kopi-robusta")],
        "district": [("Panti", 2, False, "?q=kopi&district=35.09.14"), ("Silo", 2, False, "?q=kopi&district=35.09.30")],
        "village": [("Suci", 2, False, "?q=kopi&village=35.09.14.2005"),
                    ("Sidomulyo", 2, False, "?q=kopi&village=35.09.30.2009")],
        "certification": [("Halal certificate", 3, False, "?q=kopi&certification=halal"),
                          ("P-IRT (home-industry food permit)", 3, False, "?q=kopi&certification=pirt")],
        "retail_ready": [("Not yet ready for retail", 2, False, "?q=kopi&retail_ready=false"),
                         ("Ready for modern retail", 2, False, "?q=kopi&retail_ready=true")],
        "in_stock": [("In stock", 3, False, "?q=kopi&in_stock=true"), ("Out of stock", 1, False, "?q=kopi&in_stock=false")],
    }
    content = response.content.decode()
    assert f'href="/products/{indexed.id("robusta")}/' in content
    assert "Rp 35.000</strong><span class=\"price-unit\"> / pack</span>" in content  # consumers: the retail price
    assert "Wholesale from" not in content


def test_a_district_filter_narrows_and_keeps_the_other_districts(client, indexed):
    response = get(client, SEARCH, q="kopi", district="35.09.30")

    assert names(response) == ["Ground robusta coffee 250 g", "Civet coffee 100 g"]
    assert facets(response)["district"] == [("Panti", 2, False, "?q=kopi&district=35.09.14"),
                                            ("Silo", 2, True, "?q=kopi")]
    assert facets(response)["village"] == [("Sidomulyo", 2, False, "?q=kopi&district=35.09.30&village=35.09.30.2009")]
    assert response.context["active_filters"] == [
        {"label": "District (kecamatan)", "value": "Silo", "remove_url": "?q=kopi"}]
    assert '<input type="hidden" name="district" value="35.09.30">' in response.content.decode()


def test_certifications_combine_and_price_and_minimum_order_filter(client, indexed):
    response = get(client, SEARCH, certification=["halal", "pirt"], price_max="40000", max_moq="1", sort="price_asc")

    assert names(response) == ["Chocolate banana chips 150 g", "Sticky rice tape dodol",
                               "Ground robusta coffee 250 g"]
    selected = [(label, url) for label, _count, chosen, url in facets(response)["certification"] if chosen]
    assert sorted(selected) == [
        ("Halal certificate", "?certification=pirt&price_max=40000&max_moq=1&sort=price_asc"),
        ("P-IRT (home-industry food permit)", "?certification=halal&price_max=40000&max_moq=1&sort=price_asc")]
    assert response.context["options_open"] is True


def test_sorts_by_price_descending_and_newest(client, indexed):
    assert names(get(client, SEARCH, q="kopi", sort="price_desc")) == [
        "Civet coffee 100 g", "Robusta green beans 1 kg", "Ground robusta coffee 250 g", "Robusta coffee drip bags (10)"]
    assert names(get(client, SEARCH, q="kopi", sort="newest")) == [
        "Robusta coffee drip bags (10)", "Robusta green beans 1 kg", "Civet coffee 100 g", "Ground robusta coffee 250 g"]


def test_buyers_see_the_wholesale_from_price(client, indexed):
    client.force_login(UserFactory(role=Role.BUYER))

    response = get(client, SEARCH, q="robusta bubuk")

    assert names(response) == ["Ground robusta coffee 250 g", "Civet coffee 100 g"]
    assert [product.from_price for product in response.context["products"]] == [27_000, 150_000]
    content = response.content.decode()
    assert content.count("Wholesale from") == 2
    assert "Rp 27.000" in content and "Rp 35.000" not in content


def test_did_you_mean_links_to_the_corrected_search(client, indexed):
    response = get(client, SEARCH, q="kopu", district="35.09.14")

    assert response.context["did_you_mean"] == "kopi"
    assert response.context["did_you_mean_url"] == "?q=kopi&district=35.09.14"
    assert 'Did you mean <a href="?q=kopi&amp;district=35.09.14">kopi</a>?' in response.content.decode()


def test_without_javascript_the_box_is_a_plain_get_form(client, indexed):
    response = get(client, SEARCH)

    content = response.content.decode()
    assert response.status_code == 200
    assert '<form method="get" action="/search/" class="search-form" role="search">' in content
    assert '<label for="search-input">Search products</label>' in content
    assert 'hx-get="/search/suggest/"' in content and 'hx-trigger="input changed delay:250ms, search"' in content
    assert len(names(response)) == 12  # no text: browse everything public, best first
    assert response.context["page"].total == 12


def test_bad_parameters_are_ignored(client, indexed):
    response = get(client, SEARCH, q="kopi", district="silo", price_min="abc", sort="cheapest", page="0")

    assert response.status_code == 200
    assert names(response) == ["Ground robusta coffee 250 g", "Robusta coffee drip bags (10)", "Civet coffee 100 g",
                               "Robusta green beans 1 kg"]
    assert response.context["active_filters"] == []


def test_pages_are_bounded_and_keep_the_filters(client, indexed, monkeypatch):
    monkeypatch.setattr("frontend.views.search.PER_PAGE", 5)

    first = get(client, SEARCH, in_stock="true")
    second = get(client, SEARCH, in_stock="true", page="2")

    assert first.context["page"].total == 9
    assert first.context["pages"] == {"number": 1, "previous": None, "next": "?in_stock=true&page=2"}
    assert second.context["pages"] == {"number": 2, "previous": "?in_stock=true", "next": None}
    assert len(names(first)) == 5 and len(names(second)) == 4
    assert set(names(first)).isdisjoint(names(second))


def test_a_delisted_product_is_not_shown(client, indexed):
    product_delist(product=indexed.products["luwak"], officer=indexed.officer, reasons=["photos"])

    assert "Civet coffee 100 g" not in names(get(client, SEARCH, q="kopi luwak"))


def test_suggestions_partial(client, indexed):
    response = get(client, SUGGEST, q="kop")

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('role="option"') == 6
    assert ('<div role="option" id="suggestion-1" class="suggestion" aria-selected="false" data-value="Kopi" '
            'tabindex="-1"><span class="suggestion-text">Kopi</span> <span class="suggestion-kind">Category</span>'
            '</div>') in content
    assert 'data-value="Kopi Robusta Bubuk 250 g"' in content
    assert get(client, SUGGEST, q="").content.decode().strip() == ""
    assert get(client, SUGGEST, q="zzzzqx").content.decode().strip() == ""


def test_query_budget_does_not_grow_with_the_page_size(client, indexed, monkeypatch):
    get(client, SEARCH)  # warm the backend's caches (vocabulary, synonyms)
    counts = []
    for size in (2, 12):
        monkeypatch.setattr("frontend.views.search.PER_PAGE", size)
        with CaptureQueriesContext(connection) as queries:
            response = get(client, SEARCH, in_stock="true")
        assert len(names(response)) == min(size, 9)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 12


def test_backend_down_shows_a_message(client, indexed, settings):
    settings.SEARCH_BACKEND = "tests.search.test_api.BrokenBackend"
    backend_reset()

    response = get(client, SEARCH, q="kopi")
    villages = get(client, VILLAGES, q="kopi")
    suggestions = get(client, SUGGEST, q="kop")

    assert response.status_code == 503
    content = response.content.decode()
    assert "Search is not available right now" in content
    assert "Search is unavailable at the moment. Please try again in a minute." in content
    assert 'href="/products/"' in content
    assert villages.status_code == 503
    assert "Search is not available right now" in villages.content.decode()
    assert (suggestions.status_code, suggestions.content.decode().strip()) == (200, "")


def test_village_search(client, indexed):
    response = get(client, VILLAGES, q="kopi")

    assert response.status_code == 200
    assert [item["doc"].name for item in response.context["villages"]] == ["Sidomulyo", "Sumberjambe"]
    assert [(g["name"], [(i["label"], i["count"]) for i in g["items"]]) for g in response.context["facet_groups"]][0] \
        == ("district", [("Silo", 1), ("Sumberjambe", 1)])
    assert 'href="/villages/35.09.30.2009/"' in response.content.decode()


def test_the_navigation_links_to_search(client, db):
    response = get(client, "/")

    assert '<a href="/search/">Search</a>' in response.content.decode()
