"""Units in the reader's language: ``{{ line.unit|unit_one }}`` gives "pak", "kg", "buah"... for "Rp 28.000 per pak"."""
from django import template

from catalog.models import UNIT_ONE, Unit

register = template.Library()


@register.filter
def unit_one(unit: str) -> str:
    """Return one of ``unit`` (a ``catalog.models.Unit`` value) in the active language; an unknown unit as it is."""
    return str(UNIT_ONE[Unit(unit)]) if unit in Unit.values else unit


@register.filter
def unit_count(unit: str, quantity=None) -> str:
    """Return ``unit`` for a count, the product page's word: ``{{ 3 }} {{ line.unit|unit_count:3 }}`` gives
    "3 buah" / "3 pieces", ``1`` gives "1 piece"; an unknown unit as it is."""
    if unit not in Unit.values:
        return unit
    if quantity is not None and str(quantity) == "1":
        return str(UNIT_ONE[Unit(unit)])
    return str(Unit(unit).label)
