"""One line of the officers' audit trail, as every app's selectors report its officers' decisions.

Each app keeps its own event tables (``VillageStageEvent``, ``ProductCurationEvent``, ``OrderEvent``,
payout batches...); its selector ``<app>_officer_decision_list`` turns the officers' rows into
``AuditEntry`` values and ``programme.selectors.audit_entry_list`` merges them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    officer_id: int | None
    officer: str  # the officer's name, else email
    kind: str  # one of the keys of programme.selectors.AUDIT_KINDS
    subject: str  # what the decision was about: a village, a product, an order number
    detail: str  # what was decided, in words


@dataclass(frozen=True)
class AuditQuery:
    """Which decisions to read: of one officer (or all), between two days (both included), at most ``limit``."""

    officer_id: int | None = None
    start: date | None = None
    end: date | None = None
    limit: int = 200

    def q(self, *, actor: str, at: str) -> Q:
        """Return the condition on the ``actor`` (a user field) and ``at`` (a date-time field) of a row."""
        condition = Q(**{f"{actor}__role": "officer", f"{actor}__is_staff": True})
        if self.officer_id:
            condition &= Q(**{f"{actor}_id": self.officer_id})
        if self.start:
            condition &= Q(**{f"{at}__date__gte": self.start})
        if self.end:
            condition &= Q(**{f"{at}__date__lte": self.end})
        return condition


def officer_label(user) -> str:
    return user.full_name or user.email
