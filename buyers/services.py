"""Writes of the buyers app."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buyers.exceptions import (
    AddressNotFound,
    BuyerInvalid,
    BuyerManagerRequired,
    BuyerOwnerRequired,
    BuyerRegistrationNotFound,
    BuyerRegistrationTransitionInvalid,
    DeliveryPlaceLimit,
    OutletNotFound,
)
from buyers.models import (
    NIB_PATTERN,
    NPWP_PATTERN,
    PHONE_PATTERN,
    POSTAL_CODE_PATTERN,
    REQUIRED_CERTIFICATION_KINDS,
    Address,
    BuyerDigestItem,
    BuyerKind,
    BuyerProfile,
    BuyerRegistration,
    BuyerRegistrationEvent,
    Outlet,
)
from buyers.selectors import BUYER_EDITOR_ROLES, buyer_criteria_get, buyer_preference_district_list
from catalog.exceptions import OfficerRequired
from catalog.models import Category
from catalog.selectors import product_list_first_listed_for_buyer, product_public_view
from market.accounts.models import Membership, Organisation, User
from market.core.money import format_rupiah
from market.core.tasks import email_send_task
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


# --- preferences ------------------------------------------------------------------------------


def _is_int_list(value) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)


def _is_str_list(value) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)


def _preferences_clean(*, category_ids, district_codes, certifications, min_shelf_life_days,
                       digest_enabled) -> dict:
    """Check the preferences; return them normalised or raise ``BuyerInvalid`` with every problem found."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    if not _is_int_list(category_ids):
        errors["categories"] = [_("Choose categories from the list.")]
    else:
        wanted = set(category_ids)
        found = list(Category.objects.filter(pk__in=wanted))
        if len(found) != len(wanted):
            errors["categories"] = [_("Choose categories from the list.")]
        clean["categories"] = found
    if not _is_str_list(district_codes):
        errors["districts"] = [_("Choose districts of Jember from the list.")]
    else:
        wanted_codes = set(district_codes)
        districts = list(buyer_preference_district_list().filter(code__in=wanted_codes))
        if len(districts) != len(wanted_codes):
            errors["districts"] = [_("Choose districts of Jember from the list.")]
        clean["districts"] = districts
    if not _is_str_list(certifications) or not set(certifications) <= set(REQUIRED_CERTIFICATION_KINDS):
        errors["certifications"] = [_("Choose certifications from the list.")]
    else:
        clean["required_certifications"] = [k for k in REQUIRED_CERTIFICATION_KINDS if k in set(certifications)]
    if (not isinstance(min_shelf_life_days, int) or isinstance(min_shelf_life_days, bool)
            or not 1 <= min_shelf_life_days <= 3650):
        errors["min_shelf_life_days"] = [_("Enter a number of days between 1 and 3650.")]
    clean["min_shelf_life_days"] = min_shelf_life_days
    if not isinstance(digest_enabled, bool):
        errors["digest_enabled"] = [_("Choose yes or no.")]
    clean["digest_enabled"] = digest_enabled
    if errors:
        raise BuyerInvalid(fields=errors)
    return clean


@transaction.atomic
def buyer_preferences_set(*, organisation: Organisation, actor: User, category_ids: list[int],
                          district_codes: list[str], certifications: list[str], min_shelf_life_days: int,
                          digest_enabled: bool) -> BuyerProfile:
    """Replace the organisation's preferences: categories of interest (ids; none: any), districts of
    Jember it sources from (codes; none: any), certifications it requires (permit kinds), the
    minimum shelf life (days) of food and drink, and whether owners and managers get the daily digest.

    Owners and managers only (``BuyerManagerRequired``); bad input raises ``BuyerInvalid`` and
    changes nothing.
    """
    _require_buyer_manager(organisation=organisation, actor=actor)
    clean = _preferences_clean(category_ids=category_ids, district_codes=district_codes,
                               certifications=certifications, min_shelf_life_days=min_shelf_life_days,
                               digest_enabled=digest_enabled)
    BuyerProfile.objects.get_or_create(organisation=organisation)
    profile = BuyerProfile.objects.select_for_update().get(organisation=organisation)
    profile.required_certifications = clean["required_certifications"]
    profile.min_shelf_life_days = clean["min_shelf_life_days"]
    profile.digest_enabled = clean["digest_enabled"]
    profile.save(update_fields=["required_certifications", "min_shelf_life_days", "digest_enabled", "updated_at"])
    profile.categories.set(clean["categories"])
    profile.districts.set(clean["districts"])
    return profile


