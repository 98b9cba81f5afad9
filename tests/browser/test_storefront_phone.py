"""The main pages at 360 px in Chromium (issue 17): no sideways scroll, a compact header (one row and the search
box), the menu opens without JavaScript, the pay page's figures on one line; screenshots kept in the test's
temporary folder (and in ARTIFACTS when it fails)."""
from __future__ import annotations

import re

import pytest
from django.test import Client

from orders.models import PaymentMethod
from orders.services import cart_line_set, order_accept, order_pack
from tests.factories import OfficerFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import consumer_shopper, on_sale, place, verified_producer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
HEADER_MAX = 130  # brand, cart and menu in one row, the search box under it (was 150–200 px before)
NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


def session_cookie(live_server, user, *, mfa: bool = False) -> dict:
    """Return the session cookie of ``user`` signed in (with the second factor for an officer)."""
    client = Client()
    if mfa:
        force_login_mfa(client, user)
    else:
        client.force_login(user)
    from django.conf import settings

    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url}


def check_page(page, url: str, shots, name: str) -> None:
    page.goto(url)
    page.wait_for_load_state()
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page.evaluate(NO_SIDEWAYS), f"{name}: scrolls sideways {widths}"
    header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    assert header <= HEADER_MAX, f"{name}: header {header} px"


def test_the_main_pages_fit_a_360_px_phone(browser, live_server, tmp_path, totp_for):
    # given: a consumer with a cart, a pickup order being prepared and a checkout waiting for a transfer
    producer = verified_producer(name="Kelompok Perajin Kalung Kopi Sidomulyo Jember")
    coffee = on_sale(producer=producer, name="Kopi Robusta Sidomulyo Petik Merah Bubuk Halus 250 g",
                     retail_price=1_250_000)
    tape = on_sale(producer=producer, name="Tape Manis Bondowoso", retail_price=96000)
    shopper, address = consumer_shopper()
    cart_line_set(shopper=shopper, product_id=coffee.pk, quantity=12)
    cart_line_set(shopper=shopper, product_id=tape.pk, quantity=3)
    checkout = place(shopper, destination=address, method=PaymentMethod.BANK_TRANSFER)
    order = checkout.orders.get()
    from orders.services import checkout_mark_paid

    checkout_mark_paid(checkout=checkout, reference="KI-test")
    order.refresh_from_db()
    from tests.orders.factories import owner_of

    order_accept(order=order, actor=owner_of(producer))
    order_pack(order=order, actor=owner_of(producer))
    cart_line_set(shopper=shopper, product_id=tape.pk, quantity=2)
    waiting = place(shopper, destination=address, method=PaymentMethod.BANK_TRANSFER)
    cart_line_set(shopper=shopper, product_id=coffee.pk, quantity=1)
    officer = OfficerFactory()
    totp_for(officer)
    shots = tmp_path / "screenshots"
    shots.mkdir()

    # when / then: a visitor, the consumer and an officer open their main pages at 360 px
    visitor = browser.new_context(viewport=PHONE, locale="id-ID", timezone_id="Asia/Jakarta")
    page = visitor.new_page()
    for name, path in (("home", "/"), ("products", "/products/"), ("product", f"/products/{coffee.pk}/"),
                       ("villages", "/villages/"), ("search", "/search/?q=kopi")):
        check_page(page, live_server.url + path, shots, f"visitor-{name}")
    # the menu is a <details>: it opens on a tap and shows every link of the navigation
    page.goto(live_server.url + "/")
    assert not page.get_by_role("navigation", name="Utama").get_by_role("link", name="Desa").is_visible()
    page.locator("summary.menu-button").click()
    assert page.get_by_role("navigation", name="Utama").get_by_role("link", name="Desa").is_visible()
    visitor.close()

    context = browser.new_context(viewport=PHONE, locale="id-ID", timezone_id="Asia/Jakarta")
    context.add_cookies([session_cookie(live_server, shopper.user)])
    page = context.new_page()
    for name, path in (("cart", "/cart/"), ("orders", "/orders/"), ("order", f"/orders/{order.pk}/"),
                       ("pay", f"/checkout/{waiting.pk}/pay/")):
        check_page(page, live_server.url + path, shots, f"consumer-{name}")
    page.goto(live_server.url + "/products/")
    assert page.locator(".header-cart .cart-count").inner_text() == "1"
    # the pay page: each figure on one line, never "Rp 96.0|00"
    page.goto(f"{live_server.url}/checkout/{waiting.pk}/pay/")
    for selector in ("#transfer-amount", "#transfer-account", "#transfer-reference", ".pay-amount"):
        box = page.locator(selector).bounding_box()
        line = page.locator(selector).evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
        assert box["height"] < line * 1.5, f"{selector} wraps ({box['height']} px)"
    # order lines: "Rp" and the figure together
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    for cell in page.locator(".order-lines td.num").all():
        assert not re.search(r"Rp\s*\n", cell.inner_text())
    context.close()

    officer_context = browser.new_context(viewport=PHONE, locale="id-ID", timezone_id="Asia/Jakarta")
    officer_context.add_cookies([session_cookie(live_server, officer, mfa=True)])
    page = officer_context.new_page()
    for name, path in (("villages", "/dashboard/officer/villages/"), ("order", f"/orders/{order.pk}/"),
                       ("transfers", "/dashboard/officer/finance/transfers/")):
        check_page(page, live_server.url + path, shots, f"officer-{name}")
    officer_context.close()
    assert len(list(shots.glob("*.png"))) == 12
