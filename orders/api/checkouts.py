"""API: placing the cart (checkout) and reading or cancelling a placed checkout.

``POST /checkout/`` needs an ``Idempotency-Key`` header (8 to 64 printable characters, e.g. a
UUID): repeating the request with the same key returns the same checkout (200) and creates
nothing twice; the same key with a different body is refused (409 ``idempotency_key_reused``).
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.api.common import ORGANISATION_PARAMETERS, DeliveryAddressOut, OrderOut, request_shopper
from orders.models import Checkout, DeliveryOption, PaymentMethod
from orders.selectors import access_checkout
from orders.services import checkout_cancel, order_place
from orders.states import Party

IDEMPOTENCY_HEADER = "Idempotency-Key"

# --- output -----------------------------------------------------------------------------------


class CheckoutOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_blank=True, help_text=_("Invoice/receipt number."))
    status = serializers.CharField(help_text=_("awaiting_payment, paid, on_terms, expired or cancelled."))
    status_label = serializers.CharField(source="get_status_display")
    audience = serializers.CharField()
    organisation_id = serializers.IntegerField(allow_null=True)
    payment_method = serializers.CharField()
    reservation_expires_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    outlet_id = serializers.IntegerField(allow_null=True)
    address_id = serializers.IntegerField(allow_null=True)
    delivery_address = DeliveryAddressOut()
    note = serializers.CharField(allow_blank=True)
    subtotal = serializers.IntegerField()
    delivery_total = serializers.IntegerField()
    total = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    orders = OrderOut(source="orders.all", many=True)


def render_checkout(request, checkout: Checkout, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(CheckoutOut(checkout, context={"request": request, "viewer": Party.BUYER}).data,
                    status=status_code)


# --- input ------------------------------------------------------------------------------------


class CheckoutInput(serializers.Serializer):
    address_id = serializers.IntegerField(required=False, allow_null=True, default=None,
                                          help_text=_("A consumer's own delivery address."))
    outlet_id = serializers.IntegerField(required=False, allow_null=True, default=None,
                                         help_text=_("An outlet of the buyer organisation the caller acts for."))
    delivery = serializers.DictField(child=serializers.ChoiceField(choices=DeliveryOption.choices),
                                     help_text=_("Producer id → delivery option, for every producer in the cart."))
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    expected_total = serializers.IntegerField(min_value=0, help_text=_("The total (rupiah) the caller confirmed."))


class CheckoutCancelInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


# --- views ------------------------------------------------------------------------------------


@extend_schema(parameters=ORGANISATION_PARAMETERS)
class CheckoutPlaceView(APIView):
    """Place the caller's cart: one checkout, one order per producer, stock reserved, prices frozen."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter(IDEMPOTENCY_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                                     description=_("8 to 64 printable characters, one per intended order."))],
        request=CheckoutInput, responses={201: CheckoutOut, 200: CheckoutOut})
    def post(self, request):
        shopper = request_shopper(request)
        serializer = CheckoutInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        checkout = order_place(shopper=shopper, idempotency_key=request.headers.get(IDEMPOTENCY_HEADER, ""),
                               **serializer.validated_data)
        return render_checkout(request, access_checkout(user=request.user, pk=checkout.pk),
                               status.HTTP_200_OK if checkout.replayed else status.HTTP_201_CREATED)


class CheckoutDetailView(APIView):
    """A checkout the caller placed (or its buyer organisation did), with its orders; officers see every one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CheckoutOut)
    def get(self, request, pk: int):
        return render_checkout(request, access_checkout(user=request.user, pk=pk))


class CheckoutCancelView(APIView):
    """Cancel an unpaid checkout as a whole: its reserved stock is released."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=CheckoutCancelInput, responses=CheckoutOut)
    def post(self, request, pk: int):
        checkout = access_checkout(user=request.user, pk=pk)
        serializer = CheckoutCancelInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        checkout_cancel(checkout=checkout, actor=request.user, reason=serializer.validated_data["reason"])
        return render_checkout(request, access_checkout(user=request.user, pk=pk))
