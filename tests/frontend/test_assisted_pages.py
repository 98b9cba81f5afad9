"""Pages of officer-assisted mode: starting it (officers who passed TOTP), the banner, the producer pages acting
for the producer, the producer's list of actions, expiry, and what stays out of reach (bank account)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import AssistAction, AssistSession, ProductCurationEvent, StockMovement
from catalog.services import assist_session_start, product_submit_for_curation
from orders.models import OrderEvent
from payments.models import ProducerBankAccount
from tests.catalog.factories import OfficerFactory, ProducerFactory, ProductFactory, owner_of
from tests.fixtures import force_login_mfa
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db

HOME = "/dashboard/producer/"
REASON = "Diminta saat kunjungan, tidak punya ponsel pintar"


@pytest.fixture(autouse=True)
def _english(english_pages):
    """Pages and messages in English (``english_pages``)."""


@pytest.fixture(name="producer")
def producer_fixture():
    return ProducerFactory(name="UMKM Kopi Padomasan")


@pytest.fixture(name="officer")
def officer_fixture(totp_for):
    officer = OfficerFactory(full_name="Pak Budi")
    totp_for(officer)
    return officer


@pytest.fixture(name="officer_client")
def officer_client_fixture(client, officer):
    force_login_mfa(client, officer)
    return client


def html(response) -> str:
    return response.content.decode()


def start(client, producer, reason=REASON):
    return client.post(f"/dashboard/officer/producers/{producer.pk}/assist/", {"reason": reason})


# --- starting and ending ----------------------------------------------------------------------


def test_an_officer_starts_assisted_mode_from_the_producer_page(officer_client, officer, producer):
    page = officer_client.get(f"/dashboard/officer/producers/{producer.pk}/")
    assert "Act on their behalf" in html(page)

    response = start(officer_client, producer)

    assert response.status_code == 302
    assert response["Location"] == f"{HOME}?producer={producer.pk}"
    session = AssistSession.objects.get()
    assert (session.officer, session.producer, session.reason, session.ended_at) == (officer, producer, REASON, None)
    dashboard = html(officer_client.get(response["Location"]))
    assert "Acting on behalf of" in dashboard and "UMKM Kopi Padomasan" in dashboard
    assert "You are assisting UMKM Kopi Padomasan as a programme officer" in dashboard


def test_starting_needs_a_reason(officer_client, producer):
    response = start(officer_client, producer, reason="")

    assert response.status_code == 400
    assert AssistSession.objects.count() == 0


def test_starting_needs_an_officer_session_that_passed_totp(client, officer, producer):
    client.force_login(officer)  # password only: the second factor was never entered

    response = start(client, producer)

    assert response.status_code == 302
    assert "/accounts/2fa/reauthenticate/" in response["Location"]
    assert AssistSession.objects.count() == 0


def test_people_other_than_officers_cannot_start_assisted_mode(client, producer):
    client.force_login(owner_of(producer))

    assert start(client, producer).status_code == 403
    assert AssistSession.objects.count() == 0


def test_the_banner_shows_on_every_page_and_ends_the_session(officer_client, producer):
    start(officer_client, producer)

    for url in ("/", "/dashboard/officer/", "/products/"):
        page = html(officer_client.get(url))
        assert "Acting on behalf of" in page and "UMKM Kopi Padomasan" in page, url
    ended = officer_client.post("/dashboard/officer/assist/end/")

    assert ended.status_code == 302 and ended["Location"] == f"/dashboard/officer/producers/{producer.pk}/"
    assert AssistSession.objects.get().ended_at is not None
    assert "Acting on behalf of" not in html(officer_client.get("/dashboard/officer/"))


# --- the producer's pages with and without a session -------------------------------------------


def test_without_a_session_an_officer_may_look_but_not_change_a_producers_product_or_stock(officer_client,
                                                                                           producer):
    product = ProductFactory(producer=producer, name="Kopi Asli", stock=5)

    look = officer_client.get(f"{HOME}?producer={producer.pk}")
    restock = officer_client.post(f"{HOME}products/{product.pk}/stock/restock/", {"quantity": 10})
    submit = officer_client.post(f"{HOME}products/{product.pk}/submit/")

    assert look.status_code == 200
    assert "To change something for them, start assisted mode" in html(look)
    assert (restock.status_code, submit.status_code) == (403, 403)
    product.refresh_from_db()
    assert (product.stock.on_hand, product.status) == (5, "draft")
    assert (StockMovement.objects.count(), ProductCurationEvent.objects.count(), AssistAction.objects.count()) == (
        0, 0, 0)


def test_a_session_for_one_producer_does_not_open_another(officer_client, producer):
    other = ProducerFactory(name="UMKM Lain")
    product = ProductFactory(producer=other, stock=5)
    start(officer_client, producer)

    response = officer_client.post(f"{HOME}products/{product.pk}/stock/restock/", {"quantity": 10})

    assert response.status_code == 403
    product.stock.refresh_from_db()
    assert (product.stock.on_hand, StockMovement.objects.count()) == (5, 0)


def test_with_a_session_the_producer_pages_act_for_the_producer(officer_client, officer, producer):
    product = ProductFactory(producer=producer, name="Kopi Dibantu", stock=5)
    start(officer_client, producer)

    home = officer_client.get(HOME)  # no ?producer=: the session's producer
    restock = officer_client.post(f"{HOME}products/{product.pk}/stock/restock/", {"quantity": 10, "note": "Panen"})
    submit = officer_client.post(f"{HOME}products/{product.pk}/submit/")

    assert home.status_code == 200 and "Kopi Dibantu" in html(home)
    assert (restock.status_code, submit.status_code) == (302, 302)
    movement = StockMovement.objects.get()
    assert (movement.delta_on_hand, movement.actor, movement.on_behalf_of) == (10, officer, producer)
    event = ProductCurationEvent.objects.get()
    assert (event.to_status, event.actor, event.on_behalf_of) == ("submitted", officer, producer)


def test_with_a_session_the_officer_accepts_packs_and_ships_from_the_producers_board(officer_client, officer):
    order, _product, _people = placed_order(quantity=2)
    action = f"/orders/{order.pk}/action/"

    refused = officer_client.post(action, {"to": "accepted"})
    order.refresh_from_db()
    assert (refused.status_code, order.status) == (302, "placed")  # refused with a message, nothing changed

    start(officer_client, order.producer)
    board = officer_client.get("/dashboard/producer/orders/")
    for to in ("accepted", "packed", "shipped"):
        officer_client.post(action, {"to": to, "next": "/dashboard/producer/orders/"})

    assert board.status_code == 200 and order.number in html(board)
    order.refresh_from_db()
    assert order.status == "shipped"
    assert [(e.to_status, e.actor, e.on_behalf_of) for e in OrderEvent.objects.filter(
        order=order, to_status__in=["accepted", "packed", "shipped"]).order_by("pk")] == [
        ("accepted", officer, order.producer), ("packed", officer, order.producer),
        ("shipped", officer, order.producer)]


def test_the_session_expires_and_the_pages_refuse_changes_again(officer_client, producer):
    product = ProductFactory(producer=producer, stock=5)
    start(officer_client, producer)
    AssistSession.objects.update(started_at=timezone.now() - timedelta(hours=3),
                                 expires_at=timezone.now() - timedelta(minutes=1))

    response = officer_client.post(f"{HOME}products/{product.pk}/stock/restock/", {"quantity": 10})

    assert response.status_code == 403
    assert "Acting on behalf of" not in html(officer_client.get("/dashboard/officer/"))
    product.stock.refresh_from_db()
    assert product.stock.on_hand == 5


# --- what stays with the producer ----------------------------------------------------------------


def test_the_bank_account_stays_out_of_reach_in_assisted_mode(officer_client, producer):
    start(officer_client, producer)

    response = officer_client.post(f"/dashboard/producer/finance/?producer={producer.pk}", {
        "bank_name": "BRI", "account_number": "1234567890", "account_holder": "Pak Budi"})

    assert response.status_code == 403
    assert ProducerBankAccount.objects.count() == 0


def test_an_officer_cannot_approve_their_own_assisted_submission_on_the_curation_page(officer_client, officer,
                                                                                      producer):
    product = ProductFactory(producer=producer)
    assist_session_start(officer=officer, producer=producer, reason=REASON)
    product_submit_for_curation(product=product, actor=officer)

    response = officer_client.post(f"/dashboard/officer/curation/{product.pk}/approve/", follow=True)

    assert "another officer must review it" in html(response)
    product.refresh_from_db()
    assert (product.status, product.listed) == ("submitted", False)


# --- the producer sees it ---------------------------------------------------------------------------


def test_the_producer_sees_what_officers_did_on_their_behalf(client, officer_client, producer):
    product = ProductFactory(producer=producer, name="Kopi Dibantu", stock=5)
    start(officer_client, producer)
    officer_client.post(f"{HOME}products/{product.pk}/stock/restock/", {"quantity": 10})
    client.logout()  # also drops the cookies, the English language cookie among them
    client.cookies["ki_language"] = "en"
    client.force_login(owner_of(producer))

    page = html(client.get(HOME))

    assert "Actions by officers on your behalf" in page
    assert "Stock added</strong>: Kopi Dibantu" in page
    assert "by officer Pak Budi" in page
    assert f"Reason given: {REASON}" in page


def test_a_producer_with_no_assisted_actions_is_told_so(client, producer):
    client.force_login(owner_of(producer))

    assert "No officer has acted on behalf of this business yet." in html(client.get(HOME))
