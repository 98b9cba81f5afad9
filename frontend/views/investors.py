"""Pages of the investor side: the investor's dashboard, profile, confidentiality terms, watchlist and
interests (/dashboard/investor/...); the directory, district overview, village view and opportunities
(/investors/...); the officers' profiles queue, opportunities, triage and programme view
(/dashboard/officer/investors/...); and the interests shared with a producer (/dashboard/producer/investors/).

Who sees what is decided once, by ``investors.selectors.viewer_get`` (docs/investors.md). Every change
goes through one ``investors.services`` function; its ``ApplicationError`` shows beside its input.
Documents are streamed from private storage by ``document`` only, after ``document_open`` checked and
logged the access. The platform facilitates introductions; it does not sell securities or take money.
"""
from __future__ import annotations

import io
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalog.models import Stage
from catalog.selectors import (
    commodity_list_in_programme,
    district_list_in_programme,
    localized,
    producer_list_public,
    stage_progress,
    village_profile_list,
)
from frontend.forms.investors import (
    DirectoryFilterForm,
    DocumentForm,
    InterestForm,
    InterestMoveForm,
    InterestNoteForm,
    InterestShareForm,
    InvestorProfileForm,
    OpportunityForm,
    OpportunityStatusForm,
    ProfileRefuseForm,
)
from frontend.views.common import next_url, not_found_as_404
from frontend.views.officer import officer_required
from investors.exceptions import ConfidentialityTermsRequired, InvestorNotVerified
from investors.models import DocumentAccess, Interest, InvestorProfile, Opportunity
from investors.selectors import (
    CONFIDENTIALITY_TERMS_VERSION,
    DirectoryFilters,
    access_interest,
    access_opportunity,
    district_overview,
    document_access_list,
    interest_event_list,
    interest_list_for_investor,
    interest_list_for_officers,
    interest_list_shared_for_producer,
    investor_profile_counts,
    investor_profile_event_list,
    investor_profile_get,
    investor_profile_get_for_officers,
    investor_profile_list_for_officers,
    investor_village_directory,
    investor_village_get,
    opportunity_event_list,
    opportunity_list,
    programme_interest_rows,
    programme_pipeline,
    viewer_get,
    watch_list,
)
from investors.services import (
    INTEREST_TRANSITIONS,
    OPPORTUNITY_TRANSITIONS,
    InterestData,
    InvestorProfileData,
    OpportunityData,
    confidentiality_accept,
    document_open,
    interest_express,
    interest_note_add,
    interest_share,
    interest_transition,
    investor_profile_refuse,
    investor_profile_save,
    investor_profile_submit,
    investor_profile_verify,
    opportunity_create,
    opportunity_document_add,
    opportunity_transition,
    watch_add,
    watch_remove,
)
from market.accounts.models import Role
from market.core.csv import safe_csv_writer
from market.core.errors import ApplicationError

PER_PAGE = 25


def investor_required(view):
    """Let only investors in: anonymous people sign in first, everyone else gets 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if request.user.role != Role.INVESTOR:
            raise PermissionDenied(_("These pages are for investors."))
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, items):
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


# --- the investor's own pages --------------------------------------------------------------------


@investor_required
@require_safe
def dashboard(request):
    """What an investor lands on: the profile's status and next step, interests, watchlist, opportunities."""
    viewer = viewer_get(user=request.user)
    return render(request, "frontend/investors/dashboard.html", {
        "viewer": viewer, "profile": viewer.profile,
        "interests": list(interest_list_for_investor(user=request.user)[:5]),
        "watch_items": list(watch_list(user=request.user)[:5]),
        "opportunities": list(opportunity_list(viewer=viewer)[:5]),
        "section": "dashboard"})


def _profile_initial(profile: InvestorProfile | None, user) -> dict:
    if profile is None:
        return {"display_name": user.full_name, "alerts_enabled": True}
    return {"display_name": profile.display_name, "kind": profile.kind, "phone": profile.phone,
            "commodities": [str(c.pk) for c in profile.commodities.all()],
            "districts": [d.code for d in profile.districts.all()], "ticket_min": profile.ticket_min,
            "ticket_max": profile.ticket_max, "involvements": profile.involvements, "about": profile.about,
            "alerts_enabled": profile.alerts_enabled}


