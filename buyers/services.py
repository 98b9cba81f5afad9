"""Writes of the buyers app."""
from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from buyers.exceptions import (
    AddressNotFound,
    BuyerInvalid,
    BuyerManagerRequired,
    BuyerOwnerRequired,
    DeliveryPlaceLimit,
    OutletNotFound,
)
from buyers.models import PHONE_PATTERN, POSTAL_CODE_PATTERN, Address, BuyerProfile, Outlet
from market.accounts.models import Membership, Organisation, User
from market.core.money import format_rupiah
from market.regions.models import Village


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


MAX_APPROVAL_LIMIT = 100_000_000_000  # Rp 100 miliar: far above any order, below what a typo would give


@transaction.atomic
def buyer_approval_limit_set(*, organisation: Organisation, actor: User, limit: int | None) -> BuyerProfile:
    """Set the total (rupiah) above which a member's order needs a manager's approval; ``None``: never.

    Owners manage limits. Managers and owners are never limited themselves; requests already
    submitted keep the limit they were submitted under.
    """
    if organisation.kind != Organisation.Kind.BUYER or not Membership.objects.filter(
            organisation=organisation, user=actor, user__is_active=True, role=Membership.Role.OWNER).exists():
        raise BuyerOwnerRequired()
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool)
                              or not 1 <= limit <= MAX_APPROVAL_LIMIT):
        raise BuyerInvalid(fields={"approval_limit": [
            _("Enter an amount in whole rupiah from 1 to %(max)s, or leave it empty.")
            % {"max": format_rupiah(MAX_APPROVAL_LIMIT)}]})
    profile, _created = BuyerProfile.objects.select_for_update().get_or_create(organisation=organisation)
    profile.approval_limit = limit
    profile.save(update_fields=["approval_limit", "updated_at"])
    return profile


# --- delivery places (outlets of buyer organisations, consumers' addresses) ----------------------------

MAX_OUTLETS = 500
MAX_ADDRESSES = 20
PLACE_FIELDS = frozenset({"name", "contact_name", "phone", "street", "village_code", "postal_code"})
_PLACE_LENGTHS = {"name": 100, "contact_name": 150, "street": 500}


def _place_clean(fields: dict, *, partial: bool) -> dict:
    """Check and normalise delivery place fields; raise ``BuyerInvalid`` with every problem found.

    ``village_code`` is a Kemendagri village code (``35.09.01.2001``); the district follows from it.
    """
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    for key in sorted(fields.keys() - PLACE_FIELDS):
        errors[key] = [_("This field cannot be changed here.")]
    required = {"name", "contact_name", "phone", "street", "village_code"}
    for key in sorted(PLACE_FIELDS if not partial else fields.keys() & PLACE_FIELDS):
        value = fields.get(key, "")
        if not isinstance(value, str):
            errors[key] = [_("Enter text.")]
            continue
        value = " ".join(value.split()) if key != "street" else value.strip()
        if key == "phone":
            value = re.sub(r"[\s\-().]", "", value)
        if not value and key in required:
            errors[key] = [_("This field is required.")]
        elif key in _PLACE_LENGTHS and len(value) > _PLACE_LENGTHS[key]:
            errors[key] = [_("This text is too long (at most %(count)s characters).")
                           % {"count": _PLACE_LENGTHS[key]}]
        elif key == "phone" and not re.match(PHONE_PATTERN, value):
            errors[key] = [_("Enter a phone number of 8 to 15 digits, e.g. 081234567890.")]
        elif key == "postal_code" and value and not re.match(POSTAL_CODE_PATTERN, value):
            errors[key] = [_("A postal code has 5 digits.")]
        elif key == "village_code":
            village = Village.objects.select_related("district").filter(code=value).first()
            if village is None:
                errors[key] = [_("Choose a village from the list.")]
            else:
                clean["village"] = village
        else:
            clean[key] = value
    if errors:
        raise BuyerInvalid(fields=errors)
    return clean


