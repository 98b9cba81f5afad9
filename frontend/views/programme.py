"""Pages: the programme cockpit (officers), the officers' audit trail and the public results page.

The cockpit's figures come from ``programme.selectors.cockpit_get``; each section is drawn as a
server-side SVG chart (``{% bar_chart %}``) with its table one click away and the same table as a
CSV or XLSX file (``officer-cockpit-export``). Tables are built once here (``_cockpit_tables``) for
the page and the files alike, so the download always matches what the page shows.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe

from catalog.models import Stage
from frontend.forms.programme import AuditFilterForm, CockpitFilterForm
from frontend.views.officer import officer_required
from investors.models import Interest, InvestorKind
from market.core.audit import AuditQuery
from market.core.csv import csv_cell, safe_csv_writer
from market.core.money import format_rupiah
from market.core.pagecache import cache_public_page
from orders.models import Channel
from placements.models import Placement, Terms
from programme.selectors import (
    AUDIT_KINDS,
    audit_entry_list,
    audit_officer_choices,
    cockpit_get,
    commodity_label,
    programme_district_list,
    public_results_get,
)

AUDIT_SHOWN = 200
AUDIT_EXPORTED = 5000

GAP_LABELS = {
    "food_permit": gettext_lazy("Food permit (P-IRT or BPOM)"),
    "halal": gettext_lazy("Halal certificate"),
    "shelf_life": gettext_lazy("Long enough shelf life"),
    "barcode": gettext_lazy("EAN-13 barcode"),
    "packaging": gettext_lazy("Designed or retail-ready packaging"),
    "capacity": gettext_lazy("Monthly capacity recorded"),
}
CHANNEL_LABELS = dict(Channel.choices)
INTEREST_STATUS_LABELS = dict(Interest.Status.choices)


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list]  # cells as written in files: numbers stay numbers
    chart: list[tuple[str, float, str]]  # (label, value, shown) for {% bar_chart %}; empty: no chart


def _month(value) -> str:
    return date_format(value, "M Y")


def _cockpit_tables(cockpit: dict, districts) -> dict[str, Table]:
    """Return every table of the cockpit by name (the names of ``?table=`` in the export)."""
    stage_labels = dict(Stage.choices)
    funnel, products, commerce = cockpit["funnel"], cockpit["products"], cockpit["commerce"]
    names = {d.code: d.name for d in districts}
    by_district = funnel["funnel"]["by_district"]
    tables = {
        "funnel": Table(_("Villages by stage"), [_("Stage"), _("Villages"), _("Moved into it in the period")],
                        [[str(stage_labels[stage]), funnel["funnel"]["by_stage"][stage], funnel["moves"][stage]]
                         for stage in Stage.values],
                        [(str(stage_labels[stage]), funnel["funnel"]["by_stage"][stage],
                          str(funnel["funnel"]["by_stage"][stage])) for stage in Stage.values]),
        "funnel_districts": Table(
            _("Villages by stage per district"), [_("District"), *[str(stage_labels[s]) for s in Stage.values],
                                                  _("Total")],
            [[names.get(code, code), *[counts[s] for s in Stage.values], sum(counts.values())]
             for code, counts in sorted(by_district.items(), key=lambda item: names.get(item[0], item[0]))],
            []),
        "stage_durations": Table(
            _("Days spent in each stage"), [_("Stage"), _("Stays"), _("Average days"), _("Median days")],
            [[str(stage_labels[stage]), data["count"], data["average"], data["median"]]
             for stage, data in funnel["durations"].items()],
            [(str(stage_labels[stage]), data["average"] or 0, str(data["average"] if data["average"] is not None
                                                                   else "–"))
             for stage, data in funnel["durations"].items()]),
        "stuck": Table(
            _("Stuck villages"), [_("Village"), _("District"), _("Stage"), _("Last change")],
            [[p.village.name, p.village.district.name, str(stage_labels[p.stage_then]), p.moved_on.isoformat()]
             for p in funnel["stuck"]], []),
        "readiness_gaps": Table(
            _("What listed products miss for retail"), [_("Item"), _("Food and drink only"), _("Products missing it")],
            [[str(GAP_LABELS[gap["key"]]), _("yes") if gap["food"] else _("no"), gap["missing"]]
             for gap in products["gaps"]],
            [(str(GAP_LABELS[gap["key"]]), gap["missing"], str(gap["missing"])) for gap in products["gaps"]]),
        "sales_month": Table(
            _("Sales per month, net of refunds"), [_("Month"), _("Orders"), _("Revenue (rupiah)"),
                                                   _("Refunds taken off (rupiah)")],
            [[row["month"].strftime("%Y-%m"), row["orders"], row["revenue"], row["refunded"]]
             for row in commerce["by_month"]],
            [(_month(row["month"]), row["revenue"], format_rupiah(row["revenue"])) for row in commerce["by_month"]]),
        "sales_district": Table(
            _("Sales per district"), [_("District"), _("Orders"), _("Revenue (rupiah)")],
            [[row["village__district__name"], row["orders_sum"], row["revenue_sum"]] for row in commerce["by_district"]],
            [(row["village__district__name"], row["revenue_sum"], format_rupiah(row["revenue_sum"]))
             for row in commerce["by_district"]]),
        "sales_village": Table(
            _("Villages selling most"), [_("Village"), _("District"), _("Orders"), _("Revenue (rupiah)")],
            [[row["village__name"], row["village__district__name"], row["orders_sum"], row["revenue_sum"]]
             for row in commerce["by_village"]],
            [(f'{row["village__name"]} ({row["village__district__name"]})', row["revenue_sum"],
              format_rupiah(row["revenue_sum"])) for row in commerce["by_village"]]),
        "sales_channel": Table(
            _("Sales per channel"), [_("Channel"), _("Orders"), _("Revenue (rupiah)")],
            [[str(CHANNEL_LABELS.get(row["channel"], row["channel"])), row["orders_sum"], row["revenue_sum"]]
             for row in commerce["by_channel"]],
            [(str(CHANNEL_LABELS.get(row["channel"], row["channel"])), row["revenue_sum"],
              format_rupiah(row["revenue_sum"])) for row in commerce["by_channel"]]),
        "sales_commodity": Table(
            _("Sales per commodity"), [_("Commodity"), _("Orders"), _("Revenue (rupiah)")],
            [[commodity_label(row) or _("No commodity"), row["orders_sum"], row["revenue_sum"]]
             for row in commerce["by_commodity"]],
            [(commodity_label(row) or _("No commodity"), row["revenue_sum"], format_rupiah(row["revenue_sum"]))
             for row in commerce["by_commodity"]]),
        "payouts": Table(
            _("Paid out to producers"), [_("Month"), _("Payouts"), _("Producers"), _("Amount (rupiah)")],
            [[row["month"].strftime("%Y-%m"), row["payouts"], row["producers"], row["amount"]]
             for row in commerce["payouts"]],
            [(_month(row["month"]), row["amount"], format_rupiah(row["amount"])) for row in commerce["payouts"]]),
        **_placement_tables(cockpit["placements"]),
        **_showcase_tables(cockpit["showcases"]),
        **_investment_tables(cockpit["investment"], names),
    }
    return tables


def _placement_tables(placements: dict) -> dict[str, Table]:
    return {
        "placements_month": Table(
            _("Shelf placements per month"),
            [_("Month"), _("Placements agreed"), _("Placements ended"), _("Consignment units sold"),
             _("Settled (rupiah)")],
            [[row["month"].strftime("%Y-%m"), row["agreed"], row["ended"], row["units_sold"], row["settled"]]
             for row in placements["by_month"]],
            [(_month(row["month"]), row["agreed"], str(row["agreed"])) for row in placements["by_month"]]),
        "placements_district": Table(
            _("Shelf placements per district"),
            [_("District"), _("On shelf today"), _("Outlets today"), _("Placements agreed"), _("Placements ended"),
             _("Consignment units sold"), _("Settled (rupiah)")],
            [[row["name"], row["on_shelf"], row["outlets"], row["agreed"], row["ended"], row["units_sold"],
              row["settled"]] for row in placements["by_district"]],
            [(row["name"], row["on_shelf"], str(row["on_shelf"])) for row in placements["by_district"]]),
        "placements_village": Table(
            _("Villages with most products on shelves"),
            [_("Village"), _("District"), _("On shelf today"), _("Outlets today"), _("Placements agreed"),
             _("Consignment units sold"), _("Settled (rupiah)")],
            [[row["name"], row["district"], row["on_shelf"], row["outlets"], row["agreed"], row["units_sold"],
              row["settled"]] for row in placements["by_village"]],
            [(f'{row["name"]} ({row["district"]})', row["on_shelf"], str(row["on_shelf"]))
             for row in placements["by_village"]]),
    }


def _showcase_tables(showcases: dict) -> dict[str, Table]:
    return {
        "showcase_outcomes": Table(
            _("Outcomes of showcase meetings"), [_("Outcome"), _("Meetings")],
            [[str(row["label"]), row["count"]] for row in showcases["outcomes"]],
            [(str(row["label"]), row["count"], str(row["count"])) for row in showcases["outcomes"]]),
        "showcases": Table(
            _("Showcases held"),
            [_("Showcase"), _("Date"), _("Producers"), _("Buyer organisations"), _("Meetings requested"),
             _("Meetings held"), _("Leads"), _("Orders"), _("Order value (rupiah)"), _("Placements agreed")],
            [[row["showcase"].title, timezone.localtime(row["showcase"].starts_at).date().isoformat(),
              row["producers"], row["buyers"], row["requested"], row["meetings"], row["leads"], row["orders"],
              row["orders_value"], row["placements"]] for row in showcases["rows"]],
            [(row["showcase"].title, row["meetings"], str(row["meetings"])) for row in showcases["rows"]]),
    }


def _investment_tables(investment: dict, names: dict[str, str]) -> dict[str, Table]:
    return {
        "investment_status": Table(
            _("Expressions of interest by status today"), [_("Status"), _("Interests")],
            [[str(INTEREST_STATUS_LABELS[status]), count] for status, count in investment["by_status"].items()],
            [(str(INTEREST_STATUS_LABELS[status]), count, str(count))
             for status, count in investment["by_status"].items()]),
        "investment_month": Table(
            _("Investment per month"),
            [_("Month"), _("Interests expressed"), _("Introductions"), _("Commitments"),
             _("Amount committed (rupiah)")],
            [[row["month"].strftime("%Y-%m"), row["expressed"], row["introduced"], row["committed"], row["amount"]]
             for row in investment["by_month"]],
            [(_month(row["month"]), row["amount"], format_rupiah(row["amount"])) for row in investment["by_month"]]),
        "investment_district": Table(
            _("Investment per district"),
            [_("District"), _("Interests expressed"), _("Introductions"), _("Commitments"),
             _("Amount committed (rupiah)")],
            [[names.get(row["district_id"], row["name"]), row["expressed"], row["introduced"], row["committed"],
              row["amount"]] for row in investment["by_district"]],
            [(names.get(row["district_id"], row["name"]), row["amount"], format_rupiah(row["amount"]))
             for row in investment["by_district"]]),
    }


def _cockpit(request):
    today = timezone.localdate()
    districts = list(programme_district_list())
    form = CockpitFilterForm(request.GET or None, districts=districts, today=today)
    period, district = form.period_and_district()
    cockpit = cockpit_get(period=period, district=district, today=today)
    return form, districts, cockpit, _cockpit_tables(cockpit, districts)


@officer_required
@require_safe
def cockpit(request):
    form, districts, data, tables = _cockpit(request)
    district_name = next((d.name for d in districts if d.code == data["district"]), None)
    stage_labels = dict(Stage.choices)
    for profile in data["funnel"]["stuck"]:
        profile.stage_then_label = stage_labels[profile.stage_then]
    return render(request, "frontend/programme/cockpit.html", {
        "section": "cockpit", "form": form, "cockpit": data, "tables": tables, "district_name": district_name,
        "gaps": [{"key": gap["key"], "text": _gap_text(gap)} for gap in data["products"]["gaps"] if gap["missing"]],
        "query": request.GET.urlencode(), "reports": [
            ("villages", _("Villages with their survey and stage")),
            ("coaching", _("Coaching sessions with attendance")),
            ("producers", _("Producers with their permits")),
            ("products", _("Products with their retail readiness")),
            ("placements", _("Placements on retail shelves with their stock and money")),
            ("interests", _("Expressions of interest of the period (organisations only, no personal data)"))],
    })


def _gap_text(gap: dict) -> str:
    """Return "37 food products lack: halal certificate" for a readiness gap."""
    item = str(GAP_LABELS[gap["key"]])
    if gap["food"]:
        return ngettext("%(count)s food product lacks: %(item)s", "%(count)s food products lack: %(item)s",
                        gap["missing"]) % {"count": gap["missing"], "item": item}
    return ngettext("%(count)s product lacks: %(item)s", "%(count)s products lack: %(item)s",
                    gap["missing"]) % {"count": gap["missing"], "item": item}


def _file_response(table: Table, name: str, fmt: str) -> HttpResponse:
    """Return ``table`` as a CSV (formula cells neutralised) or XLSX download named ``name``."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = name[:31]
        sheet.append([csv_cell(cell) for cell in table.headers])
        for row in table.rows:
            sheet.append([csv_cell(cell) for cell in row])  # no text may start a formula here either
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        text = io.StringIO()
        writer = safe_csv_writer(text)
        writer.writerow(table.headers)
        writer.writerows(table.rows)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{"xlsx" if fmt == "xlsx" else "csv"}"'
    return response


