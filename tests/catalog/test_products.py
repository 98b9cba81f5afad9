from decimal import Decimal

import pytest

from catalog.exceptions import CatalogInvalid, PriceTiersInvalid, ProducerMemberRequired, ProductNotFound
from catalog.models import Product, ProductCurationEvent, ProductPriceTier, ProductStock, ean13_is_valid
from catalog.selectors import access_product
from catalog.services import ProductChanges, product_create, product_price_tiers_set, product_update
from market.accounts.models import Role
from tests.catalog.factories import (
    CategoryFactory,
    OfficerFactory,
    PermitFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
    owner_of,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("code", "valid"), [
    ("8992761111113", True), ("8992761111112", False), ("4006381333931", True), ("0000000000000", True),
    ("400638133393", False), ("40063813339311", False), ("400638133393a", False), ("", False),
])
def test_ean13_checksum(code, valid):
    assert ean13_is_valid(code) is valid


def test_member_creates_a_draft_with_an_empty_stock_row():
    producer = ProducerFactory()
    category = CategoryFactory()

    product = product_create(producer=producer, actor=owner_of(producer), changes=ProductChanges(
        category=category, name=" Kopi Bubuk ", description="Robusta", sku="KB-250", unit="pack", pack_size="0.25",
        weight_grams=250, retail_price=35000, barcode="4006381333931", min_order_qty=10))

    product.refresh_from_db()
    assert (product.name, product.status, product.listed, product.pack_size, product.min_order_qty) == (
        "Kopi Bubuk", "draft", False, Decimal("0.250"), 10)
    assert (product.stock.on_hand, product.stock.reserved) == (0, 0)


def test_product_create_reports_every_bad_field_and_writes_nothing():
    producer = ProducerFactory()
    ProductFactory(producer=producer, sku="TAKEN", barcode="4006381333931")

    with pytest.raises(CatalogInvalid) as excinfo:
        product_create(producer=producer, actor=owner_of(producer), changes=ProductChanges(
            category=CategoryFactory(), name="", description=" ", sku="TAKEN", unit="litre", pack_size="0",
            barcode="4006381333931", retail_price=-1, min_order_qty=0, order_multiple=True, weight_grams=0,
            packaging_status="fancy", certifications=["halal"]))

    assert excinfo.value.fields == {
        "name": ["This field is required."],
        "description": ["This field is required."],
        "sku": ["Another of your products already has this SKU."],
        "unit": ["Unknown unit."],
        "pack_size": ["Enter a size greater than zero with at most three decimals."],
        "barcode": ["Another product already has this barcode."],
        "retail_price": ["Enter a price in whole rupiah."],
        "min_order_qty": ["Enter a whole number of at least 1."],
        "order_multiple": ["Enter a whole number of at least 1."],
        "weight_grams": ["Enter a whole number greater than zero."],
        "packaging_status": ["Unknown packaging status."],
        "certifications": ["Record the producer's permit first: Halal certificate."],
    }
    assert (Product.objects.count(), ProductStock.objects.count()) == (1, 1)


def test_a_field_that_cannot_be_changed_is_refused_before_the_service_runs():
    with pytest.raises(TypeError):
        ProductChanges(colour="red")


def test_product_create_requires_category_name_description_and_sku_and_writes_nothing():
    producer = ProducerFactory()

    with pytest.raises(CatalogInvalid) as excinfo:
        product_create(producer=producer, actor=owner_of(producer), changes=ProductChanges(retail_price=1000))

    assert excinfo.value.fields == {"category": ["This field is required."], "name": ["This field is required."],
                                    "description": ["This field is required."], "sku": ["This field is required."]}
    assert (Product.objects.count(), ProductStock.objects.count()) == (0, 0)


def test_bad_barcode_checksum_is_refused():
    product = ProductFactory()

    with pytest.raises(CatalogInvalid) as excinfo:
        product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(
            barcode="4006381333932"))

    assert excinfo.value.fields == {"barcode": ["4006381333932 is not a valid EAN-13 barcode."]}
    product.refresh_from_db()
    assert product.barcode == ""


def test_same_sku_is_fine_for_another_producer_and_empty_barcodes_do_not_clash():
    first, second = ProductFactory(sku="KOPI"), ProducerFactory()

    product = product_create(producer=second, actor=owner_of(second), changes=ProductChanges(
        category=CategoryFactory(), name="Kopi", description="d", sku="KOPI"))

    assert (product.sku, product.barcode, first.barcode) == ("KOPI", "", "")


def test_certifications_need_the_producers_permit():
    product = ProductFactory()
    PermitFactory(producer=product.producer, kind="halal")
    PermitFactory(producer=product.producer, kind="pirt")

    product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(
        certifications=["pirt", "halal", "pirt"]))

    product.refresh_from_db()
    assert product.certifications == ["halal", "pirt"]


@pytest.mark.parametrize("actor_kind", ["outsider_producer", "buyer", "anonymous_member_of_nothing"])
def test_outsiders_cannot_edit(actor_kind):
    product = ProductFactory(name="Asli")
    actor = {
        "outsider_producer": lambda: owner_of(ProducerFactory()),
        "buyer": lambda: UserFactory(role=Role.BUYER),
        "anonymous_member_of_nothing": lambda: UserFactory(role=Role.PRODUCER),
    }[actor_kind]()

    with pytest.raises(ProducerMemberRequired):
        product_update(product=product, actor=actor, changes=ProductChanges(name="Palsu"))

    product.refresh_from_db()
    assert product.name == "Asli"


