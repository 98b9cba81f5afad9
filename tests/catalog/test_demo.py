"""The demo data command: a believable, valid Jember, loaded once."""
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from catalog.demo import (
    BUYER_EMAIL,
    CONSUMER_EMAIL,
    DEMO_PASSWORD,
    INVESTOR_EMAIL,
    OFFICER_EMAIL,
    PRODUCER_EMAIL,
    VILLAGES,
    ean13_with_check_digit,
    price_tiers_for,
    villages_for_scale,
)
from catalog.models import (
    CoachingSession,
    Producer,
    ProducerPermit,
    Product,
    ProductCurationEvent,
    ProductPhoto,
    ProductPriceTier,
    Stage,
    StockMovement,
    Survey,
    VillageProfile,
    VillageStageEvent,
    ean13_is_valid,
)
from catalog.selectors import permit_list_expiring, product_list_public
from market.accounts.models import Organisation, Role, User
from market.regions.models import District, Village

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _counts() -> dict[str, int]:
    models = (User, Organisation, VillageProfile, VillageStageEvent, Survey, CoachingSession, Producer,
              ProducerPermit, Product, ProductPriceTier, ProductPhoto, ProductCurationEvent, StockMovement, Village)
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.slow
def test_full_load_is_a_valid_believable_jember_and_loads_once(django_capture_on_commit_callbacks):
    # given: an empty database (not even the regions)
    assert Village.objects.count() == 0

    # when
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_data", stdout=out)

    # then: the regions were imported first
    assert District.objects.filter(regency_id="35.09").count() == 31
    assert Village.objects.filter(code__startswith="35.09.").count() == 248

    # 40 villages over all 31 districts, at every stage, most at or beyond coaching
    profiles = VillageProfile.objects.select_related("village__district")
    assert profiles.count() == 40
    assert len({p.village.district_id for p in profiles}) == 31
    stages = {p.stage for p in profiles}
    assert stages == set(Stage.values)
    assert sum(p.stage in Stage.at_or_beyond(Stage.COACHING) for p in profiles) >= 30

    # stage histories: one event per step, in order, without gaps, ending at the current stage
    for profile in profiles:
        events = list(profile.stage_events.order_by("happened_on", "pk"))
        assert [(e.from_stage, e.to_stage) for e in events] == list(
            zip(Stage.values[:Stage.index(profile.stage)], Stage.values[1:Stage.index(profile.stage) + 1], strict=True))
        assert 1 <= profile.surveys.count() <= 2
        assert profile.flagship_commodity_id is not None and profile.story
        coached = profile.stage in Stage.at_or_beyond(Stage.COACHING)
        assert (profile.coaching_sessions.count() > 0) is coached

    # producers: an owner each, verified by the demo officer, an NIB each, a few permits expiring soon
    officer = User.objects.get(email=OFFICER_EMAIL)
    producers = Producer.objects.all()
    assert producers.count() == 81
    assert producers.filter(verified_by=officer).count() == 81
    assert Organisation.objects.filter(kind=Organisation.Kind.PRODUCER, memberships__role="owner").count() == 81
    assert ProducerPermit.objects.filter(kind="nib").count() == 81
    assert ProducerPermit.objects.filter(kind="halal").count() >= 40
    assert ProducerPermit.objects.filter(kind="pirt").count() >= 50
    assert ProducerPermit.objects.filter(kind="bpom_md").count() >= 3
    assert 3 <= permit_list_expiring(today=timezone.localdate()).count() <= 8

    # products: 300+, every status, valid barcodes and consistent tiers
    products = Product.objects.all()
    assert products.count() >= 300
    by_status = dict(products.values_list("status").annotate(n=Count("pk")))
    assert set(by_status) == {"approved", "submitted", "rejected", "draft"}
    assert by_status["approved"] > products.count() * 0.6
    barcodes = [b for b in products.values_list("barcode", flat=True) if b]
    assert len(barcodes) >= 200
    assert all(ean13_is_valid(b) and b.startswith("899") for b in barcodes)
    assert len(set(barcodes)) == len(barcodes)
    assert products.exclude(name_en="").count() > products.count() * 0.6
    for product in products.prefetch_related("price_tiers"):
        tiers = [(t.min_quantity, t.unit_price) for t in product.price_tiers.all()]
        assert tiers, product
        assert tiers[0][0] >= product.min_order_qty
        assert product.min_order_qty % product.order_multiple == 0
        assert all(quantity % product.order_multiple == 0 for quantity, _ in tiers)
        assert [q for q, _ in tiers] == sorted({q for q, _ in tiers})
        assert [p for _, p in tiers] == sorted((p for _, p in tiers), reverse=True)
        assert tiers[0][1] < product.retail_price
    # every approved product is on sale, and nothing else is
    approved = set(products.filter(status="approved").values_list("pk", flat=True))
    assert set(product_list_public().values_list("pk", flat=True)) == approved
    # approved products carry their photo in the public snapshot, stored as normalised WebP/JPEG
    assert ProductPhoto.objects.count() == products.count()
    assert all(p["approved_snapshot"]["photos"] for p in products.filter(status="approved").values("approved_snapshot"))
    assert all(name.endswith((".webp", ".jpg")) for name in ProductPhoto.objects.values_list("image", flat=True))
    # stock for everything submitted, through movements
    assert StockMovement.objects.filter(reason="restock").count() == products.exclude(status="draft").count()

    # demo accounts: verified emails, the shared password, the officer without TOTP
    for email, role in ((OFFICER_EMAIL, Role.OFFICER), (PRODUCER_EMAIL, Role.PRODUCER), (BUYER_EMAIL, Role.BUYER),
                        (CONSUMER_EMAIL, Role.CONSUMER), (INVESTOR_EMAIL, Role.INVESTOR)):
        user = User.objects.get(email=email)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()
        assert email in out.getvalue()
    assert officer.is_officer
    assert not Authenticator.objects.filter(user=officer).exists()
    assert EmailAddress.objects.filter(verified=False).count() == 0
    assert DEMO_PASSWORD in out.getvalue()

    # when: loaded again
    before = _counts()
    again = StringIO()
    call_command("load_demo_data", stdout=again)

    # then: nothing was added
    assert _counts() == before
    assert "already loaded" in again.getvalue()