@investor_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The investor's profile: its status (and the refusal's reason), the form, save and submit."""
    current = investor_profile_get(user=request.user)
    form = InvestorProfileForm(request.POST or None, initial=_profile_initial(current, request.user),
                               commodities=commodity_list_in_programme(), districts=district_list_in_programme())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = investor_profile_save(user=request.user, data=InvestorProfileData(**form.service_data()))
                if "submit" in request.POST and saved.status in (InvestorProfile.Status.DRAFT,
                                                                 InvestorProfile.Status.REFUSED):
                    investor_profile_submit(user=request.user)
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                saved = investor_profile_get(user=request.user)
                messages.success(request, _("Saved. A programme officer will check your profile.")
                                 if saved and saved.status == InvestorProfile.Status.SUBMITTED else _("Saved."))
                return redirect("frontend:investor-profile")
        status = 400
    return render(request, "frontend/investors/profile.html", {
        "profile": current, "form": form, "section": "profile",
        "events": list(investor_profile_event_list(profile=current)) if current else []}, status=status)


@investor_required
@require_http_methods(["GET", "POST"])
def terms(request):
    """The confidentiality terms: read them, accept them (recorded with the time and version)."""
    viewer = viewer_get(user=request.user)
    if request.method == "POST":
        try:
            confidentiality_accept(user=request.user, version=request.POST.get("version", ""))
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect("frontend:investor-terms")
        messages.success(request, _("Thank you: the confidentiality terms are accepted."))
        return redirect(next_url(request, reverse("frontend:investor-dashboard")))
    return render(request, "frontend/investors/terms.html", {
        "viewer": viewer, "version": CONFIDENTIALITY_TERMS_VERSION, "next": request.GET.get("next", ""),
        "section": "terms"})


@investor_required
@require_safe
def interests(request):
    return render(request, "frontend/investors/interests.html", {
        "page": _page(request, interest_list_for_investor(user=request.user)), "section": "interests"})


@investor_required
@not_found_as_404
@require_safe
def interest(request, pk: int):
    """One of the investor's own interests with its status changes (another's is a 404)."""
    item = access_interest(user=request.user, pk=pk)
    if item.investor_id != request.user.pk:
        raise Http404
    return render(request, "frontend/investors/interest.html", {
        "interest": item, "events": list(interest_event_list(interest=item, for_officer=False)),
        "section": "interests"})


@investor_required
@require_safe
def watchlist(request):
    return render(request, "frontend/investors/watchlist.html", {
        "items": list(watch_list(user=request.user)), "section": "watchlist"})


@investor_required
@not_found_as_404
@require_POST
def watch_add_view(request):
    village_code = request.POST.get("village") or None
    opportunity = request.POST.get("opportunity") or None
    try:
        watch_add(user=request.user, village_code=village_code,
                  opportunity_id=int(opportunity) if opportunity and opportunity.isdigit() else None)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Added to your watchlist."))
    if village_code:
        return redirect("frontend:investor-village", code=village_code)
    if opportunity and opportunity.isdigit():
        return redirect("frontend:investor-opportunity", pk=int(opportunity))
    return redirect("frontend:investor-watchlist")


@investor_required
@not_found_as_404
@require_POST
def watch_remove_view(request, pk: int):
    watch_remove(user=request.user, pk=pk)
    messages.success(request, _("Removed from your watchlist."))
    return redirect("frontend:investor-watchlist")


# --- directory, districts, village, opportunities (/investors/) ----------------------------------


@require_safe
def directory(request):
    """Programme villages for investors, filtered by district, commodity, stage, workforce and traction."""
    form = DirectoryFilterForm(request.GET or None, districts=district_list_in_programme(),
                               commodities=commodity_list_in_programme())
    data = form.cleaned_data if form.is_valid() else {}
    filters = DirectoryFilters(district=data.get("district") or None, commodity=data.get("commodity") or None,
                               stage=data.get("stage") or None, min_workforce=data.get("min_workforce"),
                               traction=data.get("traction") or None)
    rows = investor_village_directory(filters=filters)
    return render(request, "frontend/investors/directory.html", {
        "form": form, "page": _page(request, rows), "count": len(rows), "viewer": viewer_get(user=request.user),
        "query": request.GET.copy().urlencode() if request.GET else "", "as_of": timezone.now()})


def _chart(rows) -> dict:
    """Return the district chart's geometry: one bar per district, split by stage (server-rendered SVG)."""
    bar_height, gap, label_width, width = 22, 8, 110, 340
    most = max((row.villages for row in rows), default=0) or 1
    scale = (width - label_width - 30) / most
    bars = []
    for index, row in enumerate(rows):
        y = index * (bar_height + gap)
        x, segments = label_width, []
        for stage_index, stage in enumerate(Stage.values):
            count = row.stages[stage]
            if count:
                segments.append({"x": round(x, 1), "width": round(count * scale, 1), "stage": stage,
                                 "index": stage_index, "count": count})
                x += count * scale
        bars.append({"y": y, "text_y": y + bar_height - 6, "label": row.name, "segments": segments,
                     "total": row.villages, "total_x": round(x + 6, 1)})
    return {"bars": bars, "width": width, "height": max(len(rows), 1) * (bar_height + gap), "bar_height": bar_height,
            "legend": [{"stage": value, "label": label, "index": index}
                       for index, (value, label) in enumerate(Stage.choices)]}