@officer_required
@require_safe
def cockpit_export(request):
    """One table of the cockpit (``?table=``, with the page's filters) as CSV or XLSX (``?format=``)."""
    from django.http import Http404

    _form, _districts, _data, tables = _cockpit(request)
    name = request.GET.get("table") or "funnel"
    if name not in tables:
        raise Http404(_("There is no such table."))
    return _file_response(tables[name], f"programme-{name}", request.GET.get("format", "csv"))


def _report_table(report: str, rows) -> Table:
    """Return a report's rows as a table (headers in the page's language, cells as written in files)."""
    if report == "villages":
        return Table(_("Villages with their survey and stage"), [
            _("Code"), _("Village"), _("District"), _("Stage"), _("Flagship commodity"), _("Surveyed on"),
            _("Workforce"), _("Women"), _("Youth"), _("Existing businesses"), _("Road"), _("Electricity"),
            _("Internet"), _("Water")], [
            [r["profile"].village_id, r["profile"].village.name, r["profile"].village.district.name,
             str(r["profile"].get_stage_display()),
             r["profile"].flagship_commodity.name if r["profile"].flagship_commodity else "",
             *([r["survey"].surveyed_on.isoformat(), r["survey"].workforce_total, r["survey"].workforce_women,
                r["survey"].workforce_youth, r["survey"].existing_businesses, str(r["survey"].get_road_display()),
                str(r["survey"].get_electricity_display()), str(r["survey"].get_internet_display()),
                str(r["survey"].get_water_display())] if r["survey"] else [""] * 9)] for r in rows], [])
    if report == "coaching":
        return Table(_("Coaching sessions with attendance"), [
            _("Date"), _("Village"), _("District"), _("Stage"), _("Topic"), _("Trainer"), _("Producers attending"),
            _("Producers"), _("People attending"), _("Women"), _("Youth")], [
            [s.held_on.isoformat(), s.profile.village.name, s.profile.village.district.name,
             str(s.get_stage_display()), s.topic, s.trainer, len(s.attendees.all()),
             ", ".join(p.name for p in s.attendees.all()), s.people_attending, s.women_attending, s.youth_attending]
            for s in rows], [])
    if report == "producers":
        return Table(_("Producers with their permits"), [
            _("Producer"), _("Village"), _("District"), _("Verified"), _("Capacity per month"), _("Permits")], [
            [p.name, p.village.name, p.village.district.name, _("yes") if p.verified_at else _("no"),
             f"{p.capacity_per_month} {p.capacity_unit}",
             "; ".join(f"{permit.get_kind_display()} {permit.number}"
                       + (f" ({permit.expires_on.isoformat()})" if permit.expires_on else "")
                       for permit in p.permits.all())] for p in rows], [])
    if report == "placements":
        terms = dict(Terms.choices)
        statuses = dict(Placement.Status.choices)
        return Table(_("Placements on retail shelves with their stock and money"), [
            _("Chain"), _("Outlet"), _("Product"), _("Producer"), _("Village"), _("District"), _("Terms"),
            _("Status"), _("Agreed on"), _("Shelf price (rupiah)"), _("Units delivered"), _("Units sold"),
            _("Stock at the outlet"), _("Settled (rupiah)")], [
            [p.organisation.name, p.outlet.name, p.product.name, p.producer.name, p.producer.village.name,
             p.producer.village.district.name, str(terms.get(p.terms, p.terms)), str(statuses.get(p.status, p.status)),
             timezone.localtime(p.agreed_at).date().isoformat() if p.agreed_at else "", p.shelf_price, p.delivered,
             p.sold, p.stock_at_outlet, p.settled] for p in rows], [])
    if report == "interests":
        return Table(_("Expressions of interest of the period (organisations only, no personal data)"), [
            _("Expressed on"), _("Status"), _("Status changed on"), _("Introduced on"), _("Investor"),
            _("Kind of investor"), _("Village"), _("District"), _("Opportunity"), _("Kind of involvement"),
            _("Amount considered (rupiah)")], [
            [timezone.localtime(i.created_at).date().isoformat(), str(i.get_status_display()),
             timezone.localtime(i.status_changed_at).date().isoformat(),
             timezone.localtime(i.introduced_at).date().isoformat() if i.introduced_at else "",
             *_investor_organisation(i), i.village.village.name, i.village.village.district.name,
             i.opportunity.title if i.opportunity else "", str(i.get_involvement_display()), i.amount]
            for i in rows], [])
    return Table(_("Products with their retail readiness"), [
        _("Product"), _("Producer"), _("Village"), _("District"), _("Status"), _("On sale"), _("Retail-ready"),
        _("Missing")], [
        [r["product"].name, r["product"].producer.name, r["product"].producer.village.name,
         r["product"].producer.village.district.name, str(r["product"].get_status_display()),
         _("yes") if r["product"].listed else _("no"),
         _("yes") if all(item.ok for item in r["items"]) else _("no"),
         "; ".join(item.message for item in r["items"] if not item.ok)] for r in rows], [])


