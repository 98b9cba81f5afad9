"""Filters of the shopping pages (issue 17)."""
from django import template

from market.core.money import format_rupiah

register = template.Library()


@register.filter
def rupiah_nbsp(amount) -> str:
    """Return ``amount`` as ``Rp 15.000`` with a no-break space: inside running text "Rp" never ends a line."""
    return format_rupiah(amount).replace(" ", "\u00a0")
