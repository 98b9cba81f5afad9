"""Pages: placements on shelves for buyers, producers and officers (see frontend/urls.py).

Buyers (``/dashboard/buyer/placements/``) act for the buyer organisation chosen in the header (else
their first): its placements, proposing one (owners and managers), the outlets' sales reports (a
form per outlet, a CSV per chain), settling a report, reordering an outright placement in one step
(the cart filled, checkout with the outlet chosen), and the shelf report with its CSV. Producers
(``/dashboard/producer/placements/``) see where their products are on shelf, propose, agree,
deliver consignment stock (a printable delivery note) and what low stock asks for. Officers
(``/dashboard/officer/placements/``) see every chain's placements with filters and the shelf
report across chains. Every read is a ``placements.selectors`` function, every change one
``placements.services`` function; another organisation's placement is a 404.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from buyers.selectors import access_outlet, outlet_list
from frontend.acting import acting_organisation, acting_set
from frontend.forms.placements import (
    DeliveryForm,
    MoveForm,
    OfficerPlacementFilterForm,
    OutletRangeForm,
    PlacementForm,
    SalesForm,
    SalesImportForm,
    SettlementPaymentForm,
)
from frontend.views.common import not_found_as_404
from frontend.views.officer import officer_required
from frontend.views.producer import _current_producer, producer_area
from market.accounts.models import Organisation
from market.accounts.selectors import buyer_organisation_list
from market.core.errors import ApplicationError
from market.core.money import format_rupiah
from orders.selectors import shopper_get
from placements.exceptions import SalesImportInvalid
from placements.models import EndReason, Placement, Side
from placements.selectors import (
    PlacementFilters,
    access_delivery,
    access_placement,
    access_sales_report,
    chain_list_with_placements,
    delivery_list,
    is_chain_manager,
    is_producer_member,
    placement_allowed_moves,
    placement_deliverable_list,
    placement_event_list,
    placement_list_for_buyer,
    placement_list_for_officers,
    placement_list_for_producer,
    placement_low_stock_list,
    placement_reportable_list,
    placement_sides,
    proposal_outlet_list,
    proposal_product_list,
    sales_report_list,
    settlement_get_for_officers,
    settlement_line_list_for_producer,
    settlement_list_paid,
    settlement_list_unpaid,
    shelf_report,
    shelf_report_csv,
)
from placements.services import (
    DeliveryLineInput,
    PlacementProposal,
    SalesLineInput,
    consignment_delivery_record,
    consignment_settle,
    consignment_settlement_pay,
    outlet_range_set,
    placement_propose,
    placement_reorder,
    placement_status_set,
    sales_report_import_csv,
    sales_report_submit,
)

PER_PAGE = 25
MAX_CSV_BYTES = 2_000_000
Status = Placement.Status
MOVE_LABELS = {  # lazy: the module is imported once, the labels are read in each visitor's language
    Status.AGREED: gettext_lazy("Agree"), Status.DECLINED: gettext_lazy("Decline"),
    Status.WITHDRAWN: gettext_lazy("Withdraw"), Status.ON_SHELF: gettext_lazy("Mark as on shelf"),
    Status.ENDED: gettext_lazy("End the placement"),
}


def _page(request, items):
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


def _chain(request) -> Organisation:
    """Return the buyer organisation the pages act for (the header's choice, else the person's first); else 403."""
    organisation = acting_organisation(request) or buyer_organisation_list(user=request.user).first()
    if organisation is None:
        raise PermissionDenied(_("These pages are for the people of a buyer organisation."))
    return organisation


def _buyer_area(view):
    """Signed-in people; a ``NotFound`` of a service or selector is a 404 page."""
    return login_required(not_found_as_404(view))


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 12 else None


def _filters(request, **fixed) -> PlacementFilters:
    return PlacementFilters(status=request.GET.get("status", ""), terms=request.GET.get("terms", ""),
                            outlet_id=_int(request.GET.get("outlet")), **fixed)


def _moves(request, placement) -> list[dict]:
    return [{"to": to, "label": MOVE_LABELS[to], "needs_reason": to == Status.ENDED,
             "needs_note": to in (Status.DECLINED, Status.WITHDRAWN)}
            for to in placement_allowed_moves(user=request.user, placement=placement)]


# --- buyers -----------------------------------------------------------------------------------------


@_buyer_area
@require_safe
def buyer_list(request):
    organisation = _chain(request)
    return render(request, "frontend/placements/buyer_list.html", {
        "area": "buyer", "section": "list",
        "organisation": organisation, "page": _page(request, placement_list_for_buyer(
            organisation=organisation, filters=_filters(request))),
        "outlets": outlet_list(organisation=organisation), "statuses": Status.choices,
        "can_manage": is_chain_manager(user=request.user, organisation_id=organisation.pk),
        "status": request.GET.get("status", ""), "outlet": request.GET.get("outlet", "")})


def _product_choices(products) -> list[tuple[int, str]]:
    return [(p.pk, f"{p.name} — {p.producer.name} ({p.producer.village.name})") for p in products]


def _propose(request, *, side: str, outlets, products, back: str, template_extra: dict):
    """Propose a placement; ``?meeting=`` (from a showcase meeting's page) records the meeting it follows."""
    meeting = _int(request.POST.get("showcase_meeting") if request.method == "POST" else request.GET.get("meeting"))
    form = PlacementForm(request.POST or None, outlets=outlets, products=products,
                         initial={"product": _int(request.GET.get("product")),
                                  "outlet": _int(request.GET.get("outlet")), "showcase_meeting": meeting})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            placement = placement_propose(actor=request.user, side=side, proposal=PlacementProposal(
                outlet_id=data["outlet"], product_id=data["product"], terms=data["terms"],
                shelf_price=data["shelf_price"], consignment_price=data["consignment_price"],
                start_date=data["start_date"], facings=data["facings"],
                low_stock_threshold=data["low_stock_threshold"], note=data["note"],
                showcase_meeting_id=data.get("showcase_meeting")))
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("The placement is proposed; the other side is asked to agree."))
            return redirect(f"{back}{placement.pk}/")
    return render(request, "frontend/placements/propose.html",
                  {"form": form, "from_meeting": bool(meeting), **template_extra},
                  status=400 if request.method == "POST" else 200)


