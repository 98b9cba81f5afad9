"""Rupiah ↔ Stripe IDR amounts, Stripe's limits, and splits that add up to the rupiah (property tests)."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.exceptions import AmountOutOfRange, PaymentInvalid
from payments.money import (
    STRIPE_MAX_RUPIAH,
    commission_of,
    from_stripe_amount,
    split_proportionally,
    stripe_amount_check,
    to_stripe_amount,
)

MIN = 10_000  # STRIPE_MIN_AMOUNT_RUPIAH's default


@given(st.integers(min_value=MIN, max_value=STRIPE_MAX_RUPIAH))
def test_rupiah_go_to_stripe_as_hundredths_and_come_back_unchanged(rupiah):
    minor = to_stripe_amount(rupiah)

    assert minor == rupiah * 100
    assert minor <= 999_999_999_999
    assert from_stripe_amount(minor) == rupiah


def test_the_limits_exactly():
    assert to_stripe_amount(10_000) == 1_000_000
    assert to_stripe_amount(9_999_999_999) == 999_999_999_900
    assert STRIPE_MAX_RUPIAH == 9_999_999_999


@given(st.integers(max_value=MIN - 1))
def test_below_the_minimum_is_refused_before_stripe(rupiah):
    with pytest.raises(AmountOutOfRange) as error:
        to_stripe_amount(rupiah)
    assert error.value.message == "Card payments start at Rp 10.000."
    assert error.value.fields == {"payment_method": ["Pay amounts below Rp 10.000 by bank transfer."]}


@given(st.integers(min_value=STRIPE_MAX_RUPIAH + 1))
def test_above_twelve_digits_is_refused_before_stripe(rupiah):
    with pytest.raises(AmountOutOfRange) as error:
        stripe_amount_check(rupiah)
    assert error.value.message == "Card payments go up to Rp 9.999.999.999."


@pytest.mark.parametrize("value", [10_000.0, Decimal("10000"), "10000", True, None])
def test_only_integers_are_amounts(value):
    with pytest.raises(PaymentInvalid):
        to_stripe_amount(value)


@given(st.integers(min_value=0, max_value=10**14).filter(lambda minor: minor % 100))
def test_a_stripe_amount_with_a_fraction_of_a_rupiah_is_refused(minor):
    with pytest.raises(PaymentInvalid):
        from_stripe_amount(minor)


@given(st.integers(min_value=0, max_value=10**12),
       st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False))
def test_commission_and_producer_share_add_up_to_the_amount(amount, rate):
    commission = commission_of(amount, rate)

    assert 0 <= commission <= amount
    assert commission + (amount - commission) == amount
    assert abs(commission - amount * rate) <= Decimal("0.5")


def test_commission_rounds_half_up():
    assert commission_of(10, Decimal("0.05")) == 1  # 0.5 → 1
    assert commission_of(9, Decimal("0.05")) == 0  # 0.45 → 0
    assert commission_of(35_000, Decimal("0.05")) == 1750


@given(st.integers(min_value=0, max_value=10**12), st.lists(st.integers(min_value=0, max_value=10**9), min_size=1,
                                                           max_size=20))
def test_proportional_split_always_adds_up_to_the_rupiah(total, weights):
    parts = split_proportionally(total, weights)

    assert sum(parts) == total
    assert len(parts) == len(weights)
    assert all(part >= 0 for part in parts)
    if sum(weights):
        assert all(abs(part * sum(weights) - total * weight) < sum(weights) for part, weight in zip(parts, weights, strict=True))


def test_proportional_split_examples():
    assert split_proportionally(100, [1, 1, 1]) == [34, 33, 33]
    assert split_proportionally(10_000, [38_000, 2_000]) == [9_500, 500]
    assert split_proportionally(7, [0, 0]) == [7, 0]
