
import pytest
from django.db import IntegrityError, transaction

from catalog.exceptions import (
    CatalogInvalid,
    InsufficientStock,
    ProducerMemberRequired,
    ProductNotFound,
    StockQuantityInvalid,
)
from catalog.models import ProductStock, StockMovement
from catalog.selectors import stock_list_low
from catalog.services import (
    stock_correct,
    stock_release,
    stock_reserve,
    stock_restock,
    stock_ship,
    stock_threshold_set,
)
from tests.catalog.factories import ProductFactory, UserFactory, owner_of
from tests.concurrency import race


def counts(product):
    stock = ProductStock.objects.get(product=product)
    return stock.on_hand, stock.reserved


def movements():
    return list(StockMovement.objects.order_by("pk").values_list("product_id", "delta_on_hand", "delta_reserved",
                                                                 "reason", "reference"))


@pytest.mark.django_db
def test_restock_reserve_ship_release_and_correct():
    product = ProductFactory()
    owner = owner_of(product.producer)

    stock_restock(product=product, quantity=20, actor=owner, reference="panen")
    stock_reserve(items=[(product.pk, 5), (product.pk, 3)], reference="ORD-1")
    stock_ship(items=[(product.pk, 6)], reference="ORD-1")
    stock_release(items=[(product.pk, 2)], reference="ORD-1")
    stock_correct(product=product, on_hand=10, actor=owner, reference="stock opname")

    assert counts(product) == (10, 0)
    assert movements() == [
        (product.pk, 20, 0, "restock", "panen"),
        (product.pk, 0, 8, "order_reserved", "ORD-1"),
        (product.pk, -6, -6, "order_shipped", "ORD-1"),
        (product.pk, 0, -2, "order_cancelled", "ORD-1"),
        (product.pk, -4, 0, "correction", "stock opname"),
    ]


@pytest.mark.django_db
def test_reserve_refuses_more_than_available_and_changes_nothing():
    product = ProductFactory(name="Kopi Bubuk", stock=10)
    stock_reserve(items=[(product.pk, 7)], reference="ORD-1")

    with pytest.raises(InsufficientStock) as excinfo:
        stock_reserve(items=[(product.pk, 4)], reference="ORD-2")

    assert (str(excinfo.value.message), excinfo.value.available) == ("Only 3 left of Kopi Bubuk.", {product.pk: 3})
    assert excinfo.value.fields == {str(product.pk): ["Only 3 left."]}
    assert excinfo.value.code == "insufficient_stock"
    assert counts(product) == (10, 7)
    assert len(movements()) == 1


@pytest.mark.django_db
def test_multi_product_reserve_is_all_or_nothing():
    plenty, scarce = ProductFactory(stock=100), ProductFactory(stock=1)

    with pytest.raises(InsufficientStock) as excinfo:
        stock_reserve(items=[(plenty.pk, 10), (scarce.pk, 2)], reference="ORD-1")

    assert excinfo.value.available == {scarce.pk: 1}
    assert (counts(plenty), counts(scarce), movements()) == ((100, 0), (1, 0), [])

    stock_reserve(items=[(scarce.pk, 1), (plenty.pk, 10)], reference="ORD-2")
    assert (counts(plenty), counts(scarce)) == ((100, 10), (1, 1))
    assert movements() == [(plenty.pk, 0, 10, "order_reserved", "ORD-2"), (scarce.pk, 0, 1, "order_reserved", "ORD-2")]


@pytest.mark.django_db
@pytest.mark.parametrize("items", [[], [(1, 0)], [(1, -3)], [(1, 1.5)], [(1, True)], [(1,)], [(1, "2")]])
def test_bad_quantities_are_refused(items):
    product = ProductFactory(stock=5)
    items = [(product.pk, *item[1:]) for item in items]

    with pytest.raises(StockQuantityInvalid):
        stock_reserve(items=items, reference="x")

    assert (counts(product), movements()) == ((5, 0), [])


