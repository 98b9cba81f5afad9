"""A small programme for the cockpit tests: three villages in two districts of Jember and one in
Banyuwangi (outside the programme by default), with stage changes, producers, products, orders,
coaching and surveys, all made through the services."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.utils import timezone

from catalog.models import Stage, VillageProfile
from catalog.services import coaching_session_record, survey_record, village_advance_stage
from market.regions.models import District, Village
from orders.services import cart_line_set, checkout_mark_paid
from tests.catalog.factories import OfficerFactory, VillageProfileFactory, village
from tests.fixtures import force_login_mfa
from tests.orders.factories import (
    business_shopper,
    consumer_shopper,
    on_sale,
    place,
    region_village,
    verified_producer,
)


@dataclass
class World:
    today: date
    officer: object
    totp_code: object = None  # a function giving the officer's current TOTP code
    villages: dict = field(default_factory=dict)
    profiles: dict = field(default_factory=dict)
    producers: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)
    checkouts: list = field(default_factory=list)
    shoppers: dict = field(default_factory=dict)


def _village(code: str, name: str, district: str) -> Village:
    village(code, name)
    District.objects.filter(code=code[:8]).update(name=district)
    return Village.objects.select_related("district").get(code=code)


def _move(profile, officer, *stages_and_days, today):
    for stage, days_ago in stages_and_days:
        village_advance_stage(profile=profile, to_stage=stage, officer=officer, note="", on=today - timedelta(days=days_ago))


def _buy(shopper, destination, lines, world):
    for product, quantity in lines:
        cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)
    checkout = place(shopper, destination=destination, method="card")
    checkout_mark_paid(checkout=checkout, reference=f"pi_{len(world.checkouts)}")
    world.checkouts.append(checkout)
    return checkout


@pytest.fixture
def world(db, totp_for) -> World:
    today = timezone.localdate()
    officer = OfficerFactory(full_name="Dewi Kartika")
    w = World(today=today, officer=officer, totp_code=totp_for(officer))
    w.villages = {
        "a": _village("35.09.01.2001", "Padomasan", "Jombang"),
        "b": _village("35.09.02.2001", "Kencong", "Kencong"),
        "c": region_village("35.10.01.2001", regency="KAB. BANYUWANGI", kind="kabupaten", district="Pesanggaran",
                            name="Sumberagung"),
    }
    for key in w.villages:
        w.profiles[key] = VillageProfileFactory(village=w.villages[key], stage=Stage.SURVEYED)
    _move(w.profiles["a"], officer, (Stage.SOCIALISATION, 200), (Stage.COACHING, 100), today=today)
    _move(w.profiles["b"], officer, (Stage.SOCIALISATION, 60), (Stage.COACHING, 30), today=today)
    _move(w.profiles["c"], officer, (Stage.SOCIALISATION, 20), (Stage.COACHING, 10), today=today)
    for key in w.profiles:
        w.profiles[key] = VillageProfile.objects.get(pk=w.profiles[key].pk)
    for key, name in (("a", "UMKM Kopi Padomasan"), ("b", "UMKM Tape Kencong"), ("c", "UMKM Kakao Sumberagung")):
        producer = verified_producer(name=name)
        producer.village = w.villages[key]
        producer.save(update_fields=["village"])
        w.producers[key] = producer
        w.products[key] = on_sale(producer=producer, retail_price=10_000 * (1 + len(w.products)), stock=100)
    consumer, address = consumer_shopper()
    business, outlet = business_shopper()
    w.shoppers = {"consumer": (consumer, address), "business": (business, outlet)}
    _buy(consumer, address, [(w.products["a"], 2), (w.products["b"], 1)], w)  # two orders: a and b
    _buy(business, outlet, [(w.products["a"], 5)], w)
    _buy(business, outlet, [(w.products["a"], 3), (w.products["c"], 4)], w)  # c: outside Jember
    coaching_session_record(profile=w.profiles["a"], officer=officer, held_on=today - timedelta(days=5),
                            stage=Stage.COACHING, topic="Pengemasan", trainer="Pak Budi",
                            attendees=[w.producers["a"]], people_attending=25, women_attending=14,
                            youth_attending=6)
    coaching_session_record(profile=w.profiles["b"], officer=officer, held_on=today - timedelta(days=400),
                            stage=Stage.SOCIALISATION, topic="Sosialisasi", trainer="Bu Ani",
                            attendees=[w.producers["b"]])
    for key, total, women, youth in (("a", 120, 50, 30), ("b", 80, 40, 10), ("c", 999, 500, 100)):
        survey_record(profile=w.profiles[key], officer=officer, surveyed_on=today - timedelta(days=300),
                      workforce_total=total + 1, workforce_women=women, workforce_youth=youth,
                      existing_businesses=3, road="good", electricity="good", internet="fair", water="good")
        survey_record(profile=w.profiles[key], officer=officer, surveyed_on=today - timedelta(days=20),
                      workforce_total=total, workforce_women=women, workforce_youth=youth,
                      existing_businesses=3, road="good", electricity="good", internet="fair", water="good")
    return w


@pytest.fixture
def officer_client(client, world):
    force_login_mfa(client, world.officer)
    return client


# --- shelves, showcases, investment and a refund: the later sections ---------------------------


@dataclass
class More:
    chains: list = field(default_factory=list)  # (organisation, owner, outlet)
    placements: dict = field(default_factory=dict)
    showcase: object = None
    meetings: dict = field(default_factory=dict)
    showcase_order: object = None
    investors: dict = field(default_factory=dict)
    interests: dict = field(default_factory=dict)
    opportunities: list = field(default_factory=list)
    refunded_order: object = None
    refund: object = None


def _placements(w: World, m: More) -> None:
    from placements.models import Placement, Terms
    from placements.services import (
        DeliveryLineInput,
        SalesLineInput,
        consignment_delivery_record,
        consignment_settle,
        placement_status_set,
        sales_report_submit,
    )
    from tests.orders.factories import owner_of
    from tests.placements.factories import agreed_placement, chain

    m.chains = [chain(), chain()]
    (_org1, owner1, outlet1), (_org2, owner2, outlet2) = m.chains
    S = Placement.Status
    p1 = agreed_placement(outlet=outlet1, owner=owner1, product=w.products["a"], consignment_price=10_000)
    consignment_delivery_record(actor=owner_of(w.producers["a"]), outlet=outlet1, lines=[DeliveryLineInput(p1.pk, 20)],
                                delivered_on=w.today - timedelta(days=5))
    p1 = Placement.objects.get(pk=p1.pk)  # the first delivery put it on the shelf
    report = sales_report_submit(actor=owner1, outlet=outlet1, period_end=w.today - timedelta(days=1),
                                 lines=[SalesLineInput(p1.pk, 6)])
    consignment_settle(report=report, actor=owner1)
    p3 = agreed_placement(outlet=outlet2, owner=owner2, product=w.products["a"], terms=Terms.OUTRIGHT)
    p3 = placement_status_set(placement=p3, to=S.ON_SHELF, actor=owner2)
    p3 = placement_status_set(placement=p3, to=S.ENDED, actor=owner2, reason="slow_sales")
    p4 = agreed_placement(outlet=outlet2, owner=owner2, product=w.products["c"], terms=Terms.OUTRIGHT)
    p4 = placement_status_set(placement=p4, to=S.ON_SHELF, actor=owner2)
    m.placements = {"p1": p1, "p3": p3, "p4": p4}


def _showcase(w: World, m: More) -> None:
    import uuid
    from datetime import datetime

    from orders.selectors import cart_quote, shopper_get
    from orders.services import order_place
    from placements.models import Placement, Side, Terms
    from placements.services import placement_propose, placement_status_set
    from showcases.models import Outcome
    from showcases.services import (
        AttendeeData,
        meeting_outcome_record,
        meeting_request,
        meeting_respond,
        participant_invite,
        participant_respond,
        registration_save,
        showcase_update,
    )
    from tests.orders.factories import owner_of
    from tests.placements.factories import proposal
    from tests.showcases.factories import published_showcase, showcase_data

    showcase = published_showcase(officer=w.officer, title="Gelar Produk Desa")
    participants = {}
    for table, key in enumerate(("a", "b", "c"), start=1):
        invited = participant_invite(showcase=showcase, officer=w.officer, producer=w.producers[key],
                                     product_ids=[w.products[key].pk], table_number=table)
        participants[key] = participant_respond(participant=invited, actor=owner_of(w.producers[key]), confirm=True)
    (org1, owner1, outlet1), (org2, owner2, _outlet2) = m.chains
    regs = {1: registration_save(showcase=showcase, organisation=org1, actor=owner1,
                                 attendees=[AttendeeData(name="Sari Wulandari", job_title="Pembeli")]),
            2: registration_save(showcase=showcase, organisation=org2, actor=owner2,
                                 attendees=[AttendeeData(name="Joko Santoso", job_title="Manajer")])}
    owners = {1: owner1, 2: owner2}

    def meet(reg: int, key: str, accept: bool = True):
        meeting = meeting_request(registration=regs[reg], participant=participants[key], actor=owners[reg],
                                  note="Minta katalog")
        return meeting_respond(meeting=meeting, actor=owner_of(w.producers[key]), accept=True) if accept else meeting

    m.meetings = {"1a": meet(1, "a"), "2a": meet(2, "a"), "1b": meet(1, "b"), "1c": meet(1, "c"),
                  "2b": meet(2, "b", accept=False)}
    # the showcase took place twenty days ago
    day = w.today - timedelta(days=20)
    start = timezone.make_aware(datetime(day.year, day.month, day.day, 9))
    showcase_update(showcase=showcase, officer=w.officer, data=showcase_data(
        title=showcase.title, starts_at=start, ends_at=start + timedelta(hours=6),
        registration_deadline=start - timedelta(days=2)))
    meeting_outcome_record(meeting=m.meetings["2a"], actor=w.officer, outcome=Outcome.NO_INTEREST)
    meeting_outcome_record(meeting=m.meetings["1c"], actor=w.officer, outcome=Outcome.QUOTE_REQUESTED)
    meeting_outcome_record(meeting=m.meetings["1b"], actor=w.officer, outcome=Outcome.PLACEMENT_AGREED)
    # an order placed from the meeting with a, and a placement of b's product agreed from the meeting with b
    shopper = shopper_get(user=owner1, organisation=org1)
    cart_line_set(shopper=shopper, product_id=w.products["a"].pk, quantity=3)
    delivery = {w.producers["a"].pk: "pickup"}
    checkout = order_place(shopper=shopper, idempotency_key=uuid.uuid4().hex, payment_method="card", delivery=delivery,
                           expected_total=cart_quote(shopper=shopper, delivery=delivery).total, outlet_id=outlet1.pk,
                           showcase_meeting_id=m.meetings["1a"].pk)
    checkout_mark_paid(checkout=checkout, reference="pi_showcase")
    m.showcase_order = checkout.orders.get()
    p2 = placement_propose(actor=owner1, side=Side.BUYER, proposal=proposal(
        outlet=outlet1, product=w.products["b"], terms=Terms.OUTRIGHT, showcase_meeting_id=m.meetings["1b"].pk))
    p2 = placement_status_set(placement=p2, to=Placement.Status.AGREED, actor=owner_of(w.producers["b"]))
    m.placements["p2"] = placement_status_set(placement=p2, to=Placement.Status.ON_SHELF, actor=owner1)
    showcase.refresh_from_db()
    m.showcase = showcase


def _investment(w: World, m: More) -> None:
    from investors.services import InterestData, interest_express, interest_transition
    from tests.investors.helpers import make_investor, make_opportunity

    m.investors = {
        "modal": make_investor(display_name="PT Modal Desa Sejahtera", phone="081299990001", officer=w.officer),
        "budi": make_investor(display_name="Budi Hartono", kind="individual", phone="081299990002",
                              officer=w.officer),
        "far": make_investor(display_name="PT Jauh Sekali", phone="081299990003", officer=w.officer),
    }
    m.opportunities = [make_opportunity(w.profiles["a"], officer=w.officer, amount=150_000_000),
                       make_opportunity(w.profiles["c"], officer=w.officer, amount=70_000_000)]

    def interest(investor: str, village: str, amount, steps, *, days_ago: int = 0):
        item = interest_express(investor=m.investors[investor], data=InterestData(
            opportunity_id=None, village_code=w.villages[village].code, amount=amount, involvement="loan",
            message="Kami tertarik."))
        for step in steps:
            item = interest_transition(interest=item, to=step, actor=w.officer,
                                       happened_on=w.today - timedelta(days=days_ago))
        return item

    to_commit = ("in_review", "introduced", "in_negotiation", "committed")
    m.interests = {
        "modal_a": interest("modal", "a", 200_000_000, to_commit),
        "budi_b": interest("budi", "b", 50_000_000, to_commit, days_ago=40),
        "modal_a_introduced": interest("modal", "a", 80_000_000, ("in_review", "introduced")),
        "far_c": interest("far", "c", 999_000_000, to_commit),
        "budi_b_new": interest("budi", "b", None, ()),
    }


def _refund(w: World, m: More) -> None:
    """The consumer's order from b is delivered, reported damaged and partly refunded (requested, not yet paid)."""
    from orders.models import Order
    from orders.services import (
        order_accept,
        order_mark_delivered,
        order_pack,
        order_problem_decide,
        order_problem_report,
        order_ship,
    )
    from tests.orders.factories import owner_of

    order = Order.objects.get(producer=w.producers["b"])
    producer = owner_of(w.producers["b"])
    for step in (order_accept, order_pack, order_ship, order_mark_delivered):
        step(order=order, actor=producer)
    problem = order_problem_report(order=order, actor=w.shoppers["consumer"][0].user, kind="damaged",
                                   description="Satu bungkus sobek")
    order_problem_decide(problem=problem, officer=w.officer, decision="partial_refund", note="Foto jelas",
                         refund_amount=5_000)
    m.refunded_order = Order.objects.get(pk=order.pk)
    m.refund = m.refunded_order.refunds.get()


@pytest.fixture
def more(world, settings, tmp_path) -> More:
    settings.MEDIA_ROOT = tmp_path / "media"
    m = More()
    _placements(world, m)
    _showcase(world, m)
    _investment(world, m)
    _refund(world, m)
    return m
