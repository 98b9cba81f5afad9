"""The demo data command: a believable, valid Jember, loaded once."""
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.utils import timezone

from buyers.models import Address, BuyerProfile, BuyerRegistration, Outlet
from catalog.demo import (
    BUYER_EMAIL,
    CHAIN_MANAGER_EMAIL,
    CHAIN_MEMBER_EMAIL,
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
    AssistSession,
    CoachingSession,
    Collection,
    CollectionItem,
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
    WishlistItem,
    ean13_is_valid,
)
from catalog.selectors import permit_list_expiring, product_list_public
from catalog.selectors.collections import collection_list_home, collection_products_public, wishlist_product_ids
from catalog.selectors.public import category_descendant_ids
from market.accounts.models import Membership, Organisation, Role, User
from market.regions.models import District, Village
from orders.models import Checkout, Order, OrderProblem, OrderRefund, ProducerDeliveryRule, PurchaseRequest
from payments.models import CreditTerms, LateTransfer, LedgerEntry, LedgerLine, TermsInvoice
from payments.selectors import credit_outstanding, ledger_check

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _counts() -> dict[str, int]:
    models = (User, Organisation, VillageProfile, VillageStageEvent, Survey, CoachingSession, Producer,
              ProducerPermit, Product, ProductPriceTier, ProductPhoto, ProductCurationEvent, StockMovement, Village,
              Collection, CollectionItem, WishlistItem)
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
    # every product on offer was stocked once, and one more restock was an officer's, in assisted mode
    assert StockMovement.objects.filter(reason="restock").count() == products.exclude(status="draft").count() + 1
    assert StockMovement.objects.filter(reason="restock", on_behalf_of__isnull=False).count() == 1

    # the shop: three published collections of products on sale, covers with photos, the consumer's favourites
    shop_collections_check(with_covers=True)

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


def shop_collections_check(*, with_covers: bool) -> None:
    shelves = {c.slug: c for c in Collection.objects.all()}
    assert set(shelves) == {"kopi-jember", "oleh-oleh-khas-jember", "siap-ritel"}
    assert [(c.title, c.published, c.kind) for c in Collection.objects.order_by("position")] == [
        ("Kopi Jember", True, "curated"), ("Oleh-oleh khas Jember", True, "curated"), ("Siap ritel", True, "retail_ready")]
    coffee = set(category_descendant_ids(slug="kopi"))
    kopi = list(collection_products_public(collection=shelves["kopi-jember"]))
    assert 3 <= len(kopi) <= 8 and all(p.approved_snapshot["category_id"] in coffee for p in kopi)
    assert len(collection_products_public(collection=shelves["oleh-oleh-khas-jember"])) >= 3
    assert collection_products_public(collection=shelves["siap-ritel"]).count() >= 3
    assert [shelf.collection.slug for shelf in collection_list_home()] == ["kopi-jember", "oleh-oleh-khas-jember",
                                                                           "siap-ritel"]
    covers = [c.cover_product_id for c in shelves.values() if c.kind == "curated"]
    assert all(covers) if with_covers else covers == [None, None]
    consumer = User.objects.get(email=CONSUMER_EMAIL)
    assert len(wishlist_product_ids(user=consumer)) == 3


def test_scaled_load_is_deterministic_and_keeps_every_stage():
    # when
    call_command("load_demo_data", "--scale", "0.2", "--no-photos", "--seed", "7", stdout=StringIO())

    # then
    specs = villages_for_scale(0.2)
    assert VillageProfile.objects.count() == len(specs) == 10
    assert {p.stage for p in VillageProfile.objects.all()} == set(Stage.values)
    assert Producer.objects.count() == sum(spec.producers for spec in specs)
    assert ProductPhoto.objects.count() == 0
    shop_collections_check(with_covers=False)
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


