"""From showcase to shelf (issue 15): a placement proposed from a gelar produk meeting records the meeting,
and the showcase's report counts the agreed placements that followed within 90 days — from the records,
equal to an independent count."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from placements.exceptions import PlacementInvalid
from placements.models import Placement, Side
from placements.services import placement_propose, placement_status_set
from showcases.models import Meeting
from showcases.selectors import FOLLOW_UP_DAYS, showcase_public_summary, showcase_report
from showcases.services import meeting_cancel
from tests.fixtures import force_login_mfa
from tests.orders.factories import owner_of
from tests.placements.factories import chain, proposal
from tests.showcases.factories import accepted_meeting, published_showcase

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return accepted_meeting(published_showcase())


def _outlet(meeting):
    return meeting.registration.organisation.outlets.first()


def _product(meeting):
    return meeting.participant.products.first()


def _propose(meeting, *, side=Side.BUYER, product=None, outlet=None):
    owner = meeting.registration.registered_by if side == Side.BUYER else owner_of(meeting.participant.producer)
    return placement_propose(actor=owner, side=side, proposal=proposal(
        outlet=outlet or _outlet(meeting), product=product or _product(meeting), showcase_meeting_id=meeting.pk))


@pytest.mark.parametrize("side", [Side.BUYER, Side.PRODUCER])
def test_a_placement_proposed_from_the_meeting_records_it(meeting, side):
    placement = _propose(meeting, side=side)

    assert placement.showcase_meeting_id == meeting.pk
    assert list(meeting.placements.all()) == [placement]


def test_a_meeting_of_another_chain_or_producer_or_not_accepted_is_refused_and_nothing_is_written(meeting):
    _org, other_owner, other_outlet = chain()
    other_showcase_meeting = accepted_meeting(published_showcase())

    with pytest.raises(PlacementInvalid) as other_chain:
        placement_propose(actor=other_owner, side=Side.BUYER, proposal=proposal(
            outlet=other_outlet, product=_product(meeting), showcase_meeting_id=meeting.pk))
    with pytest.raises(PlacementInvalid):  # the meeting's chain, another producer's product
        _propose(meeting, product=_product(other_showcase_meeting))
    meeting_cancel(meeting=meeting, actor=meeting.registration.registered_by)
    with pytest.raises(PlacementInvalid):
        _propose(meeting)

    assert "showcase_meeting" in other_chain.value.fields
    assert not Placement.objects.exists()


def _independent_count(showcase) -> int:
    """Count agreed placements from the showcase's meetings proposed within 90 days, by walking the rows."""
    count = 0
    for m in Meeting.objects.filter(showcase=showcase):
        start = m.starts_at or m.created_at
        for placement in Placement.objects.filter(showcase_meeting=m):
            if placement.status in ("agreed", "on_shelf", "ended") and \
                    placement.created_at <= start + timedelta(days=FOLLOW_UP_DAYS):
                count += 1
    return count


def test_the_report_counts_agreed_placements_within_90_days_as_an_independent_count_does(meeting):
    showcase = meeting.showcase
    producer_owner = owner_of(meeting.participant.producer)
    agreed = _propose(meeting)
    placement_status_set(placement=agreed, to=Placement.Status.AGREED, actor=producer_owner)
    _propose(meeting, product=None, outlet=_second_outlet(meeting))  # still proposed: not counted
    late = _propose(meeting, outlet=_second_outlet(meeting, name="Gerai Tiga"))
    placement_status_set(placement=late, to=Placement.Status.AGREED, actor=producer_owner)
    Placement.objects.filter(pk=late.pk).update(created_at=timezone.now() + timedelta(days=FOLLOW_UP_DAYS + 1))
    second = accepted_meeting(showcase)
    placement_status_set(placement=_propose(second), to=Placement.Status.AGREED,
                         actor=owner_of(second.participant.producer))

    report = showcase_report(showcase=showcase)

    assert report["placements"] == _independent_count(showcase) == 2
    assert {row.pk: row.placement_count for row in report["rows"]} == {meeting.pk: 1, second.pk: 1}
    assert showcase_public_summary(showcase=showcase)["placements"] == 2


def _second_outlet(meeting, name="Gerai Dua"):
    from buyers.services import outlet_create
    from tests.orders.factories import PLACE

    organisation = meeting.registration.organisation
    return outlet_create(organisation=organisation, actor=meeting.registration.registered_by,
                         **{**PLACE, "name": name})


def test_the_meeting_page_leads_to_the_proposal_which_carries_the_meeting(client, meeting):
    buyer = meeting.registration.registered_by
    client.force_login(buyer)

    page = client.get(f"/showcases/meetings/{meeting.pk}/").content.decode()
    assert f"/dashboard/buyer/placements/new/?meeting={meeting.pk}" in page

    form = client.get(f"/dashboard/buyer/placements/new/?meeting={meeting.pk}")
    assert f'name="showcase_meeting" value="{meeting.pk}"' in form.content.decode()
    response = client.post("/dashboard/buyer/placements/new/", {
        "outlet": _outlet(meeting).pk, "product": _product(meeting).pk, "terms": "consignment",
        "shelf_price": "15.000", "consignment_price": "10.000", "start_date": "2026-12-10", "facings": 2,
        "low_stock_threshold": 3, "showcase_meeting": meeting.pk})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Placement.objects.get().showcase_meeting_id == meeting.pk
    assert "Placements from this meeting:" in client.get(f"/showcases/meetings/{meeting.pk}/").content.decode()


def test_the_officers_report_page_and_csv_show_the_placements(client, meeting, totp_for):
    placement_status_set(placement=_propose(meeting), to=Placement.Status.AGREED,
                         actor=owner_of(meeting.participant.producer))
    from tests.orders.factories import OfficerFactory

    officer = OfficerFactory()
    totp_for(officer)  # officers' pages need a second factor set up
    force_login_mfa(client, officer)
    page = client.get(f"/dashboard/officer/showcases/{meeting.showcase_id}/report/").content.decode()
    csv = client.get(f"/dashboard/officer/showcases/{meeting.showcase_id}/report.csv").content.decode()

    assert "Shelf placements agreed within 90 days" in page
    assert csv.splitlines()[0].endswith("placements_within_90_days")
    assert csv.splitlines()[1].endswith(",1")