@require_safe
def districts(request):
    """Villages, stages and traction per kecamatan: a table and a bar chart (SVG drawn by the server)."""
    rows = district_overview()
    return render(request, "frontend/investors/districts.html", {
        "rows": rows, "chart": _chart(rows), "stages": Stage.choices, "viewer": viewer_get(user=request.user),
        "as_of": timezone.now()})


@not_found_as_404
@require_safe
def village(request, code: str):
    """A village as an investor sees it: survey, coaching, timeline, producers, products, traction, opportunities."""
    viewer = viewer_get(user=request.user)
    view = investor_village_get(code=code, viewer=viewer)
    survey_lines = [{"name": localized(line.commodity), "production": line.estimated_production_per_month,
                     "unit": line.unit} for line in (view.survey.commodities.all() if view.survey else [])]
    return render(request, "frontend/investors/village.html", {
        "viewer": viewer, "view": view, "profile": view.profile, "village": view.profile.village,
        "survey": view.survey, "survey_lines": survey_lines, "steps": stage_progress(stage=view.profile.stage),
        "interest_form": InterestForm() if viewer.is_investor else None})


@require_safe
def opportunities(request):
    """Open opportunities: for investors and officers only (nothing is offered to the public)."""
    viewer = viewer_get(user=request.user)
    if not viewer.sees_opportunities:
        return render(request, "frontend/investors/opportunities_closed.html", {"viewer": viewer})
    district = str(request.GET.get("district", ""))[:20] or None
    return render(request, "frontend/investors/opportunities.html", {
        "viewer": viewer, "page": _page(request, opportunity_list(viewer=viewer, district=district)),
        "districts": district_list_in_programme(), "district": district or ""})


def _opportunity_context(request, viewer, item, *, form=None) -> dict:
    return {"viewer": viewer, "opportunity": item, "documents": list(item.documents.all()),
            "form": form or (InterestForm(initial={"involvement": item.involvement}) if viewer.is_investor else None),
            "takes_interest": item.status in (Opportunity.Status.OPEN, Opportunity.Status.IN_DISCUSSION)}


@not_found_as_404
@require_safe
def opportunity(request, pk: int):
    viewer = viewer_get(user=request.user)
    return render(request, "frontend/investors/opportunity.html",
                  _opportunity_context(request, viewer, access_opportunity(viewer=viewer, pk=pk)))


