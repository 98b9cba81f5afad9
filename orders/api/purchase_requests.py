"""API: purchase requests, a member's cart above the organisation's approval limit waiting for a manager.

- ``POST /purchase-requests/`` submits the caller's cart for the organisation it acts for
  (``X-Buyer-Organisation``) with the checkout's fields, as ``POST /checkout/`` takes them, and an
  ``Idempotency-Key`` header (the same key returns the same request, 200). Only a member whose
  total is above the limit may submit (409 ``approval_not_needed`` otherwise: place the order).
- ``GET /purchase-requests/`` lists the requests the caller may see (owners and managers: all of
  their organisations'; members: their own), ``?status=submitted`` for the queue.
- ``GET /purchase-requests/{id}/`` shows one re-priced now, with what changed since it was submitted.
- ``approve`` (with the re-priced total the approver confirmed), ``reject`` (a reason is required)
  and ``withdraw`` (the member who submitted it). Anyone who may not see a request gets 404; a
  member who may see it but not decide gets 403.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import query_params
from market.accounts.selectors import buyer_organisation_list
from orders.api.checkouts import IDEMPOTENCY_HEADER
from orders.api.common import ORGANISATION_PARAMETERS, DeliveryAddressOut, organisation_id, request_shopper
from orders.exceptions import BuyerMemberRequired
from orders.models import DeliveryOption, PaymentMethod, PurchaseRequest
from orders.selectors import (
    access_purchase_request,
    purchase_request_can_decide,
    purchase_request_event_list,
    purchase_request_list,
    purchase_request_review,
)
from orders.services import (
    purchase_request_approve,
    purchase_request_reject,
    purchase_request_submit,
    purchase_request_withdraw,
)

# --- output -----------------------------------------------------------------------------------


class PurchaseRequestPersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class PurchaseRequestLineOut(serializers.Serializer):
    product_id = serializers.IntegerField()
    product_name = serializers.CharField()
    unit = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price_seen = serializers.IntegerField(help_text=_("Rupiah per unit the member saw when submitting."))
    line_total = serializers.IntegerField()


class PurchaseRequestEventOut(serializers.Serializer):
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField()
    actor = PurchaseRequestPersonOut()
    note = serializers.CharField(allow_blank=True)
    data = serializers.DictField()
    created_at = serializers.DateTimeField()


class PurchaseRequestCheckoutOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    total = serializers.IntegerField()


class PurchaseRequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    organisation_id = serializers.IntegerField()
    requested_by = PurchaseRequestPersonOut()
    status = serializers.CharField(help_text=_("submitted, approved, rejected or withdrawn."))
    status_label = serializers.CharField(source="get_status_display")
    outlet_id = serializers.IntegerField()
    outlet = DeliveryAddressOut(source="outlet.delivery_snapshot")
    delivery = serializers.DictField(child=serializers.CharField(),
                                     help_text=_("Producer id → delivery option chosen."))
    payment_method = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    subtotal = serializers.IntegerField(help_text=_("As the member saw it."))
    delivery_total = serializers.IntegerField()
    total = serializers.IntegerField()
    approval_limit = serializers.IntegerField(help_text=_("The organisation's limit when it was submitted."))
    decided_by = PurchaseRequestPersonOut(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    checkout = PurchaseRequestCheckoutOut(allow_null=True, help_text=_("The order placed on approval."))
    created_at = serializers.DateTimeField()
    lines = PurchaseRequestLineOut(source="lines.all", many=True)


class PurchaseRequestReviewLineOut(serializers.Serializer):
    product_id = serializers.IntegerField(source="line.product_id")
    product_name = serializers.CharField(source="line.product_name")
    quantity = serializers.IntegerField(source="line.quantity")
    unit_price_seen = serializers.IntegerField(source="line.unit_price_seen")
    unit_price = serializers.IntegerField(source="now.unit_price", help_text=_("Rupiah per unit now."))
    line_total = serializers.IntegerField(source="now.line_total")
    available = serializers.IntegerField(source="now.available")
    price_changed = serializers.BooleanField()
    stock_short = serializers.BooleanField()
    unavailable = serializers.BooleanField(help_text=_("The product is no longer on sale."))
    problems = serializers.ListField(child=serializers.CharField(), source="now.problems")


class PurchaseRequestReviewOut(serializers.Serializer):
    subtotal = serializers.IntegerField(source="quote.subtotal")
    delivery_total = serializers.IntegerField(source="quote.delivery_total")
    total = serializers.IntegerField(source="quote.total", help_text=_("Re-priced now; confirm it to approve."))
    total_changed = serializers.BooleanField()
    changed = serializers.BooleanField(help_text=_("Anything differs from what the member saw."))
    placeable = serializers.BooleanField(help_text=_("Approving can place it now."))
    lines = PurchaseRequestReviewLineOut(many=True)
    delivery_problems = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                              source="quote.delivery_problems")


class PurchaseRequestDetailOut(PurchaseRequestOut):
    review = serializers.SerializerMethodField(help_text=_("Re-priced now, for a waiting request; else null."))
    can_decide = serializers.SerializerMethodField(help_text=_("The caller may approve or reject it now."))
    can_withdraw = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    @extend_schema_field(PurchaseRequestReviewOut(allow_null=True))
    def get_review(self, purchase_request) -> dict | None:
        if purchase_request.status != PurchaseRequest.Status.SUBMITTED:
            return None
        return PurchaseRequestReviewOut(purchase_request_review(purchase_request=purchase_request)).data

    def get_can_decide(self, purchase_request) -> bool:
        return purchase_request.status == PurchaseRequest.Status.SUBMITTED and purchase_request_can_decide(
            purchase_request=purchase_request, user=self.context["request"].user)

    def get_can_withdraw(self, purchase_request) -> bool:
        return (purchase_request.status == PurchaseRequest.Status.SUBMITTED
                and purchase_request.requested_by_id == self.context["request"].user.pk)

    @extend_schema_field(PurchaseRequestEventOut(many=True))
    def get_events(self, purchase_request) -> list:
        return PurchaseRequestEventOut(purchase_request_event_list(purchase_request=purchase_request),
                                       many=True).data


def render_request(request, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
    purchase_request = access_purchase_request(user=request.user, pk=pk)
    return Response(PurchaseRequestDetailOut(purchase_request, context={"request": request}).data,
                    status=status_code)


# --- input ------------------------------------------------------------------------------------


class PurchaseRequestInput(serializers.Serializer):
    """The checkout's fields for a buyer organisation (``POST /checkout/`` takes the same)."""

    outlet_id = serializers.IntegerField(help_text=_("An outlet of the buyer organisation the caller acts for."))
    delivery = serializers.DictField(child=serializers.ChoiceField(choices=DeliveryOption.choices),
                                     help_text=_("Producer id → delivery option, for every producer in the cart."))
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    expected_total = serializers.IntegerField(min_value=0, help_text=_("The total (rupiah) the caller confirmed."))


