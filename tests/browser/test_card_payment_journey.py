"""Paying by card in a real phone-sized browser: a shopper places a card checkout, types the test card into the
Stripe.js card element (the emulator's Stripe.js, talking to the emulator) and lands on the paid confirmation;
a 3-D Secure card goes through the bank's check first.

localstripe 1.15's Stripe.js leaves ``createPaymentMethod`` a stub returning nothing, and its server takes only
a secret key on ``POST /v1/payment_methods``, where real Stripe takes the publishable key. ``_complete_the_emulator``
adds both, the way Stripe behaves: the page's own code is unchanged and talks to Stripe.js as in production.
"""
import re
import urllib.parse
import urllib.request

import pytest

from orders.models import Checkout
from orders.selectors import shopper_get
from orders.services import cart_line_set
from payments.models import LedgerEntry, Payment
from tests.conftest import ARTIFACTS
from tests.factories import PASSWORD
from tests.orders.factories import consumer, on_sale, verified_producer
from tests.payments.conftest import localstripe_server, stripe_emulator  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


CREATE_PAYMENT_METHOD = """
(() => {
  let stripeFactory;
  Object.defineProperty(window, "Stripe", {configurable: true, get() { return stripeFactory; }, set(factory) {
    stripeFactory = (key, options) => {
      const stripe = factory(key, options);
      stripe.createPaymentMethod = async ({type, card}) => {
        const value = (card.value || {}).card || {};
        const body = new URLSearchParams({type, "card[number]": value.number || "", "card[cvc]": value.cvc || "",
          "card[exp_month]": value.exp_month || "", "card[exp_year]": value.exp_year || "", key});
        const response = await fetch("%(base)s/v1/payment_methods", {method: "POST", body});
        const json = await response.json().catch(() => ({}));
        return response.ok ? {paymentMethod: json} : {error: json.error || {message: "Bad request"}};
      };
      return stripe;
    };
  }});
})();
"""


def _complete_the_emulator(context, base: str) -> None:
    context.add_init_script(CREATE_PAYMENT_METHOD % {"base": base})

    def with_key(route):
        route.continue_(headers={**route.request.headers, "authorization": "Bearer sk_test_kampung"})

    context.route(f"{base}/v1/payment_methods", with_key)


@pytest.fixture
def emulator(stripe_emulator, settings):  # noqa: F811
    settings.STRIPE_JS_URL = f"{stripe_emulator}/js.stripe.com/v3/"
    return stripe_emulator


@pytest.fixture
def shopper_page(browser, live_server, emulator):
    """Return (page, user): a signed-in consumer, English, phone-sized, with 4 × Rp 10.000 in the cart."""
    user, _address = consumer()
    product = on_sale(producer=verified_producer(name="UD Kopi Padomasan"), name="Kopi Robusta 250 g", stock=20,
                      retail_price=10000)
    cart_line_set(shopper=shopper_get(user=user), product_id=product.pk, quantity=4)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", timezone_id="Asia/Jakarta")
    context.add_cookies([{"name": "ki_language", "value": "en", "url": live_server.url}])
    context.set_default_timeout(15_000)
    _complete_the_emulator(context, emulator)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    yield page, user
    context.close()


def _place_by_card(page, live_server) -> Checkout:
    page.goto(f"{live_server.url}/checkout/")
    page.get_by_label(re.compile(r"^Rumah")).check()
    page.get_by_label("Card", exact=True).check()
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/checkout/\d+/pay/$"))
    checkout = Checkout.objects.get()
    assert page.url == f"{live_server.url}/checkout/{checkout.pk}/pay/"
    return checkout


def _type_card(page, number: str) -> None:
    """Type into the card element the emulator's Stripe.js mounted (its inputs are named by placeholder)."""
    element = page.locator("#card-element")
    element.locator("input[placeholder=number]").fill(number)
    element.locator("input[placeholder=exp_month]").fill("12")
    element.locator("input[placeholder=exp_year]").fill("30")
    element.locator("input[placeholder=cvc]").fill("123")


def test_a_shopper_pays_a_card_checkout_with_the_test_card(shopper_page, live_server):
    page, user = shopper_page

    # given a checkout placed by card: the shopper lands on the pay page with Stripe's card element
    checkout = _place_by_card(page, live_server)
    assert page.get_by_role("heading", name=f"Pay for order {checkout.number}").is_visible()
    assert page.get_by_text("Thank you! Your order").is_visible()
    page.locator("#card-element input[placeholder=number]").wait_for()
    pay = page.get_by_role("button", name="Pay Rp 40.000")
    assert pay.is_enabled()

    # when the shopper types the test card and pays
    _type_card(page, "4242424242424242")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pay-by-card.png"), full_page=True)
    pay.click()

    # then the confirmation says paid, once
    page.wait_for_url(f"{live_server.url}/checkout/{checkout.pk}/")
    page.get_by_text("Payment received. Thank you!").wait_for()
    assert not page.get_by_role("link", name="Pay now").count()
    checkout.refresh_from_db()
    payment = Payment.objects.get()
    assert (checkout.status, checkout.payment_reference) == ("paid", payment.reference)
    assert (payment.status, payment.applied) == ("succeeded", True)
    assert sorted(LedgerEntry.objects.values_list("kind", flat=True)) == ["allocation", "receipt"]
    page.goto(f"{live_server.url}/checkout/{checkout.pk}/pay/")
    assert page.get_by_text("This order is paid").is_visible()
    assert page.locator("#card-form").count() == 0


def test_a_declined_card_then_a_3d_secure_card_with_the_webhook_racing_the_return(shopper_page, live_server,
                                                                                   emulator):
    page, user = shopper_page
    _webhook_to(emulator, f"{live_server.url}/payments/webhooks/stripe")
    try:
        checkout = _place_by_card(page, live_server)
        page.locator("#card-element input[placeholder=number]").wait_for()

        # a declined card: a clear message, the form again, nothing paid
        _type_card(page, "4000000000000341")
        page.get_by_role("button", name="Pay Rp 40.000").click()
        page.get_by_text("The card was declined.").wait_for()
        assert page.url == f"{live_server.url}/checkout/{checkout.pk}/pay/"
        assert Checkout.objects.get().status == "awaiting_payment"

        # a card whose bank asks for 3-D Secure: the emulator's Stripe.js shows the check, the shopper passes it
        page.locator("#card-element input[placeholder=number]").wait_for()
        _type_card(page, "4000002500003155")
        page.get_by_role("button", name="Pay Rp 40.000").click()
        page.get_by_text("Your bank asks you to confirm this payment.").wait_for()
        page.get_by_role("button", name="Complete authentication").click()

        page.wait_for_url(f"{live_server.url}/checkout/{checkout.pk}/")
        page.get_by_text("Payment received. Thank you!").wait_for()
        checkout.refresh_from_db()
        assert checkout.status == "paid"
        assert list(Payment.objects.order_by("attempt").values_list("attempt", "status")) == [
            (1, "failed"), (2, "succeeded")]
        assert sorted(LedgerEntry.objects.values_list("kind", flat=True)) == ["allocation", "receipt"]
    finally:
        _webhook_to(emulator, "http://127.0.0.1:9/")  # the emulator lives on: send later events nowhere


def _webhook_to(base: str, url: str) -> None:
    data = urllib.parse.urlencode({"url": url, "secret": "whsec_test_kampung"}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{base}/_config/webhooks/kampung", data=data), timeout=5).close()
