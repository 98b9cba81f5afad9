"""Reads for the programme cockpit and the public results page (``programme`` app): the village
funnel as at a date, time in each stage, stuck villages, the products' curation and readiness
figures, people coached and the surveyed workforce.

Every function takes the area as ``region_codes`` (regency or province codes, see
``market.regions.selectors.region_q``) and an optional ``district`` code, and answers with a fixed
number of queries whatever the number of villages.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, TruncDate

from catalog.models import (
    Category,
    CoachingAttendance,
    CoachingSession,
    PermitKind,
    Producer,
    ProducerPermit,
    Product,
    ProductCurationEvent,
    Stage,
    Survey,
    VillageProfile,
    VillageStageEvent,
)
from catalog.selectors.public import (
    DEFAULT_MIN_SHELF_LIFE_DAYS,
    product_retail_readiness,
    product_retail_ready_q,
)
from market.core.audit import AuditEntry, AuditQuery, officer_label
from market.regions.selectors import region_q

STUCK_AFTER_DAYS = 90  # a village without a stage change for this long is "stuck"
FINAL_STAGE = Stage.values[-1]


@dataclass(frozen=True)
class Area:
    """Where a figure is counted: the programme's regions, narrowed to one district if given."""

    region_codes: tuple[str, ...]
    district: str | None = None

    def q(self, field: str) -> Q:
        """Return the condition on ``field`` (a field holding a village or district code)."""
        condition = region_q(field=field, codes=self.region_codes)
        if field.endswith("_id"):
            field = field.removesuffix("_id") + "__code"
        if self.district:
            condition &= Q(**{f"{field}__startswith": f"{self.district}."}) | Q(**{field: self.district})
        return condition


def _profiles_as_at(*, area: Area, on: date) -> QuerySet[VillageProfile]:
    """Return the area's programme villages known by ``on`` with ``stage_then`` (their stage that day)
    and ``moved_on`` (the day of their last stage change by then, else the day they joined)."""
    events = VillageStageEvent.objects.filter(profile_id=OuterRef("pk"), happened_on__lte=on)
    last = events.order_by("-happened_on", "-created_at", "-pk")
    first = VillageStageEvent.objects.filter(profile_id=OuterRef("pk")).order_by("happened_on", "created_at", "pk")
    return (VillageProfile.objects.filter(area.q("village_id"))
            .filter(Q(created_at__date__lte=on) | Exists(events))
            .annotate(stage_then=Coalesce(Subquery(last.values("to_stage")[:1]),
                                          Subquery(first.values("from_stage")[:1]), Value(Stage.SURVEYED)),
                      moved_on=Coalesce(Subquery(last.values("happened_on")[:1]), TruncDate("created_at"))))


def village_funnel(*, area: Area, on: date) -> dict:
    """Return the area's programme villages by stage as at ``on``, overall and per district (one query).

    ``{"by_stage": {stage: n}, "by_district": {district_code: {stage: n}}, "total": n}``; every stage
    is in ``by_stage``.
    """
    by_stage = dict.fromkeys(Stage.values, 0)
    by_district: dict[str, dict[str, int]] = {}
    profiles = _profiles_as_at(area=area, on=on)
    rows = (profiles.values("village__district_id", "stage_then")  # type: ignore[misc]  # an annotation
            .annotate(count=Count("pk")).order_by())
    for row in rows:
        by_stage[row["stage_then"]] += row["count"]
        by_district.setdefault(row["village__district_id"], dict.fromkeys(Stage.values, 0))[row["stage_then"]] = \
            row["count"]
    return {"by_stage": by_stage, "by_district": by_district, "total": sum(by_stage.values())}


def village_stage_moves(*, area: Area, start: date, end: date) -> dict[str, int]:
    """Return how many villages moved into each stage between ``start`` and ``end`` (both included)."""
    moves = dict.fromkeys(Stage.values, 0)
    rows = (VillageStageEvent.objects.filter(area.q("profile__village_id"), happened_on__gte=start,
                                             happened_on__lte=end)
            .values("to_stage").annotate(count=Count("pk")).order_by())
    for row in rows:
        moves[row["to_stage"]] = row["count"]
    return moves


