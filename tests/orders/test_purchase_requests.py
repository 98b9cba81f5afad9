"""Approval limits and purchase requests: members above the limit submit, managers approve (placing once) or reject."""
from __future__ import annotations

import uuid

import pytest
from django.core import mail
from rest_framework.test import APIClient

from buyers.exceptions import BuyerInvalid, BuyerOwnerRequired
from buyers.models import BuyerProfile
from buyers.selectors import buyer_approval_limit_for
from buyers.services import buyer_approval_limit_set
from catalog.exceptions import InsufficientStock
from catalog.models import ProductStock, StockMovement
from catalog.services import ProductChanges, product_approve, product_delist, product_update
from market.accounts.models import Membership, Role
from orders.exceptions import (
    ApprovalNotNeeded,
    ApprovalRequired,
    CartEmpty,
    OrdersInvalid,
    PurchaseRequestForbidden,
    PurchaseRequestNotFound,
    PurchaseRequestStatusInvalid,
    TotalChanged,
)
from orders.models import CartLine, Checkout, Order, PurchaseRequest, PurchaseRequestEvent, PurchaseRequestLine
from orders.selectors import (
    access_purchase_request,
    cart_quote,
    purchase_request_list,
    purchase_request_review,
    shopper_get,
)
from orders.services import (
    cart_line_set,
    purchase_request_approve,
    purchase_request_reject,
    purchase_request_submit,
    purchase_request_withdraw,
)
from tests.factories import MembershipFactory, UserFactory
from tests.orders.factories import OfficerFactory, buyer_organisation, on_sale, owner_of, place, verified_producer

pytestmark = pytest.mark.django_db

LIMIT = 500_000


def team(limit: int | None = LIMIT):
    """Return (organisation, outlet, people): an organisation with an owner, a manager and two members."""
    organisation, owner, outlet = buyer_organisation()
    people = {"owner": owner}
    for name, role in (("manager", "manager"), ("member", "member"), ("colleague", "member")):
        people[name] = UserFactory(role=Role.BUYER)
        MembershipFactory(user=people[name], organisation=organisation, role=role)
    if limit is not None:
        buyer_approval_limit_set(organisation=organisation, actor=owner, limit=limit)
    return organisation, outlet, people


def fill_cart(shopper, *, stock: int = 100):
    """Put Rp 600.000 in the cart from two producers: 40 x Rp 10.000 (delivered for Rp 15.000) and 20 x Rp 10.000."""
    sido = verified_producer("Sido Makmur", offers_delivery=True, delivery_fee=15000)
    tani = verified_producer("Tani Jaya")
    kopi = on_sale(producer=sido, retail_price=10000, stock=stock, name="Kopi Robusta")
    teh = on_sale(producer=tani, retail_price=10000, stock=stock, name="Teh Hijau")
    cart_line_set(shopper=shopper, product_id=kopi.pk, quantity=40)
    cart_line_set(shopper=shopper, product_id=teh.pk, quantity=20)
    return sido, tani, kopi, teh


def submit(shopper, outlet, *, delivery, key=None, method="bank_transfer", note="Untuk toko Kaliwates"):
    total = cart_quote(shopper=shopper, delivery=delivery).total
    return purchase_request_submit(shopper=shopper, idempotency_key=key or uuid.uuid4().hex, payment_method=method,
                                   delivery=delivery, expected_total=total, outlet_id=outlet.pk, note=note)


def reserved(product) -> int:
    return ProductStock.objects.get(product=product).reserved


def submitted_request(**kwargs):
    organisation, outlet, people = team()
    shopper = shopper_get(user=people["member"], organisation=organisation)
    sido, tani, kopi, teh = fill_cart(shopper, **kwargs)
    request = submit(shopper, outlet, delivery={sido.pk: "producer", tani.pk: "pickup"})
    return request, people, (sido, tani, kopi, teh)


# --- the limit ------------------------------------------------------------------------------


def test_owner_sets_and_clears_the_limit_and_only_members_are_limited():
    organisation, _outlet, people = team(limit=None)
    assert buyer_approval_limit_for(organisation=organisation, user=people["member"]) is None

    buyer_approval_limit_set(organisation=organisation, actor=people["owner"], limit=250_000)

    assert BuyerProfile.objects.get(organisation=organisation).approval_limit == 250_000
    assert [buyer_approval_limit_for(organisation=organisation, user=people[name])
            for name in ("member", "manager", "owner")] == [250_000, None, None]
    buyer_approval_limit_set(organisation=organisation, actor=people["owner"], limit=None)
    assert buyer_approval_limit_for(organisation=organisation, user=people["member"]) is None