def _express(request, *, opportunity_id: int | None, village_code: str | None, on_error):
    form = InterestForm(request.POST)
    if form.is_valid():
        try:
            item = interest_express(investor=request.user, data=InterestData(
                opportunity_id=opportunity_id, village_code=village_code, amount=form.cleaned_data["amount"],
                involvement=form.cleaned_data["involvement"], message=form.cleaned_data["message"]))
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Thank you. A programme officer will review your interest and tell you "
                                        "what happens next."))
            return redirect("frontend:investor-interest", pk=item.pk)
    return on_error(form)


@investor_required
@not_found_as_404
@require_POST
def opportunity_interest(request, pk: int):
    viewer = viewer_get(user=request.user)
    item = access_opportunity(viewer=viewer, pk=pk)
    return _express(request, opportunity_id=item.pk, village_code=None, on_error=lambda form: render(
        request, "frontend/investors/opportunity.html", _opportunity_context(request, viewer, item, form=form),
        status=400))


@investor_required
@not_found_as_404
@require_POST
def village_interest(request, code: str):
    viewer = viewer_get(user=request.user)
    view = investor_village_get(code=code, viewer=viewer)

    def on_error(form):
        return render(request, "frontend/investors/village.html", {
            "viewer": viewer, "view": view, "profile": view.profile, "village": view.profile.village,
            "survey": view.survey, "survey_lines": [], "steps": stage_progress(stage=view.profile.stage),
            "interest_form": form}, status=400)

    return _express(request, opportunity_id=None, village_code=view.profile.village_id, on_error=on_error)


@login_required
@require_safe
def document(request, pk: int):
    """Stream a private document to an officer, or a verified investor who accepted the confidentiality terms,
    after logging the access; ``?download=1`` downloads it, otherwise it opens in the browser."""
    action = DocumentAccess.Action.DOWNLOAD if request.GET.get("download") else DocumentAccess.Action.VIEW
    try:
        item = document_open(user=request.user, pk=pk, action=action)
    except ConfidentialityTermsRequired:
        return redirect(f"{reverse('frontend:investor-terms')}?next={reverse('frontend:investor-directory')}")
    except InvestorNotVerified as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except ApplicationError as exc:
        raise Http404(str(exc.message)) from exc
    extension = ".pdf" if item.content_type == "application/pdf" else "." + item.content_type.split("/")[-1]
    response = FileResponse(item.file.open("rb"), content_type=item.content_type,
                            as_attachment=action == DocumentAccess.Action.DOWNLOAD,
                            filename=f"document-{item.pk}{extension}")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


# --- producers: what officers shared with them ---------------------------------------------------


@login_required
@require_safe
def producer_interests(request):
    """Interests of investors that an officer shared with the person's producers (others: nothing)."""
    return render(request, "frontend/investors/producer_interests.html", {
        "interests": list(interest_list_shared_for_producer(user=request.user)[:100])})


# --- officers ------------------------------------------------------------------------------------


@officer_required
@require_safe
def officer_home(request):
    """The programme view: profiles waiting, the pipeline by status, amounts per district and commodity."""
    return render(request, "frontend/investors/officer_home.html", {
        "counts": investor_profile_counts(), "pipeline": programme_pipeline(),
        "statuses": Interest.Status.choices, "section": "investors"})


@officer_required
@require_safe
def officer_csv(request):
    """Every interest as a CSV file a spreadsheet opens safely (formula-like text is written as text)."""
    stream = io.StringIO()
    writer = safe_csv_writer(stream)
    writer.writerow(["id", "created", "status", "status_changed", "introduced", "investor", "investor_kind",
                     "district", "village", "flagship_commodity", "opportunity", "involvement", "amount_rupiah"])
    for item in programme_interest_rows():
        profile = getattr(item.investor, "investor_profile", None)
        writer.writerow([item.pk, timezone.localtime(item.created_at).strftime("%Y-%m-%d"), item.status,
                         timezone.localtime(item.status_changed_at).strftime("%Y-%m-%d"),
                         timezone.localtime(item.introduced_at).strftime("%Y-%m-%d") if item.introduced_at else "",
                         profile.display_name if profile else item.investor.email,
                         profile.kind if profile else "", item.village.village.district.name,
                         item.village.village.name,
                         item.village.flagship_commodity.name if item.village.flagship_commodity else "",
                         item.opportunity.title if item.opportunity else "", item.involvement, item.amount or ""])
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="investor-interests.csv"'
    return response


