"""API: placements on shelves, consignment deliveries, sales reports (and their CSV import), settlements.

Every list holds only what the caller's organisations are party to: a chain sees its own placements,
deliveries, reports and settlements; a producer the placements of its products, its deliveries,
and of reports and settlements only its own lines; officers see everything. Another organisation's
object is a 404. Writes go through ``placements.services`` (the same functions as the pages), which
check again who acts: proposing and deciding as the chain is for its owners and managers, as the
producer for its people; reporting sales for any of the chain's people; settling for its owners
and managers and officers.
"""
from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from buyers.selectors import access_outlet
from market.accounts.selectors import buyer_organisation_list
from placements.exceptions import PlacementInvalid, PlacementSideRequired, SalesImportInvalid
from placements.models import EndReason, Placement, Side, Terms
from placements.selectors import (
    PlacementFilters,
    access_delivery,
    access_placement,
    access_sales_report,
    delivery_list_for_user,
    member_organisation_ids,
    placement_allowed_moves,
    placement_event_list,
    placement_list_for_user,
    sales_report_list_for_user,
    settlement_get_for_officers,
    settlement_line_list_for_user,
)
from placements.services import (
    DeliveryLineInput,
    PlacementProposal,
    SalesLineInput,
    consignment_delivery_record,
    consignment_settle,
    consignment_settlement_pay,
    placement_propose,
    placement_status_set,
    sales_report_import_csv,
    sales_report_submit,
)

# --- output -----------------------------------------------------------------------------------


class PlacementEventOut(serializers.Serializer):
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    side = serializers.CharField()
    reason = serializers.CharField()
    note = serializers.CharField()
    quantity = serializers.IntegerField(allow_null=True)
    amount = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


class PlacementOut(serializers.Serializer):
    id = serializers.IntegerField()
    organisation_id = serializers.IntegerField()
    organisation = serializers.CharField(source="organisation.name")
    outlet_id = serializers.IntegerField()
    outlet = serializers.CharField(source="outlet.name")
    product_id = serializers.IntegerField()
    product = serializers.CharField(source="product.name")
    producer_id = serializers.IntegerField()
    producer = serializers.CharField(source="producer.name")
    village = serializers.CharField(source="producer.village.name")
    terms = serializers.ChoiceField(choices=Terms.choices)
    shelf_price = serializers.IntegerField()
    consignment_price = serializers.IntegerField(allow_null=True)
    start_date = serializers.DateField()
    facings = serializers.IntegerField()
    low_stock_threshold = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Placement.Status.choices)
    proposed_by = serializers.ChoiceField(choices=Side.choices)
    end_reason = serializers.CharField()
    status_note = serializers.CharField()
    note = serializers.CharField()
    delivered = serializers.IntegerField()
    sold = serializers.IntegerField()
    shrinkage = serializers.IntegerField()
    stock_at_outlet = serializers.IntegerField()
    is_low_stock = serializers.BooleanField()


class PlacementDetailOut(PlacementOut):
    allowed_moves = serializers.ListField(child=serializers.CharField(),
                                          help_text="The statuses the caller may move the placement to now.")
    events = PlacementEventOut(many=True)


def _detail(request, placement: Placement) -> dict:
    placement.allowed_moves = placement_allowed_moves(user=request.user, placement=placement)
    placement.events_list = list(placement_event_list(placement=placement))
    data = PlacementOut(placement).data
    data["allowed_moves"] = placement.allowed_moves
    data["events"] = PlacementEventOut(placement.events_list, many=True).data
    return data


class DeliveryLineOut(serializers.Serializer):
    placement_id = serializers.IntegerField()
    product = serializers.CharField(source="placement.product.name")
    quantity = serializers.IntegerField()


class DeliveryOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    organisation_id = serializers.IntegerField()
    outlet_id = serializers.IntegerField()
    outlet = serializers.CharField(source="outlet.name")
    producer_id = serializers.IntegerField()
    producer = serializers.CharField(source="producer.name")
    delivered_on = serializers.DateField()
    note = serializers.CharField()
    lines = DeliveryLineOut(many=True)


