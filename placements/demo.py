"""The demo chain's placements: village products on its outlets' shelves, played through the services.

Called from ``catalog.demo._Loader.run`` right after ``demo_commerce_load`` (inside its transaction),
once the chain, its outlets and people exist and producers have products on sale. The story: a
consignment placement at Kaliwates delivered, reported (one unit lost at the count) and settled; a
consignment placement at Sumbersari proposed by the producer, delivered and reported down to low stock
(a replenishment suggestion for its producer; the demo producer's own placement at Kaliwates is low too); an outright placement on shelf at Patrang (reorder
from it); one proposal waiting for the chain, one declined by a producer and one ended for slow
sales; the products carried in all at two outlets (the shelf report's share).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass
class PlacementsDemoResult:
    placements_by_status: dict[str, int] = field(default_factory=dict)
    settlements: int = 0


def placements_demo_load(*, officer, today: date) -> PlacementsDemoResult:
    """Create the demo chain's placements, deliveries, sales reports and one settlement."""
    from buyers.selectors import outlet_list
    from catalog.demo import BUYER_EMAIL, CHAIN_MANAGER_EMAIL
    from catalog.selectors import product_list_public
    from market.accounts.models import Membership, User
    from placements.models import Placement, Side, Terms
    from placements.services import (
        DeliveryLineInput,
        PlacementProposal,
        SalesLineInput,
        consignment_delivery_record,
        consignment_settle,
        outlet_range_set,
        placement_propose,
        placement_status_set,
        sales_report_submit,
    )

    result = PlacementsDemoResult()
    owner = User.objects.filter(email=BUYER_EMAIL).first()
    manager = User.objects.filter(email=CHAIN_MANAGER_EMAIL).first()
    if owner is None or manager is None:
        return result
    organisation = owner.organisations.filter(kind="buyer").first()
    outlets = list(outlet_list(organisation=organisation))
    if len(outlets) < 3:
        return result
    kaliwates, patrang, sumbersari = sorted(outlets, key=lambda o: o.name)  # Cabang K..., P..., S...
    # one product of each of up to six producers, in primary-key order
    products, seen = [], set()
    for product in product_list_public().select_related("producer").order_by("pk"):
        if product.producer_id not in seen:
            seen.add(product.producer_id)
            products.append(product)
        if len(products) == 6:
            break
    if len(products) < 6:  # a small demo: only the placement agreed at the showcase
        _from_showcase(organisation=organisation, outlet=patrang, owner=owner, manager=manager, today=today)
        return result

    def producer_person(product):
        return (Membership.objects.filter(organisation_id=product.producer.organisation_id)
                .order_by("role", "pk").select_related("user").first().user)

    def price(product) -> int:
        return int(product.approved_snapshot.get("retail_price") or product.retail_price or 20000)

    def propose(*, product, outlet, terms, side, actor, facings=2, threshold=4, note=""):
        shelf = price(product)
        return placement_propose(actor=actor, side=side, proposal=PlacementProposal(
            outlet_id=outlet.pk, product_id=product.pk, terms=terms, shelf_price=shelf,
            consignment_price=(shelf * 70 // 100) if terms == Terms.CONSIGNMENT else None,
            start_date=today - timedelta(days=14), facings=facings, low_stock_threshold=threshold, note=note))

    S = Placement.Status
    a, b, c, d, e, f = products
    # Kaliwates: consignment, delivered, reported with a count, settled
    first = propose(product=a, outlet=kaliwates, terms=Terms.CONSIGNMENT, side=Side.BUYER, actor=owner, threshold=15,
                    note="Untuk rak oleh-oleh khas Jember dekat kasir.")
    placement_status_set(placement=first, to=S.AGREED, actor=producer_person(a))
    consignment_delivery_record(actor=producer_person(a), outlet=kaliwates, delivered_on=today - timedelta(days=10),
                                lines=[DeliveryLineInput(first.pk, 24)], note="Diterima Bu Sri Wahyuni.")
    report = sales_report_submit(actor=manager, outlet=kaliwates, period_end=today - timedelta(days=3),
                                 lines=[SalesLineInput(first.pk, 10, counted=13)])
    consignment_settle(report=report, actor=owner)
    result.settlements += 1
    # Sumbersari: proposed by the producer, agreed by the manager, reported down to low stock
    second = propose(product=b, outlet=sumbersari, terms=Terms.CONSIGNMENT, side=Side.PRODUCER,
                     actor=producer_person(b), threshold=4, note="Kemasan baru 200 g, siap rak.")
    placement_status_set(placement=second, to=S.AGREED, actor=manager)
    consignment_delivery_record(actor=producer_person(b), outlet=sumbersari, delivered_on=today - timedelta(days=9),
                                lines=[DeliveryLineInput(second.pk, 12)])
    sales_report_submit(actor=manager, outlet=sumbersari, period_end=today - timedelta(days=2),
                        lines=[SalesLineInput(second.pk, 9)])
    # Patrang: outright purchase, on shelf (the chain reorders it through ordinary orders)
    third = propose(product=c, outlet=patrang, terms=Terms.OUTRIGHT, side=Side.BUYER, actor=owner, facings=3)
    placement_status_set(placement=third, to=S.AGREED, actor=producer_person(c))
    placement_status_set(placement=third, to=S.ON_SHELF, actor=manager)
    # a producer's proposal waiting for the chain
    propose(product=d, outlet=kaliwates, terms=Terms.CONSIGNMENT, side=Side.PRODUCER, actor=producer_person(d),
            note="Bisa kirim 20 bungkus per dua minggu.")
    # declined by the producer, and one ended for slow sales
    declined = propose(product=e, outlet=patrang, terms=Terms.CONSIGNMENT, side=Side.BUYER, actor=owner)
    placement_status_set(placement=declined, to=S.DECLINED, actor=producer_person(e),
                         note="Kapasitas produksi bulan ini sudah penuh.")
    ended = propose(product=f, outlet=sumbersari, terms=Terms.OUTRIGHT, side=Side.BUYER, actor=owner)
    placement_status_set(placement=ended, to=S.AGREED, actor=producer_person(f))
    placement_status_set(placement=ended, to=S.ON_SHELF, actor=manager)
    placement_status_set(placement=ended, to=S.ENDED, actor=owner, reason="slow_sales",
                         note="Perputaran lambat di cabang ini.")
    _from_showcase(organisation=organisation, outlet=patrang, owner=owner, manager=manager, today=today)
    outlet_range_set(actor=owner, outlet=kaliwates, total_skus=420)
    outlet_range_set(actor=owner, outlet=sumbersari, total_skus=380)
    for status in Placement.objects.filter(organisation=organisation).values_list("status", flat=True):
        result.placements_by_status[status] = result.placements_by_status.get(status, 0) + 1
    return result


def _from_showcase(*, organisation, outlet, owner, manager, today: date) -> None:
    """The placement agreed at the past showcase (showcases.demo): proposed from its meeting, on shelf."""
    from market.accounts.models import Membership
    from placements.exceptions import PlacementDuplicate
    from placements.models import Placement, Side, Terms
    from placements.services import PlacementProposal, placement_propose, placement_status_set
    from showcases.models import Meeting, Outcome

    meeting = (Meeting.objects.filter(registration__organisation=organisation, outcome=Outcome.PLACEMENT_AGREED,
                                      status=Meeting.Status.ACCEPTED)
               .select_related("participant__producer").order_by("pk").first())
    if meeting is None:
        return
    placement = None
    for product in meeting.participant.products.order_by("pk"):  # the first one not on that shelf already
        shelf = int(product.approved_snapshot.get("retail_price") or 20000)
        try:
            placement = placement_propose(actor=owner, side=Side.BUYER, proposal=PlacementProposal(
                outlet_id=outlet.pk, product_id=product.pk, terms=Terms.OUTRIGHT, shelf_price=shelf,
                start_date=today, facings=2, note="Disepakati di gelar produk.", showcase_meeting_id=meeting.pk))
        except PlacementDuplicate:
            continue
        break
    if placement is None:
        return
    producer_person = (Membership.objects.filter(organisation_id=product.producer.organisation_id)
                       .order_by("role", "pk").select_related("user").first().user)
    placement_status_set(placement=placement, to=Placement.Status.AGREED, actor=producer_person)
    placement_status_set(placement=placement, to=Placement.Status.ON_SHELF, actor=manager)
