"""Buyer organisations (retail chains): their purchasing preferences; outlets come with the orders issue."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import DEFAULT_MIN_SHELF_LIFE_DAYS
from market.core.models import TimeStampedModel


class BuyerProfile(TimeStampedModel):
    """A buyer organisation's preferences; created on first use with the defaults."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE, related_name="buyer_profile",
                                        limit_choices_to={"kind": "buyer"}, verbose_name=_("organisation"))
    min_shelf_life_days = models.PositiveIntegerField(
        _("minimum shelf life (days)"), default=DEFAULT_MIN_SHELF_LIFE_DAYS,
        help_text=_("Food and drink with a shorter shelf life are not retail ready for this buyer."))

    class Meta:
        verbose_name = _("buyer profile")
        verbose_name_plural = _("buyer profiles")
        constraints = [models.CheckConstraint(condition=Q(min_shelf_life_days__gte=1, min_shelf_life_days__lte=3650),
                                              name="buyerprofile_min_shelf_life_range")]

    def __str__(self) -> str:
        return str(self.organisation)
