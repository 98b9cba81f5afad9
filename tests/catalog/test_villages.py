from datetime import date, timedelta

import pytest
from django.utils import timezone

from catalog.exceptions import CatalogInvalid, OfficerRequired, StageReasonRequired, StageSkipped, StageUnchanged
from catalog.models import Stage, VillageProfile, VillageStageEvent
from catalog.selectors import village_stage_timeline
from catalog.services import village_advance_stage, village_profile_get_or_create, village_profile_update
from market.accounts.models import Role
from tests.catalog.factories import CommodityFactory, OfficerFactory, UserFactory, VillageProfileFactory, village

pytestmark = pytest.mark.django_db

ORDER = ["surveyed", "socialisation", "coaching", "commodity_management", "packaging_design", "showcase_ready"]


def test_stages_are_in_programme_order():
    assert Stage.values == ORDER
    assert Stage.at_or_beyond(Stage.COACHING) == ORDER[2:]


def test_profile_is_created_on_demand_once():
    padomasan = village()

    first = village_profile_get_or_create(village=padomasan)
    second = village_profile_get_or_create(village=padomasan)

    assert first.pk == second.pk
    assert (first.stage, VillageProfile.objects.count()) == ("surveyed", 1)


def test_officer_walks_a_village_through_every_stage():
    profile = VillageProfileFactory()
    officer = OfficerFactory()
    day = date(2026, 1, 5)

    for to_stage in ORDER[1:]:
        village_advance_stage(profile=profile, to_stage=to_stage, officer=officer, note=f"to {to_stage}", on=day)
        day += timedelta(days=30)

    profile.refresh_from_db()
    assert profile.stage == "showcase_ready"
    assert [(e.from_stage, e.to_stage, e.note, e.happened_on) for e in village_stage_timeline(profile=profile)] == [
        ("surveyed", "socialisation", "to socialisation", date(2026, 1, 5)),
        ("socialisation", "coaching", "to coaching", date(2026, 2, 4)),
        ("coaching", "commodity_management", "to commodity_management", date(2026, 3, 6)),
        ("commodity_management", "packaging_design", "to packaging_design", date(2026, 4, 5)),
        ("packaging_design", "showcase_ready", "to showcase_ready", date(2026, 5, 5)),
    ]


def test_advance_defaults_to_today_and_updates_the_callers_object():
    profile = VillageProfileFactory()

    event = village_advance_stage(profile=profile, to_stage="socialisation", officer=OfficerFactory(), note="")

    assert (event.happened_on, profile.stage, event.reason) == (timezone.localdate(), "socialisation", "")


@pytest.mark.parametrize(("start", "target"), [
    ("surveyed", "coaching"), ("surveyed", "showcase_ready"), ("socialisation", "commodity_management"),
    ("coaching", "packaging_design"),
])
def test_skipping_forward_is_refused(start, target):
    profile = VillageProfileFactory(stage=start)

    with pytest.raises(StageSkipped):
        village_advance_stage(profile=profile, to_stage=target, officer=OfficerFactory(), note="")

    profile.refresh_from_db()
    assert (profile.stage, VillageStageEvent.objects.count()) == (start, 0)


@pytest.mark.parametrize("stage", ORDER)
def test_same_stage_is_refused(stage):
    profile = VillageProfileFactory(stage=stage)

    with pytest.raises(StageUnchanged):
        village_advance_stage(profile=profile, to_stage=stage, officer=OfficerFactory(), note="", reason="x")

    assert VillageStageEvent.objects.count() == 0


@pytest.mark.parametrize("reason", ["", "   "])
def test_moving_back_needs_a_reason(reason):
    profile = VillageProfileFactory(stage="packaging_design")

    with pytest.raises(StageReasonRequired) as excinfo:
        village_advance_stage(profile=profile, to_stage="coaching", officer=OfficerFactory(), note="", reason=reason)

    assert excinfo.value.fields == {"reason": ["Give a reason for moving the village back to an earlier stage."]}
    profile.refresh_from_db()
    assert (profile.stage, VillageStageEvent.objects.count()) == ("packaging_design", 0)


