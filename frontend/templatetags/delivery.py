"""Template filters of the delivery options: weekday names."""
from django import template

from orders.models import Weekday

register = template.Library()


@register.filter
def weekdays(days) -> str:
    """Return ``[0, 2, 4]`` as "Monday, Wednesday, Friday" (in the active language)."""
    labels = dict(Weekday.choices)
    return ", ".join(str(labels[day]) for day in days if day in labels)


@register.simple_tag
def order_status_label(status: str, delivery_option: str) -> str:
    """Return an order status as the buyer lives it: a pickup order is "picked up", not "shipped"."""
    from django.utils.translation import gettext

    from orders.models import DeliveryOption, Order

    if delivery_option == DeliveryOption.PICKUP and status == Order.Status.SHIPPED:
        return gettext("Picked up")
    return str(Order.Status(status).label) if status in Order.Status.values else status