def test_officer_may_edit_on_behalf_of_a_producer_in_an_assist_session():
    from catalog.exceptions import AssistSessionRequired
    from catalog.services import assist_session_start

    product = ProductFactory()
    officer = OfficerFactory()
    with pytest.raises(AssistSessionRequired):
        product_update(product=product, actor=officer, changes=ProductChanges(name_en="Ground coffee"))
    assist_session_start(officer=officer, producer=product.producer, reason="Kunjungan")

    product_update(product=product, actor=officer, changes=ProductChanges(name_en="Ground coffee"))

    product.refresh_from_db()
    assert product.name_en == "Ground coffee"


def test_access_product_limits_members_to_their_producer():
    product = ProductFactory()
    other = owner_of(ProducerFactory())

    assert access_product(user=owner_of(product.producer), pk=product.pk) == product
    assert access_product(user=OfficerFactory(), pk=product.pk) == product
    with pytest.raises(ProductNotFound):
        access_product(user=other, pk=product.pk)
    with pytest.raises(ProductNotFound):
        access_product(user=owner_of(product.producer), pk=product.pk + 1000)


def test_inactive_officer_has_no_access():
    product = ProductFactory()

    with pytest.raises(ProductNotFound):
        access_product(user=OfficerFactory(is_active=False), pk=product.pk)


# --- price tiers ----------------------------------------------------------------------------


def tiers_of(product):
    return list(ProductPriceTier.objects.filter(product=product).order_by("min_quantity")
                .values_list("min_quantity", "unit_price"))


def test_price_tiers_are_set_and_replaced():
    product = ProductFactory(min_order_qty=10)
    owner = owner_of(product.producer)

    product_price_tiers_set(product=product, tiers=[(10, 30000), (50, 28000), (100, 28000)], actor=owner)
    product_price_tiers_set(product=product, tiers=[(20, 29000), (200, 25000)], actor=owner)

    assert tiers_of(product) == [(20, 29000), (200, 25000)]


def test_empty_tiers_remove_all():
    product = ProductFactory()
    owner = owner_of(product.producer)
    product_price_tiers_set(product=product, tiers=[(1, 100)], actor=owner)

    product_price_tiers_set(product=product, tiers=[], actor=owner)

    assert tiers_of(product) == []


@pytest.mark.parametrize(("tiers", "fields"), [
    ([(10, 100), (10, 90)], {"tier 2": ["Quantities must increase from one tier to the next."]}),
    ([(10, 100), (5, 90)], {"tier 2": ["Quantities must increase from one tier to the next."]}),
    ([(10, 100), (20, 101)], {"tier 2": ["A larger quantity cannot have a higher unit price."]}),
    ([(9, 100)], {"tier 1": ["The first tier must start at or above the minimum order quantity (10)."]}),
    ([(10, 0)], {"tier 1": ["Quantity and unit price must be whole numbers greater than zero."]}),
    ([(0, 100)], {"tier 1": ["Quantity and unit price must be whole numbers greater than zero."]}),
    ([(10, 100), (20, -5)], {"tier 2": ["Quantity and unit price must be whole numbers greater than zero."]}),
    ([(10.5, 100)], {"tier 1": ["Quantity and unit price must be whole numbers greater than zero."]}),
    ([(10, "100")], {"tier 1": ["Quantity and unit price must be whole numbers greater than zero."]}),
    ([(10, True)], {"tier 1": ["Quantity and unit price must be whole numbers greater than zero."]}),
    ([(10,)], {"tier 1": ["A tier is a quantity and a unit price."]}),
    ([(10, 100), (20, 90), (30, 95), (30, 80)], {
        "tier 3": ["A larger quantity cannot have a higher unit price."],
        "tier 4": ["Quantities must increase from one tier to the next."],
    }),
])
def test_invalid_tiers_change_nothing(tiers, fields):
    product = ProductFactory(min_order_qty=10)
    owner = owner_of(product.producer)
    product_price_tiers_set(product=product, tiers=[(10, 500)], actor=owner)

    with pytest.raises(PriceTiersInvalid) as excinfo:
        product_price_tiers_set(product=product, tiers=tiers, actor=owner)

    assert excinfo.value.fields == fields
    assert tiers_of(product) == [(10, 500)]


def test_moq_cannot_rise_above_the_first_tier():
    product = ProductFactory(min_order_qty=10)
    owner = owner_of(product.producer)
    product_price_tiers_set(product=product, tiers=[(10, 500), (50, 450)], actor=owner)

    with pytest.raises(CatalogInvalid) as excinfo:
        product_update(product=product, actor=owner, changes=ProductChanges(min_order_qty=20))

    assert excinfo.value.fields == {
        "min_order_qty": ["The first price tier (10) must not be below the minimum order quantity."]}
    product.refresh_from_db()
    assert product.min_order_qty == 10


def test_tiers_need_an_editor():
    product = ProductFactory()

    with pytest.raises(ProducerMemberRequired):
        product_price_tiers_set(product=product, tiers=[(1, 100)], actor=UserFactory())

    assert tiers_of(product) == []


def test_editing_a_draft_never_writes_curation_events():
    product = ProductFactory()
    owner = owner_of(product.producer)

    product_update(product=product, actor=owner, changes=ProductChanges(retail_price=1))
    product_price_tiers_set(product=product, tiers=[(1, 100)], actor=owner)

    product.refresh_from_db()
    assert (product.status, product.has_pending_changes, ProductCurationEvent.objects.count()) == ("draft", False, 0)
