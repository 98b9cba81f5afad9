"""Village surveys (pendataan): one at a time or in bulk from a CSV or Excel (.xlsx) file."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.exceptions import SurveyFileInvalid, SurveyInvalid
from catalog.models import Commodity, Infrastructure, Survey, SurveyCommodity, VillageProfile
from catalog.services._auth import require_officer
from market.accounts.models import User
from market.regions.models import Village

MAX_REPORTED_ERRORS = 50
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 50
INFRASTRUCTURE = ("road", "electricity", "internet", "water")
COUNTS = ("workforce_total", "workforce_women", "workforce_youth", "existing_businesses")
CSV_COLUMNS = ("village_code", "surveyed_on", *COUNTS, *INFRASTRUCTURE, "commodity", "production_per_month", "unit",
               "problems", "needs")


def _survey_errors(*, data: dict, today: date) -> dict[str, list[str]]:
    """Return what is wrong with the survey fields in ``data`` (already typed)."""
    errors: dict[str, list[str]] = {}
    if data["surveyed_on"] > today:
        errors["surveyed_on"] = [str(_("The date cannot be in the future."))]
    for key in COUNTS:
        value = data[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[key] = [str(_("Enter a whole number of zero or more."))]
    if "workforce_total" not in errors:
        for key, label in (("workforce_women", _("women")), ("workforce_youth", _("youth"))):
            if key not in errors and data[key] > data["workforce_total"]:
                errors[key] = [str(_("More %(group)s than the whole workforce.") % {"group": label})]
    for key in INFRASTRUCTURE:
        if data[key] not in Infrastructure.values:
            errors[key] = [str(_("Use one of: %(values)s.") % {"values": ", ".join(Infrastructure.values)})]
    return errors


def _line_errors(lines: list[dict]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for index, line in enumerate(lines, start=1):
        key = f"commodity {index}"
        production = line.get("estimated_production_per_month")
        if not isinstance(line.get("commodity"), Commodity):
            errors[key] = [str(_("Choose a commodity."))]
        elif line["commodity"].pk in seen:
            errors[key] = [str(_("%(commodity)s is listed twice.") % {"commodity": line["commodity"].name})]
        elif not isinstance(production, Decimal | int) or production < 0:
            errors[key] = [str(_("Enter an estimated production of zero or more."))]
        elif not str(line.get("unit", "")).strip():
            errors[key] = [str(_("Enter the unit of production."))]
        else:
            seen.add(line["commodity"].pk)
    return errors


def _create(*, profile: VillageProfile, officer: User, data: dict, lines: list[dict]) -> Survey:
    survey = Survey.objects.create(profile=profile, officer=officer, **data)
    SurveyCommodity.objects.bulk_create(
        SurveyCommodity(survey=survey, commodity=line["commodity"], unit=line["unit"].strip(),
                        estimated_production_per_month=Decimal(line["estimated_production_per_month"]))
        for line in lines)
    return survey


@transaction.atomic
def survey_record(*, profile: VillageProfile, officer: User, surveyed_on: date, workforce_total: int,
                  workforce_women: int, workforce_youth: int, existing_businesses: int, road: str, electricity: str,
                  internet: str, water: str, problems: str = "", needs: str = "", raw_materials: str = "",
                  commodities: Sequence[dict] = ()) -> Survey:
    """Record a survey of a village; ``commodities`` is a list of
    ``{"commodity": Commodity, "estimated_production_per_month": Decimal, "unit": str}``.

    A re-survey is a new survey (history is kept); one survey per village and day.
    """
    require_officer(officer)
    data = {"surveyed_on": surveyed_on, "workforce_total": workforce_total, "workforce_women": workforce_women,
            "workforce_youth": workforce_youth, "existing_businesses": existing_businesses, "road": road,
            "electricity": electricity, "internet": internet, "water": water, "problems": problems.strip(),
            "needs": needs.strip(), "raw_materials": raw_materials.strip()}
    errors = _survey_errors(data=data, today=timezone.localdate())
    errors.update(_line_errors(list(commodities)))
    if "surveyed_on" not in errors and Survey.objects.filter(profile=profile, surveyed_on=surveyed_on).exists():
        errors["surveyed_on"] = [str(_("This village already has a survey on this date."))]
    if errors:
        raise SurveyInvalid(fields=errors)
    return _create(profile=profile, officer=officer, data=data, lines=list(commodities))


@dataclass
class SurveyImportResult:
    surveys: int
    commodity_lines: int


def _read_rows(file) -> list[tuple[int, dict[str, str]]] | dict[str, list[str]]:
    """Return ``(line, {column: text})`` for every non-empty row, or ``{"where": [error]}``."""
    content = file.read(MAX_FILE_BYTES + 1)
    if isinstance(content, str):
        content = content.encode("utf-8")
    if len(content) > MAX_FILE_BYTES:
        return {"file": [str(_("The file is larger than %(size)s; split it.") % {"size": filesizeformat(MAX_FILE_BYTES)})]}
    if content.startswith(b"PK\x03\x04"):
        table = _xlsx_table(content)
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return {"file": [str(_("The file is not UTF-8 text (save it as CSV UTF-8) nor an Excel workbook (.xlsx)."))]}
        table = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    if isinstance(table, dict):
        return table
    header = [name.strip() for name in (table[0] if table else [])]
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        return {"line 1": [str(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})]}
    if len(table) - 1 > MAX_ROWS:
        return {"file": [str(_("The file has more than %(rows)s rows; split it.") % {"rows": MAX_ROWS})]}
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        values = {key: (cells[index] if index < len(cells) else "").strip()
                  for index, key in enumerate(header) if key}
        if any(values.values()):
            rows.append((line, values))
    if not rows:
        return {"file": [str(_("The file has no survey rows."))]}
    return rows


def _xlsx_cell(value) -> str:
    """Return an Excel cell as the text a CSV export would hold (dates ISO, 12.0 as 12)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_table(content: bytes) -> list[list[str]] | dict[str, list[str]]:
    """Return the first sheet of an .xlsx workbook as rows of text (read-only, bounded)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError):
        return {"file": [str(_("The workbook cannot be read; save it again as .xlsx or CSV UTF-8."))]}
    try:
        sheet = workbook.worksheets[0]
        table = []
        for row in sheet.iter_rows(values_only=True):
            table.append([_xlsx_cell(value) for value in row[:MAX_COLUMNS]])
            if len(table) > MAX_ROWS + 1:
                break
        return table
    finally:
        workbook.close()


@transaction.atomic
def survey_import_csv(*, file, officer: User) -> SurveyImportResult:
    """Import surveys from a CSV file (UTF-8, comma-separated) or an Excel workbook (.xlsx, first
    sheet), with a header row, all or nothing. Files over 5 MB or 10,000 rows are refused.

    Columns (header names, any order, extra columns ignored):

    ``village_code`` Kemendagri code (``35.09.01.2001``); ``surveyed_on`` ``YYYY-MM-DD``;
    ``workforce_total``, ``workforce_women``, ``workforce_youth``, ``existing_businesses``
    whole numbers; ``road``, ``electricity``, ``internet``, ``water`` one of good/fair/poor/none;
    ``commodity`` a commodity's slug or name (may be empty), ``production_per_month`` a number,
    ``unit`` e.g. ``kg``; ``problems``, ``needs`` free text.

    One row per surveyed commodity: rows with the same village and date form one survey, and
    must agree on the survey columns. Every row is checked first; errors are reported as
    ``{"line N": [...]}`` (N counts the header as line 1) and then nothing is written.
    """
    require_officer(officer)
    rows = _read_rows(file)
    if isinstance(rows, dict):
        raise SurveyFileInvalid(fields=rows)

    commodities: dict[str, Commodity] = {}
    for known in Commodity.objects.all():
        for key in (known.slug, known.name, known.name_en):
            if key:
                commodities.setdefault(key.casefold(), known)
    villages = set(Village.objects.filter(code__in={values["village_code"] for _, values in rows})
                   .values_list("code", flat=True))
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    surveys: dict[tuple[str, date], dict] = {}

    def fail(line: int, message) -> None:
        if len(errors) < MAX_REPORTED_ERRORS or f"line {line}" in errors:
            errors.setdefault(f"line {line}", []).append(str(message))

    for line, values in rows:
        problems_before = len(errors.get(f"line {line}", []))
        code = values["village_code"]
        if code not in villages:
            fail(line, _("village_code: %(code)s is not a known village.") % {"code": code})
        try:
            surveyed_on = date.fromisoformat(values["surveyed_on"])
        except ValueError:
            fail(line, _("surveyed_on: %(value)s is not a date (YYYY-MM-DD).") % {"value": values["surveyed_on"]})
            continue
        data: dict = {"surveyed_on": surveyed_on, "problems": values["problems"], "needs": values["needs"]}
        for key in COUNTS:
            try:
                data[key] = int(values[key])
            except ValueError:
                data[key] = None
        for key in INFRASTRUCTURE:
            data[key] = values[key].lower()
        for key, messages in _survey_errors(data=data, today=today).items():
            for message in messages:
                fail(line, f"{key}: {message}")

        line_data: dict[str, Any] | None = None
        if values["commodity"]:
            commodity = commodities.get(values["commodity"].casefold())
            if commodity is None:
                fail(line, _("commodity: %(value)s is not a known commodity.") % {"value": values["commodity"]})
            try:
                production = Decimal(values["production_per_month"].replace(",", "."))
                # a finite Decimal's exponent is an int ('n', 'N', 'F' are NaN and infinity)
                if not production.is_finite() or production < 0 or cast(int, production.as_tuple().exponent) < -2:
                    raise InvalidOperation
            except InvalidOperation:
                fail(line, _("production_per_month: enter a number of zero or more (at most 2 decimals)."))
                production = None
            if not values["unit"]:
                fail(line, _("unit: enter the unit of production."))
            if commodity is not None and production is not None:
                line_data = {"commodity": commodity, "estimated_production_per_month": production,
                             "unit": values["unit"]}
        elif values["production_per_month"] or values["unit"]:
            fail(line, _("commodity: name the commodity the production figure is for."))

        if len(errors.get(f"line {line}", [])) > problems_before:
            continue
        survey_key = (code, surveyed_on)
        survey = surveys.get(survey_key)
        if survey is None:
            surveys[survey_key] = survey = {"line": line, "data": data, "lines": []}
        elif survey["data"] != data:
            fail(line, _("The survey columns differ from line %(line)s (same village and date).")
                 % {"line": survey["line"]})
            continue
        if line_data is not None:
            if any(existing["commodity"].pk == line_data["commodity"].pk for existing in survey["lines"]):
                fail(line, _("commodity: %(value)s appears twice for this survey.") % {"value": values["commodity"]})
                continue
            survey["lines"].append(line_data)

    if surveys:
        condition = Q()
        for code, surveyed_on in surveys:
            condition |= Q(profile__village_id=code, surveyed_on=surveyed_on)
        for code, surveyed_on in Survey.objects.filter(condition).values_list("profile__village_id", "surveyed_on"):
            fail(surveys[(code, surveyed_on)]["line"],
                 _("A survey of %(code)s on %(date)s already exists.") % {"code": code, "date": surveyed_on.isoformat()})
    if errors:
        raise SurveyFileInvalid(fields=errors)

    profiles = {}
    for code in sorted({code for code, _date in surveys}):
        profiles[code], _created = VillageProfile.objects.get_or_create(village_id=code)
    lines = 0
    for (code, _surveyed_on), survey in sorted(surveys.items()):
        _create(profile=profiles[code], officer=officer, data=survey["data"], lines=survey["lines"])
        lines += len(survey["lines"])
    return SurveyImportResult(surveys=len(surveys), commodity_lines=lines)
