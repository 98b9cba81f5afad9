from django import template

from market.core.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(amount):
    """Format whole rupiah: ``{{ 1250000|rupiah }}`` renders ``Rp 1.250.000``."""
    return format_rupiah(amount)
