"""Issue 17, seen on main: the header, bank transfer, orders after shipping and at pickup, the cart's quantity
box, units, dates with their zone, names in the reader's language, emails' site, the recovery codes' way on."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation

from catalog.models import Category, Commodity, Unit
from market.core.dates import date_display, datetime_display
from orders.models import CartLine, PaymentMethod
from orders.services import cart_line_set, order_accept, order_pack, order_ship
from payments.models import Payment
from payments.services import bank_reference_for
from tests.factories import PASSWORD, OfficerFactory, UserFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import consumer, consumer_shopper, on_sale, place, placed_order, verified_producer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages in English (the source language the tests assert)."""


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- header ---------------------------------------------------------------------------------


def test_every_page_has_the_search_box_with_suggestions_and_a_menu_button(client):
    page = text(client.get("/products/"))

    form = re.search(r'<form class="header-search" role="search" method="get" action="/search/">(.*?)</form>', page)
    assert form is not None
    assert 'name="q"' in form.group(1) and 'hx-get="/search/suggest/"' in form.group(1)
    assert 'aria-controls="header-search-suggestions"' in form.group(1)
    assert re.search(r'<details class="site-menu">\s*<summary class="menu-button">', page)
    assert "/static/frontend/js/search.js" in page
    # the search page has its own box: one box, one id
    assert page.count('role="combobox"') == 1
    assert text(client.get("/search/")).count('role="combobox"') == 1


def test_the_header_counts_the_products_in_the_cart(client):
    shopper, _address = consumer_shopper()
    for quantity in (2, 5):
        cart_line_set(shopper=shopper, product_id=on_sale().pk, quantity=quantity)
    client.force_login(shopper.user)

    page = text(client.get("/products/"))

    assert '<a class="header-cart" href="/cart/" data-cart-count="2">' in page
    assert '<span class="visually-hidden">Cart: 2 products</span>' in page
    assert '<span class="cart-count" aria-hidden="true">2</span>' in page


def test_a_visitor_without_a_cart_sees_an_empty_cart_link_and_an_officer_none(client):
    page = text(client.get("/"))
    assert 'data-cart-count="0"' in page

    force_login_mfa(client, OfficerFactory())
    assert "header-cart" not in text(client.get("/"))


# --- address form ---------------------------------------------------------------------------


def test_the_consumer_address_form_picks_district_then_village_by_name(client):
    user, _address = consumer()
    client.force_login(user)

    page = text(client.get("/addresses/new/"))

    assert re.search(r'<select name="district"[^>]*id="id_district"', page)
    assert re.search(r'<select name="village_code"[^>]*id="id_village_code"', page)
    assert 'type="text" name="village_code"' not in page
    villages = text(client.get("/places/villages/", {"district": "35.09.01"}))
    assert '<option value="35.09.01.2001">Padomasan</option>' in villages


# --- bank transfer --------------------------------------------------------------------------


