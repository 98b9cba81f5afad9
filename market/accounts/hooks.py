"""Hooks through which the domain apps add to what accounts knows about a person.

``market`` imports no domain app (docs/architecture.md): an app that keeps personal data
registers a section of the person's data export in its ``AppConfig.ready()``, and what would stop
the person closing their account (blockers) or must be erased when they do (erasers).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from market.accounts.models import User

PersonalDataExporter = Callable[[User], Any]
_exporters: dict[str, PersonalDataExporter] = {}


def register_personal_data(section: str, exporter: PersonalDataExporter) -> None:
    """Add ``section`` to every person's data export; ``exporter(user)`` returns JSON-ready data."""
    _exporters[section] = exporter


def personal_data_sections() -> dict[str, PersonalDataExporter]:
    return dict(sorted(_exporters.items()))


# --- closing an account ------------------------------------------------------------------------

@dataclass(frozen=True)
class ClosureBlocker:
    """Why a person cannot close their account yet, and where they can deal with it."""

    code: str
    message: str
    url: str = ""


ClosureBlockerProvider = Callable[[User], list[ClosureBlocker]]
ClosureEraser = Callable[[User], int]
_closure_blockers: dict[str, ClosureBlockerProvider] = {}
_closure_erasers: dict[str, ClosureEraser] = {}


def register_closure_blockers(name: str, provider: ClosureBlockerProvider) -> None:
    """Let an app refuse an account closure: ``provider(user)`` returns what the person must settle first."""
    _closure_blockers[name] = provider


def register_closure_eraser(name: str, eraser: ClosureEraser) -> None:
    """Let an app delete what it keeps about a closing person, inside ``account_close``'s transaction.

    ``eraser(user)`` returns how many rows it removed; records the law requires to keep (orders,
    invoices, the ledger) are not erased.
    """
    _closure_erasers[name] = eraser


def closure_blocker_providers() -> dict[str, ClosureBlockerProvider]:
    return dict(sorted(_closure_blockers.items()))


def closure_erasers() -> dict[str, ClosureEraser]:
    return dict(sorted(_closure_erasers.items()))
