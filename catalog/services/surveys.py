"""Village surveys (pendataan): one at a time or in bulk from a CSV or Excel (.xlsx) file."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.exceptions import SurveyFileInvalid, SurveyInvalid
from catalog.hooks import catalog_changed
from catalog.models import Commodity, Infrastructure, Survey, SurveyCommodity, VillageProfile
from catalog.services._auth import require_officer
from market.accounts.models import User
from market.regions.models import Village

MAX_REPORTED_ERRORS = 50
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 50
INFRASTRUCTURE = ("road", "electricity", "internet", "water")
# Officers write a survey file in Indonesian as often as with the codes: both are read (issue 17).
INFRASTRUCTURE_WORDS = {"baik": "good", "bagus": "good", "cukup": "fair", "sedang": "fair", "buruk": "poor",
                        "kurang": "poor", "jelek": "poor", "tidak ada": "none", "belum ada": "none", "tidak": "none"}
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
    catalog_changed(village_codes=[profile.village_id])  # the village page shows the latest survey
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


# --- parse: the file into rows of text ------------------------------------------------------


def _file_error(message) -> SurveyFileInvalid:
    return SurveyFileInvalid(fields={"file": [str(message)]})


def _read_table(file) -> list[list[str]]:
    """Return the file (CSV UTF-8 or .xlsx) as rows of cells; raise ``SurveyFileInvalid`` if unreadable."""
    content = file.read(MAX_FILE_BYTES + 1)
    if isinstance(content, str):
        content = content.encode("utf-8")
    if len(content) > MAX_FILE_BYTES:
        raise _file_error(_("The file is larger than %(size)s; split it.") % {"size": filesizeformat(MAX_FILE_BYTES)})
    if content.startswith(b"PK\x03\x04"):
        return _xlsx_table(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(
            _("The file is not UTF-8 text (save it as CSV UTF-8) nor an Excel workbook (.xlsx).")) from None
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def _read_rows(file) -> list[tuple[int, dict[str, str]]]:
    """Return ``(line, {column: text})`` for every non-empty row; raise ``SurveyFileInvalid`` otherwise."""
    table = _read_table(file)
    header = [name.strip() for name in (table[0] if table else [])]
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        raise SurveyFileInvalid(fields={"line 1": [
            str(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})]})
    if len(table) - 1 > MAX_ROWS:
        raise _file_error(_("The file has more than %(rows)s rows; split it.") % {"rows": MAX_ROWS})
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        values = {key: (cells[index] if index < len(cells) else "").strip()
                  for index, key in enumerate(header) if key}
        if any(values.values()):
            rows.append((line, values))
    if not rows:
        raise _file_error(_("The file has no survey rows."))
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


def _xlsx_table(content: bytes) -> list[list[str]]:
    """Return the first sheet of an .xlsx workbook as rows of text (read-only, bounded)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError):
        raise _file_error(_("The workbook cannot be read; save it again as .xlsx or CSV UTF-8.")) from None
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


# --- validate: rows into surveys, every problem reported by line ----------------------------