@pytest.mark.parametrize("target", ["surveyed", "socialisation", "coaching", "commodity_management"])
def test_moving_back_any_number_of_stages_with_a_reason(target):
    profile = VillageProfileFactory(stage="packaging_design")
    officer = OfficerFactory()

    event = village_advance_stage(profile=profile, to_stage=target, officer=officer, note="audit",
                                  reason=" Coaching must be repeated ", on=date(2026, 2, 1))

    profile.refresh_from_db()
    assert profile.stage == target
    assert (event.from_stage, event.to_stage, event.reason, event.officer, event.note) == (
        "packaging_design", target, "Coaching must be repeated", officer, "audit")


@pytest.mark.parametrize("role", [Role.PRODUCER, Role.BUYER, Role.CONSUMER, Role.INVESTOR])
def test_only_officers_change_stages(role):
    profile = VillageProfileFactory()

    with pytest.raises(OfficerRequired):
        village_advance_stage(profile=profile, to_stage="socialisation", officer=UserFactory(role=role), note="")

    profile.refresh_from_db()
    assert (profile.stage, VillageStageEvent.objects.count()) == ("surveyed", 0)


def test_officer_role_without_staff_is_not_an_officer():
    profile = VillageProfileFactory()

    with pytest.raises(OfficerRequired):
        village_advance_stage(profile=profile, to_stage="socialisation",
                              officer=UserFactory(role=Role.OFFICER, is_staff=False), note="")


def test_unknown_stage_and_future_date_are_refused():
    profile = VillageProfileFactory()
    officer = OfficerFactory()

    with pytest.raises(CatalogInvalid) as unknown:
        village_advance_stage(profile=profile, to_stage="launched", officer=officer, note="")
    with pytest.raises(CatalogInvalid) as future:
        village_advance_stage(profile=profile, to_stage="socialisation", officer=officer, note="",
                              on=timezone.localdate() + timedelta(days=1))

    assert unknown.value.fields == {"to_stage": ["Unknown programme stage."]}
    assert future.value.fields == {"on": ["The date cannot be in the future."]}
    assert VillageStageEvent.objects.count() == 0


def test_decision_uses_the_database_stage_not_a_stale_object():
    profile = VillageProfileFactory()
    stale = VillageProfile.objects.get(pk=profile.pk)
    officer = OfficerFactory()
    village_advance_stage(profile=profile, to_stage="socialisation", officer=officer, note="")

    # The stale copy still says "surveyed"; moving it to "socialisation" again must be refused.
    with pytest.raises(StageUnchanged):
        village_advance_stage(profile=stale, to_stage="socialisation", officer=officer, note="")

    assert VillageStageEvent.objects.count() == 1


def test_timeline_is_chronological_and_costs_one_query(django_assert_num_queries):
    profile = VillageProfileFactory()
    officer = OfficerFactory()
    village_advance_stage(profile=profile, to_stage="socialisation", officer=officer, note="a", on=date(2026, 1, 1))
    village_advance_stage(profile=profile, to_stage="surveyed", officer=officer, note="b", reason="r",
                          on=date(2026, 1, 2))
    village_advance_stage(profile=profile, to_stage="socialisation", officer=officer, note="c", on=date(2026, 1, 2))

    with django_assert_num_queries(1):
        rows = [(e.note, e.officer.email) for e in village_stage_timeline(profile=profile)]

    assert rows == [("a", officer.email), ("b", officer.email), ("c", officer.email)]


def test_profile_update_sets_commodities_and_contact():
    profile = VillageProfileFactory()
    officer = OfficerFactory()
    kopi, tembakau = CommodityFactory(slug="kopi"), CommodityFactory(slug="tembakau")

    village_profile_update(profile=profile, officer=officer, story=" Desa kopi ", flagship_commodity=kopi,
                           other_commodities=[tembakau], contact_officer=officer)

    profile.refresh_from_db()
    assert (profile.story, profile.flagship_commodity, profile.contact_officer) == ("Desa kopi", kopi, officer)
    assert list(profile.other_commodities.all()) == [tembakau]


def test_contact_must_be_an_officer():
    profile = VillageProfileFactory()

    with pytest.raises(CatalogInvalid) as excinfo:
        village_profile_update(profile=profile, officer=OfficerFactory(), contact_officer=UserFactory())

    assert excinfo.value.fields == {"contact_officer": ["The contact must be a programme officer."]}
    profile.refresh_from_db()
    assert profile.contact_officer is None
