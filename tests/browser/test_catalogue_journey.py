"""A product's way to the shelf in a real browser: the producer adds it and sends it for review,
an officer approves it, and the public product page shows it."""
import re

import pytest

from catalog.models import Product
from catalog.services import producer_verify
from tests.catalog.factories import (
    CategoryFactory,
    CommodityFactory,
    OfficerFactory,
    ProducerFactory,
    VillageProfileFactory,
    owner_of,
    village,
)
from tests.conftest import ARTIFACTS
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_producer_submits_officer_approves_public_sees(browser, live_server, totp_for):
    # given: a verified producer in a coached village, and an officer with two-factor authentication
    VillageProfileFactory(village=village("35.09.01.2001", "PADOMASAN"), stage="coaching")
    category = CategoryFactory(name="Kopi bubuk", name_en="Ground coffee", slug="kopi-bubuk")
    commodity = CommodityFactory(name="Kopi robusta", name_en="Robusta coffee", slug="kopi-robusta")
    officer = OfficerFactory(email="petugas@example.id")
    code = totp_for(officer)
    producer = ProducerFactory(name="UD Kopi Padomasan")
    producer_verify(producer=producer, officer=officer)
    owner = owner_of(producer)
    ARTIFACTS.mkdir(exist_ok=True)

    def context():
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", timezone_id="Asia/Jakarta")
        ctx.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        ctx.set_default_timeout(15_000)
        return ctx

    # when: the producer adds a product on the phone and sends it for review
    producer_context = context()
    page = producer_context.new_page()
    sign_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/dashboard/producer/")
    page.goto(f"{live_server.url}/dashboard/producer/products/new/")
    page.get_by_label("Category").select_option(value=str(category.pk))
    page.get_by_label("Commodity").select_option(value=str(commodity.pk))
    page.get_by_label("Name (Indonesian)").fill("Kopi Robusta Padomasan 250 g")
    page.get_by_label("Description (Indonesian)").fill("Kopi robusta petik merah, disangrai sedang.")
    page.get_by_label(re.compile(r"^Weight")).fill("250")
    page.get_by_label(re.compile(r"^SKU")).fill("KRP-250")
    page.get_by_label(re.compile(r"^Retail price")).fill("45.000")
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_url(re.compile(r"/dashboard/producer/products/\d+/$"))
    product = Product.objects.get(sku="KRP-250")
    assert (product.status, product.retail_price, product.weight_grams) == ("draft", 45000, 250)
    page.get_by_role("button", name=re.compile("review", re.I)).first.click()
    page.wait_for_load_state()
    product.refresh_from_db()
    assert product.status == "submitted"
    page.screenshot(path=str(ARTIFACTS / "journey-producer-submitted.png"), full_page=True)

    # and: the public cannot see it yet
    visitor = context().new_page()
    assert visitor.goto(f"{live_server.url}/products/{product.pk}/").status == 404

    # when: the officer signs in with a TOTP code and approves it from the curation queue
    officer_page = context().new_page()
    sign_in(officer_page, live_server, officer.email)
    officer_page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    officer_page.get_by_label(re.compile("Code|Authenticator code", re.I)).fill(code())
    officer_page.get_by_role("button", name=re.compile("Sign in|Confirm|Verify", re.I)).click()
    officer_page.wait_for_url(re.compile(r"/dashboard/"))
    officer_page.goto(f"{live_server.url}/dashboard/officer/curation/")
    officer_page.get_by_role("link", name="Kopi Robusta Padomasan 250 g").click()
    officer_page.wait_for_url(re.compile(rf"/dashboard/officer/curation/{product.pk}/$"))
    officer_page.screenshot(path=str(ARTIFACTS / "journey-officer-curation.png"), full_page=True)
    officer_page.get_by_role("button", name=re.compile("^Approve", re.I)).click()
    officer_page.wait_for_load_state()
    product.refresh_from_db()
    assert (product.status, product.listed) == ("approved", True)

    # then: it appears on the public catalogue and its page
    visitor.goto(f"{live_server.url}/products/")
    visitor.get_by_role("link", name=re.compile("Kopi Robusta Padomasan 250 g")).first.click()
    visitor.wait_for_url(re.compile(rf"/products/{product.pk}/[a-z0-9-]+/$"))  # the address with its slug (issue 17)
    assert visitor.get_by_role("heading", level=1).inner_text() == "Kopi Robusta Padomasan 250 g"
    assert visitor.get_by_text("Rp 45.000").first.is_visible()
    assert visitor.get_by_text("UD Kopi Padomasan").first.is_visible()
    visitor.screenshot(path=str(ARTIFACTS / "journey-public-product.png"), full_page=True)
