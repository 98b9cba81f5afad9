"""Reads of the buyers app."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Prefetch, Q, QuerySet

from buyers.exceptions import AddressNotFound, BuyerRegistrationNotFound, OutletNotFound
from buyers.models import (
    DEFAULT_MIN_SHELF_LIFE_DAYS,
    REQUIRED_CERTIFICATION_KINDS,
    Address,
    BuyerProfile,
    BuyerRegistration,
    BuyerRegistrationEvent,
    Outlet,
)
from catalog.models import PermitKind
from catalog.selectors import (
    BuyerCriteria,
    category_ids_with_descendants,
    category_tree,
    localized,
)
from market.accounts.models import Membership, Organisation, User
from market.regions.models import District
from market.regions.selectors import region_q

# --- preferences --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuyerPreferences:
    """A buyer organisation's preferences (the defaults when it never saved any).

    Empty ``category_ids`` or ``district_codes`` mean any category or district.
    """

    category_ids: tuple[int, ...] = ()
    district_codes: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    min_shelf_life_days: int = DEFAULT_MIN_SHELF_LIFE_DAYS
    digest_enabled: bool = True


def buyer_preferences_get(*, organisation: Organisation) -> BuyerPreferences:
    """Return the organisation's preferences (one query)."""
    row = (BuyerProfile.objects.filter(organisation=organisation)
           .annotate(category_ids=ArrayAgg("categories__pk", distinct=True, filter=Q(categories__isnull=False),
                                           default=[]),
                     district_codes=ArrayAgg("districts__code", distinct=True, filter=Q(districts__isnull=False),
                                             default=[]))
           .values("category_ids", "district_codes", "required_certifications", "min_shelf_life_days",
                   "digest_enabled").first())
    if row is None:
        return BuyerPreferences()
    return BuyerPreferences(
        category_ids=tuple(sorted(row["category_ids"])), district_codes=tuple(sorted(row["district_codes"])),
        certifications=tuple(kind for kind in REQUIRED_CERTIFICATION_KINDS if kind in row["required_certifications"]),
        min_shelf_life_days=row["min_shelf_life_days"], digest_enabled=row["digest_enabled"])


def buyer_criteria_get(*, organisation: Organisation) -> BuyerCriteria:
    """Return what makes a product "retail-ready for" the organisation (two queries at most): its
    preferences, each chosen category with its descendants."""
    preferences = buyer_preferences_get(organisation=organisation)
    return BuyerCriteria(category_ids=category_ids_with_descendants(ids=preferences.category_ids),
                         district_codes=frozenset(preferences.district_codes),
                         certifications=frozenset(preferences.certifications),
                         min_shelf_life_days=preferences.min_shelf_life_days)


BUYER_EDITOR_ROLES = (Membership.Role.OWNER, Membership.Role.MANAGER)


def buyer_preference_category_choices() -> list[tuple[int, str]]:
    """Return the category tree as ``(id, label)`` choices, children after their parent and indented."""
    choices: list[tuple[int, str]] = []

    def walk(nodes: list[dict], depth: int) -> None:
        for node in sorted(nodes, key=lambda n: localized(n).lower()):
            choices.append((node["id"], "\u00a0\u00a0\u00a0" * depth + ("– " if depth else "") + localized(node)))
            walk(node["children"], depth + 1)

    walk(category_tree(), 0)
    return choices


def buyer_preference_district_list() -> QuerySet[District]:
    """Return the districts a buyer can source from: those of the programme's regions, by name."""
    return District.objects.filter(region_q(field="code")).order_by("name", "code")


def buyer_preference_certification_choices() -> list[tuple[str, str]]:
    """Return the certifications a buyer can require, as ``(kind, label)`` (labels in the active language)."""
    return [(kind, str(label)) for kind, label in PermitKind.choices if kind in REQUIRED_CERTIFICATION_KINDS]


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


def buyer_member_role(*, organisation: Organisation | None, user: User | None) -> str | None:
    """Return ``user``'s role (owner, manager, member) in the buyer organisation, or ``None`` if not one of it."""
    if organisation is None or user is None or not user.is_authenticated or not user.is_active:
        return None
    return (Membership.objects.filter(organisation=organisation, organisation__kind=Organisation.Kind.BUYER,
                                      user=user).values_list("role", flat=True).first())