def test_scaled_load_is_deterministic_and_keeps_every_stage():
    # when
    call_command("load_demo_data", "--scale", "0.2", "--no-photos", "--seed", "7", stdout=StringIO())

    # then
    specs = villages_for_scale(0.2)
    assert VillageProfile.objects.count() == len(specs) == 10
    assert {p.stage for p in VillageProfile.objects.all()} == set(Stage.values)
    assert Producer.objects.count() == sum(spec.producers for spec in specs)
    assert ProductPhoto.objects.count() == 0
    first = list(Product.objects.order_by("producer__name", "sku").values_list(
        "producer__name", "sku", "retail_price", "status", "barcode"))
    assert len(first) >= 30
    assert set(VILLAGES[:8]) <= set(specs)


def test_price_tiers_follow_minimum_order_and_case_pack():
    assert price_tiers_for(retail_price=45_000, min_order_qty=12, order_multiple=12) == [
        (12, 38_200), (36, 36_000), (72, 33_800)]
    assert price_tiers_for(retail_price=750_000, min_order_qty=1, order_multiple=1) == [
        (1, 637_500), (3, 600_000), (6, 562_500)]


def test_ean13_check_digit():
    assert ean13_with_check_digit("400638133393") == "4006381333931"  # the GS1 textbook example
    assert ean13_with_check_digit("899100100001") == "8991001000019"
    assert ean13_is_valid(ean13_with_check_digit("899123456789"))
