"""Carts: lines, bad input (nothing changes), shopper contexts, price changes, the anonymous cart merge."""
from decimal import Decimal

import pytest

from catalog.exceptions import InsufficientStock
from catalog.services import ProductChanges, product_approve, product_delist, product_update
from market.accounts.models import Organisation
from orders.exceptions import BuyerMemberRequired, OrdersInvalid, ProductUnavailable, QuantityInvalid
from orders.models import Cart, CartLine
from orders.selectors import anonymous_token_new, cart_line_count, cart_quote, shopper_get
from orders.services import (
    cart_clear,
    cart_line_add,
    cart_line_remove,
    cart_line_set,
    cart_merge,
    cart_prices_accept,
)
from tests.factories import OrganisationFactory
from tests.orders.factories import (
    OfficerFactory,
    UserFactory,
    business_shopper,
    buyer_organisation,
    consumer_shopper,
    on_sale,
    owner_of,
)

pytestmark = pytest.mark.django_db


def lines(shopper):
    return list(CartLine.objects.filter(**{f"cart__{k}": v for k, v in shopper.cart_lookup().items()})
                .order_by("pk").values_list("product_id", "quantity", "unit_price_seen"))


def test_set_add_remove_and_clear():
    shopper, _address = consumer_shopper()
    kopi, teh = on_sale(retail_price=35000), on_sale(retail_price=12000)

    cart_line_set(shopper=shopper, product_id=kopi.pk, quantity=2)
    cart_line_add(shopper=shopper, product_id=kopi.pk, quantity=3)
    cart_line_add(shopper=shopper, product_id=teh.pk, quantity=1)
    assert lines(shopper) == [(kopi.pk, 5, 35000), (teh.pk, 1, 12000)]
    assert cart_line_count(shopper=shopper) == 2

    cart_line_set(shopper=shopper, product_id=kopi.pk, quantity=1)
    cart_line_remove(shopper=shopper, product_id=teh.pk)
    assert lines(shopper) == [(kopi.pk, 1, 35000)]

    cart_clear(shopper=shopper)
    assert (lines(shopper), Cart.objects.count()) == ([], 1)


@pytest.mark.parametrize(("quantity", "message"), [
    (0, "Enter at least 1 unit."), (-3, "Enter at least 1 unit."), (1.5, "Enter a whole number of units."),
    ("2", "Enter a whole number of units."), (True, "Enter a whole number of units."),
    (Decimal("2"), "Enter a whole number of units."), (None, "Enter a whole number of units."),
    (10**12, "At most 100000 units of one product per order."),
])
@pytest.mark.parametrize("service", [cart_line_set, cart_line_add])
def test_bad_quantities_are_refused_and_change_nothing(service, quantity, message):
    shopper, _address = consumer_shopper()
    product = on_sale(stock=10**6)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=4)

    with pytest.raises(QuantityInvalid) as excinfo:
        service(shopper=shopper, product_id=product.pk, quantity=quantity)

    assert excinfo.value.fields == {"quantity": [message]}
    assert lines(shopper) == [(product.pk, 4, 35000)]


def test_adding_beyond_the_line_maximum_is_refused():
    shopper, _address = consumer_shopper()
    product = on_sale(stock=200_000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=100_000)

    with pytest.raises(QuantityInvalid):
        cart_line_add(shopper=shopper, product_id=product.pk, quantity=1)

    assert lines(shopper) == [(product.pk, 100_000, 35000)]


@pytest.mark.parametrize(("quantity", "problems"), [
    (5, ["The minimum order is 6 units.", "Order in multiples of 6 units."]),
    (8, ["Order in multiples of 6 units."]),
])
def test_organisations_must_respect_minimum_order_and_multiple(quantity, problems):
    shopper, _outlet = business_shopper()
    product = on_sale(min_order_qty=6, order_multiple=6, tiers=[(12, 30000)])

    with pytest.raises(QuantityInvalid) as excinfo:
        cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)

    assert (str(excinfo.value.message), excinfo.value.fields) == (problems[0], {"quantity": problems})
    assert lines(shopper) == []
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=12)
    assert lines(shopper) == [(product.pk, 12, 30000)]


def test_consumers_buy_single_units_of_a_wholesale_product_at_retail():
    shopper, _address = consumer_shopper()
    product = on_sale(min_order_qty=6, order_multiple=6, tiers=[(12, 30000)])

    cart_line_set(shopper=shopper, product_id=product.pk, quantity=13)

    assert lines(shopper) == [(product.pk, 13, 35000)]


