"""The daily digest: each buyer organisation's owners and managers get the products first listed since
the previous digest that are retail-ready for it; each product once, ever; nothing when nothing matches."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from buyers.models import BuyerDigestItem, BuyerProfile
from buyers.services import buyer_digest_send, buyer_digest_send_one, buyer_preferences_set
from buyers.tasks import buyer_digest_send_task
from catalog.models import Product, ProductCurationEvent
from catalog.services import ProductChanges, product_approve, product_update
from market.accounts.models import Membership
from tests.buyers.catalogue import buyer_member, list_product, make_catalogue
from tests.catalog.factories import owner_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return make_catalogue()


@pytest.fixture
def chain(catalogue):
    """A buyer organisation interested in crafts, with an owner, a manager and a member."""
    organisation, owner = buyer_member(email="owner@toko.id")
    _same, manager = buyer_member(Membership.Role.MANAGER, organisation=organisation, email="manager@toko.id")
    buyer_member(Membership.Role.MEMBER, organisation=organisation, email="member@toko.id")
    buyer_preferences_set(organisation=organisation, actor=owner, category_ids=[catalogue["craft"].pk],
                          district_codes=[], certifications=[], min_shelf_life_days=180, digest_enabled=True)
    return organisation


def send(django_capture_on_commit_callbacks, now) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return buyer_digest_send(now=now)


def product_url(product) -> str:
    return f"{settings.SITE_URL}/products/{product.pk}/"


def test_digest_sends_the_new_matching_products_once(catalogue, chain, django_capture_on_commit_callbacks):
    tas = catalogue["products"]["tas"]
    now = timezone.now()

    assert send(django_capture_on_commit_callbacks, now) == 2
    assert send(django_capture_on_commit_callbacks, now + timedelta(minutes=5)) == 0  # run twice: one mail each

    assert sorted(m.to[0] for m in mail.outbox) == ["manager@toko.id", "owner@toko.id"]
    message = mail.outbox[0]
    assert message.subject == "New products for Toko Jaya: 1"
    assert message.body.splitlines()[:4] == [
        "Newly listed village products that match the preferences of Toko Jaya:",
        "",
        "- Tas Anyaman",
        "  UMKM Sukorejo, Sukorejo (District Bangsalsari), from Rp 35.000 / pack",
    ]
    assert f"  {product_url(tas)}" in message.body.splitlines()
    assert message.body.splitlines()[-1] == (
        f"Change your preferences or stop these emails: {settings.SITE_URL}/dashboard/buyer/preferences/")
    assert list(BuyerDigestItem.objects.filter(organisation=chain).values_list("product_id", flat=True)) == [tas.pk]


def test_the_next_digest_has_only_what_was_listed_since(catalogue, chain, django_capture_on_commit_callbacks):
    send(django_capture_on_commit_callbacks, timezone.now())
    mail.outbox.clear()
    basket = list_product(catalogue["officer"], catalogue["makers"]["jombang"], name="Keranjang Bambu",
                          category=catalogue["craft"], certifications=[], shelf_life_days=None)
    list_product(catalogue["officer"], catalogue["makers"]["jombang"], name="Kopi Baru", category=catalogue["coffee"],
                 certifications=["pirt", "halal"], shelf_life_days=365)  # not a craft: not for this buyer

    assert send(django_capture_on_commit_callbacks, timezone.now() + timedelta(hours=24)) == 2

    assert [line for line in mail.outbox[0].body.splitlines() if line.startswith("- ")] == ["- Keranjang Bambu"]
    assert sorted(BuyerDigestItem.objects.filter(organisation=chain).values_list("product__name", flat=True)) == [
        "Keranjang Bambu", "Tas Anyaman"]
    assert basket.pk in set(BuyerDigestItem.objects.values_list("product_id", flat=True))


def test_a_retried_run_for_an_organisation_sends_nothing_twice(chain, django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        first = buyer_digest_send_one(organisation_id=chain.pk, now=now)
        again = buyer_digest_send_one(organisation_id=chain.pk, now=now)

    assert (first, again) == (2, 0)
    assert len(mail.outbox) == 2
    assert BuyerDigestItem.objects.count() == 1


def test_a_product_reapproved_after_changes_is_not_new(catalogue, chain, django_capture_on_commit_callbacks):
    tas = catalogue["products"]["tas"]
    three_days_ago = timezone.now() - timedelta(days=3)
    ProductCurationEvent.objects.filter(product=tas).update(created_at=three_days_ago)  # first listed then
    Product.objects.filter(pk=tas.pk).update(approved_at=three_days_ago)
    product_update(product=tas, actor=owner_of(tas.producer), changes=ProductChanges(description="Tas anyaman pandan."))
    product_approve(product=tas, officer=catalogue["officer"])  # approved again today
    tas.refresh_from_db()
    assert (tas.approved_snapshot["description"], tas.approved_at > three_days_ago) == ("Tas anyaman pandan.", True)

    assert send(django_capture_on_commit_callbacks, timezone.now()) == 0

    assert mail.outbox == []
    assert BuyerDigestItem.objects.count() == 0


def test_nothing_matches_no_mail(catalogue, django_capture_on_commit_callbacks):
    organisation, owner = buyer_member()
    buyer_preferences_set(organisation=organisation, actor=owner, category_ids=[], district_codes=["35.09.03"],
                          certifications=[], min_shelf_life_days=180, digest_enabled=True)
    now = timezone.now()

    assert send(django_capture_on_commit_callbacks, now) == 0

    assert mail.outbox == []
    assert BuyerDigestItem.objects.count() == 0
    assert BuyerProfile.objects.get(organisation=organisation).digest_checked_until == now


def test_opted_out_organisations_get_nothing(catalogue, chain, django_capture_on_commit_callbacks):
    owner = chain.memberships.get(role=Membership.Role.OWNER).user
    buyer_preferences_set(organisation=chain, actor=owner, category_ids=[catalogue["craft"].pk], district_codes=[],
                          certifications=[], min_shelf_life_days=180, digest_enabled=False)

    assert send(django_capture_on_commit_callbacks, timezone.now()) == 0

    assert mail.outbox == []
    assert BuyerDigestItem.objects.count() == 0


def test_an_organisation_without_preferences_gets_every_new_retail_ready_product(
        catalogue, django_capture_on_commit_callbacks):
    buyer_member(email="new@chain.id")

    assert send(django_capture_on_commit_callbacks, timezone.now()) == 1

    assert [line for line in mail.outbox[0].body.splitlines() if line.startswith("- ")] == [
        "- Kopi Jombang", "- Keripik Singkong", "- Tas Anyaman", "- Kopi Bangsalsari"]  # oldest listing first


def test_the_task_is_scheduled_every_morning_in_jakarta(chain, django_capture_on_commit_callbacks):
    entry = settings.CELERY_BEAT_SCHEDULE["buyers-digest"]
    assert entry["task"] == "buyers.tasks.buyer_digest_send_task"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})
    assert settings.CELERY_TIMEZONE == "Asia/Jakarta"

    with django_capture_on_commit_callbacks(execute=True):
        assert buyer_digest_send_task.delay().get() == 2
    assert len(mail.outbox) == 2