def _investor_organisation(interest) -> list[str]:
    """Return the investor's organisation name and kind for a report: a person investing on their own
    is written as "Individual investor", never by name."""
    profile = getattr(interest.investor, "investor_profile", None)
    if profile is None:
        return [_("Investor without a profile"), ""]
    kind = str(dict(InvestorKind.choices).get(profile.kind, profile.kind))
    if profile.kind == InvestorKind.INDIVIDUAL:
        return [_("Individual investor"), kind]
    return [profile.display_name, kind]


@officer_required
@require_safe
def report_export(request):
    """A report officers hand in (``?report=villages|coaching|producers|products|placements|interests``)
    as CSV or XLSX, for the cockpit's district (and period, for coaching and interests)."""
    from django.http import Http404

    from programme.selectors import REPORTS, report_rows

    report = request.GET.get("report") or "villages"
    if report not in REPORTS:
        raise Http404(_("There is no such report."))
    today = timezone.localdate()
    form = CockpitFilterForm(request.GET or None, districts=list(programme_district_list()), today=today)
    period, district = form.period_and_district()
    rows = report_rows(report=report, period=period, district=district, today=today)
    return _file_response(_report_table(report, rows), f"programme-{report}", request.GET.get("format", "csv"))


@officer_required
@require_safe
def yearly_summary(request):
    """The programme's year (``?year=``, default this year) on one printable page: every table in full."""
    from datetime import date

    from programme.selectors import Period

    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    period = Period.months(first=date(year, 1, 1), last=date(year, 12, 1))
    data = cockpit_get(period=period, today=today)
    tables = _cockpit_tables(data, list(programme_district_list()))
    return render(request, "frontend/programme/summary.html", {
        "section": "cockpit", "cockpit": data, "tables": tables, "year": year, "office": settings.PROGRAMME_OFFICE,
        "years": list(range(today.year, today.year - 5, -1)),
        "gaps": [{"key": gap["key"], "text": _gap_text(gap)} for gap in data["products"]["gaps"] if gap["missing"]],
    })


