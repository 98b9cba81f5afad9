"""Stars and sold counts on product cards and pages: ``{% load ratings %}``.

A list page puts ``product_stats`` in its context (``reviews.selectors.product_stats`` of every product it
shows: one query for the whole page); ``{% product_stats product as stats %}`` reads one product's from it
(``None`` when the product has no visible review and nothing sold).
"""
from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def product_stats(context, product):
    stats = context.get("product_stats") or {}
    return stats.get(getattr(product, "pk", product))


@register.filter
def star_row(rating) -> str:
    """Return ``rating`` (1–5) as five drawn stars, filled first ("★★★★☆" for 4)."""
    filled = max(0, min(5, int(rating or 0)))
    return "★" * filled + "☆" * (5 - filled)
