"""Public pages and API answers cached for visitors without a session (market/core/pagecache.py).

Each test turns the cache on (the test settings keep it off, because factories write the catalogue
without its services) and checks one rule: who is served from the cache, that every change which
shows on a page makes it stale once committed, and that CSRF tokens are never shared.
"""
from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from catalog.services import (
    ProductChanges,
    product_approve,
    product_update,
    stock_reserve,
    stock_threshold_set,
)
from market.core import pagecache
from orders.services.delivery import delivery_rule_set
from tests.catalog.factories import OfficerFactory, owner_of
from tests.frontend.test_catalog_pages import approved_product, programme_village, verified_producer

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def officer():
    return OfficerFactory()


@pytest.fixture
def product(officer):
    profile = programme_village()
    producer = verified_producer(profile, officer)
    product = approved_product(producer, officer, name="Kopi Padomasan", retail_price=45_000)
    product.stock.on_hand = 100
    product.stock.save()
    return product


def url(product) -> str:
    """The product page's address (with its slug: the address by id alone answers 301 to it)."""
    from django.test import Client

    return Client().get(f"/products/{product.pk}/")["Location"]


def catalogue_queries(captured) -> list[str]:
    """Return the queries beyond the cache's own (the test settings' cache is a database table)."""
    return [q["sql"] for q in captured.captured_queries if "core_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]]


def committed(django_capture_on_commit_callbacks, change) -> None:
    """Run ``change`` and then what its transaction runs after commit (the generation moves there)."""
    with django_capture_on_commit_callbacks(execute=True):
        change()


def test_a_second_anonymous_visit_is_served_from_the_cache_without_a_query(client, product):
    address = url(product)
    first = client.get(address)
    with CaptureQueriesContext(transaction.get_connection()) as queries:
        second = client.__class__().get(address)  # another visitor, no cookies

    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert not catalogue_queries(queries)
    assert "Kopi Padomasan" in second.content.decode()
    assert "Cookie" in second["Vary"]


def test_every_visitor_gets_a_csrf_token_of_their_own_that_works(product):
    from django.test import Client

    Client(enforce_csrf_checks=True).get(url(product))  # fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url(product))
    other = Client(enforce_csrf_checks=True).get(url(product))

    assert page["X-Page-Cache"] == "hit"
    mine, theirs = TOKEN.search(page.content.decode()).group(1), TOKEN.search(other.content.decode()).group(1)
    assert mine != theirs and "__kampung_csrf_token__" not in page.content.decode()
    assert page.cookies["ki_csrftoken" if "ki_csrftoken" in page.cookies else "csrftoken"].value
    # The token in the cached page passes the CSRF check with this visitor's cookie: adding to the cart works.
    added = visitor.post("/cart/add/", {"product": product.pk, "quantity": 1, "csrfmiddlewaretoken": mine})
    assert added.status_code in (200, 302)


def test_signed_in_people_and_visitors_with_a_session_always_get_the_live_page(client, product, officer):
    client.get(url(product))  # cached for anonymous visitors
    buyer_client = client.__class__()
    buyer_client.force_login(owner_of(product.producer))

    response = buyer_client.get(url(product))

    assert "X-Page-Cache" not in response
    # What the signed-in member saw was not stored for the next anonymous visitor either.
    assert client.__class__().get(url(product))["X-Page-Cache"] == "hit"


def test_a_price_change_shows_at_once_after_its_approval(client, product, officer, django_capture_on_commit_callbacks):
    assert "45.000" in client.get(url(product)).content.decode()

    def reprice():
        owner = owner_of(product.producer)
        product_update(product=product, actor=owner, changes=ProductChanges(retail_price=52_000))  # back to review
        product_approve(product=product, officer=officer)

    committed(django_capture_on_commit_callbacks, reprice)
    response = client.__class__().get(url(product))

    assert response["X-Page-Cache"] == "miss"
    html = response.content.decode()
    assert "52.000" in html and "45.000" not in html


def test_a_change_that_rolls_back_leaves_the_cache_alone(client, product, officer):
    client.get(url(product))
    before = pagecache._generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        pagecache.public_pages_changed()
        raise RuntimeError("rolled back")

    assert pagecache._generation() == before


def test_only_a_change_of_the_shown_stock_makes_pages_stale(client, product, django_capture_on_commit_callbacks):
    generation = pagecache._generation()
    committed(django_capture_on_commit_callbacks,
              lambda: stock_reserve(items=[(product.pk, 85)], reference="order 1"))  # 100 → 15: still "in stock"
    assert pagecache._generation() == generation

    committed(django_capture_on_commit_callbacks,
              lambda: stock_reserve(items=[(product.pk, 10)], reference="order 2"))  # 5 left: "only 5 left"
    assert pagecache._generation() > generation
    assert "5" in client.get(url(product)).content.decode()
    generation = pagecache._generation()

    committed(django_capture_on_commit_callbacks,
              lambda: stock_reserve(items=[(product.pk, 1)], reference="order 3"))  # "only 4 left"
    assert pagecache._generation() > generation


def test_a_threshold_that_changes_what_is_shown_makes_pages_stale(product, django_capture_on_commit_callbacks):
    generation = pagecache._generation()
    owner = owner_of(product.producer)
    committed(django_capture_on_commit_callbacks,
              lambda: stock_threshold_set(product=product, low_stock_threshold=5, actor=owner))  # 100 still "in"
    assert pagecache._generation() == generation

    committed(django_capture_on_commit_callbacks,
              lambda: stock_threshold_set(product=product, low_stock_threshold=500, actor=owner))  # now "only 100 left"
    assert pagecache._generation() > generation


def test_delivery_fees_changed_by_the_producer_show_on_the_product_page(client, product,
                                                                         django_capture_on_commit_callbacks):
    client.get(url(product))
    generation = pagecache._generation()

    committed(django_capture_on_commit_callbacks, lambda: delivery_rule_set(
        producer=product.producer, actor=owner_of(product.producer), offers_delivery=True, delivery_fee=12_500))

    assert pagecache._generation() > generation
    response = client.__class__().get(url(product))
    assert response["X-Page-Cache"] == "miss" and "12.500" in response.content.decode()


def test_each_language_has_its_own_copy(product):
    from django.test import Client

    indonesian = Client().get(url(product)).content.decode()
    english_client = Client()
    english_client.cookies["ki_language"] = "en"
    english = english_client.get(url(product))

    assert english["X-Page-Cache"] == "miss"
    assert "Retail price" in english.content.decode() and "Retail price" not in indonesian


def test_lists_and_profiles_are_cached_and_a_404_is_not(client, product):
    for path in ("/products/", "/villages/", f"/villages/{product.producer.village_id}/",
                 f"/producers/{product.producer_id}/"):
        assert client.get(path)["X-Page-Cache"] == "miss", path
        assert client.get(path)["X-Page-Cache"] == "hit", path
    assert "X-Page-Cache" not in client.get("/products/999999/")


def test_no_page_is_served_from_the_cache_while_redis_is_down(client, product, monkeypatch):
    client.get(url(product))
    monkeypatch.setattr(cache, "primary_available", lambda: False, raising=False)

    assert "X-Page-Cache" not in client.get(url(product))


def test_anonymous_api_answers_are_cached_and_token_holders_get_live_data(product, officer,
                                                                          django_capture_on_commit_callbacks):
    anonymous = APIClient()
    first = anonymous.get("/api/v1/products/")
    with CaptureQueriesContext(transaction.get_connection()) as queries:
        second = APIClient().get("/api/v1/products/")
    assert first.json() == second.json() and not catalogue_queries(queries)
    detail = APIClient().get(f"/api/v1/products/{product.pk}/").json()
    assert detail["retail_price"] == 45_000

    def reprice():
        owner = owner_of(product.producer)
        product_update(product=product, actor=owner, changes=ProductChanges(retail_price=52_000))  # back to review
        product_approve(product=product, officer=officer)

    committed(django_capture_on_commit_callbacks, reprice)
    assert APIClient().get(f"/api/v1/products/{product.pk}/").json()["retail_price"] == 52_000
    assert APIClient().get("/api/v1/products/").json()["results"][0]["retail_price"] == 52_000


def test_the_home_and_search_pages_are_cached_and_a_new_index_entry_makes_them_stale(
        client, product, django_capture_on_commit_callbacks):
    from search.services import search_mark_dirty, search_sync

    for path in ("/", "/search/?q=kopi", "/search/villages/?q=padomasan"):
        assert client.get(path)["X-Page-Cache"] == "miss", path
        assert client.__class__().get(path)["X-Page-Cache"] == "hit", path

    generation = pagecache._generation()
    search_mark_dirty(product_ids=[product.pk])
    with django_capture_on_commit_callbacks(execute=True):
        report = search_sync()

    assert report.indexed and pagecache._generation() > generation
    assert client.__class__().get("/search/?q=kopi")["X-Page-Cache"] == "miss"


def test_a_sync_with_nothing_to_index_leaves_the_cache_alone(client, product, django_capture_on_commit_callbacks):
    from search.models import DirtyItem
    from search.services import search_sync

    DirtyItem.objects.all().delete()
    generation = pagecache._generation()
    with django_capture_on_commit_callbacks(execute=True):
        search_sync()

    assert pagecache._generation() == generation


def test_publishing_or_cancelling_a_showcase_makes_the_home_page_stale(client, officer,
                                                                      django_capture_on_commit_callbacks):
    from showcases.services import showcase_create, showcase_status_set
    from tests.showcases.factories import showcase_data

    draft = showcase_create(officer=officer, data=showcase_data())
    client.get("/")
    generation = pagecache._generation()

    committed(django_capture_on_commit_callbacks,
              lambda: showcase_status_set(showcase=draft, officer=officer, to="published"))
    assert pagecache._generation() > generation
    generation = pagecache._generation()

    committed(django_capture_on_commit_callbacks, lambda: showcase_status_set(
        showcase=draft, officer=officer, to="cancelled", reason="Banjir di lokasi"))
    assert pagecache._generation() > generation


def _indexed(django_capture_on_commit_callbacks, product) -> None:
    """Index ``product`` as the search task does after a change (the factories write no index)."""
    from search.services import search_mark_dirty, search_sync

    search_mark_dirty(product_ids=[product.pk])
    with django_capture_on_commit_callbacks(execute=True):
        search_sync()


def test_the_search_api_answers_anonymous_visitors_from_the_cache_until_the_index_changes(
        product, django_capture_on_commit_callbacks):
    _indexed(django_capture_on_commit_callbacks, product)
    first = APIClient().get("/api/v1/search/products?q=kopi")
    with CaptureQueriesContext(transaction.get_connection()) as queries:
        second = APIClient().get("/api/v1/search/products?q=kopi")

    assert first.status_code == second.status_code == 200 and first.json() == second.json()
    assert [hit["name"] for hit in second.json()["results"]] == ["Kopi Padomasan"]
    assert not catalogue_queries(queries)
    assert APIClient().get("/api/v1/search/products?q=kopi&page=0").status_code == 400  # refused: not stored

    _indexed(django_capture_on_commit_callbacks, product)  # the index changed: the next answer is searched again
    with CaptureQueriesContext(transaction.get_connection()) as again:
        APIClient().get("/api/v1/search/products?q=kopi")
    assert catalogue_queries(again)


def test_suggestions_are_computed_once_for_everyone_who_typed_the_same_letters(
        client, product, django_capture_on_commit_callbacks):
    _indexed(django_capture_on_commit_callbacks, product)
    first = client.get("/search/suggest/?q=kop", HTTP_HX_REQUEST="true")
    signed_in = client.__class__()
    signed_in.force_login(owner_of(product.producer))
    with CaptureQueriesContext(transaction.get_connection()) as queries:
        second = signed_in.get("/search/suggest/?q=kop", HTTP_HX_REQUEST="true")

    assert first.content == second.content and "Kopi Padomasan" in first.content.decode()
    assert not [q for q in catalogue_queries(queries) if "search_" in q]