@_buyer_area
@require_http_methods(["GET", "HEAD", "POST"])
def buyer_propose(request):
    organisation = _chain(request)
    if not is_chain_manager(user=request.user, organisation_id=organisation.pk):
        raise PermissionDenied(_("Only an owner or manager of this buyer organisation can do this."))
    outlets = [(o.pk, o.name) for o in outlet_list(organisation=organisation)]
    return _propose(request, side=Side.BUYER, outlets=outlets, products=_product_choices(proposal_product_list()),
                    back=reverse("frontend:buyer-placements"),
                    template_extra={"area": "buyer", "organisation": organisation})


def _detail_context(request, placement, area: str) -> dict:
    return {"placement": placement, "area": area, "moves": _moves(request, placement),
            "events": placement_event_list(placement=placement), "end_reasons": EndReason.choices,
            "sides": placement_sides(user=request.user, placement=placement),
            "deliveries": delivery_list().filter(lines__placement=placement).distinct()[:20],
            "move_form": MoveForm()}


@_buyer_area
@require_safe
def buyer_detail(request, pk: int):
    placement = access_placement(user=request.user, pk=pk)
    if not request.user.is_officer and placement.organisation_id not in {
            o.pk for o in buyer_organisation_list(user=request.user)}:
        raise Http404(_("Placement not found."))
    return render(request, "frontend/placements/detail.html", {
        **_detail_context(request, placement, "buyer"),
        "can_reorder": placement.terms == "outright" and placement.status in (Status.AGREED, Status.ON_SHELF)})


