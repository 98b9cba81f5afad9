"""Orders from a showcase meeting (placed from it or linked afterwards) and the showcase report, which must
equal an independent count of the records."""

import uuid
from datetime import timedelta

import pytest

from orders.exceptions import OrdersInvalid
from orders.models import Order
from orders.selectors import cart_quote, shopper_get
from orders.services import (
    cart_line_set,
    cart_showcase_meeting_fill,
    checkout_cancel,
    order_place,
    order_showcase_meeting_link,
)
from showcases.exceptions import MeetingNotFound
from showcases.models import Meeting, Outcome, ShowcaseEvent
from showcases.selectors import FOLLOW_UP_DAYS, LEAD_OUTCOMES, showcase_public_summary, showcase_report
from showcases.services import meeting_outcome_record, meeting_request, meeting_respond
from tests.orders.factories import OfficerFactory, buyer_organisation, owner_of
from tests.showcases.factories import accepted_meeting, confirmed_participant, published_showcase, registered_buyer

pytestmark = pytest.mark.django_db


def _order(meeting, *, quantity: int = 2, with_meeting: bool = True, product=None):
    """Place an order of the meeting's buyer with its producer (through the one placement service)."""
    registration = meeting.registration
    owner = registration.registered_by
    shopper = shopper_get(user=owner, organisation=registration.organisation)
    product = product or meeting.participant.products.first()
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)
    delivery = {meeting.participant.producer_id: "pickup"}
    outlet = registration.organisation.outlets.first()
    checkout = order_place(
        shopper=shopper,
        idempotency_key=uuid.uuid4().hex,
        payment_method="bank_transfer",
        delivery=delivery,
        expected_total=cart_quote(shopper=shopper, delivery=delivery).total,
        outlet_id=outlet.pk,
        showcase_meeting_id=meeting.pk if with_meeting else None,
    )
    return checkout.orders.get()


def test_an_order_placed_from_the_meeting_records_it_and_the_outcome():
    showcase = published_showcase()
    meeting = accepted_meeting(showcase)

    order = _order(meeting)

    order.refresh_from_db()
    meeting.refresh_from_db()
    assert order.showcase_meeting_id == meeting.pk
    assert meeting.outcome == Outcome.ORDER_PLACED
    assert meeting.outcome_note == f"Order {order.number}"
    assert ShowcaseEvent.objects.filter(meeting=meeting, kind="outcome", to_value="order_placed").count() == 1


def test_another_organisations_meeting_refuses_the_placement_and_nothing_is_written():
    showcase = published_showcase()
    meeting = accepted_meeting(showcase)
    organisation, owner, outlet = buyer_organisation(credit_limit=None)
    shopper = shopper_get(user=owner, organisation=organisation)
    product = meeting.participant.products.first()
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    delivery = {meeting.participant.producer_id: "pickup"}

    with pytest.raises(MeetingNotFound):
        order_place(
            shopper=shopper,
            idempotency_key=uuid.uuid4().hex,
            payment_method="bank_transfer",
            delivery=delivery,
            expected_total=cart_quote(shopper=shopper, delivery=delivery).total,
            outlet_id=outlet.pk,
            showcase_meeting_id=meeting.pk,
        )

    assert Order.objects.count() == 0
    meeting.refresh_from_db()
    assert meeting.outcome == ""


def test_starting_an_order_from_the_meeting_fills_the_cart_with_the_products_shown():
    showcase = published_showcase()
    participant = confirmed_participant(showcase, products=2)
    registration, owner = registered_buyer(showcase)
    meeting = meeting_respond(
        meeting=meeting_request(registration=registration, participant=participant, actor=owner),
        actor=owner_of(participant.producer),
        accept=True,
    )
    shopper = shopper_get(user=owner, organisation=registration.organisation)

    added, skipped = cart_showcase_meeting_fill(shopper=shopper, meeting=meeting)

    assert (added, skipped) == (2, [])
    assert sorted(line.product_id for line in cart_quote(shopper=shopper).lines) == sorted(
        participant.products.values_list("pk", flat=True)
    )
    with pytest.raises(OrdersInvalid):
        cart_showcase_meeting_fill(shopper=shopper_get(user=owner), meeting=meeting)


