"""Pieces the orders API shares: the shopper context of a request, order and line representations."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from market.accounts.selectors import buyer_organisation_list
from orders.exceptions import BuyerMemberRequired
from orders.selectors import Shopper, shopper_get
from orders.states import Party

ORGANISATION_HEADER = "X-Buyer-Organisation"

ORGANISATION_PARAMETERS = [
    OpenApiParameter(ORGANISATION_HEADER, OpenApiTypes.INT, OpenApiParameter.HEADER, required=False,
                     description=_("Act for this buyer organisation (its members only); "
                                   "without it the caller shops for themself.")),
    OpenApiParameter("organisation", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False,
                     description=_("Same as the X-Buyer-Organisation header.")),
]


def organisation_id(request) -> str:
    return (request.headers.get(ORGANISATION_HEADER) or request.query_params.get("organisation") or "").strip()


def request_shopper(request) -> Shopper:
    """Return the shopper context of the request: the caller, acting for the organisation it names (if any).

    Naming an organisation the caller is not a member of (or no buyer organisation at all) is
    ``BuyerMemberRequired`` (403).
    """
    value = organisation_id(request)
    if not value:
        return shopper_get(user=request.user)
    organisation = None
    if value.isdigit() and len(value) < 12:
        organisation = buyer_organisation_list(user=request.user).filter(pk=int(value)).first()
    if organisation is None:
        raise BuyerMemberRequired()
    return shopper_get(user=request.user, organisation=organisation)


# --- output -----------------------------------------------------------------------------------


class OrderProducerOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OrderLineOut(serializers.Serializer):
    id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    product_name = serializers.CharField()
    sku = serializers.CharField(allow_blank=True)
    unit = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.IntegerField(help_text=_("Rupiah, frozen when the order was placed."))
    line_total = serializers.IntegerField()


class DeliveryAddressOut(serializers.Serializer):
    name = serializers.CharField(required=False)
    contact_name = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    street = serializers.CharField(required=False)
    village_code = serializers.CharField(required=False)
    village = serializers.CharField(required=False)
    district = serializers.CharField(required=False)
    postal_code = serializers.CharField(required=False, allow_blank=True)


class OrderCheckoutRefOut(serializers.Serializer):
    """The checkout an order belongs to; only its buyer and officers see it (never the producer)."""

    id = serializers.IntegerField()
    number = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    payment_method = serializers.CharField()
    organisation_id = serializers.IntegerField(allow_null=True)


class OrderOut(serializers.Serializer):
    """One producer's order: what the producer must deliver, where to, and where it stands."""

    id = serializers.IntegerField()
    number = serializers.CharField(allow_blank=True, help_text=_("Purchase order number."))
    status = serializers.CharField(help_text=_("awaiting_payment, placed, accepted, declined, packed, shipped, "
                                               "delivered, completed or cancelled."))
    status_label = serializers.CharField(source="get_status_display")
    status_changed_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    producer = OrderProducerOut()
    buyer_name = serializers.CharField()
    delivery_option = serializers.CharField(help_text=_("producer, courier or pickup."))
    delivery_address = DeliveryAddressOut()
    note = serializers.CharField(allow_blank=True)
    subtotal = serializers.IntegerField()
    delivery_fee = serializers.IntegerField()
    total = serializers.IntegerField()
    courier = serializers.CharField(allow_blank=True)
    tracking_number = serializers.CharField(allow_blank=True)
    decline_reason = serializers.CharField(allow_blank=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    lines = OrderLineOut(source="lines.all", many=True)
    checkout = serializers.SerializerMethodField(
        help_text=_("Only for the buyer and officers; null for the producer."))

    @extend_schema_field(OrderCheckoutRefOut(allow_null=True))
    def get_checkout(self, order) -> dict | None:
        if self.context.get("viewer", getattr(order, "viewer", None)) == Party.PRODUCER:
            return None
        return OrderCheckoutRefOut(order.checkout).data
