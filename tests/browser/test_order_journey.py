"""An order's way in a real phone-sized browser: a retail buyer searches, fills one cart from two producers'
product pages, checks out to an outlet, each producer accepts, packs and ships from the board, the buyer confirms."""
import re

import pytest

from orders.models import Checkout, Order
from tests.conftest import ARTIFACTS
from tests.factories import PASSWORD
from tests.orders.factories import buyer_organisation, on_sale, owner_of, verified_producer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_buyer_orders_from_two_producers_and_each_ships(browser, live_server):
    # given: a buyer organisation with an outlet, and two producers with a product each
    organisation, buyer, outlet = buyer_organisation()
    coffee_maker = verified_producer(name="UD Kopi Padomasan")
    snack_maker = verified_producer(name="UD Keripik Sukorambi", offers_courier=True, courier_fee=9000)
    coffee = on_sale(producer=coffee_maker, name="Kopi Robusta 250 g", retail_price=30000, min_order_qty=6,
                     order_multiple=6, tiers=[(12, 25000)])
    chips = on_sale(producer=snack_maker, name="Keripik Pisang 200 g", retail_price=12000)
    ARTIFACTS.mkdir(exist_ok=True)

    def context():
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB",
                                  timezone_id="Asia/Jakarta")
        ctx.add_cookies([{"name": "ki_language", "value": "en", "url": live_server.url}])
        ctx.set_default_timeout(15_000)
        return ctx

    # when: the buyer searches for the coffee, opens it and adds it; then adds the chips from their page
    buyer_context = context()
    page = buyer_context.new_page()
    sign_in(page, live_server, buyer.email)
    page.locator("summary.menu-button").click()  # the phone header's menu (issue 17)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_role("combobox", name="Search products").fill("kopi robusta")
    page.get_by_role("combobox", name="Search products").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=kopi\+robusta"))
    page.get_by_role("region", name="Results").get_by_role("link", name="Kopi Robusta 250 g").click()
    page.wait_for_url(re.compile(rf"/products/{coffee.pk}/[a-z0-9-]+/$"))  # the address with its slug (issue 17)
    page.get_by_label(re.compile(r"^Quantity")).fill("12")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_text("Added to your cart.").wait_for()
    page.goto(f"{live_server.url}/products/{chips.pk}/")
    page.get_by_label(re.compile(r"^Quantity")).fill("10")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_text("Added to your cart.").wait_for()

    page.goto(f"{live_server.url}/cart/")
    assert page.get_by_role("heading", name="UD Kopi Padomasan").is_visible()
    assert page.get_by_role("heading", name="UD Keripik Sukorambi").is_visible()
    # the quantity changes in place (htmx): 12 -> 18 coffee at the 25.000 tier
    coffee_line = page.locator(f"#line-{coffee.pk}")
    coffee_line.get_by_label("Quantity").fill("18")
    coffee_line.get_by_label("Quantity").press("Tab")
    page.locator(f"#line-{coffee.pk} .cart-line-total").filter(has_text="450.000").wait_for()
    page.screenshot(path=str(ARTIFACTS / "order-cart-phone.png"), full_page=True)

    # and checks out to the outlet, on terms, the chips by courier
    page.get_by_role("link", name="Checkout").click()
    page.wait_for_url(f"{live_server.url}/checkout/")
    page.get_by_label(re.compile(r"^Toko Pusat")).check()
    page.get_by_label(re.compile(r"^Courier")).check()
    page.locator("[data-total]").filter(has_text="579.000").wait_for()  # 450.000 + 120.000 + 9.000
    page.get_by_label("Invoice on terms").check()
    page.get_by_label("Note for the producers").fill("Antar sebelum jam 10")
    page.screenshot(path=str(ARTIFACTS / "order-checkout-phone.png"), full_page=True)
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/checkout/\d+/$"))
    checkout = Checkout.objects.get()
    assert (checkout.total, checkout.status, checkout.outlet_id) == (579000, "on_terms", outlet.pk)
    assert page.get_by_text(checkout.number).first.is_visible()

    # then: each producer accepts, packs and ships from the phone
    for producer, courier in ((coffee_maker, None), (snack_maker, ("JNE", "JNE123456"))):
        producer_context = context()
        producer_page = producer_context.new_page()
        sign_in(producer_page, live_server, owner_of(producer).email)
        producer_page.goto(f"{live_server.url}/dashboard/producer/")
        producer_page.get_by_role("link", name="Incoming orders").click()
        order = Order.objects.get(producer=producer)
        card = producer_page.locator(f"#order-{order.pk}")
        card.get_by_role("button", name="Accept").click()
        producer_page.get_by_text("Accepted").first.wait_for()
        producer_page.locator(f"#order-{order.pk}").get_by_role("button", name="Mark as packed").click()
        producer_page.get_by_text("Packed").first.wait_for()
        card = producer_page.locator(f"#order-{order.pk}")
        if courier:
            card.get_by_label("Courier").fill(courier[0])
            card.get_by_label("Tracking number").fill(courier[1])
            producer_page.screenshot(path=str(ARTIFACTS / "order-board-phone.png"), full_page=True)
            card.get_by_role("button", name="Mark as shipped").click()
        else:  # pickup at the village: handed over, no courier asked (issue 17)
            card.get_by_role("button", name="Handed over to the buyer").click()
        producer_page.get_by_text("Shipped").first.wait_for()
        order.refresh_from_db()
        assert order.status == "shipped"
        producer_context.close()

    # and the buyer confirms both deliveries
    for order in Order.objects.order_by("pk"):
        page.goto(f"{live_server.url}/orders/{order.pk}/")
        page.get_by_role("button", name="Confirm delivery").click()
        page.get_by_text("Delivered").first.wait_for()
    assert sorted(Order.objects.values_list("status", "courier", "tracking_number")) == [
        ("delivered", "", ""), ("delivered", "JNE", "JNE123456")]
    buyer_context.close()
