"""A producer's delivery options: pickup at the village, its own delivery by district, courier rates.

``delivery_options_set`` replaces the whole offer at once (the page and the API send all of it),
so what a producer saved is always one consistent table; ``orders.pricing.delivery_offer`` is the
one function that prices it. Orders already placed keep the fee they were placed with.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import AssistAction, Producer
from catalog.services._auth import require_producer_editor
from market.accounts.models import User
from market.core.pagecache import public_pages_changed
from market.regions.models import District, Province, Regency
from orders.exceptions import OrdersInvalid
from orders.models import ProducerCourierRate, ProducerDeliveryArea, ProducerDeliveryRule, Weekday

MAX_FEE = 10_000_000  # rupiah; a delivery fee above this is a typing mistake
MAX_FREE_FROM = 10_000_000_000
MAX_GRAMS = 1_000_000  # one tonne
MAX_LEAD_DAYS = 60
MAX_ROWS = 100
MAX_HOURS_LENGTH = 100


@dataclass(frozen=True)
class AreaFee:
    """The producer's own delivery fee to a district (``None``: any destination without its own row)."""

    district_code: str | None
    fee: int


@dataclass(frozen=True)
class CourierRate:
    """A courier fee to a regency or a province (neither: anywhere) up to ``max_grams`` (``None``: any weight)."""

    fee: int
    regency_code: str | None = None
    province_code: str | None = None
    max_grams: int | None = None


@dataclass(frozen=True)
class DeliveryOptions:
    offers_pickup: bool = True
    pickup_hours: str = ""
    offers_delivery: bool = False
    delivery_areas: tuple[AreaFee, ...] = ()
    free_delivery_from: int | None = None
    delivery_days: tuple[int, ...] = ()
    offers_courier: bool = False
    courier_rates: tuple[CourierRate, ...] = ()
    courier_lead_days: int = 2


