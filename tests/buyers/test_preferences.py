import pytest

from buyers.exceptions import BuyerInvalid, BuyerManagerRequired
from buyers.models import BuyerProfile
from buyers.selectors import buyer_min_shelf_life_days
from buyers.services import buyer_min_shelf_life_set
from market.accounts.models import Membership, Organisation, Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def buyer_member(role=Membership.Role.OWNER):
    organisation = OrganisationFactory(kind=Organisation.Kind.BUYER)
    user = UserFactory(role=Role.BUYER)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return organisation, user


def test_default_is_six_months_for_everyone():
    _organisation, buyer = buyer_member()

    assert buyer_min_shelf_life_days(user=None) == 180
    assert buyer_min_shelf_life_days(user=UserFactory()) == 180
    assert buyer_min_shelf_life_days(user=buyer) == 180


def test_owner_sets_the_threshold_for_its_members():
    organisation, owner = buyer_member()
    colleague = UserFactory(role=Role.BUYER)
    MembershipFactory(user=colleague, organisation=organisation, role=Membership.Role.MEMBER)

    buyer_min_shelf_life_set(organisation=organisation, actor=owner, days=270)

    assert BuyerProfile.objects.get(organisation=organisation).min_shelf_life_days == 270
    assert buyer_min_shelf_life_days(user=colleague) == 270


@pytest.mark.parametrize("days", [0, -5, 3651, "200", True, None])
def test_bad_threshold_is_refused(days):
    organisation, owner = buyer_member()

    with pytest.raises(BuyerInvalid) as error:
        buyer_min_shelf_life_set(organisation=organisation, actor=owner, days=days)

    assert error.value.fields == {"min_shelf_life_days": ["Enter a number of days between 1 and 3650."]}
    assert BuyerProfile.objects.count() == 0


def test_plain_members_and_strangers_cannot_set_it():
    organisation, _owner = buyer_member()
    _other, member = buyer_member(role=Membership.Role.MEMBER)
    MembershipFactory(user=member, organisation=organisation, role=Membership.Role.MEMBER)

    for actor in (member, UserFactory()):
        with pytest.raises(BuyerManagerRequired):
            buyer_min_shelf_life_set(organisation=organisation, actor=actor, days=200)

    assert BuyerProfile.objects.count() == 0