def test_products_not_on_sale_are_refused():
    shopper, _address = consumer_shopper()
    listed = on_sale()
    delisted = on_sale()
    product_delist(product=delisted, officer=OfficerFactory(), reasons=["other"], note="keluhan")
    from tests.catalog.factories import ProductFactory

    draft = ProductFactory(stock=10)

    for product_id in (delisted.pk, draft.pk, listed.pk + 10_000, "1", None):
        with pytest.raises(ProductUnavailable):
            cart_line_set(shopper=shopper, product_id=product_id, quantity=1)
    assert lines(shopper) == []


def test_more_than_available_is_refused_with_what_is_left():
    shopper, _address = consumer_shopper()
    product = on_sale(stock=3, name="Keripik Pisang")

    with pytest.raises(InsufficientStock) as excinfo:
        cart_line_set(shopper=shopper, product_id=product.pk, quantity=4)

    assert str(excinfo.value.message) == "Only 3 left of Keripik Pisang."
    assert lines(shopper) == []


def test_the_snapshot_name_and_price_count_not_the_working_copy():
    shopper, _address = consumer_shopper()
    product = on_sale(retail_price=35000, name="Kopi Lama")
    product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(
        name="Kopi Baru", retail_price=99000))

    cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)

    (line,) = cart_quote(shopper=shopper).lines
    assert (line.name, line.unit_price) == ("Kopi Lama", 35000)


def test_a_price_change_is_reported_until_accepted():
    shopper, _address = consumer_shopper()
    product = on_sale(retail_price=35000)
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=2)
    product_update(product=product, actor=owner_of(product.producer), changes=ProductChanges(retail_price=38000))
    product_approve(product=product, officer=OfficerFactory())

    quote = cart_quote(shopper=shopper)
    assert [(line.unit_price_seen, line.unit_price, line.price_difference) for line in quote.price_changes] == [
        (35000, 38000, 3000)]
    assert quote.total == 76000

    accepted = cart_prices_accept(shopper=shopper)
    assert (accepted.price_changes, lines(shopper)) == ([], [(product.pk, 2, 38000)])


def test_shopper_contexts_have_separate_carts():
    organisation, member, _outlet = buyer_organisation()
    product = on_sale(min_order_qty=6, order_multiple=6, tiers=[(12, 30000)])
    as_organisation = shopper_get(user=member, organisation=organisation)
    for_themself = shopper_get(user=member)

    cart_line_set(shopper=as_organisation, product_id=product.pk, quantity=12)
    cart_line_set(shopper=for_themself, product_id=product.pk, quantity=1)

    assert lines(as_organisation) == [(product.pk, 12, 30000)]
    assert lines(for_themself) == [(product.pk, 1, 35000)]
    assert Cart.objects.count() == 2


def test_only_members_shop_for_a_buyer_organisation():
    organisation, _member, _outlet = buyer_organisation()
    producer_org = OrganisationFactory(kind=Organisation.Kind.PRODUCER)
    outsider = UserFactory()

    with pytest.raises(BuyerMemberRequired):
        shopper_get(user=outsider, organisation=organisation)
    with pytest.raises(BuyerMemberRequired):
        shopper_get(user=outsider, organisation=producer_org)
    with pytest.raises(OrdersInvalid):
        shopper_get(user=None, anonymous_token="short")


def test_anonymous_cart_merges_into_the_account_at_login():
    token = anonymous_token_new()
    visitor = shopper_get(user=None, anonymous_token=token)
    kopi, teh, gula = on_sale(retail_price=35000), on_sale(retail_price=12000), on_sale(retail_price=9000)
    cart_line_set(shopper=visitor, product_id=kopi.pk, quantity=2)
    cart_line_set(shopper=visitor, product_id=teh.pk, quantity=1)
    account, _address = consumer_shopper()
    cart_line_set(shopper=account, product_id=kopi.pk, quantity=1)
    cart_line_set(shopper=account, product_id=gula.pk, quantity=4)

    result = cart_merge(anonymous_token=token, user=account.user)

    assert (result.merged, result.dropped) == (2, 0)
    assert sorted(lines(account)) == sorted([(kopi.pk, 3, 35000), (gula.pk, 4, 9000), (teh.pk, 1, 12000)])
    assert Cart.objects.filter(anonymous_token=token).exists() is False
    again = cart_merge(anonymous_token=token, user=account.user)
    assert (again.merged, len(lines(account))) == (0, 3)


def test_merging_into_an_organisation_cart_reports_the_wholesale_differences():
    token = anonymous_token_new()
    visitor = shopper_get(user=None, anonymous_token=token)
    product = on_sale(min_order_qty=6, order_multiple=6, tiers=[(12, 30000)])
    cart_line_set(shopper=visitor, product_id=product.pk, quantity=12)
    organisation, member, _outlet = buyer_organisation()

    cart_merge(anonymous_token=token, user=member, organisation=organisation)

    quote = cart_quote(shopper=shopper_get(user=member, organisation=organisation))
    assert [(line.unit_price_seen, line.unit_price) for line in quote.price_changes] == [(35000, 30000)]
