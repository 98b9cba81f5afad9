"""Pages: the programme officers' area (see frontend/urls.py).

Villages and their programme stage, surveys (one by one or a file at a time), coaching
sessions, product curation and producer verification. Only active programme officers may use
these pages (others get 403); ``OfficerMfaRequiredMiddleware`` has already made sure that they
signed up for two-factor authentication. Every change goes through a ``catalog.services``
function; its ``ApplicationError`` is shown in the form that asked for the change.
"""
from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from buyers.selectors import buyer_registration_waiting_count
from catalog.exceptions import ProductNotFound
from catalog.models import PermitKind, Product, RejectionReason, Stage, Unit
from catalog.selectors import (
    NOT_IN_PROGRAMME,
    access_product,
    assist_action_list,
    assist_session_active,
    coaching_attendance_counts,
    coaching_session_exists,
    coaching_session_list,
    commodity_list,
    officer_work_counts,
    producer_event_list,
    producer_get_for_officers,
    producer_list_for_officers,
    producer_state_counts,
    product_compare_with_approved,
    product_curation_history,
    product_list_for_curation,
    product_retail_readiness,
    snapshot_reference_names,
    survey_list,
    village_get_for_officers,
    village_list_for_officers,
    village_photo_get,
    village_stage_counts,
    village_stage_timeline,
)
from catalog.services import (
    coaching_session_record,
    producer_unverify,
    producer_verify,
    product_curation_decide,
    product_curation_decisions_available,
    survey_import_csv,
    survey_record,
    village_advance_stage,
    village_photo_add,
    village_photo_remove,
    village_profile_get_or_create,
    village_profile_update,
)
from catalog.services.surveys import CSV_COLUMNS
from frontend.forms.assist import AssistStartForm
from frontend.forms.officer import (
    ApproveForm,
    CoachingSessionForm,
    DelistForm,
    ProducerFilterForm,
    RejectForm,
    StageChangeForm,
    SurveyCommodityFormSet,
    SurveyForm,
    SurveyImportForm,
    UnverifyForm,
    VillageFilterForm,
    VillagePhotoForm,
    VillageProfileForm,
)
from market.core.csv import safe_csv_writer
from market.core.errors import ApplicationError
from market.core.money import format_rupiah
from market.regions.selectors import district_list, programme_region_codes

VILLAGES_PER_PAGE = 25
PRODUCTS_PER_PAGE = 30
PRODUCERS_PER_PAGE = 20
EXPIRY_WARNING_DAYS = 30
ASSISTED_ACTIONS_SHOWN = 20


