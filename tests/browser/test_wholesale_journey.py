"""A new retail chain's whole wholesale path in a real phone-sized browser, with no factory for any part under test.

The chain signs up, registers its organisation, is verified by an officer (who then approves its
payment terms), adds two outlets, sets an approval limit and invites a member and a manager, who
join through the emailed links. Two producers set their delivery options on their own page. The
member fills a cart from both producers above the limit and submits it for approval; the manager
approves it (the one placement service places it); one producer delivers itself for its own fee,
the other ships by courier; the chain confirms both deliveries. Only the producers, their products
and the officer account (made by staff) come from factories: none of them is under test here.
"""
import re

import pytest
from django.core import mail

from buyers.models import BuyerRegistration, Outlet
from market.accounts.models import Membership, Organisation
from market.regions.services import region_import_file
from orders.models import Checkout, Order, PurchaseRequest
from tests.conftest import ARTIFACTS
from tests.factories import PASSWORD, OfficerFactory
from tests.orders.factories import on_sale, owner_of, verified_producer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^/\s]+(/[^\s]+)")


def emailed_path(to: str, contains: str) -> str:
    """Return the path of the last link sent to ``to`` whose path contains ``contains``."""
    for message in reversed(mail.outbox):
        if to in message.to:
            for path in LINK.findall(message.body):
                if contains in path:
                    return path
    raise AssertionError(f"No email to {to} with a link to {contains}: {[m.subject for m in mail.outbox]}")


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def pick_village(page, district: str, village: str) -> None:
    """Choose a district, wait for its villages (htmx swaps the list), choose the village."""
    page.get_by_label("District (kecamatan)").select_option(label=district)
    page.get_by_label("Village (desa/kelurahan)").locator(f"option:text-is('{village}')").wait_for(state="attached")
    page.get_by_label("Village (desa/kelurahan)").select_option(label=village)


def add_outlet(page, live_server, *, name: str, district: str, village: str, phone: str) -> None:
    page.goto(f"{live_server.url}/dashboard/buyer/outlets/")
    page.get_by_role("link", name="Add an outlet").click()
    page.get_by_label(re.compile(r"^Name:?$")).fill(name)
    page.get_by_label("Contact person").fill("Bu Sari")
    page.get_by_label("Phone / WhatsApp").fill(phone)
    page.get_by_label("Street address").fill("Jl. Gajah Mada No. 88")
    pick_village(page, district, village)
    page.get_by_label("Receiving hours").fill("Sen–Sab 08.00–16.00")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{live_server.url}/dashboard/buyer/outlets/")
    page.get_by_role("heading", name=name).wait_for()


