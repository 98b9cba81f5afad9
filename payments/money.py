"""Rupiah in the project, minor units at Stripe, and commission splits that always add up.

The project counts integer rupiah. Stripe treats IDR as a two-decimal currency, so an amount of
``Rp 10.000`` is sent as ``1000000``. Stripe refuses charges below a minimum (about USD 0.50,
configurable here in rupiah) and above twelve digits of minor units; we refuse those before
calling it, so a request that would fail there never leaves the building.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from market.core.money import format_rupiah
from payments.exceptions import AmountOutOfRange, PaymentInvalid

IDR_MINOR_PER_RUPIAH = 100
STRIPE_MAX_MINOR = 999_999_999_999  # Stripe accepts at most twelve digits of IDR minor units
STRIPE_MAX_RUPIAH = STRIPE_MAX_MINOR // IDR_MINOR_PER_RUPIAH


def _whole(amount) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise PaymentInvalid(fields={"amount": [_("Send whole rupiah.")]})
    return amount


def stripe_min_rupiah() -> int:
    return settings.STRIPE_MIN_AMOUNT_RUPIAH


def stripe_amount_check(rupiah: int) -> None:
    """Raise ``AmountOutOfRange`` unless Stripe would accept a charge of ``rupiah``."""
    rupiah = _whole(rupiah)
    if rupiah < stripe_min_rupiah():
        raise AmountOutOfRange(
            _("Card payments start at %(min)s.") % {"min": format_rupiah(stripe_min_rupiah())},
            fields={"payment_method": [_("Pay amounts below %(min)s by bank transfer.")
                                       % {"min": format_rupiah(stripe_min_rupiah())}]})
    if rupiah > STRIPE_MAX_RUPIAH:
        raise AmountOutOfRange(
            _("Card payments go up to %(max)s.") % {"max": format_rupiah(STRIPE_MAX_RUPIAH)},
            fields={"payment_method": [_("Pay this amount by bank transfer.")]})


def to_stripe_amount(rupiah: int) -> int:
    """Return the Stripe IDR amount (minor units) of ``rupiah``; refuse what Stripe would refuse."""
    stripe_amount_check(rupiah)
    return rupiah * IDR_MINOR_PER_RUPIAH


def from_stripe_amount(minor: int) -> int:
    """Return whole rupiah of a Stripe IDR amount; a fraction of a rupiah is never ours, so refuse it."""
    minor = _whole(minor)
    if minor < 0 or minor % IDR_MINOR_PER_RUPIAH:
        raise PaymentInvalid(fields={"amount": [_("Not a whole rupiah amount.")]})
    return minor // IDR_MINOR_PER_RUPIAH


def commission_of(amount: int, rate: Decimal) -> int:
    """Return the platform's commission on ``amount`` rupiah at ``rate`` (0..1), rounded half up."""
    if not Decimal(0) <= rate <= Decimal(1):
        raise ValueError(f"A commission rate is between 0 and 1, got {rate}.")
    return int((Decimal(amount) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def split_proportionally(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` rupiah in proportion to ``weights``; the parts always add up to ``total``.

    Largest-remainder method: every part is the floor of its exact share, and the rupiah left
    over go to the largest remainders (earliest first on ties), so the result is deterministic.
    """
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("Amounts and weights are not negative.")
    whole = sum(weights)
    if not weights:
        return []
    if whole == 0:
        return [total] + [0] * (len(weights) - 1)
    parts = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(parts)]:
        parts[i] += 1
    return parts


def to_stripe_amount_unchecked(rupiah: int) -> int:
    """Return the Stripe IDR amount of a refund (part of an accepted charge: no minimum applies)."""
    rupiah = _whole(rupiah)
    if not 0 < rupiah <= STRIPE_MAX_RUPIAH:
        raise AmountOutOfRange()
    return rupiah * IDR_MINOR_PER_RUPIAH
