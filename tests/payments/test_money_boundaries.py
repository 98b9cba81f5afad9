"""The edges of payments/money.py that mutation testing found unguarded (docs/testing.md).

Each test pins one boundary or one refusal exactly: the amount, the error's field and message, and
that the result is an ``int`` (a float of the same value would pass ``==`` but not the ledger).
"""

from decimal import Decimal

import pytest
from django.test import override_settings

from payments.exceptions import AmountOutOfRange, PaymentInvalid
from payments.money import (
    STRIPE_MAX_RUPIAH,
    commission_of,
    from_stripe_amount,
    split_proportionally,
    stripe_amount_check,
    to_stripe_amount,
    to_stripe_amount_unchecked,
)


@pytest.mark.parametrize("convert", [to_stripe_amount, to_stripe_amount_unchecked, from_stripe_amount])
@pytest.mark.parametrize("value", [1.0, Decimal("100"), "100", True, None])
def test_a_value_that_is_not_a_whole_int_is_refused_on_the_amount_field(convert, value):
    with pytest.raises(PaymentInvalid) as error:
        convert(value)

    assert error.value.fields == {"amount": ["Send whole rupiah."]}


def test_above_stripes_maximum_the_buyer_is_told_to_pay_by_bank_transfer():
    with pytest.raises(AmountOutOfRange) as error:
        stripe_amount_check(STRIPE_MAX_RUPIAH + 1)

    assert error.value.fields == {"payment_method": ["Pay this amount by bank transfer."]}


def test_stripes_maximum_itself_is_accepted():
    assert stripe_amount_check(STRIPE_MAX_RUPIAH) is None


@override_settings(STRIPE_MIN_AMOUNT_RUPIAH=0)
def test_a_charge_of_zero_is_accepted_only_when_the_minimum_is_zero():
    assert to_stripe_amount(0) == 0
    with pytest.raises(AmountOutOfRange):
        to_stripe_amount(-1)


@override_settings(STRIPE_MIN_AMOUNT_RUPIAH=1)
def test_a_charge_of_zero_is_refused_below_a_minimum_of_one():
    with pytest.raises(AmountOutOfRange) as error:
        to_stripe_amount(0)

    assert error.value.message == "Card payments start at Rp 1."
    assert to_stripe_amount(1) == 100


def test_a_stripe_amount_of_zero_is_zero_rupiah():
    assert from_stripe_amount(0) == 0


@pytest.mark.parametrize("minor", [-100, -1, 150, 1])
def test_a_negative_or_fractional_stripe_amount_is_refused_on_the_amount_field(minor):
    with pytest.raises(PaymentInvalid) as error:
        from_stripe_amount(minor)

    assert error.value.fields == {"amount": ["Not a whole rupiah amount."]}


def test_rupiah_from_stripe_are_an_int():
    rupiah = from_stripe_amount(123_400)

    assert (rupiah, type(rupiah)) == (1234, int)


@pytest.mark.parametrize(("rupiah", "minor"), [(1, 100), (STRIPE_MAX_RUPIAH, STRIPE_MAX_RUPIAH * 100)])
def test_a_refund_has_no_minimum_but_stripes_maximum(rupiah, minor):
    assert to_stripe_amount_unchecked(rupiah) == minor


@pytest.mark.parametrize("rupiah", [0, -1, STRIPE_MAX_RUPIAH + 1])
def test_a_refund_of_zero_a_negative_amount_or_above_stripes_maximum_is_refused(rupiah):
    with pytest.raises(AmountOutOfRange) as error:
        to_stripe_amount_unchecked(rupiah)

    assert (error.value.message, error.value.fields) == ("This amount cannot be paid with this method.", {})


def test_a_refund_amount_is_an_int():
    minor = to_stripe_amount_unchecked(5)

    assert (minor, type(minor)) == (500, int)


@pytest.mark.parametrize(("rate", "commission"), [(Decimal(0), 0), (Decimal(1), 12_345), (Decimal("0.5"), 6173)])
def test_commission_rates_of_exactly_zero_and_one_are_accepted(rate, commission):
    assert commission_of(12_345, rate) == commission


@pytest.mark.parametrize("rate", [Decimal("-0.0001"), Decimal("1.0001"), Decimal(2)])
def test_a_commission_rate_outside_zero_to_one_is_refused(rate):
    with pytest.raises(ValueError, match=r"^A commission rate is between 0 and 1, got "):
        commission_of(100, rate)


@pytest.mark.parametrize(("total", "weights"), [(-1, [1, 1]), (10, [-1, 2]), (10, [2, -1]), (-5, [-1, -1])])
def test_a_split_refuses_a_negative_amount_or_weight(total, weights):
    with pytest.raises(ValueError, match=r"^Amounts and weights are not negative\.$"):
        split_proportionally(total, weights)


def test_a_split_of_nothing_among_nobody_is_empty():
    assert split_proportionally(0, []) == []
    assert split_proportionally(10, []) == []


def test_the_leftover_rupiah_go_to_the_largest_remainder_not_the_largest_share():
    # 3 × 7/9 = 2.33 (remainder 3/9), 3 × 2/9 = 0.67 (remainder 6/9): the second part gets the leftover rupiah
    assert split_proportionally(3, [7, 2]) == [2, 1]


def test_ties_of_remainders_go_to_the_earliest_part():
    assert split_proportionally(2, [1, 1, 1]) == [1, 1, 0]
    assert split_proportionally(1, [0, 1, 1]) == [0, 1, 0]