@officer_required
@require_safe
def officer_profiles(request):
    status = request.GET.get("status", InvestorProfile.Status.SUBMITTED)
    status = status if status in InvestorProfile.Status.values else InvestorProfile.Status.SUBMITTED
    return render(request, "frontend/investors/officer_profiles.html", {
        "page": _page(request, investor_profile_list_for_officers(status=status)), "status": status,
        "statuses": [s for s in InvestorProfile.Status.choices if s[0] != "draft"], "section": "investors"})


def _officer_profile_context(item, *, refuse_form=None) -> dict:
    return {"profile": item, "events": list(investor_profile_event_list(profile=item)),
            "refuse_form": refuse_form or ProfileRefuseForm(), "section": "investors"}


@officer_required
@not_found_as_404
@require_safe
def officer_profile(request, pk: int):
    item = investor_profile_get_for_officers(user=request.user, pk=pk)
    return render(request, "frontend/investors/officer_profile.html", _officer_profile_context(item))


@officer_required
@not_found_as_404
@require_POST
def officer_profile_verify(request, pk: int):
    item = investor_profile_get_for_officers(user=request.user, pk=pk)
    try:
        investor_profile_verify(profile=item, officer=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("frontend:officer-investor-profile", pk=pk)
    messages.success(request, _("%(name)s is verified; the investor is told by email.") % {"name": item.display_name})
    return redirect("frontend:officer-investor-profiles")


@officer_required
@not_found_as_404
@require_POST
def officer_profile_refuse(request, pk: int):
    item = investor_profile_get_for_officers(user=request.user, pk=pk)
    form = ProfileRefuseForm(request.POST)
    if form.is_valid():
        try:
            investor_profile_refuse(profile=item, officer=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form.add_error("reason" if exc.fields else None,
                           [str(e) for e in (exc.fields.get("reason") or [exc.message])])
        else:
            messages.success(request, _("%(name)s is refused; the investor is told why by email.")
                             % {"name": item.display_name})
            return redirect("frontend:officer-investor-profiles")
    return render(request, "frontend/investors/officer_profile.html",
                  _officer_profile_context(item, refuse_form=form), status=400)


def _officer_viewer(request):
    return viewer_get(user=request.user)


@officer_required
@require_safe
def officer_opportunities(request):
    status = request.GET.get("status") or None
    status = status if status in Opportunity.Status.values else None
    return render(request, "frontend/investors/officer_opportunities.html", {
        "page": _page(request, opportunity_list(viewer=_officer_viewer(request), status=status)),
        "status": status or "", "statuses": Opportunity.Status.choices, "section": "investors"})


def _opportunity_form(data=None):
    return OpportunityForm(data, villages=village_profile_list(), producers=producer_list_public())


@officer_required
@require_http_methods(["GET", "POST"])
def officer_opportunity_new(request):
    form = _opportunity_form(request.POST or None)
    if request.method == "GET" and request.GET.get("village"):  # "post an opportunity" from a village's page
        form.initial["village_code"] = str(request.GET["village"])[:20]
    if request.method == "POST":
        if form.is_valid():
            try:
                item = opportunity_create(officer=request.user, data=OpportunityData(**form.service_data()))
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("Opportunity posted. Add its business plan and photos below."))
                return redirect("frontend:officer-opportunity", pk=item.pk)
        return render(request, "frontend/investors/officer_opportunity_new.html",
                      {"form": form, "section": "investors"}, status=400)
    return render(request, "frontend/investors/officer_opportunity_new.html", {"form": form, "section": "investors"})


def _officer_opportunity_context(request, item, *, status_form=None, document_form=None) -> dict:
    allowed = OPPORTUNITY_TRANSITIONS[item.status]
    form = status_form or OpportunityStatusForm()
    form.fields["status"].choices = [c for c in Opportunity.Status.choices if c[0] in allowed]
    return {"opportunity": item, "documents": list(item.documents.all()), "status_form": form if allowed else None,
            "document_form": document_form or DocumentForm(), "events": list(opportunity_event_list(opportunity=item)),
            "interests": list(interest_list_for_officers(opportunity=item)),
            "accesses": list(document_access_list(opportunity=item)),
            "section": "investors"}


@officer_required
@not_found_as_404
@require_safe
def officer_opportunity(request, pk: int):
    item = access_opportunity(viewer=_officer_viewer(request), pk=pk)
    return render(request, "frontend/investors/officer_opportunity.html", _officer_opportunity_context(request, item))


@officer_required
@not_found_as_404
@require_POST
def officer_opportunity_status(request, pk: int):
    item = access_opportunity(viewer=_officer_viewer(request), pk=pk)
    form = OpportunityStatusForm(request.POST)
    if form.is_valid():
        try:
            opportunity_transition(opportunity=item, to=form.cleaned_data["status"], actor=request.user,
                                   note=form.cleaned_data["note"])
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Status changed."))
            return redirect("frontend:officer-opportunity", pk=pk)
    return render(request, "frontend/investors/officer_opportunity.html",
                  _officer_opportunity_context(request, item, status_form=form), status=400)


@officer_required
@not_found_as_404
@require_POST
def officer_opportunity_document(request, pk: int):
    item = access_opportunity(viewer=_officer_viewer(request), pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            opportunity_document_add(opportunity=item, officer=request.user, kind=form.cleaned_data["kind"],
                                     title=form.cleaned_data["title"], upload=form.cleaned_data["file"])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Document added. Only verified investors who accepted the confidentiality "
                                        "terms can open it; every opening is logged."))
            return redirect("frontend:officer-opportunity", pk=pk)
    return render(request, "frontend/investors/officer_opportunity.html",
                  _officer_opportunity_context(request, item, document_form=form), status=400)


