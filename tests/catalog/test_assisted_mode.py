"""Officer-assisted mode: an officer acts on behalf of a producer only in an active assist session for it;
every action names the officer and the producer, and the producer sees it (services and API)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.exceptions import AssistSessionRequired, CatalogInvalid, CurationOfOwnAssistedWork, OfficerRequired
from catalog.models import AssistAction, AssistSession, Product, ProductCurationEvent, StockMovement
from catalog.selectors import assist_action_list, assist_session_active
from catalog.services import (
    ASSIST_SESSION_DURATION,
    ProductChanges,
    assist_session_end,
    assist_session_start,
    product_approve,
    product_create,
    product_curation_decide,
    product_reject,
    product_submit_for_curation,
    product_update,
    stock_correct,
    stock_restock,
)
from orders.exceptions import OrderActionForbidden
from orders.models import Order, OrderEvent
from orders.services import order_accept, order_pack, order_ship
from tests.catalog.factories import CategoryFactory, OfficerFactory, ProducerFactory, ProductFactory, owner_of
from tests.factories import UserFactory
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db

Kind = AssistAction.Kind


@pytest.fixture(name="producer")
def producer_fixture():
    return ProducerFactory(name="UMKM Kopi Padomasan")


@pytest.fixture(name="officer")
def officer_fixture():
    return OfficerFactory(full_name="Pak Budi")


def start(officer, producer, reason="Diminta saat kunjungan, tidak punya ponsel pintar"):
    return assist_session_start(officer=officer, producer=producer, reason=reason)


# --- without a session ----------------------------------------------------------------------


def test_an_officer_without_a_session_cannot_edit_a_producers_product_or_stock(officer, producer):
    product = ProductFactory(producer=producer, name="Kopi Asli", stock=5)

    with pytest.raises(AssistSessionRequired):
        product_update(product=product, actor=officer, changes=ProductChanges(name="Kopi Palsu"))
    with pytest.raises(AssistSessionRequired):
        stock_restock(product=product, quantity=10, actor=officer)
    with pytest.raises(AssistSessionRequired):
        product_submit_for_curation(product=product, actor=officer)
    with pytest.raises(AssistSessionRequired):
        product_create(producer=producer, actor=officer, changes=ProductChanges(
            category=CategoryFactory(), name="Baru", description="Baru.", sku="B-1"))

    product.refresh_from_db()
    assert (product.name, product.status, product.stock.on_hand) == ("Kopi Asli", "draft", 5)
    assert (StockMovement.objects.count(), ProductCurationEvent.objects.count(), AssistAction.objects.count(),
            Product.objects.count()) == (0, 0, 0, 1)


def test_a_session_for_another_producer_does_not_count(officer, producer):
    product = ProductFactory(producer=producer, stock=5)
    start(officer, ProducerFactory(name="UMKM Lain"))

    with pytest.raises(AssistSessionRequired):
        stock_restock(product=product, quantity=10, actor=officer)

    product.stock.refresh_from_db()
    assert (product.stock.on_hand, StockMovement.objects.count(), AssistAction.objects.count()) == (5, 0, 0)


def test_strangers_are_still_refused_with_producer_member_required(producer):
    from catalog.exceptions import ProducerMemberRequired

    product = ProductFactory(producer=producer, stock=5)

    with pytest.raises(ProducerMemberRequired):
        stock_restock(product=product, quantity=10, actor=UserFactory())


# --- with a session -------------------------------------------------------------------------


def test_with_a_session_the_officer_lists_a_product_and_updates_stock_in_the_producers_name(officer, producer):
    session = start(officer, producer)

    product = product_create(producer=producer, actor=officer, changes=ProductChanges(
        category=CategoryFactory(), name="Kopi Dibantu", description="Robusta bubuk.", sku="KD-1",
        retail_price=30000, weight_grams=250))
    product_update(product=product, actor=officer, changes=ProductChanges(retail_price=32000))
    submitted = product_submit_for_curation(product=product, actor=officer)
    stock_restock(product=product, quantity=40, actor=officer, reference="Panen Senin")
    stock_correct(product=product, on_hand=38, actor=officer, reference="Dua bungkus rusak")

    assert (submitted.actor, submitted.on_behalf_of, submitted.to_status) == (officer, producer, "submitted")
    movements = list(StockMovement.objects.filter(product=product).order_by("pk"))
    assert [(m.reason, m.delta_on_hand, m.actor, m.on_behalf_of) for m in movements] == [
        ("restock", 40, officer, producer), ("correction", -2, officer, producer)]
    actions = list(assist_action_list(producer=producer))
    assert [(a.kind, a.subject, a.product_id, a.session_id) for a in actions] == [
        (Kind.STOCK_CORRECTED, "Kopi Dibantu", product.pk, session.pk),
        (Kind.STOCK_RESTOCKED, "Kopi Dibantu", product.pk, session.pk),
        (Kind.PRODUCT_SUBMITTED, "Kopi Dibantu", product.pk, session.pk),
        (Kind.PRODUCT_UPDATED, "Kopi Dibantu", product.pk, session.pk),
        (Kind.PRODUCT_CREATED, "Kopi Dibantu", product.pk, session.pk),
    ]
    assert actions[0].session.reason == "Diminta saat kunjungan, tidak punya ponsel pintar"


def test_the_producers_own_people_act_without_a_session_and_nothing_says_on_behalf(producer):
    product = ProductFactory(producer=producer, stock=0)

    stock_restock(product=product, quantity=7, actor=owner_of(producer))

    movement = StockMovement.objects.get()
    assert (movement.actor, movement.on_behalf_of, AssistAction.objects.count()) == (owner_of(producer), None, 0)


def test_a_refused_change_in_a_session_records_no_action(officer, producer):
    product = ProductFactory(producer=producer, stock=5)
    start(officer, producer)

    with pytest.raises(CatalogInvalid):
        stock_correct(product=product, on_hand=3, actor=officer, reference="  ")

    assert (AssistAction.objects.count(), StockMovement.objects.count()) == (0, 0)


def test_the_officer_accepts_packs_and_ships_an_order_for_the_producer(officer):
    order, product, people = placed_order(quantity=4)
    producer = order.producer

    with pytest.raises(OrderActionForbidden):  # no session: an officer is not the producer
        order_accept(order=order, actor=officer)
    order.refresh_from_db()
    assert (order.status, OrderEvent.objects.filter(order=order, to_status="accepted").count()) == ("placed", 0)

    start(officer, producer)
    order_accept(order=order, actor=officer)
    order_pack(order=order, actor=officer)
    order_ship(order=order, actor=officer)

    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    events = list(OrderEvent.objects.filter(order=order, to_status__in=["accepted", "packed", "shipped"])
                  .order_by("pk"))
    assert [(e.to_status, e.actor, e.on_behalf_of) for e in events] == [
        ("accepted", officer, producer), ("packed", officer, producer), ("shipped", officer, producer)]
    shipped = StockMovement.objects.get(product=product, reason="order_shipped")
    assert (shipped.delta_on_hand, shipped.actor, shipped.on_behalf_of) == (-4, officer, producer)
    assert [(a.kind, a.subject) for a in assist_action_list(producer=producer)] == [
        (Kind.ORDER_SHIPPED, order.number), (Kind.ORDER_PACKED, order.number), (Kind.ORDER_ACCEPTED, order.number)]


def test_an_officer_cancelling_as_an_officer_is_not_acting_on_behalf(officer):
    order, _product, _people = placed_order(quantity=1)
    start(officer, order.producer)

    from orders.services import order_cancel

    order_cancel(order=order, actor=officer, reason="Pembeli minta batal lewat telepon")

    event = OrderEvent.objects.get(order=order, to_status="cancelled")
    assert (event.actor, event.on_behalf_of, AssistAction.objects.count()) == (officer, None, 0)


# --- the session's life ---------------------------------------------------------------------


def test_a_session_expires_after_two_hours(officer, producer):
    product = ProductFactory(producer=producer, stock=5)
    session = start(officer, producer)
    assert session.expires_at - session.started_at == ASSIST_SESSION_DURATION == timedelta(hours=2)

    AssistSession.objects.filter(pk=session.pk).update(started_at=timezone.now() - timedelta(hours=3),
                                                       expires_at=timezone.now() - timedelta(seconds=1))

    assert assist_session_active(officer=officer) is None
    with pytest.raises(AssistSessionRequired):
        stock_restock(product=product, quantity=10, actor=officer)
    product.stock.refresh_from_db()
    assert (product.stock.on_hand, AssistAction.objects.count()) == (5, 0)


def test_an_ended_session_lets_nothing_through_and_ending_twice_changes_nothing(officer, producer):
    product = ProductFactory(producer=producer, stock=5)
    session = start(officer, producer)

    assist_session_end(officer=officer, session=session)
    ended_at = AssistSession.objects.get().ended_at
    assist_session_end(officer=officer, session=session)

    assert ended_at is not None and AssistSession.objects.get().ended_at == ended_at
    with pytest.raises(AssistSessionRequired):
        stock_restock(product=product, quantity=10, actor=officer)


def test_starting_a_session_ends_the_officers_other_one(officer, producer):
    first = start(officer, ProducerFactory(name="UMKM Lain"))

    second = start(officer, producer)

    first.refresh_from_db()
    assert first.ended_at is not None and first.ended_at <= second.started_at
    assert assist_session_active(officer=officer) == second


def test_only_an_officer_starts_a_session_and_only_with_a_reason(officer, producer):
    with pytest.raises(OfficerRequired):
        start(owner_of(producer), producer)
    with pytest.raises(CatalogInvalid) as refused:
        start(officer, producer, reason="   ")

    assert list(refused.value.fields) == ["reason"]
    assert AssistSession.objects.count() == 0


def test_the_producers_people_are_emailed_after_commit_when_a_session_starts(officer, producer,
                                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start(officer, producer, reason="Bu Sri minta dibantu unggah produk")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner_of(producer).email]
    assert message.subject == "A programme officer is acting on behalf of UMKM Kopi Padomasan"
    assert "Pak Budi started to act on behalf of UMKM Kopi Padomasan" in message.body
    assert "Reason: Bu Sri minta dibantu unggah produk" in message.body


def test_a_refused_start_sends_no_email(officer, producer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CatalogInvalid):
        start(officer, producer, reason="")

    assert mail.outbox == []


# --- curation of one's own assisted work ------------------------------------------------------


def test_an_officer_cannot_curate_a_product_they_submitted_on_behalf(officer, producer):
    product = ProductFactory(producer=producer)
    start(officer, producer)
    product_submit_for_curation(product=product, actor=officer)

    with pytest.raises(CurationOfOwnAssistedWork):
        product_approve(product=product, officer=officer)
    with pytest.raises(CurationOfOwnAssistedWork):
        product_reject(product=product, officer=officer, reasons=["photos"])
    with pytest.raises(CurationOfOwnAssistedWork):
        product_curation_decide(product=product, officer=officer, decision="approve")
    product.refresh_from_db()
    assert (product.status, product.listed) == ("submitted", False)

    product_approve(product=product, officer=OfficerFactory())  # another officer reviews it

    product.refresh_from_db()
    assert (product.status, product.listed) == ("approved", True)


def test_an_officer_who_only_edited_a_submitted_product_on_behalf_cannot_approve_it(officer, producer):
    product = ProductFactory(producer=producer)
    product_submit_for_curation(product=product, actor=owner_of(producer))
    start(officer, producer)
    product_update(product=product, actor=officer, changes=ProductChanges(retail_price=99000))

    with pytest.raises(CurationOfOwnAssistedWork):
        product_approve(product=product, officer=officer)


def test_after_another_officers_decision_the_assisting_officer_may_curate_the_next_submission(officer, producer):
    product = ProductFactory(producer=producer)
    start(officer, producer)
    product_submit_for_curation(product=product, actor=officer)
    product_reject(product=product, officer=OfficerFactory(), reasons=["photos"])
    product_submit_for_curation(product=product, actor=owner_of(producer))  # the producer fixed it alone

    product_approve(product=product, officer=officer)

    product.refresh_from_db()
    assert product.status == "approved"


# --- API ------------------------------------------------------------------------------------


@pytest.fixture(name="api")
def api_fixture():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def test_api_officer_starts_and_ends_a_session(api, officer, producer):
    api.force_authenticate(officer)

    started = api.post("/api/v1/assist-sessions/", {"producer": producer.pk, "reason": "Kunjungan"},
                       format="json")
    ended = api.post("/api/v1/assist-sessions/end/")
    again = api.post("/api/v1/assist-sessions/end/")

    assert started.status_code == 201, started.content
    session = AssistSession.objects.get()
    assert {k: started.json()[k] for k in ("id", "producer", "producer_name", "officer", "reason", "ended_at")} == {
        "id": session.pk, "producer": producer.pk, "producer_name": "UMKM Kopi Padomasan", "officer": officer.pk,
        "reason": "Kunjungan", "ended_at": None}
    assert ended.status_code == 200 and ended.json()["ended_at"] is not None
    assert (again.status_code, again.json()["code"]) == (404, "assist_session_not_found")


def test_api_only_officers_start_a_session(api, producer):
    api.force_authenticate(owner_of(producer))

    response = api.post("/api/v1/assist-sessions/", {"producer": producer.pk, "reason": "x"}, format="json")

    assert (response.status_code, response.json()["code"]) == (403, "officer_required")
    assert AssistSession.objects.count() == 0


def test_api_restock_by_an_officer_needs_a_session(api, officer, producer):
    product = ProductFactory(producer=producer, stock=5)
    api.force_authenticate(officer)
    url = f"/api/v1/products/{product.pk}/stock/restock/"

    refused = api.post(url, {"quantity": 3}, format="json")
    start(officer, producer)
    accepted = api.post(url, {"quantity": 3}, format="json")

    assert (refused.status_code, refused.json()["code"]) == (403, "assist_session_required")
    assert accepted.status_code == 200, accepted.content
    assert [(m.delta_on_hand, m.on_behalf_of) for m in StockMovement.objects.all()] == [(3, producer)]


def test_api_lists_assisted_actions_for_the_producer_and_officers_only(api, officer, producer):
    product = ProductFactory(producer=producer, name="Kopi Dibantu", stock=0)
    other = ProducerFactory(name="UMKM Lain")
    other_product = ProductFactory(producer=other, stock=0)
    start(officer, other)
    stock_restock(product=other_product, quantity=1, actor=officer)
    start(officer, producer, reason="Kunjungan Senin")
    stock_restock(product=product, quantity=2, actor=officer)

    api.force_authenticate(owner_of(producer))
    mine = api.get("/api/v1/assisted-actions/")
    foreign = api.get(f"/api/v1/assisted-actions/?producer={other.pk}")
    api.force_authenticate(officer)
    for_officer = api.get(f"/api/v1/assisted-actions/?producer={other.pk}")

    assert mine.status_code == 200
    assert [{k: row[k] for k in ("kind", "subject", "product", "producer", "officer", "officer_name", "reason")}
            for row in mine.json()["results"]] == [
        {"kind": "stock_restocked", "subject": "Kopi Dibantu", "product": product.pk, "producer": producer.pk,
         "officer": officer.pk, "officer_name": "Pak Budi", "reason": "Kunjungan Senin"}]
    assert foreign.status_code == 404
    assert [row["producer"] for row in for_officer.json()["results"]] == [other.pk]