# --- the daily digest of newly listed products that match --------------------------------------

DIGEST_FIRST_WINDOW = timedelta(days=1)  # an organisation's first digest looks back one day
# Each digest looks back a little before the previous one ended: an approval whose transaction
# committed after that run still had its time stamped before it. ``BuyerDigestItem`` keeps the
# overlap from announcing anything twice.
DIGEST_OVERLAP = timedelta(hours=1)
DIGEST_MAX_PRODUCTS = 50  # listed in one email; the rest wait for the next morning


def buyer_digest_send(*, now: datetime | None = None) -> int:
    """Daily: email each buyer organisation's owners and managers the products first listed since
    its previous digest that are retail-ready for it; return the number of emails queued.

    Each organisation is handled in its own transaction (``buyer_digest_send_one``); safe to retry
    or run twice: a product is announced to an organisation at most once, ever.
    """
    now = now or timezone.now()
    sent = 0
    organisations = (Organisation.objects.filter(kind=Organisation.Kind.BUYER)
                     .exclude(buyer_profile__digest_enabled=False).order_by("pk").values_list("pk", flat=True))
    for organisation_id in list(organisations):
        sent += buyer_digest_send_one(organisation_id=organisation_id, now=now)
    return sent


@transaction.atomic(durable=True)
def buyer_digest_send_one(*, organisation_id: int, now: datetime) -> int:
    """Announce to one buyer organisation the new products that match it (see ``buyer_digest_send``).

    Nothing is sent when nothing matches or the organisation turned the digest off. The emails
    leave after commit, one per owner or manager, in their language; return how many.
    """
    organisation = Organisation.objects.filter(pk=organisation_id, kind=Organisation.Kind.BUYER).first()
    if organisation is None:
        return 0
    BuyerProfile.objects.get_or_create(organisation=organisation)
    profile = BuyerProfile.objects.select_for_update().get(organisation=organisation)
    if not profile.digest_enabled:
        return 0
    checked = profile.digest_checked_until
    since = checked - DIGEST_OVERLAP if checked else now - DIGEST_FIRST_WINDOW
    if checked is None or checked < now:
        profile.digest_checked_until = now
        profile.save(update_fields=["digest_checked_until", "updated_at"])
    already = BuyerDigestItem.objects.filter(organisation=organisation).values("product_id")
    products = list(product_list_first_listed_for_buyer(
        criteria=buyer_criteria_get(organisation=organisation), since=since, until=now,
        today=timezone.localdate(now)).exclude(pk__in=already)[:DIGEST_MAX_PRODUCTS])
    if not products:
        return 0
    BuyerDigestItem.objects.bulk_create([BuyerDigestItem(organisation=organisation, product=product)
                                         for product in products])
    people = [m.user for m in Membership.objects.filter(
        organisation=organisation, role__in=BUYER_EDITOR_ROLES, user__is_active=True)
        .select_related("user").order_by("user__email") if m.user.email]
    for user in people:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, body = _digest_message(organisation=organisation, products=products)
        email_send_task.delay_on_commit(subject=subject, body=body, to=[user.email])
    return len(people)