def buyer_approval_limit_get(*, organisation: Organisation) -> int | None:
    """Return the organisation's approval limit (rupiah), or ``None`` when its orders never need approval."""
    return (BuyerProfile.objects.filter(organisation=organisation).values_list("approval_limit", flat=True)
            .first())


def buyer_approval_limit_for(*, organisation: Organisation | None, user: User | None) -> int | None:
    """Return the approval limit that applies to ``user``'s orders for the organisation, or ``None``.

    Only people with the role member are limited; owners and managers never are.
    """
    if organisation is None or buyer_member_role(organisation=organisation, user=user) != Membership.Role.MEMBER:
        return None
    return buyer_approval_limit_get(organisation=organisation)


def buyer_approver_list(*, organisation: Organisation) -> QuerySet[User]:
    """Return the active owners and managers of the organisation (who approve purchase requests), by pk."""
    return User.objects.filter(is_active=True, memberships__organisation=organisation,
                               memberships__role__in=[Membership.Role.OWNER, Membership.Role.MANAGER]).order_by("pk")


def outlet_list(*, organisation: Organisation, include_archived: bool = False) -> QuerySet[Outlet]:
    """Return the organisation's outlets (active ones unless ``include_archived``), by name."""
    qs = Outlet.objects.filter(organisation=organisation).select_related("village__district").order_by("name", "pk")
    return qs if include_archived else qs.filter(is_active=True)


def access_outlet(*, user: User, pk: int, active: bool = True) -> Outlet:
    """Return the outlet if ``user`` is a member of its organisation or an officer; else ``OutletNotFound``."""
    qs = Outlet.objects.select_related("organisation", "village__district")
    if active:
        qs = qs.filter(is_active=True)
    if not (user.is_active and user.is_officer):
        qs = qs.filter(organisation__memberships__user=user) if user.is_authenticated and user.is_active else qs.none()
    try:
        return qs.get(pk=pk)
    except Outlet.DoesNotExist:
        raise OutletNotFound() from None


def address_list(*, user: User) -> QuerySet[Address]:
    """Return the person's active delivery addresses, by name."""
    if not user.is_authenticated:
        return Address.objects.none()
    return (Address.objects.filter(user=user, is_active=True).select_related("village__district")
            .order_by("name", "pk"))


def access_address(*, user: User, pk: int, active: bool = True) -> Address:
    """Return one of ``user``'s own addresses (nobody else's, not even an officer's view); else ``AddressNotFound``."""
    qs = Address.objects.select_related("village__district")
    if active:
        qs = qs.filter(is_active=True)
    if not (user.is_authenticated and user.is_active):
        raise AddressNotFound()
    try:
        return qs.get(pk=pk, user=user)
    except Address.DoesNotExist:
        raise AddressNotFound() from None


def outlet_list_for_member(*, user: User) -> QuerySet[Outlet]:
    """Return the active outlets of every buyer organisation ``user`` is a member of, by organisation and name."""
    if not (user.is_authenticated and user.is_active):
        return Outlet.objects.none()
    return (Outlet.objects.filter(is_active=True, organisation__kind=Organisation.Kind.BUYER,
                                  organisation__memberships__user=user)
            .select_related("village__district").order_by("organisation_id", "name", "pk"))


def personal_data_addresses(user: User) -> list[dict]:
    """The addresses part of a person's data export (deactivated ones too: they are still kept)."""
    return [{"name": a.name, "contact_name": a.contact_name, "phone": a.phone, "street": a.street,
             "village": a.village.name, "postal_code": a.postal_code, "active": a.is_active}
            for a in Address.objects.filter(user=user).select_related("village").order_by("pk")]


# --- registration and verification -------------------------------------------------------------------


def buyer_organisation_is_verified(*, organisation: Organisation | None) -> bool:
    """Return whether a programme officer verified the buyer organisation's registration (and it still holds).

    Features for verified buyers only (invoice terms, requests for quotation, showcases) gate on this.
    """
    if organisation is None or organisation.kind != Organisation.Kind.BUYER:
        return False
    return BuyerRegistration.objects.filter(organisation=organisation,
                                            status=BuyerRegistration.Status.VERIFIED).exists()