def village_stage_durations(*, area: Area, on: date) -> dict[str, dict]:
    """Return per stage the days villages spent in it up to ``on``: ``{"count", "average", "median"}``
    over every stay that began by then (a stay still going counts up to ``on``). One query.
    """
    stays: dict[str, list[int]] = defaultdict(list)
    rows = (VillageStageEvent.objects.filter(area.q("profile__village_id"), happened_on__lte=on)
            .order_by("profile_id", "happened_on", "created_at", "pk")
            .values_list("profile_id", "from_stage", "to_stage", "happened_on"))
    current: tuple[int, str, date] | None = None
    for profile_id, _from_stage, to_stage, happened_on in rows:
        if current is not None and current[0] == profile_id:
            stays[current[1]].append((happened_on - current[2]).days)
        elif current is not None:
            stays[current[1]].append((on - current[2]).days)
        current = (profile_id, to_stage, happened_on)
    if current is not None:
        stays[current[1]].append((on - current[2]).days)
    return {stage: {"count": len(stays[stage]),
                    "average": round(sum(stays[stage]) / len(stays[stage])) if stays[stage] else None,
                    "median": round(median(stays[stage])) if stays[stage] else None}
            for stage in Stage.values}


def village_stuck_list(*, area: Area, on: date, days: int = STUCK_AFTER_DAYS) -> QuerySet[VillageProfile]:
    """Return the area's villages not yet at the last stage whose stage has not changed for ``days``
    by ``on``, longest waiting first, with ``stage_then`` and ``moved_on``."""
    return (_profiles_as_at(area=area, on=on).select_related("village__district")
            .exclude(Q(stage_then=FINAL_STAGE)).filter(Q(moved_on__lt=on - timedelta(days=days)))
            .order_by("moved_on", "village_id"))


# --- products -------------------------------------------------------------------------------


def product_readiness_conditions(*, today: date, min_shelf_life_days: int = DEFAULT_MIN_SHELF_LIFE_DAYS
                                 ) -> list[tuple[str, bool, Q]]:
    """Return the retail checklist as ``(key, food only, condition met)`` on the approved version: the
    database twin of ``product_retail_readiness``, item by item (``product_retail_ready_q`` is their
    conjunction; a test keeps them in agreement)."""
    food_permit = Q()
    for kind in (PermitKind.PIRT, PermitKind.BPOM_MD, PermitKind.BPOM_ML):
        food_permit |= (Q(approved_snapshot__certifications__contains=[kind]) & Q(Exists(
            ProducerPermit.objects.filter(producer_id=OuterRef("producer_id"), kind=kind)
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today)))))
    halal = Q(approved_snapshot__certifications__contains=[PermitKind.HALAL]) & Q(Exists(
        ProducerPermit.objects.filter(producer_id=OuterRef("producer_id"), kind=PermitKind.HALAL)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))))
    return [
        ("food_permit", True, food_permit),
        ("halal", True, halal),
        ("shelf_life", True, Q(approved_snapshot__shelf_life_days__gte=min_shelf_life_days)),
        ("barcode", False, ~Q(approved_snapshot__barcode="")),
        ("packaging", False, Q(approved_snapshot__packaging_status__in=[Product.Packaging.DESIGNED,
                                                                      Product.Packaging.RETAIL_READY])),
        ("capacity", False, Q(producer__capacity_per_month__gt=0)),
    ]


def _food_q() -> Q:
    return Q(Exists(Category.objects.filter(
        pk=Cast(KeyTextTransform("category_id", OuterRef("approved_snapshot")), IntegerField()),
        requires_food_permits=True)))