def _whole(minimum: int, maximum: int, *, nullable: bool = False) -> Callable[[object], str | None]:
    def check(value) -> str | None:
        if value is None and nullable:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
            return _("Enter a whole number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum}
        return None
    return check


def _boolean(value) -> str | None:
    return None if isinstance(value, bool) else _("Choose yes or no.")


def _hours(value) -> str | None:
    if not isinstance(value, str):
        return _("Enter text.")
    if len(value.strip()) > MAX_HOURS_LENGTH:
        return _("At most %(count)s characters.") % {"count": MAX_HOURS_LENGTH}
    return None


def _days(value) -> str | None:
    if not isinstance(value, tuple | list) or any(day not in Weekday.values or isinstance(day, bool)
                                                  for day in value):
        return _("Choose days of the week.")
    return None


def _rows(value) -> str | None:
    if not isinstance(value, tuple | list):
        return _("Send a list of rows.")
    if len(value) > MAX_ROWS:
        return _("At most %(count)s rows.") % {"count": MAX_ROWS}
    return None


# One check per field: each returns an error message, or None.
FIELD_CHECKS: dict[str, Callable[[object], str | None]] = {
    "offers_pickup": _boolean,
    "pickup_hours": _hours,
    "offers_delivery": _boolean,
    "delivery_areas": _rows,
    "free_delivery_from": _whole(0, MAX_FREE_FROM, nullable=True),
    "delivery_days": _days,
    "offers_courier": _boolean,
    "courier_rates": _rows,
    "courier_lead_days": _whole(0, MAX_LEAD_DAYS),
}
_fee = _whole(0, MAX_FEE)
_grams = _whole(1, MAX_GRAMS, nullable=True)


def _area_errors(areas: tuple[AreaFee, ...], districts: dict[str, District]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    seen: set[str | None] = set()
    for index, area in enumerate(areas):
        key = f"delivery_areas.{index}"
        if (message := _fee(area.fee)) is not None:
            errors[f"{key}.fee"] = [message]
        if area.district_code is not None and area.district_code not in districts:
            errors[f"{key}.district"] = [_("Choose a district from the list.")]
        elif area.district_code in seen:
            errors[f"{key}.district"] = [_("This destination has a row already.")]
        seen.add(area.district_code)
    return errors


def _rate_errors(rates: tuple[CourierRate, ...], regencies: dict[str, Regency],
                 provinces: dict[str, Province]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    seen: set[tuple] = set()
    for index, rate in enumerate(rates):
        key = f"courier_rates.{index}"
        if (message := _fee(rate.fee)) is not None:
            errors[f"{key}.fee"] = [message]
        if (message := _grams(rate.max_grams)) is not None:
            errors[f"{key}.max_grams"] = [message]
        if rate.regency_code is not None and rate.province_code is not None:
            errors[f"{key}.area"] = [_("Choose a regency or a province, not both.")]
        elif (rate.regency_code is not None and rate.regency_code not in regencies
              or rate.province_code is not None and rate.province_code not in provinces):
            errors[f"{key}.area"] = [_("Choose a regency or province from the list.")]
        identity = (rate.regency_code, rate.province_code, rate.max_grams)
        if identity in seen and f"{key}.area" not in errors:
            errors[f"{key}.max_grams"] = [_("This destination has a row for this weight already.")]
        seen.add(identity)
    return errors


def _options_errors(options: DeliveryOptions) -> dict[str, list[str]]:
    errors = {name: [message] for name, check in FIELD_CHECKS.items()
              if (message := check(getattr(options, name))) is not None}
    if errors:
        return errors
    districts = District.objects.in_bulk([a.district_code for a in options.delivery_areas if a.district_code])
    regencies = Regency.objects.in_bulk([r.regency_code for r in options.courier_rates if r.regency_code])
    provinces = Province.objects.in_bulk([r.province_code for r in options.courier_rates if r.province_code])
    errors.update(_area_errors(options.delivery_areas, districts))
    errors.update(_rate_errors(options.courier_rates, regencies, provinces))
    if options.offers_delivery and not options.delivery_areas:
        errors["delivery_areas"] = [_("Add at least one district you deliver to, with its fee.")]
    if options.offers_courier and not options.courier_rates:
        errors["courier_rates"] = [_("Add at least one courier rate.")]
    if not (options.offers_pickup or options.offers_delivery or options.offers_courier):
        errors["offers_pickup"] = [_("Offer at least one way for buyers to get your products.")]
    return errors


@transaction.atomic
def delivery_options_set(*, producer: Producer, actor: User, options: DeliveryOptions) -> ProducerDeliveryRule:
    """Replace how the producer gets its goods to buyers and what it charges (``DeliveryOptions``).

    Bad input raises ``OrdersInvalid`` with an error per field (rows as ``delivery_areas.<i>.fee``,
    ``courier_rates.<i>.area``...) and changes nothing. The rows of an option that is switched off
    are kept, so switching it on again brings them back.
    """
    require_producer_editor(actor, producer, action=AssistAction.Kind.DELIVERY_OPTIONS_SET, subject=producer.name)
    errors = _options_errors(options)
    if errors:
        raise OrdersInvalid(fields=errors)
    values = {
        "offers_pickup": options.offers_pickup, "pickup_hours": options.pickup_hours.strip(),
        "offers_delivery": options.offers_delivery, "free_delivery_from": options.free_delivery_from,
        "delivery_days": sorted(set(options.delivery_days)), "offers_courier": options.offers_courier,
        "courier_lead_days": options.courier_lead_days,
    }
    rule, created = ProducerDeliveryRule.objects.select_for_update().get_or_create(producer=producer,
                                                                                   defaults=values)
    if not created:
        for key, value in values.items():
            setattr(rule, key, value)
        rule.save()
    ProducerDeliveryArea.objects.filter(rule=rule).delete()
    ProducerCourierRate.objects.filter(rule=rule).delete()
    ProducerDeliveryArea.objects.bulk_create(
        ProducerDeliveryArea(rule=rule, district_id=area.district_code, fee=area.fee)
        for area in options.delivery_areas)
    ProducerCourierRate.objects.bulk_create(
        ProducerCourierRate(rule=rule, regency_id=rate.regency_code, province_id=rate.province_code,
                            max_grams=rate.max_grams, fee=rate.fee)
        for rate in options.courier_rates)
    public_pages_changed()  # product pages show the fees
    return rule


def delivery_rule_set(*, producer: Producer, actor: User, offers_delivery: bool = False, delivery_fee: int = 0,
                      free_delivery_from: int | None = None, offers_courier: bool = False,
                      courier_fee: int = 0) -> ProducerDeliveryRule:
    """Set one flat fee for delivery anywhere and one for courier at any weight; pickup stays on.

    The short form of ``delivery_options_set`` (tests and demo data): the fees become an
    "anywhere" row each. Raises ``OrdersInvalid`` on a bad amount, keyed ``delivery_fee`` or
    ``courier_fee``.
    """
    options = DeliveryOptions(
        offers_delivery=bool(offers_delivery), free_delivery_from=free_delivery_from,
        delivery_areas=(AreaFee(None, delivery_fee),) if offers_delivery else (),
        offers_courier=bool(offers_courier),
        courier_rates=(CourierRate(fee=courier_fee),) if offers_courier else ())
    try:
        return delivery_options_set(producer=producer, actor=actor, options=options)
    except OrdersInvalid as error:
        renamed = {"delivery_areas.0.fee": "delivery_fee", "courier_rates.0.fee": "courier_fee"}
        raise OrdersInvalid(fields={renamed.get(key, key): value
                                    for key, value in (error.fields or {}).items()}) from None