def buyer_registration_get(*, organisation: Organisation) -> BuyerRegistration | None:
    """Return the organisation's registration with its village, or ``None`` before the first save."""
    return (BuyerRegistration.objects.select_related("village__district__regency", "organisation")
            .filter(organisation=organisation).first())


def buyer_registration_list_for_officers(*, status: str | None = BuyerRegistration.Status.SUBMITTED,
                                         with_events: bool = False) -> QuerySet[BuyerRegistration]:
    """Return registrations (submitted ones by default: the queue), the longest waiting first.

    ``with_events`` reads every registration's history too, in one more query for the whole page
    (``buyer_registration_event_list`` then answers from it).
    """
    qs = BuyerRegistration.objects.select_related("organisation", "village__district").order_by(
        "submitted_at", "pk")
    if with_events:
        qs = qs.prefetch_related(Prefetch("events", queryset=_registration_events()))
    return qs.filter(status=status) if status else qs


def buyer_registration_waiting_count() -> int:
    """Return how many registrations wait for an officer."""
    return BuyerRegistration.objects.filter(status=BuyerRegistration.Status.SUBMITTED).count()


def buyer_registration_get_for_officers(*, user: User, pk: int) -> BuyerRegistration:
    """Return a registration for an active officer; anyone else (or an unknown one) gets ``BuyerRegistrationNotFound``."""
    if not (user.is_authenticated and user.is_active and user.is_officer):
        raise BuyerRegistrationNotFound()
    registration = (BuyerRegistration.objects.select_related("organisation", "village__district__regency")
                    .filter(pk=pk).first())
    if registration is None:
        raise BuyerRegistrationNotFound()
    return registration


def _registration_events() -> QuerySet[BuyerRegistrationEvent]:
    return BuyerRegistrationEvent.objects.select_related("actor").order_by("created_at", "pk")


def buyer_registration_event_list(*, registration: BuyerRegistration) -> QuerySet[BuyerRegistrationEvent]:
    """Return the registration's history, oldest first, with who made each change (no query when the
    registration was read ``with_events``)."""
    if "events" in getattr(registration, "_prefetched_objects_cache", {}):
        return registration.events.all()
    return _registration_events().filter(registration=registration)


def buyer_registration_was_refused(*, registration: BuyerRegistration) -> bool:
    """Return whether an officer refused the registration before (a resubmission, in the queue)."""
    return registration.events.filter(to_status=BuyerRegistration.Status.REFUSED).exists()


def buyer_can_manage(*, organisation: Organisation, user: User) -> bool:
    """Return whether ``user`` is an owner or manager of the buyer organisation (keeps outlets and registration)."""
    return (organisation.kind == Organisation.Kind.BUYER and user.is_authenticated and user.is_active
            and Membership.objects.filter(organisation=organisation, user=user,
                                          role__in=[Membership.Role.OWNER, Membership.Role.MANAGER]).exists())


def buyer_owner_list(*, organisation: Organisation) -> list[User]:
    """Return the organisation's active owners, by name (whom members ask to add an outlet)."""
    return [m.user for m in Membership.objects.filter(organisation=organisation, role=Membership.Role.OWNER,
                                                      user__is_active=True)
            .select_related("user").order_by("user__full_name", "pk")]


def buyers_officer_decision_list(*, query, kinds: frozenset[str]) -> list:
    """Return officers' decisions on buyer registrations (``buyer_verification``), latest first, at
    most ``query.limit`` (a ``market.core.audit.AuditQuery``), as ``AuditEntry`` values."""
    from buyers.models import BuyerRegistrationEvent
    from market.core.audit import AuditEntry, officer_label

    if "buyer_verification" not in kinds:
        return []
    events = (BuyerRegistrationEvent.objects.filter(query.q(actor="actor", at="created_at"))
              .select_related("actor", "registration__organisation").order_by("-created_at", "-pk")[:query.limit])
    return [AuditEntry(event.created_at, event.actor_id, officer_label(event.actor), "buyer_verification",
                       event.registration.organisation.name,
                       f"{event.get_from_status_display() or '–'} → {event.get_to_status_display()}"
                       + (f" ({event.reason})" if event.reason else "")) for event in events]
