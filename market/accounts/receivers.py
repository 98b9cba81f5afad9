"""Receivers of allauth's signals: one line each, the work is in the services (connected in apps.py)."""
from __future__ import annotations

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authenticator_removed, authenticator_reset
from django.dispatch import receiver

from market.accounts.models import ApiToken
from market.accounts.services import api_token_revoke_all


@receiver(password_changed, dispatch_uid="accounts-tokens-password-changed")
@receiver(password_reset, dispatch_uid="accounts-tokens-password-reset")
@receiver(password_set, dispatch_uid="accounts-tokens-password-set")
def revoke_api_tokens_on_password_change(sender, user, **kwargs) -> None:
    api_token_revoke_all(user=user, reason=ApiToken.RevokedReason.PASSWORD_CHANGED)


@receiver(authenticator_removed, dispatch_uid="accounts-tokens-authenticator-removed")
@receiver(authenticator_reset, dispatch_uid="accounts-tokens-authenticator-reset")
def revoke_api_tokens_on_mfa_change(sender, user, **kwargs) -> None:
    api_token_revoke_all(user=user, reason=ApiToken.RevokedReason.MFA_CHANGED)
