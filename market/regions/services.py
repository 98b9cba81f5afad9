"""Import the Kemendagri region codes (``code,name`` CSV, no header) in bulk and idempotently."""
from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from market.regions.exceptions import RegionFileInvalid
from market.regions.models import District, Province, Regency, Village

DEFAULT_REGIONS_FILE = Path(__file__).resolve().parent / "data" / "jember.csv"
BATCH_SIZE = 5000
MAX_REPORTED_ERRORS = 50

_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_LEVELS = {2: "province", 5: "regency", 8: "district", 13: "village"}


@dataclass
class RegionImportResult:
    provinces: int = 0
    regencies: int = 0
    districts: int = 0
    villages: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)


def _parent(code: str) -> str:
    return code.rsplit(".", 1)[0]


def _in_scope(code: str, prefix: str | None) -> bool:
    """Keep the prefix itself, everything under it, and its ancestors."""
    if not prefix:
        return True
    return code == prefix or code.startswith(prefix + ".") or prefix.startswith(code + ".")


def region_rows_read(path: Path) -> Iterable[tuple[int, list[str]]]:
    """Yield ``(line number, columns)`` from a region CSV file."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        yield from enumerate(csv.reader(handle), start=1)


def region_import(*, rows: Iterable[tuple[int, list[str]]], prefix: str | None = None,
                  progress: Callable[[str, int], None] | None = None) -> RegionImportResult:
    """Insert or update every region in ``rows``; with any bad row, write nothing.

    Rows may come in any order. Parents must be in the file or already in the database.
    Re-running with the same file changes nothing; a renamed region is updated in place.
    """
    by_level: dict[str, dict[str, str]] = {level: {} for level in _LEVELS.values()}
    errors: dict[str, list[str]] = {}

    def fail(line: int, message: str) -> None:
        if len(errors) < MAX_REPORTED_ERRORS:
            errors.setdefault(f"line {line}", []).append(message)

    for line, columns in rows:
        if not columns or all(not c.strip() for c in columns):
            continue
        if len(columns) != 2:
            fail(line, f"expected 2 columns (code,name), found {len(columns)}")
            continue
        code, name = columns[0].strip(), " ".join(columns[1].split())
        if not _CODE.match(code):
            fail(line, f"{code!r} is not a Kemendagri region code")
            continue
        if not name:
            fail(line, f"{code}: the name is empty")
            continue
        if len(name) > 100:
            fail(line, f"{code}: the name is longer than 100 characters")
            continue
        if not _in_scope(code, prefix):
            continue
        level = _LEVELS[len(code)]
        if code in by_level[level] and by_level[level][code] != name:
            fail(line, f"{code} appears twice with different names")
            continue
        by_level[level][code] = name

    _check_parents(by_level, errors)
    if errors:
        raise RegionFileInvalid(fields=errors)

    with transaction.atomic():
        _upsert(Province, [Province(code=c, name=n) for c, n in by_level["province"].items()], ["name"])
        if progress:
            progress("province", len(by_level["province"]))
        _upsert(Regency, [
            Regency(code=c, name=n, province_id=_parent(c),
                    kind=Regency.Kind.CITY if n.upper().startswith("KOTA") else Regency.Kind.REGENCY)
            for c, n in by_level["regency"].items()
        ], ["name", "province", "kind"])
        if progress:
            progress("regency", len(by_level["regency"]))
        _upsert(District, [District(code=c, name=n, regency_id=_parent(c)) for c, n in by_level["district"].items()],
                ["name", "regency"])
        if progress:
            progress("district", len(by_level["district"]))
        _upsert(Village, [
            Village(code=c, name=n, district_id=_parent(c),
                    kind=Village.Kind.KELURAHAN if c[-4] == "1" else Village.Kind.DESA)
            for c, n in by_level["village"].items()
        ], ["name", "district", "kind"])
        if progress:
            progress("village", len(by_level["village"]))

    return RegionImportResult(
        provinces=len(by_level["province"]), regencies=len(by_level["regency"]),
        districts=len(by_level["district"]), villages=len(by_level["village"]),
    )


def region_import_file(*, path: Path = DEFAULT_REGIONS_FILE, prefix: str | None = None,
                       progress: Callable[[str, int], None] | None = None) -> RegionImportResult:
    """Import a region CSV file (the bundled Jember subset by default)."""
    return region_import(rows=region_rows_read(path), prefix=prefix, progress=progress)


def _check_parents(by_level: dict[str, dict[str, str]], errors: dict[str, list[str]]) -> None:
    """Report children whose parent is neither in the file nor already stored."""
    for child_level, parent_level, model in (
        ("regency", "province", Province), ("district", "regency", Regency), ("village", "district", District),
    ):
        wanted = {_parent(code) for code in by_level[child_level]} - by_level[parent_level].keys()
        if not wanted:
            continue
        stored = set(model.objects.filter(code__in=wanted).values_list("code", flat=True))
        for missing in sorted(wanted - stored)[:MAX_REPORTED_ERRORS]:
            errors.setdefault(f"{parent_level} {missing}", []).append(
                f"{parent_level} {missing} is missing, but {child_level} rows refer to it")


def _upsert(model, objects: list, update_fields: list[str]) -> None:
    for start in range(0, len(objects), BATCH_SIZE):
        model.objects.bulk_create(
            objects[start:start + BATCH_SIZE], update_conflicts=True, unique_fields=["code"],
            update_fields=update_fields, batch_size=BATCH_SIZE,
        )
