"""Concurrency on real PostgreSQL: threads with their own connections race through the services.

No oversell, no deadlock whatever the line order, one checkout per idempotency key, expiry once,
document numbers without gaps.
"""
import random
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from catalog.exceptions import InsufficientStock
from catalog.models import ProductStock, StockMovement
from orders.documents import document_numbers_take
from orders.models import CartLine, Checkout, DocumentCounter, Order, OrderEvent
from orders.services import cart_line_set, checkout_expire_due
from tests.concurrency import race
from tests.orders.factories import consumer_shopper, on_sale, place, verified_producer

YEAR = timezone.localdate().year


def stock(product):
    row = ProductStock.objects.get(product=product)
    return row.on_hand, row.reserved


def series(prefix, count):
    return [f"{prefix}/{YEAR}/{n:06d}" for n in range(1, count + 1)]


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_checkouts_for_ten_units_sell_exactly_ten():
    product = on_sale(stock=10, name="Kopi Lanang")
    shoppers = [consumer_shopper() for _ in range(50)]
    for shopper, _address in shoppers:
        cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    delivery = {product.producer_id: "pickup"}

    results = race(50, lambda i: place(shoppers[i][0], destination=shoppers[i][1], delivery=delivery,
                                       expected_total=35000))

    sold = [r for r in results if isinstance(r, Checkout)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert (len(sold), len(refused)) == (10, 40), [r for r in results if not isinstance(r, Checkout | InsufficientStock)]
    assert {str(error.message) for error in refused} == {"Only 0 left of Kopi Lanang."}
    assert all(error.available == {product.pk: 0} for error in refused)
    assert stock(product) == (10, 10)
    assert StockMovement.objects.filter(reason="order_reserved").count() == 10
    assert (Checkout.objects.count(), Order.objects.count(), OrderEvent.objects.count()) == (10, 10, 10)
    # numbers without gaps: the losers' rolled-back numbers were given back
    assert sorted(Checkout.objects.values_list("number", flat=True)) == series("INV", 10)
    assert sorted(Order.objects.values_list("number", flat=True)) == series("PO", 10)
    assert dict(DocumentCounter.objects.values_list("series", "last_number")) == {"INV": 10, "PO": 10}
    # every loser still has its cart; every winner's cart is empty
    winners = {checkout.placed_by_id for checkout in sold}
    assert sorted(CartLine.objects.values_list("cart__user_id", flat=True)) == sorted(
        shopper.user.pk for shopper, _address in shoppers if shopper.user.pk not in winners)
    assert sorted(m.subject for m in mail.outbox if m.subject.startswith("Order ")) == [
        f"Order {number} received" for number in series("INV", 10)]


@pytest.mark.django_db(transaction=True)
def test_multi_producer_carts_in_random_line_order_never_deadlock():
    producers = [verified_producer() for _ in range(3)]
    products = [on_sale(producer=producer, stock=1000, retail_price=1000 * (i + 1))
                for i, producer in enumerate(producers) for _ in range(2)]
    shoppers = [consumer_shopper() for _ in range(20)]
    shuffle = random.Random(2026)
    for shopper, _address in shoppers:
        for product in shuffle.sample(products, len(products)):
            cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
    delivery = {producer.pk: "pickup" for producer in producers}
    total = sum(product.approved_snapshot["retail_price"] for product in products)

    results = race(20, lambda i: place(shoppers[i][0], destination=shoppers[i][1], delivery=delivery,
                                       expected_total=total))

    assert [r for r in results if not isinstance(r, Checkout)] == []
    assert [stock(product) for product in products] == [(1000, 20)] * 6
    assert sorted(Checkout.objects.values_list("number", flat=True)) == series("INV", 20)
    assert sorted(Order.objects.values_list("number", flat=True)) == series("PO", 60)


@pytest.mark.django_db(transaction=True)
def test_ten_identical_concurrent_placements_create_one_checkout():
    product = on_sale(stock=100)
    shopper, address = consumer_shopper()
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
    delivery = {product.producer_id: "pickup"}

    results = race(10, lambda i: place(shopper, destination=address, key="idem-9f0c2d4e-double-click",
                                       delivery=delivery, expected_total=70000))

    assert [type(r) for r in results] == [Checkout] * 10
    assert len({r.pk for r in results}) == 1
    assert (Checkout.objects.count(), Order.objects.count(), stock(product)) == (1, 1, (100, 2))
    assert StockMovement.objects.filter(reason="order_reserved").count() == 1


@pytest.mark.django_db(transaction=True)
def test_expiry_run_twice_at_the_same_time_releases_each_reservation_once():
    producers = [verified_producer() for _ in range(2)]
    products = [on_sale(producer=producer, stock=1000) for producer in producers]
    delivery = {producer.pk: "pickup" for producer in producers}
    for _ in range(30):
        shopper, address = consumer_shopper()
        for product in products:
            cart_line_set(shopper=shopper, product_id=product.pk, quantity=3)
        place(shopper, destination=address, method="card", delivery=delivery, expected_total=210000)
    assert [stock(product) for product in products] == [(1000, 90)] * 2
    later = timezone.now() + timedelta(minutes=31)

    results = race(2, lambda i: checkout_expire_due(now=later))

    assert sum(results) == 30, results
    assert [stock(product) for product in products] == [(1000, 0)] * 2
    assert StockMovement.objects.filter(reason="order_cancelled").count() == 60
    assert set(Checkout.objects.values_list("status", flat=True)) == {"expired"}
    assert OrderEvent.objects.filter(to_status="cancelled").count() == 60
    assert len([m for m in mail.outbox if "not paid in time" in m.subject]) == 30
    assert checkout_expire_due(now=later) == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_numbers_have_no_gaps_and_rolled_back_ones_are_given_back():
    def take(index):
        with transaction.atomic():
            (number,) = document_numbers_take(series="INV", year=2031)
            if index % 3 == 0:
                raise RuntimeError("placement failed")
        return number

    results = race(15, take)

    assert sorted(r for r in results if isinstance(r, str)) == [f"INV/2031/{n:06d}" for n in range(1, 11)]
    assert DocumentCounter.objects.get(series="INV", year=2031).last_number == 10
