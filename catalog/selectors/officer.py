"""Reads for programme officers: villages in the regency, surveys and coaching, producers to
verify, permits expiring, the work waiting."""
from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from catalog.models import (
    CoachingSession,
    Producer,
    ProducerPermit,
    Product,
    Stage,
    VillageProfile,
)
from market.accounts.models import Membership
from market.regions.models import Village
from market.regions.selectors import region_q


def village_profile_list(*, stage: str | None = None) -> QuerySet[VillageProfile]:
    qs = (VillageProfile.objects.select_related("village__district", "flagship_commodity", "contact_officer")
          .prefetch_related("other_commodities").order_by("village_id"))
    if stage:
        qs = qs.filter(stage=stage)
    return qs


def coaching_session_list(*, profile: VillageProfile) -> QuerySet[CoachingSession]:
    return (CoachingSession.objects.filter(profile=profile).select_related("officer")
            .prefetch_related("attendees").order_by("-held_on", "-pk"))


def coaching_attendance_counts(*, profile: VillageProfile | None = None) -> QuerySet[Producer]:
    """Return producers (of ``profile``'s village, or all) with ``sessions_attended``, most first."""
    qs = Producer.objects.all()
    if profile is not None:
        qs = qs.filter(village_id=profile.village_id)
        sessions = Q(coaching_attendances__session__profile=profile)
    else:
        sessions = Q()
    return qs.annotate(sessions_attended=Count("coaching_attendances", filter=sessions)).order_by(
        "-sessions_attended", "name", "pk")


def permit_list_expiring(*, today: date, within_days: int = 30) -> QuerySet[ProducerPermit]:
    """Return permits that expire between ``today`` and ``today + within_days`` (both included)."""
    return (ProducerPermit.objects.filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=within_days))
            .select_related("producer").order_by("expires_on", "producer__name", "kind"))


def permit_list_expiring_on(*, expires_on: date) -> QuerySet[ProducerPermit]:
    """Return permits that expire exactly on ``expires_on``, with whom to tell about them."""
    return (ProducerPermit.objects.filter(expires_on=expires_on)
            .select_related("producer__village__profile__contact_officer")
            .prefetch_related(Prefetch("producer__organisation__memberships",
                                       queryset=Membership.objects.select_related("user")))
            .order_by("pk"))


NOT_IN_PROGRAMME = "none"  # the "stage" of a village without a profile, in officers' filters


def village_stage_counts(*, region_codes: tuple[str, ...] | list[str]) -> dict:
    """Return the programme villages of ``region_codes`` (regency or province codes) counted by stage,
    overall and per district (one query).

    ``{"by_stage": {stage: count}, "by_district": {district_code: {stage: count}}}``; every stage
    is present in ``by_stage``, districts without programme villages are absent from ``by_district``.
    """
    by_stage = dict.fromkeys(Stage.values, 0)
    by_district: dict[str, dict[str, int]] = {}
    rows = (VillageProfile.objects.filter(region_q(field="village_id", codes=region_codes))
            .values("village__district_id", "stage").annotate(count=Count("pk")).order_by())
    for row in rows:
        by_stage[row["stage"]] += row["count"]
        by_district.setdefault(row["village__district_id"], {})[row["stage"]] = row["count"]
    return {"by_stage": by_stage, "by_district": by_district}


def officer_work_counts(*, today: date, within_days: int = 30) -> dict[str, int]:
    """Return what waits for officers: unverified producers, products in curation, permits expiring soon."""
    return {
        "producers_unverified": Producer.objects.filter(verified_at__isnull=True).count(),
        "products_in_curation": Product.objects.filter(status=Product.Status.SUBMITTED).count(),
        "permits_expiring": permit_list_expiring(today=today, within_days=within_days).count(),
    }


