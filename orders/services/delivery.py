"""A producer's delivery offer: delivery by the producer (flat fee, free from an amount), courier, pickup."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import AssistAction, Producer
from catalog.services._auth import require_producer_editor
from market.accounts.models import User
from orders.exceptions import OrdersInvalid
from orders.models import ProducerDeliveryRule

MAX_FEE = 10_000_000  # rupiah; a delivery fee above this is a typing mistake
MAX_FREE_FROM = 10_000_000_000


def _amount(value, field: str, errors: dict, *, maximum: int) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= maximum:
        errors[field] = [_("Enter an amount in whole rupiah from 0 to %(max)s.") % {"max": maximum}]
        return None
    return value


@transaction.atomic
def delivery_rule_set(*, producer: Producer, actor: User, offers_delivery: bool = False, delivery_fee: int = 0,
                      free_delivery_from: int | None = None, offers_courier: bool = False,
                      courier_fee: int = 0) -> ProducerDeliveryRule:
    """Set how the producer delivers and what it charges; pickup at the village is always offered, free.

    Orders already placed keep the fee they were placed with.
    """
    require_producer_editor(actor, producer, action=AssistAction.Kind.DELIVERY_OPTIONS_SET, subject=producer.name)
    errors: dict[str, list[str]] = {}
    values = {
        "offers_delivery": bool(offers_delivery),
        "delivery_fee": _amount(delivery_fee, "delivery_fee", errors, maximum=MAX_FEE),
        "free_delivery_from": None if free_delivery_from is None
        else _amount(free_delivery_from, "free_delivery_from", errors, maximum=MAX_FREE_FROM),
        "offers_courier": bool(offers_courier),
        "courier_fee": _amount(courier_fee, "courier_fee", errors, maximum=MAX_FEE),
    }
    if errors:
        raise OrdersInvalid(fields=errors)
    rule, _created = ProducerDeliveryRule.objects.select_for_update().get_or_create(producer=producer,
                                                                                    defaults=values)
    for key, value in values.items():
        setattr(rule, key, value)
    rule.save()
    return rule
