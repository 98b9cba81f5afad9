"""A consumer's whole journey at 360 px in Chromium (issue 17): home → the header's search → a village's story →
a product → the cart → checkout with delivery to an address chosen by district and village → pay by card (the
local Stripe emulator) → the producer accepts, packs and ships from its pages → the consumer confirms delivery →
reviews the product with a photo → the producer replies → the product page shows the review and the rating.
Only the producer, its product (and so its village) and the consumer's account are made with factories; the
rest goes through the pages. Screenshots are kept in the test's temporary folder."""
from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image

from market.accounts.models import Role
from orders.models import Checkout, Order
from reviews.models import Review
from search.backends import backend_reset
from search.backends.database import Database
from tests.browser.test_card_payment_journey import _complete_the_emulator, _type_card, emulator  # noqa: F401
from tests.factories import PASSWORD, UserFactory
from tests.orders.factories import on_sale, owner_of, verified_producer
from tests.payments.conftest import localstripe_server, stripe_emulator  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


def new_page(browser, live_server, *, stripe: str | None = None):
    context = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="Asia/Jakarta")
    context.add_cookies([{"name": "ki_language", "value": "en", "url": live_server.url}])
    context.set_default_timeout(15_000)
    if stripe:
        _complete_the_emulator(context, stripe)
    return context, context.new_page()


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def shot(page, shots, name: str) -> None:
    """Keep a screenshot and check that the page fits the phone without sideways scroll."""
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert page.evaluate(NO_SIDEWAYS), f"{name} scrolls sideways"


@pytest.fixture
def indexed_catalogue(transactional_db):
    producer = verified_producer(name="UD Kopi Padomasan", offers_delivery=True, delivery_fee=15000)
    product = on_sale(producer=producer, name="Kopi Robusta Padomasan 250 g", retail_price=40000, stock=20)
    backend_reset()
    Database().rebuild()
    yield producer, product
    backend_reset()


