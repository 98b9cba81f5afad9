"""Role-aware navigation for every page."""
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from market.accounts.models import Role


def navigation(request):
    user = getattr(request, "user", None)
    items = [
        {"label": _("Home"), "url": reverse("frontend:home"), "name": "home"},
        {"label": _("Villages"), "url": reverse("frontend:village-list"), "name": "villages"},
        {"label": _("Products"), "url": reverse("frontend:product-list"), "name": "products"},
        {"label": _("Search"), "url": reverse("frontend:search"), "name": "search"},
        {"label": _("Showcases"), "url": reverse("frontend:showcase-list"), "name": "showcases"},
    ]
    extra: dict = {}
    shopper = user is None or not user.is_authenticated or user.role in (Role.BUYER, Role.CONSUMER)
    if not shopper and user.role != Role.OFFICER:  # e.g. a producer who also belongs to a buyer organisation
        from frontend.acting import acting_get

        shopper = bool(acting_get(request).choices)
    if shopper:  # anonymous visitors have a cart too; it joins their account when they sign in
        items.append({"label": _("Cart"), "url": reverse("frontend:cart"), "name": "cart"})
    if user is not None and user.is_authenticated:
        if shopper:
            items.append({"label": _("My orders"), "url": reverse("frontend:order-list"), "name": "orders"})
        if user.role in (Role.CONSUMER, Role.BUYER):
            wishlist = Wishlist(user)
            items.append({"label": _("Favourites"), "url": reverse("frontend:wishlist"), "name": "wishlist",
                          "wishlist": wishlist})
            extra["wishlist"] = wishlist
        if user.role == Role.INVESTOR:
            items.append({"label": _("For investors"), "url": reverse("frontend:investor-directory"), "name": "investors"})
        items.append({"label": _("Dashboard"), "url": reverse("frontend:dashboard"), "name": "dashboard"})
        if user.role == Role.OFFICER and user.is_staff:
            items.append({"label": _("Administration"), "url": reverse("admin:index"), "name": "admin"})
        items.append({"label": _("Account"), "url": reverse("account_email"), "name": "account"})
    return {"nav_items": items, **extra}


def assist_session(request):
    """The officer's active assist session, for the "Acting on behalf of ..." banner on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_officer:
        return {}
    from catalog.selectors import assist_session_active

    return {"active_assist_session": assist_session_active(officer=user)}


def cart_badge(request):
    """The number of products in the shopper's cart, for the header's cart link (``None``: no cart link).

    One count query for a signed-in shopper or a visitor who has a cart; none for officers, producers who
    buy for no organisation, and visitors without a cart. Whom the person shops for comes from
    ``frontend.acting``, which has already checked the membership.
    """
    user = getattr(request, "user", None)
    if user is None or getattr(request, "resolver_match", None) is None:
        return {}
    from frontend.acting import acting_get
    from market.core.errors import ApplicationError
    from orders.receivers import CART_SESSION_KEY
    from orders.selectors import Shopper, cart_line_count, shopper_get

    if not user.is_authenticated:
        token = request.session.get(CART_SESSION_KEY, "") if hasattr(request, "session") else ""
        try:
            return {"cart_count": cart_line_count(shopper=shopper_get(user=None, anonymous_token=token))}
        except ApplicationError:  # no cart yet (or a token that is not ours): nothing to count
            return {"cart_count": 0}
    acting = acting_get(request)
    if user.role not in (Role.BUYER, Role.CONSUMER) and not acting.choices:
        return {}
    return {"cart_count": cart_line_count(shopper=Shopper(user=user, organisation=acting.organisation))}


class Wishlist:
    """The signed-in shopper's favourites for the header's count and the hearts on product cards: read once
    per page, when a template first asks (one query)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def ids(self) -> frozenset[int]:
        from catalog.selectors.collections import wishlist_product_ids

        return frozenset(wishlist_product_ids(user=self.user))

    @property
    def count(self) -> int:
        return len(self.ids)

    def __contains__(self, product_id) -> bool:
        return product_id in self.ids
