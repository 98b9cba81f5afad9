"""Pagination that never counts a whole large table.

``CappedPaginator`` counts at most ``cap`` rows (``SELECT COUNT(*) FROM (... LIMIT cap + 1)``), so the
count of a list costs the same at 10 thousand or a million rows; beyond the cap the list says
"more than" (``count_is_exact`` is false) and offers the pages up to the cap only, which also bounds
the OFFSET any page can ask for. People narrow a long list with its filters, as with search's
"more than 500".
"""
from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    cap = 10_000

    def __init__(self, object_list, per_page, *args, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if cap is not None:
            self.cap = cap

    @cached_property
    def _counted(self) -> int:
        rows = self.object_list[: self.cap + 1]
        return rows.count() if isinstance(rows, QuerySet) else len(rows)

    @cached_property
    def count(self) -> int:
        """Return the number of rows, at most ``cap``."""
        return min(self._counted, self.cap)

    @property
    def count_is_exact(self) -> bool:
        return self._counted <= self.cap
