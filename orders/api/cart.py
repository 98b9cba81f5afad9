"""API: the caller's cart, priced now for its audience (consumer: retail; buyer organisation: wholesale tiers).

A line is named by its product's id (a cart holds each product once). The cart reports price
and stock changes since a line was set (``price_changed``, ``stock_message``) instead of
applying them; ``POST /cart/accept-prices/`` accepts the current prices after the shopper saw them.
"""
from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from market.core.errors import NotFound
from orders import pricing
from orders.api.common import ORGANISATION_PARAMETERS, request_shopper
from orders.models import MAX_LINE_QUANTITY, DeliveryOption
from orders.pricing import Destination
from orders.selectors import cart_quote
from orders.services import cart_clear, cart_line_remove, cart_line_set, cart_prices_accept


class CartLineNotFound(NotFound):
    code = "cart_line_not_found"
    default_message = _("This product is not in your cart.")


_DELIVERY_PARAM = re.compile(r"^\d{1,12}:[a-z]{1,16}$")
_VILLAGE_PARAM = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")

# --- output -----------------------------------------------------------------------------------


class NextTierOut(serializers.Serializer):
    more = serializers.IntegerField(help_text=_("Units to add to reach the tier."))
    quantity = serializers.IntegerField()
    unit_price = serializers.IntegerField()
    hint = serializers.CharField()


class CartLineOut(serializers.Serializer):
    id = serializers.IntegerField(source="product_id", help_text=_("The line's id: its product's id."))
    product_id = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True)
    quantity = serializers.IntegerField()
    unit_price = serializers.IntegerField(help_text=_("Rupiah per unit now, for the caller's audience."))
    line_total = serializers.IntegerField()
    unit_price_seen = serializers.IntegerField(allow_null=True)
    price_changed = serializers.BooleanField()
    price_difference = serializers.IntegerField()
    available = serializers.IntegerField()
    stock_short = serializers.BooleanField()
    stock_message = serializers.CharField(allow_blank=True)
    problems = serializers.ListField(child=serializers.CharField())
    orderable = serializers.BooleanField()
    min_order_qty = serializers.IntegerField()
    order_multiple = serializers.IntegerField()
    next_tier = NextTierOut(allow_null=True)


class DeliveryChoiceOut(serializers.Serializer):
    option = serializers.CharField()
    label = serializers.SerializerMethodField()
    fee = serializers.IntegerField()

    def get_label(self, choice) -> str:
        return str(DeliveryOption(choice.option).label)


class CartProducerOut(serializers.Serializer):
    producer_id = serializers.IntegerField()
    producer_name = serializers.CharField()
    lines = CartLineOut(many=True)
    subtotal = serializers.IntegerField()
    delivery_choices = DeliveryChoiceOut(source="choices", many=True)
    delivery_option = serializers.CharField(allow_null=True)
    delivery_fee = serializers.IntegerField()
    total = serializers.IntegerField()


class CartOut(serializers.Serializer):
    audience = serializers.CharField(help_text=_("consumer (retail prices) or business (wholesale tiers)."))
    producers = CartProducerOut(many=True)
    unavailable = CartLineOut(many=True, help_text=_("Lines of products no longer on sale."))
    subtotal = serializers.IntegerField()
    delivery_total = serializers.IntegerField()
    total = serializers.IntegerField()
    line_count = serializers.SerializerMethodField()
    price_changes = serializers.SerializerMethodField(
        help_text=_("Product id → messages, for prices changed since the line was set."))
    problems = serializers.SerializerMethodField(help_text=_("Product id → why the line cannot be ordered as is."))
    delivery_problems = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))

    def get_line_count(self, quote) -> int:
        return len(quote.lines)

    def get_price_changes(self, quote) -> dict[str, list[str]]:
        return quote.price_change_messages()

    def get_problems(self, quote) -> dict[str, list[str]]:
        return quote.line_problems()


def render_cart(quote: pricing.Quote, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(CartOut(quote).data, status=status_code)


def delivery_param(request) -> dict[int, str]:
    """Return the delivery options of ``?delivery=12:courier,13:pickup`` (unknown parts are ignored)."""
    chosen: dict[int, str] = {}
    for part in request.query_params.get("delivery", "").split(",")[:100]:
        if _DELIVERY_PARAM.match(part.strip()):
            producer_id, option = part.strip().split(":")
            chosen[int(producer_id)] = option
    return chosen


# --- input ------------------------------------------------------------------------------------


class CartLineInput(serializers.Serializer):
    product_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)


class CartLineQuantityInput(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)


# --- views ------------------------------------------------------------------------------------

def destination_param(request) -> Destination | None:
    """Return the destination of ``?village=35.09.01.2001`` (``None`` without one, or a malformed one)."""
    code = request.query_params.get("village", "").strip()
    return Destination.from_code(code) if _VILLAGE_PARAM.match(code) else None


_VILLAGE = OpenApiParameter("village", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
                            description=_("Destination village code for the delivery options and fees; without "
                                          "it only fees that apply anywhere are offered."))
_DELIVERY = OpenApiParameter("delivery", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
                             description=_("Delivery option per producer to price, e.g. 12:courier,13:pickup"))


@extend_schema(parameters=ORGANISATION_PARAMETERS)
class CartView(APIView):
    """The caller's cart priced now (GET) or emptied (DELETE)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[_DELIVERY, _VILLAGE], responses=CartOut)
    def get(self, request):
        return render_cart(cart_quote(shopper=request_shopper(request), delivery=delivery_param(request),
                                      destination=destination_param(request)))

    @extend_schema(responses=CartOut)
    def delete(self, request):
        shopper = request_shopper(request)
        cart_clear(shopper=shopper)
        return render_cart(cart_quote(shopper=shopper))


@extend_schema(parameters=ORGANISATION_PARAMETERS)
class CartLineListView(APIView):
    """Put a product in the cart (POST): the quantity replaces the line's quantity if the product is there."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=CartLineInput, responses={201: CartOut})
    def post(self, request):
        shopper = request_shopper(request)
        serializer = CartLineInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        cart_line_set(shopper=shopper, **serializer.validated_data)
        return render_cart(cart_quote(shopper=shopper), status.HTTP_201_CREATED)


@extend_schema(parameters=ORGANISATION_PARAMETERS)
class CartLineDetailView(APIView):
    """Change a line's quantity (PATCH) or take it out (DELETE); ``product_id`` names the line."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=CartLineQuantityInput, responses=CartOut)
    def patch(self, request, product_id: int):
        shopper = request_shopper(request)
        serializer = CartLineQuantityInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        if product_id not in {line.product_id for line in cart_quote(shopper=shopper).lines}:
            raise CartLineNotFound()
        cart_line_set(shopper=shopper, product_id=product_id, quantity=serializer.validated_data["quantity"])
        return render_cart(cart_quote(shopper=shopper))

    @extend_schema(responses=CartOut)
    def delete(self, request, product_id: int):
        shopper = request_shopper(request)
        cart_line_remove(shopper=shopper, product_id=product_id)
        return render_cart(cart_quote(shopper=shopper))


@extend_schema(parameters=ORGANISATION_PARAMETERS)
class CartAcceptPricesView(APIView):
    """Accept the current prices of every line, after the caller has seen the changes."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=CartOut)
    def post(self, request):
        return render_cart(cart_prices_accept(shopper=request_shopper(request)))
