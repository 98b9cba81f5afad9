from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest

from catalog.exceptions import OfficerRequired, SurveyFileInvalid, SurveyInvalid
from catalog.models import Survey, SurveyCommodity, VillageProfile
from catalog.selectors import survey_get_latest, survey_list
from catalog.services import survey_import_csv, survey_record
from tests.catalog.factories import CommodityFactory, OfficerFactory, UserFactory, VillageProfileFactory, village

pytestmark = pytest.mark.django_db

HEADER = ("village_code,surveyed_on,workforce_total,workforce_women,workforce_youth,existing_businesses,"
          "road,electricity,internet,water,commodity,production_per_month,unit,problems,needs")
BASE = dict(workforce_total=120, workforce_women=60, workforce_youth=30, existing_businesses=12, road="fair",
            electricity="good", internet="poor", water="good")


def test_record_and_resurvey_keep_history():
    profile = VillageProfileFactory()
    officer = OfficerFactory()
    kopi = CommodityFactory(slug="kopi")

    survey_record(profile=profile, officer=officer, surveyed_on=date(2025, 6, 1), **BASE,
                  commodities=[{"commodity": kopi, "estimated_production_per_month": Decimal("1200.5"), "unit": "kg"}])
    survey_record(profile=profile, officer=officer, surveyed_on=date(2026, 1, 10), **{**BASE, "workforce_total": 150})

    assert [(s.surveyed_on, s.workforce_total) for s in survey_list(profile=profile)] == [
        (date(2026, 1, 10), 150), (date(2025, 6, 1), 120)]
    assert survey_get_latest(profile=profile).surveyed_on == date(2026, 1, 10)
    assert list(SurveyCommodity.objects.values_list("commodity__slug", "estimated_production_per_month", "unit")) == [
        ("kopi", Decimal("1200.50"), "kg")]


def test_record_validation_changes_nothing():
    profile = VillageProfileFactory()
    kopi = CommodityFactory(slug="kopi")

    with pytest.raises(SurveyInvalid) as excinfo:
        survey_record(profile=profile, officer=OfficerFactory(), surveyed_on=date(2026, 1, 1),
                      **{**BASE, "workforce_women": 121, "workforce_youth": 200, "existing_businesses": -1,
                         "road": "asphalt"},
                      commodities=[{"commodity": kopi, "estimated_production_per_month": Decimal("-1"), "unit": "kg"}])

    assert excinfo.value.fields == {
        "workforce_women": ["More women than the whole workforce."],
        "workforce_youth": ["More youth than the whole workforce."],
        "existing_businesses": ["Enter a whole number of zero or more."],
        "road": ["Use one of: good, fair, poor, none."],
        "commodity 1": ["Enter an estimated production of zero or more."],
    }
    assert Survey.objects.count() == 0


def test_one_survey_per_village_and_day_and_only_officers():
    profile = VillageProfileFactory()
    survey_record(profile=profile, officer=OfficerFactory(), surveyed_on=date(2026, 1, 1), **BASE)

    with pytest.raises(SurveyInvalid) as excinfo:
        survey_record(profile=profile, officer=OfficerFactory(), surveyed_on=date(2026, 1, 1), **BASE)
    with pytest.raises(OfficerRequired):
        survey_record(profile=profile, officer=UserFactory(), surveyed_on=date(2026, 1, 2), **BASE)

    assert excinfo.value.fields == {"surveyed_on": ["This village already has a survey on this date."]}
    assert Survey.objects.count() == 1


def test_csv_import_groups_rows_into_surveys_and_creates_profiles():
    village("35.09.01.2001")
    village("35.09.01.2002", "Cakru")
    CommodityFactory(slug="kopi-robusta", name="Kopi robusta", name_en="Robusta coffee")
    CommodityFactory(slug="tembakau", name="Tembakau", name_en="Tobacco")
    content = "\n".join([
        HEADER,
        "35.09.01.2001,2026-01-10,120,60,30,12,fair,good,poor,good,kopi-robusta,1200.5,kg,Harga jatuh,Mesin roasting",
        "35.09.01.2001,2026-01-10,120,60,30,12,fair,good,poor,good,Tembakau,300,kg,Harga jatuh,Mesin roasting",
        "35.09.01.2002,2026-01-11,80,40,10,3,GOOD,good,none,fair,,,,,",
        ",,,,,,,,,,,,,,",
    ])

    result = survey_import_csv(file=BytesIO(("\ufeff" + content).encode()), officer=OfficerFactory())

    assert (result.surveys, result.commodity_lines) == (2, 2)
    assert VillageProfile.objects.count() == 2
    assert list(Survey.objects.order_by("profile__village_id").values_list(
        "profile__village_id", "surveyed_on", "workforce_total", "road", "problems")) == [
        ("35.09.01.2001", date(2026, 1, 10), 120, "fair", "Harga jatuh"),
        ("35.09.01.2002", date(2026, 1, 11), 80, "good", ""),
    ]
    assert list(SurveyCommodity.objects.order_by("commodity__slug").values_list(
        "commodity__slug", "estimated_production_per_month")) == [
        ("kopi-robusta", Decimal("1200.50")), ("tembakau", Decimal("300.00"))]


