"""Placement pages: who sees what, the buyer's and producer's journeys by form, reorder, CSV, query budgets."""
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import CartLine
from placements.models import Placement, SalesReport
from placements.services import SalesLineInput, consignment_settle, sales_report_submit
from tests.factories import OfficerFactory
from tests.fixtures import force_login_mfa
from tests.orders.factories import owner_of
from tests.placements.factories import agreed_placement, chain, chain_person, on_shelf_with_stock, product_of

pytestmark = pytest.mark.django_db


def officer_client(client, totp_for):
    officer = OfficerFactory()
    totp_for(officer)  # officers must have two-factor authentication
    force_login_mfa(client, officer)
    return officer


def test_the_chain_proposes_on_the_page_and_the_producer_agrees_on_its_page(client):
    organisation, owner, outlet = chain()
    product = product_of()
    client.force_login(owner)
    assert client.get("/dashboard/buyer/placements/new/").status_code == 200
    response = client.post("/dashboard/buyer/placements/new/", {
        "outlet": outlet.pk, "product": product.pk, "terms": "consignment", "shelf_price": "15.000",
        "consignment_price": "Rp 11.000", "start_date": "2026-02-01", "facings": 2, "low_stock_threshold": 4})
    placement = Placement.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dashboard/buyer/placements/{placement.pk}/"
    assert (placement.shelf_price, placement.consignment_price, placement.status) == (15000, 11000, "proposed")
    client.force_login(owner_of(product.producer))
    page = client.get(f"/dashboard/producer/placements/{placement.pk}/").content.decode()
    assert "Agree" in page and "Decline" in page
    client.post(f"/placements/{placement.pk}/move/", {"to": "agreed", "area": "producer"})
    assert Placement.objects.get().status == "agreed"


def test_consignment_without_its_price_keeps_what_was_typed(client):
    _org, owner, outlet = chain()
    product = product_of()
    client.force_login(owner)
    response = client.post("/dashboard/buyer/placements/new/", {
        "outlet": outlet.pk, "product": product.pk, "terms": "consignment", "shelf_price": "15000",
        "start_date": "2026-02-01", "facings": 2})
    assert response.status_code == 400
    assert 'value="15000"' in response.content.decode()
    assert Placement.objects.count() == 0


def test_another_chain_gets_404_and_a_member_may_not_propose(client):
    placement = agreed_placement()
    _other, other_owner, _outlet = chain()
    client.force_login(other_owner)
    assert client.get(f"/dashboard/buyer/placements/{placement.pk}/").status_code == 404
    assert client.post(f"/placements/{placement.pk}/move/", {"to": "ended", "reason": "slow_sales"}).status_code == 404
    assert client.get(f"/dashboard/producer/placements/{placement.pk}/").status_code == 403  # not a producer
    client.force_login(owner_of(product_of().producer))
    assert client.get(f"/dashboard/producer/placements/{placement.pk}/").status_code == 404
    member = chain_person(placement.organisation)
    client.force_login(member)
    assert client.get("/dashboard/buyer/placements/new/").status_code == 403
    assert Placement.objects.get(pk=placement.pk).status == "agreed"


def test_reorder_fills_the_cart_and_opens_checkout_with_the_outlet(client):
    organisation, owner, outlet = chain()
    product = product_of(min_order_qty=4, order_multiple=4)
    placement = agreed_placement(terms="outright", outlet=outlet, owner=owner, product=product)
    client.force_login(owner)
    response = client.post(f"/dashboard/buyer/placements/{placement.pk}/reorder/")
    assert response.status_code == 302 and response["Location"] == f"/checkout/?destination={outlet.pk}"
    assert list(CartLine.objects.filter(cart__organisation=organisation).values_list("quantity", flat=True)) == [4]
    checkout = client.get(response["Location"]).content.decode()
    assert re.search(rf'name="destination" value="{outlet.pk}"[^>]*checked', checkout)


