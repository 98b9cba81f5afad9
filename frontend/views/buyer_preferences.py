"""Pages: a buyer organisation's preferences (see frontend/urls.py), and which organisation a person
acts for as a buyer on the catalogue pages.

Every member sees the preferences; owners and managers change them (``buyers.services.buyer_preferences_set``
decides, a member's POST gets 403). The preferences mark products "retail-ready for you" on the
catalogue and search pages and choose what the daily digest announces.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from buyers.exceptions import BuyerManagerRequired
from buyers.selectors import (
    BUYER_EDITOR_ROLES,
    buyer_criteria_get,
    buyer_member_role,
    buyer_preference_category_choices,
    buyer_preference_certification_choices,
    buyer_preference_district_list,
    buyer_preferences_get,
)
from buyers.services import buyer_preferences_set
from catalog.selectors import BuyerCriteria
from frontend.acting import acting_organisation
from frontend.forms.buyers import BuyerPreferencesForm
from market.accounts.models import Organisation
from market.accounts.selectors import buyer_organisation_list
from market.core.errors import ApplicationError


def acting_buyer_organisation(request) -> Organisation | None:
    """Return the buyer organisation whose preferences the page shows: the one the person acts for (the
    header's choice), else their first one (someone shopping for themself may still manage it); ``None``."""
    if not request.user.is_authenticated:
        return None
    return acting_organisation(request) or buyer_organisation_list(user=request.user).first()


def acting_buyer_criteria(request) -> BuyerCriteria | None:
    """Return what makes a product "retail-ready for" the organisation the person acts for (the header's
    choice), or ``None`` when they shop for themself."""
    organisation = acting_organisation(request)
    return buyer_criteria_get(organisation=organisation) if organisation is not None else None


def _form(data=None, *, initial=None) -> BuyerPreferencesForm:
    return BuyerPreferencesForm(data, initial=initial, categories=buyer_preference_category_choices(),
                                districts=list(buyer_preference_district_list()),
                                certifications=buyer_preference_certification_choices())


def _render(request, organisation, *, form, can_edit: bool, status: int = 200):
    preferences = buyer_preferences_get(organisation=organisation)
    chosen = {
        "categories": [label.strip("\u00a0– ") for pk, label in form.fields["categories"].choices
                       if pk in preferences.category_ids],
        "districts": [label for code, label in form.fields["districts"].choices if code in preferences.district_codes],
        "certifications": [label for kind, label in form.fields["certifications"].choices
                           if kind in preferences.certifications],
    }
    return render(request, "frontend/buyers/preferences.html", {
        "organisation": organisation, "form": form, "can_edit": can_edit, "preferences": preferences,
        "chosen": chosen}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    organisation = acting_buyer_organisation(request)
    if organisation is None:
        raise Http404(_("Preferences are for buyer organisations."))
    can_edit = buyer_member_role(organisation=organisation, user=request.user) in BUYER_EDITOR_ROLES
    if request.method == "GET":
        current = buyer_preferences_get(organisation=organisation)
        form = _form(initial={"categories": list(current.category_ids), "districts": list(current.district_codes),
                              "certifications": list(current.certifications),
                              "min_shelf_life_days": current.min_shelf_life_days,
                              "digest_enabled": current.digest_enabled})
        return _render(request, organisation, form=form, can_edit=can_edit)
    if not can_edit:
        raise PermissionDenied(BuyerManagerRequired.default_message)
    form = _form(request.POST)
    if not form.is_valid():
        return _render(request, organisation, form=form, can_edit=can_edit, status=400)
    try:
        buyer_preferences_set(organisation=organisation, actor=request.user, **form.service_values())
    except BuyerManagerRequired as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except ApplicationError as exc:
        form.add_application_error(exc)
        return _render(request, organisation, form=form, can_edit=can_edit, status=400)
    messages.success(request, _("Your preferences are saved."))
    return redirect("frontend:buyer-preferences")


urlpatterns = [
    path("dashboard/buyer/preferences/", preferences, name="buyer-preferences"),
]
