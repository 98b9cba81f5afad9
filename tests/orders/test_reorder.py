"""Reorder: a past order's products back in the cart at today's prices and stock, with what could not be added."""
import pytest

from catalog.models import ProductStock
from catalog.services import ProductChanges, product_approve, product_delist, product_update
from orders.exceptions import OrderNotFound
from orders.selectors import cart_quote, shopper_get
from orders.services import cart_line_set, order_reorder
from tests.orders.factories import (
    OfficerFactory,
    buyer_organisation,
    consumer_shopper,
    on_sale,
    owner_of,
    place,
    verified_producer,
)

pytestmark = pytest.mark.django_db


def test_reorder_applies_current_prices_and_stock_and_says_what_is_missing():
    shopper, address = consumer_shopper()
    producer = verified_producer()
    kopi = on_sale(producer=producer, retail_price=35000, stock=50, name="Kopi")
    teh = on_sale(producer=producer, retail_price=12000, stock=50, name="Teh")
    gula = on_sale(producer=producer, retail_price=9000, stock=50, name="Gula")
    madu = on_sale(producer=producer, retail_price=80000, stock=50, name="Madu")
    for product, quantity in ((kopi, 2), (teh, 5), (gula, 3), (madu, 1)):
        cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)
    order = place(shopper, destination=address, method="card").orders.get()
    officer = OfficerFactory()
    product_update(product=kopi, actor=owner_of(producer), changes=ProductChanges(retail_price=36000))
    product_approve(product=kopi, officer=officer)
    ProductStock.objects.filter(product=teh).update(on_hand=8)  # 5 reserved by the order, 3 left
    ProductStock.objects.filter(product=madu).update(on_hand=1, reserved=1)
    product_delist(product=gula, officer=officer, reasons=["other"], note="izin habis")

    result = order_reorder(order=order, shopper=shopper)

    assert [(i.name, i.quantity, i.added, i.reason) for i in result.items] == [
        ("Kopi", 2, 2, ""), ("Teh", 5, 3, "Only 3 available."), ("Gula", 3, 0, "This product is no longer on sale."),
        ("Madu", 1, 0, "Out of stock.")]
    quote = cart_quote(shopper=shopper)
    assert [(line.name, line.quantity, line.unit_price, line.price_changed) for line in quote.lines] == [
        ("Kopi", 2, 36000, False), ("Teh", 3, 12000, False)]


def test_reorder_for_an_organisation_respects_its_rules_and_only_its_members_may():
    organisation, member, outlet = buyer_organisation()
    shopper = shopper_get(user=member, organisation=organisation)
    product = on_sale(min_order_qty=6, order_multiple=6, tiers=[(12, 30000)], stock=100)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=12)
    order = place(shopper, destination=outlet, method="invoice").orders.get()
    ProductStock.objects.filter(product=product).update(on_hand=22)  # 12 reserved, 10 left

    result = order_reorder(order=order, shopper=shopper)

    assert [(i.quantity, i.added, i.reason) for i in result.items] == [(12, 6, "Only 10 available.")]
    assert [(line.quantity, line.unit_price) for line in cart_quote(shopper=shopper).lines] == [(6, 35000)]
    stranger, _address = consumer_shopper()
    with pytest.raises(OrderNotFound):
        order_reorder(order=order, shopper=stranger)
    with pytest.raises(OrderNotFound):  # the member for themself is another shopper context
        order_reorder(order=order, shopper=shopper_get(user=member))