def officer_required(view):
    """Let only active programme officers in: anonymous people sign in first, everyone else gets 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_officer):
            raise PermissionDenied(_("Only programme officers can open this page."))
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, queryset, per_page: int):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _stage_labels() -> list[tuple[str, str]]:
    return list(Stage.choices)


# --- overview -------------------------------------------------------------------------------


@officer_required
@require_safe
def home(request):
    today = timezone.localdate()
    counts = village_stage_counts(region_codes=programme_region_codes())
    villages_url = reverse("frontend:officer-villages")
    stages = _stage_labels()
    rows, totals = [], dict.fromkeys(Stage.values, 0)
    for district in district_list(region_codes=programme_region_codes()):
        found = counts["by_district"].get(district.code, {})
        cells = [{"stage": stage, "label": label, "count": found.get(stage, 0),
                  "url": f"{villages_url}?district={district.code}&stage={stage}"} for stage, label in stages]
        for cell in cells:
            totals[cell["stage"]] += cell["count"]
        rows.append({"district": district, "cells": cells, "total": sum(found.values()),
                     "url": f"{villages_url}?district={district.code}"})
    return render(request, "frontend/officer/home.html", {
        "section": "home",
        "stages": [{"stage": stage, "label": label, "count": counts["by_stage"][stage],
                    "url": f"{villages_url}?stage={stage}"} for stage, label in stages],
        "in_programme": sum(counts["by_stage"].values()),
        "work": officer_work_counts(today=today, within_days=EXPIRY_WARNING_DAYS),
        "rows": rows,
        "totals": [totals[stage] for stage, _label in stages],
        "expiry_days": EXPIRY_WARNING_DAYS,
        "buyers_waiting": buyer_registration_waiting_count(),
    })


# --- villages -------------------------------------------------------------------------------


@officer_required
@require_safe
def villages(request):
    districts = list(district_list(region_codes=programme_region_codes()))
    form = VillageFilterForm(request.GET or None, districts=districts)
    filters = form.filters() if request.GET else {"q": "", "district": None, "stage": None}
    page = _page(request, village_list_for_officers(region_codes=programme_region_codes(), **filters),
                 VILLAGES_PER_PAGE)
    return render(request, "frontend/officer/villages.html", {
        "section": "villages", "form": form, "page": page, "filtered": any(filters.values()),
        "not_in_programme": NOT_IN_PROGRAMME,
    })


def _village_or_404(code: str):
    village = village_get_for_officers(region_codes=programme_region_codes(), code=code)
    if village is None:
        raise Http404(_("No such village in the programme area."))
    return village


def _profile_of(village):
    return getattr(village, "profile", None)


def _village_url(village, anchor: str = "") -> str:
    url = reverse("frontend:officer-village", kwargs={"code": village.code})
    return f"{url}#{anchor}" if anchor else url


def _render_village(request, village, *, status: int = 200, **forms):
    profile = _profile_of(village)
    context = {"section": "villages", "village": village, "profile": profile}
    if profile is not None:
        stage_index = Stage.index(profile.stage)
        context.update({
            "stages": [{"stage": stage, "label": label, "done": index < stage_index, "current": index == stage_index}
                       for index, (stage, label) in enumerate(Stage.choices)],
            "profile_form": forms.get("profile_form") or VillageProfileForm(profile=profile),
            "photo_form": forms.get("photo_form") or VillagePhotoForm(),
            "stage_form": forms.get("stage_form") or StageChangeForm(profile=profile),
            "timeline": village_stage_timeline(profile=profile),
            "surveys": survey_list(profile=profile),
            "sessions": coaching_session_list(profile=profile),
            "producers": coaching_attendance_counts(profile=profile),
            "photos": list(profile.photos.all()),
        })
    return render(request, "frontend/officer/village.html", context, status=status)


@officer_required
@require_safe
def village(request, code: str):
    return _render_village(request, _village_or_404(code))


@officer_required
@require_POST
def village_join(request, code: str):
    village = _village_or_404(code)
    if _profile_of(village) is None:
        village_profile_get_or_create(village=village)
        messages.success(request, _("%(village)s is now in the programme, at the stage “Surveyed”.")
                         % {"village": village.name})
    return redirect(_village_url(village))


def _profile_required(request, village):
    """Return the village's profile; villages outside the programme get a message and ``None``."""
    profile = _profile_of(village)
    if profile is None:
        messages.warning(request, _("Add the village to the programme first."))
    return profile


@officer_required
@require_POST
def village_profile_edit(request, code: str):
    village = _village_or_404(code)
    profile = _profile_required(request, village)
    if profile is None:
        return redirect(_village_url(village))
    form = VillageProfileForm(request.POST, profile=profile)
    if form.is_valid():
        data = form.cleaned_data
        try:
            village_profile_update(profile=profile, officer=request.user, story=data["story"],
                                   flagship_commodity=data["flagship_commodity"],
                                   other_commodities=list(data["other_commodities"]),
                                   contact_officer=data["contact_officer"])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("The village profile is saved."))
            return redirect(_village_url(village, "profile"))
    return _render_village(request, village, profile_form=form)


@officer_required
@require_POST
def village_photo_create(request, code: str):
    village = _village_or_404(code)
    profile = _profile_required(request, village)
    if profile is None:
        return redirect(_village_url(village))
    form = VillagePhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            village_photo_add(profile=profile, officer=request.user, image=form.cleaned_data["image"],
                              alt_text=form.cleaned_data["alt_text"])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("The photo is added."))
            return redirect(_village_url(village, "photos"))
    return _render_village(request, village, photo_form=form)


@officer_required
@require_POST
def village_photo_delete(request, code: str, pk: int):
    village = _village_or_404(code)
    profile = _profile_required(request, village)
    if profile is None:
        return redirect(_village_url(village))
    photo = village_photo_get(profile=profile, pk=pk)
    if photo is None:  # already removed (a double click) or not this village's
        messages.info(request, _("That photo is no longer there."))
    else:
        village_photo_remove(photo=photo, officer=request.user)
        messages.success(request, _("The photo is removed."))
    return redirect(_village_url(village, "photos"))