def _digest_message(*, organisation: Organisation, products: list) -> tuple[str, str]:
    """Return the digest's subject and plain-text body in the active language, with links from ``SITE_URL``."""
    subject = _("New products for %(organisation)s: %(count)s") % {"organisation": organisation.name,
                                                                   "count": len(products)}
    lines = [_("Newly listed village products that match the preferences of %(organisation)s:")
             % {"organisation": organisation.name}, ""]
    for product in products:
        view = product_public_view(product)
        lines += [f"- {view.name}",
                  "  " + _("%(producer)s, %(village)s (District %(district)s), from %(price)s / %(unit)s") % {
                      "producer": view.producer.name, "village": view.village.name,
                      "district": view.village.district.name, "price": format_rupiah(view.from_price),
                      "unit": view.unit_one},
                  f"  {settings.SITE_URL}{reverse('frontend:product-detail', kwargs={'pk': product.pk})}"]
    lines += ["", _("Change your preferences or stop these emails: %(url)s")
              % {"url": f"{settings.SITE_URL}{reverse('frontend:buyer-preferences')}"}]
    return str(subject), "\n".join(str(line) for line in lines)


# --- delivery places (outlets of buyer organisations, consumers' addresses) ----------------------------

MAX_OUTLETS = 500
MAX_ADDRESSES = 20
PLACE_FIELDS = frozenset({"name", "contact_name", "phone", "street", "village_code", "postal_code"})
OUTLET_FIELDS = PLACE_FIELDS | {"receiving_hours"}
_PLACE_LENGTHS = {"name": 100, "contact_name": 150, "street": 500, "receiving_hours": 100}


def _place_clean(fields: dict, *, partial: bool, allowed: frozenset[str] = PLACE_FIELDS) -> dict:
    """Check and normalise delivery place fields; raise ``BuyerInvalid`` with every problem found.

    ``village_code`` is a Kemendagri village code (``35.09.01.2001``); the district follows from it.
    Outlets also take ``receiving_hours`` (free text, optional).
    """
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    for key in sorted(fields.keys() - allowed):
        errors[key] = [_("This field cannot be changed here.")]
    required = {"name", "contact_name", "phone", "street", "village_code"}
    for key in sorted(allowed if not partial else fields.keys() & allowed):
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

    Fields: ``name``, ``contact_name``, ``phone``, ``street``, ``village_code``, ``postal_code`` and
    ``receiving_hours`` (optional).
    """
    _require_buyer_manager(organisation=organisation, actor=actor)
    clean = _place_clean(fields, partial=False, allowed=OUTLET_FIELDS)
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
    clean = _place_clean(fields, partial=True, allowed=OUTLET_FIELDS)
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


# --- registration of a buyer organisation and its verification by officers ---------------------------

REGISTRATION_TRANSITIONS: dict[str, frozenset[str]] = {
    BuyerRegistration.Status.DRAFT: frozenset({BuyerRegistration.Status.SUBMITTED}),
    BuyerRegistration.Status.SUBMITTED: frozenset({BuyerRegistration.Status.VERIFIED,
                                                   BuyerRegistration.Status.REFUSED}),
    BuyerRegistration.Status.REFUSED: frozenset({BuyerRegistration.Status.SUBMITTED}),
    BuyerRegistration.Status.VERIFIED: frozenset({BuyerRegistration.Status.SUBMITTED}),
}
# Who the organisation is in law: changing one of these sends a verified registration back to the officers.
LEGAL_FIELDS = ("legal_name", "nib", "npwp")
MAX_REASON_LENGTH = 2000


@dataclass(frozen=True)
class BuyerRegistrationData:
    """What a buyer organisation registers (every field required)."""

    legal_name: str
    kind: str
    nib: str
    npwp: str
    street: str
    village_code: str
    contact_name: str
    phone: str
    email: str


class _Invalid(Exception):
    pass


def _text(limit: int, *, one_line: bool = True) -> Callable[[str], str]:
    def clean(value: str) -> str:
        value = " ".join(value.split()) if one_line else value.strip()
        if not value:
            raise _Invalid(_("This field is required."))
        if len(value) > limit:
            raise _Invalid(_("This text is too long (at most %(count)s characters).") % {"count": limit})
        return value

    return clean


def _digits(pattern: str, message: object) -> Callable[[str], str]:
    """Accept the number as people type it (dots, dashes, spaces, slashes) and keep its digits."""

    def clean(value: str) -> str:
        if not value.strip():
            raise _Invalid(_("This field is required."))
        digits = re.sub(r"[\s.\-/]", "", value)
        if not re.match(pattern, digits):
            raise _Invalid(message)
        return digits

    return clean


def _kind(value: str) -> str:
    if value not in BuyerKind.values:
        raise _Invalid(_("Choose a kind of business from the list."))
    return value


def _phone(value: str) -> str:
    value = re.sub(r"[\s\-().]", "", value)
    if not value:
        raise _Invalid(_("This field is required."))
    if not re.match(PHONE_PATTERN, value):
        raise _Invalid(_("Enter a phone number of 8 to 15 digits, e.g. 081234567890."))
    return value


def _email(value: str) -> str:
    value = value.strip().lower()
    if not value:
        raise _Invalid(_("This field is required."))
    try:
        validate_email(value)
    except ValidationError:
        raise _Invalid(_("Enter a valid email address.")) from None
    return value


def _village(value: str) -> Village:
    village = Village.objects.select_related("district").filter(code=value.strip()).first() if value else None
    if village is None:
        raise _Invalid(_("Choose a village from the list."))
    return village


# One rule per field: the field's cleaner and the model field it fills.
_REGISTRATION_RULES: dict[str, tuple[Callable[[str], object], str]] = {
    "legal_name": (_text(200), "legal_name"),
    "kind": (_kind, "kind"),
    "nib": (_digits(NIB_PATTERN, gettext_lazy("An NIB has 13 digits.")), "nib"),
    "npwp": (_digits(NPWP_PATTERN, gettext_lazy("An NPWP has 15 or 16 digits, e.g. 01.234.567.8-901.000.")),
             "npwp"),
    "street": (_text(500, one_line=False), "street"),
    "village_code": (_village, "village"),
    "contact_name": (_text(150), "contact_name"),
    "phone": (_phone, "phone"),
    "email": (_email, "email"),
}


def _registration_clean(data: BuyerRegistrationData) -> dict:
    """Return the model fields of ``data``, or raise ``BuyerInvalid`` with every field's problem."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    for key, value in asdict(data).items():
        cleaner, target = _REGISTRATION_RULES[key]
        if not isinstance(value, str):
            errors[key] = [_("Enter text.")]
            continue
        try:
            clean[target] = cleaner(value)
        except _Invalid as exc:
            errors[key] = [str(exc)]
    if errors:
        raise BuyerInvalid(fields=errors)
    return clean


