"""API: orders as each party sees them, their timeline, the moves of fulfilment, and reorder.

- Buyers and consumers list the orders of their shopper context (``X-Buyer-Organisation``).
- Producer people list their producers' orders (``?view=producer``): the lines, the buyer's name
  and the delivery address, never the checkout with the buyer's other purchases.
- Officers list every order (``?view=officer``, their default) with filters.

Who may make which move is enforced by ``orders.services.order_transition``; a caller who is no
party to an order gets 404.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import DISTRICT_CODE, query_params
from market.core.api import CappedCountPagination
from orders.api.cart import CartOut
from orders.api.common import ORGANISATION_PARAMETERS, OrderOut, request_shopper
from orders.api.problems import ProblemOut
from orders.models import Order, OrderEvent
from orders.selectors import (
    OrderFilters,
    access_order,
    cart_quote,
    order_actions,
    order_event_list,
    order_list_for_buyer,
    order_list_for_officers,
    order_list_for_producer_people,
    order_problem_list,
)
from orders.services import (
    order_accept,
    order_cancel,
    order_complete,
    order_decline,
    order_mark_delivered,
    order_pack,
    order_reorder,
    order_ship,
)
from orders.states import Party

VIEWS = ("buyer", "producer", "officer")

# --- output -----------------------------------------------------------------------------------


class OrderEventActorOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class OrderEventOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField(allow_blank=True)
    actor = OrderEventActorOut(allow_null=True, help_text=_("Null: the system (a payment, a periodic task)."))
    note = serializers.CharField(allow_blank=True)
    data = serializers.SerializerMethodField(help_text=_("Details (courier, refund...); payment details are "
                                                         "left out for the producer."))
    created_at = serializers.DateTimeField()

    def get_data(self, event) -> dict:
        # A payment covers the whole checkout (the buyer's other producers too): not the producer's business.
        if self.context.get("viewer") == Party.PRODUCER and event.kind == OrderEvent.Kind.PAYMENT:
            return {}
        return event.data


class OrderDetailOut(OrderOut):
    viewer = serializers.CharField(help_text=_("Who is looking: officer, buyer or producer."))
    actions = serializers.SerializerMethodField(help_text=_("The statuses the caller may move the order to now."))
    events = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    def get_actions(self, order) -> list[str]:
        return order_actions(order=order, user=self.context["request"].user)

    @extend_schema_field(OrderEventOut(many=True))
    def get_events(self, order) -> list:
        return OrderEventOut(order_event_list(order=order), many=True, context=self.context).data

    @extend_schema_field(ProblemOut(many=True))
    def get_problems(self, order) -> list:
        return ProblemOut(order_problem_list(order=order), many=True, context=self.context).data


def render_order(request, order: Order, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(OrderDetailOut(order, context={"request": request, "viewer": order.viewer}).data,
                    status=status_code)


# --- input ------------------------------------------------------------------------------------


class OrderListParams(serializers.Serializer):
    view = serializers.ChoiceField(choices=[(v, v) for v in VIEWS], required=False,
                                   help_text=_("Whose orders: buyer (default), producer, officer (officers' default)."))
    status = serializers.ChoiceField(choices=Order.Status.choices, required=False)
    producer = serializers.IntegerField(min_value=1, required=False)
    district = serializers.RegexField(DISTRICT_CODE, required=False,
                                      help_text=_("Officers: the producer's district code, e.g. 35.09.01"))
    placed_from = serializers.DateField(required=False)
    placed_to = serializers.DateField(required=False)
    number = serializers.CharField(required=False, max_length=32)


class TransitionInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class DeclineInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ShipInput(TransitionInput):
    courier = serializers.CharField(required=False, allow_blank=True, max_length=100, default="",
                                    help_text=_("Required when the order goes by courier."))
    tracking_number = serializers.CharField(required=False, allow_blank=True, max_length=100, default="",
                                            help_text=_("Required when the order goes by courier."))


class ReorderItemOut(serializers.Serializer):
    product_id = serializers.IntegerField()
    name = serializers.CharField()
    quantity = serializers.IntegerField(help_text=_("Units ordered last time."))
    added = serializers.IntegerField(help_text=_("Units put in the cart now."))
    reason = serializers.CharField(allow_blank=True)


class ReorderOut(serializers.Serializer):
    items = ReorderItemOut(many=True)
    cart = CartOut()


# --- views ------------------------------------------------------------------------------------


@extend_schema(parameters=[*ORGANISATION_PARAMETERS, OrderListParams])
class OrderListView(generics.ListAPIView):
    """The orders the caller may see, latest first (a fixed number of queries per page)."""

    permission_classes = [IsAuthenticated]
    serializer_class = OrderOut
    pagination_class = CappedCountPagination  # an officer's list holds every order: no exact COUNT(*) of them

    def _params(self) -> dict:
        if not hasattr(self, "_cached_params"):
            params = query_params(OrderListParams, self.request)
            user = self.request.user
            params.setdefault("view", "officer" if user.is_officer else "buyer")
            if params["view"] == "officer" and not user.is_officer:
                params["view"] = "buyer"
            self._cached_params = params
        return self._cached_params

    def get_queryset(self):
        params, user = self._params(), self.request.user
        if params["view"] == "officer":
            qs = order_list_for_officers(filters=OrderFilters(
                status=params.get("status"), producer=params.get("producer"),
                placed_from=params.get("placed_from"), placed_to=params.get("placed_to"),
                number=params.get("number", "")))
            if params.get("district"):
                qs = qs.filter(producer__village__district_id=params["district"])
            return qs
        if params["view"] == "producer":
            qs = order_list_for_producer_people(user=user, status=params.get("status"))
        else:
            qs = order_list_for_buyer(shopper=request_shopper(self.request), status=params.get("status"))
        return qs.filter(producer_id=params["producer"]) if params.get("producer") else qs

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "viewer": self._params()["view"]}


class OrderDetailView(APIView):
    """An order with its lines, delivery address, timeline, problems and the moves the caller may make."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OrderDetailOut)
    def get(self, request, pk: int):
        return render_order(request, access_order(user=request.user, pk=pk))


