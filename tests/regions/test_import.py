from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from market.regions.exceptions import RegionFileInvalid
from market.regions.models import District, Province, Regency, Village
from market.regions.services import region_import, region_import_file

pytestmark = pytest.mark.django_db
NATIONAL_FILE = Path(__file__).resolve().parents[3] / "shared" / "data" / "wilayah" / "base.csv"


def counts():
    return (Province.objects.count(), Regency.objects.count(), District.objects.count(), Village.objects.count())


def rows(*lines):
    return list(enumerate((line.split(",") for line in lines), start=1))


def test_bundled_jember_subset_counts():
    result = region_import_file()

    assert counts() == (1, 1, 31, 248)
    assert (result.provinces, result.regencies, result.districts, result.villages) == (1, 1, 31, 248)
    jember = Regency.objects.get(code="35.09")
    assert (jember.display_name, jember.kind, str(jember.province)) == ("Kabupaten Jember", "kabupaten", "Jawa Timur")
    assert Village.objects.filter(district__regency=jember, kind="desa").count() == 226
    assert Village.objects.filter(district__regency=jember, kind="kelurahan").count() == 22
    assert Village.objects.get(code="35.09.01.2001").name == "Padomasan"


def test_import_is_idempotent_and_updates_renamed_regions():
    region_import_file()
    region_import_file()
    assert counts() == (1, 1, 31, 248)

    region_import(rows=rows("35.09.01.2001,Padomasan Baru"))

    assert counts() == (1, 1, 31, 248)
    assert Village.objects.get(code="35.09.01.2001").name == "Padomasan Baru"


def test_bad_rows_are_reported_by_line_and_nothing_is_written():
    with pytest.raises(RegionFileInvalid) as excinfo:
        region_import(rows=rows(
            "35,JAWA TIMUR",
            "35.09,KAB. JEMBER",
            "35.9.01,Broken code",
            "35.09.01,",
            "35.09.01,Jombang,extra",
            "35.09.02.2001,Cakru",
        ))

    assert excinfo.value.fields == {
        "line 3": ["'35.9.01' is not a Kemendagri region code"],
        "line 4": ["35.09.01: the name is empty"],
        "line 5": ["expected 2 columns (code,name), found 3"],
        "district 35.09.02": ["district 35.09.02 is missing, but village rows refer to it"],
    }
    assert counts() == (0, 0, 0, 0)


def test_parents_already_stored_are_accepted():
    region_import_file()

    region_import(rows=rows("35.09.01.2099,Desa Baru"))

    assert Village.objects.get(code="35.09.01.2099").district_id == "35.09.01"


def test_command_reports_errors_without_writing(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("35,JAWA TIMUR\n35.09.99.2001,Orphan\n", encoding="utf-8")

    with pytest.raises(CommandError, match="district 35.09.99 is missing"):
        call_command("import_regions", path=bad)
    assert counts() == (0, 0, 0, 0)


def test_command_loads_jember_by_default(capsys):
    call_command("import_regions")

    assert "1 provinces, 1 regencies, 31 districts, 248 villages" in capsys.readouterr().out


@pytest.mark.skipif(not NATIONAL_FILE.exists(), reason=f"national region file not found at {NATIONAL_FILE}")
def test_whole_country_and_a_prefix_from_the_national_file():
    region_import_file(path=NATIONAL_FILE, prefix="35.09")
    assert counts() == (1, 1, 31, 248)

    region_import_file(path=NATIONAL_FILE)
    assert counts() == (34, 514, 7230, 83441)
    assert Regency.objects.get(code="31.71").display_name == "Kota Adm. Jakarta Pusat"
    assert str(Province.objects.get(code="31")) == "DKI Jakarta"