@officer_required
@require_safe
def officer_interests(request):
    status = request.GET.get("status") or Interest.Status.NEW
    status = status if status in Interest.Status.values else Interest.Status.NEW
    return render(request, "frontend/investors/officer_interests.html", {
        "page": _page(request, interest_list_for_officers(status=status)), "status": status,
        "statuses": Interest.Status.choices, "section": "investors"})


def _officer_interest_context(item, *, move_form=None, note_form=None, share_form=None) -> dict:
    allowed = INTEREST_TRANSITIONS[item.status]
    form = move_form or InterestMoveForm()
    form.fields["to"].choices = [c for c in Interest.Status.choices if c[0] in allowed]
    return {"interest": item, "events": list(interest_event_list(interest=item, for_officer=True)),
            "profile": getattr(item.investor, "investor_profile", None), "move_form": form if allowed else None,
            "note_form": note_form or InterestNoteForm(),
            "share_form": share_form or InterestShareForm(initial={"note": item.shared_note}), "section": "investors"}


@officer_required
@not_found_as_404
@require_safe
def officer_interest(request, pk: int):
    return render(request, "frontend/investors/officer_interest.html",
                  _officer_interest_context(access_interest(user=request.user, pk=pk)))


def _officer_interest_post(request, pk: int, *, form_class, context_key: str, done: str, act):
    """One officer action on an interest: validate ``form_class``, call ``act(item, data)``, back to its page."""
    item = access_interest(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(item, form.cleaned_data)
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, done)
            return redirect("frontend:officer-interest", pk=pk)
    return render(request, "frontend/investors/officer_interest.html",
                  _officer_interest_context(item, **{context_key: form}), status=400)


@officer_required
@not_found_as_404
@require_POST
def officer_interest_move(request, pk: int):
    return _officer_interest_post(
        request, pk, form_class=InterestMoveForm, context_key="move_form",
        done=_("Status changed; the investor is told by email."),
        act=lambda item, data: interest_transition(interest=item, to=data["to"], actor=request.user,
                                                   note=data["note"], happened_on=data["happened_on"]))