def test_delivery_by_form_then_sales_by_form_then_settlement(client):
    placement = agreed_placement(consignment_price=10000)
    client.force_login(owner_of(placement.producer))
    url = f"/dashboard/producer/placements/deliveries/new/?outlet={placement.outlet_id}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"outlet": placement.outlet_id, "delivered_on": date.today().isoformat(),
                                 f"qty_{placement.pk}": 10})
    assert response.status_code == 302
    note = client.get(response["Location"]).content.decode()
    assert f"SJK/{date.today().year}/000001" in note and "Received by" in note
    owner = placement.organisation.memberships.get(role="owner").user
    client.force_login(owner)
    url = f"/dashboard/buyer/placements/sales/outlets/{placement.outlet_id}/"
    bad = client.post(url, {"period_end": date.today().isoformat(), f"sold_{placement.pk}": 11})
    assert bad.status_code == 400 and "more than the 10 units" in bad.content.decode()
    response = client.post(url, {"period_end": date.today().isoformat(), f"sold_{placement.pk}": 4,
                                 f"counted_{placement.pk}": 6})
    report = SalesReport.objects.get()
    assert response["Location"] == f"/dashboard/buyer/placements/sales/{report.pk}/"
    client.post(f"/dashboard/buyer/placements/sales/{report.pk}/settle/")
    assert report.__class__.objects.get().settlement.gross == 40000
    invoices = client.get("/dashboard/buyer/invoices/").content.decode()
    assert "Rp 40.000" in invoices
    client.force_login(owner_of(placement.producer))
    finance = client.get("/dashboard/producer/finance/").content.decode()
    assert "Consignment sales settled" in finance and "Rp 38.000" in finance


def test_csv_upload_lists_bad_rows_by_line(client):
    placement = on_shelf_with_stock(5)
    client.force_login(chain_person(placement.organisation))
    text = (f"outlet,product,period_end,sold,stock_count\n{placement.outlet_id},{placement.product_id},"
            f"{date.today().isoformat()},2,\nToko X,1,{date.today().isoformat()},1,\n")
    response = client.post("/dashboard/buyer/placements/sales/import/",
                           {"file": SimpleUploadedFile("jualan.csv", text.encode())})
    assert response.status_code == 400 and "Line 3" in response.content.decode()
    assert Placement.objects.get(pk=placement.pk).sold == 0


def test_shelf_report_share_and_csv(client):
    placement = on_shelf_with_stock(10)
    owner = placement.organisation.memberships.get(role="owner").user
    client.force_login(owner)
    client.post(f"/dashboard/buyer/placements/outlets/{placement.outlet_id}/range/", {"total_skus": 4})
    page = client.get("/dashboard/buyer/placements/shelf/").content.decode()
    assert '<dd data-share>25 %</dd>' in page  # 1 village product of the 4 the outlet carries
    report = sales_report_submit(actor=owner, outlet=placement.outlet, period_end=date.today(),
                                 lines=[SalesLineInput(placement.pk, 3)])
    consignment_settle(report=report, actor=owner)
    csv = client.get("/dashboard/buyer/placements/shelf.csv")
    assert csv["Content-Type"].startswith("text/csv")
    rows = csv.content.decode().splitlines()
    assert rows[0].startswith("chain,outlet,product")
    assert rows[1].endswith(",10,3,7,30,30000,0")


def test_low_stock_is_suggested_on_the_producer_pages():
    from django.test import Client

    placement = on_shelf_with_stock(5, threshold=3)
    owner = placement.organisation.memberships.get(role="owner").user
    sales_report_submit(actor=owner, outlet=placement.outlet, period_end=date.today(),
                        lines=[SalesLineInput(placement.pk, 2)])
    client = Client()
    client.force_login(owner_of(placement.producer))
    assert "Deliver more: low stock" in client.get("/dashboard/producer/placements/").content.decode()
    assert "Deliver more: low stock" in client.get("/dashboard/producer/").content.decode()


def test_officers_see_every_chain_with_filters(client, totp_for):
    first = agreed_placement()
    agreed_placement()
    officer_client(client, totp_for)
    page = client.get("/dashboard/officer/placements/").content.decode()
    assert page.count('id="placement-') == 2
    page = client.get(f"/dashboard/officer/placements/?organisation={first.organisation_id}").content.decode()
    assert page.count('id="placement-') == 1


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_list_pages_cost_the_same_for_2_and_8_placements(client):
    _organisation, owner, outlet = chain()
    producer = product_of().producer
    for _ in range(2):
        on_shelf_with_stock(5, outlet=outlet, owner=owner, product=product_of(producer))
    client.force_login(owner)
    buyer_urls = ["/dashboard/buyer/placements/", "/dashboard/buyer/placements/shelf/"]
    for url in buyer_urls:
        client.get(url)
    few = [_queries(client, url) for url in buyer_urls]
    client.force_login(owner_of(producer))
    client.get("/dashboard/producer/placements/")
    few_producer = _queries(client, "/dashboard/producer/placements/")
    for _ in range(6):
        on_shelf_with_stock(5, outlet=outlet, owner=owner, product=product_of(producer))
    assert _queries(client, "/dashboard/producer/placements/") == few_producer
    client.force_login(owner)
    for url in buyer_urls:
        client.get(url)
    assert [_queries(client, url) for url in buyer_urls] == few
