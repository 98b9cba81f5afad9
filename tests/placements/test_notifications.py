"""The other side of a placement hears of each proposal and status change by email, after commit only."""
import pytest
from django.core import mail

from market.accounts.models import Membership
from placements.exceptions import PlacementDuplicate
from placements.models import EndReason, Placement, Side
from placements.services import placement_propose, placement_status_set
from tests.factories import MembershipFactory, UserFactory
from tests.orders.factories import owner_of, verified_producer
from tests.placements.factories import chain, chain_person, product_of, proposal

pytestmark = pytest.mark.django_db


def _mail_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_a_chains_proposal_reaches_the_producers_people_and_not_the_chain(django_capture_on_commit_callbacks):
    organisation, owner, outlet = chain()
    chain_person(organisation, role=Membership.Role.MANAGER)
    producer = verified_producer()
    producer_owner = owner_of(producer)
    colleague = UserFactory(email="pak.hadi@example.id")
    MembershipFactory(user=colleague, organisation=producer.organisation, role=Membership.Role.MEMBER)
    product = product_of(producer, name="Kopi Robusta Sidomulyo 250 g")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        placement = placement_propose(actor=owner, side=Side.BUYER,
                                      proposal=proposal(outlet=outlet, product=product, note="Rak depan kasir"))

    assert sorted(address for m in mail.outbox for address in m.to) == sorted([producer_owner.email, colleague.email])
    message = _mail_to(producer_owner.email)[0]
    assert message.subject == f"New placement proposal: Kopi Robusta Sidomulyo 250 g at {outlet.name} ({organisation.name})"
    assert f"{organisation.name} proposes Kopi Robusta Sidomulyo 250 g at {outlet.name}" in message.body
    assert "(Consignment)" in message.body
    assert "Note: Rak depan kasir" in message.body
    assert message.body.endswith(f"/dashboard/producer/placements/{placement.pk}/")


def test_a_producers_proposal_reaches_the_chains_owners_and_managers_only(django_capture_on_commit_callbacks):
    organisation, owner, outlet = chain()
    manager = chain_person(organisation, role=Membership.Role.MANAGER)
    member = chain_person(organisation, role=Membership.Role.MEMBER)
    product = product_of()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        placement = placement_propose(actor=owner_of(product.producer), side=Side.PRODUCER,
                                      proposal=proposal(outlet=outlet, product=product))

    assert sorted(address for m in mail.outbox for address in m.to) == sorted([owner.email, manager.email])
    assert _mail_to(member.email) == []
    assert _mail_to(owner.email)[0].body.endswith(f"/dashboard/buyer/placements/{placement.pk}/")


def test_agreeing_declining_and_ending_tell_the_other_side(django_capture_on_commit_callbacks):
    organisation, owner, outlet = chain()
    product = product_of()
    producer_owner = owner_of(product.producer)
    placement = placement_propose(actor=owner, side=Side.BUYER, proposal=proposal(outlet=outlet, product=product))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        placement_status_set(placement=placement, to=Placement.Status.AGREED, actor=producer_owner)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([owner.email], f"Placement agreed: {product.name} at {outlet.name} ({organisation.name})")]
    assert f"{product.producer.name} agreed to place {product.name}" in mail.outbox[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        placement_status_set(placement=placement, to=Placement.Status.ENDED, actor=owner,
                             reason=EndReason.SLOW_SALES)
    assert [m.to for m in mail.outbox] == [[producer_owner.email]]
    assert mail.outbox[0].subject == f"Placement ended: {product.name} at {outlet.name} ({organisation.name})"
    assert "Reason: Sales too slow." in mail.outbox[0].body

    other = product_of(product.producer)
    offer = placement_propose(actor=producer_owner, side=Side.PRODUCER, proposal=proposal(outlet=outlet, product=other))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        placement_status_set(placement=offer, to=Placement.Status.DECLINED, actor=owner, note="Rak penuh")
    assert [m.to for m in mail.outbox] == [[producer_owner.email]]
    assert "Note: Rak penuh" in mail.outbox[0].body


def test_a_refused_proposal_sends_nothing(django_capture_on_commit_callbacks):
    _organisation, owner, outlet = chain()
    product = product_of()
    placement_propose(actor=owner, side=Side.BUYER, proposal=proposal(outlet=outlet, product=product))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PlacementDuplicate):
        placement_propose(actor=owner, side=Side.BUYER, proposal=proposal(outlet=outlet, product=product))

    assert mail.outbox == []
