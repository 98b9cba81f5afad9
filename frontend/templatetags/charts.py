"""Charts drawn on the server as SVG: no script, no library, readable on a 360 px phone.

``{% bar_chart rows title %}`` draws one horizontal bar per row, its label on the line above and its
value after the bar, scaled to the largest value. ``rows`` are ``(label, value, shown)``: ``value``
a number, ``shown`` how the value is written ("Rp 1.250.000", "12"). The chart scales with its
box (``viewBox``, width 100 %); colours come from classes in the page's style sheet (the content
security policy allows no inline style).
"""
from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

WIDTH = 320  # viewBox units: at 360 px wide, about one unit per CSS pixel
BAR_MAX = 230  # the longest bar, leaving room for its value after it
ROW = 36  # a label line and a bar per row
BAR_HEIGHT = 14


@register.simple_tag
def bar_chart(rows, title: str, chart_id: str = "") -> SafeString:
    """Return the SVG of a horizontal bar chart of ``rows`` (``(label, value, shown)``) titled ``title``."""
    rows = [(str(label), float(value or 0), str(shown)) for label, value, shown in rows]
    largest = max((value for _label, value, _shown in rows), default=0)
    height = max(ROW * len(rows), ROW) + 4
    parts = []
    for index, (label, value, shown) in enumerate(rows):
        top = index * ROW
        width = round(BAR_MAX * value / largest, 1) if largest else 0
        if value and width < 1:
            width = 1  # a small value still shows
        parts.append(format_html(
            '<text class="chart-label" x="0" y="{}">{}</text>'
            '<rect class="chart-bar" x="0" y="{}" width="{}" height="{}" rx="2"></rect>'
            '<text class="chart-value" x="{}" y="{}">{}</text>',
            top + 12, label, top + 17, width, BAR_HEIGHT, width + 6, top + 28, shown))
    body = SafeString("".join(parts))
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}"{}>'
        '<title>{}</title>{}</svg>',
        WIDTH, height, title, format_html(' id="{}"', chart_id) if chart_id else "", title, body)
