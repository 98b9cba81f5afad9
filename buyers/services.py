"""Writes of the buyers app."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from buyers.exceptions import BuyerInvalid, BuyerManagerRequired
from buyers.models import BuyerProfile
from market.accounts.models import Membership, Organisation, User


@transaction.atomic
def buyer_min_shelf_life_set(*, organisation: Organisation, actor: User, days: int) -> BuyerProfile:
    """Set the shortest shelf life (days) the buyer accepts for food and drink on its shelves."""
    if organisation.kind != Organisation.Kind.BUYER or not Membership.objects.filter(
            organisation=organisation, user=actor, user__is_active=True,
            role__in=[Membership.Role.OWNER, Membership.Role.MANAGER]).exists():
        raise BuyerManagerRequired()
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3650:
        raise BuyerInvalid(fields={"min_shelf_life_days": [_("Enter a number of days between 1 and 3650.")]})
    profile, _created = BuyerProfile.objects.select_for_update().get_or_create(organisation=organisation)
    profile.min_shelf_life_days = days
    profile.save(update_fields=["min_shelf_life_days", "updated_at"])
    return profile