@login_required
@require_POST
@not_found_as_404
def placement_move(request, pk: int):
    """Agree, decline, withdraw, put on shelf or end (both sides; the service decides who may)."""
    placement = access_placement(user=request.user, pk=pk)
    area = "producer" if request.POST.get("area") == "producer" else "buyer"
    back = reverse(f"frontend:{area}-placement", kwargs={"pk": placement.pk})
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            placement_status_set(placement=placement, actor=request.user, to=form.cleaned_data["to"],
                                 reason=form.cleaned_data["reason"], note=form.cleaned_data["note"])
        except ApplicationError as exc:
            detail = " ".join(str(m) for ms in exc.fields.values() for m in ms)
            messages.error(request, f"{exc.message} {detail}".strip())
        else:
            messages.success(request, _("The placement is now: %(status)s.")
                             % {"status": Placement.Status(form.cleaned_data["to"]).label})
    return redirect(back)


@_buyer_area
@require_POST
def buyer_reorder(request, pk: int):
    """Fill the cart with the placement's product and go to checkout with its outlet chosen."""
    placement = access_placement(user=request.user, pk=pk)
    organisation = next((o for o in buyer_organisation_list(user=request.user) if o.pk == placement.organisation_id),
                        None)
    if organisation is None:
        raise Http404(_("Placement not found."))
    acting_set(request, str(organisation.pk))  # the cart and checkout act for the placement's chain
    try:
        quantity = placement_reorder(placement=placement, shopper=shopper_get(user=request.user,
                                                                              organisation=organisation))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("frontend:buyer-placement", pk=placement.pk)
    messages.success(request, _("%(count)s × %(product)s are in the cart for %(outlet)s. Check and place the order.")
                     % {"count": quantity, "product": placement.product.name, "outlet": placement.outlet.name})
    return redirect(f"{reverse('frontend:checkout')}?{urlencode({'destination': placement.outlet_id})}")


@_buyer_area
@require_safe
def buyer_sales(request):
    """The chain's sales reports, a form per outlet and the CSV upload."""
    organisation = _chain(request)
    return render(request, "frontend/placements/buyer_sales.html", {
        "area": "buyer", "section": "sales",
        "organisation": organisation, "page": _page(request, sales_report_list(organisation=organisation)),
        "outlets": outlet_list(organisation=organisation), "import_form": SalesImportForm(),
        "can_settle": is_chain_manager(user=request.user, organisation_id=organisation.pk)})


@_buyer_area
@require_http_methods(["GET", "HEAD", "POST"])
def buyer_sales_report_new(request, pk: int):
    outlet = access_outlet(user=request.user, pk=pk)
    if request.user.is_officer:
        raise Http404(_("Outlet not found."))
    placements = list(placement_reportable_list(outlet=outlet))
    form = SalesForm(request.POST or None, placements=placements)
    if request.method == "POST" and form.is_valid():
        try:
            report = sales_report_submit(actor=request.user, outlet=outlet, period_end=form.cleaned_data["period_end"],
                                         lines=[SalesLineInput(pk, sold, counted) for pk, sold, counted in
                                                form.lines()])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("The sales of %(outlet)s are reported.") % {"outlet": outlet.name})
            return redirect("frontend:buyer-sales-report", pk=report.pk)
    return render(request, "frontend/placements/sales_form.html", {"area": "buyer", "section": "sales",
                                                                   "outlet": outlet, "form": form,
                                                                   "placements": placements},
                  status=400 if request.method == "POST" else 200)


@_buyer_area
@require_POST
def buyer_sales_import(request):
    organisation = _chain(request)
    form = SalesImportForm(request.POST, request.FILES)
    rows: list = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        raw = upload.read(MAX_CSV_BYTES + 1)
        try:
            if len(raw) > MAX_CSV_BYTES:
                raise SalesImportInvalid([(0, _("The file is larger than 2 MB."))])
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise SalesImportInvalid([(0, _("Save the file as CSV in UTF-8."))]) from None
            reports = sales_report_import_csv(actor=request.user, organisation=organisation, text=text)
        except SalesImportInvalid as exc:
            rows = exc.rows
            form.add_error(None, str(exc.message))
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("%(count)s sales reports imported.") % {"count": len(reports)})
            return redirect("frontend:buyer-sales")
    return render(request, "frontend/placements/buyer_sales.html", {
        "area": "buyer", "section": "sales",
        "organisation": organisation, "page": _page(request, sales_report_list(organisation=organisation)),
        "outlets": outlet_list(organisation=organisation), "import_form": form, "import_rows": rows,
        "can_settle": is_chain_manager(user=request.user, organisation_id=organisation.pk)}, status=400)


