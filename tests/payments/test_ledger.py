"""The double-entry ledger: only balanced entries, each once; commission per category; balances derived."""

import math
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from orders.models import Order, OrderRefund
from orders.selectors import shopper_get
from orders.services import (
    cart_line_set,
    order_accept,
    order_complete,
    order_decline,
    order_mark_delivered,
    order_pack,
    order_ship,
)
from payments.exceptions import LedgerUnbalanced, PaymentNotPossible
from payments.models import CommissionRate, LedgerEntry, LedgerLine, PayoutBatch, TermsInvoice
from payments.selectors import account_balance, ledger_check, ledger_unbalanced_entries, producer_balance
from payments.services import bank_transfer_record, bank_transfer_start
from payments.services.ledger import COMMISSION, DEPOSITS, Line, checkout_allocation_lines, ledger_entry_post
from payments.services.payouts import payout_batch_create, payout_batch_mark_paid
from payments.services.refunds import refund_record_transfer
from tests.catalog.factories import owner_of
from tests.orders.factories import buyer_organisation, consumer_shopper, officer, on_sale, place
from tests.payments.conftest import bank_account_set, checkout_of
from tests.payments.test_refund_transfers import receipt_photo

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "lines",
    [
        [Line("cash:stripe", debit=100), Line(DEPOSITS, credit=99)],
        [Line("cash:stripe", debit=100, credit=100)],
        [Line("cash:stripe", debit=-5), Line(DEPOSITS, credit=-5)],
        [],
    ],
)
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


def test_a_held_credit_is_pending_until_a_later_entry_releases_it():
    producer = on_sale().producer
    code = f"producer:{producer.pk}"
    ledger_entry_post(key="consignment:report:1", kind="consignment",
                      lines=[Line("receivable:1", debit=9000), Line(code, credit=9000, producer_id=producer.pk, held=True)])
    assert list(LedgerLine.objects.filter(account__code=code).values_list("held", flat=True)) == [True]
    assert producer_balance(producer_id=producer.pk) == (9000, 0)

    ledger_entry_post(key="consignment:paid:1", kind="consignment_paid",
                      lines=[Line("cash:consignment", debit=9000), Line("receivable:1", credit=9000),
                             Line(code, debit=9000, producer_id=producer.pk, held=True),
                             Line(code, credit=9000, producer_id=producer.pk)])
    assert producer_balance(producer_id=producer.pk) == (0, 9000)
    assert account_balance(code=code) == -9000


@override_settings(PLATFORM_COMMISSION_RATE="0.10")
def test_commission_uses_the_categorys_rate_or_the_default():
    # given a category at 2.5% and another at the default 10%
    checkout, (cheap, dear) = checkout_of(items=[(10000, 4), (35000, 1)])
    CommissionRate.objects.create(category_id=cheap.category_id, rate=Decimal("0.025"))
    first, second = Order.objects.filter(checkout=checkout).order_by("pk")

    lines = checkout_allocation_lines(checkout=checkout)

    assert [(line.account, line.debit, line.credit, line.order_id) for line in lines] == [
        (DEPOSITS, 75000, 0, None),
        (f"producer:{first.producer_id}", 0, 39000, first.pk),
        (COMMISSION, 0, 1000, first.pk),
        (f"producer:{second.producer_id}", 0, 31500, second.pk),
        (COMMISSION, 0, 3500, second.pk),
    ]


# --- the ledger driven by the real services, against a model of its own ------------------------