def test_demo_commerce_tells_every_order_state_through_the_services():
    # when: a small demo (the chain and the consumer buy from four producers of four villages)
    call_command("load_demo_data", "--scale", "0.2", "--no-photos", stdout=StringIO())

    # then: the demo buyer's organisation is a chain with three outlets in three districts of Jember
    owner, manager, member = (User.objects.get(email=email)
                              for email in (BUYER_EMAIL, CHAIN_MANAGER_EMAIL, CHAIN_MEMBER_EMAIL))
    chain = owner.organisations.get()
    assert (chain.name, chain.kind) == ("Toko Oleh-Oleh Suwar-Suwir Jember Asli", Organisation.Kind.BUYER)
    assert list(Outlet.objects.filter(organisation=chain, is_active=True).order_by("pk").values_list(
        "name", "village__district__name")) == [
        ("Cabang Kaliwates", "Kaliwates"), ("Cabang Sumbersari", "Sumbersari"), ("Cabang Patrang", "Patrang")]
    # members with each role, demo accounts like the others
    assert sorted(Membership.objects.filter(organisation=chain).values_list("user__email", "role")) == sorted([
        (BUYER_EMAIL, "owner"), (CHAIN_MANAGER_EMAIL, "manager"), (CHAIN_MEMBER_EMAIL, "member")])
    for person in (manager, member):
        assert person.role == Role.BUYER and person.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=person, verified=True, primary=True).exists()
    # credit terms set by the officer
    officer = User.objects.get(email=OFFICER_EMAIL)
    terms = CreditTerms.objects.get(organisation=chain)
    assert (terms.net_days, terms.credit_limit, terms.status, terms.approved_by) == (30, 50_000_000, "active", officer)
    # the consumer has a delivery address; three producers deliver (the others offer pickup only)
    consumer = User.objects.get(email=CONSUMER_EMAIL)
    assert list(Address.objects.filter(user=consumer).values_list("name", "village__name")) == [
        ("Rumah", "Sumbersari")]
    rules = {rule.producer.organisation.memberships.get(role="owner").user.email == PRODUCER_EMAIL: rule
             for rule in ProducerDeliveryRule.objects.filter(offers_courier=True, offers_delivery=True)}
    demo_rule = rules[True]
    assert (demo_rule.offers_pickup, demo_rule.free_delivery_from, demo_rule.delivery_days) == (True, 750_000, [0, 2, 4])
    assert sorted((area.district_id or "", area.fee) for area in demo_rule.areas.all()) == [
        ("", 25_000), ("35.09.19", 15_000), ("35.09.20", 15_000), ("35.09.21", 15_000)]
    assert demo_rule.courier_rates.count() == 4
    assert sorted(ProducerDeliveryRule.objects.values_list("offers_pickup", "offers_delivery", "offers_courier")) == [
        (False, False, True), (True, True, False), (True, True, True)]

    # orders in every state, for the chain (wholesale, to its outlets) and for the consumer (retail, to her address);
    # one of the chain's came from a showcase meeting (showcases/demo.py), placed on terms
    orders = Order.objects.all()
    assert orders.filter(showcase_meeting__isnull=False).count() == 1
    # and the placement agreed at that showcase went on a shelf from its meeting (placements/demo.py)
    from placements.models import Placement

    assert list(Placement.objects.filter(showcase_meeting__isnull=False).values_list(
        "showcase_meeting__outcome", "status")) == [("placement_agreed", "on_shelf")]
    assert dict(orders.values_list("status").annotate(n=Count("pk"))) == {
        "awaiting_payment": 1, "placed": 3, "accepted": 1, "declined": 1, "packed": 1, "shipped": 1,
        "delivered": 1, "completed": 3, "cancelled": 2}
    assert set(Order.Status.values) == set(orders.values_list("status", flat=True))
    assert orders.filter(checkout__organisation=chain, checkout__audience="business").count() == 10
    assert orders.filter(checkout__placed_by=consumer, checkout__audience="consumer").count() == 4
    assert orders.values("producer").distinct().count() == 4
    assert not orders.filter(checkout__organisation=chain, checkout__outlet__isnull=True).exists()
    assert {(method, status): n for method, status, n in Checkout.objects.values_list(
        "payment_method", "status").annotate(n=Count("pk"))} == {
        ("invoice", "paid"): 1, ("invoice", "on_terms"): 4, ("bank_transfer", "paid"): 5,
        ("bank_transfer", "expired"): 1, ("bank_transfer", "awaiting_payment"): 1}
    assert set(Checkout.objects.filter(organisation=chain).values_list("placed_by__email", flat=True)) == {
        BUYER_EMAIL, CHAIN_MANAGER_EMAIL}
    # one problem, answered by the producer and decided with a partial refund, paid back by transfer
    problem = OrderProblem.objects.get()
    assert (problem.order.status, problem.status, problem.decision, problem.decided_by) == (
        "delivered", "decided", "partial_refund", officer)
    assert problem.answer and problem.refund_amount > 0
    assert (problem.refund.status, problem.refund.amount) == ("done", problem.refund_amount)
    # refunds: the problem's and a paid cancellation's are paid back; a declined transfer order's is owed
    assert sorted(OrderRefund.objects.values_list("reason", "payment_method", "status")) == [
        ("cancelled", "bank_transfer", "done"), ("declined", "bank_transfer", "requested"),
        ("problem", "bank_transfer", "done")]
    owed = OrderRefund.objects.get(status="requested")
    assert (owed.order.status, owed.amount, owed.order.checkout.organisation) == ("declined", owed.order.total, chain)
    # the ledger balances, entry by entry and as a whole, and matches the money received
    assert ledger_check() == {}
    totals = LedgerLine.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
    assert totals["d"] == totals["c"] > 0
    assert LedgerEntry.objects.filter(kind="refund").count() == 2
    # invoices on terms: one paid, four open within the credit limit (one placed by approving a request, one
    # from a showcase meeting)
    assert TermsInvoice.objects.filter(organisation=chain).count() == 5
    assert 0 < credit_outstanding(organisation=chain) <= 50_000_000

    # the chain is verified; another buyer's registration waits in the officers' queue
    assert BuyerRegistration.objects.get(organisation=chain).status == "verified"
    assert list(BuyerRegistration.objects.filter(status="submitted").values_list("legal_name", flat=True)) == [
        "PT Rembangan Wisata Indah"]
    # the transfer for the expired checkout arrived late and waits for an officer's decision
    late = LateTransfer.objects.get()
    assert (late.status, late.payment.checkout.status) == ("open", "expired")
    # the member's carts above the approval limit: approved (placed by the manager), rejected, waiting
    profile = BuyerProfile.objects.get(organisation=chain)
    assert (profile.approval_limit, profile.required_certifications) == (250_000, ["halal"])
    assert sorted(PurchaseRequest.objects.values_list("status", flat=True)) == ["approved", "rejected", "submitted"]
    approved = PurchaseRequest.objects.get(status="approved")
    assert (approved.requested_by, approved.checkout.placed_by) == (member, manager)
    # an officer restocked for a producer in assisted mode, and ended the session
    session = AssistSession.objects.get()
    assert (session.officer, session.ended_at is not None) == (officer, True)
    assert list(session.actions.values_list("kind", flat=True)) == ["stock_restocked"]
    # the programme cockpit (counted last, after every order) shows the shelves, the past showcase, the
    # investment committed and the sales net of the refund paid back on a delivered order
    from programme.selectors import Period, cockpit_get, public_results_get

    cockpit = cockpit_get(period=Period.default(today=timezone.localdate()))
    assert cockpit["placements"]["on_shelf"] == Placement.objects.filter(status="on_shelf").count() > 0
    assert cockpit["placements"]["settled"] > 0 and cockpit["placements"]["units_sold"] > 0
    assert (cockpit["showcases"]["held"], cockpit["showcases"]["meetings"], cockpit["showcases"]["orders"],
            cockpit["showcases"]["placements"]) == (1, 3, 1, 1)
    assert (cockpit["investment"]["committed"], cockpit["investment"]["committed_amount"]) == (1, 90_000_000)
    assert cockpit["commerce"]["refunded"] == problem.refund_amount
    results = public_results_get()
    assert (results["shelves"]["products"] > 0, results["showcases"]["held"], results["committed"]) == (
        True, 1, 90_000_000)
    # reviews (reviews/demo.py): the consumer's delivered and completed orders and the chain's completed ones,
    # one answered by its producer, one reported by its producer and waiting in the officers' queue
    from reviews.models import ProductRating, Review

    assert sorted(Review.objects.values_list("order_line__order__status", "rating", "author__email")) == [
        ("completed", 2, BUYER_EMAIL), ("completed", 4, BUYER_EMAIL), ("completed", 5, CONSUMER_EMAIL),
        ("delivered", 3, CONSUMER_EMAIL)]
    assert list(Review.objects.exclude(reply="").values_list("rating", flat=True)) == [5]
    assert list(Review.objects.filter(open_reports__gt=0).values_list("rating", flat=True)) == [2]
    assert ProductRating.objects.aggregate(n=Sum("review_count"), stars=Sum("star_total")) == {"n": 4, "stars": 14}


def test_production_settings_refuse_the_demo_and_its_commerce(settings):
    # given: settings that do not allow demo data (production)
    settings.DEMO_DATA_ALLOWED = False

    # when
    with pytest.raises(CommandError, match="demo_data_not_allowed"):
        call_command("load_demo_data", "--scale", "0.2", "--no-photos", stdout=StringIO())

    # then: nothing at all, not even the regions, accounts or orders
    assert (User.objects.count(), Village.objects.count(), Outlet.objects.count(), Checkout.objects.count(),
            CreditTerms.objects.count()) == (0, 0, 0, 0, 0)
