"""Pages: a buyer organisation's registration, outlets and people's delivery addresses; the officers' queue.

The pages act for the person's first buyer organisation (as the cart and checkout do). Owners and
managers register the organisation and keep its outlets; members see them (adding is refused with
403). Another organisation's outlet, or another person's address, is a 404. Officers verify or
refuse submitted registrations under /dashboard/officer/buyers/. Every change goes through one
``buyers.services`` function; its ``ApplicationError`` is shown beside the input it concerns.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from buyers.models import BuyerRegistration
from buyers.selectors import (
    access_address,
    address_list,
    buyer_can_manage,
    buyer_registration_event_list,
    buyer_registration_get,
    buyer_registration_get_for_officers,
    buyer_registration_list_for_officers,
    buyer_registration_was_refused,
    outlet_list,
    outlet_list_for_member,
)
from buyers.services import (
    BuyerRegistrationData,
    address_archive,
    address_create,
    address_update,
    buyer_registration_refuse,
    buyer_registration_save,
    buyer_registration_submit,
    buyer_registration_verify,
    outlet_archive,
    outlet_create,
    outlet_update,
)
from frontend.acting import acting_organisation
from frontend.forms.buyer import DeliveryAddressForm, OutletForm, RefuseForm, RegistrationForm, village_choices
from frontend.views.common import next_url, not_found_as_404
from frontend.views.officer import officer_required
from market.accounts.models import Organisation
from market.accounts.selectors import buyer_organisation_list
from market.core.errors import ApplicationError
from market.regions.selectors import district_list, village_list

REGISTRATIONS_PER_PAGE = 25
Status = BuyerRegistration.Status



def _organisation(request) -> Organisation:
    """Return the buyer organisation the pages are about: the one the person acts for (the header's choice),
    else their first (someone shopping for themself may still manage it); anyone else gets 403."""
    organisation = acting_organisation(request) or buyer_organisation_list(user=request.user).first()
    if organisation is None:
        raise PermissionDenied(_("These pages are for the people of a buyer organisation."))
    return organisation


def _require_manager(request, organisation: Organisation) -> None:
    if not buyer_can_manage(organisation=organisation, user=request.user):
        raise PermissionDenied(_("Only an owner or manager of this buyer organisation can do this."))



def _picker_kwargs(data, initial: dict) -> dict:
    """Return the district and village lists for a form posted with ``data`` or opened with ``initial``."""
    district = str((data or {}).get("district", "") or initial.get("district", "")).strip()[:20]
    return {"districts": district_list(),
            "villages": village_list(district_code=district) if district else []}


def _picking(request) -> bool:
    """Whether the form was posted only to show the chosen district's villages (no JavaScript)."""
    return request.method == "POST" and "pick_district" in request.POST


def _place_initial(place) -> dict:
    return {"name": place.name, "contact_name": place.contact_name, "phone": place.phone, "street": place.street,
            "district": place.village.district_id, "village_code": place.village_id,
            "postal_code": place.postal_code, **({"receiving_hours": place.receiving_hours}
                                                 if hasattr(place, "receiving_hours") else {})}


def _form_for(request, form_class, initial: dict):
    """Return the form as posted, or (opening the page, or only choosing a district) unbound with ``initial``."""
    if request.method == "POST" and not _picking(request):
        return form_class(request.POST, initial=initial, **_picker_kwargs(request.POST, initial))
    if _picking(request):
        initial = {**initial, **{key: value for key, value in request.POST.items()
                                 if key not in ("csrfmiddlewaretoken", "pick_district", "village_code")}}
    return form_class(initial=initial, **_picker_kwargs(None, initial))


@login_required
@require_safe
def villages(request):
    """Return the village select for a district (htmx swaps it into a place or registration form)."""
    district = request.GET.get("district", "").strip()[:20]
    choices = village_choices(village_list(district_code=district) if district else [])
    return render(request, "frontend/buyer/_village_select.html", {"choices": choices})


# --- registration ---------------------------------------------------------------------------------


def _registration_initial(registration: BuyerRegistration | None, organisation: Organisation) -> dict:
    if registration is None:
        return {"legal_name": organisation.name}
    return {"legal_name": registration.legal_name, "kind": registration.kind, "nib": registration.nib,
            "npwp": registration.npwp, "street": registration.street, "district": registration.village.district_id,
            "village_code": registration.village_id, "contact_name": registration.contact_name,
            "phone": registration.phone, "email": registration.email}


@login_required
@require_http_methods(["GET", "POST"])
def organisation(request):
    """The organisation's registration: its status (and the refusal's reason), the form for owners and managers."""
    org = _organisation(request)
    can_manage = buyer_can_manage(organisation=org, user=request.user)
    registration = buyer_registration_get(organisation=org)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied(_("Only an owner or manager of this buyer organisation can do this."))
    form = _form_for(request, RegistrationForm, _registration_initial(registration, org))
    status = 200
    if request.method == "POST" and not _picking(request):
        if form.is_valid():
            try:
                registration = buyer_registration_save(organisation=org, actor=request.user,
                                                       data=BuyerRegistrationData(**form.service_data()))
                if "submit" in request.POST and registration.status in (Status.DRAFT, Status.REFUSED):
                    buyer_registration_submit(organisation=org, actor=request.user)
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                registration = buyer_registration_get(organisation=org)
                if registration is not None and registration.status == Status.SUBMITTED:
                    messages.success(request, _("Saved. A programme officer will check the registration."))
                else:
                    messages.success(request, _("Saved."))
                return redirect("frontend:buyer-organisation")
        status = 400
    return render(request, "frontend/buyer/organisation.html", {
        "organisation": org, "registration": registration, "form": form, "can_manage": can_manage,
        "events": list(buyer_registration_event_list(registration=registration)) if registration else [],
        "section": "organisation"}, status=status)


@login_required
@require_POST
def organisation_submit(request):
    org = _organisation(request)
    try:
        buyer_registration_submit(organisation=org, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Submitted. A programme officer will check the registration."))
    return redirect("frontend:buyer-organisation")


# --- outlets --------------------------------------------------------------------------------------


def _member_outlet(request, pk: int):
    """Return an active outlet of one of the person's buyer organisations; anything else is a 404."""
    outlet = outlet_list_for_member(user=request.user).select_related("organisation").filter(pk=pk).first()
    if outlet is None:
        raise Http404(_("Outlet not found."))
    return outlet


@login_required
@require_safe
def outlets(request):
    org = _organisation(request)
    return render(request, "frontend/buyer/outlets.html", {
        "organisation": org, "outlets": outlet_list(organisation=org),
        "can_manage": buyer_can_manage(organisation=org, user=request.user), "section": "outlets"})


def _back_choosing(back: str, pk: int) -> str:
    """Return ``back``; the checkout comes back with the new place chosen as its destination."""
    return f"{back}?destination={pk}" if back == reverse("frontend:checkout") else back


@login_required
@require_http_methods(["GET", "POST"])
def outlet_add(request):
    org = _organisation(request)
    _require_manager(request, org)
    back = next_url(request, reverse("frontend:buyer-outlets"))
    form = _form_for(request, OutletForm, {})
    if request.method == "POST" and not _picking(request):
        if form.is_valid():
            try:
                outlet = outlet_create(organisation=org, actor=request.user, **form.service_data())
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("Outlet “%(name)s” added.") % {"name": outlet.name})
                return redirect(_back_choosing(back, outlet.pk))
        return _render_place(request, form, org=org, outlet=None, back=back, status=400)
    return _render_place(request, form, org=org, outlet=None, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def outlet_edit(request, pk: int):
    outlet = _member_outlet(request, pk)
    _require_manager(request, outlet.organisation)
    back = next_url(request, reverse("frontend:buyer-outlets"))
    form = _form_for(request, OutletForm, _place_initial(outlet))
    if request.method == "POST" and not _picking(request):
        if form.is_valid():
            try:
                outlet_update(outlet=outlet, actor=request.user, **form.service_data())
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("Outlet saved."))
                return redirect(back)
        return _render_place(request, form, org=outlet.organisation, outlet=outlet, back=back, status=400)
    return _render_place(request, form, org=outlet.organisation, outlet=outlet, back=back)


def _render_place(request, form, *, org=None, outlet=None, address=None, back: str, status: int = 200):
    return render(request, "frontend/buyer/place_form.html", {
        "form": form, "organisation": org, "outlet": outlet, "address": address, "back": back,
        "is_outlet": isinstance(form, OutletForm), "section": "outlets" if isinstance(form, OutletForm) else
        "addresses"}, status=status)


@login_required
@require_POST
def outlet_archive_view(request, pk: int):
    outlet = _member_outlet(request, pk)
    _require_manager(request, outlet.organisation)
    try:
        outlet_archive(outlet=outlet, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Outlet “%(name)s” deactivated: it stays on past orders.") % {"name": outlet.name})
    return redirect("frontend:buyer-outlets")


# --- a person's delivery addresses ------------------------------------------------------------------


@login_required
@require_safe
def addresses(request):
    return render(request, "frontend/buyer/addresses.html", {"addresses": address_list(user=request.user),
                                                            "section": "addresses"})


@login_required
@require_http_methods(["GET", "POST"])
def address_add(request):
    back = next_url(request, reverse("frontend:addresses"))
    form = _form_for(request, DeliveryAddressForm, {})
    if request.method == "POST" and not _picking(request):
        if form.is_valid():
            try:
                address = address_create(user=request.user, **form.service_data())
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("Address saved."))
                return redirect(_back_choosing(back, address.pk))
        return _render_place(request, form, back=back, status=400)
    return _render_place(request, form, back=back)


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def address_edit(request, pk: int):
    address = access_address(user=request.user, pk=pk)
    back = next_url(request, reverse("frontend:addresses"))
    form = _form_for(request, DeliveryAddressForm, _place_initial(address))
    if request.method == "POST" and not _picking(request):
        if form.is_valid():
            try:
                address_update(address=address, actor=request.user, **form.service_data())
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("Address saved."))
                return redirect(back)
        return _render_place(request, form, address=address, back=back, status=400)
    return _render_place(request, form, address=address, back=back)


