"""Reads of the buyers app."""
from __future__ import annotations

from django.db.models import QuerySet

from buyers.exceptions import AddressNotFound, BuyerRegistrationNotFound, OutletNotFound
from buyers.models import (
    DEFAULT_MIN_SHELF_LIFE_DAYS,
    Address,
    BuyerProfile,
    BuyerRegistration,
    BuyerRegistrationEvent,
    Outlet,
)
from market.accounts.models import Membership, Organisation, User


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


def buyer_registration_list_for_officers(*, status: str | None = BuyerRegistration.Status.SUBMITTED
                                         ) -> QuerySet[BuyerRegistration]:
    """Return registrations (submitted ones by default: the queue), the longest waiting first."""
    qs = BuyerRegistration.objects.select_related("organisation", "village__district").order_by(
        "submitted_at", "pk")
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


def buyer_registration_event_list(*, registration: BuyerRegistration) -> QuerySet[BuyerRegistrationEvent]:
    """Return the registration's history, oldest first, with who made each change."""
    return registration.events.select_related("actor").order_by("created_at", "pk")


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
