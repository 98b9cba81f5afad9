import pytest

from catalog.exceptions import ProductNotFound
from catalog.models import Product
from catalog.selectors import product_get_public, product_list_public
from catalog.services import (
    ProductChanges,
    producer_unverify,
    product_approve,
    product_submit_for_curation,
    product_update,
)
from tests.catalog.factories import (
    OfficerFactory,
    ProducerFactory,
    ProductFactory,
    VillageProfileFactory,
    owner_of,
    village,
)

pytestmark = pytest.mark.django_db


def visible_product(stage="coaching", verified=True, approve=True):
    VillageProfileFactory(village=village(), stage=stage)
    officer = OfficerFactory()
    producer = ProducerFactory()
    if verified:
        from catalog.services import producer_verify

        producer_verify(producer=producer, officer=officer)
    product = ProductFactory(producer=producer)
    if approve:
        product_submit_for_curation(product=product, actor=owner_of(producer))
        product_approve(product=product, officer=officer)
    return product


@pytest.mark.parametrize(("stage", "shown"), [
    ("surveyed", False), ("socialisation", False), ("coaching", True), ("commodity_management", True),
    ("packaging_design", True), ("showcase_ready", True),
])
def test_village_stage_gates_visibility(stage, shown):
    product = visible_product(stage=stage)

    assert list(product_list_public()) == ([product] if shown else [])


def test_unverified_producer_is_hidden():
    visible_product(verified=False)

    assert list(product_list_public()) == []


def test_withdrawn_verification_hides_listed_products():
    product = visible_product()

    producer_unverify(producer=product.producer, officer=OfficerFactory(), reason="audit")

    assert list(product_list_public()) == []


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_never_approved_products_are_hidden(status):
    product = visible_product(approve=False)
    Product.objects.filter(pk=product.pk).update(status=status)

    assert list(product_list_public()) == []


def test_village_without_profile_is_hidden():
    product = ProductFactory()
    from catalog.services import producer_verify

    producer_verify(producer=product.producer, officer=OfficerFactory())
    product_submit_for_curation(product=product, actor=owner_of(product.producer))
    product_approve(product=product, officer=OfficerFactory())

    assert list(product_list_public()) == []


def test_product_with_pending_changes_stays_public_with_the_approved_data():
    product = visible_product()
    product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(name="Nama baru"))

    [shown] = product_list_public()

    assert (shown.pk, shown.status, shown.approved_snapshot["name"] != "Nama baru") == (product.pk, "submitted", True)
    assert product_get_public(pk=product.pk) == product


def test_hidden_product_is_not_found_publicly():
    product = visible_product(stage="surveyed")

    with pytest.raises(ProductNotFound):
        product_get_public(pk=product.pk)


def test_public_list_costs_one_query_whatever_its_size(django_assert_num_queries):
    for _ in range(3):
        visible_product()

    with django_assert_num_queries(1):
        rows = [(p.producer.village.district.name, p.category.name, p.stock.on_hand) for p in product_list_public()]

    assert len(rows) == 3