class PurchaseRequestListParams(serializers.Serializer):
    status = serializers.ChoiceField(choices=PurchaseRequest.Status.choices, required=False)


class PurchaseRequestApproveInput(serializers.Serializer):
    expected_total = serializers.IntegerField(min_value=0, help_text=_("The re-priced total the approver confirmed."))


class PurchaseRequestRejectInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, allow_blank=True,
                                   help_text=_("Required: the member is told why."))


# --- views ------------------------------------------------------------------------------------


@extend_schema(parameters=[*ORGANISATION_PARAMETERS, PurchaseRequestListParams])
class PurchaseRequestListView(generics.ListCreateAPIView):
    """The purchase requests the caller may see (GET); submit the caller's cart for approval (POST)."""

    permission_classes = [IsAuthenticated]
    serializer_class = PurchaseRequestOut

    def get_queryset(self):
        params = query_params(PurchaseRequestListParams, self.request)
        organisation = None
        value = organisation_id(self.request)
        if value:
            if value.isdigit() and len(value) < 12:
                organisation = buyer_organisation_list(user=self.request.user).filter(pk=int(value)).first()
            if organisation is None:
                raise BuyerMemberRequired()
        return purchase_request_list(user=self.request.user, organisation=organisation, status=params.get("status"))

    @extend_schema(
        parameters=[OpenApiParameter(IDEMPOTENCY_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                                     description=_("8 to 64 printable characters, one per intended request."))],
        request=PurchaseRequestInput, responses={201: PurchaseRequestDetailOut, 200: PurchaseRequestDetailOut})
    def post(self, request, *args, **kwargs):
        shopper = request_shopper(request)
        serializer = PurchaseRequestInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        submitted = purchase_request_submit(shopper=shopper,
                                            idempotency_key=request.headers.get(IDEMPOTENCY_HEADER, ""), **data)
        return render_request(request, submitted.pk,
                              status.HTTP_200_OK if submitted.replayed else status.HTTP_201_CREATED)


class PurchaseRequestDetailView(APIView):
    """A purchase request, re-priced now while it waits, with its history."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PurchaseRequestDetailOut)
    def get(self, request, pk: int):
        return render_request(request, pk)


class PurchaseRequestApproveView(APIView):
    """Approve a waiting request (owners and managers): it is placed now for the organisation, once."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=PurchaseRequestApproveInput, responses=PurchaseRequestDetailOut)
    def post(self, request, pk: int):
        purchase_request = access_purchase_request(user=request.user, pk=pk)
        serializer = PurchaseRequestApproveInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        purchase_request_approve(purchase_request=purchase_request, actor=request.user,
                                 expected_total=serializer.validated_data["expected_total"])
        return render_request(request, pk)


class PurchaseRequestRejectView(APIView):
    """Reject a waiting request with a reason (owners and managers)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=PurchaseRequestRejectInput, responses=PurchaseRequestDetailOut)
    def post(self, request, pk: int):
        purchase_request = access_purchase_request(user=request.user, pk=pk)
        serializer = PurchaseRequestRejectInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        purchase_request_reject(purchase_request=purchase_request, actor=request.user,
                                reason=serializer.validated_data["reason"])
        return render_request(request, pk)


class PurchaseRequestWithdrawView(APIView):
    """Withdraw one's own waiting request."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=PurchaseRequestDetailOut)
    def post(self, request, pk: int):
        purchase_request_withdraw(purchase_request=access_purchase_request(user=request.user, pk=pk),
                                  actor=request.user)
        return render_request(request, pk)