def _split(total: int, weights: list[int]) -> list[int]:
    """The model's split: exact shares, floored; the rupiah left go to the largest fractions, earliest first."""
    whole = sum(weights)
    if whole == 0:
        return [total] + [0] * (len(weights) - 1)
    exact = [Fraction(total * weight, whole) for weight in weights]
    parts = [math.floor(share) for share in exact]
    by_fraction = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_fraction[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _commission(amount: int, rate: Decimal) -> int:
    """The model's commission: the exact product, rounded to the nearest rupiah, halves up."""
    exact = Fraction(amount) * Fraction(rate)
    return math.floor(exact + Fraction(1, 2))


class LedgerModel:
    """What every account should hold, derived from what the services were asked to do."""

    def __init__(self):
        self.balances: dict[str, int] = defaultdict(int)  # debit - credit
        self.orders: dict[int, dict] = {}  # order pk -> producer, completed, producer credit, commission credit
        self.payouts: dict[int, int] = defaultdict(int)  # producer pk -> paid out (debits without an order)

    def post(self, *lines: tuple[str, int]) -> None:
        assert sum(amount for _code, amount in lines) == 0, lines
        for code, amount in lines:
            self.balances[code] += amount

    def producer_balance(self, producer_id: int) -> tuple[int, int]:
        pending, available = 0, -self.payouts[producer_id]
        for order in self.orders.values():
            if order["producer"] == producer_id:
                owed = order["credit"] - order["debit"]
                if order["completed"]:
                    available += owed
                else:
                    pending += owed
        return pending, available


class LedgerMachine(RuleBasedStateMachine):
    """Checkouts placed, paid by transfers in parts, on invoice terms, completed, declined and refunded by
    transfer, paid out in batches: after every step each account, each producer's pending and available
    amounts and the trial balance equal the model's."""

    def __init__(self):
        super().__init__()
        # Each sequence runs in a savepoint rolled back at its end; like TestCase's own atomic blocks it lets the
        # services' durable transactions run inside it.
        self._atomic = transaction.atomic()
        self._atomic._from_testcase = True
        self._atomic.__enter__()
        self.model = LedgerModel()
        self.finance, self.products, self.consumer, self.address, self.business, self.outlet = self.world
        self.checkouts: dict[int, dict] = {}  # pk -> total, received, paid, reference
        self.batches: list[int] = []

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize(
        rates=st.lists(
            st.sampled_from([None, Decimal(0), Decimal("0.025"), Decimal("0.1"), Decimal(1)]), min_size=2, max_size=2
        )
    )
    def commission_rates(self, rates):
        self.rates = {}
        for product, rate in zip(self.products, rates, strict=True):
            if rate is not None:
                CommissionRate.objects.create(category_id=product.category_id, rate=rate)
            self.rates[product.category_id] = Decimal("0.05") if rate is None else rate

    @rule(quantities=st.lists(st.integers(0, 3), min_size=2, max_size=2).filter(any), on_terms=st.booleans())
    def place(self, quantities, on_terms):
        shopper, destination = (self.business, self.outlet) if on_terms else (self.consumer, self.address)
        for product, quantity in zip(self.products, quantities, strict=True):
            if quantity:
                cart_line_set(shopper=shopper, product_id=product.pk, quantity=quantity)
        checkout = place(shopper, destination=destination, method="invoice" if on_terms else "bank_transfer")
        reference = (
            TermsInvoice.objects.get(checkout=checkout).payment.reference
            if on_terms
            else bank_transfer_start(checkout=checkout).reference
        )
        self.checkouts[checkout.pk] = {"total": checkout.total, "received": 0, "paid": False, "reference": reference}
        for order in Order.objects.filter(checkout=checkout).prefetch_related("lines__product"):
            commission = sum(
                _commission(line.line_total, self.rates[line.product.category_id]) for line in order.lines.all()
            )
            self.model.orders[order.pk] = {
                "producer": order.producer_id,
                "completed": False,
                "commission": commission,
                "credit": 0,
                "debit": 0,
                "total": order.total,
                "checkout": checkout.pk,
                "status": "placed" if on_terms else "awaiting_payment",
            }

    @precondition(lambda self: any(not c["paid"] for c in getattr(self, "checkouts", {}).values()))
    @rule(data=st.data())
    def transfer(self, data):
        pk = data.draw(st.sampled_from(sorted(pk for pk, c in self.checkouts.items() if not c["paid"])))
        state = self.checkouts[pk]
        rest = state["total"] - state["received"]
        amount = data.draw(st.one_of(st.just(rest), st.integers(1, rest)))
        bank_transfer_record(
            officer=self.finance,
            reference=state["reference"],
            amount=amount,
            bank_reference=f"IN-{pk}-{state['received']}",
            received_on=timezone.localdate(),
        )
        state["received"] += amount
        self.model.post(("cash:bank_transfer", amount), (DEPOSITS, -amount))
        if state["received"] == state["total"]:
            state["paid"] = True
            allocation = [(DEPOSITS, state["total"])]
            for order in self.model.orders.values():
                if order["checkout"] == pk:
                    order["credit"] = order["total"] - order["commission"]
                    if order["status"] == "awaiting_payment":
                        order["status"] = "placed"
                    allocation += [
                        (f"producer:{order['producer']}", -order["credit"]),
                        (COMMISSION, -order["commission"]),
                    ]
            self.model.post(*allocation)

    def _placed(self, *, paid: bool) -> list[int]:
        """Return the orders placed and not accepted yet (``paid``: of paid checkouts only)."""
        return sorted(
            pk
            for pk, order in getattr(self, "model", LedgerModel()).orders.items()
            if order["status"] == "placed" and (not paid or self.checkouts[order["checkout"]]["paid"])
        )

    @precondition(lambda self: bool(self._placed(paid=False)))
    @rule(data=st.data())
    def complete(self, data):
        order = Order.objects.select_related("checkout__placed_by").get(
            pk=data.draw(st.sampled_from(self._placed(paid=False)))
        )
        seller = owner_of(order.producer)
        for step in (order_accept, order_pack, order_ship, order_mark_delivered):
            step(order=order, actor=seller)
        order_complete(order=order, actor=order.checkout.placed_by)
        self.model.orders[order.pk].update(completed=True, status="completed")

    @precondition(lambda self: bool(self._placed(paid=True)))
    @rule(data=st.data())
    def decline_and_refund(self, data):
        order = Order.objects.select_related("producer").get(pk=data.draw(st.sampled_from(self._placed(paid=True))))
        order_decline(order=order, actor=owner_of(order.producer), reason="Bahan baku habis")
        refund = OrderRefund.objects.get(order=order)
        refund_record_transfer(
            refund=refund,
            officer=self.finance,
            bank_reference=f"OUT-{refund.pk}",
            transferred_on=timezone.localdate(),
            proof=receipt_photo(),
        )
        state = self.model.orders[order.pk]
        state["status"] = "declined"
        producer_part, commission_part = _split(refund.amount, [state["credit"], state["commission"]])
        state["debit"] += producer_part
        self.model.post(
            (f"producer:{state['producer']}", producer_part),
            (COMMISSION, commission_part),
            ("cash:bank_transfer", -refund.amount),
        )

    @rule(minimum=st.integers(1, 40_000))
    def payout(self, minimum):
        due = {product.producer_id: self.model.producer_balance(product.producer_id)[1] for product in self.products}
        due = {pk: amount for pk, amount in due.items() if amount >= minimum}
        if not due:
            with pytest.raises(PaymentNotPossible):
                payout_batch_create(officer=self.finance, minimum=minimum)
            return
        batch = payout_batch_create(officer=self.finance, minimum=minimum)
        assert dict(batch.payouts.values_list("producer_id", "amount")) == due
        assert batch.total == sum(due.values())
        for producer_id, amount in due.items():
            self.model.payouts[producer_id] += amount
            self.model.post((f"producer:{producer_id}", amount), ("payouts:in_transit", -amount))
        self.batches.append(batch.pk)

    @precondition(lambda self: bool(getattr(self, "batches", None)))
    @rule(data=st.data())
    def mark_paid(self, data):
        batch = PayoutBatch.objects.get(pk=data.draw(st.sampled_from(self.batches)))
        already = batch.status == PayoutBatch.Status.PAID
        payout_batch_mark_paid(batch=batch, officer=self.finance)
        if not already:
            self.model.post(("payouts:in_transit", batch.total), ("cash:payouts", -batch.total))

    @invariant()
    def balances_match_the_model(self):
        codes = set(LedgerLine.objects.values_list("account__code", flat=True)) | set(self.model.balances)
        assert {code: account_balance(code=code) for code in codes} == {
            code: self.model.balances[code] for code in codes
        }
        for product in self.products:
            assert tuple(producer_balance(producer_id=product.producer_id)) == self.model.producer_balance(
                product.producer_id
            )
        # the trial balance: every entry balanced, debits equal credits over all accounts
        assert ledger_unbalanced_entries() == []
        assert sum(account_balance(code=code) for code in codes) == 0
        assert ledger_check() == {}


# Every step writes through the real services: few, long sequences; a failure is shrunk but not "explained"
# (that phase traces every line, far too slow with the database).
LedgerMachine.TestCase.settings = settings(
    max_examples=6,
    stateful_step_count=10,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.property
def test_the_ledger_balances_after_any_sequence_of_payments_refunds_and_payouts():
    """Receipts, allocations, refunds, payouts, transfers and invoices on terms, through the real services."""
    # given two producers with a bank account (odd prices, so that commissions round), a consumer and a
    # buyer organisation on terms, made once: each sequence then runs in a savepoint of its own
    products = [on_sale(stock=100_000, retail_price=price) for price in (12_345, 7)]
    for n, product in enumerate(products):
        bank_account_set(
            product.producer, bank_name="Bank Jatim", account_number=f"1234567{n}", account_holder=f"UD Produsen {n}"
        )
    consumer, address = consumer_shopper()
    organisation, member, outlet = buyer_organisation(credit_limit=1_000_000_000)
    LedgerMachine.world = (
        officer(),
        products,
        consumer,
        address,
        shopper_get(user=member, organisation=organisation),
        outlet,
    )

    run_state_machine_as_test(LedgerMachine, settings=LedgerMachine.TestCase.settings)
