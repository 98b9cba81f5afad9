"""Issue 17, make it sell: the shop-window home, findable pages (canonical, Open Graph, schema.org, sitemap,
robots.txt), related products and sharing, the installable app (manifest, icons, offline page), photos served."""
from __future__ import annotations

import io
import json
import re
from xml.etree import ElementTree

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from catalog.models import Product
from catalog.selectors.public import product_slug
from catalog.services import product_photo_add
from orders.services import cart_line_set
from tests.catalog.factories import ProducerFactory, VillageProfileFactory, village
from tests.orders.factories import consumer_shopper, on_sale, owner_of, place, verified_producer

pytestmark = pytest.mark.django_db
SITE = "https://kampung-industri.example.id"


@pytest.fixture(autouse=True)
def _site(english_pages, settings, tmp_path):
    settings.SITE_URL = SITE
    settings.MEDIA_ROOT = str(tmp_path / "media")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def json_ld(page: str) -> list[dict]:
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)]


def other_village_product(**fields) -> Product:
    """A product on sale in another coached village (35.09.02.2002, "Sukorejo")."""
    elsewhere = village("35.09.02.2002", "Sukorejo")
    VillageProfileFactory(village=elsewhere, stage="coaching")
    producer = ProducerFactory(village=elsewhere)
    from catalog.services import producer_verify
    from tests.factories import OfficerFactory

    producer_verify(producer=producer, officer=OfficerFactory())
    return on_sale(producer=producer, **fields)


def jpeg() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "#7a4a1e").save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="kopi.jpg")


def with_photo(product: Product) -> Product:
    """Add a photo to a product on sale and have it approved again (the public page shows approved photos)."""
    from catalog.services import product_approve
    from tests.factories import OfficerFactory

    owner = owner_of(product.producer)
    product_photo_add(product=product, actor=owner, image=jpeg(), alt_text="Kopi")  # back to review
    product.refresh_from_db()
    product_approve(product=product, officer=OfficerFactory())
    return product


# --- home -----------------------------------------------------------------------------------


def test_home_shows_villages_with_their_products_new_and_most_ordered(client, django_assert_max_num_queries):
    producer = verified_producer()
    coffee = on_sale(producer=producer, name="Kopi Padomasan 250 g")
    tea = on_sale(producer=producer, name="Teh Padomasan")
    sold = other_village_product(name="Tape Sukorejo")
    shopper, address = consumer_shopper()
    cart_line_set(shopper=shopper, product_id=sold.pk, quantity=3)
    place(shopper, destination=address)
    from orders.models import Order

    Order.objects.update(status="placed")  # paid: counts as ordered

    with django_assert_max_num_queries(20):
        page = text(client.get("/"))

    shelves = {title: body for title, body in re.findall(r'<h2 id="([a-z]+)-title">.*?</h2>(.*?)</section>', page)}
    assert set(shelves) >= {"villages", "popular", "new"}
    assert "Padomasan" in shelves["villages"] and "Kopi Padomasan 250 g" in shelves["villages"]
    assert re.findall(r'class="product-card-title"><a href="/products/(\d+)/[a-z0-9-]+/">', shelves["popular"]) == [str(sold.pk)]
    assert set(re.findall(r'class="product-card-title"><a href="/products/(\d+)/[a-z0-9-]+/">', shelves["new"])) == {
        str(coffee.pk), str(tea.pk), str(sold.pk)}
    organisation = [d for d in json_ld(page) if d["@type"] == "Organization"]
    assert organisation and organisation[0]["url"] == f"{SITE}/"


def test_the_home_query_count_does_not_grow_with_the_catalogue(client, django_assert_max_num_queries):
    producer = verified_producer()
    for _ in range(3):
        on_sale(producer=producer)
    with django_assert_max_num_queries(20) as few:
        client.get("/")
    for _ in range(6):
        on_sale(producer=producer)
    other_village_product()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


