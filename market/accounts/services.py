"""Writes about people and organisations."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.mfa.base.internal.flows import check_rate_limit
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from market.accounts.exceptions import (
    ApiTokenNotInUse,
    EmailNotVerified,
    InvalidCredentials,
    MfaCodeInvalid,
    MfaCodeRequired,
    MfaSetupRequired,
    OrganisationRequired,
    RoleNotSelfService,
    TooManyLoginAttempts,
)
from market.accounts.models import ApiToken, Membership, Organisation, Role, User
from market.core.errors import NotFound

SELF_SERVICE_ROLES = (Role.PRODUCER, Role.BUYER, Role.CONSUMER, Role.INVESTOR)
ORGANISATION_KIND_FOR_ROLE: dict[str, str] = {Role.PRODUCER: Organisation.Kind.PRODUCER, Role.BUYER: Organisation.Kind.BUYER}
# last_used_at is written at most this often: a busy client must not cost a write per request.
API_TOKEN_LAST_USED_RESOLUTION = timedelta(minutes=5)


@transaction.atomic
def organisation_create(*, name: str, kind: str, owner: User) -> Organisation:
    """Create an organisation with ``owner`` as its first member."""
    organisation = Organisation.objects.create(name=name.strip(), kind=kind)
    Membership.objects.create(user=owner, organisation=organisation, role=Membership.Role.OWNER)
    return organisation


@transaction.atomic
def user_complete_sign_up(*, user: User, role: str, full_name: str, organisation_name: str = "",
                          phone: str = "", language: str = "id", joins_organisation: bool = False) -> User:
    """Record who a new user is; producers and buyers get their organisation.

    ``joins_organisation``: the person signs up to accept an invitation, so they join an existing
    organisation (``members.invitation_accept``) instead of founding one.
    """
    if role not in SELF_SERVICE_ROLES:
        raise RoleNotSelfService()
    organisation_name = "" if joins_organisation else organisation_name.strip()
    if role in ORGANISATION_KIND_FOR_ROLE and not organisation_name and not joins_organisation:
        raise OrganisationRequired(fields={"organisation_name": [str(OrganisationRequired.default_message)]})
    user.role = role
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    user.language = language
    user.save(update_fields=["role", "full_name", "phone", "language"])
    if role in ORGANISATION_KIND_FOR_ROLE and organisation_name:
        organisation_create(name=organisation_name, kind=ORGANISATION_KIND_FOR_ROLE[role], owner=user)
    return user


@transaction.atomic
def officer_create(*, email: str, full_name: str, password: str | None, superuser: bool = False) -> User:
    """Create a programme officer with a verified email; they must add TOTP at first login."""
    email = email.strip().lower()
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name.strip(), role=Role.OFFICER,
        is_staff=True, is_superuser=superuser,
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@dataclass(frozen=True)
class IssuedApiToken:
    token: ApiToken
    key: str  # the secret: shown once, never stored


def api_token_issue(*, request: HttpRequest, email: str, password: str, code: str = "",
                    name: str = "") -> IssuedApiToken:
    """Issue a new API token after the password, a verified email and, when set up, a TOTP code.

    Failures count in allauth's own ``login_failed`` rate limit, so the sign-in page and the API
    share one lockout per email address (and per client address) in both directions: the password
    through ``adapter.authenticate`` (allauth's key for the email; a success takes back its own count,
    as on the sign-in page), the code through allauth's ``check_rate_limit`` (a success clears it, as
    on the code page). No transaction here: with the database cache a rollback would undo the counts.
    """
    with allauth_context.request_context(request):
        try:
            user = get_adapter(request).authenticate(request, email=email.strip().lower(), password=password)
        except ValidationError as exc:
            if exc.code == "too_many_login_attempts":
                raise TooManyLoginAttempts() from exc
            raise
        # allauth hands back an inactive user whose password matched (to show its "inactive" page).
        if user is None or not user.is_active:
            raise InvalidCredentials()
        if not EmailAddress.objects.filter(user=user, verified=True).exists():
            raise EmailNotVerified()
        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if authenticator is not None:
            if not code:
                raise MfaCodeRequired()
            try:
                clear_rate_limit = check_rate_limit(user)
            except ValidationError as exc:
                raise TooManyLoginAttempts() from exc
            if not TOTP(authenticator).validate_code(code):
                raise MfaCodeInvalid()
            clear_rate_limit()
        elif user.is_officer:
            raise MfaSetupRequired()
    return api_token_create(user=user, name=name)


@transaction.atomic
def api_token_create(*, user: User, name: str = "", now: datetime | None = None) -> IssuedApiToken:
    """Create a token for ``user`` that expires after ``API_TOKEN_TTL_DAYS`` (callers check the credentials)."""
    now = now or timezone.now()
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=user, name=name.strip() or _("API client"), prefix=key[:ApiToken.PREFIX_LENGTH],
        key_hash=ApiToken.hash_key(key), password_fingerprint=ApiToken.password_fingerprints(user)[0],
        created_at=now, expires_at=now + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    return IssuedApiToken(token=token, key=key)


def api_token_revoke(*, user: User, token_id: int,
                     reason: ApiToken.RevokedReason = ApiToken.RevokedReason.REVOKED) -> None:
    """Revoke one of ``user``'s live tokens; another person's token, or one already revoked, is not found."""
    revoked = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason)
    if not revoked:
        raise NotFound(_("No such token."))


def api_token_revoke_current(*, user: User, token: object) -> None:
    """Revoke the token that signed this request (an API client signing out)."""
    if not isinstance(token, ApiToken):
        raise ApiTokenNotInUse()
    api_token_revoke(user=user, token_id=token.pk, reason=ApiToken.RevokedReason.SIGNED_OUT)


def api_token_revoke_all(*, user: User, reason: ApiToken.RevokedReason) -> int:
    """Revoke every token of ``user`` (password changed, account deactivated, two-factor changed)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason)


def api_token_mark_used(*, token: ApiToken, now: datetime | None = None) -> None:
    """Record that ``token`` was used, at most once per ``API_TOKEN_LAST_USED_RESOLUTION``.

    One conditional UPDATE (no read, no lock): concurrent requests write it once between them.
    """
    now = now or timezone.now()
    stale_before = now - API_TOKEN_LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > stale_before:
        return
    ApiToken.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale_before), pk=token.pk).update(
        last_used_at=now)
    token.last_used_at = now


# Ended tokens stay listed this long (people see what was revoked and why), then they are deleted.
API_TOKEN_ENDED_KEPT = timedelta(days=30)


def api_token_purge(*, now: datetime | None = None) -> int:
    """Delete tokens that expired or were revoked more than ``API_TOKEN_ENDED_KEPT`` ago; return how many."""
    cutoff = (now or timezone.now()) - API_TOKEN_ENDED_KEPT
    deleted, _by_model = ApiToken.objects.filter(Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff)).delete()
    return deleted
