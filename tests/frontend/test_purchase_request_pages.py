"""Approval pages: the limit (owners), the checkout's "submit for approval", the queue, approve, reject, withdraw."""
from __future__ import annotations

import re
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from buyers.models import BuyerProfile
from buyers.services import buyer_approval_limit_set
from catalog.models import ProductStock
from catalog.services import ProductChanges, product_approve, product_update
from market.accounts.models import Membership, Role
from orders.models import CartLine, Checkout, PurchaseRequest
from orders.selectors import shopper_get
from orders.services import cart_line_set
from tests.factories import MembershipFactory, UserFactory
from tests.orders.factories import OfficerFactory, buyer_organisation, on_sale, owner_of, verified_producer

pytestmark = pytest.mark.django_db

LIMIT_URL, REQUESTS, CART, CHECKOUT, SUBMIT = (
    "/organisation/approval-limit/", "/purchase-requests/", "/cart/", "/checkout/", "/checkout/submit-for-approval/")


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English (``english_pages``)."""


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def team(limit: int | None = 100_000):
    organisation, owner, outlet = buyer_organisation()
    people = {"owner": owner}
    for name, role in (("manager", "manager"), ("member", "member"), ("colleague", "member")):
        people[name] = UserFactory(role=Role.BUYER)
        MembershipFactory(user=people[name], organisation=organisation, role=role)
    if limit is not None:
        buyer_approval_limit_set(organisation=organisation, actor=owner, limit=limit)
    return organisation, outlet, people


def member_cart(quantity: int = 12):
    """Return (organisation, outlet, people, product): the member's cart holds ``quantity`` x Rp 10.000."""
    organisation, outlet, people = team()
    product = on_sale(producer=verified_producer("Sido Makmur"), retail_price=10000, stock=50, name="Kopi Robusta")
    cart_line_set(shopper=shopper_get(user=people["member"], organisation=organisation), product_id=product.pk,
                  quantity=quantity)
    return organisation, outlet, people, product


def checkout_data(outlet, product, *, total: int, key: str | None = None) -> dict:
    return {"destination": outlet.pk, "payment_method": "bank_transfer", "expected_total": total,
            "idempotency_key": key or uuid.uuid4().hex, "note": "Untuk Kaliwates",
            f"delivery_{product.producer_id}": "pickup"}


def submitted(client):
    organisation, outlet, people, product = member_cart()
    client.force_login(people["member"])
    response = client.post(SUBMIT, checkout_data(outlet, product, total=120_000))
    assert response.status_code == 302
    return PurchaseRequest.objects.get(), people, product


def reserved(product) -> int:
    return ProductStock.objects.get(product=product).reserved


# --- the limit ------------------------------------------------------------------------------


def test_owner_sets_and_clears_the_limit_on_its_page(client):
    organisation, _outlet, people = team(limit=None)
    client.force_login(people["owner"])
    assert "None: members place any order themselves." in text(client.get(LIMIT_URL))

    bad = client.post(LIMIT_URL, {"approval_limit": "0"})
    assert bad.status_code == 400 and BuyerProfile.objects.filter(approval_limit__isnull=False).count() == 0
    saved = client.post(LIMIT_URL, {"approval_limit": "2500000"}, follow=True)
    assert "The approval limit is saved." in text(saved) and "Rp 2.500.000" in text(saved)
    assert BuyerProfile.objects.get(organisation=organisation).approval_limit == 2_500_000
    client.post(LIMIT_URL, {"approval_limit": ""})
    assert BuyerProfile.objects.get(organisation=organisation).approval_limit is None


def test_managers_and_members_see_the_limit_but_cannot_change_it(client):
    organisation, _outlet, people = team(limit=100_000)
    for name in ("manager", "member"):
        client.force_login(people[name])
        page = text(client.get(LIMIT_URL))
        assert "Rp 100.000" in page and "Only an owner of the organisation can change the limit." in page
        assert 'name="approval_limit"' not in page
        refused = client.post(LIMIT_URL, {"approval_limit": "1"})
        assert refused.status_code == 403
    assert BuyerProfile.objects.get(organisation=organisation).approval_limit == 100_000


def test_dashboard_links_to_the_approval_pages(client):
    _organisation, _outlet, people = team()
    client.force_login(people["member"])
    page = text(client.get("/dashboard/buyer/"))
    assert f'href="{REQUESTS}"' in page and f'href="{LIMIT_URL}"' in page


# --- the member: cart, checkout, submit -----------------------------------------------------


