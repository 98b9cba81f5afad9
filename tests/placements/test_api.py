"""API: placements, deliveries, sales reports (and CSV), settlements; organisations never see each other's."""
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from placements.models import Placement
from placements.services import SalesLineInput, sales_report_submit
from tests.factories import OfficerFactory
from tests.orders.factories import owner_of
from tests.placements.factories import agreed_placement, chain, chain_person, on_shelf_with_stock, product_of

pytestmark = pytest.mark.django_db


def test_the_chain_proposes_through_the_api_and_the_producer_agrees(client):
    _org, owner, outlet = chain()
    product = product_of()
    client.force_login(owner)
    response = client.post("/api/v1/placements/", {
        "side": "buyer", "outlet": outlet.pk, "product": product.pk, "terms": "consignment", "shelf_price": 15000,
        "consignment_price": 11000, "start_date": "2026-02-01", "facings": 3}, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["consignment_price"], body["allowed_moves"]) == ("proposed", 11000, ["withdrawn"])
    client.force_login(owner_of(product.producer))
    response = client.post(f"/api/v1/placements/{body['id']}/transition/", {"to": "agreed"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "agreed"
    assert [e["to_status"] for e in response.json()["events"]] == ["proposed", "agreed"]


def test_another_chain_and_producer_get_404_and_see_nothing_in_lists(client):
    placement = on_shelf_with_stock(10)
    report = sales_report_submit(actor=placement.organisation.memberships.get(role="owner").user,
                                 outlet=placement.outlet, period_end=date.today(),
                                 lines=[SalesLineInput(placement.pk, 2)])
    delivery = placement.delivery_lines.get().delivery
    _other, other_owner, _outlet = chain()
    other_producer_owner = owner_of(product_of().producer)
    for outsider in (other_owner, other_producer_owner):
        client.force_login(outsider)
        for path in (f"/api/v1/placements/{placement.pk}/", f"/api/v1/consignment-deliveries/{delivery.pk}/",
                     f"/api/v1/sales-reports/{report.pk}/"):
            assert client.get(path).status_code == 404, path
        assert client.post(f"/api/v1/placements/{placement.pk}/transition/", {"to": "ended", "reason": "other",
                                                                              "note": "x"},
                           content_type="application/json").status_code == 404
        assert client.post(f"/api/v1/sales-reports/{report.pk}/settle/").status_code == 404
        for path in ("/api/v1/placements/", "/api/v1/consignment-deliveries/", "/api/v1/sales-reports/",
                     "/api/v1/consignment-settlements/"):
            assert client.get(path).json()["count"] == 0, path
    assert Placement.objects.get(pk=placement.pk).status == "on_shelf"


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/v1/placements/").status_code in (401, 403)


def test_officers_see_every_placement():
    from rest_framework.test import APIClient

    agreed_placement()
    agreed_placement()
    client = APIClient()
    client.force_authenticate(OfficerFactory())  # an officer's token: the second factor is the session's matter
    assert client.get("/api/v1/placements/?status=agreed").json()["count"] == 2


def test_delivery_report_and_settlement_through_the_api(client):
    placement = agreed_placement(consignment_price=10000)
    client.force_login(owner_of(placement.producer))
    response = client.post("/api/v1/consignment-deliveries/", {
        "outlet": placement.outlet_id, "delivered_on": date.today().isoformat(),
        "lines": [{"placement": placement.pk, "quantity": 12}]}, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["lines"] == [{"placement_id": placement.pk, "product": placement.product.name,
                                         "quantity": 12}]
    member = chain_person(placement.organisation)
    client.force_login(member)
    response = client.post("/api/v1/sales-reports/", {
        "outlet": placement.outlet_id, "period_end": date.today().isoformat(),
        "lines": [{"placement": placement.pk, "sold": 5, "counted": 7}]}, content_type="application/json")
    assert response.status_code == 201, response.json()
    report_id = response.json()["id"]
    assert client.post(f"/api/v1/sales-reports/{report_id}/settle/").status_code == 403  # a member
    client.force_login(placement.organisation.memberships.get(role="owner").user)
    response = client.post(f"/api/v1/sales-reports/{report_id}/settle/")
    assert response.status_code == 201 and (response.json()["gross"], response.json()["fee"]) == (50000, 2500)
    client.force_login(owner_of(placement.producer))
    lines = client.get("/api/v1/consignment-settlements/").json()["results"]
    assert [(line["sold"], line["net"]) for line in lines] == [(5, 47500)]


def test_csv_import_reports_bad_rows_by_line(client):
    placement = on_shelf_with_stock(10)
    client.force_login(chain_person(placement.organisation))
    text = (f"outlet,product,period_end,sold,stock_count\n{placement.outlet_id},{placement.product_id},"
            f"{date.today().isoformat()},11,\n")
    response = client.post("/api/v1/sales-reports/import/", {
        "organisation": placement.organisation_id, "file": SimpleUploadedFile("jualan.csv", text.encode())})
    assert response.status_code == 400
    assert response.json()["code"] == "sales_import_invalid"
    assert response.json()["fields"]["file"][0].startswith("Line 2: 11 sold is more than the 10 units")
    assert Placement.objects.get(pk=placement.pk).sold == 0


def test_the_placement_list_costs_the_same_for_2_and_12_placements(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    organisation, owner, outlet = chain()
    for _ in range(2):
        agreed_placement(outlet=outlet, owner=owner)
    client.force_login(owner)
    client.get("/api/v1/placements/")  # the session is warm
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/placements/").json()["count"] == 2
    for _ in range(10):
        agreed_placement(outlet=outlet, owner=owner)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/placements/").json()["count"] == 12
    assert len(many) == len(few) <= 10
