"""Units in the reader's language: ``{{ line.unit|unit_one }}`` gives "pak", "kg", "buah"... for "Rp 28.000 per pak"."""
from django import template

from catalog.models import UNIT_ONE, Unit

register = template.Library()


@register.filter
def unit_one(unit: str) -> str:
    """Return one of ``unit`` (a ``catalog.models.Unit`` value) in the active language; an unknown unit as it is."""
    return str(UNIT_ONE[Unit(unit)]) if unit in Unit.values else unit
