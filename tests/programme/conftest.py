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
