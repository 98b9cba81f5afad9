"""Account pages of our own; everything else about signing in is allauth's."""
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def admin_login(request, extra_context=None):
    """Send the admin's sign-in to allauth's: one lockout policy, and the second factor.

    Django's own admin form checks the password alone, so officers would reach the admin
    without TOTP and outside allauth's rate limits.
    """
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("admin:index")
    return redirect_to_login(target, login_url=reverse("account_login"))