class SalesLineOut(serializers.Serializer):
    placement_id = serializers.IntegerField()
    product = serializers.CharField(source="placement.product.name")
    sold = serializers.IntegerField()
    counted = serializers.IntegerField(allow_null=True)
    shrinkage = serializers.IntegerField()


class SalesReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    organisation_id = serializers.IntegerField()
    outlet_id = serializers.IntegerField()
    outlet = serializers.CharField(source="outlet.name")
    period_end = serializers.DateField()
    source = serializers.CharField()
    settled = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()

    def get_settled(self, report) -> bool:
        return hasattr(report, "settlement")

    @extend_schema_field(SalesLineOut(many=True))
    def get_lines(self, report) -> list[dict]:
        """A producer sees only its own lines of a chain's report; the chain and officers see all."""
        visible = self.context.get("organisations")
        lines = [line for line in report.lines.all()
                 if visible is None or report.organisation_id in visible
                 or line.placement.producer.organisation_id in visible]
        return SalesLineOut(lines, many=True).data


class SettlementLineOut(serializers.Serializer):
    id = serializers.IntegerField()
    settlement_id = serializers.IntegerField()
    report_id = serializers.IntegerField(source="settlement.report_id")
    organisation_id = serializers.IntegerField(source="settlement.organisation_id")
    outlet = serializers.CharField(source="settlement.report.outlet.name")
    period_end = serializers.DateField(source="settlement.report.period_end")
    placement_id = serializers.IntegerField()
    product = serializers.CharField(source="placement.product.name")
    producer_id = serializers.IntegerField()
    sold = serializers.IntegerField()
    unit_price = serializers.IntegerField()
    gross = serializers.IntegerField(help_text="Owed by the chain: units sold × agreed price (rupiah).")
    fee_rate = serializers.DecimalField(max_digits=5, decimal_places=4)
    fee = serializers.IntegerField(help_text="The platform's fee (rupiah).")
    net = serializers.IntegerField(help_text="Owed to the producer (rupiah).")
    settled_at = serializers.DateTimeField(source="settlement.created_at")


class SettlementOut(serializers.Serializer):
    id = serializers.IntegerField()
    report_id = serializers.IntegerField()
    gross = serializers.IntegerField()
    fee = serializers.IntegerField()
    net = serializers.IntegerField()
    ledger_entry = serializers.CharField(source="ledger_entry.key")
    created_at = serializers.DateTimeField()
    payment_reference = serializers.CharField(help_text="What the chain writes on its transfer.")
    paid_on = serializers.DateField(allow_null=True, help_text="When the chain's transfer arrived (null: unpaid).")
    bank_reference = serializers.CharField(help_text="The bank statement line of the chain's transfer.")


class SettlementPayIn(serializers.Serializer):
    amount = serializers.IntegerField(help_text="The whole amount owed (rupiah).")
    bank_reference = serializers.CharField(max_length=100)
    paid_on = serializers.DateField()


# --- input ------------------------------------------------------------------------------------


class PlacementInput(serializers.Serializer):
    side = serializers.ChoiceField(choices=Side.choices, help_text="Whom the caller proposes for.")
    outlet = serializers.IntegerField()
    product = serializers.IntegerField()
    terms = serializers.ChoiceField(choices=Terms.choices)
    shelf_price = serializers.IntegerField(min_value=1)
    consignment_price = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    start_date = serializers.DateField()
    facings = serializers.IntegerField(min_value=1, max_value=100, default=1)
    low_stock_threshold = serializers.IntegerField(min_value=0, default=0)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class TransitionInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=[c for c in Placement.Status.choices if c[0] != "proposed"])
    reason = serializers.ChoiceField(choices=EndReason.choices, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class DeliveryLineInputSerializer(serializers.Serializer):
    placement = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1)


class DeliveryInput(serializers.Serializer):
    outlet = serializers.IntegerField()
    delivered_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    lines = DeliveryLineInputSerializer(many=True)


