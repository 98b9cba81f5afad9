"""CSV files a spreadsheet may open: text that would run as a formula is written as text.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and, in some versions, a tab or carriage return before one) as a formula, so a producer
whose account holder is ``=HYPERLINK("http://evil.example","x")`` would put a live link, or
worse, into an officer's spreadsheet (CSV or formula injection). Following OWASP, such a text
cell gets a leading single quote: spreadsheets show it as text and the quote is visible, so
nobody mistakes it for the original value.

Only text is neutralised. Numbers (``int``, ``Decimal``, ``float``) are written as they are, so
that an amount of ``-5000`` stays a number a spreadsheet can add up; write amounts as numbers,
never as formatted strings. Every CSV the project writes goes through ``safe_csv_writer``.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

# OWASP "CSV Injection": the characters that make a cell a formula or command in a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Return ``value`` as a spreadsheet will take it as data: text that starts a formula gets a leading ``'``.

    Leading spaces are looked past as well (``" =1+1"``): some spreadsheets trim them before
    deciding. Numbers and ``None`` are returned unchanged.
    """
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through ``csv_cell``."""

    def __init__(self, stream, **kwargs) -> None:
        kwargs.setdefault("lineterminator", "\r\n")  # RFC 4180, what banks' import tools expect
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_csv_writer(stream, **kwargs) -> SafeCsvWriter:
    """Return a CSV writer on ``stream`` (``csv.writer`` arguments) that neutralises formula cells."""
    return SafeCsvWriter(stream, **kwargs)