@pytest.mark.parametrize("limit", [0, -1, "500000", 1.5, True, 100_000_000_001])
def test_bad_limit_is_refused(limit):
    organisation, _outlet, people = team()
    with pytest.raises(BuyerInvalid) as error:
        buyer_approval_limit_set(organisation=organisation, actor=people["owner"], limit=limit)
    assert list(error.value.fields) == ["approval_limit"]
    assert BuyerProfile.objects.get(organisation=organisation).approval_limit == LIMIT


@pytest.mark.parametrize("who", ["manager", "member", "stranger"])
def test_only_owners_set_the_limit(who):
    organisation, _outlet, people = team()
    actor = people.get(who) or UserFactory()
    with pytest.raises(BuyerOwnerRequired):
        buyer_approval_limit_set(organisation=organisation, actor=actor, limit=1)
    assert BuyerProfile.objects.get(organisation=organisation).approval_limit == LIMIT


# --- placing directly or not ----------------------------------------------------------------


def test_member_above_the_limit_cannot_place_and_nothing_is_written():
    organisation, outlet, people = team()
    shopper = shopper_get(user=people["member"], organisation=organisation)
    sido, tani, kopi, teh = fill_cart(shopper)

    with pytest.raises(ApprovalRequired) as error:
        place(shopper, destination=outlet, delivery={sido.pk: "producer", tani.pk: "pickup"})

    assert str(error.value.message) == ("Orders above Rp 500.000 need a manager's approval. Submit this order for "
                                        "approval instead.")
    assert (Checkout.objects.count(), Order.objects.count(), reserved(kopi), reserved(teh)) == (0, 0, 0, 0)
    assert StockMovement.objects.filter(reason="order_reserved").count() == 0
    assert [line.quantity for line in cart_quote(shopper=shopper).lines] == [40, 20]


def test_member_under_the_limit_and_managers_above_it_place_directly():
    organisation, outlet, people = team(limit=700_000)
    member = shopper_get(user=people["member"], organisation=organisation)
    sido, tani, kopi, _teh = fill_cart(member)
    placed = place(member, destination=outlet, delivery={sido.pk: "producer", tani.pk: "pickup"})
    assert (placed.total, placed.placed_by) == (615_000, people["member"])

    buyer_approval_limit_set(organisation=organisation, actor=people["owner"], limit=1)
    for name in ("manager", "owner"):
        shopper = shopper_get(user=people[name], organisation=organisation)
        cart_line_set(shopper=shopper, product_id=kopi.pk, quantity=10)
        assert place(shopper, destination=outlet, delivery={sido.pk: "pickup"}).total == 100_000
    assert reserved(kopi) == 60


def test_member_under_the_limit_cannot_submit():
    organisation, outlet, people = team(limit=700_000)
    shopper = shopper_get(user=people["member"], organisation=organisation)
    sido, tani, _kopi, _teh = fill_cart(shopper)
    with pytest.raises(ApprovalNotNeeded):
        submit(shopper, outlet, delivery={sido.pk: "producer", tani.pk: "pickup"})
    manager = shopper_get(user=people["manager"], organisation=organisation)
    cart_line_set(shopper=manager, product_id=_kopi.pk, quantity=80)
    with pytest.raises(ApprovalNotNeeded):
        submit(manager, outlet, delivery={sido.pk: "pickup"})
    assert PurchaseRequest.objects.count() == 0
    assert len(cart_quote(shopper=shopper).lines) == 2


# --- submitting -----------------------------------------------------------------------------


