"""Role-aware navigation for every page."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from market.accounts.models import Role


def navigation(request):
    user = getattr(request, "user", None)
    items = [
        {"label": _("Home"), "url": reverse("frontend:home"), "name": "home"},
        {"label": _("Villages"), "url": reverse("frontend:village-list"), "name": "villages"},
        {"label": _("Products"), "url": reverse("frontend:product-list"), "name": "products"},
        {"label": _("Search"), "url": reverse("frontend:search"), "name": "search"},
    ]
    if user is not None and user.is_authenticated:
        items.append({"label": _("Dashboard"), "url": reverse("frontend:dashboard"), "name": "dashboard"})
        if user.role == Role.OFFICER and user.is_staff:
            items.append({"label": _("Administration"), "url": reverse("admin:index"), "name": "admin"})
        items.append({"label": _("Account"), "url": reverse("account_email"), "name": "account"})
    return {"nav_items": items}
