"""Demo data of the programme app: count the demo's orders into the cockpit's stored sales."""
from __future__ import annotations

from programme.models import FactRefresh
from programme.services import programme_facts_refresh


def programme_demo_load() -> FactRefresh:
    """Count every demo order into the monthly sales the cockpit and the results page read."""
    return programme_facts_refresh(full=True)