@_buyer_area
@require_safe
def buyer_sales_report(request, pk: int):
    report = access_sales_report(user=request.user, pk=pk)
    if report.organisation_id not in {o.pk for o in buyer_organisation_list(user=request.user)}:
        raise Http404(_("Sales report not found."))
    return render(request, "frontend/placements/sales_report.html", {
        "area": "buyer", "section": "sales", "report": report, "settlement": getattr(report, "settlement", None),
        "can_settle": is_chain_manager(user=request.user, organisation_id=report.organisation_id)})


@_buyer_area
@require_POST
def buyer_sales_report_settle(request, pk: int):
    report = access_sales_report(user=request.user, pk=pk)
    try:
        settlement = consignment_settle(report=report, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Settled: %(amount)s owed to the producers through the platform.")
                         % {"amount": format_rupiah(settlement.gross)})
    return redirect("frontend:buyer-sales-report", pk=report.pk)


def _shelf(request, organisation):
    outlet = None
    outlet_id = _int(request.GET.get("outlet"))
    if outlet_id:
        outlet = next((o for o in outlet_list(organisation=organisation) if o.pk == outlet_id), None)
    return outlet, shelf_report(organisation=organisation, outlet=outlet)


@_buyer_area
@require_safe
def buyer_shelf(request):
    organisation = _chain(request)
    outlet, report = _shelf(request, organisation)
    return render(request, "frontend/placements/shelf.html", {
        "organisation": organisation, "outlet": outlet, "report": report, "area": "buyer", "section": "shelf",
        "outlets": outlet_list(organisation=organisation), "range_form": OutletRangeForm(),
        "can_manage": is_chain_manager(user=request.user, organisation_id=organisation.pk),
        "csv_url": f"{reverse('frontend:buyer-shelf-csv')}?{request.GET.urlencode()}"})


