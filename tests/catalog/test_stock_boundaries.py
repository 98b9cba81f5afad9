"""The edges of catalog/services/stock.py that mutation testing found unguarded (docs/testing.md).

Corrections to exactly 0 and exactly the reserved units, a threshold of 0, the search index told
when (and only when) a product's availability crosses zero, who a movement names, and the order
in which rows are updated (primary-key order: what keeps two orders from deadlocking).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalog.exceptions import CatalogInvalid, InsufficientStock, StockQuantityInvalid
from catalog.models import ProductStock, StockMovement
from catalog.services import (
    assist_session_start,
    stock_correct,
    stock_release,
    stock_reserve,
    stock_restock,
    stock_ship,
    stock_threshold_set,
)
from search.models import DirtyItem
from tests.catalog.factories import OfficerFactory, ProductFactory, owner_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def stocked(on_hand: int, reserved: int = 0):
    product = ProductFactory()
    if on_hand:
        stock_restock(product=product, quantity=on_hand, actor=owner_of(product.producer))
    if reserved:
        stock_reserve(items=[(product.pk, reserved)], reference="ORD-0")
    DirtyItem.objects.all().delete()
    return product


def told() -> list[str]:
    """Return the products the search index was told about (the marks search's registered hook wrote)."""
    return sorted(DirtyItem.objects.filter(kind=DirtyItem.Kind.PRODUCT).values_list("key", flat=True))


def counts(product):
    stock = ProductStock.objects.get(product=product)
    return stock.on_hand, stock.reserved, stock.low_stock_threshold


def test_a_count_of_zero_is_a_valid_correction():
    product = stocked(5)

    stock_correct(product=product, on_hand=0, actor=owner_of(product.producer), reference="banjir")

    assert counts(product)[:2] == (0, 0)


def test_a_count_of_exactly_the_reserved_units_is_accepted_and_one_less_is_refused():
    product = stocked(10, reserved=4)
    owner = owner_of(product.producer)

    with pytest.raises(CatalogInvalid) as error:
        stock_correct(product=product, on_hand=3, actor=owner, reference="opname")
    assert error.value.fields == {"on_hand": ["4 units are reserved for orders."]}
    assert counts(product)[:2] == (10, 4)

    stock_correct(product=product, on_hand=4, actor=owner, reference="opname")

    assert counts(product)[:2] == (4, 4)


def test_a_low_stock_threshold_of_zero_is_accepted_and_below_zero_refused():
    product = stocked(5)
    owner = owner_of(product.producer)

    stock_threshold_set(product=product, low_stock_threshold=0, actor=owner)
    assert counts(product)[2] == 0

    with pytest.raises(StockQuantityInvalid) as error:
        stock_threshold_set(product=product, low_stock_threshold=-1, actor=owner)
    assert error.value.fields == {"low_stock_threshold": ["Enter a whole number of zero or more."]}
    assert counts(product)[2] == 0


@pytest.mark.parametrize(
    ("on_hand", "reserve", "crosses"),
    [
        (1, 1, True),  # 1 → 0 available: out of stock now
        (3, 2, False),  # 3 → 1: still in stock
        (5, 2, False),
    ],
)
def test_the_search_index_is_told_when_a_reservation_takes_a_product_to_zero(on_hand, reserve, crosses):
    product = stocked(on_hand)

    stock_reserve(items=[(product.pk, reserve)], reference="ORD-1")

    assert told() == ([str(product.pk)] if crosses else [])


@pytest.mark.parametrize(
    ("on_hand", "reserved", "restock", "crosses"),
    [
        (0, 0, 1, True),  # 0 → 1 available: back in stock
        (2, 2, 1, True),  # 0 available (all reserved) → 1
        (1, 0, 1, False),  # 1 → 2: it was in stock already
        (2, 1, 3, False),
    ],
)
def test_the_search_index_is_told_when_a_restock_brings_a_product_back(on_hand, reserved, restock, crosses):
    product = stocked(on_hand, reserved=reserved)

    stock_restock(product=product, quantity=restock, actor=owner_of(product.producer))

    assert told() == ([str(product.pk)] if crosses else [])


def test_a_release_and_a_ship_tell_the_index_only_of_the_product_that_crossed_zero():
    sold_out, plenty = stocked(2, reserved=2), stocked(9, reserved=2)

    stock_release(items=[(sold_out.pk, 1), (plenty.pk, 1)], reference="ORD-0")
    assert told() == [str(sold_out.pk)]

    DirtyItem.objects.all().delete()
    stock_ship(items=[(sold_out.pk, 1), (plenty.pk, 1)], reference="ORD-0")
    assert told() == []


def test_releasing_more_than_is_reserved_is_refused_with_the_reserved_count():
    product = stocked(5, reserved=2)

    with pytest.raises(CatalogInvalid) as error:
        stock_release(items=[(product.pk, 3)], reference="ORD-0")

    assert error.value.message == "More units than are reserved."
    assert error.value.fields == {str(product.pk): ["Only 2 reserved."]}
    assert counts(product)[:2] == (5, 2)


def test_a_movement_names_its_actor_and_the_producer_an_assisting_officer_acted_for():
    product = stocked(0)
    officer = OfficerFactory()
    assist_session_start(officer=officer, producer=product.producer, reason="Kunjungan lapangan")
    owner = owner_of(product.producer)

    stock_restock(product=product, quantity=4, actor=officer, reference="panen")
    stock_restock(product=product, quantity=1, actor=owner, reference="sisa")
    stock_reserve(items=[(product.pk, 2)], reference="ORD-9", actor=owner)

    assert list(
        StockMovement.objects.filter(product=product)
        .order_by("pk")
        .values_list("delta_on_hand", "delta_reserved", "actor", "on_behalf_of")
    ) == [(4, 0, officer.pk, product.producer_id), (1, 0, owner.pk, None), (0, 2, owner.pk, None)]


def test_rows_are_updated_in_primary_key_order_whatever_the_product_order():
    # given two products whose stock rows' primary keys run the other way round from the products'
    first, second = stocked(5), stocked(5)
    row = ProductStock.objects.get(product=first)
    ProductStock.objects.filter(pk=row.pk).update(id=ProductStock.objects.order_by("-pk").first().pk + 100)
    later_pk = ProductStock.objects.get(product=first).pk

    with CaptureQueriesContext(connection) as queries:
        stock_reserve(items=[(first.pk, 1), (second.pk, 1)], reference="ORD-2")

    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "catalog_productstock"')]
    assert len(updates) == 2
    assert updates[0].endswith(f'WHERE "catalog_productstock"."id" = {ProductStock.objects.get(product=second).pk}')
    assert updates[1].endswith(f'WHERE "catalog_productstock"."id" = {later_pk}')


def test_a_shortage_names_the_product_read_with_its_locked_row():
    product = stocked(1)

    with CaptureQueriesContext(connection) as queries, pytest.raises(InsufficientStock) as error:
        stock_reserve(items=[(product.pk, 2)], reference="ORD-3")

    assert [q["sql"].split()[0] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]] == ["SELECT"]

    assert (error.value.available, error.value.message) == ({product.pk: 1}, f"Only 1 left of {product.name}.")


