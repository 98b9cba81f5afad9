"""Villages in the programme: profiles and their stage."""
from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.exceptions import CatalogInvalid, StageReasonRequired, StageSkipped, StageUnchanged
from catalog.hooks import catalog_changed
from catalog.models import Commodity, Stage, VillageProfile, VillageStageEvent
from catalog.services._auth import require_officer
from market.accounts.models import User
from market.regions.models import Village


@transaction.atomic
def village_profile_get_or_create(*, village: Village) -> VillageProfile:
    """Return the village's profile, creating it (stage ``surveyed``) on first use."""
    profile, created = VillageProfile.objects.get_or_create(village=village)
    if created:
        catalog_changed(village_codes=[village.pk])
    return profile


@transaction.atomic
def village_profile_update(*, profile: VillageProfile, officer: User, story: str | None = None,
                           flagship_commodity: Commodity | None = None,
                           other_commodities: list[Commodity] | None = None,
                           contact_officer: User | None = None) -> VillageProfile:
    """Change the descriptive fields of a profile; ``None`` leaves a field as it is."""
    require_officer(officer)
    if contact_officer is not None and not contact_officer.is_officer:
        raise CatalogInvalid(fields={"contact_officer": [str(_("The contact must be a programme officer."))]})
    profile = VillageProfile.objects.select_for_update().get(pk=profile.pk)
    if story is not None:
        profile.story = story.strip()
    if flagship_commodity is not None:
        profile.flagship_commodity = flagship_commodity
    if contact_officer is not None:
        profile.contact_officer = contact_officer
    profile.save()
    if other_commodities is not None:
        profile.other_commodities.set(other_commodities)
    catalog_changed(village_codes=[profile.village_id])
    return profile


@transaction.atomic
def village_advance_stage(*, profile: VillageProfile, to_stage: str, officer: User, note: str, reason: str = "",
                          on: date | None = None) -> VillageStageEvent:
    """Move a village to ``to_stage`` and record the change.

    Forward moves go to the next stage only; moving back (any number of stages) needs a reason,
    because it undoes recorded progress. ``on`` is the day it happened (default today; never in
    the future).
    """
    require_officer(officer)
    if to_stage not in Stage.values:
        raise CatalogInvalid(fields={"to_stage": [str(_("Unknown programme stage."))]})
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise CatalogInvalid(fields={"on": [str(_("The date cannot be in the future."))]})
    # Decide on the locked row, not on the caller's possibly stale copy.
    locked = VillageProfile.objects.select_for_update().get(pk=profile.pk)
    from_stage = locked.stage
    step = Stage.index(to_stage) - Stage.index(from_stage)
    reason = reason.strip()
    if step == 0:
        raise StageUnchanged()
    if step > 1:
        raise StageSkipped()
    if step < 0 and not reason:
        raise StageReasonRequired(fields={"reason": [str(StageReasonRequired.default_message)]})
    VillageProfile.objects.filter(pk=locked.pk).update(stage=to_stage, updated_at=timezone.now())
    profile.stage = to_stage
    catalog_changed(village_codes=[locked.village_id], village_products=True)  # the stage gates visibility
    return VillageStageEvent.objects.create(profile=locked, from_stage=from_stage, to_stage=to_stage, officer=officer,
                                            note=note.strip(), reason=reason, happened_on=on)
