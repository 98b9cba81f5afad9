"""A village product goes on a retail chain's shelf on consignment, in a real phone-sized browser.

The chain's owner proposes a consignment placement at one of its outlets, the producer agrees on its
own page and records a delivery (the numbered delivery note opens, printable), which puts the
placement on shelf; the outlet reports its sales and stock count, the owner settles the report,
and the producer finds the settlement on its finance page, pending until the chain pays. Only the chain, the producer and the
product (none of them under test here) come from factories.
"""
import re
from datetime import date

import pytest

from placements.models import ConsignmentSettlement, Placement
from tests.conftest import ARTIFACTS
from tests.orders.factories import buyer_organisation, on_sale, owner_of, verified_producer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "kopi-robusta-Silo-2026"


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_consignment_placement_from_proposal_to_the_producers_settlement(browser, live_server):
    # given: a verified chain with an outlet, a producer with a product on sale
    organisation, owner, outlet = buyer_organisation()
    producer = verified_producer(name="UD Suwar-Suwir Sumbersari")
    on_sale(producer=producer, name="Suwar-Suwir Tape 250 g", retail_price=18000)
    ARTIFACTS.mkdir(exist_ok=True)

    def context():
        ctx = browser.new_context(viewport={"width": 360, "height": 800}, locale="en-GB",
                                  timezone_id="Asia/Jakarta")
        ctx.add_cookies([{"name": "ki_language", "value": "en", "url": live_server.url}])
        ctx.set_default_timeout(15_000)
        return ctx

    # when: the chain's owner proposes the product on consignment at its outlet
    chain_page = context().new_page()
    sign_in(chain_page, live_server, owner.email)
    chain_page.goto(f"{live_server.url}/dashboard/buyer/placements/")
    chain_page.get_by_role("link", name="Propose a placement").click()
    chain_page.get_by_label(re.compile(r"^Outlet:?$")).select_option(label=outlet.name)
    chain_page.get_by_label(re.compile(r"^Product:?$")).select_option(
        label=f"Suwar-Suwir Tape 250 g — UD Suwar-Suwir Sumbersari ({producer.village.name})")
    chain_page.get_by_label("Consignment", exact=True).check()
    chain_page.get_by_label("Shelf price (rupiah)").fill("18.000")
    chain_page.get_by_label("Consignment price to the producer (rupiah per unit)").fill("12.500")
    chain_page.get_by_label("Facings").fill("3")
    chain_page.get_by_label("Low stock at the outlet (units)").fill("4")
    chain_page.get_by_role("button", name="Propose").click()
    chain_page.get_by_text("The placement is proposed").wait_for()
    placement = Placement.objects.get()
    assert (placement.status, placement.consignment_price, placement.facings) == ("proposed", 12500, 3)

    # and the producer agrees on its own page
    producer_page = context().new_page()
    sign_in(producer_page, live_server, owner_of(producer).email)
    producer_page.goto(f"{live_server.url}/dashboard/producer/placements/")
    producer_page.get_by_role("link", name="Suwar-Suwir Tape 250 g").click()
    producer_page.get_by_role("button", name="Agree").click()
    producer_page.get_by_text("The placement is now: Agreed").wait_for()

    # and records a delivery of 20 units: the delivery note opens, the placement is on shelf
    producer_page.locator(".placements-area > a.button, p > a.button").get_by_text("Record a delivery").click()
    producer_page.get_by_label("Suwar-Suwir Tape 250 g").fill("20")
    producer_page.get_by_role("button", name="Record the delivery").click()
    producer_page.get_by_role("heading", name=f"Consignment delivery note SJK/{date.today().year}/000001").wait_for()
    producer_page.screenshot(path=str(ARTIFACTS / "placement-delivery-note.png"), full_page=True)
    placement.refresh_from_db()
    assert (placement.status, placement.stock_at_outlet) == ("on_shelf", 20)

    # and the outlet reports 8 sold and 11 counted (one lost), then the owner settles the report
    chain_page.goto(f"{live_server.url}/dashboard/buyer/placements/sales/")
    chain_page.get_by_role("link", name=outlet.name).click()
    chain_page.get_by_label("Period ending").fill(date.today().isoformat())
    chain_page.get_by_label("Suwar-Suwir Tape 250 g: units sold").fill("8")
    chain_page.get_by_label("Suwar-Suwir Tape 250 g: units counted on the shelf and in store").fill("11")
    chain_page.get_by_role("button", name="Send the report").click()
    chain_page.get_by_text(f"The sales of {outlet.name} are reported.").wait_for()
    chain_page.get_by_role("button", name="Settle this report").click()
    chain_page.get_by_text("Settled:").wait_for()
    assert chain_page.locator("[data-owed]").inner_text() == "Rp 100.000"
    settlement = ConsignmentSettlement.objects.get()
    placement.refresh_from_db()
    assert (placement.sold, placement.shrinkage, placement.stock_at_outlet) == (8, 1, 11)
    assert (settlement.gross, settlement.fee) == (100_000, 5_000)

    # then: the producer sees the settled sales on its finance page, pending until the chain pays
    producer_page.goto(f"{live_server.url}/dashboard/producer/finance/")
    line = producer_page.locator(f"[data-settlement-line='{settlement.lines.get().pk}']")
    assert "Rp 95.000" in line.inner_text() and "waiting for the chain's payment" in line.inner_text()
    assert producer_page.locator("[data-balance='pending']").inner_text() == "Rp 95.000"
    assert producer_page.locator("[data-balance='available']").inner_text() == "Rp 0"
    producer_page.screenshot(path=str(ARTIFACTS / "placement-producer-finance.png"), full_page=True)