def test_featured_villages_are_the_furthest_in_the_programme_that_have_something_on_sale():
    from catalog.selectors.storefront import FEATURED_CANDIDATES_EACH, HOME_FEATURED_VILLAGES, village_list_featured
    from catalog.services import producer_verify
    from tests.factories import OfficerFactory

    # given: more showcase-ready villages with nothing on sale than the first round of candidates reads,
    # ranked before (names "A..."), and coached villages with products on sale after them
    empty = HOME_FEATURED_VILLAGES * FEATURED_CANDIDATES_EACH + 3
    for number in range(empty):
        VillageProfileFactory(village=village(f"35.09.03.{2001 + number}", f"A Kosong {number:02d}"),
                              stage="showcase_ready")
    selling = []
    for number in range(HOME_FEATURED_VILLAGES + 1):
        place = village(f"35.09.04.{2001 + number}", f"B Dagang {number}")
        VillageProfileFactory(village=place, stage="coaching" if number else "showcase_ready")
        producer = ProducerFactory(village=place)
        producer_verify(producer=producer, officer=OfficerFactory())
        on_sale(producer=producer, name=f"Kopi {place.name}")
        selling.append(place.name)

    featured = village_list_featured()

    # then: the showcase-ready one first, then by name; none of the empty ones; each with its product
    assert [f.profile.village.name for f in featured] == [selling[0], *selling[1:HOME_FEATURED_VILLAGES]]
    assert [[p.name for p in f.products] for f in featured] == [
        [f"Kopi {name}"] for name in [selling[0], *selling[1:HOME_FEATURED_VILLAGES]]]


# --- product page -------------------------------------------------------------------------------


def test_the_product_page_carries_schema_org_product_and_offer_that_validate(client):
    product = on_sale(retail_price=48000, name="Kopi Robusta Bubuk 250 g")
    with_photo(product)

    page = text(client.get(f"/products/{product.pk}/", follow=True))

    data = [d for d in json_ld(page) if d["@type"] == "Product"]
    assert len(data) == 1
    item = data[0]
    assert item["@context"] == "https://schema.org" and item["name"] == "Kopi Robusta Bubuk 250 g"
    assert item["url"] == f"{SITE}/products/{product.pk}/kopi-robusta-bubuk-250-g/"
    assert item["brand"] == {"@type": "Brand", "name": product.producer.name}
    offer = item["offers"]
    assert offer["@type"] == "Offer" and offer["priceCurrency"] == "IDR" and offer["price"] == "48000"
    assert offer["availability"] == "https://schema.org/InStock"
    assert all(url.startswith(f"{SITE}/media/") for url in item["image"]) and len(item["image"]) == 1
    # what Google asks of a Product rich result: a name and one of offers, review or aggregateRating
    assert {"name", "offers"} <= set(item) and {"price", "priceCurrency"} <= set(offer)


def test_the_product_page_has_a_canonical_address_open_graph_and_a_whatsapp_link(client):
    product = on_sale(name="Suwar-suwir Jember")

    response = client.get(f"/products/{product.pk}/", {"utm_source": "wa"})
    assert response.status_code == 301  # the old address by id: to the one with the slug, query kept
    assert response["Location"] == f"/products/{product.pk}/suwar-suwir-jember/?utm_source=wa"
    assert client.get(f"/products/{product.pk}/old-name/")["Location"] == f"/products/{product.pk}/suwar-suwir-jember/"
    page = text(client.get(response["Location"]))

    assert f'<link rel="canonical" href="{SITE}/products/{product.pk}/suwar-suwir-jember/">' in page
    assert '<meta property="og:type" content="product">' in page
    assert '<meta property="og:title" content="Suwar-suwir Jember">' in page
    assert f'<meta property="og:url" content="{SITE}/products/{product.pk}/suwar-suwir-jember/">' in page
    share = re.search(r'<a class="button button-secondary button-small share-whatsapp" href="([^"]+)"', page)
    assert share and share.group(1).startswith("https://wa.me/?text=Suwar-suwir+Jember")
    assert f"{SITE}/products/{product.pk}/suwar-suwir-jember/".replace(":", "%3A").replace("/", "%2F") in share.group(1)


def test_related_products_come_from_the_same_village_only(client):
    producer = verified_producer()
    product = on_sale(producer=producer)
    neighbour = on_sale(producer=verified_producer())  # another producer, same village
    elsewhere = other_village_product()

    page = text(client.get(f"/products/{product.pk}/", follow=True))

    related = page.split('<section aria-labelledby="related-title"')[1]
    ids = set(re.findall(r'class="product-card-title"><a href="/products/(\d+)/[a-z0-9-]+/">', related))
    assert ids == {str(neighbour.pk)} and str(elsewhere.pk) not in ids


