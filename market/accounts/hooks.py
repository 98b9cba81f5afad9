"""Hooks through which the domain apps add to what accounts knows about a person.

``market`` imports no domain app (docs/architecture.md): an app that keeps personal data
registers a section of the person's data export in its ``AppConfig.ready()``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from market.accounts.models import User

PersonalDataExporter = Callable[[User], Any]
_exporters: dict[str, PersonalDataExporter] = {}


def register_personal_data(section: str, exporter: PersonalDataExporter) -> None:
    """Add ``section`` to every person's data export; ``exporter(user)`` returns JSON-ready data."""
    _exporters[section] = exporter


def personal_data_sections() -> dict[str, PersonalDataExporter]:
    return dict(sorted(_exporters.items()))
