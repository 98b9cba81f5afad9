"""CSV exports: text that a spreadsheet would run as a formula is written as text; numbers stay numbers."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from market.core.csv import csv_cell, safe_csv_writer


@pytest.mark.parametrize(("value", "written"), [
    ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
    ("+62 812 3456", "'+62 812 3456"),
    ("-Kopi Lestari", "'-Kopi Lestari"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\tDesa Padomasan", "'\tDesa Padomasan"),
    ("\rDesa Keting", "'\rDesa Keting"),
    ("  =1+1", "'  =1+1"),  # some spreadsheets look past leading spaces
    ("-5000", "'-5000"),  # text typed by a person, even if it looks like a number
])
def test_text_that_starts_a_formula_gets_a_leading_quote(value, written):
    assert csv_cell(value) == written


@pytest.mark.parametrize("value", ["Kopi Robusta Jember", "Bu Sri = Pak Adi", "Desa Sukorejo - Utara", "'quoted",
                                   "", "0123456789", "KI-PAYOUT-1-2"])
def test_ordinary_text_is_unchanged(value):
    assert csv_cell(value) == value


@pytest.mark.parametrize("value", [-5000, 38000, 0, Decimal("-1200.50"), -0.5, None, True])
def test_numbers_and_empty_cells_are_unchanged(value):
    assert csv_cell(value) is value


def test_the_writer_neutralises_every_text_cell_and_keeps_amounts_as_numbers():
    out = io.StringIO()
    writer = safe_csv_writer(out)

    writer.writerow(["product", "village", "amount"])
    writer.writerows([["+Keripik", "-Padomasan", -5000], ["@Dodol", "\tKeting", 12500], ["Kopi", "Sukorejo", 0]])

    assert out.getvalue() == ("product,village,amount\r\n"
                              "'+Keripik,'-Padomasan,-5000\r\n"
                              "'@Dodol,'\tKeting,12500\r\n"
                              "Kopi,Sukorejo,0\r\n")
    assert list(csv.reader(io.StringIO(out.getvalue())))[1] == ["'+Keripik", "'-Padomasan", "-5000"]


def test_a_carriage_return_cell_is_quoted_and_reads_back_as_written():
    out = io.StringIO()

    safe_csv_writer(out).writerow(["\rDesa Keting", "=1+1"])

    assert out.getvalue() == "\"'\rDesa Keting\",'=1+1\r\n"
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'\rDesa Keting", "'=1+1"]


@pytest.mark.django_db
def test_the_survey_example_file_neutralises_commodity_slugs_from_the_database(client, totp_for):
    from tests.catalog.factories import CommodityFactory, OfficerFactory
    from tests.fixtures import force_login_mfa

    officer = OfficerFactory()
    totp_for(officer)
    force_login_mfa(client, officer)
    CommodityFactory(slug="-kopi", name="A kopi")
    CommodityFactory(slug="@tembakau", name="B tembakau")

    response = client.get("/dashboard/officer/surveys/import/template.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert response.status_code == 200
    commodity = rows[0].index("commodity")
    assert [row[commodity] for row in rows[1:]] == ["'-kopi", "'@tembakau"]
