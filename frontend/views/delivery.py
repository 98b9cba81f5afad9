"""Pages: a producer's delivery options (pickup, own delivery by district, courier rates).

One phone-first form under the producer dashboard; the whole offer is saved at once through
``orders.services.delivery_options_set``. Bad input shows its error beside the input or row it
concerns, keeps everything typed and saves nothing. Other producers' options are 404, other roles 403
(the producer dashboard's rules, ``frontend.views.producer``).
"""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from frontend.forms.delivery import (
    AREAS_PREFIX,
    RATES_PREFIX,
    AreaFormSet,
    DeliveryOptionsForm,
    RateFormSet,
    rate_area_value,
)
from frontend.views.producer import _context, _producer_or_404, _with_producer, producer_area
from market.regions.selectors import district_list, programme_region_codes, province_list, regency_list
from orders.exceptions import OrdersInvalid
from orders.selectors import delivery_rule_get
from orders.services import delivery_options_set
from orders.services.delivery import DeliveryOptions

ADD_BUTTONS = {"add_area": AREAS_PREFIX, "add_rate": RATES_PREFIX}
ROW_ERRORS = {"delivery_areas": "areas", "courier_rates": "rates"}


def _district_choices(producer, rule) -> list[tuple[str, str]]:
    """Districts of Jember, of the producer's own regency, and any the producer lists already."""
    listed = {area.district_id for area in rule.areas.all() if area.district_id} if rule else set()
    regions = sorted({*programme_region_codes(), producer.village.district.regency_id})
    districts = list(district_list(region_codes=regions))
    known = {d.code for d in districts}
    districts += [d for d in district_list().filter(code__in=listed - known)]
    return [(d.code, f"{d.name} ({d.regency})") for d in districts]


def _area_choices() -> list:
    """Provinces and regencies as option groups: ``p:<code>`` and ``r:<code>``."""
    return [(_("Regencies and cities"), [(f"r:{r.code}", f"{r} ({r.province})") for r in regency_list()]),
            (_("Provinces"), [(f"p:{p.code}", str(p)) for p in province_list()])]


def _forms(producer, rule, data=None):
    if rule is None:
        initial: dict = {"offers_pickup": True, "courier_lead_days": 2}
        areas_initial: list = []
        rates_initial: list = []
    else:
        initial = {"offers_pickup": rule.offers_pickup, "pickup_hours": rule.pickup_hours,
                   "offers_delivery": rule.offers_delivery, "free_delivery_from": rule.free_delivery_from,
                   "delivery_days": rule.delivery_days, "offers_courier": rule.offers_courier,
                   "courier_lead_days": rule.courier_lead_days}
        areas_initial = [{"district": area.district_id or "", "fee": area.fee} for area in rule.areas.all()]
        rates_initial = [{"area": rate_area_value(rate), "max_grams": rate.max_grams, "fee": rate.fee}
                         for rate in rule.courier_rates.all()]
    form = DeliveryOptionsForm(data, initial=initial)
    areas = AreaFormSet(data, initial=areas_initial, prefix=AREAS_PREFIX,
                        form_kwargs={"districts": _district_choices(producer, rule)})
    rates = RateFormSet(data, initial=rates_initial, prefix=RATES_PREFIX, form_kwargs={"areas": _area_choices()})
    return form, areas, rates


def _render(request, producer, form, areas, rates, *, status=200):
    row_errors = (areas.is_bound and areas.total_error_count()) or (rates.is_bound and rates.total_error_count())
    return render(request, "frontend/producer/delivery.html", _context(
        request, producer, section="delivery", form=form, areas=areas, rates=rates,
        row_errors=bool(row_errors) and status != 200), status=status)


def _add_service_errors(exc: OrdersInvalid, form, rows: dict) -> None:
    """Put the service's errors beside their inputs: ``delivery_areas.<i>.<field>`` on the i-th saved row."""
    for key, errors in (exc.fields or {}).items():
        name, _dot, rest = key.partition(".")
        if rest:
            index, _dot, field = rest.partition(".")
            row_form = rows[name][int(index)]
            row_form.add_error(field if field in row_form.fields else None, errors)
        elif name in ROW_ERRORS:
            form.add_error("offers_delivery" if name == "delivery_areas" else "offers_courier", errors)
        elif name in form.fields:
            form.add_error(name, errors)
        else:
            form.add_error(None, errors)


@producer_area
@require_http_methods(["GET", "HEAD", "POST"])
def delivery_options(request):
    producer = _producer_or_404(request)
    rule = delivery_rule_get(producer=producer)
    if request.method != "POST":
        return _render(request, producer, *_forms(producer, rule))
    data = request.POST.copy()
    adding = next((prefix for button, prefix in ADD_BUTTONS.items() if button in data), None)
    if adding:
        # Without JavaScript: the rows as typed plus one empty row; nothing is saved.
        total = f"{adding}-TOTAL_FORMS"
        data[total] = str(int(data.get(total, "0") or 0) + 1)
        return _render(request, producer, *_forms(producer, rule, data))
    form, areas, rates = _forms(producer, rule, data)
    if form.is_valid() & areas.is_valid() & rates.is_valid():  # every form validated, so every error shows
        area_rows = [(row_form, row) for row_form in areas.forms if (row := row_form.row()) is not None]
        rate_rows = [(row_form, row) for row_form in rates.forms if (row := row_form.row()) is not None]
        options = DeliveryOptions(**form.cleaned_data | {"delivery_days": tuple(form.cleaned_data["delivery_days"])},
                                  delivery_areas=tuple(row for _form, row in area_rows),
                                  courier_rates=tuple(row for _form, row in rate_rows))
        try:
            delivery_options_set(producer=producer, actor=request.user, options=options)
        except OrdersInvalid as exc:
            _add_service_errors(exc, form, {"delivery_areas": [f for f, _row in area_rows],
                                            "courier_rates": [f for f, _row in rate_rows]})
        else:
            messages.success(request, _("Your delivery options are saved."))
            return redirect(_with_producer("producer-delivery", producer))
    return _render(request, producer, form, areas, rates, status=400)


urlpatterns = [
    path("dashboard/producer/delivery/", delivery_options, name="producer-delivery"),
]