@officer_required
@require_safe
def audit(request):
    """Officers' decisions from every event table, filtered by officer, kind and period; ``?format=csv``."""
    form = AuditFilterForm(request.GET or None, officers=audit_officer_choices())
    data = form.cleaned_data if form.is_valid() else {}
    export = request.GET.get("format") == "csv"
    query = AuditQuery(officer_id=data.get("officer"), start=data.get("start"), end=data.get("end"),
                       limit=AUDIT_EXPORTED if export else AUDIT_SHOWN)
    entries = audit_entry_list(query=query, kind=data.get("kind") or None)
    if export:
        table = Table(_("Audit trail"), [_("At"), _("Officer"), _("Kind"), _("Subject"), _("Decision")],
                      [[timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"), e.officer, str(AUDIT_KINDS[e.kind]),
                        e.subject, e.detail] for e in entries], [])
        return _file_response(table, "programme-audit", "csv")
    return render(request, "frontend/programme/audit.html", {
        "section": "audit", "form": form, "entries": entries, "kinds": AUDIT_KINDS, "shown": AUDIT_SHOWN,
        "query": request.GET.urlencode(),
    })


@require_safe
@cache_public_page
def results(request):
    """The programme's public results: no personal data, no per-buyer or per-investor figures. Visitors
    without a session get it from the shared cache; the fact refresh makes it stale
    (``programme_facts_refresh`` calls ``public_pages_changed``)."""
    data = public_results_get()
    stage_chart = [(str(row["label"]), row["count"], str(row["count"])) for row in data["stages"]]
    month_chart = [(_month(row["month"]), row["revenue"], format_rupiah(row["revenue"])) for row in data["by_month"]]
    return render(request, "frontend/programme/results.html", {
        "results": data, "stage_chart": stage_chart, "month_chart": month_chart,
    })


urlpatterns = [
    path("dashboard/officer/cockpit/", cockpit, name="officer-cockpit"),
    path("dashboard/officer/cockpit/export/", cockpit_export, name="officer-cockpit-export"),
    path("dashboard/officer/cockpit/summary/", yearly_summary, name="officer-cockpit-summary"),
    path("dashboard/officer/cockpit/reports/", report_export, name="officer-cockpit-report"),
    path("dashboard/officer/audit/", audit, name="officer-audit"),
    path("results/", results, name="programme-results"),
]