def _csv_response(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@_buyer_area
@require_safe
def buyer_shelf_csv(request):
    organisation = _chain(request)
    _outlet, report = _shelf(request, organisation)
    return _csv_response(shelf_report_csv(report=report), f"rak-{organisation.pk}-{timezone.localdate()}.csv")


@_buyer_area
@require_POST
def buyer_outlet_range(request, pk: int):
    outlet = access_outlet(user=request.user, pk=pk)
    form = OutletRangeForm(request.POST)
    if form.is_valid():
        try:
            outlet_range_set(actor=request.user, outlet=outlet, total_skus=form.cleaned_data["total_skus"])
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The range of %(outlet)s is recorded.") % {"outlet": outlet.name})
    else:
        messages.error(request, _("Enter the number of products the outlet carries."))
    return redirect(f"{reverse('frontend:buyer-shelf')}?outlet={outlet.pk}")


# --- the delivery note (both sides and officers) -------------------------------------------------------


@login_required
@require_safe
@not_found_as_404
def delivery_note(request, pk: int):
    delivery = access_delivery(user=request.user, pk=pk)
    area = ("officer" if request.user.is_officer else
            "producer" if is_producer_member(user=request.user, producer=delivery.producer) else "buyer")
    return render(request, "frontend/placements/delivery_note.html", {"delivery": delivery, "area": area,
                                                                      "producer": delivery.producer})


# --- producers ------------------------------------------------------------------------------------


def _producer(request):
    producer, _producers = _current_producer(request)
    if producer is None:
        raise Http404(_("Producer not found."))
    return producer


@producer_area
@require_safe
def producer_list(request):
    producer = _producer(request)
    return render(request, "frontend/placements/producer_list.html", {
        "area": "producer", "section": "list", "producer": producer, "page": _page(request, placement_list_for_producer(
            producer=producer, filters=_filters(request))),
        "low_stock": placement_low_stock_list(producer=producer), "statuses": Status.choices,
        "status": request.GET.get("status", ""),
        "deliveries": delivery_list(producer=producer)[:10],
        "settlement_lines": settlement_line_list_for_producer(producer=producer)[:10]})


@producer_area
@require_http_methods(["GET", "HEAD", "POST"])
def producer_propose(request):
    producer = _producer(request)
    outlets = [(o.pk, f"{o.organisation.name} — {o.name} ({o.village.name})") for o in proposal_outlet_list()]
    return _propose(request, side=Side.PRODUCER, outlets=outlets,
                    products=_product_choices(proposal_product_list(producer=producer)),
                    back=reverse("frontend:producer-placements"),
                    template_extra={"area": "producer", "producer": producer})


@producer_area
@require_safe
def producer_detail(request, pk: int):
    placement = access_placement(user=request.user, pk=pk)
    if not request.user.is_officer and Side.PRODUCER not in placement_sides(user=request.user, placement=placement):
        raise Http404(_("Placement not found."))
    return render(request, "frontend/placements/detail.html", {**_detail_context(request, placement, "producer"),
                                                               "producer": placement.producer})


@producer_area
@require_http_methods(["GET", "HEAD", "POST"])
def producer_delivery_new(request):
    """Record a consignment delivery to one outlet: units per agreed or on-shelf placement there."""
    producer = _producer(request)
    outlet_id = _int(request.GET.get("outlet") or request.POST.get("outlet"))
    deliverable = list(placement_deliverable_list(producer=producer))
    outlets = {p.outlet_id: p.outlet for p in deliverable}
    if outlet_id is None or outlet_id not in outlets:
        return render(request, "frontend/placements/delivery_outlets.html",
                      {"area": "producer", "section": "delivery", "producer": producer,
                       "outlets": list(outlets.values())})
    placements = [p for p in deliverable if p.outlet_id == outlet_id]
    form = DeliveryForm(request.POST or None, placements=placements,
                        initial={f"qty_{p.pk}": _int(request.GET.get(f"qty_{p.pk}")) for p in placements})
    if request.method == "POST" and form.is_valid():
        try:
            delivery = consignment_delivery_record(
                actor=request.user, outlet=outlets[outlet_id], delivered_on=form.cleaned_data["delivered_on"],
                note=form.cleaned_data["note"], lines=[DeliveryLineInput(pk, qty) for pk, qty in form.quantities()])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("Delivery note %(number)s is recorded; print it for the outlet to sign.")
                             % {"number": delivery.number})
            return redirect("frontend:placement-delivery-note", pk=delivery.pk)
    return render(request, "frontend/placements/delivery_form.html", {
        "area": "producer", "section": "delivery", "producer": producer, "outlet": outlets[outlet_id], "form": form},
        status=400 if request.method == "POST" else 200)


# --- officers ------------------------------------------------------------------------------------


@officer_required
@require_safe
def officer_list(request):
    chains = chain_list_with_placements()
    form = OfficerPlacementFilterForm(request.GET or None, chains=[(o.pk, o.name) for o in chains],
                                      statuses=Status.choices)
    data = form.cleaned_data if form.is_valid() else {}
    filters = PlacementFilters(status=data.get("status") or "", organisation_id=data.get("organisation"),
                               outlet_id=data.get("outlet"), village_code=(data.get("village") or "").strip())
    organisation = next((o for o in chains if o.pk == data.get("organisation")), None)
    return render(request, "frontend/placements/officer_list.html", {
        "area": "officer", "form": form, "page": _page(request, placement_list_for_officers(filters=filters)),
        "report": shelf_report(organisation=organisation), "organisation": organisation})


@officer_required
@require_safe
def officer_shelf_csv(request):
    chains = chain_list_with_placements()
    organisation = next((o for o in chains if o.pk == _int(request.GET.get("organisation"))), None)
    return _csv_response(shelf_report_csv(report=shelf_report(organisation=organisation)),
                         f"rak-semua-{timezone.localdate()}.csv")