def test_an_existing_order_is_linked_within_90_days_only_by_the_buyer_or_an_officer():
    showcase = published_showcase()
    meeting = accepted_meeting(showcase)
    order = _order(meeting, with_meeting=False)
    late = _order(meeting, with_meeting=False)
    Order.objects.filter(pk=late.pk).update(created_at=meeting.created_at + timedelta(days=FOLLOW_UP_DAYS, hours=1))

    with pytest.raises(OrdersInvalid):
        order_showcase_meeting_link(meeting=meeting, order_id=order.pk, actor=owner_of(meeting.participant.producer))
    with pytest.raises(OrdersInvalid):
        order_showcase_meeting_link(meeting=meeting, order_id=late.pk, actor=meeting.registration.registered_by)
    order_showcase_meeting_link(meeting=meeting, order_id=order.pk, actor=meeting.registration.registered_by)

    assert list(Order.objects.filter(showcase_meeting=meeting).values_list("pk", flat=True)) == [order.pk]
    meeting.refresh_from_db()
    assert meeting.outcome == Outcome.ORDER_PLACED


def test_the_report_equals_an_independent_count():
    # given: a showcase whose meetings end in every way, with orders inside and outside 90 days
    officer = OfficerFactory()
    showcase = published_showcase(officer=officer)
    registration, owner = registered_buyer(showcase)
    other_registration, other_owner = registered_buyer(showcase)
    participants = [confirmed_participant(showcase, table=n) for n in range(1, 5)]
    ordered = accepted_meeting(showcase, registration=registration, owner=owner, participant=participants[0])
    sampled = accepted_meeting(showcase, registration=registration, owner=owner, participant=participants[1])
    agreed = accepted_meeting(showcase, registration=other_registration, owner=other_owner, participant=participants[0])
    uninterested = accepted_meeting(
        showcase, registration=other_registration, owner=other_owner, participant=participants[2]
    )
    open_request = meeting_request(registration=registration, participant=participants[3], actor=owner)
    declined = meeting_respond(
        meeting=meeting_request(registration=other_registration, participant=participants[3], actor=other_owner),
        actor=owner_of(participants[3].producer),
        accept=False,
    )
    first = _order(ordered, quantity=2)
    second = _order(ordered, quantity=3)
    late = _order(ordered, quantity=1)
    Order.objects.filter(pk=late.pk).update(created_at=ordered.created_at + timedelta(days=FOLLOW_UP_DAYS + 1))
    cancelled = _order(agreed, quantity=1)
    checkout_cancel(checkout=cancelled.checkout, actor=other_owner, reason="Salah pesan")
    meeting_outcome_record(meeting=sampled, actor=owner, outcome=Outcome.SAMPLES_REQUESTED)
    meeting_outcome_record(meeting=agreed, actor=officer, outcome=Outcome.PLACEMENT_AGREED, note="Rak kopi")
    meeting_outcome_record(meeting=uninterested, actor=other_owner, outcome=Outcome.NO_INTEREST)

    # when
    report = showcase_report(showcase=showcase)

    # then: the same figures counted independently from the rows
    meetings = list(Meeting.objects.filter(showcase=showcase))
    counted_orders = [
        o
        for o in Order.objects.filter(showcase_meeting__showcase=showcase).select_related("showcase_meeting")
        if o.status not in ("cancelled", "declined")
        and o.created_at
        <= (o.showcase_meeting.starts_at or o.showcase_meeting.created_at) + timedelta(days=FOLLOW_UP_DAYS)
    ]
    assert report["requested"] == len(meetings) == 6
    assert report["accepted"] == sum(m.status == "accepted" for m in meetings) == 4
    assert report["declined"] == 1 and declined.status == "declined" and open_request.status == "requested"
    assert report["held"] == sum(m.status == "accepted" and m.outcome != "" for m in meetings) == 4
    assert report["leads"] == sum(m.outcome in LEAD_OUTCOMES for m in meetings) == 3
    assert {row["kind"]: row["count"] for row in report["outcomes"]} == {
        "no_interest": 1,
        "samples_requested": 1,
        "quote_requested": 0,
        "order_placed": 1,
        "placement_agreed": 1,
    }
    assert report["orders"] == len(counted_orders) == 2
    assert report["orders_value"] == sum(o.total for o in counted_orders) == first.total + second.total
    by_meeting = {row.pk: (row.order_count, row.order_value) for row in report["rows"]}
    assert by_meeting[ordered.pk] == (2, first.total + second.total)
    assert by_meeting[agreed.pk] == (0, 0)
    assert showcase_public_summary(showcase=showcase) == {
        "producers": 4,
        "buyers": 2,
        "meetings": 4,
        "leads": 3,
        "orders": 2,
        "placements": 0,  # none proposed from these meetings (tests/placements/test_showcase_link.py counts them)
    }
