"""The public catalogue's filters read the approved version; delisting takes a product off sale."""
from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.utils import timezone

from catalog.demo import ean13_with_check_digit
from catalog.exceptions import OfficerRequired, ProductStatusInvalid, RejectionReasonRequired
from catalog.models import Product, ProductCurationEvent
from catalog.selectors import (
    ProductFilters,
    category_descendant_ids,
    category_tree,
    product_is_retail_ready,
    product_list_public,
    product_retail_readiness,
)
from catalog.services import (
    ProductChanges,
    producer_permit_set,
    producer_verify,
    product_approve,
    product_delist,
    product_reject,
    product_submit_for_curation,
    product_update,
    stock_restock,
)
from tests.catalog.factories import (
    CategoryFactory,
    CommodityFactory,
    OfficerFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
    VillageProfileFactory,
    owner_of,
    village,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return OfficerFactory()


def listed(officer, *, producer=None, **fields) -> Product:
    """Return a product on sale with ``fields``, in a coached village."""
    producer = producer or ProducerFactory()
    VillageProfileFactory(village=producer.village, stage="coaching")
    if not producer.is_verified:
        producer_verify(producer=producer, officer=officer)
    product = ProductFactory(producer=producer, **fields)
    product_submit_for_curation(product=product, actor=owner_of(producer))
    product_approve(product=product, officer=officer)
    return Product.objects.get(pk=product.pk)


def names(filters: ProductFilters) -> list[str]:
    return [p.name for p in product_list_public(filters=filters)]


def test_place_filters(officer):
    a = listed(officer, name="Kopi A", producer=ProducerFactory(village=village("35.09.01.2001", "Padomasan")))
    b = listed(officer, name="Kopi B", producer=ProducerFactory(village=village("35.09.02.2002", "Sukamakmur")))

    assert names(ProductFilters(district="35.09.01")) == ["Kopi A"]
    assert names(ProductFilters(village="35.09.02.2002")) == ["Kopi B"]
    assert names(ProductFilters(producer=a.producer_id)) == ["Kopi A"]
    assert names(ProductFilters(stage="coaching")) == ["Kopi A", "Kopi B"]
    assert names(ProductFilters(stage="showcase_ready")) == []
    assert b.pk


def test_category_filter_includes_descendants_and_reads_the_approved_version(officer):
    food = CategoryFactory(slug="makanan")
    coffee = CategoryFactory(slug="kopi", parent=food)
    craft = CategoryFactory(slug="kerajinan")
    listed(officer, name="Kopi bubuk", category=coffee)
    moved = listed(officer, name="Tas pandan", category=craft)
    # a change in review must not move the product on sale
    product_update(product=moved, actor=owner_of(moved.producer), changes=ProductChanges(category=coffee))

    assert names(ProductFilters(category="makanan")) == ["Kopi bubuk"]
    assert names(ProductFilters(category="kopi")) == ["Kopi bubuk"]
    assert names(ProductFilters(category="kerajinan")) == ["Tas pandan"]
    assert names(ProductFilters(category="tidak-ada")) == []
    assert category_descendant_ids(slug="makanan") == sorted([food.pk, coffee.pk])
    assert sorted((n["slug"], [c["slug"] for c in n["children"]]) for n in category_tree()) == [
        ("kerajinan", []), ("makanan", ["kopi"])]


def test_commodity_filter(officer):
    robusta = CommodityFactory(slug="kopi-robusta")
    listed(officer, name="Kopi robusta", commodity=robusta)
    listed(officer, name="Tape")

    assert names(ProductFilters(commodity="kopi-robusta")) == ["Kopi robusta"]


def test_certification_must_be_claimed_and_valid(officer):
    producer = ProducerFactory()
    owner = owner_of(producer)
    producer_permit_set(producer=producer, actor=owner, kind="halal", number="H-1", expires_on=date(2030, 1, 1))
    producer_permit_set(producer=producer, actor=owner, kind="pirt", number="P-1", expires_on=date(2030, 1, 1))
    listed(officer, producer=producer, name="Halal", certifications=["halal"])
    listed(officer, producer=producer, name="Tidak diklaim", certifications=[])

    assert names(ProductFilters(certification="halal")) == ["Halal"]
    # the certificate expires: the claim no longer counts
    later = date(2030, 1, 2)
    assert [p.name for p in product_list_public(filters=ProductFilters(certification="halal"), today=later)] == []


def test_in_stock_filter(officer):
    full = listed(officer, name="Ada")
    listed(officer, name="Habis")
    stock_restock(product=full, quantity=3, actor=owner_of(full.producer))

    assert names(ProductFilters(in_stock=True)) == ["Ada"]
    assert names(ProductFilters(in_stock=False)) == ["Habis"]


def test_retail_ready_query_agrees_with_the_checklist(officer):
    """Every combination of the checklist's inputs: the database and Python answers agree."""
    food = CategoryFactory(slug="pangan", requires_food_permits=True)
    craft = CategoryFactory(slug="kriya")
    producer = ProducerFactory()
    owner = owner_of(producer)
    today = timezone.localdate()
    producer_permit_set(producer=producer, actor=owner, kind="pirt", number="P-1", expires_on=today + timedelta(days=9))
    producer_permit_set(producer=producer, actor=owner, kind="halal", number="H-1", expires_on=date(2030, 1, 1))
    barcodes = (ean13_with_check_digit(f"899{n:09d}") for n in itertools.count(1))
    products = []
    for category, certs, shelf, barcode, packaging in itertools.product(
            [food, craft], [["pirt", "halal"], ["halal"]], [180, 90], [True, False], ["designed", "basic"]):
        if category is craft and (certs != ["halal"] or shelf != 180):
            continue
        products.append(listed(officer, producer=producer, category=category, certifications=certs,
                               shelf_life_days=shelf, barcode=next(barcodes) if barcode else "",
                               packaging_status=packaging))

    counts = []
    for when in (today, today + timedelta(days=10)):  # the P-IRT permit expires in between
        expected = sorted(p.pk for p in products
                          if product_is_retail_ready(product_retail_readiness(product=p, approved=True, today=when)))
        ready = sorted(product_list_public(filters=ProductFilters(retail_ready=True), today=when)
                       .values_list("pk", flat=True))
        not_ready = set(product_list_public(filters=ProductFilters(retail_ready=False), today=when)
                        .values_list("pk", flat=True))
        assert ready == expected
        assert not_ready == {p.pk for p in products} - set(expected)
        counts.append(len(expected))
    assert counts == [2, 1]  # food with everything, craft with barcode and design; then food's P-IRT expires


def test_delist_takes_a_product_off_sale_with_reasons(officer):
    product = listed(officer, name="Kopi")

    event = product_delist(product=product, officer=officer, reasons=["permits"], note="PIRT kedaluwarsa")

    product.refresh_from_db()
    assert (product.status, product.listed, product.has_pending_changes) == ("rejected", False, False)
    assert (event.from_status, event.to_status, event.reasons, event.note) == (
        "approved", "rejected", ["permits"], "PIRT kedaluwarsa")
    assert names(ProductFilters()) == []


def test_delist_with_changes_in_review_rejects_them_too(officer):
    product = listed(officer)
    product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(retail_price=40000))

    product_delist(product=product, officer=officer, reasons=["price"])

    product.refresh_from_db()
    assert (product.status, product.listed, product.has_pending_changes) == ("rejected", False, False)


def test_delist_refusals_change_nothing(officer):
    draft = ProductFactory()
    product = listed(officer)
    events = ProductCurationEvent.objects.count()

    with pytest.raises(ProductStatusInvalid):
        product_delist(product=draft, officer=officer, reasons=["price"])
    with pytest.raises(RejectionReasonRequired):
        product_delist(product=product, officer=officer, reasons=[])
    with pytest.raises(OfficerRequired):
        product_delist(product=product, officer=UserFactory(), reasons=["price"])

    product.refresh_from_db()
    assert (product.status, product.listed, ProductCurationEvent.objects.count()) == ("approved", True, events)


def test_an_approved_product_is_delisted_not_rejected(officer):
    product = listed(officer)

    with pytest.raises(ProductStatusInvalid):
        product_reject(product=product, officer=officer, reasons=["price"])

    product.refresh_from_db()
    assert (product.status, product.listed) == ("approved", True)
