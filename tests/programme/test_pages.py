"""The cockpit, audit and results pages: access, filters, charts, downloads, query budgets, no leaks."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from catalog.services import producer_unverify
from orders.models import Order
from orders.selectors import REVENUE_STATUSES
from programme.services import programme_facts_refresh
from tests.catalog.factories import ProducerFactory, village
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COCKPIT = "/dashboard/officer/cockpit/"
EXPORT = "/dashboard/officer/cockpit/export/"
AUDIT = "/dashboard/officer/audit/"
RESULTS = "/results/"


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1).strip()


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_cockpit_is_for_officers_only(client, world):
    assert client.get(COCKPIT).status_code == 302
    client.force_login(UserFactory(role="producer"))
    assert client.get(COCKPIT).status_code == 403
    assert client.get(EXPORT + "?table=funnel").status_code == 403
    assert client.get(AUDIT).status_code == 403


def test_the_cockpit_draws_every_chart_with_its_table_and_downloads(officer_client, world):
    programme_facts_refresh()
    html = officer_client.get(COCKPIT).content.decode()
    for name in ("funnel", "stage_durations", "readiness_gaps", "sales_month", "sales_district", "sales_village",
                 "sales_commodity", "sales_channel"):
        assert f'id="{name}-chart"' in html, name
        assert f"table={name}&amp;format=csv" in html
    assert html.count("<details") >= 10
    assert "<script" not in html.split('class="officer"')[1].split("</main>")[0]
    revenue = sum(o.subtotal for o in Order.objects.select_related("producer")
                  if o.status in REVENUE_STATUSES and o.producer.village_id.startswith("35.09."))
    assert figure(html, "revenue").replace("\xa0", " ") == f"Rp {revenue:,}".replace(",", ".")
    assert figure(html, "orders") == "4"
    assert figure(html, "repeat_buyers") == "1"
    assert 'data-stuck="1"' in html


def test_the_district_filter_restricts_the_page(officer_client, world):
    programme_facts_refresh()
    html = officer_client.get(COCKPIT, {"district": "35.09.02"}).content.decode()
    assert figure(html, "orders") == "1"
    assert figure(html, "listed") == "1"
    assert figure(html, "producers") == "1"
    assert figure(html, "workforce") == "80"


def test_a_bad_month_is_reported_and_the_default_period_shown(officer_client, world):
    response = officer_client.get(COCKPIT, {"start": "2026-13", "end": "2025-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026-01" in html  # the error message's example
    assert figure(html, "orders") == "0"  # facts not yet counted: the page still answers


def test_csv_and_xlsx_downloads_hold_the_page_table(officer_client, world):
    programme_facts_refresh()
    # when
    response = officer_client.get(EXPORT, {"table": "sales_district", "format": "csv"})
    # then
    rows = csv_rows(response)
    assert response["Content-Disposition"] == 'attachment; filename="programme-sales_district.csv"'
    expected = {}
    for order in Order.objects.select_related("producer__village__district"):
        if order.status in REVENUE_STATUSES and order.producer.village_id.startswith("35.09."):
            name = order.producer.village.district.name
            count, total = expected.get(name, (0, 0))
            expected[name] = (count + 1, total + order.subtotal)
    assert {row[0]: (int(row[1]), int(row[2])) for row in rows[1:]} == expected
    # and as a workbook
    workbook = load_workbook(io.BytesIO(officer_client.get(EXPORT, {"table": "sales_district",
                                                                      "format": "xlsx"}).content))
    sheet = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert {row[0]: (row[1], row[2]) for row in sheet[1:]} == expected
    assert officer_client.get(EXPORT, {"table": "nope"}).status_code == 404


def test_downloads_neutralise_formulas(officer_client, world):
    # given: a village whose name would run as a spreadsheet formula, stuck for 100 days
    from market.regions.models import Village
    Village.objects.filter(code="35.09.01.2001").update(name="=HYPERLINK(\"http://evil\")")
    rows = csv_rows(officer_client.get(EXPORT, {"table": "stuck", "format": "csv"}))
    assert rows[1][0] == "'=HYPERLINK(\"http://evil\")"


def test_cockpit_queries_do_not_grow_with_the_data(officer_client, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    programme_facts_refresh()
    with CaptureQueriesContext(connection) as before:
        assert officer_client.get(COCKPIT).status_code == 200
    # given: many more villages, producers and stuck villages
    from catalog.models import Stage
    from catalog.services import village_advance_stage
    from tests.catalog.factories import VillageProfileFactory
    for number in range(2, 12):
        profile = VillageProfileFactory(village=village(f"35.09.03.20{number:02d}", f"Desa {number}"))
        village_advance_stage(profile=profile, to_stage=Stage.SOCIALISATION, officer=world.officer, note="",
                              on=world.today - timedelta(days=120 + number))
        ProducerFactory(village=profile.village)
    programme_facts_refresh()
    with django_assert_num_queries(len(before.captured_queries)):
        assert officer_client.get(COCKPIT).status_code == 200


def test_audit_trail_lists_officers_decisions_with_filters_and_csv(officer_client, world):
    # given: a verification withdrawn by another officer
    other = UserFactory(role="officer", is_staff=True, full_name="Rina Keuangan")
    producer_unverify(producer=world.producers["b"], officer=other, reason="Izin kedaluwarsa")
    # when
    html = officer_client.get(AUDIT).content.decode()
    # then
    assert html.count('data-kind="stage"') == 6
    assert html.count('data-kind="verification"') >= 4
    assert "Izin kedaluwarsa" in html
    assert html.count('data-kind="curation"') == 3  # the three approvals; submissions are producers' acts
    only_rina = officer_client.get(AUDIT, {"officer": other.pk}).content.decode()
    assert only_rina.count("<tr data-kind=") == 1 and "Rina Keuangan" in only_rina
    stages = officer_client.get(AUDIT, {"kind": "stage"}).content.decode()
    assert stages.count("<tr data-kind=") == stages.count('data-kind="stage"') == 6
    rows = csv_rows(officer_client.get(AUDIT, {"kind": "stage", "format": "csv"}))
    assert len(rows) == 7 and {row[1] for row in rows[1:]} == {"Dewi Kartika"}
    nothing = officer_client.get(AUDIT, {"start": (world.today + timedelta(days=1)).isoformat()}).content.decode()
    assert "<tr data-kind=" not in nothing


def test_audit_trail_queries_do_not_grow(officer_client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        officer_client.get(AUDIT)


def test_public_results_show_totals_and_leak_nothing_personal(client, world):
    # given: people and businesses with recognisable details
    programme_facts_refresh()
    secrets = []
    for producer in world.producers.values():
        secrets += [producer.name, producer.phone or "", producer.whatsapp or ""]
    for user in (world.shoppers["consumer"][0].user, world.shoppers["business"][0].user, world.officer):
        secrets += [user.email, user.full_name or "", user.phone or ""]
    secrets += [world.shoppers["business"][0].organisation.name, world.shoppers["consumer"][1].contact_name,
                world.shoppers["consumer"][1].phone, world.villages["a"].name]
    for order in Order.objects.all():
        secrets += [order.buyer_name, order.number]
    # when
    html = client.get(RESULTS).content.decode()
    english = client.get(RESULTS, HTTP_ACCEPT_LANGUAGE="en", HTTP_COOKIE="ki_language=en").content.decode()
    # then
    for secret in filter(None, secrets):
        assert secret not in html, secret
        assert secret not in english, secret
    assert figure(html, "villages") == "2"
    assert figure(html, "products") == "2"
    revenue = sum(o.subtotal for o in Order.objects.select_related("producer")
                  if o.status in REVENUE_STATUSES and o.producer.village_id.startswith("35.09."))
    assert figure(html, "revenue").replace("\xa0", " ") == f"Rp {revenue:,}".replace(",", ".")
    # no per-buyer figure: no amount of a single checkout appears
    for checkout in world.checkouts:
        assert f"{checkout.subtotal:,}".replace(",", ".") not in html or checkout.subtotal == revenue
    assert 'id="stages-chart"' in html and 'id="revenue-chart"' in html
    assert "What the Kampung Industri programme achieved" in english


def test_public_results_answer_in_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    programme_facts_refresh()
    with django_assert_max_num_queries(8):
        assert client.get(RESULTS).status_code == 200


def test_yearly_summary_prints_the_year_in_full(officer_client, world):
    programme_facts_refresh()
    html = officer_client.get("/dashboard/officer/cockpit/summary/", {"year": world.today.year}).content.decode()
    orders = [o for o in Order.objects.select_related("producer") if o.status in REVENUE_STATUSES
              and o.producer.village_id.startswith("35.09.") and o.created_at.year == world.today.year]
    assert figure(html, "orders") == str(len(orders))
    assert figure(html, "villages") == "2"
    main = html.split("<main", 1)[1].split("</main>", 1)[0]  # the site header's phone menu is a <details>
    assert "<details" not in main  # every table printed open
    assert html.count("<table") == 11
    last_year = officer_client.get("/dashboard/officer/cockpit/summary/", {"year": world.today.year - 1})
    assert figure(last_year.content.decode(), "orders") == "0"
    assert officer_client.get("/dashboard/officer/cockpit/summary/", {"year": "x"}).status_code == 200


def test_reports_list_villages_coaching_producers_and_products(officer_client, world):
    report = "/dashboard/officer/cockpit/reports/"
    villages = csv_rows(officer_client.get(report, {"report": "villages"}))
    assert [row[0] for row in villages[1:]] == ["35.09.01.2001", "35.09.02.2001"]
    assert villages[1][6:9] == ["120", "50", "30"]  # the latest survey, not the older one
    coaching = csv_rows(officer_client.get(report, {"report": "coaching"}))
    assert len(coaching) == 2 and coaching[1][7] == "UMKM Kopi Padomasan" and coaching[1][8:] == ["25", "14", "6"]
    producers = csv_rows(officer_client.get(report, {"report": "producers", "district": "35.09.02"}))
    assert [row[0] for row in producers[1:]] == ["UMKM Tape Kencong"]
    products = csv_rows(officer_client.get(report, {"report": "products"}))
    assert {row[1] for row in products[1:]} == {"UMKM Kopi Padomasan", "UMKM Tape Kencong"}
    workbook = load_workbook(io.BytesIO(officer_client.get(report, {"report": "products", "format": "xlsx"}).content))
    assert workbook.active.max_row == 3
    assert officer_client.get(report, {"report": "nope"}).status_code == 404