def test_a_product_photo_is_served_with_debug_off_and_safe_headers(client, settings):
    assert settings.DEBUG is False and settings.MEDIA_SERVE is True
    product = on_sale()
    with_photo(product)
    page = text(client.get(f"/products/{product.pk}/", follow=True))
    src = re.search(r'<img src="(/media/[^"]+)"', page).group(1)

    response = client.get(src)

    assert response.status_code == 200 and response["Content-Type"] in ("image/webp", "image/jpeg")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert client.get("/media/").status_code == 404  # no listing
    assert client.get("/media/../market/settings/base.py").status_code == 404


# --- sitemap, robots, app ---------------------------------------------------------------------


def test_the_sitemap_lists_public_pages_on_the_configured_site(client):
    product = on_sale()
    hidden = Product.objects.create(producer=product.producer, category=product.category, name="Draft",
                                    description="-", sku="DRAFT-1")

    response = client.get("/sitemap.xml")

    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    locations = {loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert {f"{SITE}/", f"{SITE}/products/", f"{SITE}/villages/",
            f"{SITE}/products/{product.pk}/{product_slug(product.approved_snapshot['name'])}/",
            f"{SITE}/villages/35.09.01.2001/", f"{SITE}/producers/{product.producer_id}/"} <= locations
    assert not any(f"/products/{hidden.pk}/" in location for location in locations)


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_names_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    for prefix in ("/cart/", "/checkout/", "/orders/", "/dashboard/", "/accounts/", "/api/"):
        assert f"Disallow: {prefix}\n" in body
    assert f"Sitemap: {SITE}/sitemap.xml" in body


def test_the_app_installs_with_icons_served_by_the_project_and_has_an_offline_page(client):
    manifest = client.get("/manifest.webmanifest")
    data = manifest.json()
    assert manifest["Content-Type"] == "application/manifest+json"
    assert data["display"] == "standalone" and data["start_url"].startswith("/")
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        served = client.get(icon["src"])
        assert served.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            width, height = Image.open(io.BytesIO(b"".join(served.streaming_content))).size
            assert f"{width}x{height}" == icon["sizes"]
    worker = client.get("/sw.js")
    assert worker["Content-Type"].startswith("application/javascript")
    assert 'var OFFLINE_URL = "/offline/";' in worker.content.decode()
    assert "You are offline" in text(client.get("/offline/"))
    assert '<link rel="manifest" href="/manifest.webmanifest">' in text(client.get("/"))


def test_a_reviewed_product_carries_aggregate_rating_and_reviews_that_validate(client):
    from orders.states import Party
    from reviews.services import review_moderate, review_write
    from tests.orders.factories import OfficerFactory
    from tests.reviews.helpers import another_delivered_line, delivered_order

    order, line, product, people = delivered_order()
    review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=5, text="Mantap")
    second_line, second_buyer = another_delivered_line(product)
    review_write(order_line_id=second_line.pk, author=second_buyer, rating=4)
    hidden_line, hidden_buyer = another_delivered_line(product)
    hidden = review_write(order_line_id=hidden_line.pk, author=hidden_buyer, rating=1, text="Kasar")
    review_moderate(review=hidden, officer=OfficerFactory(), action="hide", reason="Kasar")

    page = text(client.get(f"/products/{product.pk}/", follow=True))

    item = next(d for d in json_ld(page) if d["@type"] == "Product")
    rating = item["aggregateRating"]
    # what schema.org and Google ask of a rating: a value between worst and best, a positive count
    assert rating["@type"] == "AggregateRating" and rating["reviewCount"] == 2
    assert float(rating["worstRating"]) <= float(rating["ratingValue"]) == 4.5 <= float(rating["bestRating"])
    assert [(r["@type"], r["reviewRating"]["ratingValue"], r.get("reviewBody")) for r in item["review"]] == [
        ("Review", "4", None), ("Review", "5", "Mantap")]  # newest first; the hidden review is left out
    assert all(r["author"]["@type"] == "Person" and r["author"]["name"] and re.fullmatch(
        r"\d{4}-\d{2}-\d{2}", r["datePublished"]) for r in item["review"])
