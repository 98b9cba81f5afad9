"""Placements: proposing, the transition table and who may move it, consignment stock, settlement, reorder."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from market.accounts.models import Membership
from market.core.errors import ApplicationError
from orders.models import CartLine
from orders.selectors import shopper_get
from payments.models import LedgerEntry, LedgerLine
from payments.selectors import account_balance, producer_balance
from payments.services.ledger import receivable_account_code
from placements.exceptions import (
    ConsignmentInvalid,
    PlacementDuplicate,
    PlacementInvalid,
    PlacementSideRequired,
    PlacementTransitionInvalid,
    SalesReportDuplicate,
    SettlementInvalid,
)
from placements.models import ConsignmentSettlement, Placement, PlacementEvent, SalesReport, Side, Terms
from placements.services import (
    DeliveryLineInput,
    SalesLineInput,
    consignment_delivery_record,
    consignment_settle,
    placement_propose,
    placement_reorder,
    placement_status_set,
    sales_report_submit,
)
from tests.orders.factories import owner_of
from tests.placements.factories import (
    agreed_placement,
    chain,
    chain_person,
    on_shelf_with_stock,
    product_of,
    proposal,
)

pytestmark = pytest.mark.django_db
S = Placement.Status


def test_the_chain_proposes_and_the_producer_agrees_each_step_an_event():
    # given
    organisation, owner, outlet = chain()
    product = product_of()
    # when
    placement = placement_propose(actor=owner, side=Side.BUYER, proposal=proposal(outlet=outlet, product=product))
    placement_status_set(placement=placement, to=S.AGREED, actor=owner_of(product.producer))
    # then
    placement.refresh_from_db()
    assert (placement.status, placement.proposed_by, placement.organisation_id, placement.producer_id) == (
        "agreed", "buyer", organisation.pk, product.producer_id)
    assert list(placement.events.values_list("from_status", "to_status", "side")) == [
        ("", "proposed", "buyer"), ("proposed", "agreed", "producer")]


def test_the_proposing_side_cannot_agree_to_its_own_proposal():
    _org, owner, outlet = chain()
    placement = placement_propose(actor=owner, side=Side.BUYER, proposal=proposal(outlet=outlet, product=product_of()))
    with pytest.raises(PlacementSideRequired):
        placement_status_set(placement=placement, to=S.AGREED, actor=owner)
    placement.refresh_from_db()
    assert placement.status == "proposed" and placement.events.count() == 1


def test_a_member_of_the_chain_may_not_propose_or_decide():
    organisation, owner, outlet = chain()
    member = chain_person(organisation)
    product = product_of()
    with pytest.raises(PlacementSideRequired):
        placement_propose(actor=member, side=Side.BUYER, proposal=proposal(outlet=outlet, product=product))
    placement = placement_propose(actor=owner_of(product.producer), side=Side.PRODUCER,
                                  proposal=proposal(outlet=outlet, product=product))
    with pytest.raises(PlacementSideRequired):
        placement_status_set(placement=placement, to=S.AGREED, actor=member)
    manager = chain_person(organisation, Membership.Role.MANAGER)
    placement_status_set(placement=placement, to=S.AGREED, actor=manager)
    assert Placement.objects.get().status == "agreed"


def test_another_chain_and_another_producer_cannot_touch_a_placement():
    placement = agreed_placement()
    _other, other_owner, _outlet = chain()
    other_producer = product_of().producer
    for outsider in (other_owner, owner_of(other_producer)):
        with pytest.raises(PlacementSideRequired):
            placement_status_set(placement=placement, to=S.ENDED, actor=outsider, reason="slow_sales")
    assert Placement.objects.get(pk=placement.pk).status == "agreed"


def test_decline_needs_a_note_and_withdraw_is_for_the_proposer():
    _org, owner, outlet = chain()
    product = product_of()
    placement = placement_propose(actor=owner, side=Side.BUYER, proposal=proposal(outlet=outlet, product=product))
    with pytest.raises(PlacementInvalid):
        placement_status_set(placement=placement, to=S.DECLINED, actor=owner_of(product.producer))
    with pytest.raises(PlacementSideRequired):
        placement_status_set(placement=placement, to=S.WITHDRAWN, actor=owner_of(product.producer), note="x")
    placement_status_set(placement=placement, to=S.DECLINED, actor=owner_of(product.producer),
                         note="Kapasitas produksi penuh")
    placement.refresh_from_db()
    assert (placement.status, placement.status_note) == ("declined", "Kapasitas produksi penuh")
    with pytest.raises(PlacementTransitionInvalid):
        placement_status_set(placement=placement, to=S.AGREED, actor=owner)


def test_ending_needs_a_reason_from_the_list():
    placement = agreed_placement()
    owner = placement.organisation.memberships.get(role="owner").user
    with pytest.raises(PlacementInvalid):
        placement_status_set(placement=placement, to=S.ENDED, actor=owner, reason="")
    with pytest.raises(PlacementInvalid):
        placement_status_set(placement=placement, to=S.ENDED, actor=owner, reason="other")
    placement_status_set(placement=placement, to=S.ENDED, actor=owner, reason="slow_sales")
    assert Placement.objects.get(pk=placement.pk).end_reason == "slow_sales"


def test_one_open_placement_per_product_and_outlet():
    _org, owner, outlet = chain()
    product = product_of()
    placement_propose(actor=owner, side=Side.BUYER, proposal=proposal(outlet=outlet, product=product))
    with pytest.raises(PlacementDuplicate):
        placement_propose(actor=owner_of(product.producer), side=Side.PRODUCER,
                          proposal=proposal(outlet=outlet, product=product))
    assert Placement.objects.count() == 1


@pytest.mark.parametrize(("terms", "consignment_price", "field"), [
    (Terms.CONSIGNMENT, None, "consignment_price"),
    (Terms.CONSIGNMENT, 20000, "consignment_price"),  # above the shelf price
    ("barter", None, "terms"),
])
def test_bad_terms_are_refused_by_field(terms, consignment_price, field):
    _org, owner, outlet = chain()
    bad = proposal(outlet=outlet, product=product_of(), terms=Terms.CONSIGNMENT)
    from dataclasses import replace

    bad = replace(bad, terms=terms, consignment_price=consignment_price)
    with pytest.raises(PlacementInvalid) as caught:
        placement_propose(actor=owner, side=Side.BUYER, proposal=bad)
    assert field in caught.value.fields
    assert Placement.objects.count() == 0


def test_a_first_delivery_puts_the_placement_on_shelf_with_a_numbered_note():
    placement = agreed_placement()
    delivery = consignment_delivery_record(actor=owner_of(placement.producer), outlet=placement.outlet,
                                           lines=[DeliveryLineInput(placement.pk, 24)], delivered_on=date.today())
    placement.refresh_from_db()
    assert (placement.status, placement.delivered, placement.stock_at_outlet) == ("on_shelf", 24, 24)
    assert delivery.number == f"SJK/{date.today().year}/000001"
    assert list(placement.events.values_list("kind", flat=True)) == ["status", "status", "delivery", "status"]


def test_only_the_producer_records_a_delivery_and_nothing_is_written_otherwise():
    placement = agreed_placement()
    owner = placement.organisation.memberships.get(role="owner").user
    with pytest.raises(PlacementSideRequired):
        consignment_delivery_record(actor=owner, outlet=placement.outlet, lines=[DeliveryLineInput(placement.pk, 5)],
                                    delivered_on=date.today())
    placement.refresh_from_db()
    assert (placement.delivered, placement.status) == (0, "agreed")


def test_outright_placements_take_no_consignment_delivery():
    placement = agreed_placement(terms=Terms.OUTRIGHT)
    with pytest.raises(ConsignmentInvalid):
        consignment_delivery_record(actor=owner_of(placement.producer), outlet=placement.outlet,
                                    lines=[DeliveryLineInput(placement.pk, 5)], delivered_on=date.today())


def test_sales_and_counts_move_the_stock_and_count_shrinkage():
    placement = on_shelf_with_stock(20)
    member = chain_person(placement.organisation)
    sales_report_submit(actor=member, outlet=placement.outlet, period_end=date.today(),
                        lines=[SalesLineInput(placement.pk, 12, counted=6)])
    placement.refresh_from_db()
    assert (placement.sold, placement.shrinkage, placement.stock_at_outlet) == (12, 2, 6)
    assert placement.sell_through == 0.6


def test_sales_beyond_the_stock_are_refused_and_nothing_is_written():
    placement = on_shelf_with_stock(10)
    member = chain_person(placement.organisation)
    with pytest.raises(ConsignmentInvalid) as caught:
        sales_report_submit(actor=member, outlet=placement.outlet, period_end=date.today(),
                            lines=[SalesLineInput(placement.pk, 11)])
    assert "more than the 10 units" in caught.value.fields[f"placement_{placement.pk}"][0]
    placement.refresh_from_db()
    assert (placement.sold, SalesReport.objects.count()) == (0, 0)


def test_the_database_refuses_sales_beyond_delivered_stock():
    placement = on_shelf_with_stock(5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=placement.pk).update(sold=6)


def test_one_report_per_outlet_and_period():
    placement = on_shelf_with_stock(10)
    member = chain_person(placement.organisation)
    day = date.today() - timedelta(days=1)
    sales_report_submit(actor=member, outlet=placement.outlet, period_end=day, lines=[SalesLineInput(placement.pk, 1)])
    with pytest.raises(SalesReportDuplicate):
        sales_report_submit(actor=member, outlet=placement.outlet, period_end=day,
                            lines=[SalesLineInput(placement.pk, 1)])
    assert Placement.objects.get(pk=placement.pk).sold == 1


def test_another_chain_cannot_report_sales_of_this_outlet():
    placement = on_shelf_with_stock(10)
    _other, other_owner, _outlet = chain()
    with pytest.raises(PlacementSideRequired):
        sales_report_submit(actor=other_owner, outlet=placement.outlet, period_end=date.today(),
                            lines=[SalesLineInput(placement.pk, 1)])


def test_settlement_is_one_balanced_idempotent_ledger_entry(settings):
    # given: 7 sold at Rp 10.000 agreed, a 5 % fee
    settings.PLATFORM_COMMISSION_RATE = "0.05"
    placement = on_shelf_with_stock(20, consignment_price=10000)
    owner = placement.organisation.memberships.get(role="owner").user
    report = sales_report_submit(actor=owner, outlet=placement.outlet, period_end=date.today(),
                                 lines=[SalesLineInput(placement.pk, 7)])
    # when: settled twice (a double click)
    first = consignment_settle(report=report, actor=owner)
    second = consignment_settle(report=report, actor=owner)
    # then
    assert first.pk == second.pk and ConsignmentSettlement.objects.count() == 1
    assert (first.gross, first.fee, first.net) == (70000, 3500, 66500)
    entry = LedgerEntry.objects.get(key=f"consignment:report:{report.pk}")
    lines = {(line.account.code, line.debit, line.credit) for line in LedgerLine.objects.filter(entry=entry)}
    assert lines == {(receivable_account_code(placement.organisation_id), 70000, 0),
                     (f"producer:{placement.producer_id}", 0, 66500), ("commission", 0, 3500)}
    assert producer_balance(producer_id=placement.producer_id) == (66500, 0)  # pending until the chain pays
    assert account_balance(code=receivable_account_code(placement.organisation_id)) == 70000
    assert PlacementEvent.objects.filter(placement=placement, kind="settlement").values_list("amount",
                                                                                            flat=True).get() == 70000


def test_a_member_cannot_settle_and_nothing_sold_cannot_be_settled():
    placement = on_shelf_with_stock(5)
    member = chain_person(placement.organisation)
    owner = placement.organisation.memberships.get(role="owner").user
    report = sales_report_submit(actor=member, outlet=placement.outlet, period_end=date.today(),
                                 lines=[SalesLineInput(placement.pk, 0, counted=5)])
    with pytest.raises(PlacementSideRequired):
        consignment_settle(report=report, actor=member)
    with pytest.raises(SettlementInvalid):
        consignment_settle(report=report, actor=owner)
    assert LedgerEntry.objects.filter(kind="consignment").count() == 0


def test_reorder_fills_the_cart_for_the_outlet_rounded_to_the_order_multiple():
    organisation, owner, outlet = chain()
    product = product_of(min_order_qty=5, order_multiple=6)
    placement = agreed_placement(terms=Terms.OUTRIGHT, outlet=outlet, owner=owner, product=product)
    shopper = shopper_get(user=owner, organisation=organisation)
    quantity = placement_reorder(placement=placement, shopper=shopper)
    assert quantity == 6
    assert list(CartLine.objects.filter(cart__organisation=organisation).values_list("product_id", "quantity")) == [
        (product.pk, 6)]


def test_reorder_refuses_consignment_and_another_chain():
    placement = agreed_placement()
    owner = placement.organisation.memberships.get(role="owner").user
    with pytest.raises(PlacementInvalid):
        placement_reorder(placement=placement, shopper=shopper_get(user=owner, organisation=placement.organisation))
    other, other_owner, _ = chain()
    with pytest.raises(ApplicationError):
        placement_reorder(placement=placement, shopper=shopper_get(user=other_owner, organisation=other))
    assert CartLine.objects.count() == 0


def test_fee_rate_of_the_category_applies(settings):
    from payments.models import CommissionRate

    placement = on_shelf_with_stock(10, consignment_price=9999)
    CommissionRate.objects.create(category_id=placement.product.category_id, rate=Decimal("0.1000"))
    owner = placement.organisation.memberships.get(role="owner").user
    report = sales_report_submit(actor=owner, outlet=placement.outlet, period_end=date.today(),
                                 lines=[SalesLineInput(placement.pk, 3)])
    settlement = consignment_settle(report=report, actor=owner)
    assert (settlement.gross, settlement.fee) == (29997, 3000)
