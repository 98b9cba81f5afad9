"""Reads about people and organisations."""
from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db.models import QuerySet

from market.accounts.models import Membership, User


def membership_list(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def user_has_totp(*, user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