def product_programme_figures(*, area: Area, start: date, end: date, today: date) -> dict:
    """Return the area's products: ``submitted`` and ``approved`` (products sent for curation or
    approved between ``start`` and ``end``), ``listed`` and ``retail_ready`` (on sale on ``today``),
    ``food_listed`` and ``gaps``: the retail checklist items listed products miss, most missed first,
    as ``[{"key", "food", "missing"}]`` (food items counted among food and drink only). Two queries.
    """
    events = (ProductCurationEvent.objects.filter(area.q("product__producer__village_id"),
                                                  created_at__date__gte=start, created_at__date__lte=end)
              .aggregate(submitted=Count("product_id", distinct=True, filter=Q(to_status=Product.Status.SUBMITTED)),
                         approved=Count("product_id", distinct=True, filter=Q(to_status=Product.Status.APPROVED))))
    conditions = product_readiness_conditions(today=today)
    food = _food_q()
    aggregates = {
        "listed": Count("pk"),
        "retail_ready": Count("pk", filter=product_retail_ready_q(today=today)),
        "food_listed": Count("pk", filter=food),
    }
    for key, food_only, condition in conditions:
        aggregates[f"missing_{key}"] = Count("pk", filter=(food & ~condition) if food_only else ~condition)
    listed = Product.objects.filter(area.q("producer__village_id"), listed=True).aggregate(**aggregates)
    gaps = sorted(({"key": key, "food": food_only, "missing": listed[f"missing_{key}"]}
                   for key, food_only, _condition in conditions), key=lambda gap: (-gap["missing"], gap["key"]))
    return {"submitted": events["submitted"], "approved": events["approved"], "listed": listed["listed"],
            "retail_ready": listed["retail_ready"], "food_listed": listed["food_listed"], "gaps": gaps}


def product_listed_count(*, area: Area) -> int:
    """Return how many of the area's products are on sale."""
    return Product.objects.filter(area.q("producer__village_id"), listed=True).count()


# --- people ---------------------------------------------------------------------------------


def people_programme_figures(*, area: Area, start: date, end: date) -> dict:
    """Return producers registered and verified by ``end``, coaching sessions held between ``start``
    and ``end`` with their attendances, producers coached and headcount (``people``, ``women``,
    ``youth``: everyone in the room), and the workforce of the area's
    villages by their latest survey up to ``end`` (total, women, youth). Four queries."""
    producers = Producer.objects.filter(area.q("village_id"), created_at__date__lte=end).aggregate(
        registered=Count("pk"), verified=Count("pk", filter=Q(verified_at__date__lte=end)))
    sessions = CoachingSession.objects.filter(area.q("profile__village_id"), held_on__gte=start, held_on__lte=end)
    coaching = sessions.aggregate(sessions=Count("pk"), people=Coalesce(Sum("people_attending"), 0),
                                  women=Coalesce(Sum("women_attending"), 0), youth=Coalesce(Sum("youth_attending"), 0))
    attendance = CoachingAttendance.objects.filter(session__in=sessions).aggregate(
        attendances=Count("pk"), producers_coached=Count("producer_id", distinct=True))
    latest = (Survey.objects.filter(profile_id=OuterRef("profile_id"), surveyed_on__lte=end)
              .order_by("-surveyed_on", "-pk").values("pk")[:1])
    workforce = (Survey.objects.filter(area.q("profile__village_id"), surveyed_on__lte=end, pk=Subquery(latest))
                 .aggregate(villages=Count("pk"), total=Coalesce(Sum("workforce_total"), 0),
                            women=Coalesce(Sum("workforce_women"), 0), youth=Coalesce(Sum("workforce_youth"), 0)))
    return {**producers, **coaching, **attendance, "workforce": workforce}


# --- the officers' audit trail --------------------------------------------------------------


