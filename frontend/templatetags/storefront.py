"""Filters of the shopping pages (issue 17)."""
from django import template

from market.core.money import format_rupiah

register = template.Library()


@register.filter
def rupiah_nbsp(amount) -> str:
    """Return ``amount`` as ``Rp 15.000`` with a no-break space: inside running text "Rp" never ends a line."""
    return format_rupiah(amount).replace(" ", "\u00a0")


@register.filter
def product_url(product) -> str:
    """Return the canonical address of a public product or a cart line (``/products/12/kopi-robusta-250-g/``)."""
    from frontend.seo import product_path

    return product_path(product)
