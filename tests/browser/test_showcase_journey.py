"""From showcase to shelf, in a real phone-sized browser (issue 15's journey).

An officer (password and TOTP) creates a showcase, invites a producer with a product and a table and
publishes it; the producer confirms; a verified buyer registers two people and requests a meeting; the
producer accepts; the officer makes the schedule; the buyer sees the time on its agenda and records the
outcome "placement agreed". From the meeting the buyer proposes the placement on consignment at its
outlet; the producer agrees and delivers, which puts it on shelf; the outlet reports its sales, the
buyer settles them, the producer sees its settlement, and the officer's showcase report counts the
placement. The buyer organisation, the producer and its product come from factories.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from placements.models import ConsignmentSettlement, Placement
from showcases.models import Meeting, Participant, Registration, Showcase
from tests.browser.test_wholesale_journey import sign_in
from tests.factories import OfficerFactory
from tests.orders.factories import buyer_organisation, on_sale, owner_of, verified_producer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_showcase_meeting_ends_in_a_placement_on_the_shelf_and_the_producers_settlement(browser, live_server, totp_for):
    # given: an officer with two-factor authentication, a producer with a product on sale, a verified buyer
    officer = OfficerFactory(email="petugas@example.id")
    code = totp_for(officer)
    producer = verified_producer(name="UD Kopi Padomasan")
    on_sale(producer=producer, name="Kopi Robusta 250 g")
    organisation, buyer, outlet = buyer_organisation(credit_limit=None)
    day = timezone.localdate() + timedelta(days=10)

    def context():
        ctx = browser.new_context(viewport={"width": 360, "height": 800}, locale="en-GB", timezone_id="Asia/Jakarta")
        ctx.add_cookies([{"name": "ki_language", "value": "en", "url": live_server.url}])
        ctx.set_default_timeout(15_000)
        return ctx

    # when: the officer creates the showcase through the pages
    officer_page = context().new_page()
    sign_in(officer_page, live_server, officer.email)
    officer_page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    officer_page.get_by_label(re.compile("Code|Authenticator code", re.I)).fill(code())
    officer_page.get_by_role("button", name=re.compile("Sign in|Confirm|Verify", re.I)).click()
    officer_page.wait_for_url(re.compile(r"/dashboard/"))
    officer_page.goto(f"{live_server.url}/dashboard/officer/showcases/")
    officer_page.get_by_role("link", name="New showcase").click()
    officer_page.get_by_label("Title").fill("Gelar Produk Kopi Jember")
    officer_page.get_by_label("Starts (WIB)").fill(f"{day:%Y-%m-%d}T09:00")
    officer_page.get_by_label("Ends (WIB)").fill(f"{day:%Y-%m-%d}T11:00")
    officer_page.get_by_label("Venue").fill("Pendopo Kabupaten Jember")
    officer_page.get_by_label("Capacity (people)").fill("30")
    officer_page.get_by_label("Registration deadline (WIB)").fill(f"{day - timedelta(days=2):%Y-%m-%d}T17:00")
    officer_page.get_by_label("Meeting slot (minutes)").fill("30")
    officer_page.get_by_role("button", name="Save").click()
    officer_page.get_by_role("heading", name="Gelar Produk Kopi Jember").wait_for()
    showcase = Showcase.objects.get()

    # and invites the producer with its product at table 7, then publishes
    officer_page.get_by_role("link", name="Invite a producer").click()
    officer_page.get_by_label("Producer").select_option(label=f"UD Kopi Padomasan · {producer.village.name}")
    officer_page.get_by_role("button", name="Show its products").click()
    officer_page.get_by_label("Kopi Robusta 250 g").check()
    officer_page.get_by_label("Table number").fill("7")
    officer_page.get_by_role("button", name="Invite", exact=True).click()
    officer_page.get_by_role("link", name="UD Kopi Padomasan").wait_for()
    officer_page.get_by_role("button", name="Publish").click()
    officer_page.get_by_text("The showcase is now “Published”.").wait_for()

    # and the producer confirms its participation
    producer_page = context().new_page()
    sign_in(producer_page, live_server, owner_of(producer).email)
    producer_page.goto(f"{live_server.url}/dashboard/producer/showcases/")
    producer_page.get_by_role("link", name="Gelar Produk Kopi Jember").click()
    producer_page.get_by_role("button", name="Confirm participation").click()
    producer_page.get_by_text("Your answer is saved.").wait_for()

    # and the buyer registers two people from the public page and requests a meeting
    buyer_page = context().new_page()
    sign_in(buyer_page, live_server, buyer.email)
    buyer_page.goto(f"{live_server.url}/showcases/")
    buyer_page.get_by_role("link", name="Gelar Produk Kopi Jember").click()
    buyer_page.get_by_role("link", name="Register and request meetings").click()
    buyer_page.get_by_label("Who will attend").fill("Sari Dewi, kepala pembelian\nBudi Santoso, kategori")
    buyer_page.get_by_role("button", name="Register").click()
    buyer_page.get_by_text("You are registered.").wait_for()
    buyer_page.get_by_label("Note for the producer").fill("Kami cari kopi untuk rak oleh-oleh.")
    buyer_page.get_by_role("button", name="Request a meeting").click()
    buyer_page.get_by_text("Your request is sent to UD Kopi Padomasan.").wait_for()

    # and the producer accepts it
    producer_page.reload()
    producer_page.get_by_role("button", name="Accept").click()
    producer_page.get_by_text("Your answer is sent to the buyer.").wait_for()

    # and the officer makes the schedule
    officer_page.goto(f"{live_server.url}/dashboard/officer/showcases/{showcase.pk}/")
    officer_page.get_by_role("button", name="Make the schedule").click()
    officer_page.get_by_text("1 meetings placed, 0 kept where they were.").wait_for()

    # then: the buyer sees the time on its agenda and records the outcome "placement agreed"
    buyer_page.goto(f"{live_server.url}/showcases/{showcase.pk}/agenda/")
    buyer_page.get_by_text("UD Kopi Padomasan").first.wait_for()
    buyer_page.get_by_role("link", name="UD Kopi Padomasan").click()
    buyer_page.get_by_label("Placement agreed").check()
    buyer_page.get_by_label("Note").fill("Rak kopi di dekat kasir mulai bulan depan.")
    buyer_page.get_by_role("button", name="Record the outcome").click()
    buyer_page.get_by_text("The outcome is recorded.").wait_for()

    meeting = Meeting.objects.get()
    assert Registration.objects.get().organisation == organisation
    assert Participant.objects.get().table_number == 7
    assert (meeting.status, meeting.outcome) == ("accepted", "placement_agreed")
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "09:00"

    # and from the meeting the buyer proposes the placement agreed there, on consignment at its outlet
    buyer_page.get_by_role("link", name="Propose a placement").click()
    buyer_page.get_by_text("This proposal follows a meeting at a product showcase").wait_for()
    buyer_page.get_by_label(re.compile(r"^Outlet:?$")).select_option(label=outlet.name)
    buyer_page.get_by_label(re.compile(r"^Product:?$")).select_option(
        label=f"Kopi Robusta 250 g — UD Kopi Padomasan ({producer.village.name})")
    buyer_page.get_by_label("Consignment", exact=True).check()
    buyer_page.get_by_label("Shelf price (rupiah)").fill("45.000")
    buyer_page.get_by_label("Consignment price to the producer (rupiah per unit)").fill("30.000")
    buyer_page.get_by_role("button", name="Propose").click()
    buyer_page.get_by_text("The placement is proposed").wait_for()
    placement = Placement.objects.get()
    assert placement.showcase_meeting_id == meeting.pk

    # and the producer agrees and delivers 12 units: the placement is on the shelf
    producer_page.goto(f"{live_server.url}/dashboard/producer/placements/")
    producer_page.get_by_role("link", name="Kopi Robusta 250 g").click()
    producer_page.get_by_role("button", name="Agree").click()
    producer_page.get_by_text("The placement is now: Agreed").wait_for()
    producer_page.locator(".placements-area > a.button, p > a.button").get_by_text("Record a delivery").click()
    producer_page.get_by_label("Kopi Robusta 250 g").fill("12")
    producer_page.get_by_role("button", name="Record the delivery").click()
    producer_page.get_by_role("heading", name=re.compile("Consignment delivery note")).wait_for()
    placement.refresh_from_db()
    assert (placement.status, placement.stock_at_outlet) == ("on_shelf", 12)

    # and the outlet reports 4 sold, 8 counted; the buyer settles the report
    buyer_page.goto(f"{live_server.url}/dashboard/buyer/placements/sales/")
    buyer_page.get_by_role("link", name=outlet.name).click()
    buyer_page.get_by_label("Period ending").fill(timezone.localdate().isoformat())
    buyer_page.get_by_label("Kopi Robusta 250 g: units sold").fill("4")
    buyer_page.get_by_label("Kopi Robusta 250 g: units counted on the shelf and in store").fill("8")
    buyer_page.get_by_role("button", name="Send the report").click()
    buyer_page.get_by_text(f"The sales of {outlet.name} are reported.").wait_for()
    buyer_page.get_by_role("button", name="Settle this report").click()
    buyer_page.get_by_text("Settled:").wait_for()
    settlement = ConsignmentSettlement.objects.get()
    assert settlement.gross == 4 * 30_000

    # then: the producer sees its settlement, and the officer's report counts the placement
    producer_page.goto(f"{live_server.url}/dashboard/producer/finance/")
    line = producer_page.locator(f"[data-settlement-line='{settlement.lines.get().pk}']")
    assert "Rp 114.000" in line.inner_text()  # 120.000 less the platform's 5 %
    assert producer_page.locator("[data-balance='pending']").inner_text() == "Rp 114.000"
    # and once the chain's transfer arrives, the officer records it and the money is available
    buyer_page.goto(f"{live_server.url}/dashboard/buyer/invoices/")
    assert settlement.payment_reference in buyer_page.locator(f"[data-settlement='{settlement.pk}']").inner_text()
    officer_page.goto(f"{live_server.url}/dashboard/officer/finance/consignment/")
    card = officer_page.locator(f"[data-settlement='{settlement.pk}']")
    card.get_by_label("Bank statement reference").fill("BCA 0512 TRF SWALAYAN")
    card.get_by_role("button", name="Record the payment").click()
    officer_page.get_by_text("the producers' shares are available for payout").wait_for()
    producer_page.reload()
    assert producer_page.locator("[data-balance='available']").inner_text() == "Rp 114.000"
    officer_page.goto(f"{live_server.url}/dashboard/officer/showcases/{showcase.pk}/report/")
    figure = officer_page.locator("dt", has_text="Shelf placements agreed within 90 days").locator("xpath=..")
    assert figure.locator("dd").inner_text() == "1"