@officer_required
@not_found_as_404
@require_POST
def officer_interest_note(request, pk: int):
    return _officer_interest_post(
        request, pk, form_class=InterestNoteForm, context_key="note_form", done=_("Note added."),
        act=lambda item, data: interest_note_add(interest=item, officer=request.user, note=data["note"]))


@officer_required
@not_found_as_404
@require_POST
def officer_interest_share(request, pk: int):
    return _officer_interest_post(
        request, pk, form_class=InterestShareForm, context_key="share_form", done=_("Shared with the village side."),
        act=lambda item, data: interest_share(interest=item, officer=request.user, note=data["note"]))


urlpatterns = [
    path("dashboard/investor/", dashboard, name="investor-dashboard"),
    path("dashboard/investor/profile/", profile, name="investor-profile"),
    path("dashboard/investor/terms/", terms, name="investor-terms"),
    path("dashboard/investor/interests/", interests, name="investor-interests"),
    path("dashboard/investor/interests/<int:pk>/", interest, name="investor-interest"),
    path("dashboard/investor/watchlist/", watchlist, name="investor-watchlist"),
    path("dashboard/investor/watchlist/add/", watch_add_view, name="investor-watch-add"),
    path("dashboard/investor/watchlist/<int:pk>/remove/", watch_remove_view, name="investor-watch-remove"),
    path("dashboard/producer/investors/", producer_interests, name="producer-investor-interests"),
    path("investors/", directory, name="investor-directory"),
    path("investors/districts/", districts, name="investor-districts"),
    path("investors/villages/<str:code>/", village, name="investor-village"),
    path("investors/villages/<str:code>/interest/", village_interest, name="investor-village-interest"),
    path("investors/opportunities/", opportunities, name="investor-opportunities"),
    path("investors/opportunities/<int:pk>/", opportunity, name="investor-opportunity"),
    path("investors/opportunities/<int:pk>/interest/", opportunity_interest, name="investor-opportunity-interest"),
    path("investors/documents/<int:pk>/", document, name="investor-document"),
    path("dashboard/officer/investors/", officer_home, name="officer-investors"),
    path("dashboard/officer/investors/interests.csv", officer_csv, name="officer-investors-csv"),
    path("dashboard/officer/investors/profiles/", officer_profiles, name="officer-investor-profiles"),
    path("dashboard/officer/investors/profiles/<int:pk>/", officer_profile, name="officer-investor-profile"),
    path("dashboard/officer/investors/profiles/<int:pk>/verify/", officer_profile_verify,
         name="officer-investor-profile-verify"),
    path("dashboard/officer/investors/profiles/<int:pk>/refuse/", officer_profile_refuse,
         name="officer-investor-profile-refuse"),
    path("dashboard/officer/investors/opportunities/", officer_opportunities, name="officer-opportunities"),
    path("dashboard/officer/investors/opportunities/new/", officer_opportunity_new, name="officer-opportunity-new"),
    path("dashboard/officer/investors/opportunities/<int:pk>/", officer_opportunity, name="officer-opportunity"),
    path("dashboard/officer/investors/opportunities/<int:pk>/status/", officer_opportunity_status,
         name="officer-opportunity-status"),
    path("dashboard/officer/investors/opportunities/<int:pk>/documents/", officer_opportunity_document,
         name="officer-opportunity-document"),
    path("dashboard/officer/investors/interests/", officer_interests, name="officer-interests"),
    path("dashboard/officer/investors/interests/<int:pk>/", officer_interest, name="officer-interest"),
    path("dashboard/officer/investors/interests/<int:pk>/move/", officer_interest_move, name="officer-interest-move"),
    path("dashboard/officer/investors/interests/<int:pk>/note/", officer_interest_note, name="officer-interest-note"),
    path("dashboard/officer/investors/interests/<int:pk>/share/", officer_interest_share,
         name="officer-interest-share"),
]
