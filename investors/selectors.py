"""Reads of the investors app, with who-sees-what decided in one place (``Viewer``).

Visibility (docs/investors.md):

- everyone: the investor directory, district overview and the public part of a village: what its public
  page already shows (stage and timeline, coaching, the survey's workforce, businesses, infrastructure,
  commodities and needs), producers and products, order counts and buyers;
- signed-in investors (verified or not) and officers: opportunities (no offer is made to the public);
- verified investors and officers: the confidential part of the survey (problems, raw materials and
  where they come from), revenue in rupiah, contacts (contact officer, producers' phone and WhatsApp);
- verified investors who accepted the current confidentiality terms, and officers: documents.

An investor sees only their own watchlist and interests; a producer's people see only the interests an
officer shared with their producer or village.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, DateField, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from catalog.models import Producer, Stage, Survey, VillageProfile, VillageStageEvent
from catalog.selectors import (
    ProductFilters,
    producer_ids_for_user,
    producer_list_public,
    product_list_public,
    village_directory,
    village_profile_get,
)
from catalog.selectors.programme import Area
from investors.exceptions import InterestNotFound, InvestorProfileNotFound, OpportunityNotFound
from investors.models import (
    ConfidentialityAcceptance,
    DocumentAccess,
    Interest,
    InterestEvent,
    InvestorProfile,
    InvestorProfileEvent,
    Opportunity,
    OpportunityDocument,
    OpportunityEvent,
    WatchItem,
)
from investors.traction import (
    TractionSection,
    VillageTractionSummary,
    traction_by_village,
    traction_period_start,
    village_traction,
)
from market.accounts.models import Role, User

# Accepting a new version is needed before documents open again; the text is in the terms template.
CONFIDENTIALITY_TERMS_VERSION = "2026-12"
OPEN_OPPORTUNITY = (Opportunity.Status.OPEN, Opportunity.Status.IN_DISCUSSION)

__all__ = ["TractionSection", "VillageTractionSummary", "traction_by_village", "village_traction"]


# --- who is looking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """Who reads an investors' page, and so what they see."""

    user: User | None
    is_officer: bool
    is_investor: bool
    profile: InvestorProfile | None
    accepted_terms: bool

    @property
    def is_verified_investor(self) -> bool:
        return self.is_investor and self.profile is not None and self.profile.is_verified

    @property
    def sees_opportunities(self) -> bool:
        return self.is_officer or self.is_investor

    @property
    def sees_confidential(self) -> bool:
        """Contacts, the confidential part of the survey, revenue."""
        return self.is_officer or self.is_verified_investor

    @property
    def sees_documents(self) -> bool:
        return self.is_officer or (self.is_verified_investor and self.accepted_terms)


def terms_accepted(*, user: User) -> bool:
    """Return whether ``user`` accepted the current confidentiality terms."""
    return ConfidentialityAcceptance.objects.filter(user=user, terms_version=CONFIDENTIALITY_TERMS_VERSION).exists()


def viewer_get(*, user) -> Viewer:
    """Return what ``user`` (possibly anonymous) may see on the investors' pages (at most two queries)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Viewer(user=None, is_officer=False, is_investor=False, profile=None, accepted_terms=False)
    is_investor = user.role == Role.INVESTOR
    profile = InvestorProfile.objects.filter(user=user).first() if is_investor else None
    return Viewer(user=user, is_officer=user.is_officer, is_investor=is_investor, profile=profile,
                  accepted_terms=is_investor and terms_accepted(user=user))


# --- investor profiles ---------------------------------------------------------------------------


def investor_profile_get(*, user: User) -> InvestorProfile | None:
    """Return the investor's own profile with its commodities and districts, or ``None``."""
    return (InvestorProfile.objects.filter(user=user)
            .prefetch_related("commodities", "districts").first())


def investor_profile_event_list(*, profile: InvestorProfile) -> QuerySet[InvestorProfileEvent]:
    return InvestorProfileEvent.objects.filter(profile=profile).select_related("actor").order_by("created_at", "pk")