@officer_required
@require_POST
def village_stage(request, code: str):
    village = _village_or_404(code)
    profile = _profile_required(request, village)
    if profile is None:
        return redirect(_village_url(village))
    form = StageChangeForm(request.POST, profile=profile)
    if form.is_valid():
        data = form.cleaned_data
        try:
            event = village_advance_stage(profile=profile, to_stage=data["to_stage"], officer=request.user,
                                          note=data["note"], reason=data["reason"], on=data["happened_on"])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("%(village)s moved to the stage “%(stage)s”.")
                             % {"village": village.name, "stage": event.get_to_stage_display()})
            return redirect(_village_url(village))  # the stage is at the top, under the message
    return _render_village(request, village, stage_form=form)


# --- surveys --------------------------------------------------------------------------------


@officer_required
def survey_new(request, code: str):
    village = _village_or_404(code)
    profile = _profile_required(request, village)
    if profile is None:
        return redirect(_village_url(village))
    if request.method == "POST":
        form = SurveyForm(request.POST)
        formset = SurveyCommodityFormSet(request.POST, prefix="lines")
        if "add_row" in request.POST:  # without JavaScript: the same data again, and one more empty row
            return _render_survey(request, village, *_survey_form_again(form, formset))
        if form.is_valid() and formset.is_valid():
            lines, line_forms = formset.lines()
            try:
                survey_record(profile=profile, officer=request.user, commodities=lines, **form.cleaned_data)
            except ApplicationError as exc:
                _survey_errors_show(exc, form, line_forms)
            else:
                messages.success(request, _("The survey of %(date)s is saved.")
                                 % {"date": form.cleaned_data["surveyed_on"].strftime("%d-%m-%Y")})
                return redirect(_village_url(village, "surveys"))
    else:
        form, formset = SurveyForm(), SurveyCommodityFormSet(prefix="lines")
    return _render_survey(request, village, form, formset)


def _survey_errors_show(exc: ApplicationError, form: SurveyForm, line_forms: list) -> None:
    """Put the service's errors beside the fields; ``commodity N`` is the N-th filled line."""
    rest = {}
    for key, messages_ in exc.fields.items():
        if key.startswith("commodity ") and key.removeprefix("commodity ").isdigit():
            index = int(key.removeprefix("commodity ")) - 1
            if 0 <= index < len(line_forms):
                line_forms[index].add_error(None, messages_)
                continue
        rest[key] = messages_
    if rest or not exc.fields:
        form.add_application_error(type(exc)(exc.message, fields=rest))


def _survey_form_again(form: SurveyForm, formset):
    """Return unbound copies of a posted survey holding what was typed, with one more empty line:
    nothing is judged yet, the officer is still typing."""
    again = SurveyForm(initial={name: form[name].value() for name in form.fields})
    lines = [{name: line[name].value() for name in line.fields} for line in formset.forms]
    formset = SurveyCommodityFormSet(initial=lines[:SurveyCommodityFormSet.max_num - 1], prefix="lines")
    formset.extra = 1
    return again, formset


def _render_survey(request, village, form, formset):
    return render(request, "frontend/officer/survey_form.html", {
        "section": "villages", "village": village, "form": form, "formset": formset,
        "units": [label for _value, label in Unit.choices],
    })


@officer_required
def survey_import(request):
    report, result = None, None
    if request.method == "POST":
        form = SurveyImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = survey_import_csv(file=form.cleaned_data["file"], officer=request.user)
            except ApplicationError as exc:
                report = {"message": exc.message, "lines": _line_report(exc.fields)}
            else:
                messages.success(request, _("%(surveys)s surveys imported, with %(lines)s commodity lines.")
                                 % {"surveys": result.surveys, "lines": result.commodity_lines})
                return redirect("frontend:officer-survey-import")
    else:
        form = SurveyImportForm()
    return render(request, "frontend/officer/survey_import.html", {
        "section": "import", "form": form, "report": report, "columns": CSV_COLUMNS,
    })


def _line_report(fields: dict[str, list[str]]) -> list[dict]:
    """Return the file's errors in line order: ``{"where": "line 4", "messages": [...]}``."""

    def order(key: str):
        number = key.removeprefix("line ")
        return (0, int(number)) if number.isdigit() else (-1, 0)

    return [{"where": key, "line": key.removeprefix("line ") if key.startswith("line ") else "",
             "messages": fields[key]} for key in sorted(fields, key=order)]


