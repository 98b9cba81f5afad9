"""Writes about people and organisations."""
from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import authenticate
from django.db import transaction
from rest_framework.authtoken.models import Token

from market.accounts.exceptions import (
    EmailNotVerified,
    InvalidCredentials,
    MfaCodeInvalid,
    MfaCodeRequired,
    MfaSetupRequired,
    OrganisationRequired,
    RoleNotSelfService,
)
from market.accounts.models import Membership, Organisation, Role, User

SELF_SERVICE_ROLES = (Role.PRODUCER, Role.BUYER, Role.CONSUMER, Role.INVESTOR)
ORGANISATION_KIND_FOR_ROLE = {Role.PRODUCER: Organisation.Kind.PRODUCER, Role.BUYER: Organisation.Kind.BUYER}


@transaction.atomic
def organisation_create(*, name: str, kind: str, owner: User) -> Organisation:
    """Create an organisation with ``owner`` as its first member."""
    organisation = Organisation.objects.create(name=name.strip(), kind=kind)
    Membership.objects.create(user=owner, organisation=organisation, role=Membership.Role.OWNER)
    return organisation


@transaction.atomic
def user_complete_sign_up(*, user: User, role: str, full_name: str, organisation_name: str = "",
                          phone: str = "", language: str = "id") -> User:
    """Record who a new user is; producers and buyers get their organisation."""
    if role not in SELF_SERVICE_ROLES:
        raise RoleNotSelfService()
    organisation_name = organisation_name.strip()
    if role in ORGANISATION_KIND_FOR_ROLE and not organisation_name:
        raise OrganisationRequired(fields={"organisation_name": [str(OrganisationRequired.default_message)]})
    user.role = role
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    user.language = language
    user.save(update_fields=["role", "full_name", "phone", "language"])
    if role in ORGANISATION_KIND_FOR_ROLE:
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


def api_token_issue(*, email: str, password: str, code: str = "", request=None) -> Token:
    """Return the user's API token after checking password, verified email and, if set up, TOTP."""
    user = authenticate(request, username=email.strip().lower(), password=password)
    if user is None:
        raise InvalidCredentials()
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise EmailNotVerified()
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is not None:
        if not code:
            raise MfaCodeRequired()
        if not TOTP(authenticator).validate_code(code):
            raise MfaCodeInvalid()
    elif user.is_officer:
        raise MfaSetupRequired()
    token, _created = Token.objects.get_or_create(user=user)
    return token


def api_token_revoke(*, user: User) -> None:
    """Delete the user's API token (signs out every API client)."""
    Token.objects.filter(user=user).delete()