def investor_profile_list_for_officers(*, status: str | None = None) -> QuerySet[InvestorProfile]:
    """Return investor profiles (of ``status``, if given), longest waiting first."""
    qs = (InvestorProfile.objects.select_related("user").prefetch_related("commodities", "districts")
          .exclude(status=InvestorProfile.Status.DRAFT).order_by("submitted_at", "pk"))
    return qs.filter(status=status) if status else qs


def investor_profile_get_for_officers(*, user: User, pk: int) -> InvestorProfile:
    """Return profile ``pk`` for an officer; anyone else, or a missing profile: ``InvestorProfileNotFound``."""
    if user is None or not user.is_officer:
        raise InvestorProfileNotFound()
    profile = investor_profile_list_for_officers().filter(pk=pk).first()
    if profile is None:
        raise InvestorProfileNotFound()
    return profile


def investor_profile_counts() -> dict[str, int]:
    """Return the number of profiles per status (one query)."""
    rows = InvestorProfile.objects.values("status").annotate(count=Count("pk")).order_by()
    return {row["status"]: row["count"] for row in rows}


# --- the directory and the district overview -----------------------------------------------------

TRACTION_FILTERS = ("selling", "repeat", "none")


@dataclass(frozen=True)
class DirectoryFilters:
    district: str | None = None
    commodity: str | None = None  # slug
    stage: str | None = None
    min_workforce: int | None = None
    traction: str | None = None  # "selling" (orders in the period), "repeat" (a repeat buyer), "none"


@dataclass(frozen=True)
class DirectoryRow:
    profile: VillageProfile  # with ``workforce_total``, ``surveyed_on``, ``open_opportunities``
    traction: VillageTractionSummary


def _directory_queryset(filters: DirectoryFilters) -> QuerySet[VillageProfile]:
    latest = Survey.objects.filter(profile_id=OuterRef("pk")).order_by("-surveyed_on", "-pk")
    open_opportunities = (Opportunity.objects.filter(village_id=OuterRef("pk"), status__in=OPEN_OPPORTUNITY)
                          .order_by().values("village_id").annotate(count=Count("pk")).values("count"))
    qs = village_directory(district=filters.district or None, stage=filters.stage or None,
                           commodity=filters.commodity or None).annotate(
        workforce_total=Subquery(latest.values("workforce_total")[:1], output_field=IntegerField()),
        surveyed_on=Subquery(latest.values("surveyed_on")[:1]),
        open_opportunities=Coalesce(Subquery(open_opportunities, output_field=IntegerField()), 0))
    if filters.min_workforce:
        qs = qs.filter(workforce_total__gte=filters.min_workforce)
    return qs


def investor_village_directory(*, filters: DirectoryFilters, now: datetime | None = None) -> list[DirectoryRow]:
    """Return the programme villages that pass ``filters`` with their latest survey's workforce, open
    opportunities and traction over the period; four queries whatever the number of villages."""
    traction = traction_by_village(now=now)
    empty = VillageTractionSummary()
    rows = [DirectoryRow(profile=profile, traction=traction.get(profile.village_id, empty))
            for profile in _directory_queryset(filters)]
    if filters.traction == "selling":
        rows = [row for row in rows if row.traction.orders > 0]
    elif filters.traction == "repeat":
        rows = [row for row in rows if row.traction.repeat_buyers > 0]
    elif filters.traction == "none":
        rows = [row for row in rows if row.traction.orders == 0]
    return rows


@dataclass(frozen=True)
class DistrictRow:
    code: str
    name: str
    villages: int
    stages: dict[str, int]  # stage value -> villages at that stage
    workforce: int
    selling_villages: int
    orders: int
    revenue: int