@officer_required
@require_safe
def survey_template(request):
    """Return an example survey file with the expected header (two commodity rows of one survey)."""
    buffer = io.StringIO()
    writer = safe_csv_writer(buffer)  # commodity slugs come from the database: no formulas in a spreadsheet
    writer.writerow(CSV_COLUMNS)
    example = {"village_code": "35.09.01.2001", "surveyed_on": "2026-01-15", "workforce_total": "120",
               "workforce_women": "60", "workforce_youth": "30", "existing_businesses": "12", "road": "fair",
               "electricity": "good", "internet": "poor", "water": "good", "problems": "Harga bahan baku naik",
               "needs": "Pelatihan pengemasan"}
    commodities = [commodity.slug for commodity in commodity_list()[:2]] or ["kopi-robusta"]
    for slug, production in zip(commodities, ("1200.5", "300"), strict=False):
        writer.writerow([{**example, "commodity": slug, "production_per_month": production, "unit": "kg"}[column]
                         for column in CSV_COLUMNS])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="survei-desa-template.csv"'
    return response


# --- coaching -------------------------------------------------------------------------------


@officer_required
def coaching_new(request, code: str):
    village = _village_or_404(code)
    profile = _profile_required(request, village)
    if profile is None:
        return redirect(_village_url(village))
    if request.method == "POST":
        form = CoachingSessionForm(request.POST, profile=profile)
        if form.is_valid():
            data = form.cleaned_data
            if coaching_session_exists(profile=profile, held_on=data["held_on"], topic=data["topic"]):
                # The same session sent twice (a double tap on a slow connection): keep the first.
                messages.info(request, _("The coaching session “%(topic)s” of that day is already recorded.")
                              % {"topic": data["topic"].strip()})
                return redirect(_village_url(village, "coaching"))
            try:
                coaching_session_record(profile=profile, officer=request.user, held_on=data["held_on"],
                                        stage=data["stage"], topic=data["topic"], trainer=data["trainer"],
                                        attendees=list(data["attendees"]), materials=data["materials"],
                                        outcomes=data["outcomes"], people_attending=data["people_attending"] or 0,
                                        women_attending=data["women_attending"] or 0,
                                        youth_attending=data["youth_attending"] or 0)
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("The coaching session “%(topic)s” is saved, with %(count)s attendees.")
                                 % {"topic": data["topic"], "count": len(data["attendees"])})
                return redirect(_village_url(village, "coaching"))
    else:
        form = CoachingSessionForm(profile=profile)
    return render(request, "frontend/officer/coaching_form.html", {
        "section": "villages", "village": village, "form": form,
    })


# --- curation -------------------------------------------------------------------------------


@officer_required
@require_safe
def curation(request):
    queue = product_list_for_curation()
    return render(request, "frontend/officer/curation.html", {
        "section": "curation", "page": _page(request, queue, PRODUCTS_PER_PAGE),
    })


def _product_or_404(request, pk: int) -> Product:
    try:
        return access_product(user=request.user, pk=pk)
    except ProductNotFound:
        raise Http404(_("Product not found.")) from None


SNAPSHOT_ROWS = (
    ("name", "name"), ("name_en", "name_en"), ("description", "description"), ("description_en", "description_en"),
    ("category_id", "category"), ("commodity_id", "commodity"), ("unit", "unit"), ("pack_size", "pack_size"),
    ("weight_grams", "weight_grams"), ("shelf_life_days", "shelf_life_days"), ("certifications", "certifications"),
    ("packaging_status", "packaging_status"), ("barcode", "barcode"), ("retail_price", "retail_price"),
    ("min_order_qty", "min_order_qty"), ("order_multiple", "order_multiple"), ("price_tiers", None),
    ("photos", None),
)


def _snapshot_rows(comparison) -> list[dict]:
    """Return the product's buyer-visible fields for display: working copy beside the approved version."""
    categories, commodities = snapshot_reference_names(comparison=comparison)
    packaging = dict(Product.Packaging.choices)
    units = dict(Unit.choices)
    permits = dict(PermitKind.choices)

    def show(key: str, value):
        if key == "photos":
            return value or []
        if value in (None, "", []):
            return "—"
        if key == "category_id":
            return categories.get(value, value)
        if key == "commodity_id":
            return commodities.get(value, value)
        if key == "unit":
            return units.get(value, value)
        if key == "packaging_status":
            return packaging.get(value, value)
        if key == "certifications":
            return ", ".join(str(permits.get(kind, kind)) for kind in value)
        if key == "retail_price":
            return format_rupiah(value)
        if key == "pack_size":  # stored as "0.250": show 0,25 in Indonesian, 1 rather than 1.000
            return number_format(Decimal(value).normalize())
        if key == "price_tiers":
            return "; ".join(_("from %(quantity)s: %(price)s") % {"quantity": quantity, "price": format_rupiah(price)}
                             for quantity, price in value)
        return value

    labels = {"price_tiers": _("Price tiers"), "photos": _("Photos")}
    rows = []
    for key, field in SNAPSHOT_ROWS:
        label = Product._meta.get_field(field).verbose_name if field else labels[key]
        rows.append({"key": key, "label": label, "working": show(key, comparison.working.get(key)),
                     "approved": show(key, comparison.approved.get(key)) if comparison.approved else None,
                     "changed": key in comparison.changed})
    return rows