def test_a_consumer_buys_pays_receives_and_reviews_and_the_producer_replies(browser, live_server, emulator,  # noqa: F811
                                                                            indexed_catalogue, tmp_path):
    producer, product = indexed_catalogue
    consumer = UserFactory(role=Role.CONSUMER, full_name="Ayu Lestari")
    photo = tmp_path / "kopi-saya.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), "#6b3e1f").save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    shots = tmp_path

    context, page = new_page(browser, live_server, stripe=emulator)
    sign_in(page, live_server, consumer.email)

    # the home page; the header's search box; the villages found; the village's story; its product
    page.goto(f"{live_server.url}/")
    shot(page, shots, "1-home")
    page.locator("#header-search-input").fill("padomasan")
    page.locator("#header-search-input").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=padomasan"))
    page.get_by_role("navigation", name="What to search").get_by_role("link", name="Villages").click()
    page.wait_for_url(re.compile(r"/search/villages/\?q=padomasan"))
    shot(page, shots, "2-search-villages")
    page.get_by_role("link", name="Padomasan").first.click()
    page.wait_for_url(f"{live_server.url}/villages/35.09.01.2001/")
    shot(page, shots, "3-village")
    page.get_by_role("link", name="Kopi Robusta Padomasan 250 g").first.click()
    page.wait_for_url(re.compile(rf"/products/{product.pk}/[a-z0-9-]+/$"))
    assert page.get_by_text("No reviews yet.").is_visible()
    shot(page, shots, "4-product")

    # into the cart, to checkout; a delivery address chosen by district, then village
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_text("Added to your cart.").wait_for()
    page.goto(f"{live_server.url}/cart/")
    page.get_by_role("link", name="Checkout").click()
    page.wait_for_url(f"{live_server.url}/checkout/")
    page.locator("#address-picker-link").click()
    page.get_by_label("Address name").fill("Rumah")
    page.get_by_label("Recipient").fill("Ayu Lestari")
    page.get_by_label("Phone / WhatsApp").fill("081234567890")
    page.get_by_label("Street address").fill("Jl. Kenanga No. 5, RT 02/RW 01")
    page.get_by_label("District (kecamatan)").select_option(label="Jombang")
    village = page.get_by_label("Village (desa/kelurahan)")
    village.locator("option:text-is('Padomasan')").wait_for(state="attached")
    village.select_option(label="Padomasan")
    shot(page, shots, "5-address")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/checkout/"))
    page.get_by_label(re.compile(r"^Rumah")).check()
    page.get_by_label(re.compile(r"^Delivery by the producer")).check()
    page.get_by_label("Card", exact=True).check()
    page.locator("[data-total]").filter(has_text="55.000").wait_for()  # 40.000 + 15.000 delivery
    shot(page, shots, "6-checkout")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/checkout/\d+/pay/$"))

    # pays by card
    checkout = Checkout.objects.get()
    page.locator("#card-element input[placeholder=number]").wait_for()
    _type_card(page, "4242424242424242")
    page.get_by_role("button", name="Pay Rp 55.000").click()
    page.wait_for_url(f"{live_server.url}/checkout/{checkout.pk}/")
    page.get_by_text("Payment received. Thank you!").wait_for()
    order = Order.objects.get()
    assert (order.status, order.delivery_option, order.total) == ("placed", "producer", 55000)

    # the producer accepts, packs and ships from its board
    producer_context, producer_page = new_page(browser, live_server)
    sign_in(producer_page, live_server, owner_of(producer).email)
    producer_page.goto(f"{live_server.url}/dashboard/producer/orders/")
    card = producer_page.locator(f"#order-{order.pk}")
    card.get_by_role("button", name="Accept").click()
    producer_page.locator(f"#order-{order.pk}").get_by_role("button", name="Mark as packed").click()
    card = producer_page.locator(f"#order-{order.pk}")
    card.locator("summary", has_text="Ship").click()
    card.get_by_role("button", name="Mark as shipped").click()
    producer_page.get_by_text("Shipped").first.wait_for()
    order.refresh_from_db()
    assert order.status == "shipped"

    # the consumer confirms delivery and writes a review with a photo
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.get_by_role("button", name="Confirm delivery").click()
    page.get_by_role("link", name="Write a review").click()
    page.wait_for_url(re.compile(rf"/orders/{order.pk}/lines/\d+/review/$"))
    page.get_by_role("radio", name=re.compile("5 stars")).check()
    page.get_by_label("Your review").fill("Harum dan segar, sampai dengan rapi.")
    page.get_by_label("Photos (up to 3)").set_input_files(str(photo))
    shot(page, shots, "7-review-form")
    page.get_by_role("button", name="Publish my review").click()
    page.wait_for_url(f"{live_server.url}/orders/{order.pk}/")
    page.get_by_text("Thank you: your review is published.").wait_for()
    review = Review.objects.get()
    assert (review.rating, review.author_id, review.photos.count()) == (5, consumer.pk, 1)
    shot(page, shots, "8-order-reviewed")

    # the producer replies from its reviews page
    producer_page.goto(f"{live_server.url}/dashboard/producer/")
    producer_page.get_by_role("navigation", name="Producer area").get_by_role("link", name="Reviews").click()
    producer_page.get_by_label("Your reply").fill("Terima kasih, Kak Ayu!")
    producer_page.get_by_role("button", name="Reply").click()
    producer_page.get_by_text("Your reply is published").wait_for()
    shot(producer_page, shots, "9-producer-reviews")
    producer_context.close()

    # the product page shows the review, the reply, the rating and the sale
    page.goto(f"{live_server.url}/products/{product.pk}/")
    reviews = page.locator("#reviews")
    assert reviews.get_by_text("Harum dan segar, sampai dengan rapi.").is_visible()
    assert reviews.get_by_text("Terima kasih, Kak Ayu!").is_visible()
    assert reviews.get_by_text("Verified purchase").is_visible()
    assert reviews.get_by_text("Ayu L.").is_visible()
    assert page.locator(".rating-link .rating-average").inner_text() == "5.0"
    assert page.locator(".rating-link .rating-sold").inner_text() == "1 sold"
    reviews.get_by_role("img", name="Buyer's photo 1").wait_for()
    data = [json.loads(block) for block in page.locator('script[type="application/ld+json"]').all_inner_texts()]
    item = next(d for d in data if d["@type"] == "Product")
    assert (item["aggregateRating"]["ratingValue"], item["aggregateRating"]["reviewCount"]) == ("5.0", 1)
    shot(page, shots, "10-product-reviewed")
    context.close()