def district_overview(*, now: datetime | None = None) -> list[DistrictRow]:
    """Return, per district (kecamatan) with programme villages, its villages by stage, surveyed workforce
    and traction over the period; the same four queries as the directory."""
    by_district: dict[str, list[DirectoryRow]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in investor_village_directory(filters=DirectoryFilters(), now=now):
        district = row.profile.village.district
        by_district[district.code].append(row)
        names[district.code] = district.name
    result = []
    for code in sorted(by_district, key=lambda c: (names[c], c)):
        rows = by_district[code]
        stages = {value: 0 for value in Stage.values}
        for row in rows:
            stages[row.profile.stage] += 1
        result.append(DistrictRow(
            code=code, name=names[code], villages=len(rows), stages=stages,
            workforce=sum(int(getattr(row.profile, "workforce_total", 0) or 0) for row in rows),
            selling_villages=sum(1 for row in rows if row.traction.orders),
            orders=sum(row.traction.orders for row in rows), revenue=sum(row.traction.revenue for row in rows)))
    return result


# --- one village, as an investor sees it ---------------------------------------------------------

# The public village page (catalog) already shows the first group; the second is for verified investors.
PUBLIC_SURVEY_FIELDS = ("surveyed_on", "workforce_total", "workforce_women", "workforce_youth",
                        "existing_businesses", "road", "electricity", "internet", "water", "needs")
CONFIDENTIAL_SURVEY_FIELDS = ("problems", "raw_materials")


@dataclass(frozen=True)
class InvestorVillage:
    profile: VillageProfile  # as ``catalog.selectors.village_profile_get``: timeline, latest survey, coaching
    survey: Survey | None
    sees_confidential: bool
    producers: list[Producer]
    products: list
    product_count: int
    traction: list[TractionSection]
    traction_as_of: datetime
    opportunities: list[Opportunity]
    watch_item: WatchItem | None


def investor_village_get(*, code: str, viewer: Viewer, now: datetime | None = None,
                         products_shown: int = 8) -> InvestorVillage:
    """Return programme village ``code`` as ``viewer`` may see it, else ``VillageNotFound``.

    The survey's confidential fields are left to the template to hide by ``sees_confidential``; the API
    serialiser drops them too. Opportunities only for investors and officers.
    """
    now = now or timezone.now()
    profile = village_profile_get(code=code)
    surveys = getattr(profile, "latest_surveys", [])
    products = product_list_public(filters=ProductFilters(village=code))
    opportunities: list[Opportunity] = []
    if viewer.sees_opportunities:
        opportunities = list(Opportunity.objects.filter(village=profile, status__in=OPEN_OPPORTUNITY)
                             .select_related("producer").order_by("-created_at", "-pk"))
    watch = None
    if viewer.is_investor and viewer.user is not None:
        watch = WatchItem.objects.filter(user=viewer.user, village=profile).first()
    return InvestorVillage(
        profile=profile, survey=surveys[0] if surveys else None, sees_confidential=viewer.sees_confidential,
        producers=list(producer_list_public(village=code)), products=list(products[:products_shown]),
        product_count=products.count(), traction=village_traction(village_code=code, now=now), traction_as_of=now,
        opportunities=opportunities, watch_item=watch)


# --- opportunities -------------------------------------------------------------------------------


def _opportunities() -> QuerySet[Opportunity]:
    return Opportunity.objects.select_related("village__village__district", "village__flagship_commodity", "producer")


def opportunity_list(*, viewer: Viewer, status: str | None = None, village_code: str | None = None,
                     district: str | None = None) -> QuerySet[Opportunity]:
    """Return the opportunities ``viewer`` may see (investors and officers), open ones by default."""
    if not viewer.sees_opportunities:
        return Opportunity.objects.none()
    qs = _opportunities().order_by("-created_at", "-pk")
    qs = qs.filter(status=status) if status else qs.filter(status__in=OPEN_OPPORTUNITY)
    if village_code:
        qs = qs.filter(village__village_id=village_code)
    if district:
        qs = qs.filter(village__village__district_id=district)
    return qs


def access_opportunity(*, viewer: Viewer, pk: int) -> Opportunity:
    """Return opportunity ``pk`` with its documents for an investor or officer; else ``OpportunityNotFound``."""
    if not viewer.sees_opportunities:
        raise OpportunityNotFound()
    opportunity = (_opportunities().prefetch_related(
        Prefetch("documents", queryset=OpportunityDocument.objects.order_by("pk"))).filter(pk=pk).first())
    if opportunity is None:
        raise OpportunityNotFound()
    return opportunity


def opportunity_event_list(*, opportunity: Opportunity) -> QuerySet[OpportunityEvent]:
    return OpportunityEvent.objects.filter(opportunity=opportunity).order_by("created_at", "pk")


def document_access_list(*, opportunity: Opportunity | None = None, limit: int = 50) -> QuerySet[DocumentAccess]:
    """Return who opened documents (of ``opportunity``, if given), latest first (officers' pages)."""
    qs = DocumentAccess.objects.select_related("user", "document").order_by("-created_at", "-pk")
    if opportunity is not None:
        qs = qs.filter(document__opportunity=opportunity)
    return qs[:limit]


def _village_matches(profile: InvestorProfile, *, profile_id: str, district: str, flagship: str) -> Q:
    """Return the condition "this village matches the investor's districts and commodities" on a query whose
    village profile id is ``profile_id`` (empty lists: any)."""
    condition = Q()
    districts = [d.code for d in profile.districts.all()]
    if districts:
        condition &= Q(**{f"{district}__in": districts})
    commodities = [c.pk for c in profile.commodities.all()]
    if commodities:
        condition &= Q(**{f"{flagship}__in": commodities}) | Q(Exists(
            VillageProfile.other_commodities.through.objects.filter(villageprofile_id=OuterRef(profile_id),
                                                                    commodity_id__in=commodities)))
    return condition


def opportunity_list_matching(*, profile: InvestorProfile, since: datetime, until: datetime) -> QuerySet[Opportunity]:
    """Return the opportunities posted in [since, until) that are still open and match the investor: their
    districts and commodities, kinds of involvement and ticket range (an empty choice matches any), or that
    are in a village on the investor's watchlist."""
    condition = _village_matches(profile, profile_id="village_id", district="village__village__district_id",
                                 flagship="village__flagship_commodity_id")
    if profile.involvements:
        condition &= Q(involvement__in=profile.involvements)
    if profile.ticket_min is not None:
        condition &= Q(amount_sought__gte=profile.ticket_min)
    if profile.ticket_max is not None:
        condition &= Q(amount_sought__lte=profile.ticket_max)
    watched = WatchItem.objects.filter(user_id=profile.user_id, village_id=OuterRef("village_id"))
    return (_opportunities().filter(created_at__gte=since, created_at__lt=until, status__in=OPEN_OPPORTUNITY)
            .filter(condition | Q(Exists(watched))).order_by("created_at", "pk"))


def stage_event_list_matching(*, profile: InvestorProfile, since: datetime,
                              until: datetime) -> QuerySet[VillageStageEvent]:
    """Return the stage changes recorded in [since, until) of villages that match the investor's districts and
    commodities or are on their watchlist."""
    condition = _village_matches(profile, profile_id="profile_id", district="profile__village__district_id",
                                 flagship="profile__flagship_commodity_id")
    watched = WatchItem.objects.filter(user_id=profile.user_id, village_id=OuterRef("profile_id"))
    return (VillageStageEvent.objects.filter(created_at__gte=since, created_at__lt=until)
            .filter(condition | Q(Exists(watched))).select_related("profile__village").order_by("created_at", "pk"))


# --- watchlist -----------------------------------------------------------------------------------


def watch_list(*, user: User) -> QuerySet[WatchItem]:
    """Return the investor's own watchlist, latest first, with what each item points to (one query)."""
    return (WatchItem.objects.filter(user=user)
            .select_related("village__village__district", "village__flagship_commodity",
                            "opportunity__village__village")
            .order_by("-created_at", "-pk"))


# --- expressions of interest ---------------------------------------------------------------------


def _interests() -> QuerySet[Interest]:
    return Interest.objects.select_related("village__village__district", "village__flagship_commodity",
                                           "opportunity__producer", "investor__investor_profile")


def _with_events(interests: QuerySet[Interest], *, for_officer: bool) -> QuerySet[Interest]:
    """Read the history of every interest in one more query (``interest_event_list`` then answers from it)."""
    return interests.prefetch_related(Prefetch("events", queryset=_interest_events(for_officer=for_officer),
                                               to_attr=_EVENTS_ATTR[for_officer]))


def interest_list_for_investor(*, user: User, with_events: bool = False) -> QuerySet[Interest]:
    """Return the investor's own interests, latest first (``with_events``: with their histories as the
    investor sees them)."""
    qs = _interests().filter(investor=user).order_by("-created_at", "-pk")
    return _with_events(qs, for_officer=False) if with_events else qs


def access_interest(*, user: User, pk: int) -> Interest:
    """Return interest ``pk`` to its investor or an officer; anyone else: ``InterestNotFound`` (404)."""
    if user is None or not user.is_authenticated:
        raise InterestNotFound()
    qs = _interests().filter(pk=pk)
    if not user.is_officer:
        qs = qs.filter(investor=user)
    interest = qs.first()
    if interest is None:
        raise InterestNotFound()
    return interest


# Where ``_with_events`` keeps an interest's history, for officers (True) and for its investor (False).
_EVENTS_ATTR = {True: "events_for_officer", False: "events_for_investor"}


def _interest_events(*, for_officer: bool) -> QuerySet[InterestEvent]:
    qs = InterestEvent.objects.select_related("actor").order_by("created_at", "pk")
    return qs if for_officer else qs.filter(kind=InterestEvent.Kind.STATUS)


def interest_event_list(*, interest: Interest, for_officer: bool) -> Iterable[InterestEvent]:
    """Return an interest's history: everything for officers, status changes only for the investor
    (no query when the interest was listed ``with_events`` for the same reader)."""
    prefetched = getattr(interest, _EVENTS_ATTR[for_officer], None)
    if prefetched is not None:
        return prefetched
    return _interest_events(for_officer=for_officer).filter(interest=interest)


def interest_list_for_officers(*, status: str | None = None, district: str | None = None,
                               opportunity: Opportunity | None = None, with_events: bool = False
                               ) -> QuerySet[Interest]:
    """Return interests for triage, oldest change first (of ``status``, ``district``, ``opportunity``, if given;
    ``with_events``: with their full histories)."""
    qs = _interests().order_by("status_changed_at", "pk")
    if with_events:
        qs = _with_events(qs, for_officer=True)
    if opportunity is not None:
        qs = qs.filter(opportunity=opportunity)
    if status:
        qs = qs.filter(status=status)
    if district:
        qs = qs.filter(village__village__district_id=district)
    return qs


def interest_list_shared_for_producer(*, user: User, producer_id: int | None = None) -> QuerySet[Interest]:
    """Return the interests an officer shared with ``user``'s producers (or only producer ``producer_id`` of
    theirs): those in one of their opportunities, and those in their village or in an opportunity of their
    village not tied to a producer."""
    producer_ids = [row["pk"] for row in producer_ids_for_user(user=user)]
    if producer_id is not None:
        producer_ids = [pk for pk in producer_ids if pk == producer_id]
    if not producer_ids:
        return Interest.objects.none()
    villages = list(Producer.objects.filter(pk__in=producer_ids).values_list("village_id", flat=True))
    return (_interests().filter(shared_with_producer=True)
            .filter(Q(opportunity__producer_id__in=producer_ids)
                    | Q(village__village_id__in=villages, opportunity__producer__isnull=True))
            .order_by("-updated_at", "-pk"))


# --- the programme view ----------------------------------------------------------------------------

UNDER_DISCUSSION = (Interest.Status.IN_REVIEW, Interest.Status.INTRODUCED, Interest.Status.IN_NEGOTIATION)


@dataclass(frozen=True)
class PipelineRow:
    key: str
    label: str
    interests: int
    under_discussion: int  # rupiah of interests in review, introduced or in negotiation
    committed: int  # rupiah of committed interests


@dataclass(frozen=True)
class Pipeline:
    by_status: dict[str, int]
    by_district: list[PipelineRow]
    by_commodity: list[PipelineRow]
    median_days_to_introduction: float | None
    introductions: int
    as_of: datetime


def programme_pipeline(*, now: datetime | None = None) -> Pipeline:
    """Return the interests by status, amounts under discussion and committed per district and per flagship
    commodity, and the median days from an interest to its introduction (three queries)."""
    by_status = {status: 0 for status in Interest.Status.values}
    for row in Interest.objects.values("status").annotate(count=Count("pk")).order_by():
        by_status[row["status"]] = row["count"]
    districts: dict[str, list] = {}
    commodities: dict[str, list] = {}
    values = Interest.objects.values("status", "amount", "village__village__district_id",
                                     "village__village__district__name", "village__flagship_commodity__slug",
                                     "village__flagship_commodity__name")
    for item in values:
        for source, key, label in ((districts, item["village__village__district_id"],
                                   item["village__village__district__name"]),
                                  (commodities, item["village__flagship_commodity__slug"] or "-",
                                   item["village__flagship_commodity__name"] or "-")):
            entry = source.setdefault(key, [label, 0, 0, 0])
            entry[1] += 1
            if item["status"] in UNDER_DISCUSSION:
                entry[2] += item["amount"] or 0
            elif item["status"] == Interest.Status.COMMITTED:
                entry[3] += item["amount"] or 0
    days = [(introduced - created).total_seconds() / 86400 for created, introduced in
            Interest.objects.filter(introduced_at__isnull=False).values_list("created_at", "introduced_at")
            if introduced is not None]

    def table(source: dict[str, list]) -> list[PipelineRow]:
        return [PipelineRow(key=key, label=label, interests=count, under_discussion=discussed, committed=committed)
                for key, (label, count, discussed, committed) in sorted(source.items(), key=lambda kv: kv[1][0])]

    return Pipeline(by_status=by_status, by_district=table(districts), by_commodity=table(commodities),
                    median_days_to_introduction=round(statistics.median(days), 1) if days else None,
                    introductions=len(days), as_of=now or timezone.now())


def interest_programme_figures(*, area: Area, start: date, end: date) -> dict:
    """Return the investment figures of the programme cockpit for the villages of ``area``, between
    ``start`` and ``end`` (both included, Asia/Jakarta). Four queries whatever the number of interests.

    ``expressed``: interests expressed in the period, ``by_status`` their status today; ``introduced``
    and ``committed``: interests introduced or committed in the period (the day the officer gave,
    ``InterestEvent.happened_on``), ``committed_amount`` the amounts of those committed (an interest
    without an amount adds nothing); ``opportunities``/``amount_sought``: opportunities posted in the
    period; ``by_month`` (``{month: {...}}``, months with something only) and ``by_district`` (by
    name) with ``expressed``, ``introduced``, ``committed``, ``amount``. Totals only: no investor.
    """
    expressed = Interest.objects.filter(area.q("village__village_id"), created_at__date__gte=start,
                                        created_at__date__lte=end)
    by_status = dict.fromkeys(Interest.Status.values, 0)
    for row in expressed.values("status").annotate(n=Count("pk")).order_by():
        by_status[row["status"]] = row["n"]
    months: dict[date, dict[str, int]] = {}
    districts: dict[str, dict] = {}

    def cell(month: date, district: str, name: str) -> tuple[dict, dict]:
        empty = {"expressed": 0, "introduced": 0, "committed": 0, "amount": 0}
        return (months.setdefault(month, dict(empty)),
                districts.setdefault(district, {"district_id": district, "name": name, **empty}))

    for row in (expressed.annotate(month=TruncMonth("created_at", output_field=DateField()))
                .values("month", "village__village__district_id", "village__village__district__name")
                .annotate(n=Count("pk")).order_by()):
        for target in cell(row["month"], row["village__village__district_id"], row["village__village__district__name"]):
            target["expressed"] += row["n"]
    moves = (InterestEvent.objects.filter(area.q("interest__village__village_id"), kind=InterestEvent.Kind.STATUS,
                                          to_status__in=[Interest.Status.INTRODUCED, Interest.Status.COMMITTED],
                                          happened_on__gte=start, happened_on__lte=end)
             .annotate(month=TruncMonth("happened_on", output_field=DateField()))
             .values("month", "to_status", "interest__village__village__district_id",
                     "interest__village__village__district__name")
             .annotate(n=Count("interest_id", distinct=True), amount=Sum("interest__amount")).order_by())
    for row in moves:
        for target in cell(row["month"], row["interest__village__village__district_id"],
                           row["interest__village__village__district__name"]):
            if row["to_status"] == Interest.Status.INTRODUCED:
                target["introduced"] += row["n"]
            else:
                target["committed"] += row["n"]
                target["amount"] += row["amount"] or 0
    posted = Opportunity.objects.filter(area.q("village__village_id"), created_at__date__gte=start,
                                        created_at__date__lte=end).aggregate(n=Count("pk"), amount=Sum("amount_sought"))
    return {
        "expressed": sum(by_status.values()), "by_status": by_status,
        "introduced": sum(row["introduced"] for row in months.values()),
        "committed": sum(row["committed"] for row in months.values()),
        "committed_amount": sum(row["amount"] for row in months.values()),
        "opportunities": posted["n"] or 0, "amount_sought": posted["amount"] or 0,
        "by_month": months,
        "by_district": sorted(districts.values(), key=lambda row: (row["name"], row["district_id"])),
    }


def interest_committed_total(*, area: Area, start: date, end: date) -> int:
    """Return the amounts of the interests in ``area``'s villages committed between ``start`` and ``end``
    (the day the officer gave), as ``interest_programme_figures`` counts them: one total, no investor. One query."""
    committed = (InterestEvent.objects.filter(area.q("interest__village__village_id"), kind=InterestEvent.Kind.STATUS,
                                              to_status=Interest.Status.COMMITTED, happened_on__gte=start,
                                              happened_on__lte=end).values("interest_id"))
    return Interest.objects.filter(pk__in=committed).aggregate(total=Sum("amount"))["total"] or 0


def interest_report_rows(*, area: Area, start: date, end: date) -> QuerySet[Interest]:
    """Return the interests expressed between ``start`` and ``end`` in the villages of ``area`` for the
    programme's report, oldest first, with the investor's profile (the report names organisations
    only, never a person) and the village. One query."""
    return (_interests().filter(area.q("village__village_id"), created_at__date__gte=start, created_at__date__lte=end)
            .order_by("created_at", "pk"))


def investors_officer_decision_list(*, query, kinds: frozenset[str]) -> list:
    """Return officers' moves of expressions of interest (``interest``), latest first, at most
    ``query.limit`` (a ``market.core.audit.AuditQuery``), as ``AuditEntry`` values. One query."""
    from market.core.audit import AuditEntry, officer_label

    if "interest" not in kinds:
        return []
    events = (InterestEvent.objects.filter(query.q(actor="actor", at="created_at"), kind=InterestEvent.Kind.STATUS)
              .select_related("actor", "interest__village__village", "interest__opportunity")
              .order_by("-created_at", "-pk")[:query.limit])
    return [AuditEntry(event.created_at, event.actor_id, officer_label(event.actor), "interest",
                       f"#{event.interest_id} · {event.interest.village.village.name}"
                       + (f" · {event.interest.opportunity.title}" if event.interest.opportunity else ""),
                       f"{event.get_from_status_display() or '–'} → {event.get_to_status_display()}"
                       + (f" ({event.note})" if event.note else "")) for event in events]


def programme_interest_rows() -> QuerySet[Interest]:
    """Return every interest for the programme's CSV export, oldest first."""
    return _interests().order_by("created_at", "pk")


__all__ += ["traction_period_start"]
