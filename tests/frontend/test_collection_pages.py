"""Collections on the pages (issue 17): officers (with the second factor) build, order and publish them; the
public page lists the products on sale with capped pagination at a fixed number of queries; the home page
shows the published collections and the next showcase with its date and time in WIB."""
from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.models import Collection, CollectionItem
from catalog.services import product_delist
from catalog.services.collections import (
    CollectionDetails,
    collection_create,
    collection_product_add,
    collection_publish,
)
from frontend.views.shop import COLLECTION_PER_PAGE
from tests.factories import OfficerFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import on_sale
from tests.showcases.factories import jakarta, published_showcase

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English."""


@pytest.fixture
def officer(totp_for):
    user = OfficerFactory(full_name="Dewi Kartika")
    totp_for(user)
    return user


@pytest.fixture
def officer_client(client, officer):
    force_login_mfa(client, officer)
    return client


def html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def card_titles(page: str) -> list[str]:
    return re.findall(r'class="product-card-title"><a href="[^"]+">([^<]+)</a>', page)


def published(officer, title: str, products, **fields) -> Collection:
    collection = collection_create(officer=officer, details=CollectionDetails(title=title, **fields))
    for product in products:
        collection_product_add(officer=officer, collection_id=collection.pk, product_id=product.pk)
    return collection_publish(officer=officer, collection_id=collection.pk, published=True)


def test_an_officer_builds_orders_and_publishes_a_collection_through_the_pages(officer_client):
    kopi_a, kopi_b = on_sale(name="Kopi Robusta Sidomulyo"), on_sale(name="Kopi Arabika Garahan")

    created = officer_client.post("/dashboard/officer/collections/", {
        "title": "Kopi Jember", "title_en": "Jember coffee", "slug": "", "description": "Kopi dari lereng Raung.",
        "description_en": "", "kind": "curated", "position": "0"})
    collection = Collection.objects.get()
    assert created["Location"] == f"/dashboard/officer/collections/{collection.pk}/"

    found = html(officer_client.get(f"/dashboard/officer/collections/{collection.pk}/?q=kopi"))
    assert "Kopi Robusta Sidomulyo" in found and "Kopi Arabika Garahan" in found
    for product in (kopi_a, kopi_b):
        officer_client.post(f"/dashboard/officer/collections/{collection.pk}/products/", {"product": product.pk})
    officer_client.post(f"/dashboard/officer/collections/{collection.pk}/products/{kopi_b.pk}/move/",
                        {"direction": "up"})
    assert Client().get("/collections/kopi-jember/").status_code == 404  # not published yet
    officer_client.post(f"/dashboard/officer/collections/{collection.pk}/publish/", {"publish": "1"})

    public = Client()
    public.cookies["ki_language"] = "en"
    page = html(public.get("/collections/kopi-jember/"))
    assert "<h1>Jember coffee</h1>" in page
    assert card_titles(page) == ["Kopi Arabika Garahan", "Kopi Robusta Sidomulyo"]
    listing = html(officer_client.get("/dashboard/officer/collections/"))
    assert "Published" in listing and "2 products" in listing


def test_the_officer_pages_refuse_a_product_not_on_sale_and_show_why(officer_client, officer):
    collection = collection_create(officer=officer, details=CollectionDetails(title="Kopi Jember"))
    delisted = on_sale(name="Kopi Ditarik")
    product_delist(product=delisted, officer=officer, reasons=["permits"])

    response = officer_client.post(f"/dashboard/officer/collections/{collection.pk}/products/",
                                   {"product": delisted.pk}, follow=True)

    assert "Only products on sale can be put in a collection." in html(response)
    assert CollectionItem.objects.count() == 0


def test_a_taken_slug_is_shown_in_the_form_and_nothing_is_created(officer_client, officer):
    collection_create(officer=officer, details=CollectionDetails(title="Kopi Jember"))

    response = officer_client.post("/dashboard/officer/collections/", {
        "title": "Kopi Jember", "slug": "kopi-jember", "kind": "curated", "position": "1"})

    assert response.status_code == 400
    assert "This slug is taken." in html(response)
    assert Collection.objects.count() == 1


def test_an_officer_without_the_second_factor_and_other_people_are_refused(client, officer):
    collection = collection_create(officer=officer, details=CollectionDetails(title="Kopi Jember"))
    no_mfa = OfficerFactory()
    client.force_login(no_mfa)

    assert client.get("/dashboard/officer/collections/")["Location"].startswith("/accounts/2fa/")
    response = client.post(f"/dashboard/officer/collections/{collection.pk}/publish/", {"publish": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")
    collection.refresh_from_db()
    assert collection.published is False


def test_the_public_page_pages_through_products_on_sale_at_a_fixed_number_of_queries(officer):
    products = [on_sale(name=f"Kopi {n:02d}") for n in range(COLLECTION_PER_PAGE + 2)]
    collection = published(officer, "Kopi Jember", products[:3])
    visitor = Client()
    visitor.cookies["ki_language"] = "en"
    with CaptureQueriesContext(connection) as few:
        assert visitor.get("/collections/kopi-jember/").status_code == 200
    for product in products[3:]:
        collection_product_add(officer=officer, collection_id=collection.pk, product_id=product.pk)
    product_delist(product=products[0], officer=officer, reasons=["permits"])

    with CaptureQueriesContext(connection) as many:
        first = visitor.get("/collections/kopi-jember/")
    second = html(visitor.get("/collections/kopi-jember/?page=2"))

    assert len(many.captured_queries) == len(few.captured_queries)
    page = html(first)
    assert f"{COLLECTION_PER_PAGE + 1} products" in page
    assert card_titles(page) == [f"Kopi {n:02d}" for n in range(1, COLLECTION_PER_PAGE + 1)]
    assert card_titles(second) == [f"Kopi {COLLECTION_PER_PAGE + 1:02d}"]
    assert "Page 2 of 2" in second


def test_the_cached_collection_page_changes_when_the_collection_changes(officer, settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    kopi, tape = on_sale(name="Kopi Bubuk"), on_sale(name="Tape Manis")
    collection = published(officer, "Kopi Jember", [kopi])
    visitor = Client()
    visitor.cookies["ki_language"] = "en"
    assert visitor.get("/collections/kopi-jember/")["X-Page-Cache"] == "miss"
    assert visitor.get("/collections/kopi-jember/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        collection_product_add(officer=officer, collection_id=collection.pk, product_id=tape.pk)

    fresh = visitor.get("/collections/kopi-jember/")
    assert fresh["X-Page-Cache"] == "miss"
    assert card_titles(html(fresh)) == ["Kopi Bubuk", "Tape Manis"]
    cache.clear()


def test_the_home_page_shows_published_collections_and_the_next_showcase_in_wib(client, officer):
    kopi = on_sale(name="Kopi Bubuk")
    published(officer, "Kopi Jember", [kopi], title_en="Jember coffee")
    collection_create(officer=officer, details=CollectionDetails(title="Belum terbit"))
    published_showcase(title="Gelar Produk Kopi", starts_at=jakarta(5, 9, 30), ends_at=jakarta(5, 12),
                       registration_deadline=jakarta(4, 17))
    published_showcase(title="Gelar Produk Nanti", starts_at=jakarta(20, 9), ends_at=jakarta(20, 12),
                       registration_deadline=jakarta(19, 17))

    page = html(client.get("/"))

    shelf = re.search(r'<section class="shelf collection-shelf".*?</section>', page).group(0)
    assert "<h2" in shelf and "Jember coffee</h2>" in shelf
    assert 'href="/collections/kopi-jember/"' in shelf
    assert card_titles(shelf) == ["Kopi Bubuk"]
    assert "Belum terbit" not in page
    start = jakarta(5, 9, 30)
    expected = f"{start.day} {start.strftime('%b')} {start.year}, 09:30 WIB"
    assert re.search(r'class="next-showcase.*?</div>', page).group(0).count("Gelar Produk Kopi") == 1
    assert expected in page
    assert "Gelar Produk Nanti" not in page


def test_the_home_page_budget_holds_with_collections_and_a_showcase(client, officer, django_assert_max_num_queries):
    products = [on_sale(name=f"Kopi {n}") for n in range(3)]
    published(officer, "Kopi Jember", products[:2])
    published(officer, "Siap ritel", [], kind=Collection.Kind.RETAIL_READY)
    published_showcase()
    with django_assert_max_num_queries(20) as few:
        client.get("/")
    more = [on_sale(name=f"Tape {n}") for n in range(5)]
    published(officer, "Oleh-oleh", more)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")
