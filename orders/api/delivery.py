"""API: a producer's delivery options (read and replace) and the delivery quote of a product to a village.

``GET/PUT /producers/<id>/delivery-options/`` is for the producer's people and programme officers
(anyone else: 404). PUT replaces the whole offer (``orders.services.delivery_options_set``); a bad
field is a 400 with an error per field (rows as ``delivery_areas.<i>.fee``...) and changes nothing.

``GET /products/<id>/delivery-quote/?village=<code>`` is public: the options the producer offers
to that village for an order of ``quantity`` units (default: the smallest order the caller may
place), priced by ``orders.pricing.delivery_offer`` like the cart and the checkout.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.selectors import access_producer, product_get_public
from market.regions.selectors import village_list
from orders.api.common import ORGANISATION_PARAMETERS, request_shopper
from orders.exceptions import OrdersInvalid
from orders.models import MAX_LINE_QUANTITY, Audience, DeliveryOption, Weekday
from orders.pricing import Destination
from orders.selectors import delivery_rule_get, product_delivery
from orders.services import delivery_options_set
from orders.services.delivery import AreaFee, CourierRate, DeliveryOptions

# --- delivery options -------------------------------------------------------------------------


class AreaFeeSerializer(serializers.Serializer):
    district = serializers.CharField(allow_null=True, max_length=8,
                                     help_text=_("Destination district code (e.g. 35.09.01); null: anywhere else."))
    fee = serializers.IntegerField(help_text=_("Rupiah."))


class CourierRateSerializer(serializers.Serializer):
    regency = serializers.CharField(allow_null=True, required=False, default=None, max_length=5,
                                    help_text=_("Destination regency code (e.g. 35.09)."))
    province = serializers.CharField(allow_null=True, required=False, default=None, max_length=2,
                                     help_text=_("Destination province code (e.g. 35); with no regency nor "
                                                 "province the rate applies anywhere."))
    max_grams = serializers.IntegerField(allow_null=True, required=False, default=None,
                                         help_text=_("Orders up to this weight; null: any weight."))
    fee = serializers.IntegerField(help_text=_("Rupiah."))


class DeliveryOptionsSerializer(serializers.Serializer):
    offers_pickup = serializers.BooleanField()
    pickup_hours = serializers.CharField(allow_blank=True, max_length=200)
    offers_delivery = serializers.BooleanField()
    delivery_areas = AreaFeeSerializer(many=True)
    free_delivery_from = serializers.IntegerField(allow_null=True, help_text=_("Rupiah; null: never free."))
    delivery_days = serializers.ListField(child=serializers.ChoiceField(choices=Weekday.choices),
                                         help_text=_("0 = Monday … 6 = Sunday; empty: any day."))
    offers_courier = serializers.BooleanField()
    courier_rates = CourierRateSerializer(many=True)
    courier_lead_days = serializers.IntegerField()


def _options_data(rule) -> dict:
    if rule is None:
        options = DeliveryOptions()
        return {**{name: getattr(options, name) for name in DeliveryOptionsSerializer().fields},
                "delivery_areas": [], "courier_rates": [], "delivery_days": []}
    return {
        "offers_pickup": rule.offers_pickup, "pickup_hours": rule.pickup_hours,
        "offers_delivery": rule.offers_delivery, "free_delivery_from": rule.free_delivery_from,
        "delivery_areas": [{"district": area.district_id, "fee": area.fee} for area in rule.areas.all()],
        "delivery_days": list(rule.delivery_days), "offers_courier": rule.offers_courier,
        "courier_rates": [{"regency": rate.regency_id, "province": rate.province_id, "max_grams": rate.max_grams,
                           "fee": rate.fee} for rate in rule.courier_rates.all()],
        "courier_lead_days": rule.courier_lead_days,
    }


class DeliveryOptionsView(APIView):
    """A producer's delivery options: pickup, its own delivery by district, courier rates."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DeliveryOptionsSerializer)
    def get(self, request, pk: int):
        producer = access_producer(user=request.user, pk=pk)
        return Response(DeliveryOptionsSerializer(_options_data(delivery_rule_get(producer=producer))).data)

    @extend_schema(request=DeliveryOptionsSerializer, responses=DeliveryOptionsSerializer)
    def put(self, request, pk: int):
        producer = access_producer(user=request.user, pk=pk)
        serializer = DeliveryOptionsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        options = DeliveryOptions(
            offers_pickup=data["offers_pickup"], pickup_hours=data["pickup_hours"],
            offers_delivery=data["offers_delivery"], free_delivery_from=data["free_delivery_from"],
            delivery_areas=tuple(AreaFee(row["district"], row["fee"]) for row in data["delivery_areas"]),
            delivery_days=tuple(data["delivery_days"]), offers_courier=data["offers_courier"],
            courier_rates=tuple(CourierRate(fee=row["fee"], regency_code=row["regency"],
                                            province_code=row["province"], max_grams=row["max_grams"])
                                for row in data["courier_rates"]),
            courier_lead_days=data["courier_lead_days"])
        delivery_options_set(producer=producer, actor=request.user, options=options)
        return Response(DeliveryOptionsSerializer(_options_data(delivery_rule_get(producer=producer))).data)


