"""The double-entry ledger: only balanced entries, each once; commission per category; balances derived."""
from decimal import Decimal

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.models import Order
from payments.exceptions import LedgerUnbalanced
from payments.models import CommissionRate, LedgerEntry, LedgerLine
from payments.money import split_proportionally
from payments.selectors import account_balance, ledger_unbalanced_entries
from payments.services.ledger import COMMISSION, DEPOSITS, Line, checkout_allocation_lines, ledger_entry_post
from tests.payments.conftest import checkout_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lines", [
    [Line("cash:stripe", debit=100), Line(DEPOSITS, credit=99)],
    [Line("cash:stripe", debit=100, credit=100)],
    [Line("cash:stripe", debit=-5), Line(DEPOSITS, credit=-5)],
    [],
])
def test_an_unbalanced_entry_is_refused_and_nothing_is_written(lines):
    with pytest.raises(LedgerUnbalanced):
        ledger_entry_post(key="k:1", kind="receipt", lines=lines)

    assert (LedgerEntry.objects.count(), LedgerLine.objects.count()) == (0, 0)


def test_the_same_key_posts_once():
    lines = [Line("cash:stripe", debit=5000), Line(DEPOSITS, credit=5000)]

    first = ledger_entry_post(key="receipt:stripe:pi_1", kind="receipt", lines=lines)
    again = ledger_entry_post(key="receipt:stripe:pi_1", kind="receipt", lines=lines)

    assert first.pk == again.pk
    assert LedgerLine.objects.count() == 2
    assert account_balance(code="cash:stripe") == 5000


@override_settings(PLATFORM_COMMISSION_RATE="0.10")
def test_commission_uses_the_categorys_rate_or_the_default():
    # given a category at 2.5% and another at the default 10%
    checkout, (cheap, dear) = checkout_of(items=[(10000, 4), (35000, 1)])
    CommissionRate.objects.create(category_id=cheap.category_id, rate=Decimal("0.025"))
    first, second = Order.objects.filter(checkout=checkout).order_by("pk")

    lines = checkout_allocation_lines(checkout=checkout)

    assert [(line.account, line.debit, line.credit, line.order_id) for line in lines] == [
        (DEPOSITS, 75000, 0, None),
        (f"producer:{first.producer_id}", 0, 39000, first.pk), (COMMISSION, 0, 1000, first.pk),
        (f"producer:{second.producer_id}", 0, 31500, second.pk), (COMMISSION, 0, 3500, second.pk),
    ]


operation = st.one_of(
    st.tuples(st.just("payment"), st.integers(1, 10**9), st.lists(st.integers(1, 10**6), min_size=1, max_size=4),
              st.decimals(0, Decimal("0.2"), places=3)),
    st.tuples(st.just("refund"), st.integers(1, 10**6)),
    st.tuples(st.just("payout"), st.integers(1, 10**6)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, min_size=1, max_size=12))
def test_the_ledger_balances_after_any_sequence_of_payments_refunds_and_payouts(operations):
    LedgerLine.objects.all().delete()
    LedgerEntry.objects.all().delete()
    for n, op in enumerate(operations):
        if op[0] == "payment":
            _kind, total, weights, rate = op
            parts = split_proportionally(total, weights)
            lines = [Line("cash:stripe", debit=total)]
            for i, part in enumerate(parts):
                commission = int(part * rate)
                lines += [Line(f"producer:{i}", credit=part - commission), Line(COMMISSION, credit=commission)]
        elif op[0] == "refund":
            lines = [Line("producer:0", debit=op[1]), Line("cash:stripe", credit=op[1])]
        else:
            lines = [Line("producer:0", debit=op[1]), Line("cash:payouts", credit=op[1])]
        ledger_entry_post(key=f"op:{n}", kind="receipt", lines=lines)

    assert ledger_unbalanced_entries() == []
    accounts = set(LedgerLine.objects.values_list("account__code", flat=True))
    assert sum(account_balance(code=code) for code in accounts) == 0
