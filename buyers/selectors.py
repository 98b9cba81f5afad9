"""Reads of the buyers app."""
from __future__ import annotations

from buyers.models import DEFAULT_MIN_SHELF_LIFE_DAYS, BuyerProfile
from market.accounts.models import Organisation, User


def buyer_min_shelf_life_days(*, user: User | None) -> int:
    """Return the shelf life (days) retail readiness is judged by for ``user``.

    A member of buyer organisations gets the strictest of their organisations' thresholds,
    everyone else the programme's default (six months).
    """
    if user is None or not user.is_authenticated:
        return DEFAULT_MIN_SHELF_LIFE_DAYS
    days = list(BuyerProfile.objects.filter(organisation__kind=Organisation.Kind.BUYER,
                                            organisation__memberships__user=user)
                .values_list("min_shelf_life_days", flat=True))
    return max(days, default=DEFAULT_MIN_SHELF_LIFE_DAYS)