def test_submit_freezes_the_cart_with_the_checkout_choices_and_tells_the_approvers(
        django_capture_on_commit_callbacks):
    organisation, outlet, people = team()
    shopper = shopper_get(user=people["member"], organisation=organisation)
    sido, tani, kopi, teh = fill_cart(shopper)

    with django_capture_on_commit_callbacks(execute=True):
        request = submit(shopper, outlet, delivery={sido.pk: "producer", tani.pk: "pickup"}, method="invoice")

    request.refresh_from_db()
    assert (request.organisation, request.requested_by, request.status, request.outlet, request.payment_method,
            request.delivery, request.note, request.subtotal, request.delivery_total, request.total,
            request.approval_limit) == (
        organisation, people["member"], "submitted", outlet, "invoice",
        {str(sido.pk): "producer", str(tani.pk): "pickup"}, "Untuk toko Kaliwates", 600_000, 15_000, 615_000,
        LIMIT)
    assert list(request.lines.values_list("product_id", "product_name", "unit", "quantity", "unit_price_seen",
                                          "line_total")) == [
        (kopi.pk, "Kopi Robusta", "pack", 40, 10000, 400_000), (teh.pk, "Teh Hijau", "pack", 20, 10000, 200_000)]
    assert list(request.events.values_list("from_status", "to_status", "actor")) == [
        ("", "submitted", people["member"].pk)]
    assert cart_quote(shopper=shopper).is_empty
    assert (Checkout.objects.count(), reserved(kopi), reserved(teh)) == (0, 0, 0)
    assert sorted((m.subject, tuple(m.to)) for m in mail.outbox) == sorted(
        ("Purchase request of Rp 615.000 waits for your approval", (people[name].email,))
        for name in ("owner", "manager"))
    assert "- 40 x Kopi Robusta @ Rp 10.000" in mail.outbox[0].body


def test_submitting_twice_with_one_key_makes_one_request():
    organisation, outlet, people = team()
    shopper = shopper_get(user=people["member"], organisation=organisation)
    sido, tani, _kopi, _teh = fill_cart(shopper)
    delivery = {sido.pk: "producer", tani.pk: "pickup"}
    first = submit(shopper, outlet, delivery=delivery, key="form-key-123")

    again = purchase_request_submit(shopper=shopper, idempotency_key="form-key-123", payment_method="bank_transfer",
                                    delivery=delivery, expected_total=615_000, outlet_id=outlet.pk)

    assert (again.pk, again.replayed, PurchaseRequest.objects.count()) == (first.pk, True, 1)
    with pytest.raises(CartEmpty):
        submit(shopper, outlet, delivery=delivery)


def test_submit_checks_the_cart_as_placing_does():
    organisation, outlet, people = team()
    shopper = shopper_get(user=people["member"], organisation=organisation)
    sido, tani, _kopi, _teh = fill_cart(shopper)
    with pytest.raises(TotalChanged):
        purchase_request_submit(shopper=shopper, idempotency_key=uuid.uuid4().hex, payment_method="bank_transfer",
                                delivery={sido.pk: "producer", tani.pk: "pickup"}, expected_total=600_000,
                                outlet_id=outlet.pk)
    assert (PurchaseRequest.objects.count(), len(cart_quote(shopper=shopper).lines)) == (0, 2)


# --- reviewing ------------------------------------------------------------------------------


def test_review_highlights_price_stock_and_sale_changes_against_what_the_member_saw():
    request, _people, (sido, _tani, kopi, teh) = submitted_request()
    review = purchase_request_review(purchase_request=request)
    assert (review.changed, review.placeable, review.quote.total) == (False, True, 615_000)

    product_update(product=kopi, actor=owner_of(sido), changes=ProductChanges(retail_price=12000))
    product_approve(product=kopi, officer=OfficerFactory())
    ProductStock.objects.filter(product=teh).update(on_hand=5)

    review = purchase_request_review(purchase_request=access_purchase_request(user=request.requested_by,
                                                                              pk=request.pk))
    assert [(line.line.product_name, line.price_changed, line.now.unit_price_seen, line.now.unit_price,
             line.stock_short, line.now.available) for line in review.lines] == [
        ("Kopi Robusta", True, 10000, 12000, False, 100), ("Teh Hijau", False, 10000, 10000, True, 5)]
    assert (review.changed, review.total_changed, review.placeable, review.quote.total) == (True, True, False, 695_000)

    product_delist(product=kopi, officer=OfficerFactory(), reasons=["permits"], note="Izin kedaluwarsa")
    review = purchase_request_review(purchase_request=request)
    assert [(line.line.product_name, line.unavailable) for line in review.lines] == [
        ("Kopi Robusta", True), ("Teh Hijau", False)]


# --- approving ------------------------------------------------------------------------------