# --- officers: the chains' payments of consignment settlements -------------------------------------


def _render_consignment(request, *, failed=None, status: int = 200):
    page = _page(request, settlement_list_unpaid())
    for settlement in page.object_list:
        settlement.form = (failed if failed is not None and failed.settlement_pk == settlement.pk
                           else SettlementPaymentForm(settlement=settlement,
                                                      initial={"amount": settlement.gross}))
    return render(request, "frontend/finance/officer_consignment.html", {
        "section": "finance", "tab": "consignment", "page": page,
        "paid": list(settlement_list_paid()[:PER_PAGE])}, status=status)


@officer_required
@require_safe
def officer_consignment(request):
    """Consignment settlements the chains still owe, each with the form to record its transfer; the latest paid."""
    return _render_consignment(request)


@officer_required
@require_POST
@not_found_as_404
def officer_consignment_pay(request, pk: int):
    settlement = settlement_get_for_officers(pk=pk)
    form = SettlementPaymentForm(request.POST, settlement=settlement)
    form.settlement_pk = settlement.pk
    if form.is_valid():
        data = form.cleaned_data
        try:
            consignment_settlement_pay(settlement=settlement, officer=request.user, amount=data["amount"],
                                       bank_reference=data["bank_reference"], paid_on=data["paid_on"])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("%(chain)s paid %(amount)s (%(reference)s): the producers' shares are "
                                        "available for payout.") % {
                "chain": settlement.organisation.name, "amount": format_rupiah(settlement.gross),
                "reference": settlement.payment_reference})
            return redirect("frontend:officer-finance-consignment")
    return _render_consignment(request, failed=form, status=400)


urlpatterns = [
    path("dashboard/buyer/placements/", buyer_list, name="buyer-placements"),
    path("dashboard/buyer/placements/new/", buyer_propose, name="buyer-placement-new"),
    path("dashboard/buyer/placements/<int:pk>/", buyer_detail, name="buyer-placement"),
    path("dashboard/buyer/placements/<int:pk>/reorder/", buyer_reorder, name="buyer-placement-reorder"),
    path("dashboard/buyer/placements/sales/", buyer_sales, name="buyer-sales"),
    path("dashboard/buyer/placements/sales/import/", buyer_sales_import, name="buyer-sales-import"),
    path("dashboard/buyer/placements/sales/outlets/<int:pk>/", buyer_sales_report_new,
         name="buyer-sales-report-new"),
    path("dashboard/buyer/placements/sales/<int:pk>/", buyer_sales_report, name="buyer-sales-report"),
    path("dashboard/buyer/placements/sales/<int:pk>/settle/", buyer_sales_report_settle,
         name="buyer-sales-report-settle"),
    path("dashboard/buyer/placements/shelf/", buyer_shelf, name="buyer-shelf"),
    path("dashboard/buyer/placements/shelf.csv", buyer_shelf_csv, name="buyer-shelf-csv"),
    path("dashboard/buyer/placements/outlets/<int:pk>/range/", buyer_outlet_range,
         name="buyer-outlet-range"),
    path("placements/<int:pk>/move/", placement_move, name="placement-move"),
    path("placements/deliveries/<int:pk>/", delivery_note, name="placement-delivery-note"),
    path("dashboard/producer/placements/", producer_list, name="producer-placements"),
    path("dashboard/producer/placements/new/", producer_propose, name="producer-placement-new"),
    path("dashboard/producer/placements/<int:pk>/", producer_detail, name="producer-placement"),
    path("dashboard/producer/placements/deliveries/new/", producer_delivery_new, name="producer-delivery-new"),
    path("dashboard/officer/placements/", officer_list, name="officer-placements"),
    path("dashboard/officer/placements/shelf.csv", officer_shelf_csv, name="officer-shelf-csv"),
    path("dashboard/officer/finance/consignment/", officer_consignment, name="officer-finance-consignment"),
    path("dashboard/officer/finance/consignment/<int:pk>/pay/", officer_consignment_pay,
         name="officer-finance-consignment-pay"),
]
