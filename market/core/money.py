"""Money is integer rupiah everywhere in the project.

Indonesian formatting puts a dot between thousands and no decimals: ``Rp 1.250.000``.
"""
from __future__ import annotations

from decimal import Decimal


def format_rupiah(amount: int | Decimal | None) -> str:
    """Return ``amount`` (whole rupiah) formatted the Indonesian way, e.g. ``Rp 1.250.000``."""
    if amount is None:
        return ""
    if isinstance(amount, Decimal):
        if amount != amount.to_integral_value():
            raise ValueError(f"Rupiah amounts are whole numbers, got {amount}.")
        amount = int(amount)
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError(f"Rupiah amounts are integers, got {type(amount).__name__}.")
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,}".replace(",", ".")
    return f"{sign}Rp {grouped}"
