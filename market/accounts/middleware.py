"""Programme officers must use two-factor authentication before they can do anything."""
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from market.accounts.selectors import user_has_totp
from market.core.api import error_payload

# Paths an officer without TOTP may still reach: to set it up, to leave, and assets.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/media/")


class OfficerMfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "is_officer", False)
            and not request.path.startswith(ALLOWED_PREFIXES)
            # One indexed query per officer request: deactivating TOTP takes effect at once.
            and not user_has_totp(user=user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(error_payload("mfa_setup_required", _(
                    "Officers must set up two-factor authentication on the website before using the API.")),
                    status=403)
            else:
                messages.warning(request, _("Programme officers must set up two-factor authentication first."))
                return redirect("mfa_activate_totp")
        return self.get_response(request)
