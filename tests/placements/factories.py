"""Helpers for the placements tests: a chain with an outlet, a producer with a product on sale, placements."""
from __future__ import annotations

from datetime import date

from market.accounts.models import Membership, Role
from placements.models import Placement, Side, Terms
from placements.services import (
    DeliveryLineInput,
    PlacementProposal,
    consignment_delivery_record,
    placement_propose,
    placement_status_set,
)
from tests.factories import MembershipFactory, UserFactory
from tests.orders.factories import buyer_organisation, on_sale, owner_of, verified_producer


def chain(**kwargs):
    """Return (organisation, owner, outlet) of a verified buyer organisation."""
    return buyer_organisation(**kwargs)


def chain_person(organisation, role=Membership.Role.MEMBER):
    person = UserFactory(role=Role.BUYER)
    MembershipFactory(user=person, organisation=organisation, role=role)
    return person


def product_of(producer=None, **kwargs):
    return on_sale(producer=producer or verified_producer(), **kwargs)


def proposal(*, outlet, product, terms=Terms.CONSIGNMENT, shelf_price=15000, consignment_price=10000, facings=2,
             threshold=3, **extra) -> PlacementProposal:
    return PlacementProposal(outlet_id=outlet.pk, product_id=product.pk, terms=terms, shelf_price=shelf_price,
                             consignment_price=consignment_price if terms == Terms.CONSIGNMENT else None,
                             start_date=date(2026, 1, 5), facings=facings, low_stock_threshold=threshold, **extra)


def agreed_placement(*, terms=Terms.CONSIGNMENT, outlet=None, owner=None, product=None, **kwargs) -> Placement:
    """Return a placement the chain proposed and the producer agreed."""
    if outlet is None:
        _org, owner, outlet = chain()
    product = product or product_of()
    placement = placement_propose(actor=owner, side=Side.BUYER,
                                  proposal=proposal(outlet=outlet, product=product, terms=terms, **kwargs))
    return placement_status_set(placement=placement, to=Placement.Status.AGREED, actor=owner_of(product.producer))


def on_shelf_with_stock(units: int = 20, **kwargs) -> Placement:
    """Return a consignment placement on shelf after a delivery of ``units``."""
    placement = agreed_placement(**kwargs)
    consignment_delivery_record(actor=owner_of(placement.producer), outlet=placement.outlet,
                                lines=[DeliveryLineInput(placement.pk, units)], delivered_on=date.today())
    placement.refresh_from_db()
    return placement