def catalog_officer_decision_list(*, query: AuditQuery, kinds: frozenset[str]) -> list[AuditEntry]:
    """Return officers' decisions kept by catalog, latest first, at most ``query.limit`` per kind:
    ``stage`` (village stage changes), ``curation`` (product decisions), ``verification``
    (producers verified or withdrawn) and ``on_behalf`` (actions in an assist session)."""
    from catalog.models import AssistAction, ProducerEvent

    entries: list[AuditEntry] = []
    if "stage" in kinds:
        for event in (VillageStageEvent.objects.filter(query.q(actor="officer", at="created_at"))
                      .select_related("officer", "profile__village").order_by("-created_at", "-pk")[:query.limit]):
            entries.append(AuditEntry(event.created_at, event.officer_id, officer_label(event.officer), "stage",
                                      event.profile.village.name,
                                      f"{event.get_from_stage_display()} → {event.get_to_stage_display()}"
                                      + (f" ({event.reason})" if event.reason else "")))
    if "curation" in kinds:
        for decision in (ProductCurationEvent.objects.filter(query.q(actor="actor", at="created_at"))
                      .exclude(to_status=Product.Status.SUBMITTED)
                         .select_related("actor", "product").order_by("-created_at", "-pk")[:query.limit]):
            entries.append(AuditEntry(decision.created_at, decision.actor_id, officer_label(decision.actor), "curation",
                                      decision.product.name,
                                      f"{decision.get_from_status_display()} → {decision.get_to_status_display()}"
                                      + (f" ({decision.note})" if decision.note else "")))
    if "verification" in kinds:
        for verification in (ProducerEvent.objects.filter(query.q(actor="officer", at="created_at"))
                             .select_related("officer", "producer").order_by("-created_at", "-pk")[:query.limit]):
            entries.append(AuditEntry(verification.created_at, verification.officer_id,
                                      officer_label(verification.officer), "verification", verification.producer.name,
                                      str(verification.get_kind_display())
                                      + (f" ({verification.reason})" if verification.reason else "")))
    if "on_behalf" in kinds:
        for action in (AssistAction.objects.filter(query.q(actor="session__officer", at="created_at"))
                       .select_related("session__officer", "session__producer")
                       .order_by("-created_at", "-pk")[:query.limit]):
            entries.append(AuditEntry(action.created_at, action.session.officer_id,
                                      officer_label(action.session.officer), "on_behalf", action.session.producer.name,
                                      f"{action.get_kind_display()}: {action.subject}" if action.subject
                                      else str(action.get_kind_display())))
    return entries


# --- reports officers hand in ---------------------------------------------------------------


def village_report_rows(*, area: Area) -> list[dict]:
    """Return the area's programme villages by code with their stage and latest survey (three queries)."""
    from django.db.models import Prefetch

    profiles = (VillageProfile.objects.filter(area.q("village_id")).select_related("village__district",
                                                                                   "flagship_commodity")
                .prefetch_related(Prefetch("surveys", to_attr="surveys_latest_first",
                                           queryset=Survey.objects.order_by("-surveyed_on", "-pk")))
                .order_by("village_id"))
    rows = []
    for profile in profiles:
        survey = profile.surveys_latest_first[0] if profile.surveys_latest_first else None
        rows.append({"profile": profile, "survey": survey})
    return rows


def coaching_report_rows(*, area: Area, start: date, end: date) -> QuerySet[CoachingSession]:
    """Return the area's coaching sessions held between ``start`` and ``end``, oldest first, with their
    village and the producers who attended (two queries)."""
    return (CoachingSession.objects.filter(area.q("profile__village_id"), held_on__gte=start, held_on__lte=end)
            .select_related("profile__village__district")
            .prefetch_related("attendees").order_by("held_on", "pk"))


def producer_report_rows(*, area: Area) -> QuerySet[Producer]:
    """Return the area's producers by name with their village and permits (two queries)."""
    return (Producer.objects.filter(area.q("village_id")).select_related("village__district")
            .prefetch_related("permits").order_by("name", "pk"))


def product_report_rows(*, area: Area, today: date) -> list[dict]:
    """Return the area's products (not drafts) by name with their retail checklist: the approved
    version's for products on sale, the working copy's otherwise (three queries)."""
    categories = {category.pk: category for category in Category.objects.all()}
    products = (Product.objects.filter(area.q("producer__village_id")).exclude(status=Product.Status.DRAFT)
                .select_related("producer__village__district", "category").prefetch_related("producer__permits")
                .order_by("name", "pk"))
    rows = []
    for product in products:
        approved = product.listed and bool(product.approved_snapshot)
        category_id = product.approved_snapshot.get("category_id") if approved else product.category_id
        items = product_retail_readiness(product=product, approved=approved, today=today,
                                         permits=list(product.producer.permits.all()),
                                         category=categories[category_id])
        rows.append({"product": product, "items": items})
    return rows
