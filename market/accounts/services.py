"""Writes about people and organisations."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

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
    AccountClosureBlocked,
    AccountClosureWrongPassword,
    ApiTokenNotInUse,
    EmailNotVerified,
    InvalidCredentials,
    MfaCodeInvalid,
    MfaCodeRequired,
    MfaSetupRequired,
    OfficerCannotClose,
    OrganisationRequired,
    RoleNotSelfService,
    TooManyLoginAttempts,
)
from market.accounts.models import (
    AccountClosure,
    ApiToken,
    Invitation,
    Membership,
    MembershipEvent,
    Organisation,
    Role,
    User,
)
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


# --- closing an account -------------------------------------------------------------------------


def _account_closed_email(*, email: str, language: str) -> None:
    from django.utils import translation

    from market.core.tasks import email_send_task

    with translation.override(language or "id"):
        subject = _("Your Kampung Industri account is closed")
        body = _("Your Kampung Industri account was closed at your request. Your profile, addresses, "
                 "sign-in methods and API tokens were deleted. Orders, invoices and payments, with the "
                 "name and delivery address copied onto them, stay on record for as long as the law on "
                 "bookkeeping requires (10 years).\n\nIf you did not ask for this, answer this email at once.")
    email_send_task.delay(subject=str(subject), body=str(body), to=[email])


def account_close(*, user: User, password: str, request: HttpRequest | None = None) -> AccountClosure:
    """Close ``user``'s own account after their password: anonymise the person, keep the records.

    With the ``request`` (pages and the API pass it) the password is checked through allauth first,
    outside any transaction, so that a wrong one counts toward the sign-in lockout
    (``login_failed``, per email and client address) and a locked account is refused
    (``TooManyLoginAttempts``): the closure page is not a way around the lockout to guess a password.
    """
    if request is not None:
        _password_confirm_counted(request=request, user=user, password=password)
    return _account_close(user=user, password=password)


def _password_confirm_counted(*, request: HttpRequest, user: User, password: str) -> None:
    """Check ``user``'s password as the sign-in page does, counted in allauth's ``login_failed`` limit.

    No transaction here: with the database cache a rollback would undo the counts.
    """
    if user.is_officer or user.role == Role.OFFICER or user.is_staff:
        raise OfficerCannotClose()
    with allauth_context.request_context(request):
        try:
            matched = get_adapter(request).authenticate(request, email=user.email, password=password)
        except ValidationError as exc:
            if exc.code == "too_many_login_attempts":
                raise TooManyLoginAttempts() from exc
            raise
    if matched is None or matched.pk != user.pk:
        raise AccountClosureWrongPassword()


@transaction.atomic(durable=True)
def _account_close(*, user: User, password: str) -> AccountClosure:
    """Close ``user``'s own account after their password: anonymise the person, keep the records.

    Refused, with nothing changed, while the person has obligations (``selectors.account_closure_blockers``)
    and for officers. The user row stays (orders, invoices and the ledger point at it and must be
    kept), emptied of personal data and unable to sign in; each app erases its own data through the
    erasers registered in ``market.accounts.hooks``. Sessions end because the password hash changes
    (Django checks it on every request) and the person is inactive; API tokens are revoked. A
    confirmation goes to the old address after commit.
    """
    from market.accounts.hooks import closure_erasers
    from market.accounts.selectors import account_closure_blockers

    if user.is_officer or user.role == Role.OFFICER or user.is_staff:
        raise OfficerCannotClose()
    # Lock the person: a second closure or a concurrent checkout waits for this one.
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_active:
        raise AccountClosureWrongPassword()
    if not locked.check_password(password):
        raise AccountClosureWrongPassword()
    blockers = account_closure_blockers(user=locked)
    if blockers:
        raise AccountClosureBlocked(blockers=blockers)

    old_email, language = locked.email, locked.language
    now = timezone.now()
    removed: dict[str, int] = {}
    removed["email_addresses"], _by_model = EmailAddress.objects.filter(user=locked).delete()
    removed["authenticators"], _by_model = Authenticator.objects.filter(user=locked).delete()
    removed["api_tokens"] = api_token_revoke_all(user=locked, reason=ApiToken.RevokedReason.ACCOUNT_DEACTIVATED)
    removed["invitations"] = Invitation.objects.filter(
        invited_by=locked, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=locked)
    memberships = list(Membership.objects.filter(user=locked).order_by("pk"))
    MembershipEvent.objects.bulk_create([
        MembershipEvent(organisation_id=m.organisation_id, kind=MembershipEvent.Kind.REMOVED, actor=locked,
                        user=locked, from_role=m.role, created_at=now) for m in memberships])
    removed["memberships"], _by_model = Membership.objects.filter(pk__in=[m.pk for m in memberships]).delete()
    for name, eraser in closure_erasers().items():
        removed[name] = eraser(locked)

    locked.email = f"closed-{locked.pk}@invalid"
    locked.full_name = ""
    locked.phone = ""
    locked.is_active = False
    locked.set_unusable_password()
    locked.save(update_fields=["email", "full_name", "phone", "is_active", "password"])
    closure = AccountClosure.objects.create(user=locked, closed_at=now, removed=removed)
    transaction.on_commit(partial(_account_closed_email, email=old_email, language=language))
    return closure