def test_member_above_the_limit_sees_it_and_cannot_place(client):
    _organisation, outlet, people, product = member_cart()
    client.force_login(people["member"])
    assert "This cart is above it: at checkout, submit it for approval." in text(client.get(CART))
    page = text(client.get(CHECKOUT))
    assert 'id="submit-for-approval" formaction="/checkout/submit-for-approval/"' in page
    assert 'id="place-order"' not in page
    assert "above your organisation's approval limit of Rp 100.000" in page

    refused = client.post(CHECKOUT, checkout_data(outlet, product, total=120_000))

    assert refused.status_code == 409
    assert "Orders above Rp 100.000 need a manager&#x27;s approval." in text(refused)
    assert (Checkout.objects.count(), reserved(product), CartLine.objects.count()) == (0, 0, 1)


def test_member_under_the_limit_and_managers_place_as_today(client):
    organisation, outlet, people, product = member_cart(quantity=6)
    client.force_login(people["member"])
    page = text(client.get(CHECKOUT))
    assert 'id="place-order"' in page and "Orders above Rp 100.000 need a manager's approval." in page
    assert client.post(CHECKOUT, checkout_data(outlet, product, total=60_000)).status_code == 302

    cart_line_set(shopper=shopper_get(user=people["manager"], organisation=organisation), product_id=product.pk,
                  quantity=30)
    client.force_login(people["manager"])
    assert 'id="submit-for-approval"' not in text(client.get(CHECKOUT))
    assert client.post(CHECKOUT, checkout_data(outlet, product, total=300_000)).status_code == 302
    assert (Checkout.objects.count(), reserved(product)) == (2, 36)


def test_submit_for_approval_freezes_the_cart_once(client):
    _organisation, outlet, people, product = member_cart()
    client.force_login(people["member"])
    data = checkout_data(outlet, product, total=120_000, key="form-key-0001")

    first = client.post(SUBMIT, data)
    second = client.post(SUBMIT, data)

    request = PurchaseRequest.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"{REQUESTS}{request.pk}/"
    assert (request.total, request.note, request.status, CartLine.objects.count(), reserved(product)) == (
        120_000, "Untuk Kaliwates", "submitted", 0, 0)
    page = text(client.get(first["Location"]))
    assert "Waiting for approval" in page and "Kopi Robusta" in page and 'id="withdraw"' in page
    assert 'id="approve"' not in page
    listing = text(client.get(REQUESTS))
    assert f'href="{REQUESTS}{request.pk}/"' in listing


def test_submit_with_a_changed_total_is_refused_and_keeps_the_cart(client):
    _organisation, outlet, people, product = member_cart()
    client.force_login(people["member"])
    response = client.post(SUBMIT, checkout_data(outlet, product, total=99_000))
    assert response.status_code == 409 and "The total is now Rp 120.000." in text(response)
    assert (PurchaseRequest.objects.count(), CartLine.objects.count()) == (0, 1)


# --- the manager: queue, review, approve, reject --------------------------------------------


def test_manager_sees_the_queue_and_the_request_repriced_with_changes(client):
    request, people, product = submitted(client)
    product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(retail_price=11000))
    product_approve(product=product, officer=OfficerFactory())
    client.force_login(people["manager"])

    queue = text(client.get(REQUESTS))
    assert f'href="{REQUESTS}{request.pk}/"' in queue and "Rp 120.000" in queue
    page = text(client.get(f"{REQUESTS}{request.pk}/"))

    assert "Something changed since the member submitted it" in page
    assert "Price changed: from Rp 10.000 to Rp 11.000 per unit" in page
    assert "Rp 132.000" in page and "was Rp 120.000" in page
    assert 'name="expected_total" value="132000"' in page and 'id="approve"' in page and 'id="reject"' in page


def test_approve_places_exactly_once(client):
    request, people, product = submitted(client)
    client.force_login(people["manager"])
    url = f"{REQUESTS}{request.pk}/approve/"

    first = client.post(url, {"expected_total": "120000"})
    second = client.post(url, {"expected_total": "120000"})

    request.refresh_from_db()
    checkout = Checkout.objects.get()
    assert first.status_code == second.status_code == 302
    assert (request.status, request.checkout, checkout.placed_by, checkout.organisation) == (
        "approved", checkout, people["manager"], request.organisation)
    assert reserved(product) == 12
    assert list(request.events.values_list("to_status", flat=True)) == ["submitted", "approved"]
    page = text(client.get(f"{REQUESTS}{request.pk}/"))
    assert "Approved" in page and f'id="placed-checkout">{checkout.number}' in page
    assert 'id="approve"' not in page