@pytest.mark.django_db
def test_unknown_product_is_refused():
    product = ProductFactory(stock=5)

    with pytest.raises(ProductNotFound):
        stock_reserve(items=[(product.pk, 1), (product.pk + 999, 1)], reference="x")

    assert counts(product) == (5, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("service", [stock_ship, stock_release])
def test_cannot_ship_or_release_more_than_reserved(service):
    product = ProductFactory(stock=10)
    stock_reserve(items=[(product.pk, 2)], reference="ORD-1")

    with pytest.raises(CatalogInvalid) as excinfo:
        service(items=[(product.pk, 3)], reference="ORD-1")

    assert excinfo.value.fields == {str(product.pk): ["Only 2 reserved."]}
    assert (counts(product), len(movements())) == ((10, 2), 1)


@pytest.mark.django_db
def test_correction_cannot_go_below_reserved_and_needs_a_reason():
    product = ProductFactory(stock=10)
    owner = owner_of(product.producer)
    stock_reserve(items=[(product.pk, 4)], reference="ORD-1")

    with pytest.raises(CatalogInvalid) as below:
        stock_correct(product=product, on_hand=3, actor=owner, reference="opname")
    with pytest.raises(CatalogInvalid) as no_reason:
        stock_correct(product=product, on_hand=8, actor=owner, reference=" ")
    with pytest.raises(StockQuantityInvalid):
        stock_correct(product=product, on_hand=-1, actor=owner, reference="opname")

    assert below.value.fields == {"on_hand": ["4 units are reserved for orders."]}
    assert no_reason.value.fields == {"reference": ["Say why the count changed."]}
    assert (counts(product), len(movements())) == ((10, 4), 1)


@pytest.mark.django_db
def test_correction_to_the_same_count_writes_no_movement():
    product = ProductFactory(stock=10)

    stock_correct(product=product, on_hand=10, actor=owner_of(product.producer), reference="opname")

    assert movements() == []


@pytest.mark.django_db
def test_restock_and_correct_need_an_editor():
    product = ProductFactory(stock=10)

    with pytest.raises(ProducerMemberRequired):
        stock_restock(product=product, quantity=5, actor=UserFactory())
    with pytest.raises(ProducerMemberRequired):
        stock_correct(product=product, on_hand=0, actor=UserFactory(), reference="x")

    assert (counts(product), movements()) == ((10, 0), [])


@pytest.mark.django_db
def test_database_keeps_the_invariants():
    product = ProductFactory(stock=3)

    with pytest.raises(IntegrityError), transaction.atomic():
        ProductStock.objects.filter(product=product).update(reserved=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductStock.objects.filter(product=product).update(reserved=-1)

    assert counts(product) == (3, 0)


@pytest.mark.django_db
def test_low_stock_list():
    low, fine = ProductFactory(stock=5), ProductFactory(stock=50)
    other = ProductFactory(stock=0)
    owner = owner_of(low.producer)
    fine.producer = low.producer
    fine.save()
    stock_threshold_set(product=low, low_stock_threshold=3, actor=owner)
    stock_threshold_set(product=fine, low_stock_threshold=3, actor=owner)
    stock_reserve(items=[(low.pk, 2)], reference="ORD-1")

    assert list(stock_list_low(producer=low.producer)) == [low]
    assert list(stock_list_low(producer=other.producer)) == [other]


@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_oversell():
    product = ProductFactory(stock=5)

    results = race(12, lambda i: stock_reserve(items=[(product.pk, 1)], reference=f"ORD-{i}"))

    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert (len(results) - len(refused), len(refused)) == (5, 7)
    assert all(r.available == {product.pk: 0} for r in refused)
    assert counts(product) == (5, 5)
    assert StockMovement.objects.filter(reason="order_reserved").count() == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_multi_product_reservations_in_opposite_orders_do_not_deadlock():
    first, second = ProductFactory(stock=100), ProductFactory(stock=100)

    def reserve(index):
        items = [(first.pk, 1), (second.pk, 1)]
        return stock_reserve(items=items if index % 2 else items[::-1], reference=f"ORD-{index}")

    results = race(10, reserve)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert (counts(first), counts(second)) == ((100, 10), (100, 10))
