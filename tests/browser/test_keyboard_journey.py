"""A consumer's purchase at 360 px with the keyboard alone, and the same purchase with JavaScript switched off
(issue 17's quality bars: keyboard-only journeys work; usable without JavaScript, htmx only enhances).

Keyboard: Tab, Shift+Tab, Enter, Space, the arrow keys and typing (``page.keyboard``); no clicks, no ``fill``.
Every element that takes the focus on the way shows a focus indicator (an outline or a box shadow).
"""
from __future__ import annotations

import re

import pytest

from orders.models import Checkout, Order
from search.backends import backend_reset
from search.backends.database import Database
from tests.browser.axe import artefact_folder
from tests.browser.keyboard import arrow_to, focused, tab_to
from tests.catalog.factories import village
from tests.factories import PASSWORD, UserFactory
from tests.orders.factories import on_sale, verified_producer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
PRODUCT = "Kopi Robusta Padomasan 250 g"


@pytest.fixture
def shop(transactional_db):
    """A consumer without an address, and a coffee from a producer who ships by courier, in the search index."""
    backend_reset()
    village()  # Padomasan, District Jombang: where the consumer lives
    producer = verified_producer(name="UD Kopi Padomasan", offers_courier=True, courier_fee=9000)
    coffee = on_sale(producer=producer, name=PRODUCT, retail_price=30000)
    Database().rebuild()
    yield UserFactory(email="sari@example.id"), coffee
    backend_reset()


def _context(browser, live_server, *, javascript: bool = True):
    context = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="Asia/Jakarta",
                                  java_script_enabled=javascript)
    context.add_cookies([{"name": "ki_language", "value": "en", "url": live_server.url}])
    context.set_default_timeout(15_000)
    return context


def _press(page, target, key: str = "Enter", *, back: bool = False) -> None:
    tab_to(page, target, back=back)
    page.keyboard.press(key)