# --- what the services did not show until their transaction decorator stopped hiding them from mutmut ---------


def _stale_after(django_capture_on_commit_callbacks, change) -> bool:
    """Run ``change`` and its after-commit callbacks; say whether the cached public pages went stale."""
    from market.core import pagecache

    generation = pagecache._generation()
    with django_capture_on_commit_callbacks(execute=True):
        change()
    return pagecache._generation() != generation


@pytest.mark.parametrize(("on_hand", "reserve", "stale"), [
    (100, 1, False),  # "in stock" stays "in stock": 99 is not shown
    (12, 3, True),    # "in stock" → "only 9 left"
    (3, 1, True),     # "only 3 left" → "only 2 left": the count is shown
    (1, 1, True),     # "only 1 left" → "out of stock"
])
def test_pages_go_stale_exactly_when_the_stock_they_show_changes(on_hand, reserve, stale,
                                                                 django_capture_on_commit_callbacks):
    product = stocked(on_hand)

    assert _stale_after(django_capture_on_commit_callbacks,
                        lambda: stock_reserve(items=[(product.pk, reserve)], reference="ORD-5")) is stale


@pytest.mark.parametrize(("threshold", "stale"), [(5, False), (30, True)])
def test_a_threshold_makes_pages_stale_only_when_it_changes_what_they_show(threshold, stale,
                                                                          django_capture_on_commit_callbacks):
    product = stocked(20)  # 20 available: "in stock" below a threshold of 20 or less, "only 20 left" above

    assert _stale_after(django_capture_on_commit_callbacks, lambda: stock_threshold_set(
        product=product, low_stock_threshold=threshold, actor=owner_of(product.producer))) is stale
    assert counts(product) == (20, 0, threshold)