def _require_buyer_manager(*, organisation: Organisation, actor: User) -> None:
    if organisation.kind != Organisation.Kind.BUYER or not Membership.objects.filter(
            organisation=organisation, user=actor, user__is_active=True,
            role__in=[Membership.Role.OWNER, Membership.Role.MANAGER]).exists():
        raise BuyerManagerRequired()


def _outlet_name_free(*, organisation: Organisation, name: str, exclude_pk: int | None = None) -> None:
    taken = Outlet.objects.filter(organisation=organisation, is_active=True, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise BuyerInvalid(fields={"name": [_("Another outlet already has this name.")]})


@transaction.atomic
def outlet_create(*, organisation: Organisation, actor: User, **fields) -> Outlet:
    """Add an outlet (store or warehouse) that the organisation's orders can be delivered to.

    Fields: ``name``, ``contact_name``, ``phone``, ``street``, ``village_code``, ``postal_code`` (optional).
    """
    _require_buyer_manager(organisation=organisation, actor=actor)
    clean = _place_clean(fields, partial=False)
    # The organisation's row serialises outlet changes, so the name check and the limit hold.
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    _outlet_name_free(organisation=organisation, name=clean["name"])
    if Outlet.objects.filter(organisation=organisation, is_active=True).count() >= MAX_OUTLETS:
        raise DeliveryPlaceLimit()
    return Outlet.objects.create(organisation=organisation, **clean)


@transaction.atomic
def outlet_update(*, outlet: Outlet, actor: User, **fields) -> Outlet:
    """Change an active outlet's details (orders placed before keep the details they were placed with)."""
    _require_buyer_manager(organisation=outlet.organisation, actor=actor)
    clean = _place_clean(fields, partial=True)
    Organisation.objects.select_for_update().get(pk=outlet.organisation_id)
    locked = Outlet.objects.filter(pk=outlet.pk, is_active=True).first()
    if locked is None:
        raise OutletNotFound()
    if "name" in clean:
        _outlet_name_free(organisation=outlet.organisation, name=clean["name"], exclude_pk=locked.pk)
    for key, value in clean.items():
        setattr(locked, key, value)
    locked.save()
    return locked


@transaction.atomic
def outlet_archive(*, outlet: Outlet, actor: User) -> Outlet:
    """Stop delivering to an outlet; it stays on past orders."""
    _require_buyer_manager(organisation=outlet.organisation, actor=actor)
    Outlet.objects.filter(pk=outlet.pk).update(is_active=False)
    outlet.is_active = False
    return outlet


def _require_address_owner(*, address: Address, actor: User | None) -> None:
    if actor is None or not actor.is_active or address.user_id != actor.pk:
        raise AddressNotFound()


@transaction.atomic
def address_create(*, user: User, **fields) -> Address:
    """Add a delivery address to a person's address book (consumers shop for themselves).

    Fields: ``name`` (e.g. "Home"), ``contact_name``, ``phone``, ``street``, ``village_code``, ``postal_code``.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        raise AddressNotFound()
    clean = _place_clean(fields, partial=False)
    User.objects.select_for_update().get(pk=user.pk)  # serialises the limit check
    if Address.objects.filter(user=user, is_active=True).count() >= MAX_ADDRESSES:
        raise DeliveryPlaceLimit()
    return Address.objects.create(user=user, **clean)


@transaction.atomic
def address_update(*, address: Address, actor: User, **fields) -> Address:
    """Change one of the actor's active addresses."""
    _require_address_owner(address=address, actor=actor)
    clean = _place_clean(fields, partial=True)
    locked = Address.objects.select_for_update().filter(pk=address.pk, is_active=True).first()
    if locked is None:
        raise AddressNotFound()
    for key, value in clean.items():
        setattr(locked, key, value)
    locked.save()
    return locked


@transaction.atomic
def address_archive(*, address: Address, actor: User) -> Address:
    """Remove an address from the address book; it stays on past orders."""
    _require_address_owner(address=address, actor=actor)
    Address.objects.filter(pk=address.pk).update(is_active=False)
    address.is_active = False
    return address