def village_list_for_officers(*, region_codes: tuple[str, ...] | list[str], district: str | None = None,
                              stage: str | None = None, q: str = ""):
    """Return the villages of ``region_codes`` (``regions.Village``) with their programme profile, if any, by code.

    ``stage`` is a programme stage or ``NOT_IN_PROGRAMME``; ``q`` matches the village name.
    """

    qs = (Village.objects.filter(region_q(field="code", codes=region_codes))
          .select_related("district", "profile__flagship_commodity").order_by("code"))
    if district:
        qs = qs.filter(district_id=district)
    if stage == NOT_IN_PROGRAMME:
        qs = qs.filter(profile__isnull=True)
    elif stage:
        qs = qs.filter(profile__stage=stage)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def village_get_for_officers(*, region_codes: tuple[str, ...] | list[str], code: str):
    """Return one village of ``region_codes`` with its profile's details loaded, or ``None``."""

    return (Village.objects.filter(region_q(field="code", codes=region_codes), code=code)
            .select_related("district", "profile__flagship_commodity", "profile__contact_officer")
            .prefetch_related("profile__other_commodities", "profile__photos").first())


PRODUCER_STATES = ("waiting", "verified", "expiring")


def producer_list_for_officers(*, state: str | None = None, today: date | None = None,
                               within_days: int = 30) -> QuerySet[Producer]:
    """Return producers with their village, permits and people; ``state`` narrows them:
    ``waiting`` (not verified), ``verified``, or ``expiring`` (a permit expires within ``within_days``)."""
    today = today or timezone.localdate()
    qs = (Producer.objects.select_related("village__district", "verified_by", "organisation")
          .prefetch_related("permits", Prefetch("organisation__memberships",
                                                queryset=Membership.objects.select_related("user").order_by("pk")))
          .order_by("name", "pk"))
    if state == "waiting":
        qs = qs.filter(verified_at__isnull=True)
    elif state == "verified":
        qs = qs.filter(verified_at__isnull=False)
    elif state == "expiring":
        qs = qs.filter(Exists(ProducerPermit.objects.filter(
            producer_id=OuterRef("pk"), expires_on__gte=today, expires_on__lte=today + timedelta(days=within_days))))
    return qs


def producer_state_counts(*, today: date | None = None, within_days: int = 30) -> dict[str, int]:
    """Return how many producers are in each of ``PRODUCER_STATES`` and in all (one query)."""
    today = today or timezone.localdate()
    expiring = Exists(ProducerPermit.objects.filter(
        producer_id=OuterRef("pk"), expires_on__gte=today, expires_on__lte=today + timedelta(days=within_days)))
    return Producer.objects.aggregate(
        all=Count("pk"), waiting=Count("pk", filter=Q(verified_at__isnull=True)),
        verified=Count("pk", filter=Q(verified_at__isnull=False)), expiring=Count("pk", filter=expiring))


def producer_event_list(*, producer: Producer):
    """Return the producer's verification events, latest first."""
    from catalog.models import ProducerEvent

    return ProducerEvent.objects.filter(producer=producer).select_related("officer").order_by("-created_at", "-pk")


def village_photo_get(*, profile: VillageProfile, pk: int):
    """Return the photo ``pk`` of the village, or ``None`` (already removed, or another village's)."""
    from catalog.models import VillagePhoto

    return VillagePhoto.objects.filter(profile=profile, pk=pk).first()


def coaching_session_exists(*, profile: VillageProfile, held_on: date, topic: str) -> bool:
    """Return whether the village already has a coaching session on ``topic`` (any case) that day."""
    return CoachingSession.objects.filter(profile=profile, held_on=held_on, topic__iexact=topic.strip()).exists()


def producer_get_for_officers(*, pk: int) -> Producer | None:
    """Return the producer ``pk`` as ``producer_list_for_officers`` does, or ``None``."""
    return producer_list_for_officers().filter(pk=pk).first()


def producer_choices_for_officers() -> QuerySet[Producer]:
    """Return every producer by name (pk and name only), for officers' filters."""
    return Producer.objects.order_by("name", "pk").only("pk", "name")


def district_list_with_producers():
    """Return the districts some producer is in, by name."""
    from market.regions.models import District

    return District.objects.filter(villages__producers__isnull=False).distinct().order_by("name")