# --- quote ------------------------------------------------------------------------------------


class DeliveryChoiceQuoteOut(serializers.Serializer):
    option = serializers.ChoiceField(choices=DeliveryOption.choices)
    label = serializers.SerializerMethodField()
    fee = serializers.IntegerField(help_text=_("Rupiah."))
    lead_days = serializers.IntegerField(allow_null=True, help_text=_("Courier: days on the way."))
    days = serializers.ListField(child=serializers.IntegerField(), help_text=_("Delivery days, 0 = Monday."))
    hours = serializers.CharField(allow_blank=True, help_text=_("Pickup hours."))

    def get_label(self, choice) -> str:
        return str(DeliveryOption(choice.option).label)


class UnavailableOut(serializers.Serializer):
    option = serializers.CharField()
    reason = serializers.CharField()


class DeliveryQuoteOut(serializers.Serializer):
    product_id = serializers.IntegerField()
    village = serializers.CharField()
    quantity = serializers.IntegerField()
    subtotal = serializers.IntegerField()
    weight_grams = serializers.IntegerField(allow_null=True)
    reachable = serializers.BooleanField(help_text=_("False: no option reaches the village (and no pickup)."))
    choices = DeliveryChoiceQuoteOut(many=True)
    unavailable = UnavailableOut(many=True)


class DeliveryQuoteInput(serializers.Serializer):
    village = serializers.CharField(max_length=13)
    quantity = serializers.IntegerField(required=False, min_value=1, max_value=MAX_LINE_QUANTITY)


@extend_schema(parameters=ORGANISATION_PARAMETERS)
class DeliveryQuoteView(APIView):
    """The delivery options and fees of a product on sale to a destination village."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[
        OpenApiParameter("village", OpenApiTypes.STR, required=True, description=_("Village code, e.g. 35.09.01.2001.")),
        OpenApiParameter("quantity", OpenApiTypes.INT, required=False,
                         description=_("Units ordered; default: the smallest order the caller may place."))],
        responses=DeliveryQuoteOut)
    def get(self, request, pk: int):
        product = product_get_public(pk=pk)
        params = DeliveryQuoteInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        code = params.validated_data["village"]
        if not village_list().filter(code=code).exists():
            raise OrdersInvalid(fields={"village": [_("Unknown village code.")]})
        audience = request_shopper(request).audience if request.user.is_authenticated else Audience.CONSUMER
        delivery = product_delivery(product=product, audience=audience, destination=Destination.from_code(code),
                                    quantity=params.validated_data.get("quantity"))
        return Response(DeliveryQuoteOut({
            "product_id": product.pk, "village": code, "quantity": delivery.quantity, "subtotal": delivery.subtotal,
            "weight_grams": delivery.weight_grams, "reachable": delivery.reachable,
            "choices": delivery.offer.choices,
            "unavailable": [{"option": option, "reason": reason} for option, reason in delivery.offer.unavailable],
        }).data)
