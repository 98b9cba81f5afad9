"""Who sees which checkouts and orders, the officers' filters, the actions offered, and query budgets."""
import pytest

from orders.exceptions import CheckoutNotFound, OrderNotFound
from orders.selectors import (
    OrderFilters,
    access_checkout,
    access_order,
    cart_quote,
    checkout_list,
    checkout_payment_methods,
    order_actions,
    order_event_list,
    order_list_for_buyer,
    order_list_for_officers,
    order_list_for_producer,
    shopper_get,
)
from orders.services import cart_line_set, checkout_mark_paid, order_accept
from tests.factories import MembershipFactory
from tests.orders.factories import (
    OfficerFactory,
    UserFactory,
    buyer_organisation,
    consumer_shopper,
    on_sale,
    owner_of,
    place,
    verified_producer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two producers; a consumer who bought from both; a buyer organisation that bought from one."""
    sido, tani = verified_producer("Sido Makmur"), verified_producer("Tani Jaya")
    kopi, teh = on_sale(producer=sido, stock=100), on_sale(producer=tani, stock=100)
    consumer, address = consumer_shopper()
    cart_line_set(shopper=consumer, product_id=kopi.pk, quantity=1)
    cart_line_set(shopper=consumer, product_id=teh.pk, quantity=1)
    consumer_checkout = place(consumer, destination=address, method="card")
    checkout_mark_paid(checkout=consumer_checkout, reference="pi_1")
    organisation, member, outlet = buyer_organisation()
    business = shopper_get(user=member, organisation=organisation)
    cart_line_set(shopper=business, product_id=kopi.pk, quantity=2)
    business_checkout = place(business, destination=outlet, method="invoice")
    unpaid_shopper, unpaid_address = consumer_shopper()
    cart_line_set(shopper=unpaid_shopper, product_id=teh.pk, quantity=1)
    unpaid = place(unpaid_shopper, destination=unpaid_address, method="bank_transfer")
    return {"sido": sido, "tani": tani, "consumer": consumer, "consumer_checkout": consumer_checkout,
            "business": business, "organisation": organisation, "business_checkout": business_checkout,
            "unpaid": unpaid, "unpaid_shopper": unpaid_shopper}


def numbers(orders):
    return sorted(order.number for order in orders)


def test_buyers_see_only_their_own_context(world):
    consumer, business = world["consumer"], world["business"]
    colleague = UserFactory()
    MembershipFactory(user=colleague, organisation=world["organisation"], role="member")

    assert [c.pk for c in checkout_list(shopper=consumer)] == [world["consumer_checkout"].pk]
    assert [c.pk for c in checkout_list(shopper=business)] == [world["business_checkout"].pk]
    assert list(checkout_list(shopper=shopper_get(user=business.user))) == []
    assert numbers(order_list_for_buyer(shopper=consumer)) == numbers(world["consumer_checkout"].orders.all())
    assert access_checkout(user=colleague, pk=world["business_checkout"].pk) == world["business_checkout"]
    for user, checkout in ((consumer.user, "business_checkout"), (business.user, "consumer_checkout"),
                           (owner_of(world["sido"]), "consumer_checkout"), (UserFactory(), "unpaid")):
        with pytest.raises(CheckoutNotFound):
            access_checkout(user=user, pk=world[checkout].pk)


def test_producers_see_only_their_paid_orders(world):
    sido_owner, tani_owner = owner_of(world["sido"]), owner_of(world["tani"])
    sido_orders = list(order_list_for_producer(producer=world["sido"]))
    tani_orders = list(order_list_for_producer(producer=world["tani"]))

    assert [o.producer_id for o in sido_orders] == [world["sido"].pk] * 2
    assert [o.checkout_id for o in tani_orders] == [world["consumer_checkout"].pk]  # not the unpaid one
    tani_order = tani_orders[0]
    assert access_order(user=tani_owner, pk=tani_order.pk).viewer == "producer"
    with pytest.raises(OrderNotFound):
        access_order(user=sido_owner, pk=tani_order.pk)
    with pytest.raises(OrderNotFound):
        access_order(user=tani_owner, pk=world["unpaid"].orders.get().pk)
    seen = access_order(user=tani_owner, pk=tani_order.pk)
    assert (seen.buyer_name, seen.delivery_address["street"], [line.quantity for line in seen.lines.all()]) == (
        world["consumer"].user.full_name, "Jl. Gajah Mada 10, RT 01/RW 02", [1])


def test_who_is_looking_and_what_they_may_do(world):
    order = world["consumer_checkout"].orders.get(producer=world["sido"])
    buyer, producer, officer = world["consumer"].user, owner_of(world["sido"]), OfficerFactory()

    assert [(access_order(user=u, pk=order.pk).viewer, order_actions(order=order, user=u))
            for u in (buyer, producer, officer)] == [
        ("buyer", ["cancelled"]), ("producer", ["accepted", "declined"]), ("officer", ["cancelled"])]
    with pytest.raises(OrderNotFound):
        access_order(user=UserFactory(), pk=order.pk)
    order_accept(order=order, actor=producer)
    order.refresh_from_db()
    assert (order_actions(order=order, user=buyer), order_actions(order=order, user=producer)) == ([], ["packed"])
    assert [(e.kind, e.from_status, e.to_status) for e in order_event_list(order=order)] == [
        ("status", "", "awaiting_payment"), ("payment", "", ""), ("status", "awaiting_payment", "placed"),
        ("status", "placed", "accepted")]


def test_officers_filter_all_orders(world):
    all_orders = list(order_list_for_officers())
    by_producer = order_list_for_officers(filters=OrderFilters(producer=world["tani"].pk))
    by_organisation = order_list_for_officers(filters=OrderFilters(organisation=world["organisation"].pk))
    unpaid = order_list_for_officers(filters=OrderFilters(status="awaiting_payment"))
    invoice = order_list_for_officers(filters=OrderFilters(payment_method="invoice"))
    by_number = order_list_for_officers(filters=OrderFilters(number=world["unpaid"].number))

    assert len(all_orders) == 4
    assert numbers(by_producer) == numbers(world["consumer_checkout"].orders.filter(producer=world["tani"])
                                           .union(world["unpaid"].orders.all()))
    assert numbers(by_organisation) == numbers(invoice) == numbers(world["business_checkout"].orders.all())
    assert numbers(unpaid) == numbers(by_number) == numbers(world["unpaid"].orders.all())


def test_payment_methods_by_context(world):
    assert checkout_payment_methods(shopper=world["consumer"]) == ["card", "bank_transfer"]
    assert checkout_payment_methods(shopper=world["business"]) == ["card", "bank_transfer", "invoice"]


def _cart_of(size: int):
    shopper, _address = consumer_shopper()
    for _ in range(size):
        cart_line_set(shopper=shopper, product_id=on_sale(stock=10).pk, quantity=1)
    return shopper


def test_cart_quote_takes_a_fixed_number_of_queries(django_assert_num_queries):
    small, large = _cart_of(2), _cart_of(12)

    with django_assert_num_queries(3):
        assert len(cart_quote(shopper=small).lines) == 2
    with django_assert_num_queries(3):
        assert len(cart_quote(shopper=large).lines) == 12


def test_order_lists_take_a_fixed_number_of_queries(django_assert_num_queries):
    producers = [verified_producer() for _ in range(2)]
    products = [on_sale(producer=producer, stock=100) for producer in producers for _ in range(2)]
    shopper, address = consumer_shopper()

    def orders(count):
        for _ in range(count):
            for product in products:
                cart_line_set(shopper=shopper, product_id=product.pk, quantity=1)
            place(shopper, destination=address, method="card")

    orders(1)
    with django_assert_num_queries(2):
        assert sum(len(o.lines.all()) for o in order_list_for_officers()) == 4
    with django_assert_num_queries(3):
        assert [len(c.orders.all()) for c in checkout_list(shopper=shopper)] == [2]
    orders(5)
    with django_assert_num_queries(2):
        assert sum(len(o.lines.all()) for o in order_list_for_officers()) == 24
    with django_assert_num_queries(3):
        assert [len(c.orders.all()) for c in checkout_list(shopper=shopper)] == [2] * 6
    with django_assert_num_queries(2):
        assert sum(len(o.lines.all()) for o in order_list_for_buyer(shopper=shopper)) == 24