class _LineErrors:
    """Problems by ``"line N"``, at most ``MAX_REPORTED_ERRORS`` lines (a line already reported takes more)."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, line: int, message) -> None:
        key = f"line {line}"
        if len(self.fields) < MAX_REPORTED_ERRORS or key in self.fields:
            self.fields.setdefault(key, []).append(str(message))

    def count(self, line: int) -> int:
        return len(self.fields.get(f"line {line}", []))


@dataclass(frozen=True)
class _Reference:
    """What rows are checked against: commodities by slug or name (casefolded), known village codes."""

    commodities: dict[str, Commodity]
    villages: set[str]
    today: date


def _reference(rows: list[tuple[int, dict[str, str]]]) -> _Reference:
    commodities: dict[str, Commodity] = {}
    for commodity in Commodity.objects.all():
        for key in (commodity.slug, commodity.name, commodity.name_en):
            if key:
                commodities.setdefault(key.casefold(), commodity)
    villages = set(Village.objects.filter(code__in={values["village_code"] for _, values in rows})
                   .values_list("code", flat=True))
    return _Reference(commodities=commodities, villages=villages, today=timezone.localdate())


def _row_survey(line: int, values: dict[str, str], reference: _Reference, errors: _LineErrors) -> dict | None:
    """Return the survey columns of a row, typed (``None`` when its date cannot be read)."""
    if values["village_code"] not in reference.villages:
        errors.add(line, _("village_code: %(code)s is not a known village.") % {"code": values["village_code"]})
    try:
        surveyed_on = date.fromisoformat(values["surveyed_on"])
    except ValueError:
        errors.add(line, _("surveyed_on: %(value)s is not a date (YYYY-MM-DD).") % {"value": values["surveyed_on"]})
        return None
    data: dict = {"surveyed_on": surveyed_on, "problems": values["problems"], "needs": values["needs"]}
    for key in COUNTS:
        data[key] = _int_or_none(values[key])
    for key in INFRASTRUCTURE:
        word = " ".join(values[key].lower().replace("-", " ").split())
        data[key] = INFRASTRUCTURE_WORDS.get(word, word)
    for key, messages in _survey_errors(data=data, today=reference.today).items():
        for message in messages:
            errors.add(line, f"{key}: {message}")
    return data


def _int_or_none(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _production(text: str) -> Decimal | None:
    """Return a production figure of zero or more with at most two decimals (``,`` or ``.``), else ``None``."""
    try:
        production = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    exponent = production.as_tuple().exponent  # an int for a finite number
    if not production.is_finite() or production < 0 or (isinstance(exponent, int) and exponent < -2):
        return None
    return production


def _row_commodity(line: int, values: dict[str, str], reference: _Reference, errors: _LineErrors) -> dict | None:
    """Return the row's commodity line (``None`` when it has none or it is wrong)."""
    if not values["commodity"]:
        if values["production_per_month"] or values["unit"]:
            errors.add(line, _("commodity: name the commodity the production figure is for."))
        return None
    commodity = reference.commodities.get(values["commodity"].casefold())
    if commodity is None:
        errors.add(line, _("commodity: %(value)s is not a known commodity.") % {"value": values["commodity"]})
    production = _production(values["production_per_month"])
    if production is None:
        errors.add(line, _("production_per_month: enter a number of zero or more (at most 2 decimals)."))
    if not values["unit"]:
        errors.add(line, _("unit: enter the unit of production."))
    if commodity is None or production is None:
        return None
    return {"commodity": commodity, "estimated_production_per_month": production, "unit": values["unit"]}


def _add_row(surveys: dict, line: int, values: dict[str, str], data: dict, line_data: dict | None,
             errors: _LineErrors) -> None:
    """Put a valid row into its survey (same village and date), which it must agree with."""
    key = (values["village_code"], data["surveyed_on"])
    survey = surveys.setdefault(key, {"line": line, "data": data, "lines": []})
    if survey["data"] != data:
        errors.add(line, _("The survey columns differ from line %(line)s (same village and date).")
                   % {"line": survey["line"]})
        return
    if line_data is None:
        return
    if any(existing["commodity"].pk == line_data["commodity"].pk for existing in survey["lines"]):
        errors.add(line, _("commodity: %(value)s appears twice for this survey.") % {"value": values["commodity"]})
        return
    survey["lines"].append(line_data)


def _check_not_surveyed_yet(surveys: dict, errors: _LineErrors) -> None:
    if not surveys:
        return
    condition = Q()
    for code, surveyed_on in surveys:
        condition |= Q(profile__village_id=code, surveyed_on=surveyed_on)
    for code, surveyed_on in Survey.objects.filter(condition).values_list("profile__village_id", "surveyed_on"):
        errors.add(surveys[(code, surveyed_on)]["line"],
                   _("A survey of %(code)s on %(date)s already exists.")
                   % {"code": code, "date": surveyed_on.isoformat()})


def _surveys_from_rows(rows: list[tuple[int, dict[str, str]]]) -> dict[tuple[str, date], dict]:
    """Return the surveys the rows describe, by village and date; raise ``SurveyFileInvalid`` with
    every problem (by line) if any row is wrong."""
    reference = _reference(rows)
    errors = _LineErrors()
    surveys: dict[tuple[str, date], dict] = {}
    for line, values in rows:
        before = errors.count(line)
        data = _row_survey(line, values, reference, errors)
        if data is None:
            continue
        line_data = _row_commodity(line, values, reference, errors)
        if errors.count(line) == before:
            _add_row(surveys, line, values, data, line_data, errors)
    _check_not_surveyed_yet(surveys, errors)
    if errors.fields:
        raise SurveyFileInvalid(fields=errors.fields)
    return surveys


# --- write ----------------------------------------------------------------------------------


def _write(*, surveys: dict[tuple[str, date], dict], officer: User) -> SurveyImportResult:
    profiles = {}
    for code in sorted({code for code, _date in surveys}):
        profiles[code], _created = VillageProfile.objects.get_or_create(village_id=code)
    lines = 0
    for (code, _surveyed_on), survey in sorted(surveys.items()):
        _create(profile=profiles[code], officer=officer, data=survey["data"], lines=survey["lines"])
        lines += len(survey["lines"])
    return SurveyImportResult(surveys=len(surveys), commodity_lines=lines)


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
    surveys = _surveys_from_rows(rows)
    return _write(surveys=surveys, officer=officer)
