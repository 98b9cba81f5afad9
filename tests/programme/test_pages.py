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


def amount_shown(html: str, amount: int) -> bool:
    """Return whether ``amount`` is written on the page as a whole number (12.500, not inside 212.500)."""
    written = re.escape(f"{amount:,}".replace(",", "."))
    return re.search(rf"(?<!\d)(?<!\d\.){written}(?![.,]?\d)", html) is not None


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


def test_the_cockpit_shows_shelves_showcases_and_investment_with_charts_and_downloads(officer_client, world,
                                                                                       more):
    programme_facts_refresh()
    officer_client.cookies["ki_language"] = "en"
    html = officer_client.get(COCKPIT).content.decode()
    for name in ("placements_month", "placements_district", "placements_village", "showcase_outcomes", "showcases",
                 "investment_status", "investment_month", "investment_district"):
        assert f'id="{name}-chart"' in html, name
        assert f"table={name}&amp;format=csv" in html, name
    assert "Revenue is net of refunds" in html
    assert (figure(html, "on_shelf"), figure(html, "outlets"), figure(html, "placements_agreed"),
            figure(html, "units_sold"), figure(html, "showcases_held"), figure(html, "showcase_meetings"),
            figure(html, "interests"), figure(html, "commitments")) == ("2", "1", "3", "6", "1", "3", "4", "2")
    assert figure(html, "committed_amount").replace("\xa0", " ") == "Rp 250.000.000"
    # the district table as a file, against the placements themselves
    from placements.models import Placement
    rows = csv_rows(officer_client.get(EXPORT, {"table": "placements_district", "format": "csv"}))
    on_shelf: dict[str, int] = {}
    for placement in Placement.objects.select_related("producer__village__district"):
        if placement.status == "on_shelf" and placement.producer.village_id.startswith("35.09."):
            name = placement.producer.village.district.name
            on_shelf[name] = on_shelf.get(name, 0) + 1
    assert {row[0]: int(row[1]) for row in rows[1:]} == on_shelf == {"Jombang": 1, "Kencong": 1}
    workbook = load_workbook(io.BytesIO(officer_client.get(EXPORT, {"table": "investment_district",
                                                                      "format": "xlsx"}).content))
    sheet = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert {row[0]: row[4] for row in sheet[1:]} == {"Jombang": 200_000_000, "Kencong": 50_000_000}
    # the district filter restricts the new sections on the page too
    kencong = officer_client.get(COCKPIT, {"district": "35.09.02"}).content.decode()
    assert (figure(kencong, "on_shelf"), figure(kencong, "showcase_meetings"), figure(kencong, "interests"),
            figure(kencong, "commitments")) == ("1", "1", "2", "1")


def test_reports_of_placements_and_interests_name_no_person(officer_client, world, more):
    report = "/dashboard/officer/cockpit/reports/"
    officer_client.cookies["ki_language"] = "en"
    placements = csv_rows(officer_client.get(report, {"report": "placements"}))
    assert placements[0][:3] == ["Chain", "Outlet", "Product"]
    assert sorted((row[3], row[6], row[7], row[13]) for row in placements[1:]) == sorted([
        ("UMKM Kopi Padomasan", "Consignment", "On shelf", "60000"),
        ("UMKM Kopi Padomasan", "Outright purchase", "Ended", "0"),
        ("UMKM Tape Kencong", "Outright purchase", "On shelf", "0")])  # Banyuwangi's is outside the programme
    interests = csv_rows(officer_client.get(report, {"report": "interests", "format": "csv"}))
    investors = [row[4] for row in interests[1:]]
    assert sorted(investors) == ["Individual investor", "Individual investor", "PT Modal Desa Sejahtera",
                                 "PT Modal Desa Sejahtera"]
    text = "\n".join(",".join(row) for row in interests)
    for user in more.investors.values():
        assert user.email not in text and user.investor_profile.phone not in text
    assert "Budi Hartono" not in text and "PT Jauh Sekali" not in text
    kencong = csv_rows(officer_client.get(report, {"report": "interests", "district": "35.09.02"}))
    assert len(kencong) == 3


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


