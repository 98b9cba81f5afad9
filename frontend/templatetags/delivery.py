"""Template filters of the delivery options: weekday names."""
from django import template

from orders.models import Weekday

register = template.Library()


@register.filter
def weekdays(days) -> str:
    """Return ``[0, 2, 4]`` as "Monday, Wednesday, Friday" (in the active language)."""
    labels = dict(Weekday.choices)
    return ", ".join(str(labels[day]) for day in days if day in labels)
