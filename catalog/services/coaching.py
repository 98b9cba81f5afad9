"""Coaching sessions held in programme villages."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.exceptions import CatalogInvalid
from catalog.hooks import catalog_changed
from catalog.models import CoachingAttendance, CoachingSession, Producer, Stage, VillageProfile
from catalog.services._auth import require_officer
from market.accounts.models import User


@transaction.atomic
def coaching_session_record(*, profile: VillageProfile, officer: User, held_on: date, stage: str, topic: str,
                            trainer: str, attendees: Sequence[Producer] = (), materials: str = "",
                            outcomes: str = "", people_attending: int = 0, women_attending: int = 0,
                            youth_attending: int = 0) -> CoachingSession:
    """Record a session and who attended; attendees must be producers of the village.

    ``people_attending`` counts everyone in the room (of whom ``women_attending`` women and
    ``youth_attending`` youth); it is at least the number of producers who attended.
    """
    require_officer(officer)
    errors: dict[str, list[str]] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = [str(_("The date cannot be in the future."))]
    if stage not in Stage.values:
        errors["stage"] = [str(_("Unknown programme stage."))]
    if not topic.strip():
        errors["topic"] = [str(_("This field is required."))]
    if not trainer.strip():
        errors["trainer"] = [str(_("This field is required."))]
    outsiders = sorted(p.name for p in attendees if p.village_id != profile.village_id)
    if outsiders:
        errors["attendees"] = [str(_("Not producers of this village: %(names)s.") % {"names": ", ".join(outsiders)})]
    headcount = {"people_attending": people_attending, "women_attending": women_attending,
                 "youth_attending": youth_attending}
    for name, value in headcount.items():
        if value < 0:
            errors[name] = [str(_("Enter a number of people, 0 or more."))]
    for name in ("women_attending", "youth_attending"):
        if name not in errors and headcount[name] > people_attending:
            errors[name] = [str(_("Cannot be more than the people attending."))]
    if people_attending and people_attending < len({p.pk for p in attendees}):
        errors["people_attending"] = [str(_("At least the producers ticked as attending."))]
    if errors:
        raise CatalogInvalid(fields=errors)
    session = CoachingSession.objects.create(**headcount, profile=profile, officer=officer, held_on=held_on, stage=stage,
                                             topic=topic.strip(), trainer=trainer.strip(), materials=materials.strip(),
                                             outcomes=outcomes.strip())
    CoachingAttendance.objects.bulk_create(
        CoachingAttendance(session=session, producer_id=pk) for pk in sorted({p.pk for p in attendees}))
    catalog_changed(village_codes=[profile.village_id])  # the village page sums up its coaching
    return session
