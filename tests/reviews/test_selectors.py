"""Reviews' reads: a product's stars and units sold with exact values, what counts as sold, who may review."""
from __future__ import annotations

import pytest

from orders.models import Order
from orders.services import order_cancel, order_complete, order_problem_decide, order_problem_report
from orders.states import Party
from reviews.exceptions import ReviewLineNotFound
from reviews.selectors import (
    RatingSummary,
    access_review_line,
    product_stats,
    product_stats_get,
    review_author_name,
    review_list_for_producer,
    review_list_for_product,
)
from reviews.services import review_moderate, review_write
from tests.factories import UserFactory
from tests.orders.factories import OfficerFactory, placed_order
from tests.reviews.helpers import another_delivered_line, delivered_order

pytestmark = pytest.mark.django_db


def test_stats_give_the_average_of_visible_reviews_and_the_units_delivered_or_completed():
    # given: 4 units delivered and reviewed 4 stars, 2 more delivered and completed reviewed 5 stars,
    # 3 more delivered and reviewed 1 star (then hidden)
    order, line, product, people = delivered_order(quantity=4)
    review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=4)
    line_b, buyer_b = another_delivered_line(product, quantity=2)
    order_complete(order=line_b.order, actor=buyer_b)
    review_write(order_line_id=line_b.pk, author=buyer_b, rating=5)
    line_c, buyer_c = another_delivered_line(product, quantity=3)
    hidden = review_write(order_line_id=line_c.pk, author=buyer_c, rating=1)
    review_moderate(review=hidden, officer=OfficerFactory(), action="hide", reason="Kasar")

    # when
    stats = product_stats_get(product_id=product.pk)

    # then
    assert stats == RatingSummary(average=4.5, count=2, sold=9)
    assert stats.stars == 5
    assert [r.rating for r in review_list_for_product(product_id=product.pk)] == [5, 4]  # newest first


def test_units_on_their_way_cancelled_or_fully_refunded_are_not_sold():
    # given: a product delivered once (3 units), ordered and paid (not delivered), cancelled, and
    # delivered but fully refunded after a problem
    order, line, product, people = delivered_order(quantity=3)
    placed, _, placed_people = placed_order(quantity=2)  # another product: not counted for ours
    refunded_line, refunded_buyer = another_delivered_line(product, quantity=5)
    problem = order_problem_report(order=refunded_line.order, actor=refunded_buyer, kind="damaged",
                                   description="Pecah semua")
    order_problem_decide(problem=problem, officer=OfficerFactory(), decision="full_refund", note="Foto jelas")
    from orders.services import cart_line_set, checkout_mark_paid
    from tests.orders.factories import consumer_shopper, place

    shopper, address = consumer_shopper()
    cart_line_set(shopper=shopper, product_id=product.pk, quantity=7)
    checkout = place(shopper, destination=address, method="card", delivery={product.producer_id: "pickup"})
    checkout_mark_paid(checkout=checkout, reference="pi_cancel")
    order_cancel(order=checkout.orders.get(), actor=shopper.user)
    assert set(Order.objects.filter(lines__product=product).values_list("status", flat=True)) == {
        "delivered", "cancelled"}

    # when / then: only the 3 delivered units count
    assert product_stats(product_ids=[product.pk, placed.lines.get().product_id]) == {
        product.pk: RatingSummary(average=None, count=0, sold=3)}


def test_stats_of_no_products_cost_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert product_stats(product_ids=[]) == {}


def test_stats_take_one_query_whatever_the_number_of_products(django_assert_num_queries):
    order, line, product, people = delivered_order()
    review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=3)
    other, other_product, _ = placed_order()

    with django_assert_num_queries(1):
        stats = product_stats(product_ids=[product.pk, other_product.pk, 999_999])

    assert stats == {product.pk: RatingSummary(average=3.0, count=1, sold=4)}


def test_a_line_is_open_to_its_buyer_only():
    order, line, product, people = delivered_order()

    assert access_review_line(user=people[Party.BUYER], pk=line.pk) == line
    for who in ("stranger", Party.PRODUCER, Party.OFFICER):
        with pytest.raises(ReviewLineNotFound):
            access_review_line(user=people[who], pk=line.pk)


@pytest.mark.parametrize(("full_name", "shown"), [("Ayu Lestari", "Ayu L."), ("Sari", "Sari"), ("", ""),
                                                  ("  Budi   Santoso  Wijaya ", "Budi W.")])
def test_a_review_names_its_author_by_first_name_and_initial(full_name, shown):
    assert review_author_name(UserFactory.build(full_name=full_name)) == shown


def test_the_producer_sees_its_reviews_hidden_ones_too_and_those_not_answered():
    order, line, product, people = delivered_order()
    first = review_write(order_line_id=line.pk, author=people[Party.BUYER], rating=2)
    review_moderate(review=first, officer=OfficerFactory(), action="hide", reason="Kasar")
    line_b, buyer_b = another_delivered_line(product)
    second = review_write(order_line_id=line_b.pk, author=buyer_b, rating=5)
    from reviews.services import review_reply

    review_reply(review=second, actor=people[Party.PRODUCER], text="Terima kasih")

    assert [r.pk for r in review_list_for_producer(producer_id=product.producer_id)] == [second.pk, first.pk]
    assert [r.pk for r in review_list_for_producer(producer_id=product.producer_id, unanswered=True)] == [first.pk]
    assert list(review_list_for_producer(producer_id=999_999)) == []
