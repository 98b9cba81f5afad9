"""Two-factor authentication: what a session has proved, and the second factor for changing it.

A programme officer's session counts as signed in only once it passed TOTP (or a recovery
code) in this session: allauth records each step of a sign-in in the session, and
``OfficerMfaRequiredMiddleware`` reads that record on every officer request. Turning TOTP
off or replacing the recovery codes asks for a current code as well, so a password (or a
password-only re-authentication) is never enough to remove the second factor.
"""
from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.base.forms import BaseAuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.forms import GenerateRecoveryCodesForm
from allauth.mfa.totp.forms import DeactivateTOTPForm
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

MFA_METHOD = "mfa"


def session_passed_mfa(request: HttpRequest) -> bool:
    """Return whether the signed-in person completed a second factor in this session."""
    return any(record.get("method") == MFA_METHOD for record in get_authentication_records(request, request.user))


def session_record_mfa(*, request: HttpRequest, authenticator: Authenticator) -> None:
    """Record that this session just proved the second factor (a TOTP code entered to activate it)."""
    record_authentication(request, authenticator.user, MFA_METHOD, id=authenticator.pk, type=authenticator.type)


def _validate_second_factor(user, code: str) -> None:
    """Accept a current TOTP or an unused recovery code: allauth's own code check (its rate limit, its
    failure signal), the one its sign-in and re-authentication pages use."""
    check = BaseAuthenticateForm(data={"code": code}, user=user)
    if not check.is_valid():
        raise forms.ValidationError(check.errors["code"])


class SecondFactorField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Code from your authenticator app (or a recovery code)"), max_length=32, strip=True,
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                          "autofocus": True}),
            **kwargs,
        )


class DeactivateTotpForm(DeactivateTOTPForm):
    """allauth's deactivation, plus a current code: the password alone cannot remove the second factor."""

    code = SecondFactorField()

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        _validate_second_factor(self.authenticator.user, code)
        return code


class GenerateRecoveryCodesWithCodeForm(GenerateRecoveryCodesForm):
    """allauth's new recovery codes, plus a current code (new codes are a second factor too)."""

    code = SecondFactorField()

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        _validate_second_factor(self.user, code)
        return code


def on_authenticator_added(sender, request=None, authenticator=None, **kwargs) -> None:
    """allauth ``authenticator_added``: activating TOTP proved a code, so this session passed it."""
    if request is not None and authenticator is not None and authenticator.type == Authenticator.Type.TOTP:
        session_record_mfa(request=request, authenticator=authenticator)
