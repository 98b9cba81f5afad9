"""Reads about people and organisations."""
from __future__ import annotations

from datetime import datetime

from allauth.mfa.models import Authenticator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from market.accounts.exceptions import ApiTokenExpired, ApiTokenInvalid, MfaSetupRequired
from market.accounts.models import ApiToken, Invitation, Membership, MembershipEvent, Organisation, Role, User
from market.core.errors import NotFound


def membership_list(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def buyer_organisation_list(*, user: User) -> QuerySet[Organisation]:
    """Return the buyer organisations ``user`` may shop for."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(kind=Organisation.Kind.BUYER, memberships__user=user).order_by("name", "pk")


def access_organisation(*, user: User, pk: int) -> Organisation:
    """Return the organisation for one of its members, with ``viewer_role`` (owner, manager, member);
    anyone else gets ``NotFound``."""
    membership = (Membership.objects.select_related("organisation").filter(user=user, organisation_id=pk).first()
                  if user.is_authenticated and user.is_active else None)
    if membership is None:
        raise NotFound(_("Organisation not found."))
    organisation = membership.organisation
    organisation.viewer_role = membership.role
    organisation.viewer_membership = membership
    return organisation


_ROLE_ORDER: dict[str, int] = {Membership.Role.OWNER: 0, Membership.Role.MANAGER: 1, Membership.Role.MEMBER: 2}


def organisation_member_list(*, organisation: Organisation) -> list[Membership]:
    """Return the organisation's members: owners first, then managers, then members, by name (one query)."""
    members = list(Membership.objects.filter(organisation=organisation).select_related("user"))
    return sorted(members, key=lambda m: (_ROLE_ORDER.get(m.role, 9), (m.user.full_name or m.user.email).lower(),
                                          m.pk))


def membership_get(*, organisation: Organisation, pk: int) -> Membership:
    membership = Membership.objects.select_related("user", "organisation").filter(
        organisation=organisation, pk=pk).first()
    if membership is None:
        raise NotFound(_("This person is not a member."))
    return membership


def invitation_list_open(*, organisation: Organisation) -> QuerySet[Invitation]:
    """Return the invitations neither accepted nor revoked (expired ones too: they can be sent again), newest first."""
    return (Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True)
            .select_related("invited_by").order_by("-created_at", "-pk"))


def invitation_get(*, organisation: Organisation, pk: int) -> Invitation:
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(
        organisation=organisation, pk=pk).first()
    if invitation is None:
        raise NotFound(_("No such invitation."))
    return invitation


def invitation_get_by_token(*, token: str) -> Invitation | None:
    """Return the invitation whose link carries ``token`` (whatever its status), or ``None``."""
    if not token or len(token) > 100:
        return None
    return (Invitation.objects.select_related("organisation", "invited_by")
            .filter(token_hash=Invitation.hash_token(token)).first())


def membership_event_list(*, organisation: Organisation, limit: int = 20) -> list[MembershipEvent]:
    """Return the organisation's latest membership events, newest first."""
    return list(MembershipEvent.objects.filter(organisation=organisation).select_related("actor", "user")
                .order_by("-created_at", "-pk")[:limit])


def user_has_totp(*, user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def api_token_list(*, user: User, now: datetime | None = None) -> QuerySet[ApiToken]:
    """Return ``user``'s usable tokens, newest first: not revoked, not expired, issued under the current password."""
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=now or timezone.now(),
        password_fingerprint__in=ApiToken.password_fingerprints(user),
    ).order_by("-created_at", "-pk")


def api_token_authenticate(*, key: str, now: datetime | None = None) -> ApiToken:
    """Return the token for the secret ``key`` with its user, or raise why it cannot be used.

    Unknown, revoked, inactive-owner and old-password tokens all raise ``ApiTokenInvalid`` (nothing to
    learn from the difference); expiry says so, so that a client knows to request a new token. An
    officer's token stops at once when the officer no longer has TOTP (one indexed query per officer
    request, as ``OfficerMfaRequiredMiddleware`` does for sessions: the middleware runs before DRF
    knows who a token belongs to).
    """
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
    if (
        token is None
        or token.revoked_at is not None
        or not token.user.is_active
        or token.password_fingerprint not in ApiToken.password_fingerprints(token.user)
    ):
        raise ApiTokenInvalid()
    if token.expires_at <= (now or timezone.now()):
        raise ApiTokenExpired()
    if token.user.is_officer and not user_has_totp(user=token.user):
        raise MfaSetupRequired()
    return token


def personal_data_export(*, user: User) -> dict:
    """Return everything the marketplace keeps about ``user`` (UU 27/2022 on personal data), as JSON-ready data.

    Accounts' own part (profile, email addresses, memberships, API tokens without their secrets,
    two-factor methods without their secrets) and each section a domain app registered.
    """
    from allauth.account.models import EmailAddress

    from market.accounts.hooks import personal_data_sections

    data: dict = {
        "exported_at": timezone.now().isoformat(),
        "profile": {"email": user.email, "full_name": user.full_name, "phone": user.phone, "role": user.role,
                    "language": user.language, "date_joined": user.date_joined.isoformat(),
                    "last_login": user.last_login.isoformat() if user.last_login else None},
        "email_addresses": [{"email": e.email, "verified": e.verified, "primary": e.primary}
                            for e in EmailAddress.objects.filter(user=user).order_by("email")],
        "organisations": [{"name": m.organisation.name, "kind": m.organisation.kind, "role": m.role}
                          for m in membership_list(user=user)],
        "api_tokens": [{"name": t.name, "prefix": t.prefix, "created_at": t.created_at.isoformat(),
                        "expires_at": t.expires_at.isoformat(),
                        "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None}
                       for t in ApiToken.objects.filter(user=user).order_by("created_at", "pk")],
        "two_factor_methods": sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
    }
    for section, exporter in personal_data_sections().items():
        data[section] = exporter(user)
    return data


def account_closure_blockers(*, user: User) -> list:
    """Return what stops ``user`` closing their account (empty: they may close it).

    Accounts' own: an organisation they are the last owner of while others are still members (they
    hand it over first). Then each app's registered blockers (open orders, refunds owed...).
    """
    from django.urls import reverse

    from market.accounts.hooks import ClosureBlocker, closure_blocker_providers

    blockers: list[ClosureBlocker] = []
    owned = Membership.objects.filter(user=user, role=Membership.Role.OWNER).select_related("organisation")
    for membership in owned.order_by("organisation__name", "organisation_id"):
        others = Membership.objects.filter(organisation_id=membership.organisation_id).exclude(user=user)
        if others.exists() and not others.filter(role=Membership.Role.OWNER).exists():
            blockers.append(ClosureBlocker(
                code="last_owner",
                message=_("You are the last owner of %(organisation)s, which has other members: make one of "
                          "them an owner first.") % {"organisation": membership.organisation.name},
                url=reverse("frontend:organisation-members", args=[membership.organisation_id]),
            ))
    for provider in closure_blocker_providers().values():
        blockers.extend(provider(user))
    return blockers


def officer_list() -> QuerySet[User]:
    """Return the programme officers (active or not: the audit trail names former ones too), by name."""
    return User.objects.filter(role=Role.OFFICER, is_staff=True).order_by("full_name", "email", "pk")