def test_csv_errors_are_reported_per_line_and_nothing_is_written():
    village("35.09.01.2001")
    VillageProfileFactory(village=village("35.09.01.2001"))
    CommodityFactory(slug="kopi")
    content = "\n".join([
        HEADER,
        "35.09.01.2001,2026-01-10,120,60,30,12,fair,good,poor,good,kopi,100,kg,,",
        "35.09.99.2999,2026-01-10,120,60,30,12,fair,good,poor,good,kopi,100,kg,,",
        "35.09.01.2001,10/01/2026,120,60,30,12,fair,good,poor,good,kopi,100,kg,,",
        "35.09.01.2001,2026-01-12,10,11,3,x,bad,good,poor,good,durian,-1,,,",
        "35.09.01.2001,2026-01-10,121,60,30,12,fair,good,poor,good,,,,,",
        "35.09.01.2001,2026-01-13,10,1,1,1,good,good,good,good,,5,kg,,",
        "35.09.01.2001,2026-01-10,120,60,30,12,fair,good,poor,good,kopi,7,kg,,",
    ])

    with pytest.raises(SurveyFileInvalid) as excinfo:
        survey_import_csv(file=StringIO(content), officer=OfficerFactory())

    assert excinfo.value.fields == {
        "line 3": ["village_code: 35.09.99.2999 is not a known village."],
        "line 4": ["surveyed_on: 10/01/2026 is not a date (YYYY-MM-DD)."],
        "line 5": [
            "existing_businesses: Enter a whole number of zero or more.",
            "workforce_women: More women than the whole workforce.",
            "road: Use one of: good, fair, poor, none.",
            "commodity: durian is not a known commodity.",
            "production_per_month: enter a number of zero or more (at most 2 decimals).",
            "unit: enter the unit of production.",
        ],
        "line 6": ["The survey columns differ from line 2 (same village and date)."],
        "line 7": ["commodity: name the commodity the production figure is for."],
        "line 8": ["commodity: kopi appears twice for this survey."],
    }
    assert (Survey.objects.count(), SurveyCommodity.objects.count()) == (0, 0)


def test_csv_refuses_an_existing_survey_and_a_missing_column():
    profile = VillageProfileFactory(village=village("35.09.01.2001"))
    survey_record(profile=profile, officer=OfficerFactory(), surveyed_on=date(2026, 1, 10), **BASE)

    with pytest.raises(SurveyFileInvalid) as existing:
        survey_import_csv(file=StringIO(HEADER + "\n35.09.01.2001,2026-01-10,1,1,1,1,good,good,good,good,,,,,"),
                          officer=OfficerFactory())
    with pytest.raises(SurveyFileInvalid) as header:
        survey_import_csv(file=StringIO("village_code,surveyed_on\n35.09.01.2001,2026-01-10"),
                          officer=OfficerFactory())
    with pytest.raises(SurveyFileInvalid) as empty:
        survey_import_csv(file=StringIO(HEADER + "\n"), officer=OfficerFactory())

    assert existing.value.fields == {"line 2": ["A survey of 35.09.01.2001 on 2026-01-10 already exists."]}
    assert header.value.fields == {"line 1": [
        "Missing columns: workforce_total, workforce_women, workforce_youth, existing_businesses, road, electricity, "
        "internet, water, commodity, production_per_month, unit, problems, needs."]}
    assert empty.value.fields == {"file": ["The file has no survey rows."]}
    assert Survey.objects.count() == 1


def test_csv_import_is_for_officers():
    with pytest.raises(OfficerRequired):
        survey_import_csv(file=StringIO(HEADER), officer=UserFactory())


def xlsx(rows: list[list]) -> BytesIO:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_excel_workbook_imports_like_csv_with_typed_cells():
    from datetime import datetime

    village("35.09.01.2001")
    CommodityFactory(slug="kopi-robusta", name="Kopi robusta")
    rows = [HEADER.split(","),
            ["35.09.01.2001", datetime(2026, 1, 10), 120.0, 60, 30, 12, "fair", "good", "poor", "good",
             "kopi-robusta", 1200.5, "kg", "Harga jatuh", None]]

    result = survey_import_csv(file=xlsx(rows), officer=OfficerFactory())

    assert (result.surveys, result.commodity_lines) == (1, 1)
    assert list(Survey.objects.values_list("surveyed_on", "workforce_total", "needs")) == [(date(2026, 1, 10), 120, "")]
    assert SurveyCommodity.objects.get().estimated_production_per_month == Decimal("1200.50")


def test_excel_errors_name_the_row_and_nothing_is_written():
    village("35.09.01.2001")
    rows = [HEADER.split(","),
            ["35.09.01.2001", "2026-01-10", 10, 20, 1, 1, "good", "good", "good", "good", None, None, None, None, None]]

    with pytest.raises(SurveyFileInvalid) as excinfo:
        survey_import_csv(file=xlsx(rows), officer=OfficerFactory())

    assert excinfo.value.fields == {"line 2": ["workforce_women: More women than the whole workforce."]}
    assert Survey.objects.count() == 0


@pytest.mark.parametrize(("content", "message"), [
    (b"PK\x03\x04not really a zip", "The workbook cannot be read; save it again as .xlsx or CSV UTF-8."),
    ("village_code;Tanggal\n".encode("utf-16"),
     "The file is not UTF-8 text (save it as CSV UTF-8) nor an Excel workbook (.xlsx)."),
])
def test_unreadable_files_are_refused(content, message):
    with pytest.raises(SurveyFileInvalid) as excinfo:
        survey_import_csv(file=BytesIO(content), officer=OfficerFactory())

    assert excinfo.value.fields == {"file": [message]}


def test_oversized_file_is_refused_before_parsing(monkeypatch):
    from catalog.services import surveys

    monkeypatch.setattr(surveys, "MAX_FILE_BYTES", 100)
    with pytest.raises(SurveyFileInvalid) as excinfo:
        survey_import_csv(file=BytesIO(HEADER.encode() + b"\n" + b"x" * 200), officer=OfficerFactory())

    assert excinfo.value.fields == {"file": ["The file is larger than 100\xa0bytes; split it."]}
