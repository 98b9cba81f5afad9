"""Investor and officer pages: filters, the district chart, forms that keep input, triage, CSV, query budgets."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import Survey
from investors.models import Interest, InvestorProfile, Opportunity
from investors.services import interest_transition
from tests.factories import OfficerFactory, UserFactory
from tests.fixtures import force_login_mfa
from tests.investors.helpers import commodity, express, make_investor, make_opportunity, make_village

pytestmark = pytest.mark.django_db


def _villages(count: int, *, start: int = 1):
    kopi = commodity()
    for number in range(start, start + count):
        profile = make_village(f"35.09.01.{2000 + number}", f"Desa {number}", commodity=kopi if number % 2 else None)
        Survey.objects.create(profile=profile, surveyed_on="2026-05-01", officer=OfficerFactory(),
                              workforce_total=50 * number, workforce_women=10, workforce_youth=5,
                              existing_businesses=3, road="good", electricity="good", internet="fair", water="good")
        make_opportunity(profile)


def test_directory_filters_by_commodity_and_workforce(english_pages):
    client = english_pages
    _villages(4)
    response = client.get(reverse("frontend:investor-directory"), {"commodity": "kopi-robusta", "min_workforce": 100})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-village="35.09.01.2003"' in body  # coffee, workforce 150
    assert 'data-village="35.09.01.2001"' not in body  # coffee, workforce 50
    assert 'data-village="35.09.01.2002"' not in body  # no coffee
    assert "1 village" in body


def test_directory_and_district_pages_have_a_fixed_query_budget(client, django_assert_max_num_queries):
    _villages(2)
    client.get(reverse("frontend:investor-directory"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("frontend:investor-directory"))
        client.get(reverse("frontend:investor-districts"))
    _villages(6, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("frontend:investor-directory"))
        client.get(reverse("frontend:investor-districts"))


def test_district_overview_draws_a_bar_per_district_in_svg(client):
    _villages(3)
    body = client.get(reverse("frontend:investor-districts")).content.decode()
    charts = [svg for svg in body.split("<svg")[1:] if 'role="img"' in svg.split(">", 1)[0]]  # not the header's icons
    assert len(charts) == 1
    assert "Jombang" in body and "<rect" in body
    assert "http" not in charts[0].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    # in Indonesian too, the coordinates keep their decimal point (a comma would break the drawing)
    client.cookies["ki_language"] = "id"
    indonesian = client.get(reverse("frontend:investor-districts")).content.decode()
    import re

    assert re.findall(r'<rect x="[0-9.]+" y="[0-9]+" width="[0-9.]+"', indonesian)
    assert not re.findall(r'<rect[^>]*="[0-9]+,[0-9]', indonesian)


def test_the_investor_dashboard_replaces_the_two_links(client):
    client.force_login(UserFactory(role="investor"))
    response = client.get(reverse("frontend:dashboard"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("frontend:investor-dashboard")
    assert "Fill in my profile" in response.content.decode()
    assert "does not sell securities" in response.content.decode()


def test_profile_form_keeps_input_on_error_and_submits(client):
    user = UserFactory(role="investor")
    client.force_login(user)
    bad = client.post(reverse("frontend:investor-profile"), {"display_name": "Koperasi Maju", "kind": "cooperative",
                                                             "phone": "12", "ticket_min": "50.000.000",
                                                             "ticket_max": "10.000.000"})
    assert bad.status_code == 400 and "Koperasi Maju" in bad.content.decode()
    assert not InvestorProfile.objects.filter(user=user).exists()
    good = client.post(reverse("frontend:investor-profile"), {
        "display_name": "Koperasi Maju", "kind": "cooperative", "phone": "0812 3456 7890", "ticket_min": "50.000.000",
        "ticket_max": "Rp 250.000.000", "involvements": ["loan", "equipment"], "alerts_enabled": "on", "submit": "1"})
    assert good.status_code == 302
    profile = InvestorProfile.objects.get(user=user)
    assert (profile.status, profile.ticket_min, profile.ticket_max, profile.involvements) == (
        "submitted", 50_000_000, 250_000_000, ["loan", "equipment"])


def test_interest_form_with_an_error_keeps_the_message_and_records_nothing(client):
    opportunity = make_opportunity(make_village())
    client.force_login(make_investor())
    url = reverse("frontend:investor-opportunity-interest", args=[opportunity.pk])
    response = client.post(url, {"involvement": "shares", "amount": "100.000.000", "message": "Pesan saya"})
    assert response.status_code == 400 and "Pesan saya" in response.content.decode()
    assert Interest.objects.count() == 0


def test_officer_triage_moves_an_interest_and_the_programme_view_counts_it(client, officer):
    interest = express(make_investor(), make_opportunity(make_village(commodity=commodity())))
    force_login_mfa(client, officer)
    url = reverse("frontend:officer-interest-move", args=[interest.pk])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = client.post(url, {"to": "in_review", "happened_on": tomorrow, "note": "Cek profil."})
    assert refused.status_code == 400 and "Cek profil." in refused.content.decode()
    assert Interest.objects.get(pk=interest.pk).status == "new"
    assert client.post(url, {"to": "in_review", "happened_on": timezone.localdate().isoformat(),
                             "note": "Cek profil."}).status_code == 302
    assert Interest.objects.get(pk=interest.pk).status == "in_review"
    home = client.get(reverse("frontend:officer-investors")).content.decode()
    assert 'data-status="in_review">1<' in home
    assert "Rp 100.000.000" in home  # under discussion, in the district's and the commodity's rows


def test_csv_export_is_formula_safe(client, officer):
    investor = make_investor(display_name="=HYPERLINK(\"http://evil\")")
    interest = express(investor, make_opportunity(make_village()))
    interest_transition(interest=interest, to="in_review", actor=OfficerFactory())
    force_login_mfa(client, officer)
    response = client.get(reverse("frontend:officer-investors-csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["id", "created", "status"]
    assert rows[1][2] == "in_review" and rows[1][5].startswith("'=")


def test_officer_posts_an_opportunity_and_attaches_a_pdf_and_rejects_a_fake_one(client, officer):
    profile = make_village()
    force_login_mfa(client, officer)
    village_page = client.get(reverse("frontend:investor-village", args=[profile.village_id])).content.decode()
    assert f"{reverse('frontend:officer-opportunity-new')}?village={profile.village_id}" in village_page
    prefilled = client.get(reverse("frontend:officer-opportunity-new"), {"village": profile.village_id})
    assert f'<option value="{profile.village_id}" selected>' in prefilled.content.decode()
    response = client.post(reverse("frontend:officer-opportunity-new"), {
        "village_code": profile.village_id, "title": "Mesin sangrai kopi", "purpose": "equipment",
        "description": "Mesin sangrai 5 kg.", "amount_sought": "75.000.000", "involvement": "equipment",
        "expected_jobs": "4", "expected_output": "1 ton kopi sangrai per bulan"})
    opportunity = Opportunity.objects.get(title="Mesin sangrai kopi")
    assert response.status_code == 302 and opportunity.amount_sought == 75_000_000 and opportunity.status == "open"
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.investors.helpers import PDF

    fake = client.post(reverse("frontend:officer-opportunity-document", args=[opportunity.pk]), {
        "kind": "business_plan", "title": "Rencana", "file": SimpleUploadedFile("plan.pdf", b"<html>not a pdf")})
    assert fake.status_code == 400 and opportunity.documents.count() == 0
    scripted = client.post(reverse("frontend:officer-opportunity-document", args=[opportunity.pk]), {
        "kind": "business_plan", "title": "Rencana",
        "file": SimpleUploadedFile("plan.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /JavaScript (x)"))})
    assert scripted.status_code == 400 and opportunity.documents.count() == 0
    ok = client.post(reverse("frontend:officer-opportunity-document", args=[opportunity.pk]), {
        "kind": "business_plan", "title": "Rencana", "file": SimpleUploadedFile("plan.pdf", PDF)})
    assert ok.status_code == 302 and opportunity.documents.get().content_type == "application/pdf"


def test_officer_lists_have_a_fixed_query_budget(client, officer, django_assert_max_num_queries):
    opportunity = make_opportunity(make_village())
    express(make_investor(), opportunity)
    force_login_mfa(client, officer)
    urls = [reverse("frontend:officer-interests"), reverse("frontend:officer-opportunities"),
            reverse("frontend:officer-investor-profiles"), reverse("frontend:officer-investors")]
    for url in urls:
        client.get(url)
    with CaptureQueriesContext(connection) as few:
        for url in urls:
            assert client.get(url).status_code == 200
    for _ in range(4):
        express(make_investor(), make_opportunity(make_village()))
    with django_assert_max_num_queries(len(few.captured_queries)):
        for url in urls:
            client.get(url)


def test_village_page_has_a_fixed_query_budget(client, django_assert_max_num_queries):
    from tests.investors.helpers import make_producer

    profile = make_village()
    make_producer(profile)
    make_opportunity(profile)
    client.force_login(make_investor())
    url = reverse("frontend:investor-village", args=[profile.village_id])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(3):
        make_producer(profile)
        make_opportunity(profile)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
