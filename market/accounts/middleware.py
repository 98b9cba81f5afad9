"""Programme officers act only in sessions that passed their second factor.

An officer without TOTP may only reach the account pages, to set it up. An officer with TOTP
whose session has not passed it in this session (a session from before this rule, or any way
in that checked only the password) may only prove it on allauth's code page or sign out; the
API answers 403. Token-authenticated API calls are checked by the token authentication itself:
the middleware runs before DRF knows the token's user.
"""
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from market.accounts.mfa import session_passed_mfa
from market.accounts.selectors import user_has_totp
from market.core.api import error_payload

# Always reachable: assets, health, language, and leaving.
ALWAYS_ALLOWED_PREFIXES = ("/static/", "/media/", "/healthz", "/i18n/", "/jsi18n/", "/accounts/logout/")
# An officer without TOTP may also reach the account pages, to set it up.
SETUP_ALLOWED_PREFIXES = ("/accounts/",)
# An officer with TOTP whose session has not passed it may also prove it.
PROVE_ALLOWED_PREFIXES = ("/accounts/2fa/reauthenticate/",)


class OfficerMfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or not getattr(user, "is_officer", False)
            or request.path.startswith(ALWAYS_ALLOWED_PREFIXES)
        ):
            return self.get_response(request)
        # One indexed query per officer request: deactivating TOTP takes effect at once.
        if not user_has_totp(user=user):
            if request.path.startswith(SETUP_ALLOWED_PREFIXES):
                return self.get_response(request)
            if request.path.startswith("/api/"):
                return JsonResponse(error_payload("mfa_setup_required", _(
                    "Officers must set up two-factor authentication on the website before using the API.")),
                    status=403)
            messages.warning(request, _("Programme officers must set up two-factor authentication first."))
            return redirect("mfa_activate_totp")
        if session_passed_mfa(request) or request.path.startswith(PROVE_ALLOWED_PREFIXES):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(error_payload("mfa_required", _(
                "Enter the code from your authenticator app on the website first: this session has not passed "
                "two-factor authentication.")), status=403)
        return redirect_to_login(request.get_full_path(), login_url=reverse("mfa_reauthenticate"))
