"""Page views: validate input, call one selector or service, render."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from frontend.selectors import programme_area_summary
from market.accounts.models import Role
from market.accounts.selectors import membership_list

DASHBOARD_COPY = {
    Role.PRODUCER: {
        "title": _("Producer dashboard"),
        "intro": _("Manage your products, stock and incoming orders."),
        "next": [_("Add your products and submit them for curation"), _("Keep stock up to date"),
                 _("Accept, pack and ship orders")],
    },
    Role.BUYER: {
        "title": _("Retail buyer dashboard"),
        "intro": _("Order village products wholesale for your outlets."),
        "next": [_("Search the curated catalogue"), _("Order wholesale and request quotes"),
                 _("Track placements in your stores")],
    },
    Role.CONSUMER: {
        "title": _("My shopping"),
        "intro": _("Buy products made in Jember's industrial villages."),
        "next": [_("Browse village products"), _("Track your orders")],
    },
    Role.INVESTOR: {
        "title": _("Investor dashboard"),
        "intro": _("Discover villages and investment opportunities."),
        "next": [_("Browse village profiles"), _("Express interest in an opportunity")],
    },
    Role.OFFICER: {
        "title": _("Programme officer dashboard"),
        "intro": _("Survey villages, coach producers, curate products and report results."),
        "next": [_("Villages by programme stage"), _("Curation queue"), _("Programme reports")],
    },
}


def home(request):
    return render(request, "frontend/home.html", {"area": programme_area_summary()})


@login_required
def dashboard(request):
    """Send each person to their own dashboard."""
    return redirect("frontend:dashboard-role", role=request.user.role)


@login_required
def dashboard_role(request, role: str):
    if role not in DASHBOARD_COPY:
        raise PermissionDenied
    if request.user.role != role or (role == Role.OFFICER and not request.user.is_staff):
        raise PermissionDenied(_("This dashboard belongs to another role."))
    return render(request, "frontend/dashboard/role.html", {
        "role": role,
        "copy": DASHBOARD_COPY[role],
        "memberships": membership_list(user=request.user),
    })
