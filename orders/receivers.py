"""One-line receivers of third-party signals; each calls a service and holds no logic of its own."""
from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from market.accounts.selectors import buyer_organisation_list
from orders.services import cart_merge

# The anonymous cart's token lives in the session's data, which survives the login (the key does not).
CART_SESSION_KEY = "orders_cart_token"


@receiver(user_logged_in, dispatch_uid="orders_cart_merge_on_login")
def cart_merge_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and request.session.get(CART_SESSION_KEY):
        cart_merge(anonymous_token=request.session.pop(CART_SESSION_KEY), user=user,
                   organisation=buyer_organisation_list(user=user).first())