def test_approve_places_once_for_the_organisation_by_the_manager(django_capture_on_commit_callbacks):
    request, people, (_sido, _tani, kopi, teh) = submitted_request()
    manager = people["manager"]

    with django_capture_on_commit_callbacks(execute=True):
        approved = purchase_request_approve(purchase_request=request, actor=manager, expected_total=615_000)
    again = purchase_request_approve(purchase_request=request, actor=manager, expected_total=615_000)

    approved.refresh_from_db()
    checkout = approved.checkout
    assert (approved.status, approved.decided_by, again.checkout_id) == ("approved", manager, checkout.pk)
    assert approved.decided_at is not None
    assert (Checkout.objects.count(), checkout.placed_by, checkout.organisation, checkout.total, checkout.outlet_id,
            checkout.payment_method, checkout.note) == (
        1, manager, request.organisation, 615_000, request.outlet_id, "bank_transfer", "Untuk toko Kaliwates")
    assert sorted(checkout.orders.values_list("delivery_option", "total")) == [("pickup", 200_000),
                                                                               ("producer", 415_000)]
    assert (reserved(kopi), reserved(teh)) == (40, 20)
    assert list(approved.events.values_list("from_status", "to_status", "actor")) == [
        ("", "submitted", people["member"].pk), ("submitted", "approved", manager.pk)]
    assert approved.events.last().data == {"checkout": checkout.pk, "number": checkout.number, "total": 615_000}
    assert (f"Your purchase request was approved: order {checkout.number}", (people["member"].email,)) in [
        (m.subject, tuple(m.to)) for m in mail.outbox]


def test_approve_at_changed_prices_needs_the_new_total_and_refusals_change_nothing():
    request, people, (sido, _tani, kopi, teh) = submitted_request()
    product_update(product=kopi, actor=owner_of(sido), changes=ProductChanges(retail_price=12000))
    product_approve(product=kopi, officer=OfficerFactory())

    with pytest.raises(TotalChanged):
        purchase_request_approve(purchase_request=request, actor=people["owner"], expected_total=615_000)
    request.refresh_from_db()
    assert (request.status, Checkout.objects.count(), reserved(kopi), request.events.count()) == ("submitted", 0, 0, 1)

    ProductStock.objects.filter(product=teh).update(on_hand=5)
    with pytest.raises(InsufficientStock):
        purchase_request_approve(purchase_request=request, actor=people["owner"], expected_total=695_000)
    ProductStock.objects.filter(product=teh).update(on_hand=100)
    approved = purchase_request_approve(purchase_request=request, actor=people["owner"], expected_total=695_000)
    assert (approved.status, approved.checkout.total, reserved(kopi)) == ("approved", 695_000, 40)


@pytest.mark.parametrize("who", ["member", "colleague"])
def test_members_cannot_approve_or_reject(who):
    request, people, (_sido, _tani, kopi, _teh) = submitted_request()
    with pytest.raises(PurchaseRequestForbidden):
        purchase_request_approve(purchase_request=request, actor=people[who], expected_total=615_000)
    with pytest.raises(PurchaseRequestForbidden):
        purchase_request_reject(purchase_request=request, actor=people[who], reason="Tidak")
    request.refresh_from_db()
    assert (request.status, Checkout.objects.count(), reserved(kopi)) == ("submitted", 0, 0)


def test_manager_of_another_organisation_cannot_see_or_decide():
    request, _people, _products = submitted_request()
    _other, outsider, _outlet = buyer_organisation(role=Membership.Role.MANAGER)
    with pytest.raises(PurchaseRequestNotFound):
        access_purchase_request(user=outsider, pk=request.pk)
    with pytest.raises(PurchaseRequestForbidden):
        purchase_request_approve(purchase_request=request, actor=outsider, expected_total=615_000)
    assert list(purchase_request_list(organisation=request.organisation, user=outsider)) == []


def test_who_sees_which_requests():
    request, people, _products = submitted_request()
    organisation = request.organisation
    assert access_purchase_request(user=people["member"], pk=request.pk) == request
    assert access_purchase_request(user=people["manager"], pk=request.pk) == request
    with pytest.raises(PurchaseRequestNotFound):
        access_purchase_request(user=people["colleague"], pk=request.pk)
    with pytest.raises(PurchaseRequestNotFound):
        access_purchase_request(user=OfficerFactory(), pk=request.pk)
    assert [list(purchase_request_list(organisation=organisation, user=people[name], status="submitted"))
            for name in ("owner", "manager", "member", "colleague")] == [[request], [request], [request], []]


# --- rejecting and withdrawing --------------------------------------------------------------