def test_cockpit_queries_do_not_grow_with_the_data(officer_client, world, more, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    programme_facts_refresh()
    with CaptureQueriesContext(connection) as before:
        assert officer_client.get(COCKPIT).status_code == 200
    # given: many more villages, producers and stuck villages, products on more shelves, more interests
    from catalog.models import Stage
    from catalog.services import producer_verify, village_advance_stage
    from investors.services import InterestData, interest_express, interest_transition
    from placements.models import Placement, Terms
    from placements.services import placement_status_set
    from tests.catalog.factories import VillageProfileFactory
    from tests.investors.helpers import make_investor
    from tests.orders.factories import on_sale
    from tests.placements.factories import agreed_placement
    _org2, owner2, outlet2 = more.chains[1]
    for number in range(2, 12):
        profile = VillageProfileFactory(village=village(f"35.09.03.20{number:02d}", f"Desa {number}"))
        village_advance_stage(profile=profile, to_stage=Stage.SOCIALISATION, officer=world.officer, note="",
                              on=world.today - timedelta(days=120 + number))
        producer = ProducerFactory(village=profile.village)
        if number < 5:  # coached, verified, its product on the second chain's shelf and an investor committed
            village_advance_stage(profile=profile, to_stage=Stage.COACHING, officer=world.officer, note="",
                                  on=world.today - timedelta(days=100))
            producer_verify(producer=producer, officer=world.officer)
            placement = agreed_placement(outlet=outlet2, owner=owner2, product=on_sale(producer=producer),
                                         terms=Terms.OUTRIGHT)
            placement_status_set(placement=placement, to=Placement.Status.ON_SHELF, actor=owner2)
            interest = interest_express(investor=make_investor(officer=world.officer), data=InterestData(
                opportunity_id=None, village_code=profile.village_id, amount=10_000_000 * number, involvement="loan",
                message="Tertarik."))
            for step in ("in_review", "introduced", "in_negotiation", "committed"):
                interest = interest_transition(interest=interest, to=step, actor=world.officer)
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


def test_public_results_show_totals_and_leak_nothing_personal(client, world, more):
    # given: people, businesses, buyers and investors with recognisable details; a refund paid back
    from investors.models import Interest
    from orders.services import order_refund_mark_done
    from showcases.models import Attendee

    order_refund_mark_done(refund=more.refund, reference="re_public")
    programme_facts_refresh()
    secrets = []
    for producer in world.producers.values():
        secrets += [producer.name, producer.phone or "", producer.whatsapp or ""]
    for user in (world.shoppers["consumer"][0].user, world.shoppers["business"][0].user, world.officer,
                 *more.investors.values(), *(owner for _org, owner, _outlet in more.chains)):
        secrets += [user.email, user.full_name or "", user.phone or ""]
    for investor in more.investors.values():
        secrets += [investor.investor_profile.display_name, investor.investor_profile.phone]
    for organisation, _owner, outlet in more.chains:
        secrets += [organisation.name, outlet.name]
    secrets += [world.shoppers["business"][0].organisation.name, world.shoppers["consumer"][1].contact_name,
                world.shoppers["consumer"][1].phone, world.villages["a"].name, more.showcase.title,
                *Attendee.objects.values_list("name", flat=True)]
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
    orders = [o for o in Order.objects.select_related("producer")
              if o.status in REVENUE_STATUSES and o.producer.village_id.startswith("35.09.")]
    revenue = sum(o.subtotal for o in orders) - 5_000  # net of the refund paid back
    assert figure(html, "revenue").replace("\xa0", " ") == f"Rp {revenue:,}".replace(",", ".")
    # shelves today, the showcase, the investment committed (Jember's: 200 + 50 million; Banyuwangi's not)
    assert (figure(html, "shelf_products"), figure(html, "shelf_placements"), figure(html, "outlets"),
            figure(html, "chains"), figure(html, "shelf_villages")) == ("2", "2", "1", "1", "2")
    assert (figure(html, "showcases_held"), figure(html, "showcase_producers"), figure(html, "showcase_buyers"),
            figure(html, "showcase_meetings")) == ("1", "2", "2", "3")
    assert figure(html, "committed").replace("\xa0", " ") == "Rp 250.000.000"
    # no per-buyer figure: no amount of a single checkout appears; no per-investor figure either
    for checkout in world.checkouts:
        assert not amount_shown(html, checkout.subtotal) or checkout.subtotal == revenue
    for interest in Interest.objects.exclude(amount=None):
        assert not amount_shown(html, interest.amount), interest.amount
    assert 'id="stages-chart"' in html and 'id="revenue-chart"' in html
    assert "What the Kampung Industri programme achieved" in english
    assert "net of refunds" in english and "Investment committed" in english
    assert "Capaian program Kampung Industri" in html  # Indonesian first


def test_public_results_are_cached_until_the_figures_are_counted_again(client, world, settings,
                                                                        django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from market.core.pagecache import HEADER
    from orders.services import order_refund_mark_done
    from tests.programme.conftest import More, _refund

    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    m = More()
    _refund(world, m)
    with django_capture_on_commit_callbacks(execute=True):
        programme_facts_refresh()
    first = client.__class__().get(RESULTS)
    again = client.__class__().get(RESULTS)
    assert (first[HEADER], again[HEADER]) == ("miss", "hit")
    before = figure(again.content.decode(), "revenue")
    # when: a refund is paid back; the page stays as it was until the next count
    order_refund_mark_done(refund=m.refund, reference="re_cache")
    assert figure(client.__class__().get(RESULTS).content.decode(), "revenue") == before
    with django_capture_on_commit_callbacks(execute=True):
        programme_facts_refresh()
    # then: the count made the cached page stale
    fresh = client.__class__().get(RESULTS)
    assert fresh[HEADER] == "miss"
    assert figure(fresh.content.decode(), "revenue") != before
    cache.clear()


def test_public_results_answer_in_a_fixed_number_of_queries(client, world, more, django_assert_max_num_queries):
    programme_facts_refresh()
    with django_assert_max_num_queries(16):
        assert client.get(RESULTS).status_code == 200


def test_yearly_summary_prints_the_year_in_full(officer_client, world, settings):
    settings.PROGRAMME_OFFICE = "Disperindag Provinsi Jawa Timur"
    programme_facts_refresh()
    html = officer_client.get("/dashboard/officer/cockpit/summary/", {"year": world.today.year}).content.decode()
    assert '<p class="lead">Disperindag Provinsi Jawa Timur · ' in html
    orders = [o for o in Order.objects.select_related("producer") if o.status in REVENUE_STATUSES
              and o.producer.village_id.startswith("35.09.") and o.created_at.year == world.today.year]
    assert figure(html, "orders") == str(len(orders))
    assert figure(html, "villages") == "2"
    main = html.split("<main", 1)[1].split("</main>", 1)[0]  # the site header's phone menu is a <details>
    assert "<details" not in main  # every table printed open
    assert html.count("<table") == 19  # the cockpit's tables, shelves, showcases and investment included
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