class SalesLineInputSerializer(serializers.Serializer):
    placement = serializers.IntegerField()
    sold = serializers.IntegerField(min_value=0)
    counted = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)


class SalesReportInput(serializers.Serializer):
    outlet = serializers.IntegerField()
    period_end = serializers.DateField()
    lines = SalesLineInputSerializer(many=True)


class SalesImportInput(serializers.Serializer):
    organisation = serializers.IntegerField(help_text="The buyer organisation whose outlets the file reports.")
    file = serializers.FileField(help_text="CSV (UTF-8): outlet, product, period_end, sold, stock_count.")


class SalesImportOut(serializers.Serializer):
    reports = SalesReportOut(many=True)


# --- views ------------------------------------------------------------------------------------

_FILTERS = [OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, description=text)
            for name, text in (("status", "proposed, agreed, on_shelf, ended, declined or withdrawn"),
                               ("terms", "outright or consignment"),
                               ("organisation", "a buyer organisation's id"), ("outlet", "an outlet's id"),
                               ("producer", "a producer's id"), ("village", "the producer's village code"))]


def _int_param(request, name: str) -> int | None:
    value = request.query_params.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else None


class PlacementListView(generics.ListCreateAPIView):
    """The placements of the caller's chains and producers (officers: all), newest first; propose one (POST)."""

    permission_classes = [IsAuthenticated]
    serializer_class = PlacementOut

    @extend_schema(parameters=_FILTERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return placement_list_for_user(user=self.request.user, filters=PlacementFilters(
            status=params.get("status", ""), terms=params.get("terms", ""),
            organisation_id=_int_param(self.request, "organisation"), outlet_id=_int_param(self.request, "outlet"),
            producer_id=_int_param(self.request, "producer"), village_code=params.get("village", "")[:20]))

    @extend_schema(request=PlacementInput, responses={201: PlacementDetailOut})
    def post(self, request, *args, **kwargs):
        serializer = PlacementInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        placement = placement_propose(actor=request.user, side=data["side"], proposal=PlacementProposal(
            outlet_id=data["outlet"], product_id=data["product"], terms=data["terms"],
            shelf_price=data["shelf_price"], consignment_price=data["consignment_price"],
            start_date=data["start_date"], facings=data["facings"], low_stock_threshold=data["low_stock_threshold"],
            note=data["note"]))
        return Response(_detail(request, access_placement(user=request.user, pk=placement.pk)),
                        status=status.HTTP_201_CREATED)


class PlacementDetailView(APIView):
    """One placement with its history and the moves the caller may make."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PlacementDetailOut)
    def get(self, request, pk: int):
        return Response(_detail(request, access_placement(user=request.user, pk=pk)))


class PlacementTransitionView(APIView):
    """Agree, decline, withdraw, put on shelf or end a placement (as the table allows the caller's side)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=TransitionInput, responses=PlacementDetailOut)
    def post(self, request, pk: int):
        placement = access_placement(user=request.user, pk=pk)
        serializer = TransitionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        placement_status_set(placement=placement, actor=request.user, **serializer.validated_data)
        return Response(_detail(request, access_placement(user=request.user, pk=pk)))


class DeliveryListView(generics.ListCreateAPIView):
    """Consignment deliveries to the caller's chains' outlets or by its producers; record one (POST, producers)."""

    permission_classes = [IsAuthenticated]
    serializer_class = DeliveryOut

    def get_queryset(self):
        return delivery_list_for_user(user=self.request.user)

    @extend_schema(request=DeliveryInput, responses={201: DeliveryOut})
    def post(self, request, *args, **kwargs):
        serializer = DeliveryInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        placements = placement_list_for_user(user=request.user).filter(
            pk__in=[line["placement"] for line in data["lines"]]).select_related("outlet")
        outlet = next((p.outlet for p in placements if p.outlet_id == data["outlet"]), None)
        if outlet is None:
            raise PlacementInvalid(fields={"outlet": ["Choose the outlet of the placements delivered."]})
        delivery = consignment_delivery_record(
            actor=request.user, outlet=outlet, delivered_on=data["delivered_on"], note=data["note"],
            lines=[DeliveryLineInput(line["placement"], line["quantity"]) for line in data["lines"]])
        return Response(DeliveryOut(access_delivery(user=request.user, pk=delivery.pk)).data,
                        status=status.HTTP_201_CREATED)


class DeliveryDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DeliveryOut)
    def get(self, request, pk: int):
        return Response(DeliveryOut(access_delivery(user=request.user, pk=pk)).data)


def _report_context(request) -> dict:
    return {"organisations": None if request.user.is_officer else member_organisation_ids(user=request.user)}


class SalesReportListView(generics.ListCreateAPIView):
    """Sales reports of the caller's chains (producers: those naming their products); report one (POST, the chain)."""

    permission_classes = [IsAuthenticated]
    serializer_class = SalesReportOut

    def get_queryset(self):
        return sales_report_list_for_user(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **_report_context(self.request)}

    @extend_schema(request=SalesReportInput, responses={201: SalesReportOut})
    def post(self, request, *args, **kwargs):
        serializer = SalesReportInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outlet = access_outlet(user=request.user, pk=data["outlet"])
        report = sales_report_submit(actor=request.user, outlet=outlet, period_end=data["period_end"], lines=[
            SalesLineInput(line["placement"], line["sold"], line["counted"]) for line in data["lines"]])
        return Response(SalesReportOut(access_sales_report(user=request.user, pk=report.pk),
                                       context=_report_context(request)).data, status=status.HTTP_201_CREATED)


class SalesReportDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SalesReportOut)
    def get(self, request, pk: int):
        return Response(SalesReportOut(access_sales_report(user=request.user, pk=pk),
                                       context=_report_context(request)).data)