def _transfer_checkout():
    shopper, address = consumer_shopper()
    product = on_sale(retail_price=96000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    return place(shopper, destination=address, method=PaymentMethod.BANK_TRANSFER)


def test_the_reference_is_made_when_the_checkout_is_placed_and_officers_see_it_waiting(client, totp_for):
    checkout = _transfer_checkout()  # the buyer never opens the pay page

    payment = Payment.objects.get(checkout=checkout)
    assert (payment.provider, payment.status, payment.reference, payment.amount) == (
        "bank_transfer", "pending", bank_reference_for(checkout.pk), checkout.total)
    officer = OfficerFactory()
    totp_for(officer)
    force_login_mfa(client, officer)
    response = client.get("/dashboard/officer/finance/transfers/")
    assert response.status_code == 200 and bank_reference_for(checkout.pk) in text(response)


def test_the_pay_page_has_copy_buttons_and_never_breaks_a_figure(client):
    checkout = _transfer_checkout()
    client.force_login(checkout.placed_by)

    page = text(client.get(f"/checkout/{checkout.pk}/pay/"))

    assert re.findall(r'<button type="button" class="copy-button button-small" data-copy="([^"]+)"', page) == [
        "0011223344", str(checkout.total), bank_reference_for(checkout.pk)]
    assert page.count(" hidden>Copy") == 3  # shown by copy.js where the clipboard can be written
    assert '<script src="/static/frontend/js/copy.js" defer></script>' in page
    css = (client.get("/static/frontend/css/payments.css").getvalue().decode())
    assert ".pay-amount, .copyable, .pay-reference { white-space: nowrap; }" in css
    assert "overflow-wrap: anywhere" not in css.split("/* At 360 px")[1]


def test_without_the_programmes_account_the_page_refuses_to_show_one(client, settings):
    checkout = _transfer_checkout()
    settings.PAYMENTS_BANK_ACCOUNT_NUMBER = ""
    client.force_login(checkout.placed_by)

    page = text(client.get(f"/checkout/{checkout.pk}/pay/"))
    api = client.get(f"/api/v1/payments/checkouts/{checkout.pk}/bank-transfer/")

    assert "data-bank-not-configured" in page and "bank account is not set up" in page
    assert "Account number" not in page and "Payment reference" not in page
    assert api.status_code == 503 and api.json()["code"] == "bank_account_not_configured"
    # and bank transfer is not offered for a new checkout
    from orders.selectors import checkout_payment_methods

    shopper, _address = consumer_shopper()
    assert PaymentMethod.BANK_TRANSFER not in checkout_payment_methods(shopper=shopper)


# --- orders ---------------------------------------------------------------------------------


def test_after_shipping_the_order_page_says_shipped_and_when_it_was_placed(client):
    order, _product, people = placed_order(rule={"offers_courier": True, "courier_fee": 12000})
    producer = people["producer"]
    order_accept(order=order, actor=producer)
    order_pack(order=order, actor=producer)
    order_ship(order=order, actor=producer, courier="JNE", tracking_number="JNE123")
    client.force_login(people["buyer"])

    page = text(client.get(f"/orders/{order.pk}/"))
    with translation.override("id"):
        client.cookies["ki_language"] = "id"
        indonesian = text(client.get(f"/orders/{order.pk}/"))

    assert '<span class="status-badge status-shipped">Shipped</span>' in page
    assert "<dt>Placed on</dt>" in page and "WIB</dd>" in page
    assert "Menunggu konfirmasi" not in indonesian.split('<section aria-labelledby="timeline-title">')[0]


def test_a_pickup_order_asks_for_no_courier_and_shows_no_delivery_address(client):
    order, _product, people = placed_order()  # pickup at the village
    producer = people["producer"]
    order_accept(order=order, actor=producer)
    order_pack(order=order, actor=producer)
    client.force_login(producer)

    page = text(client.get(f"/orders/{order.pk}/"))

    assert 'name="courier"' not in page and 'name="tracking_number"' not in page
    assert "data-pickup-handover" in page and "Delivery address" not in page and "data-pickup" in page
    response = client.post(f"/orders/{order.pk}/action/", {"to": "shipped", "next": f"/orders/{order.pk}/"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "shipped"
    client.force_login(people["buyer"])
    assert '<span class="status-badge status-shipped">Picked up</span>' in text(client.get(f"/orders/{order.pk}/"))


def test_order_lines_use_the_product_pages_unit_words(client):
    order, _product, people = placed_order(quantity=3)
    client.force_login(people["buyer"])
    line = order.lines.get()
    assert line.unit == Unit.PACK

    page = text(client.get(f"/orders/{order.pk}/"))

    assert 'data-label="Qty">3 packs</td>' in page and ">3 pack<" not in page


# --- cart -----------------------------------------------------------------------------------


def test_a_consumer_gets_no_wholesale_step_and_update_works_without_javascript(client):
    shopper, _address = consumer_shopper()
    product = on_sale(min_order_qty=6, order_multiple=6, retail_price=10000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
    client.force_login(shopper.user)

    page = text(client.get("/cart/"))
    assert re.search(rf'id="qty-{product.pk}" name="quantity" type="number" inputmode="numeric" min="1" step="1"', page)

    response = client.post(f"/cart/lines/{product.pk}/", {"quantity": "5"})  # the button, no htmx

    assert response.status_code == 302 and response["Location"] == "/cart/"
    assert CartLine.objects.get(product=product).quantity == 5


# --- language, dates, emails ----------------------------------------------------------------


def test_categories_and_commodities_read_in_the_readers_language():
    category = Category.objects.create(name="Kopi bubuk", name_en="Ground coffee", slug="kopi-bubuk-x")
    commodity = Commodity.objects.create(name="Kopi robusta", name_en="Robusta coffee", slug="kopi-robusta-x")
    with translation.override("en"):
        assert (str(category), str(commodity)) == ("Ground coffee", "Robusta coffee")
    with translation.override("id"):
        assert (str(category), str(commodity)) == ("Kopi bubuk", "Kopi robusta")


def test_one_date_format_per_language_with_the_zone():
    moment = datetime(2026, 12, 5, 2, 33, tzinfo=ZoneInfo("UTC"))  # 09:33 in Jember
    with translation.override("id"):
        assert (datetime_display(moment), date_display(moment)) == ("5 Des 2026, 09.33 WIB", "5 Des 2026")
    with translation.override("en"):
        assert (datetime_display(moment), date_display(moment)) == ("5 Dec 2026, 09:33 WIB", "5 Dec 2026")


def test_emails_name_the_configured_site_never_the_request_host(client, settings,
                                                                django_capture_on_commit_callbacks):
    settings.SITE_URL, settings.SITE_NAME = "https://kampung-industri.example.id", "Kampung Industri Jember"
    user = UserFactory(email="sari@example.id")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": user.email}, HTTP_HOST="127.0.0.1")

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Hello from Kampung Industri Jember!" in body and "kampung-industri.example.id" in body
    assert "127.0.0.1" not in body and "testserver" not in body


def test_the_recovery_codes_page_has_a_way_on(client, totp_for):
    officer = OfficerFactory()
    totp_for(officer)
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(officer)
    force_login_mfa(client, officer)
    client.post("/accounts/reauthenticate/?next=/accounts/2fa/recovery-codes/", {"password": PASSWORD})

    response = client.get("/accounts/2fa/recovery-codes/")
    page = text(response)

    assert response.status_code == 200, response.get("Location")
    assert re.search(r'<a class="button" href="/dashboard/" data-recovery-codes-continue>', page)


def test_a_producer_order_unit_word_is_singular_for_one():
    from frontend.templatetags.units import unit_count

    with translation.override("en"):
        assert [unit_count("box", 1), unit_count("box", 3), unit_count("kg", 2), unit_count("??", 2)] == [
            "box", "boxes", "kg", "??"]
    with translation.override("id"):
        assert unit_count("pcs", 3) == "buah"


def test_the_shopper_for_a_producer_without_organisation_has_no_cart_link(client):
    producer = verified_producer()
    from tests.orders.factories import owner_of

    client.force_login(owner_of(producer))
    assert "header-cart" not in text(client.get("/"))


def test_a_survey_file_may_say_the_infrastructure_in_indonesian():
    from io import BytesIO

    from catalog.models import Survey
    from catalog.services.surveys import CSV_COLUMNS, survey_import_csv
    from tests.catalog.factories import village

    village("35.09.01.2001")
    content = "\n".join([",".join(CSV_COLUMNS),
                         "35.09.01.2001,2026-01-10,120,60,30,12,Baik,cukup,Tidak ada,buruk,,,,,"])

    result = survey_import_csv(file=BytesIO(content.encode()), officer=OfficerFactory())

    assert result.surveys == 1
    assert list(Survey.objects.values_list("road", "electricity", "internet", "water")) == [
        ("good", "fair", "none", "poor")]