def _require_officer(user: User | None) -> None:
    if user is None or not user.is_active or not user.is_officer:
        raise OfficerRequired()


def buyer_registration_transition(*, registration: BuyerRegistration, to: str, actor: User,
                                  reason: str = "") -> BuyerRegistration:
    """Move a locked registration to ``to`` if the table allows it, with its event and notifications.

    The one place a registration's status changes; composes inside the caller's transaction (the
    caller has locked the row). Verification and refusal are emailed to the organisation's owners
    after commit.
    """
    Status = BuyerRegistration.Status
    if to not in REGISTRATION_TRANSITIONS[registration.status]:
        raise BuyerRegistrationTransitionInvalid()
    reason = reason.strip()
    if to == Status.REFUSED and not reason:
        raise BuyerInvalid(fields={"reason": [_("Give the reason for the refusal: the buyer reads it.")]})
    if len(reason) > MAX_REASON_LENGTH:
        raise BuyerInvalid(fields={"reason": [_("This text is too long (at most %(count)s characters).")
                                              % {"count": MAX_REASON_LENGTH}]})
    from_status = registration.status
    now = timezone.now()
    registration.status = to
    if to == Status.SUBMITTED:
        registration.submitted_at = now
        registration.verified_at = None
        registration.refusal_reason = ""  # the event keeps it
    elif to == Status.VERIFIED:
        registration.verified_at = now
    elif to == Status.REFUSED:
        registration.refusal_reason = reason
    registration.save(update_fields=["status", "submitted_at", "verified_at", "refusal_reason", "updated_at"])
    event = BuyerRegistrationEvent.objects.create(registration=registration, from_status=from_status, to_status=to,
                                                  actor=actor, reason=reason)
    if to in (Status.VERIFIED, Status.REFUSED):
        from buyers.notifications import registration_notify_after_commit

        registration_notify_after_commit(event_id=event.pk)
    return registration


