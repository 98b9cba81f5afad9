"""The programme's area is configuration (PROGRAMME_REGION_CODES): every place that assumed Jember follows it."""
from __future__ import annotations

import pytest
from django.test import override_settings

from buyers.selectors import buyer_preference_district_list
from catalog.selectors import programme_area_summary, village_list_for_officers, village_stage_counts
from market.regions.models import District, Village
from market.regions.selectors import district_list, programme_region_codes, region_q

pytestmark = pytest.mark.django_db


def test_region_codes_nest_by_prefix(world):
    assert list(District.objects.filter(region_q(field="code", codes=["35.09"])).order_by("code")
                .values_list("code", flat=True)) == ["35.09.01", "35.09.02"]
    assert Village.objects.filter(region_q(field="code", codes=["35"])).count() == 3
    assert Village.objects.filter(region_q(field="code", codes=["35.1"])).count() == 0  # not a prefix of "35.10"
    assert Village.objects.filter(region_q(field="code", codes=[])).count() == 0


def test_jember_is_the_default(world):
    assert programme_region_codes() == ("35.09",)
    assert [d.code for d in buyer_preference_district_list()] == ["35.09.01", "35.09.02"]
    assert programme_area_summary()["villages"] == 2


@override_settings(PROGRAMME_REGION_CODES=["35.10"])
def test_another_regency_is_the_programme_everywhere(world, officer_client):
    # officers' village list, stage counts and village page
    assert [v.code for v in village_list_for_officers(region_codes=programme_region_codes())] == ["35.10.01.2001"]
    assert sum(village_stage_counts(region_codes=programme_region_codes())["by_stage"].values()) == 1
    assert officer_client.get("/dashboard/officer/villages/35.10.01.2001/").status_code == 200
    assert officer_client.get("/dashboard/officer/villages/35.09.01.2001/").status_code == 404
    # buyers' sourcing districts, the home page's figures, the visitors' destination districts
    assert [d.code for d in buyer_preference_district_list()] == ["35.10.01"]
    summary = programme_area_summary()
    assert ([r.code for r in summary["regions"]], summary["districts"], summary["villages"]) == (["35.10"], 1, 1)
    assert [d.code for d in district_list(region_codes=programme_region_codes())] == ["35.10.01"]


@override_settings(PROGRAMME_REGION_CODES=["35"])
def test_a_province_runs_the_programme_in_all_its_regencies(world, officer_client):
    assert len(village_list_for_officers(region_codes=programme_region_codes())) == 3
    assert officer_client.get("/dashboard/officer/villages/35.10.01.2001/").status_code == 200
    summary = programme_area_summary()
    assert ([r.code for r in summary["regions"]], summary["districts"], summary["villages"]) == (["35"], 3, 3)
    assert "Jawa Timur" in officer_client.get("/").content.decode()
