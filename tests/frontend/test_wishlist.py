"""Favourites ("Favorit", issue 17): consumers and buyers save products on sale with the heart (a form that
works without JavaScript, htmx swaps the button), see them on /favorites/ with "add to cart", count them in
the menu; anonymous visitors sign in first and come back; nobody touches anyone else's favourites."""
from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from catalog.models import WishlistItem
from catalog.selectors.public import product_slug
from catalog.services import product_delist
from catalog.services.collections import wishlist_add
from orders.models import CartLine
from tests.catalog.factories import ProductFactory
from tests.factories import OfficerFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import buyer_organisation, consumer, on_sale, owner_of, verified_producer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English."""


def page_url(product) -> str:
    return f"/products/{product.pk}/{product_slug(product.name)}/"


def html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def saved(user) -> list[int]:
    return list(WishlistItem.objects.filter(user=user).order_by("pk").values_list("product_id", flat=True))


@pytest.fixture
def shopper(client):
    user, _address = consumer()
    client.force_login(user)
    return user


def test_a_consumer_saves_a_product_from_its_page_without_javascript_and_sees_it_counted(client, shopper):
    product = on_sale(name="Kopi Robusta Sidomulyo", retail_price=48_000)
    page = html(client.get(page_url(product)))
    assert f'action="/favorites/{product.pk}/"' in page and 'name="action" value="add"' in page
    assert 'id="wishlist-count" class="nav-count">0<' in page

    response = client.post(f"/favorites/{product.pk}/", {"action": "add", "next": page_url(product)})

    assert response.status_code == 302 and response["Location"] == page_url(product)
    assert saved(shopper) == [product.pk]
    page = html(client.get(page_url(product)))
    assert "Saved to your favourites." in page
    assert 'aria-pressed="true"' in page and 'name="action" value="remove"' in page
    assert 'id="wishlist-count" class="nav-count">1<' in page


def test_the_htmx_heart_answers_the_button_in_its_new_state_and_the_count(client, shopper):
    product = on_sale()

    added = html(client.post(f"/favorites/{product.pk}/", {"action": "add", "next": "/"}, HTTP_HX_REQUEST="true"))
    assert 'aria-pressed="true"' in added and 'name="action" value="remove"' in added
    assert '<span id="wishlist-count" class="nav-count" hx-swap-oob="true">1</span>' in added

    removed = html(client.post(f"/favorites/{product.pk}/", {"action": "remove", "next": "/"}, HTTP_HX_REQUEST="true"))
    assert 'aria-pressed="false"' in removed
    assert '<span id="wishlist-count" class="nav-count" hx-swap-oob="true">0</span>' in removed
    assert saved(shopper) == []


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back_and_nothing_is_saved(client):
    product = on_sale()

    page = html(client.get(page_url(product)))
    assert f'href="/accounts/login/?next={page_url(product)}"' in page
    response = client.post(f"/favorites/{product.pk}/", {"action": "add", "next": page_url(product)})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={page_url(product)}"
    assert WishlistItem.objects.count() == 0
    assert client.get("/favorites/")["Location"].startswith("/accounts/login/")


def test_a_product_not_on_sale_is_refused_and_nothing_is_saved(client, shopper):
    draft = ProductFactory(producer=verified_producer())

    response = client.post(f"/favorites/{draft.pk}/", {"action": "add", "next": "/favorites/"}, follow=True)

    assert "Product not found." in html(response)
    assert saved(shopper) == []
    htmx = client.post(f"/favorites/{draft.pk}/", {"action": "add"}, HTTP_HX_REQUEST="true")
    assert (htmx.status_code, htmx.content.decode()) == (404, "Product not found.")


def test_nobody_touches_anyone_elses_favourites(client, shopper):
    product = on_sale()
    wishlist_add(user=shopper, product_id=product.pk)
    other, _address = consumer()
    client.force_login(other)

    client.post(f"/favorites/{product.pk}/", {"action": "remove"})
    api = APIClient()
    api.force_authenticate(other)
    assert api.delete(f"/api/v1/wishlist/{product.pk}/").status_code == 204
    assert api.get("/api/v1/wishlist/").json() == []
    assert "Nothing saved yet." in html(client.get("/favorites/"))

    assert saved(shopper) == [product.pk]


@pytest.mark.parametrize("who", ["producer", "officer"])
def test_people_who_do_not_shop_keep_no_favourites(client, who, totp_for):
    product = on_sale()
    user = owner_of(product.producer) if who == "producer" else OfficerFactory()
    totp_for(user)
    force_login_mfa(client, user)

    assert client.get("/favorites/").status_code == 403
    assert client.post(f"/favorites/{product.pk}/", {"action": "add"}).status_code == 403
    assert "wishlist-toggle" not in html(client.get(page_url(product)))
    api = APIClient()
    api.force_authenticate(user)
    assert api.post("/api/v1/wishlist/", {"product": product.pk}).json()["code"] == "wishlist_not_for_role"
    assert WishlistItem.objects.count() == 0


def test_the_favourites_page_lists_saved_products_on_sale_and_adds_to_the_cart(client, shopper):
    first, second, gone = on_sale(name="Tape Manis", retail_price=20_000), on_sale(name="Suwar-Suwir"), on_sale()
    for product in (first, second, gone):
        wishlist_add(user=shopper, product_id=product.pk)
    product_delist(product=gone, officer=OfficerFactory(), reasons=["permits"])

    page = html(client.get("/favorites/"))
    titles = re.findall(r'class="product-card-title"><a href="[^"]+">([^<]+)</a>', page)
    assert titles == ["Suwar-Suwir", "Tape Manis"]  # the latest saved first; the delisted one is left out
    assert "2 products saved" in page
    assert 'id="wishlist-count" class="nav-count">2<' in page

    response = client.post("/cart/add/", {"product": first.pk, "quantity": 1, "next": "/favorites/"})
    assert response["Location"] == "/favorites/"
    assert list(CartLine.objects.values_list("product_id", "quantity")) == [(first.pk, 1)]


def test_a_buyer_adds_the_minimum_order_from_the_favourites(client):
    organisation, member, _outlet = buyer_organisation()
    product = on_sale(min_order_qty=12, order_multiple=6, tiers=[(12, 30_000)])
    wishlist_add(user=member, product_id=product.pk)
    client.force_login(member)

    page = html(client.get("/favorites/"))

    assert f'<input type="hidden" name="product" value="{product.pk}"> <input type="hidden" name="quantity" value="12">' in page


def test_the_favourites_page_costs_the_same_queries_for_2_or_8_products(client, shopper, django_assert_num_queries):
    for _ in range(2):
        wishlist_add(user=shopper, product_id=on_sale().pk)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get("/favorites/").status_code == 200
    for _ in range(6):
        wishlist_add(user=shopper, product_id=on_sale().pk)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/favorites/")
    assert len(response.context["products"]) == 8


def test_the_api_lists_saves_and_removes_favourites(shopper):
    product = on_sale(name="Kopi Lanang", retail_price=55_000)
    api = APIClient()
    api.force_authenticate(shopper)

    created = api.post("/api/v1/wishlist/", {"product": product.pk})
    assert created.status_code == 201 and created.json()["product"] == product.pk
    listed = api.get("/api/v1/wishlist/").json()
    assert [(item["id"], item["name"], item["retail_price"]) for item in listed] == [(product.pk, "Kopi Lanang", 55_000)]
    missing = api.post("/api/v1/wishlist/", {"product": 999_999})
    assert (missing.status_code, missing.json()["code"]) == (404, "product_not_found")
    assert api.delete(f"/api/v1/wishlist/{product.pk}/").status_code == 204
    assert saved(shopper) == []
    assert APIClient().get("/api/v1/wishlist/").status_code in (401, 403)


def test_cards_show_the_heart_state_for_the_signed_in_shopper(client, shopper):
    kept, other = on_sale(name="Kopi Disimpan"), on_sale(name="Kopi Lain")
    wishlist_add(user=shopper, product_id=kept.pk)

    page = html(client.get("/products/"))

    states = {int(pk): state for state, pk in re.findall(r'aria-pressed="(true|false)" data-product="(\d+)"', page)}
    assert states == {kept.pk: "true", other.pk: "false"}