@login_required
@not_found_as_404
@require_POST
def address_archive_view(request, pk: int):
    address = access_address(user=request.user, pk=pk)
    address_archive(address=address, actor=request.user)
    messages.success(request, _("Address “%(name)s” removed: it stays on past orders.") % {"name": address.name})
    return redirect("frontend:addresses")


# --- the officers' verification queue ----------------------------------------------------------------


@officer_required
@require_safe
def officer_registrations(request):
    status = request.GET.get("status", Status.SUBMITTED)
    status = status if status in Status.values else Status.SUBMITTED
    page = Paginator(buyer_registration_list_for_officers(status=status), REGISTRATIONS_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "frontend/buyer/officer_queue.html", {
        "page": page, "registrations": page.object_list, "status": status, "statuses": Status.choices,
        "section": "buyers"})


def _officer_context(request, registration, *, refuse_form=None) -> dict:
    return {"registration": registration, "events": list(buyer_registration_event_list(registration=registration)),
            "was_refused": buyer_registration_was_refused(registration=registration),
            "refuse_form": refuse_form or RefuseForm(), "section": "buyers"}


@officer_required
@not_found_as_404
@require_safe
def officer_registration(request, pk: int):
    registration = buyer_registration_get_for_officers(user=request.user, pk=pk)
    return render(request, "frontend/buyer/officer_registration.html", _officer_context(request, registration))