def test_reject_needs_a_reason_and_tells_the_member(django_capture_on_commit_callbacks):
    request, people, _products = submitted_request()
    for reason in ("", "   "):
        with pytest.raises(OrdersInvalid) as error:
            purchase_request_reject(purchase_request=request, actor=people["manager"], reason=reason)
        assert error.value.fields == {"reason": ["Say why the request is rejected."]}
    request.refresh_from_db()
    assert (request.status, request.events.count()) == ("submitted", 1)

    with django_capture_on_commit_callbacks(execute=True):
        purchase_request_reject(purchase_request=request, actor=people["manager"], reason="Stok gudang masih cukup")

    request.refresh_from_db()
    assert (request.status, request.reason, request.decided_by, request.checkout) == (
        "rejected", "Stok gudang masih cukup", people["manager"], None)
    assert list(request.events.values_list("to_status", "note"))[-1] == ("rejected", "Stok gudang masih cukup")
    member_mail = [m for m in mail.outbox if m.to == [people["member"].email]]
    assert [(m.subject, m.body.split(": ")[-1]) for m in member_mail] == [
        ("Your purchase request was rejected", "Stok gudang masih cukup")]
    with pytest.raises(PurchaseRequestStatusInvalid):
        purchase_request_approve(purchase_request=request, actor=people["manager"], expected_total=615_000)
    assert Checkout.objects.count() == 0


def test_member_withdraws_their_pending_request_only():
    request, people, _products = submitted_request()
    with pytest.raises(PurchaseRequestForbidden):
        purchase_request_withdraw(purchase_request=request, actor=people["manager"])

    withdrawn = purchase_request_withdraw(purchase_request=request, actor=people["member"])

    request.refresh_from_db()
    assert (request.status, withdrawn.restored) == ("withdrawn", 2)
    # its products are back in the member's cart for the organisation, to change and submit again
    cart_lines = CartLine.objects.filter(cart__user=people["member"], cart__organisation=request.organisation)
    assert sorted(cart_lines.values_list("product_id", "quantity")) == sorted(
        request.lines.values_list("product_id", "quantity"))
    assert list(PurchaseRequestEvent.objects.filter(purchase_request=request).values_list(
        "from_status", "to_status", "actor")) == [("", "submitted", people["member"].pk),
                                                  ("submitted", "withdrawn", people["member"].pk)]
    with pytest.raises(PurchaseRequestStatusInvalid):
        purchase_request_withdraw(purchase_request=request, actor=people["member"])
    with pytest.raises(PurchaseRequestStatusInvalid):
        purchase_request_approve(purchase_request=request, actor=people["manager"], expected_total=615_000)
    assert (Checkout.objects.count(), PurchaseRequestLine.objects.filter(purchase_request=request).count()) == (0, 2)


# --- API ------------------------------------------------------------------------------------

API = "/api/v1/purchase-requests/"


def api(user, organisation=None):
    client = APIClient()
    client.force_authenticate(user)
    if organisation is not None:
        client.credentials(HTTP_X_BUYER_ORGANISATION=str(organisation.pk))
    return client


def test_api_submit_list_detail_approve():
    organisation, outlet, people = team()
    shopper = shopper_get(user=people["member"], organisation=organisation)
    sido, tani, kopi, _teh = fill_cart(shopper)
    member = api(people["member"], organisation)
    body = {"outlet_id": outlet.pk, "delivery": {str(sido.pk): "producer", str(tani.pk): "pickup"},
            "payment_method": "bank_transfer", "note": "", "expected_total": 615_000}

    placed = member.post("/api/v1/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY="api-key-0001")
    assert (placed.status_code, placed.json()["code"]) == (403, "approval_required")

    created = member.post(API, body, format="json", HTTP_IDEMPOTENCY_KEY="api-key-0002")
    replay = member.post(API, body, format="json", HTTP_IDEMPOTENCY_KEY="api-key-0002")
    assert (created.status_code, replay.status_code, replay.json()["id"]) == (201, 200, created.json()["id"])
    pk = created.json()["id"]
    assert (created.json()["status"], created.json()["total"], created.json()["approval_limit"]) == (
        "submitted", 615_000, LIMIT)
    assert [(line["product_id"], line["quantity"], line["unit_price_seen"]) for line in created.json()["lines"]] == [
        (kopi.pk, 40, 10000), (_teh.pk, 20, 10000)]

    manager = api(people["manager"], organisation)
    queue = manager.get(API, {"status": "submitted"})
    assert [r["id"] for r in queue.json()["results"]] == [pk]
    assert api(people["colleague"], organisation).get(API).json()["results"] == []

    detail = manager.get(f"{API}{pk}/")
    assert detail.status_code == 200
    assert (detail.json()["review"]["total"], detail.json()["review"]["changed"],
            detail.json()["review"]["placeable"], detail.json()["can_decide"]) == (615_000, False, True, True)

    forbidden = member.post(f"{API}{pk}/approve/", {"expected_total": 615_000}, format="json")
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "purchase_request_forbidden")
    approved = manager.post(f"{API}{pk}/approve/", {"expected_total": 615_000}, format="json")
    twice = manager.post(f"{API}{pk}/approve/", {"expected_total": 615_000}, format="json")
    assert (approved.status_code, approved.json()["status"], twice.status_code) == (200, "approved", 200)
    assert approved.json()["checkout"]["id"] == twice.json()["checkout"]["id"]
    assert (Checkout.objects.count(), reserved(kopi)) == (1, 40)