def test_a_consumer_buys_with_the_keyboard_alone(browser, live_server, shop):
    consumer, coffee = shop
    shots = artefact_folder("keyboard")
    context = _context(browser, live_server)
    page = context.new_page()

    # given: the home page; the first Tab reaches the skip link, shown on the screen, and Enter moves to the content
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    assert focused(page) == {"tag": "a", "name": "Skip to content", "ring": True}
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] >= 24
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # when: the consumer opens the menu (a <details>) and signs in
    _press(page, page.locator("summary.menu-button"), back=True)
    _press(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in"))
    page.wait_for_url(re.compile(r"/accounts/login/"))
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(consumer.email)
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # and searches from the header, opens the coffee and adds it to the cart
    _press(page, page.locator("#header-search-input"), "Home", back=True)
    page.keyboard.type("kopi")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=kopi"))
    _press(page, page.get_by_role("link", name=PRODUCT).first)
    page.wait_for_url(re.compile(rf"/products/{coffee.pk}/"))
    _press(page, page.get_by_role("button", name="Add to cart"))
    page.get_by_text("Added to your cart.").wait_for()
    page.screenshot(path=str(shots / "product.png"), full_page=True)

    # and goes to the cart (back up to the header) and on to the checkout
    _press(page, page.locator("a.header-cart"), back=True)
    page.wait_for_url(f"{live_server.url}/cart/")
    _press(page, page.get_by_role("link", name="Checkout", exact=True))
    page.wait_for_url(f"{live_server.url}/checkout/")

    # and adds a delivery address: the district from a list, then a village of that district
    _press(page, page.locator("#address-picker-link"), back=False)
    page.wait_for_url(re.compile(r"/addresses/new/"))
    for label, text in (("Address name", "Rumah"), ("Recipient", "Sari"), ("Phone", "081234567890"),
                        ("Street", "Jl. Kenanga 5")):
        tab_to(page, page.get_by_label(re.compile(rf"^{label}")))
        page.keyboard.type(text)
    tab_to(page, page.get_by_label(re.compile(r"^District")))
    page.keyboard.type("Jombang")  # a select's type-ahead
    page.locator("#id_village_code option", has_text="Padomasan").wait_for(state="attached")
    tab_to(page, page.get_by_label(re.compile(r"^Village")))
    page.keyboard.type("Padomasan")
    assert page.get_by_label(re.compile(r"^Village")).input_value() == "35.09.01.2001"
    page.screenshot(path=str(shots / "address.png"), full_page=True)
    _press(page, page.get_by_role("button", name="Save", exact=True).last)
    page.wait_for_url(re.compile(r"/checkout/"))

    # and chooses the courier and a bank transfer with the arrow keys, and places the order
    courier = page.get_by_label(re.compile(r"^Courier"))
    tab_to(page, page.locator(f"input[name='{courier.get_attribute('name')}']:checked"))
    arrow_to(page, courier)
    transfer = page.get_by_label("Bank transfer")
    tab_to(page, page.locator("input[name='payment_method']").first)
    arrow_to(page, transfer)
    page.locator("[data-total]").filter(has_text="39.000").wait_for()  # 30.000 + 9.000 courier
    page.screenshot(path=str(shots / "checkout.png"), full_page=True)
    _press(page, page.get_by_role("button", name="Place order"))
    page.wait_for_url(re.compile(r"/checkout/\d+/$"))

    # then: the order is placed as chosen; the pay page and the order page open from the keyboard
    checkout = Checkout.objects.get()
    order = Order.objects.get()
    assert (checkout.total, checkout.payment_method, order.delivery_option) == (39000, "bank_transfer", "courier")
    _press(page, page.get_by_role("link", name="See how to transfer"))
    page.wait_for_url(f"{live_server.url}/checkout/{checkout.pk}/pay/")
    page.screenshot(path=str(shots / "pay.png"), full_page=True)
    _press(page, page.get_by_role("link", name="Back to the order"))
    page.wait_for_url(f"{live_server.url}/checkout/{checkout.pk}/")
    _press(page, page.get_by_role("link", name=order.number))
    page.wait_for_url(f"{live_server.url}/orders/{order.pk}/")
    assert page.get_by_role("heading", level=1).inner_text().find(order.number) >= 0

    # and once paid and shipped (the officer's and the producer's pages are not under test here), the
    # consumer confirms the delivery and reviews the coffee, still with the keyboard alone
    from orders.services import checkout_mark_paid, order_accept, order_pack, order_ship
    from reviews.models import Review
    from tests.orders.factories import owner_of

    checkout_mark_paid(checkout=checkout, reference="KI-keyboard")
    producer_owner = owner_of(coffee.producer)
    for step in (order_accept, order_pack):
        step(order=Order.objects.get(pk=order.pk), actor=producer_owner)
    order_ship(order=Order.objects.get(pk=order.pk), actor=producer_owner, courier="JNE", tracking_number="JNE123")
    page.reload()
    _press(page, page.get_by_role("button", name="Confirm delivery"))
    page.get_by_role("link", name="Write a review").wait_for()
    _press(page, page.get_by_role("link", name="Write a review"))
    page.wait_for_url(re.compile(rf"/orders/{order.pk}/lines/\d+/review/$"))
    _press(page, page.get_by_role("radio").first, key="Space")  # the first star choice, checked with Space
    page.keyboard.press("ArrowDown")  # the arrow keys move the choice within the group
    chosen = int(page.evaluate("document.querySelector('input[type=radio]:checked').value"))
    tab_to(page, page.get_by_label("Your review"))
    page.keyboard.type("Harum, sampai dengan rapi.")
    _press(page, page.get_by_role("button", name="Publish my review"))
    page.wait_for_url(f"{live_server.url}/orders/{order.pk}/")
    page.get_by_text("Thank you: your review is published.").wait_for()
    review = Review.objects.get()
    assert (review.rating, review.text, review.author_id) == (chosen, "Harum, sampai dengan rapi.", consumer.pk)
    page.screenshot(path=str(shots / "reviewed.png"), full_page=True)
    context.close()


def test_a_consumer_buys_without_javascript(browser, live_server, shop):
    consumer, coffee = shop
    shots = artefact_folder("no-javascript")
    context = _context(browser, live_server, javascript=False)
    page = context.new_page()

    # given: signed in through the form
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(consumer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # when: the consumer searches from the header, opens the coffee and adds two
    page.locator("summary.menu-button").click()  # the menu opens without JavaScript (a <details>)
    page.locator("#header-search-input").fill("kopi")
    page.locator("#header-search-input").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=kopi"))
    page.get_by_role("link", name=PRODUCT).first.click()
    page.wait_for_url(re.compile(rf"/products/{coffee.pk}/"))
    page.get_by_label(re.compile(r"^Quantity")).fill("2")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_text("Added to your cart.").wait_for()

    # and checks out: a new address, the district first ("Show villages" reloads the form), then the village
    page.goto(f"{live_server.url}/cart/")
    page.get_by_role("link", name="Checkout", exact=True).click()
    page.locator("#address-picker-link").click()
    page.get_by_label(re.compile(r"^Address name")).fill("Rumah")
    page.get_by_label(re.compile(r"^Recipient")).fill("Sari")
    page.get_by_label(re.compile(r"^Phone")).fill("081234567890")
    page.get_by_label(re.compile(r"^Street")).fill("Jl. Kenanga 5")
    page.get_by_label(re.compile(r"^District")).select_option(label="Jombang")
    page.get_by_role("button", name="Show villages").click()
    page.get_by_label(re.compile(r"^Village")).select_option(label="Padomasan")
    page.get_by_role("button", name="Save", exact=True).last.click()
    page.wait_for_url(re.compile(r"/checkout/"))
    page.get_by_label(re.compile(r"^Courier")).check()
    page.get_by_label("Bank transfer").check()
    page.screenshot(path=str(shots / "checkout.png"), full_page=True)
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/checkout/\d+/$"))

    # then: the order is placed with the courier's fee, and its page opens
    checkout = Checkout.objects.get()
    order = Order.objects.get()
    assert (checkout.total, checkout.payment_method, order.delivery_option) == (69000, "bank_transfer", "courier")
    page.get_by_role("link", name=order.number).click()
    page.wait_for_url(f"{live_server.url}/orders/{order.pk}/")
    page.screenshot(path=str(shots / "order.png"), full_page=True)
    context.close()
