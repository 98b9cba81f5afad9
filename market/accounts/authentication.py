"""DRF authentication by our own API tokens (``Authorization: Token <secret>``).

DRF imports this module while it loads its settings, before the app registry is ready: models,
selectors and services are imported inside the methods.
"""
from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header


class ApiTokenAuthentication(BaseAuthentication):
    """Accept a live ``ApiToken``: refuse expired, revoked, old-password and inactive-owner tokens.

    The keyword stays ``Token`` (DRF's ``TokenAuthentication``), so existing clients keep working.
    Errors are DRF's ``AuthenticationFailed`` (401 with a ``WWW-Authenticate: Token`` challenge) with
    our codes, and ``PermissionDenied`` (403 ``mfa_setup_required``) for an officer without TOTP.
    """

    keyword = "Token"

    def authenticate(self, request):
        from market.accounts.exceptions import ApiTokenInvalid, MfaSetupRequired
        from market.accounts.selectors import api_token_authenticate
        from market.accounts.services import api_token_mark_used

        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(ApiTokenInvalid.default_message, code=ApiTokenInvalid.code)
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(ApiTokenInvalid.default_message, code=ApiTokenInvalid.code) from None
        try:
            token = api_token_authenticate(key=key)
        except ApiTokenInvalid as exc:  # and ApiTokenExpired
            raise exceptions.AuthenticationFailed(exc.message, code=exc.code) from exc
        except MfaSetupRequired as exc:
            raise exceptions.PermissionDenied(exc.message, code=exc.code) from exc
        api_token_mark_used(token=token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword
