"""Document numbers without gaps: invoices/receipts per checkout, purchase orders per producer order.

A number is ``SERIES/YEAR/NNNNNN`` (``INV/2026/000042``), counted from 1 each year (Asia/Jakarta).
``document_numbers_take`` bumps the counter row of ``(series, year)`` with one
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``, which holds the row's lock until the caller's
transaction ends: a concurrent placement waits for it, and a placement that rolls back gives its
numbers back, so the issued numbers have no gaps. Take numbers last in a transaction (after the
stock is reserved) to keep that lock short; take several of one series in one call.
"""
from __future__ import annotations

from django.db import connection

SERIES_INVOICE = "INV"
SERIES_PURCHASE_ORDER = "PO"


def document_number_format(*, series: str, year: int, number: int) -> str:
    return f"{series}/{year}/{number:06d}"


def document_numbers_take(*, series: str, year: int, count: int = 1) -> list[str]:
    """Return the next ``count`` numbers of ``series`` in ``year``; call inside the transaction that uses them."""
    if not connection.in_atomic_block:
        raise RuntimeError("Document numbers are taken inside the transaction that uses them (no gaps).")
    if count < 1:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO orders_documentcounter (series, year, last_number) VALUES (%s, %s, %s)
               ON CONFLICT (series, year) DO UPDATE
               SET last_number = orders_documentcounter.last_number + EXCLUDED.last_number
               RETURNING last_number""",
            [series, year, count])
        (last,) = cursor.fetchone()
    return [document_number_format(series=series, year=year, number=n) for n in range(last - count + 1, last + 1)]