def test_api_reject_withdraw_and_other_organisations():
    request, people, _products = submitted_request()
    organisation = request.organisation
    url = f"{API}{request.pk}/"
    _other, outsider, _outlet = buyer_organisation(role=Membership.Role.MANAGER)
    assert api(outsider).get(url).status_code == 404
    assert api(outsider).post(f"{url}approve/", {"expected_total": 615_000}, format="json").status_code == 404
    assert api(people["colleague"]).get(url).status_code == 404

    manager = api(people["manager"], organisation)
    missing = manager.post(f"{url}reject/", {"reason": ""}, format="json")
    assert (missing.status_code, list(missing.json()["fields"])) == (400, ["reason"])
    request.refresh_from_db()
    assert request.status == "submitted"

    withdrawn = api(people["member"]).post(f"{url}withdraw/")
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")
    late = manager.post(f"{url}reject/", {"reason": "Terlambat"}, format="json")
    assert (late.status_code, late.json()["code"]) == (409, "purchase_request_status_invalid")


def test_api_owner_sets_the_approval_limit():
    organisation, _outlet, people = team()
    url = f"/api/v1/buyer-organisations/{organisation.pk}/approval-limit/"
    assert api(people["member"]).get(url).json() == {"approval_limit": LIMIT, "can_change": False}
    refused = api(people["manager"]).put(url, {"approval_limit": 1_000_000}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "buyer_owner_required")
    changed = api(people["owner"]).put(url, {"approval_limit": 1_000_000}, format="json")
    assert changed.json() == {"approval_limit": 1_000_000, "can_change": True}
    cleared = api(people["owner"]).put(url, {"approval_limit": None}, format="json")
    assert cleared.json()["approval_limit"] is None
    _other, outsider, _outlet2 = buyer_organisation()
    assert api(outsider).get(url).status_code == 404


# --- concurrency and query budgets ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_and_a_rejection_decide_once():
    from tests.concurrency import race

    request, people, (_sido, _tani, kopi, teh) = submitted_request()
    deciders = [people["manager"], people["owner"], people["manager"], people["owner"]]

    def decide(i):
        if i == 4:
            return purchase_request_reject(purchase_request=PurchaseRequest.objects.get(pk=request.pk),
                                           actor=people["manager"], reason="Batal")
        return purchase_request_approve(purchase_request=PurchaseRequest.objects.get(pk=request.pk),
                                        actor=deciders[i], expected_total=615_000)

    results = race(5, decide)

    request.refresh_from_db()
    assert Checkout.objects.count() == (1 if request.status == "approved" else 0)
    assert request.events.count() == 2
    if request.status == "approved":  # every approval saw the one checkout; the rejection came too late
        assert [r.checkout_id for r in results[:4]] == [request.checkout_id] * 4
        assert type(results[4]) is PurchaseRequestStatusInvalid
        assert (reserved(kopi), reserved(teh)) == (40, 20)
    else:  # the rejection went first: every approval found it decided
        assert [type(r) for r in results[:4]] == [PurchaseRequestStatusInvalid] * 4
        assert (reserved(kopi), reserved(teh)) == (0, 0)


def test_list_queries_do_not_grow_with_the_number_of_requests(django_assert_num_queries):
    organisation, outlet, people = team()
    shopper = shopper_get(user=people["member"], organisation=organisation)
    sido, tani, kopi, teh = fill_cart(shopper)
    submit(shopper, outlet, delivery={sido.pk: "pickup", tani.pk: "pickup"})
    client = api(people["manager"], organisation)
    with django_assert_num_queries(10) as one:
        client.get(API)
    for _ in range(3):
        cart_line_set(shopper=shopper, product_id=kopi.pk, quantity=60)
        submit(shopper, outlet, delivery={sido.pk: "pickup"})
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(API)
    assert response.json()["count"] == 4