def _nib_free(*, organisation: Organisation, nib: str) -> None:
    taken = BuyerRegistration.objects.filter(nib=nib, status=BuyerRegistration.Status.VERIFIED).exclude(
        organisation=organisation)
    if taken.exists():
        raise BuyerInvalid(fields={"nib": [_("Another verified organisation is registered with this NIB.")]})


@transaction.atomic
def buyer_registration_save(*, organisation: Organisation, actor: User,
                            data: BuyerRegistrationData) -> BuyerRegistration:
    """Record the organisation's legal details: a draft the first time, then corrections.

    Owners and managers only. A verified organisation whose legal name, NIB or NPWP changes goes
    back to the officers (submitted); a refused one stays refused until it is submitted again.
    """
    _require_buyer_manager(organisation=organisation, actor=actor)
    clean = _registration_clean(data)
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    _nib_free(organisation=organisation, nib=clean["nib"])
    registration = BuyerRegistration.objects.select_for_update().filter(organisation=organisation).first()
    if registration is None:
        registration = BuyerRegistration.objects.create(organisation=organisation, **clean)
        BuyerRegistrationEvent.objects.create(registration=registration, from_status="",
                                              to_status=BuyerRegistration.Status.DRAFT, actor=actor)
        return registration
    legal_changed = any(getattr(registration, key) != clean[key] for key in LEGAL_FIELDS)
    for key, value in clean.items():
        setattr(registration, key, value)
    registration.save()
    if registration.status == BuyerRegistration.Status.VERIFIED and legal_changed:
        buyer_registration_transition(registration=registration, to=BuyerRegistration.Status.SUBMITTED,
                                      actor=actor, reason=_("The legal name, NIB or NPWP changed."))
    return registration


@transaction.atomic
def buyer_registration_submit(*, organisation: Organisation, actor: User) -> BuyerRegistration:
    """Send the registration to the officers (first time or after a refusal); a second click changes nothing."""
    _require_buyer_manager(organisation=organisation, actor=actor)
    registration = BuyerRegistration.objects.select_for_update().filter(organisation=organisation).first()
    if registration is None:
        raise BuyerRegistrationNotFound()
    if registration.status == BuyerRegistration.Status.SUBMITTED:
        return registration
    return buyer_registration_transition(registration=registration, to=BuyerRegistration.Status.SUBMITTED,
                                         actor=actor)


def _locked_for_officer(*, registration: BuyerRegistration, officer: User) -> BuyerRegistration:
    _require_officer(officer)
    return BuyerRegistration.objects.select_for_update().get(pk=registration.pk)


@transaction.atomic
def buyer_registration_verify(*, registration: BuyerRegistration, officer: User) -> BuyerRegistration:
    """Mark a submitted registration verified (the owners are told); verifying it again changes nothing."""
    locked = _locked_for_officer(registration=registration, officer=officer)
    if locked.status == BuyerRegistration.Status.VERIFIED:
        return locked
    return buyer_registration_transition(registration=locked, to=BuyerRegistration.Status.VERIFIED, actor=officer)


@transaction.atomic
def buyer_registration_refuse(*, registration: BuyerRegistration, officer: User, reason: str) -> BuyerRegistration:
    """Refuse a submitted registration with a reason the buyer reads (the owners are told)."""
    locked = _locked_for_officer(registration=registration, officer=officer)
    return buyer_registration_transition(registration=locked, to=BuyerRegistration.Status.REFUSED, actor=officer,
                                         reason=reason)


@transaction.atomic
def address_erase_for_account_closure(user: User) -> int:
    """Delete a closing person's delivery addresses; return how many (composes in ``account_close``).

    Checkouts lose the link (``SET_NULL``) but keep the delivery address copied when they were
    placed: orders and invoices are records the law requires to keep.
    """
    deleted, _by_model = Address.objects.filter(user=user).delete()
    return deleted
