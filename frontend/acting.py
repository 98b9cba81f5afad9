"""Whom a signed-in person acts for on the pages: themself (as a consumer) or one of their buyer organisations.

The choice is kept in the session (``ACTING_SESSION_KEY``: ``"self"`` or an organisation's id) and
checked against the person's memberships on every request: a membership that ended falls back to
"themself" and the stale choice is dropped. Without a choice, a retail buyer acts for their first
buyer organisation (as the pages did before the choice existed) and everyone else for themself.
The API has the same notion per request (the ``X-Buyer-Organisation`` header, ``orders/api/common.py``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from catalog.selectors import user_sees_wholesale
from market.accounts.models import Organisation, Role
from market.accounts.selectors import buyer_organisation_list
from orders.exceptions import BuyerMemberRequired

ACTING_SESSION_KEY = "acting_for"
SELF = "self"


@dataclass(frozen=True)
class Acting:
    organisation: Organisation | None  # None: the person themself
    choices: tuple[Organisation, ...]  # the buyer organisations the person may act for

    @property
    def value(self) -> str:
        return str(self.organisation.pk) if self.organisation is not None else SELF


def acting_get(request) -> Acting:
    """Return whom ``request``'s person acts for, checked against their memberships (one query, cached)."""
    cached = getattr(request, "_acting", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role == Role.OFFICER:  # officers do not shop: no query
        acting = Acting(organisation=None, choices=())
    else:
        choices = tuple(buyer_organisation_list(user=user))
        wanted = request.session.get(ACTING_SESSION_KEY)
        if wanted == SELF:
            organisation = None
        elif wanted is not None:
            organisation = next((o for o in choices if str(o.pk) == str(wanted)), None)
            if organisation is None:  # the membership ended (or the organisation is gone): back to themself
                request.session[ACTING_SESSION_KEY] = SELF
        else:
            organisation = choices[0] if choices and user.role == Role.BUYER else None
        acting = Acting(organisation=organisation, choices=choices)
    request._acting = acting
    return acting


def acting_organisation(request) -> Organisation | None:
    """Return the buyer organisation the person acts for on the pages, or ``None`` for themself."""
    return acting_get(request).organisation


def acting_audience(request) -> Literal["buyer", "consumer"]:
    """Return whose prices the pages show: ``"buyer"`` (wholesale tiers, minimum orders) or ``"consumer"``.

    A person with a buyer organisation sees what they would pay for whom they act for; anyone else
    as before, by role (``catalog.selectors.user_sees_wholesale``).
    """
    acting = acting_get(request)
    if acting.choices:
        return "buyer" if acting.organisation is not None else "consumer"
    return "buyer" if user_sees_wholesale(getattr(request, "user", None)) else "consumer"


def sees_wholesale(request) -> bool:
    return acting_audience(request) == "buyer"


def acting_set(request, value: str) -> Organisation | None:
    """Act for ``value`` (``"self"`` or the id of one of the person's buyer organisations) from now on.

    Anything else raises ``BuyerMemberRequired`` and keeps the current choice.
    """
    value = (value or "").strip()
    if value == SELF:
        organisation = None
    else:
        choices = acting_get(request).choices
        organisation = next((o for o in choices if str(o.pk) == value), None)
        if organisation is None:
            raise BuyerMemberRequired()
    request.session[ACTING_SESSION_KEY] = SELF if organisation is None else organisation.pk
    request._acting = Acting(organisation=organisation, choices=acting_get(request).choices)
    return organisation


def acting_for(request) -> dict:
    """Context processor: the header's switcher (shown only to people with a buyer organisation)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    acting = acting_get(request)
    return {"acting": acting}
