from decimal import Decimal

import pytest
from django.template import Context, Template

from market.core.money import format_rupiah


@pytest.mark.parametrize(("amount", "expected"), [
    (0, "Rp 0"),
    (500, "Rp 500"),
    (1000, "Rp 1.000"),
    (1250000, "Rp 1.250.000"),
    (1_000_000_000_000, "Rp 1.000.000.000.000"),
    (-75000, "-Rp 75.000"),
    (Decimal("15000"), "Rp 15.000"),
    (None, ""),
])
def test_format_rupiah(amount, expected):
    assert format_rupiah(amount) == expected


@pytest.mark.parametrize("amount", [Decimal("1.5"), 2.5, "1000", True])
def test_format_rupiah_refuses_fractions_and_non_numbers(amount):
    with pytest.raises((TypeError, ValueError)):
        format_rupiah(amount)


def test_rupiah_template_filter():
    rendered = Template("{% load money %}{{ price|rupiah }}").render(Context({"price": 27500}))

    assert rendered == "Rp 27.500"