class _TransitionView(APIView):
    permission_classes = [IsAuthenticated]
    input_class: type[serializers.Serializer] = TransitionInput

    def act(self, order: Order, actor, data: dict) -> None:
        raise NotImplementedError

    def post(self, request, pk: int):
        order = access_order(user=request.user, pk=pk)
        serializer = self.input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.act(order, request.user, serializer.validated_data)
        return render_order(request, access_order(user=request.user, pk=pk))


def _transition(name: str, doc: str, service, input_class=TransitionInput):
    """Return a view class that moves an order with ``service`` (called with the input's fields)."""

    def act(self, order, actor, data):
        service(order=order, actor=actor, **data)

    view = type(name, (_TransitionView,), {"__doc__": doc, "act": act, "input_class": input_class,
                                           "__module__": __name__})
    view.post = extend_schema(request=input_class, responses=OrderDetailOut)(view.post)
    return view


OrderAcceptView = _transition("OrderAcceptView", "The producer takes the order on.", order_accept)
OrderDeclineView = _transition(
    "OrderDeclineView", "The producer declines the order, with a reason: the stock is released and it is refunded.",
    order_decline, DeclineInput)
OrderPackView = _transition("OrderPackView", "The producer has packed the order.", order_pack)
OrderShipView = _transition(
    "OrderShipView", "The goods leave the producer; by courier with the courier's name and tracking number.",
    order_ship, ShipInput)
OrderDeliverView = _transition("OrderDeliverView", "The goods arrived (the producer or the buyer says so).",
                               order_mark_delivered)
OrderConfirmView = _transition("OrderConfirmView", "The buyer confirms that everything is in order.",
                               order_complete)
OrderCancelView = _transition("OrderCancelView", "The buyer (or an officer) cancels a paid order before acceptance.",
                              order_cancel, CancelInput)


@extend_schema(parameters=ORGANISATION_PARAMETERS)
class OrderReorderView(APIView):
    """Put the products of a past order in the cart again, at today's prices and stock."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ReorderOut)
    def post(self, request, pk: int):
        shopper = request_shopper(request)
        order = access_order(user=request.user, pk=pk)
        result = order_reorder(order=order, shopper=shopper)
        return Response(ReorderOut({"items": result.items, "cart": cart_quote(shopper=shopper)}).data)

