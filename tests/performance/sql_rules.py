"""The rule every request path's SQL keeps (issue 14): no unbounded count, no deep OFFSET.

- **OFFSET** at most ``MAX_OFFSET`` rows: a page further down a long list is read by keyset
  (``?after=``, ``market.core.api.CappedPagination``) or refused beyond a cap (``CappedPaginator``);
  an OFFSET scan reads and throws away every row before the page.
- **``COUNT(*)`` over products or orders** only with a bound: a ``LIMIT`` inside the counted rows
  (``CappedPaginator``'s ``SELECT COUNT(*) FROM (... LIMIT cap + 1)``) or a filter on a key that
  bounds the rows to one owner (one producer, one buyer, one organisation, one village, one
  checkout, one product). An officer's or the public's count of the whole table grows with the
  marketplace and is written as "more than N" instead.

``violations(sql_list)`` returns what breaks the rule; ``tests/performance/test_sql_bounds.py``
runs it on the SQL of the main list pages and endpoints.
"""
from __future__ import annotations

import re

MAX_OFFSET = 1_000
LARGE_TABLES = ("catalog_product", "orders_order")
# A filter on one of these (``"table"."column" = ...`` or ``IN``) bounds a count to one owner's rows.
BOUNDING_COLUMNS = ("producer_id", "buyer_id", "user_id", "placed_by_id", "organisation_id", "village_id",
                    "checkout_id", "product_id", "owner_id")

_OFFSET = re.compile(r"\bOFFSET\s+(\d+)", re.IGNORECASE)
_COUNT = re.compile(r"\bCOUNT\(\*\)", re.IGNORECASE)
_BOUND = re.compile(r'"(?:' + "|".join(BOUNDING_COLUMNS) + r')"\s*(?:=|IN\b)', re.IGNORECASE)


def violations(statements: list[str]) -> list[str]:
    """Return a line for each statement that scans past ``MAX_OFFSET`` or counts a large table without a bound."""
    found = []
    for sql in statements:
        offsets = [int(n) for n in _OFFSET.findall(sql)]
        if any(offset > MAX_OFFSET for offset in offsets):
            found.append(f"OFFSET {max(offsets)} > {MAX_OFFSET}: {sql[:300]}")
        if _COUNT.search(sql) and any(f'"{table}"' in sql for table in LARGE_TABLES) \
                and not re.search(r"\bLIMIT\b", sql, re.IGNORECASE) and not _BOUND.search(sql):
            found.append(f"COUNT(*) of a large table without LIMIT or an owner's filter: {sql[:300]}")
    return found