class SalesReportImportView(APIView):
    """Upload a chain's sales as CSV: every bad row comes back by line number in ``fields.file``, nothing written."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": SalesImportInput}, responses={201: SalesImportOut})
    def post(self, request):
        serializer = SalesImportInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = buyer_organisation_list(user=request.user).filter(
            pk=serializer.validated_data["organisation"]).first()
        if organisation is None:
            raise PlacementInvalid(fields={"organisation": ["Choose one of your buyer organisations."]})
        raw = serializer.validated_data["file"].read(2_000_001)
        if len(raw) > 2_000_000:
            raise SalesImportInvalid([(0, "The file is larger than 2 MB.")])
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SalesImportInvalid([(0, "Save the file as CSV in UTF-8.")]) from None
        reports = sales_report_import_csv(actor=request.user, organisation=organisation, text=text)
        context = _report_context(request)
        return Response({"reports": [SalesReportOut(access_sales_report(user=request.user, pk=r.pk),
                                                    context=context).data for r in reports]},
                        status=status.HTTP_201_CREATED)


class SalesReportSettleView(APIView):
    """Settle a report (the chain's owners and managers, officers): one ledger entry; repeating returns it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: SettlementOut})
    def post(self, request, pk: int):
        report = access_sales_report(user=request.user, pk=pk)
        settlement = consignment_settle(report=report, actor=request.user)
        return Response(SettlementOut(settlement).data, status=status.HTTP_201_CREATED)


class SettlementPayView(APIView):
    """Record the chain's transfer for a settlement (officers): the producers' held shares become available."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=SettlementPayIn, responses={200: SettlementOut})
    def post(self, request, pk: int):
        if not (request.user.is_active and request.user.is_officer):
            raise PlacementSideRequired(_("Only programme officers record the chains' payments."))
        serializer = SettlementPayIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        settlement = consignment_settlement_pay(settlement=settlement_get_for_officers(pk=pk), officer=request.user,
                                                **serializer.validated_data)
        return Response(SettlementOut(settlement).data)


class SettlementLineListView(generics.ListAPIView):
    """Settled consignment sales: a chain sees every line of its settlements, a producer its own lines."""

    permission_classes = [IsAuthenticated]
    serializer_class = SettlementLineOut

    def get_queryset(self):
        return settlement_line_list_for_user(user=self.request.user)
