"""Dates and times shown to people, in the active language's one format (``market/formats``), zone included."""
from __future__ import annotations

from datetime import date, datetime

from django.utils import formats, timezone


def datetime_display(value: datetime | None) -> str:
    """Return ``value`` in the programme's time zone as "5 Des 2026, 09.33 WIB" (Indonesian) or "5 Dec 2026, 09:33 WIB"."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def date_display(value: date | None) -> str:
    """Return ``value`` as "5 Des 2026" / "5 Dec 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")