def test_an_assisting_officer_leaves_a_record_of_each_stock_change_for_the_producer():
    from catalog.models import AssistAction

    product = stocked(5)
    officer = OfficerFactory()
    assist_session_start(officer=officer, producer=product.producer, reason="Pendampingan stok")

    stock_restock(product=product, quantity=2, actor=officer)
    stock_correct(product=product, on_hand=4, actor=officer, reference="opname bulanan")
    stock_threshold_set(product=product, low_stock_threshold=3, actor=officer)

    assert list(AssistAction.objects.order_by("pk").values_list("kind", "subject", "product", "session__producer")) == [
        (AssistAction.Kind.STOCK_RESTOCKED, product.name, product.pk, product.producer_id),
        (AssistAction.Kind.STOCK_CORRECTED, product.name, product.pk, product.producer_id),
        (AssistAction.Kind.STOCK_THRESHOLD_SET, product.name, product.pk, product.producer_id),
    ]
    assert list(StockMovement.objects.filter(product=product).order_by("pk")
                .values_list("reason", "delta_on_hand", "reference", "actor", "on_behalf_of"))[-2:] == [
        (StockMovement.Reason.RESTOCK, 2, "", officer.pk, product.producer_id),
        (StockMovement.Reason.CORRECTION, -3, "opname bulanan", officer.pk, product.producer_id),
    ]


def test_release_and_ship_name_who_moved_the_units_and_for_which_producer():
    product = stocked(10, reserved=6)
    officer = OfficerFactory()

    stock_release(items=[(product.pk, 2)], reference="ORD-7 batal", actor=officer, on_behalf=product.producer)
    stock_ship(items=[(product.pk, 3)], reference="ORD-8 kirim", actor=officer, on_behalf=product.producer)

    assert list(StockMovement.objects.filter(product=product, reference__startswith="ORD-")
                .exclude(reference="ORD-0").order_by("pk")
                .values_list("reason", "delta_on_hand", "delta_reserved", "actor", "on_behalf_of")) == [
        (StockMovement.Reason.ORDER_CANCELLED, 0, -2, officer.pk, product.producer_id),
        (StockMovement.Reason.ORDER_SHIPPED, -3, -3, officer.pk, product.producer_id),
    ]


@pytest.mark.parametrize("on_hand", [-1, True, "5", 2.5, None])
def test_a_count_that_is_not_a_whole_number_of_zero_or_more_is_refused_on_its_field(on_hand):
    product = stocked(5)

    with pytest.raises(StockQuantityInvalid) as error:
        stock_correct(product=product, on_hand=on_hand, actor=owner_of(product.producer), reference="opname")

    assert error.value.fields == {"on_hand": ["Enter a whole number of zero or more."]}
    assert counts(product) == (5, 0, 0)


@pytest.mark.parametrize("threshold", [-1, True, "5", 2.5, None])
def test_a_threshold_that_is_not_a_whole_number_of_zero_or_more_is_refused_on_its_field(threshold):
    product = stocked(5)

    with pytest.raises(StockQuantityInvalid) as error:
        stock_threshold_set(product=product, low_stock_threshold=threshold, actor=owner_of(product.producer))

    assert error.value.fields == {"low_stock_threshold": ["Enter a whole number of zero or more."]}
    assert counts(product) == (5, 0, 0)
