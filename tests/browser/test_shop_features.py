"""The shop's features at 360 px in Chromium (issue 17): the home page shows a collection and the next showcase;
a consumer saves a product with the heart on a card, opens the favourites from the menu and adds it to the cart;
the product photo opens large. No page scrolls sideways; screenshots are kept in the test's temporary folder."""
from __future__ import annotations

import pytest

from catalog.services.collections import (
    CollectionDetails,
    collection_create,
    collection_product_add,
    collection_publish,
)
from tests.browser.test_storefront_phone import PHONE, session_cookie
from tests.factories import OfficerFactory
from tests.frontend.test_storefront_seo import with_photo
from tests.orders.factories import consumer, on_sale
from tests.showcases.factories import jakarta, published_showcase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


def test_a_consumer_saves_from_a_card_adds_to_cart_from_favourites_and_zooms_a_photo(browser, live_server, tmp_path):
    # given: a published collection of two products (one with a photo), a showcase to come, a signed-in consumer
    officer = OfficerFactory()
    kopi = with_photo(on_sale(name="Kopi Robusta Sidomulyo 250 g", retail_price=48_000))
    tape = on_sale(name="Tape Manis Jember", retail_price=20_000)
    collection = collection_create(officer=officer, details=CollectionDetails(title="Kopi Jember"))
    for product in (kopi, tape):
        collection_product_add(officer=officer, collection_id=collection.pk, product_id=product.pk)
    collection_publish(officer=officer, collection_id=collection.pk, published=True)
    published_showcase(title="Gelar Produk Kopi Jember", starts_at=jakarta(6, 9), ends_at=jakarta(6, 12),
                       registration_deadline=jakarta(5, 17))
    user, _address = consumer()
    context = browser.new_context(viewport=PHONE, locale="id-ID", timezone_id="Asia/Jakarta")
    context.add_cookies([session_cookie(live_server, user), {"name": "ki_language", "value": "en",
                                                              "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)

    # the home page shows the collection and the next showcase, in WIB
    page.goto(live_server.url + "/")
    shelf = page.locator("section.collection-shelf")
    assert shelf.locator("h2").inner_text() == "Kopi Jember"
    showcase = page.locator(".next-showcase")
    assert showcase.locator("h3").inner_text() == "Gelar Produk Kopi Jember"
    assert showcase.locator("time").inner_text().endswith("09:00 WIB")
    assert page.evaluate(NO_SIDEWAYS)
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    # when: the consumer taps the heart on the coffee's card (htmx swaps the button and the menu's count)
    heart = shelf.locator(f'button.wishlist-button[data-product="{kopi.pk}"]')
    box = heart.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    heart.click()
    page.wait_for_selector(f'section.collection-shelf button[data-product="{kopi.pk}"][aria-pressed="true"]')
    assert page.locator("#wishlist-count").text_content() == "1"  # in the menu, closed on a phone

    # and opens the favourites from the menu, and adds the coffee to the cart
    page.locator("summary.menu-button").click()
    page.get_by_role("link", name="Favourites").click()
    page.wait_for_url("**/favorites/")
    assert page.locator(".product-card-title").all_inner_texts() == ["Kopi Robusta Sidomulyo 250 g"]
    assert page.evaluate(NO_SIDEWAYS)
    page.screenshot(path=str(tmp_path / "favourites.png"), full_page=True)
    with page.expect_navigation():  # the form posts and comes back to the same address
        page.locator("form.wishlist-cart button").click()
    assert "Added to your cart." in page.locator(".messages").inner_text()
    assert page.locator(".header-cart .cart-count").inner_text() == "1"

    # then: on the product page the photo opens large over the page, and closes again
    page.goto(live_server.url + f"/products/{kopi.pk}/")
    lightbox = page.locator("#photo-1")
    assert not lightbox.is_visible()
    page.locator(".gallery-main a.gallery-zoom").click()
    lightbox.wait_for(state="visible")
    large = lightbox.locator("img").bounding_box()
    assert large["width"] >= 300
    assert lightbox.locator("img").get_attribute("alt") == "Kopi"  # the photo's own description
    page.screenshot(path=str(tmp_path / "photo-large.png"))
    lightbox.locator(".lightbox-close").click()
    lightbox.wait_for(state="hidden")
    assert page.evaluate(NO_SIDEWAYS)
    # the share field holds the page's address to copy by hand
    assert page.locator("#share-url").input_value().endswith(f"/products/{kopi.pk}/kopi-robusta-sidomulyo-250-g/")
    context.close()
