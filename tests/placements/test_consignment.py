"""Consignment arithmetic (property tests) and the chain's CSV import: every bad row by line, nothing written."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments.models import LedgerEntry
from payments.selectors import ledger_unbalanced_entries
from placements.exceptions import ConsignmentInvalid, SalesImportInvalid
from placements.models import Placement, PlacementEvent, SalesReport, SalesReportLine
from placements.services import (
    SalesLineInput,
    consignment_amounts,
    consignment_settle,
    sales_report_import_csv,
    sales_report_submit,
)
from tests.placements.factories import agreed_placement, chain_person, on_shelf_with_stock

pytestmark = pytest.mark.django_db


@given(sold=st.integers(0, 100_000), price=st.integers(1, 100_000_000),
       rate=st.decimals(min_value=0, max_value=1, places=4))
def test_settlement_is_sales_times_price_minus_a_fee_within_it(sold, price, rate):
    figures = consignment_amounts(sold=sold, unit_price=price, rate=rate)
    assert figures.gross == sold * price
    assert 0 <= figures.fee <= figures.gross
    assert abs(figures.fee - Decimal(sold * price) * rate) <= Decimal("0.5")
    assert figures.net + figures.fee == figures.gross


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(delivered=st.integers(1, 50), reports=st.lists(st.tuples(st.integers(0, 60), st.one_of(st.none(),
                                                                                               st.integers(0, 60))),
                                                      min_size=1, max_size=4))
def test_reported_sales_never_exceed_delivered_stock_and_every_settlement_balances(delivered, reports):
    placement = on_shelf_with_stock(delivered, consignment_price=7500)
    owner = placement.organisation.memberships.get(role="owner").user
    day = date.today() - timedelta(days=len(reports))
    for offset, (sold, counted) in enumerate(reports):
        placement.refresh_from_db()
        before = (placement.sold, placement.shrinkage)
        try:
            report = sales_report_submit(actor=owner, outlet=placement.outlet, period_end=day + timedelta(days=offset),
                                         lines=[SalesLineInput(placement.pk, sold, counted)])
        except ConsignmentInvalid:
            placement.refresh_from_db()
            assert (placement.sold, placement.shrinkage) == before  # nothing written
            assert sold > placement.stock_at_outlet or (counted is not None and counted > placement.stock_at_outlet
                                                        - sold) or (sold == 0 and counted is None)
            continue
        if sold:
            settlement = consignment_settle(report=report, actor=owner)
            assert settlement.gross == sold * 7500
        placement.refresh_from_db()
        assert 0 <= placement.sold + placement.shrinkage <= placement.delivered == delivered
    assert placement.sold == sum(SalesReportLine.objects.filter(placement=placement).values_list("sold", flat=True))
    assert ledger_unbalanced_entries() == []


def _csv(*rows) -> str:
    return "\n".join(["outlet,product,period_end,sold,stock_count", *rows]) + "\n"


def test_a_chain_imports_sales_of_two_outlets_by_id_name_and_sku():
    # given: two consignment placements on shelf at two outlets of one chain
    first = on_shelf_with_stock(30)
    organisation = first.organisation
    owner = organisation.memberships.get(role="owner").user
    from buyers.services import outlet_create
    from tests.orders.factories import PLACE

    second_outlet = outlet_create(organisation=organisation, actor=owner, **{**PLACE, "name": "Cabang Patrang"})
    second = on_shelf_with_stock(10, outlet=second_outlet, owner=owner)
    day = (date.today() - timedelta(days=1)).isoformat()
    # when
    reports = sales_report_import_csv(actor=owner, organisation=organisation, text=_csv(
        f"{first.outlet_id},{first.product_id},{day},12,15",
        f"cabang patrang,{second.product.sku},{day},4,"))
    # then
    assert len(reports) == 2 and {r.source for r in reports} == {"csv"}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.sold, first.shrinkage, first.stock_at_outlet) == (12, 3, 15)
    assert (second.sold, second.stock_at_outlet) == (4, 6)


def test_every_bad_row_is_reported_by_line_and_nothing_is_written():
    placement = on_shelf_with_stock(10)
    organisation = placement.organisation
    member = chain_person(organisation)
    other = agreed_placement()  # another chain's placement: unknown here
    day = date.today().isoformat()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    text = _csv(
        f"{placement.outlet_id},{placement.product_id},{day},3,",  # 2: good
        f"Toko Entah,{placement.product_id},{day},1,",  # 3: unknown outlet
        f"{placement.outlet_id},{other.product_id},{day},1,",  # 4: not placed here
        f"{placement.outlet_id},{placement.product_id},{tomorrow},1,",  # 5: future
        f"{placement.outlet_id},{placement.product_id},05/01/2026,1,",  # 6: date format
        f"{placement.outlet_id},{placement.product_id},{day},1,",  # 7: twice in the file for the period
        f"{placement.outlet_id},{placement.product_id},2026-01-02,8,",  # 8: 8 > 10 - 3 left
        f"{placement.outlet_id},{placement.product_id},2026-01-03,x,",  # 9: not a number
    )
    with pytest.raises(SalesImportInvalid) as caught:
        sales_report_import_csv(actor=member, organisation=organisation, text=text)
    assert [line for line, _reason in caught.value.rows] == [3, 4, 5, 6, 7, 8, 9]
    assert "more than the 7 units" in dict(caught.value.rows)[8]
    placement.refresh_from_db()
    assert (placement.sold, SalesReport.objects.count(), PlacementEvent.objects.filter(kind="sales").count()) == (
        0, 0, 0)


def test_a_file_without_the_columns_is_refused():
    placement = on_shelf_with_stock(10)
    owner = placement.organisation.memberships.get(role="owner").user
    with pytest.raises(SalesImportInvalid) as caught:
        sales_report_import_csv(actor=owner, organisation=placement.organisation, text="toko,barang\n1,2\n")
    assert caught.value.rows[0][0] == 1 and "period_end" in caught.value.rows[0][1]


def test_the_ledger_has_no_consignment_entry_before_settling():
    placement = on_shelf_with_stock(10)
    owner = placement.organisation.memberships.get(role="owner").user
    sales_report_submit(actor=owner, outlet=placement.outlet, period_end=date.today(),
                        lines=[SalesLineInput(placement.pk, 2)])
    assert LedgerEntry.objects.filter(kind="consignment").count() == 0
    assert Placement.objects.get(pk=placement.pk).sold == 2