def test_approve_with_a_stale_total_shows_the_new_one_and_changes_nothing(client):
    request, people, product = submitted(client)
    product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(retail_price=11000))
    product_approve(product=product, officer=OfficerFactory())
    client.force_login(people["owner"])
    response = client.post(f"{REQUESTS}{request.pk}/approve/", {"expected_total": "120000"})
    assert response.status_code == 409
    assert "The total is now Rp 132.000." in text(response) and 'value="132000"' in text(response)
    request.refresh_from_db()
    assert (request.status, Checkout.objects.count(), reserved(product)) == ("submitted", 0, 0)


def test_reject_needs_a_reason(client, django_capture_on_commit_callbacks):
    request, people, _product = submitted(client)
    client.force_login(people["manager"])
    url = f"{REQUESTS}{request.pk}/reject/"
    missing = client.post(url, {"reason": "  "})
    assert missing.status_code == 400 and "This field is required." in text(missing)
    request.refresh_from_db()
    assert request.status == "submitted"

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"reason": "Stok gudang masih cukup"}, follow=True)

    request.refresh_from_db()
    assert (request.status, request.reason) == ("rejected", "Stok gudang masih cukup")
    assert 'id="reject-reason">Stok gudang masih cukup' in text(done)
    assert [m.subject for m in mail.outbox if m.to == [people["member"].email]] == [
        "Your purchase request was rejected"]


@pytest.mark.parametrize("who", ["member", "colleague"])
def test_members_cannot_approve(client, who):
    request, people, product = submitted(client)
    client.force_login(people[who])
    response = client.post(f"{REQUESTS}{request.pk}/approve/", {"expected_total": "120000"})
    # the requester sees it and is refused (403); another member does not see it at all (404)
    assert response.status_code == (403 if who == "member" else 404)
    request.refresh_from_db()
    assert (request.status, Checkout.objects.count(), reserved(product)) == ("submitted", 0, 0)


def test_member_withdraws(client):
    request, people, _product = submitted(client)
    client.force_login(people["manager"])
    assert client.post(f"{REQUESTS}{request.pk}/withdraw/").status_code == 403
    client.force_login(people["member"])
    response = client.post(f"{REQUESTS}{request.pk}/withdraw/", follow=True)
    request.refresh_from_db()
    assert request.status == "withdrawn"
    assert "Your request is withdrawn; its product is back in your cart." in text(response)
    assert "Rp" in text(client.get("/cart/")) and request.lines.get().product.name in text(client.get("/cart/"))


def test_another_organisation_gets_404(client):
    request, _people, _product = submitted(client)
    _other, outsider, _outlet = buyer_organisation(role=Membership.Role.MANAGER)
    client.force_login(outsider)
    for url in ("", "approve/", "reject/", "withdraw/"):
        method = client.get if not url else client.post
        assert method(f"{REQUESTS}{request.pk}/{url}", {"expected_total": "120000", "reason": "x"}).status_code == 404
    assert f"{REQUESTS}{request.pk}/" not in text(client.get(REQUESTS))
    request.refresh_from_db()
    assert request.status == "submitted"


def test_people_without_a_buyer_organisation_get_404():
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(role=Role.CONSUMER))
    assert client.get(REQUESTS).status_code == 404
    assert client.get(LIMIT_URL).status_code == 404


def test_queue_page_queries_do_not_grow_with_the_number_of_requests(client, django_assert_num_queries):
    organisation, outlet, people, product = member_cart()
    member = shopper_get(user=people["member"], organisation=organisation)
    client.force_login(people["member"])
    client.post(SUBMIT, checkout_data(outlet, product, total=120_000))
    client.force_login(people["manager"])
    client.get(REQUESTS)  # warm the session and the cache of the page's furniture
    connection.queries_log.clear()  # the log keeps 9000 queries at most: count from an empty one
    with CaptureQueriesContext(connection) as one:
        client.get(REQUESTS)
    first = len(one.captured_queries)
    for _ in range(3):
        cart_line_set(shopper=member, product_id=product.pk, quantity=12)
        client.force_login(people["member"])
        client.post(SUBMIT, checkout_data(outlet, product, total=120_000))
    client.force_login(people["manager"])
    client.get(REQUESTS)
    connection.queries_log.clear()
    assert first > 0
    with django_assert_num_queries(first):
        page = text(client.get(REQUESTS))
    assert page.count('class="card order-card"') == 4


def test_officers_read_requests_in_the_admin(client, make_user, totp_for):
    from tests.fixtures import force_login_mfa

    request, _people, _product = submitted(client)
    officer = make_user(role=Role.OFFICER, is_staff=True, is_superuser=True)
    totp_for(officer)
    force_login_mfa(client, officer)
    page = client.get(f"/admin/orders/purchaserequest/{request.pk}/change/")
    assert page.status_code == 200 and "Kopi Robusta" in text(page)
    assert client.get("/admin/orders/purchaserequest/").status_code == 200