def test_a_new_chain_registers_invites_and_its_members_order_is_approved_and_delivered(browser, live_server,
                                                                                       totp_for):
    # given: the regions of Jember, an officer with two-factor authentication (made by staff), two producers
    region_import_file()
    officer = OfficerFactory(email="petugas@example.id")
    code = totp_for(officer)
    coffee_maker = verified_producer(name="UD Kopi Padomasan")
    snack_maker = verified_producer(name="UD Keripik Sukorambi")
    coffee = on_sale(producer=coffee_maker, name="Kopi Robusta 250 g", retail_price=30000, min_order_qty=6,
                     order_multiple=6, tiers=[(12, 25000)])
    chips = on_sale(producer=snack_maker, name="Keripik Pisang 200 g", retail_price=12000)
    ARTIFACTS.mkdir(exist_ok=True)

    def context():
        ctx = browser.new_context(viewport={"width": 360, "height": 800}, locale="en-GB",
                                  timezone_id="Asia/Jakarta")
        ctx.add_cookies([{"name": "ki_language", "value": "en", "url": live_server.url}])
        ctx.set_default_timeout(15_000)
        return ctx

    # when: the chain's owner signs up as a retail buyer and confirms the email
    owner_page = context().new_page()
    owner_page.goto(f"{live_server.url}/accounts/signup/")
    owner_page.get_by_label("Full name").fill("Hendra Wijaya")
    owner_page.get_by_label("Email").fill("hendra@swalayan.example")
    owner_page.get_by_label("Retail buyer").check()
    owner_page.get_by_label("Business or organisation name").fill("Swalayan Jember Mart")
    owner_page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    owner_page.get_by_label("Password (again)").fill(PASSWORD)
    owner_page.get_by_role("button", name="Sign up").click()
    owner_page.wait_for_url(f"{live_server.url}/accounts/confirm-email/")
    owner_page.goto(live_server.url + emailed_path("hendra@swalayan.example", "/accounts/confirm-email/"))
    owner_page.get_by_role("button", name="Confirm").click()
    sign_in(owner_page, live_server, "hendra@swalayan.example")
    owner_page.wait_for_url(f"{live_server.url}/dashboard/buyer/")
    chain = Organisation.objects.get(name="Swalayan Jember Mart")

    # and registers the organisation's legal details for verification
    owner_page.get_by_role("link", name="Organisation", exact=True).click()
    owner_page.get_by_label("Legal name").fill("PT Swalayan Jember Makmur")
    owner_page.get_by_label("Kind of business").select_option(label="Modern retail chain")
    owner_page.get_by_label("NIB").fill("9120001234567")
    owner_page.get_by_label("NPWP").fill("01.234.567.8-626.000")
    owner_page.get_by_label("Head office street address").fill("Jl. Gajah Mada No. 101")
    pick_village(owner_page, "Kaliwates", "Kaliwates")
    owner_page.get_by_label("Contact person").fill("Hendra Wijaya")
    owner_page.get_by_label("Phone / WhatsApp").fill("0812-3456-0001")
    owner_page.get_by_label("Email").fill("pengadaan@swalayan.example")
    owner_page.get_by_role("button", name="Save and submit for verification").click()
    owner_page.get_by_text("Waiting for verification").first.wait_for()
    registration = BuyerRegistration.objects.get(organisation=chain)
    assert (registration.status, registration.nib, registration.npwp) == ("submitted", "9120001234567",
                                                                         "012345678626000")

    # then: an officer (password and TOTP) verifies it from the queue and approves payment terms
    officer_page = context().new_page()
    sign_in(officer_page, live_server, officer.email)
    officer_page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    officer_page.get_by_label(re.compile("Code|Authenticator code", re.I)).fill(code())
    officer_page.get_by_role("button", name=re.compile("Sign in|Confirm|Verify", re.I)).click()
    officer_page.wait_for_url(re.compile(r"/dashboard/"))
    officer_page.goto(f"{live_server.url}/dashboard/officer/buyers/")
    officer_page.get_by_role("link", name="PT Swalayan Jember Makmur").click()
    officer_page.get_by_role("button", name="Verify", exact=True).click()
    officer_page.get_by_text("Verified").first.wait_for()
    registration.refresh_from_db()
    assert (registration.status, registration.verified_at is not None) == ("verified", True)
    officer_page.get_by_role("link", name="Verified").first.click()  # the queue's tab of verified buyers
    officer_page.get_by_role("link", name="PT Swalayan Jember Makmur").click()
    officer_page.get_by_role("link", name="Payment terms for this buyer").click()
    officer_page.get_by_label("Net 30 days").check()
    officer_page.get_by_label("Credit limit (rupiah)").fill("50.000.000")
    officer_page.get_by_role("button", name="Approve terms").click()
    officer_page.wait_for_load_state()
    assert chain.credit_terms.credit_limit == 50_000_000

    # when: the owner adds two outlets, sets an approval limit and invites a member and a manager
    add_outlet(owner_page, live_server, name="Cabang Kaliwates", district="Kaliwates", village="Mangli",
               phone="081234560011")
    add_outlet(owner_page, live_server, name="Cabang Sumbersari", district="Sumbersari", village="Tegalgede",
               phone="081234560012")
    assert list(Outlet.objects.filter(organisation=chain).values_list("name", "village__district__name")) == [
        ("Cabang Kaliwates", "Kaliwates"), ("Cabang Sumbersari", "Sumbersari")]
    owner_page.goto(f"{live_server.url}/organisation/approval-limit/")
    owner_page.get_by_label(re.compile(r"^Approval limit")).fill("300.000")
    owner_page.get_by_role("button", name="Save", exact=True).click()
    owner_page.wait_for_load_state()
    chain.buyer_profile.refresh_from_db()
    assert chain.buyer_profile.approval_limit == 300_000
    owner_page.goto(f"{live_server.url}/dashboard/buyer/")
    owner_page.get_by_role("link", name="Members and invitations").click()
    for email, role in (("agus@swalayan.example", "Member"), ("rina@swalayan.example", "Manager")):
        owner_page.get_by_label("Email address").fill(email)
        owner_page.get_by_label("Role", exact=True).select_option(label=role)
        owner_page.get_by_role("button", name="Send the invitation").click()
        owner_page.get_by_role("listitem").filter(has_text=email).first.wait_for()
    owner_page.screenshot(path=str(ARTIFACTS / "wholesale-members-phone.png"), full_page=True)

    # and each invited person follows the emailed link, creates an account and joins
    people = {}
    for email, name in (("agus@swalayan.example", "Agus Prasetyo"), ("rina@swalayan.example", "Rina Marlina")):
        person = context().new_page()
        link = emailed_path(email, "/invitations/")
        person.goto(live_server.url + link)
        person.get_by_role("link", name="Create an account").click()
        assert person.get_by_label("Email").input_value() == email
        person.get_by_label("Full name").fill(name)
        person.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
        person.get_by_label("Password (again)").fill(PASSWORD)
        person.get_by_role("button", name="Sign up").click()
        person.wait_for_url(re.compile(r"/invitations/"))
        person.get_by_role("button", name="Join Swalayan Jember Mart").click()
        person.wait_for_load_state()
        people[email] = person
        # a link works once
        again = context().new_page()
        again.goto(live_server.url + link)
        assert again.get_by_role("heading", name="This invitation cannot be used").is_visible()
        again.context.close()
    assert sorted(Membership.objects.filter(organisation=chain).values_list("user__email", "role")) == [
        ("agus@swalayan.example", "member"), ("hendra@swalayan.example", "owner"), ("rina@swalayan.example", "manager")]

    # and the producers set how they deliver: one delivers itself for Rp 15.000, the other by courier for Rp 9.000
    for producer, section, option, fee in ((coffee_maker, "#own", "I deliver myself", "15.000"),
                                           (snack_maker, "#courier", "I send by courier", "9.000")):
        producer_page = context().new_page()
        sign_in(producer_page, live_server, owner_of(producer).email)
        producer_page.get_by_role("link", name="Delivery options").first.click()
        producer_page.get_by_label(option).check()
        producer_page.locator(section).get_by_label("Fee (Rp)").first.fill(fee)
        producer_page.get_by_role("button", name="Save delivery options").click()
        producer_page.wait_for_load_state()
        producer_page.context.close()

    # when: the member fills a cart from both producers, above the limit, and submits it for approval
    member_page = people["agus@swalayan.example"]
    member_page.goto(f"{live_server.url}/products/{coffee.pk}/")
    member_page.get_by_label(re.compile(r"^Quantity")).fill("12")
    member_page.get_by_role("button", name="Add to cart").click()
    member_page.get_by_text("Added to your cart.").wait_for()
    member_page.goto(f"{live_server.url}/products/{chips.pk}/")
    member_page.get_by_label(re.compile(r"^Quantity")).fill("10")
    member_page.get_by_role("button", name="Add to cart").click()
    member_page.get_by_text("Added to your cart.").wait_for()
    member_page.goto(f"{live_server.url}/checkout/")
    member_page.get_by_label(re.compile(r"^Cabang Kaliwates")).check()
    member_page.get_by_label(re.compile(r"^Delivery by the producer")).check()
    member_page.get_by_label(re.compile(r"^Courier")).check()
    member_page.locator("[data-total]").filter(has_text="444.000").wait_for()  # 300.000 + 15.000 + 120.000 + 9.000
    member_page.get_by_label("Invoice on terms").check()
    member_page.screenshot(path=str(ARTIFACTS / "wholesale-submit-phone.png"), full_page=True)
    member_page.get_by_role("button", name="Submit for approval").click()
    member_page.wait_for_url(re.compile(r"/purchase-requests/\d+/$"))
    request = PurchaseRequest.objects.get()
    assert (request.status, request.total, Checkout.objects.count()) == ("submitted", 444_000, 0)

    # then: the manager approves it from the queue, which places the order
    manager_page = people["rina@swalayan.example"]
    manager_page.goto(f"{live_server.url}/purchase-requests/")
    manager_page.locator(f"main a[href='/purchase-requests/{request.pk}/']").first.click()
    manager_page.wait_for_url(f"{live_server.url}/purchase-requests/{request.pk}/")
    manager_page.screenshot(path=str(ARTIFACTS / "wholesale-approve-phone.png"), full_page=True)
    manager_page.get_by_role("button", name="Approve and place the order").click()
    manager_page.wait_for_load_state()
    request.refresh_from_db()
    checkout = Checkout.objects.get()
    assert (request.status, request.checkout, checkout.total, checkout.status, checkout.organisation) == (
        "approved", checkout, 444_000, "on_terms", chain)
    assert sorted(Order.objects.values_list("producer__name", "delivery_option", "delivery_fee")) == [
        ("UD Keripik Sukorambi", "courier", 9000), ("UD Kopi Padomasan", "producer", 15000)]

    # and each producer accepts, packs and ships: its own delivery, and a courier with a tracking number
    for producer, courier in ((coffee_maker, None), (snack_maker, ("JNE", "JNE123456"))):
        producer_page = context().new_page()
        sign_in(producer_page, live_server, owner_of(producer).email)
        producer_page.goto(f"{live_server.url}/dashboard/producer/orders/")
        order = Order.objects.get(producer=producer)
        producer_page.locator(f"#order-{order.pk}").get_by_role("button", name="Accept").click()
        producer_page.get_by_text("Accepted").first.wait_for()
        producer_page.locator(f"#order-{order.pk}").get_by_role("button", name="Mark as packed").click()
        producer_page.get_by_text("Packed").first.wait_for()
        card = producer_page.locator(f"#order-{order.pk}")
        if courier:
            card.get_by_label("Courier").fill(courier[0])
            card.get_by_label("Tracking number").fill(courier[1])
        else:
            card.get_by_text("Ship", exact=True).click()
        card.get_by_role("button", name="Mark as shipped").click()
        producer_page.get_by_text("Shipped").first.wait_for()
        producer_page.context.close()

    # and the chain confirms both deliveries
    for order in Order.objects.order_by("pk"):
        owner_page.goto(f"{live_server.url}/orders/{order.pk}/")
        owner_page.get_by_role("button", name="Confirm delivery").click()
        owner_page.get_by_text("Delivered").first.wait_for()
    assert sorted(Order.objects.values_list("status", "courier", "tracking_number")) == [
        ("delivered", "", ""), ("delivered", "JNE", "JNE123456")]
