"""An investor finds a coffee village, expresses interest in its opportunity; an officer introduces them.

In a phone-sized Chromium: the (verified) investor filters the villages by commodity, opens the village's
profile and its opportunity, and sends an expression of interest; an officer (password and TOTP) triages it
to "introduced"; the investor sees the change on their interest's page.
"""
import re

import pytest

from investors.models import Interest
from tests.conftest import ARTIFACTS
from tests.factories import PASSWORD, OfficerFactory
from tests.investors.helpers import commodity, make_investor, make_opportunity, make_producer, make_village

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_an_investor_expresses_interest_and_sees_the_officer_introduce_them(browser, live_server, totp_for):
    # given: a coffee village with an opportunity, a tape village, a verified investor, an officer with TOTP
    kopi, tape = commodity(), commodity("tape", "Tape singkong")
    coffee_village = make_village(commodity=kopi)
    make_producer(coffee_village, name="UD Kopi Padomasan")
    make_village("35.09.01.2002", "Jambuan", commodity=tape)
    opportunity = make_opportunity(coffee_village, title="Rumah pengering kopi Padomasan", amount=150_000_000)
    investor = make_investor(display_name="Koperasi Modal Tani")
    officer = OfficerFactory(email="petugas@example.id")
    code = totp_for(officer)
    ARTIFACTS.mkdir(exist_ok=True)

    def context():
        ctx = browser.new_context(viewport={"width": 360, "height": 800}, locale="en-GB", timezone_id="Asia/Jakarta")
        ctx.add_cookies([{"name": "ki_language", "value": "en", "url": live_server.url}])
        ctx.set_default_timeout(15_000)
        return ctx

    # when: the investor filters the villages by commodity and opens the coffee village
    page = context().new_page()
    sign_in(page, live_server, investor.email)
    page.goto(f"{live_server.url}/investors/")
    page.get_by_label("Commodity").select_option(label="Kopi robusta")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"commodity=kopi-robusta"))
    assert page.get_by_role("link", name="Jambuan").count() == 0
    page.get_by_role("link", name="Padomasan").click()
    page.get_by_role("heading", name="Padomasan", level=1).wait_for()
    page.get_by_text("UD Kopi Padomasan").first.wait_for()  # a verified investor sees the contacts
    page.screenshot(path=str(ARTIFACTS / "investor-village.png"), full_page=True)

    # and expresses interest in its opportunity
    page.get_by_role("link", name="Rumah pengering kopi Padomasan").click()
    page.get_by_label("Kind of involvement").select_option(value="loan")
    page.get_by_label("Amount you consider (rupiah, optional)").fill("100.000.000")
    page.get_by_label("Message to the programme officers").fill("Kami koperasi, tertarik membiayai pengering.")
    page.get_by_role("button", name="Send to the programme officers").click()
    page.wait_for_url(re.compile(r"/dashboard/investor/interests/\d+/"))
    page.locator("#interest-status").get_by_text("New").wait_for()
    interest = Interest.objects.get(investor=investor)
    assert (interest.opportunity_id, interest.amount, interest.status) == (opportunity.pk, 100_000_000, "new")

    # then: an officer (password and TOTP) moves it to "in review", then "introduced"
    officer_page = context().new_page()
    sign_in(officer_page, live_server, officer.email)
    officer_page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    officer_page.get_by_label(re.compile("Code|Authenticator code", re.I)).fill(code())
    officer_page.get_by_role("button", name=re.compile("Sign in|Confirm|Verify", re.I)).click()
    officer_page.wait_for_url(re.compile(r"/dashboard/"))
    officer_page.goto(f"{live_server.url}/dashboard/officer/investors/interests/")
    officer_page.get_by_role("link", name="Koperasi Modal Tani").click()
    for step in ("In review", "Introduced"):
        officer_page.get_by_label("Move to").select_option(label=step)
        officer_page.get_by_role("button", name="Record").click()
        officer_page.locator("#interest-status").get_by_text(step, exact=True).wait_for()
    interest.refresh_from_db()
    assert interest.status == "introduced" and interest.introduced_at is not None

    # and the investor sees the change
    page.reload()
    page.locator("#interest-status").get_by_text("Introduced", exact=True).wait_for()
    page.screenshot(path=str(ARTIFACTS / "investor-interest.png"), full_page=True)