def _history(product: Product) -> list:
    reasons = dict(RejectionReason.choices)
    events = list(product_curation_history(product=product))
    for event in events:
        event.reason_labels = [reasons.get(reason, reason) for reason in event.reasons]
    return events


def _product_labels() -> dict:
    return {field.name: field.verbose_name for field in Product._meta.get_fields() if hasattr(field, "verbose_name")}


def _render_curation_product(request, product: Product, **forms):
    comparison = product_compare_with_approved(product=product)
    permits = list(product.producer.permits.all())
    today = timezone.localdate()
    available = product_curation_decisions_available(product=product)
    return render(request, "frontend/officer/curation_product.html", {
        "section": "curation", "product": product, "producer": product.producer,
        "rows": _snapshot_rows(comparison), "changed": comparison.changed, "has_approved": bool(comparison.approved),
        "readiness": product_retail_readiness(product=product, permits=permits, category=product.category,
                                              today=today),
        "permits": permits, "today": today,
        "history": _history(product),
        "can_decide": {"approve", "reject"} <= available, "can_delist": "delist" in available,
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "delist_form": forms.get("delist_form") or DelistForm(),
    })


def _decision_refused(request, product: Product, exc: ApplicationError):
    """The product's status no longer allows the decision: say so above the product as it is now."""
    messages.error(request, exc.message)
    return redirect("frontend:officer-curation-product", pk=product.pk)


@officer_required
@require_safe
def curation_product(request, pk: int):
    return _render_curation_product(request, _product_or_404(request, pk))


# What each decision looks like on the page; who may take it, from which state, with which
# reasons and through which service is ``catalog.services.CURATION_DECISIONS``.
CURATION_PAGES = {
    "approve": {"form": ApproveForm, "labels": True, "next": "frontend:officer-curation",
                "done": gettext_lazy("“%(product)s” is approved and listed.")},
    "reject": {"form": RejectForm, "labels": False, "next": "frontend:officer-curation",
               "done": gettext_lazy("“%(product)s” is sent back to the producer with your reasons.")},
    "delist": {"form": DelistForm, "labels": False, "next": "frontend:officer-curation-product",
               "done": gettext_lazy("“%(product)s” is taken off sale.")},
}


@officer_required
@require_POST
def curation_decide(request, pk: int, decision: str):
    product = _product_or_404(request, pk)
    page = CURATION_PAGES[decision]
    form = page["form"](request.POST)
    if form.is_valid():
        try:
            product_curation_decide(product=product, officer=request.user, decision=decision,
                                    reasons=form.cleaned_data.get("reasons", ()), note=form.cleaned_data["note"])
        except ApplicationError as exc:
            if not exc.fields:  # the product moved on meanwhile (a double click, another officer)
                return _decision_refused(request, product, exc)
            form.add_application_error(exc, labels=_product_labels() if page["labels"] else None)
        else:
            messages.success(request, page["done"] % {"product": product.name})
            if page["next"] == "frontend:officer-curation":
                return redirect(page["next"])
            return redirect(page["next"], pk=product.pk)
    return _render_curation_product(request, product, **{f"{decision}_form": form})


# --- producers ------------------------------------------------------------------------------


@officer_required
@require_safe
def producers(request):
    today = timezone.localdate()
    filter_form = ProducerFilterForm(request.GET)
    state = filter_form.state_value()
    queryset = producer_list_for_officers(state=None if state == "all" else state, today=today,
                                          within_days=EXPIRY_WARNING_DAYS)
    counts = producer_state_counts(today=today, within_days=EXPIRY_WARNING_DAYS)
    tabs = [{"state": key, "label": label, "count": counts[key], "current": key == state} for key, label in (
        ("waiting", _("Waiting for verification")), ("verified", _("Verified")),
        ("expiring", _("Permits expiring")), ("all", _("All")))]
    return render(request, "frontend/officer/producers.html", {
        "section": "producers", "page": _page(request, queryset, PRODUCERS_PER_PAGE), "tabs": tabs, "state": state,
        "today": today, "soon": today + timedelta(days=EXPIRY_WARNING_DAYS),
    })