@officer_required
@not_found_as_404
@require_POST
def officer_registration_verify(request, pk: int):
    registration = buyer_registration_get_for_officers(user=request.user, pk=pk)
    try:
        buyer_registration_verify(registration=registration, officer=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("frontend:officer-buyer", pk=pk)
    messages.success(request, _("%(name)s is verified; its owners are told by email.") % {
        "name": registration.legal_name})
    return redirect("frontend:officer-buyers")


@officer_required
@not_found_as_404
@require_POST
def officer_registration_refuse(request, pk: int):
    registration = buyer_registration_get_for_officers(user=request.user, pk=pk)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            buyer_registration_refuse(registration=registration, officer=request.user,
                                      reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            if exc.fields:
                form_errors = exc.fields.get("reason") or [str(exc.message)]
                form.add_error("reason", [str(error) for error in form_errors])
            else:
                form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("%(name)s is refused; its owners are told why by email.") % {
                "name": registration.legal_name})
            return redirect("frontend:officer-buyers")
    return render(request, "frontend/buyer/officer_registration.html",
                  _officer_context(request, registration, refuse_form=form), status=400)


urlpatterns = [
    path("places/villages/", villages, name="place-villages"),
    path("dashboard/buyer/organisation/", organisation, name="buyer-organisation"),
    path("dashboard/buyer/organisation/submit/", organisation_submit, name="buyer-organisation-submit"),
    path("dashboard/buyer/outlets/", outlets, name="buyer-outlets"),
    path("dashboard/buyer/outlets/new/", outlet_add, name="buyer-outlet-add"),
    path("dashboard/buyer/outlets/<int:pk>/", outlet_edit, name="buyer-outlet-edit"),
    path("dashboard/buyer/outlets/<int:pk>/archive/", outlet_archive_view, name="buyer-outlet-archive"),
    path("addresses/", addresses, name="addresses"),
    path("addresses/new/", address_add, name="address-add"),
    path("addresses/<int:pk>/", address_edit, name="address-edit"),
    path("addresses/<int:pk>/archive/", address_archive_view, name="address-archive"),
    path("dashboard/officer/buyers/", officer_registrations, name="officer-buyers"),
    path("dashboard/officer/buyers/<int:pk>/", officer_registration, name="officer-buyer"),
    path("dashboard/officer/buyers/<int:pk>/verify/", officer_registration_verify, name="officer-buyer-verify"),
    path("dashboard/officer/buyers/<int:pk>/refuse/", officer_registration_refuse, name="officer-buyer-refuse"),
]
