"""Recently viewed products ("Terakhir dilihat", issue 17): kept in the visitor's own session (at most 12, the
latest first), shown on the home page and product pages; never read or written for a page the public cache
may serve, so cached pages stay the same for everybody and nobody sees another visitor's products."""
from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from catalog.selectors.public import product_slug
from catalog.services import product_delist
from frontend.recently_viewed import RECENTLY_VIEWED_MAX, SESSION_KEY
from tests.factories import OfficerFactory
from tests.orders.factories import consumer, on_sale

pytestmark = pytest.mark.django_db


def page_url(product) -> str:
    return f"/products/{product.pk}/{product_slug(product.name)}/"


def html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def strip(page: str) -> list[str]:
    """The product names in the "Recently viewed" strip of a page (empty when there is none)."""
    found = re.search(r'<section class="shelf recently-viewed".*?</section>', page)
    return re.findall(r'class="product-card-title"><a href="[^"]+">([^<]+)</a>', found.group(0)) if found else []


def english(client: Client) -> Client:
    client.cookies["ki_language"] = "en"
    return client


@pytest.fixture
def signed_in(client):
    user, _address = consumer()
    client.force_login(user)
    return english(client)


def test_a_visitor_with_a_session_sees_what_they_viewed_latest_first_on_product_pages_and_home(signed_in):
    kopi, tape, batik = on_sale(name="Kopi Bubuk"), on_sale(name="Tape Manis"), on_sale(name="Batik Tulis")

    assert strip(html(signed_in.get(page_url(kopi)))) == []
    assert strip(html(signed_in.get(page_url(tape)))) == ["Kopi Bubuk"]
    assert strip(html(signed_in.get(page_url(batik)))) == ["Tape Manis", "Kopi Bubuk"]
    # viewing one again puts it first; the page itself is never in its own strip
    assert strip(html(signed_in.get(page_url(kopi)))) == ["Batik Tulis", "Tape Manis"]

    home = html(signed_in.get("/"))
    assert strip(home) == ["Kopi Bubuk", "Batik Tulis", "Tape Manis"]
    assert "Recently viewed" in home
    assert signed_in.session[SESSION_KEY] == [kopi.pk, batik.pk, tape.pk]


def test_the_list_keeps_the_latest_12_and_leaves_out_products_no_longer_on_sale(signed_in):
    products = [on_sale(name=f"Produk {n:02d}") for n in range(14)]
    for product in products:
        signed_in.get(page_url(product))

    assert signed_in.session[SESSION_KEY] == [p.pk for p in reversed(products)][:RECENTLY_VIEWED_MAX]
    assert len(signed_in.session[SESSION_KEY]) == 12
    product_delist(product=products[12], officer=OfficerFactory(), reasons=["permits"])
    # the home page shows six, the latest first, skipping the delisted one
    assert strip(html(signed_in.get("/"))) == ["Produk 13", "Produk 11", "Produk 10", "Produk 09", "Produk 08",
                                               "Produk 07"]


def test_signing_out_forgets_the_list(signed_in):
    product = on_sale(name="Kopi Bubuk")
    signed_in.get(page_url(product))

    signed_in.post("/accounts/logout/")

    assert strip(html(signed_in.get("/"))) == []


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def test_a_cached_product_page_is_the_same_for_every_visitor_and_records_the_view_after_loading(page_cache_on):
    kopi, tape = on_sale(name="Kopi Bubuk"), on_sale(name="Tape Manis")
    first, second = english(Client()), english(Client())

    miss = first.get(page_url(kopi))
    hit = second.get(page_url(kopi))

    # given: both visitors without a session get the same cached page, without a strip and without a session
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    assert "sessionid" not in miss.cookies and "sessionid" not in hit.cookies
    page = html(hit)
    assert strip(page) == []
    assert f'hx-post="/recently-viewed/" hx-vals=\'{{"product": "{kopi.pk}"}}\' hx-trigger="load"' in page

    # when: the first visitor's browser records the view (htmx after loading) and then opens another product
    recorded = first.post("/recently-viewed/", {"product": kopi.pk}, HTTP_HX_REQUEST="true")
    assert recorded.status_code == 200 and strip(html(recorded)) == []
    assert "sessionid" in recorded.cookies
    live = first.get(page_url(tape))

    # then: with a session their page is live (never from the cache, never stored) and shows their product
    assert "X-Page-Cache" not in live
    assert strip(html(live)) == ["Kopi Bubuk"]
    # and the other visitor still gets the shared page, with nothing of the first visitor's
    other = second.get(page_url(tape))
    assert other["X-Page-Cache"] == "miss" and strip(html(other)) == []
    assert second.get(page_url(tape))["X-Page-Cache"] == "hit"
    assert strip(html(second.get("/"))) == []


def test_recording_answers_the_strip_of_the_other_products_and_refuses_bad_input(client):
    kopi, tape = on_sale(name="Kopi Bubuk"), on_sale(name="Tape Manis")
    english(client)

    client.post("/recently-viewed/", {"product": kopi.pk}, HTTP_HX_REQUEST="true")
    answer = client.post("/recently-viewed/", {"product": tape.pk}, HTTP_HX_REQUEST="true")

    assert strip(html(answer)) == ["Kopi Bubuk"]
    assert client.session[SESSION_KEY] == [tape.pk, kopi.pk]
    assert client.post("/recently-viewed/", {"product": "x"}).status_code == 400
    assert client.post("/recently-viewed/", {"product": "-3"}).status_code == 400
    assert client.get("/recently-viewed/").status_code == 405
    assert client.session[SESSION_KEY] == [tape.pk, kopi.pk]


def test_a_tampered_session_value_is_ignored(signed_in):
    product = on_sale(name="Kopi Bubuk")
    session = signed_in.session
    session[SESSION_KEY] = ["1; drop", None, True, {"x": 1}]
    session.save()

    page = html(signed_in.get(page_url(product)))

    assert strip(page) == []
    assert signed_in.session[SESSION_KEY] == [product.pk]
