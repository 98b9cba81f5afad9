from datetime import date

import pytest

from catalog.selectors import product_retail_readiness
from catalog.services import category_create, category_food_permits_set
from tests.catalog.factories import CategoryFactory, OfficerFactory, PermitFactory, ProductFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)


def checklist(product, **kwargs):
    return [(item.key, item.ok, item.message) for item in product_retail_readiness(product=product, today=TODAY,
                                                                                   **kwargs)]


def test_food_product_missing_everything():
    product = ProductFactory(category=CategoryFactory(requires_food_permits=True), shelf_life_days=90,
                             producer__capacity_per_month=0)

    assert checklist(product) == [
        ("food_permit", False, "Food and drink need a valid P-IRT or BPOM permit."),
        ("halal", False, "Food and drink need a valid halal certificate."),
        ("shelf_life", False, "Retailers need a shelf life of at least 180 days."),
        ("barcode", False, "Add an EAN-13 barcode."),
        ("packaging", False, "Retail needs designed or retail-ready packaging."),
        ("capacity", False, "Record the producer's monthly capacity."),
    ]


@pytest.mark.parametrize("food_permit", ["pirt", "bpom_md", "bpom_ml"])
def test_food_product_ready(food_permit):
    product = ProductFactory(category=CategoryFactory(requires_food_permits=True), shelf_life_days=180,
                             barcode="4006381333931", packaging_status="retail_ready",
                             certifications=[food_permit, "halal"])
    PermitFactory(producer=product.producer, kind=food_permit, expires_on=TODAY)
    PermitFactory(producer=product.producer, kind="halal", expires_on=date(2030, 1, 1))

    assert all(ok for _key, ok, _message in checklist(product))
    assert [key for key, *_ in checklist(product)] == ["food_permit", "halal", "shelf_life", "barcode", "packaging",
                                                       "capacity"]


def test_expired_or_unclaimed_permits_do_not_count():
    product = ProductFactory(category=CategoryFactory(requires_food_permits=True), shelf_life_days=365,
                             certifications=["pirt"])
    PermitFactory(producer=product.producer, kind="pirt", expires_on=date(2026, 2, 28))
    PermitFactory(producer=product.producer, kind="halal", expires_on=date(2030, 1, 1))  # not claimed on the product

    result = {key: ok for key, ok, _ in checklist(product)}

    assert (result["food_permit"], result["halal"], result["shelf_life"]) == (False, False, True)


def test_threshold_is_a_parameter():
    product = ProductFactory(category=CategoryFactory(requires_food_permits=True), shelf_life_days=90)

    assert dict((k, ok) for k, ok, _ in checklist(product, min_shelf_life_days=90))["shelf_life"] is True


def test_crafts_need_no_food_permits():
    product = ProductFactory(category=CategoryFactory(requires_food_permits=False), barcode="4006381333931",
                             packaging_status="designed")

    assert checklist(product) == [
        ("barcode", True, "EAN-13 barcode set."),
        ("packaging", True, "Packaging is designed for retail."),
        ("capacity", True, "Monthly capacity recorded."),
    ]


def test_category_tree_inherits_the_food_flag_from_its_root():
    officer = OfficerFactory()
    food = category_create(name="Makanan & Minuman", name_en="Food & drink", officer=officer,
                           requires_food_permits=True)
    coffee = category_create(name="Kopi", name_en="Coffee", parent=food, officer=officer, requires_food_permits=False)
    crafts = category_create(name="Kerajinan", name_en="Crafts", officer=officer)
    batik = category_create(name="Batik", parent=crafts, officer=officer, requires_food_permits=True)

    assert [(c.slug, c.requires_food_permits) for c in (food, coffee, crafts, batik)] == [
        ("makanan-minuman", True), ("kopi", True), ("kerajinan", False), ("batik", False)]

    changed = category_food_permits_set(root=crafts, requires_food_permits=True, officer=officer)
    batik.refresh_from_db()
    assert (changed, batik.requires_food_permits) == (2, True)