def _producer_or_404(pk: int):
    producer = producer_get_for_officers(pk=pk)
    if producer is None:
        raise Http404(_("Producer not found."))
    return producer


def _render_producer(request, producer, *, unverify_form=None, assist_form=None, status: int = 200):
    today = timezone.localdate()
    return render(request, "frontend/officer/producer.html", {
        "section": "producers", "producer": producer, "events": producer_event_list(producer=producer),
        "unverify_form": unverify_form or UnverifyForm(), "today": today,
        "soon": today + timedelta(days=EXPIRY_WARNING_DAYS),
        # officer-assisted mode (frontend/views/assist.py)
        "assist_form": assist_form or AssistStartForm(),
        "assisting": assist_session_active(officer=request.user, producer=producer),
        "assisted_actions": list(assist_action_list(producer=producer)[:ASSISTED_ACTIONS_SHOWN]),
    }, status=status)


@officer_required
@require_safe
def producer(request, pk: int):
    return _render_producer(request, _producer_or_404(pk))


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


@officer_required
@require_POST
def producer_verify_view(request, pk: int):
    producer = get_object_or_404(producer_list_for_officers(), pk=pk)
    was_verified = producer.is_verified
    producer_verify(producer=producer, officer=request.user)
    if was_verified:
        messages.info(request, _("%(producer)s was already verified.") % {"producer": producer.name})
    else:
        messages.success(request, _("%(producer)s is verified.") % {"producer": producer.name})
    return redirect(_back(request, reverse("frontend:officer-producer", kwargs={"pk": producer.pk})))


@officer_required
@require_POST
def producer_unverify_view(request, pk: int):
    producer = _producer_or_404(pk)
    form = UnverifyForm(request.POST)
    if form.is_valid():
        if not producer.is_verified:
            messages.info(request, _("%(producer)s is not verified.") % {"producer": producer.name})
            return redirect("frontend:officer-producer", pk=producer.pk)
        try:
            producer_unverify(producer=producer, officer=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("The verification of %(producer)s is withdrawn.") % {"producer": producer.name})
            return redirect("frontend:officer-producer", pk=producer.pk)
    return _render_producer(request, producer, unverify_form=form)


urlpatterns = [
    path("dashboard/officer/", home, name="officer-home"),
    path("dashboard/officer/villages/", villages, name="officer-villages"),
    path("dashboard/officer/villages/<str:code>/", village, name="officer-village"),
    path("dashboard/officer/villages/<str:code>/join/", village_join, name="officer-village-join"),
    path("dashboard/officer/villages/<str:code>/profile/", village_profile_edit, name="officer-village-profile"),
    path("dashboard/officer/villages/<str:code>/photos/", village_photo_create, name="officer-village-photo-add"),
    path("dashboard/officer/villages/<str:code>/photos/<int:pk>/remove/", village_photo_delete,
         name="officer-village-photo-remove"),
    path("dashboard/officer/villages/<str:code>/stage/", village_stage, name="officer-village-stage"),
    path("dashboard/officer/villages/<str:code>/surveys/new/", survey_new, name="officer-survey-new"),
    path("dashboard/officer/villages/<str:code>/coaching/new/", coaching_new, name="officer-coaching-new"),
    path("dashboard/officer/surveys/import/", survey_import, name="officer-survey-import"),
    path("dashboard/officer/surveys/import/template.csv", survey_template, name="officer-survey-template"),
    path("dashboard/officer/curation/", curation, name="officer-curation"),
    path("dashboard/officer/curation/<int:pk>/", curation_product, name="officer-curation-product"),
    path("dashboard/officer/curation/<int:pk>/approve/", curation_decide, {"decision": "approve"},
         name="officer-curation-approve"),
    path("dashboard/officer/curation/<int:pk>/reject/", curation_decide, {"decision": "reject"},
         name="officer-curation-reject"),
    path("dashboard/officer/curation/<int:pk>/delist/", curation_decide, {"decision": "delist"},
         name="officer-curation-delist"),
    path("dashboard/officer/producers/", producers, name="officer-producers"),
    path("dashboard/officer/producers/<int:pk>/", producer, name="officer-producer"),
    path("dashboard/officer/producers/<int:pk>/verify/", producer_verify_view, name="officer-producer-verify"),
    path("dashboard/officer/producers/<int:pk>/unverify/", producer_unverify_view, name="officer-producer-unverify"),
]
