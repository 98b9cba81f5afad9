"""The edges of payments/services/ledger.py that mutation testing found unguarded (docs/testing.md).

The kind and the producer of each account the ledger opens, the commission rates read once per
allocation (not once per order) and used as given, and the queries an allocation takes.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order
from payments.models import CommissionRate, LedgerAccount, LedgerEntry, LedgerLine
from payments.services.ledger import (
    checkout_allocation_lines,
    checkout_allocation_post,
    order_commission,
    payment_receipt_post,
)
from tests.payments.conftest import checkout_of

pytestmark = pytest.mark.django_db


def queries_of(fn, **kwargs):
    """Return what ``fn`` returned and the SQL statements it ran (savepoints aside)."""
    with CaptureQueriesContext(connection) as queries:
        result = fn(**kwargs)
    return result, [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_each_account_is_opened_with_its_kind_and_a_producers_with_its_producer():
    checkout, (product,) = checkout_of(items=[(10_000, 2)])
    order = Order.objects.get(checkout=checkout)

    payment_receipt_post(
        key="receipt:test:1", provider="bank_transfer", amount=checkout.total, checkout=checkout, memo="BCA 0001"
    )
    checkout_allocation_post(checkout=checkout)
    checkout_allocation_post(checkout=checkout)  # posted once
    payment_receipt_post(key="receipt:test:2", provider="bank_transfer", amount=1, checkout=checkout)

    assert list(LedgerEntry.objects.order_by("pk").values_list("key", "kind", "checkout", "memo")) == [
        ("receipt:test:1", "receipt", checkout.pk, "BCA 0001"),
        (f"allocation:checkout:{checkout.pk}", "allocation", checkout.pk, ""),
        ("receipt:test:2", "receipt", checkout.pk, ""),  # no memo given: none written
    ]
    assert list(
        LedgerLine.objects.order_by("pk").values_list("entry__kind", "account__code", "debit", "credit", "order")
    ) == [
        ("receipt", "cash:bank_transfer", 20_000, 0, None),
        ("receipt", "deposits", 0, 20_000, None),
        ("allocation", "deposits", 20_000, 0, None),
        ("allocation", f"producer:{product.producer_id}", 0, 19_000, order.pk),
        ("allocation", "commission", 0, 1000, order.pk),
        ("receipt", "cash:bank_transfer", 1, 0, None),
        ("receipt", "deposits", 0, 1, None),
    ]

    assert sorted(LedgerAccount.objects.values_list("code", "kind", "producer_id")) == [
        ("cash:bank_transfer", "asset", None),
        ("commission", "revenue", None),
        ("deposits", "liability", None),
        (f"producer:{product.producer_id}", "liability", product.producer_id),
    ]


def test_an_orders_commission_reads_the_rates_unless_given_them():
    checkout, (product,) = checkout_of(items=[(10_000, 3)])
    CommissionRate.objects.create(category_id=product.category_id, rate=Decimal("0.1"))
    order = Order.objects.get(checkout=checkout)

    assert order_commission(order=order) == 3000
    assert order_commission(order=order, rates={product.category_id: Decimal("0.5")}) == 15_000
    assert order_commission(order=order, rates={}) == 1500  # the default rate, 5 %


def test_an_allocation_reads_the_rates_once_and_each_orders_lines_with_their_products_in_one_query():
    checkout, products = checkout_of(items=[(10_000, 1), (20_000, 1), (30_000, 1)])

    lines, sql = queries_of(checkout_allocation_lines, checkout=checkout)

    assert len(lines) == 7
    assert [statement.split(" FROM ")[1].split()[0] for statement in sql] == [
        '"payments_commissionrate"',
        '"orders_order"',
        '"orders_orderline"',
        '"orders_orderline"',
        '"orders_orderline"',
    ]


# --- what ledger_entry_post showed once its transaction decorator no longer hid it from mutmut -------------


def test_a_buyers_receivable_is_an_asset_account():
    from payments.services.ledger import Line, ledger_entry_post, receivable_account_code

    ledger_entry_post(key="terms:invoice:1", kind=LedgerEntry.Kind.RECEIPT, lines=[
        Line(receivable_account_code(7), debit=50_000), Line("deposits", credit=50_000)])

    assert LedgerAccount.objects.get(code="receivable:7").kind == LedgerAccount.Kind.ASSET


@pytest.mark.parametrize(("lines", "message"), [
    ([("cash:bank_transfer", 10_000, 0), ("deposits", 0, 9_000)], "entry:x: debits 10000 != credits 9000"),
    ([("cash:bank_transfer", -5, 0), ("deposits", 0, -5)], "entry:x: every line has one positive side"),
])
def test_an_unbalanced_entry_is_refused_with_what_is_wrong_and_writes_nothing(lines, message):
    from payments.exceptions import LedgerUnbalanced
    from payments.services.ledger import Line, ledger_entry_post

    with pytest.raises(LedgerUnbalanced) as error:
        ledger_entry_post(key="entry:x", kind=LedgerEntry.Kind.RECEIPT,
                          lines=[Line(account, debit=debit, credit=credit) for account, debit, credit in lines])

    assert str(error.value) == message
    assert not LedgerEntry.objects.exists() and not LedgerLine.objects.exists()


def test_a_long_memo_is_kept_to_its_first_255_characters():
    from payments.services.ledger import Line, ledger_entry_post

    entry = ledger_entry_post(key="entry:memo", kind=LedgerEntry.Kind.RECEIPT, memo="Transfer BCA " + "x" * 300,
                              lines=[Line("cash:bank_transfer", debit=1_000), Line("deposits", credit=1_000)])

    entry.refresh_from_db()
    assert len(entry.memo) == 255 and entry.memo.startswith("Transfer BCA x")


@pytest.mark.django_db(transaction=True)
def test_two_posts_of_one_key_at_the_same_moment_give_one_entry():
    from payments.services.ledger import Line, ledger_entry_post
    from tests.concurrency import while_held

    lines = [Line("cash:bank_transfer", debit=25_000), Line("deposits", credit=25_000)]

    def post():
        return ledger_entry_post(key="receipt:race", kind=LedgerEntry.Kind.RECEIPT, lines=lines)

    # the first post holds its new entry uncommitted; the second waits on the key's unique index meanwhile
    first, second = while_held(post, post)

    # then: the second post found the first's entry after the unique key refused its own; one entry, two lines
    assert second == first
    assert LedgerEntry.objects.filter(key="receipt:race").count() == 1
    assert LedgerLine.objects.filter(entry__key="receipt:race").count() == 2
