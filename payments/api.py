"""Payments API (mounted at /api/v1/payments/): pay a checkout by card or transfer, record transfers, balances;
officers' refunds owed (record the transfer with proof) and late transfers (decide)."""
from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.models import OrderRefund
from orders.selectors import order_refund_get, order_refund_owed_list
from payments.exceptions import LateTransferNotFound, PaymentForbidden, RefundNotFound, TermsNotFound
from payments.selectors import (
    access_checkout_to_pay,
    card_payment_client_secret,
    credit_summary_get,
    late_transfer_get,
    late_transfer_list,
    producer_balance_get,
    stripe_publishable_key,
    terms_invoice_list,
)
from payments.services import bank_transfer_record, bank_transfer_start
from payments.services.card import card_payment_start
from payments.services.late_transfers import late_transfer_decide
from payments.services.refunds import refund_credit_note, refund_record_transfer, refund_transferable


class CardPaymentSerializer(serializers.Serializer):
    payment_method_id = serializers.CharField(max_length=255)


CardPaymentResult = inline_serializer("CardPaymentResult", {
    "status": serializers.CharField(), "reference": serializers.CharField(),
    "publishable_key": serializers.CharField(), "client_secret": serializers.CharField(required=False)})
TransferInstructions = inline_serializer("TransferInstructions", {
    "reference": serializers.CharField(), "amount": serializers.IntegerField(),
    "bank_name": serializers.CharField(), "account_number": serializers.CharField(),
    "account_name": serializers.CharField(), "pay_before": serializers.DateTimeField(allow_null=True)})
TransferReceiptResult = inline_serializer("TransferReceiptResult", {
    "reference": serializers.CharField(), "amount": serializers.IntegerField(),
    "received": serializers.IntegerField(), "status": serializers.CharField(), "paid": serializers.BooleanField()})
ProducerBalanceResult = inline_serializer("ProducerBalance", {
    "pending": serializers.IntegerField(), "available": serializers.IntegerField()})


class CardPaymentView(APIView):
    """Pay a checkout with the card Stripe.js turned into a PaymentMethod."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=CardPaymentSerializer, responses={200: CardPaymentResult})
    def post(self, request, pk: int):
        # Someone else's checkout is refused before their input is read.
        checkout = access_checkout_to_pay(user=request.user, pk=pk)
        serializer = CardPaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = card_payment_start(checkout=checkout, user=request.user,
                                     payment_method_id=serializer.validated_data["payment_method_id"])
        data = {"status": payment.status, "reference": payment.reference,
                "publishable_key": stripe_publishable_key()}
        if payment.status == "requires_action":
            data["client_secret"] = card_payment_client_secret(payment=payment)
        return Response(data)


class BankTransferView(APIView):
    """The reference and bank account to pay a checkout into."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: TransferInstructions})
    def get(self, request, pk: int):
        checkout = access_checkout_to_pay(user=request.user, pk=pk)
        instructions = bank_transfer_start(checkout=checkout)
        return Response({"reference": instructions.reference, "amount": instructions.amount,
                         "bank_name": instructions.bank_name, "account_number": instructions.account_number,
                         "account_name": instructions.account_name, "pay_before": instructions.pay_before})


class TransferReceiptSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=20)
    amount = serializers.IntegerField(min_value=1)
    bank_reference = serializers.CharField(max_length=100)
    received_on = serializers.DateField()


class TransferReceiptView(APIView):
    """An officer records a transfer that arrived on the platform's account."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=TransferReceiptSerializer, responses={201: TransferReceiptResult})
    def post(self, request):
        if not request.user.is_officer:
            raise PaymentForbidden()
        serializer = TransferReceiptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = bank_transfer_record(officer=request.user, **serializer.validated_data)
        return Response({"reference": payment.reference, "amount": payment.amount, "received": payment.received,
                         "status": payment.status, "paid": payment.applied}, status=201)


class ProducerBalanceView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: ProducerBalanceResult})
    def get(self, request, producer_id: int):
        balance = producer_balance_get(user=request.user, producer_id=producer_id)
        return Response({"pending": balance.pending, "available": balance.available})


# --- invoices on terms -----------------------------------------------------------------------


class TermsInvoiceOut(serializers.Serializer):
    number = serializers.CharField(source="checkout.number")
    checkout_id = serializers.IntegerField()
    placed_at = serializers.DateTimeField(source="checkout.created_at")
    due_on = serializers.DateField()
    net_days = serializers.IntegerField()
    amount = serializers.IntegerField(source="checkout.total")
    paid = serializers.IntegerField()
    credited = serializers.IntegerField(help_text="Refunds owed while unpaid, taken off what is owed (credit notes).")
    outstanding = serializers.IntegerField()
    status = serializers.CharField(source="state", help_text="due, overdue or paid.")
    reference = serializers.CharField(source="payment.reference", help_text="Write it on the bank transfer.")


class TermsInvoiceListView(generics.ListAPIView):
    """The invoices on terms of the caller's buyer organisation (``?organisation=<id>`` to choose one), unpaid
    first, and its ``credit``: terms, limit, outstanding, available and how many invoices are overdue."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TermsInvoiceOut

    def _organisation(self):
        from market.accounts.selectors import buyer_organisation_list

        organisations = buyer_organisation_list(user=self.request.user)
        wanted = self.request.query_params.get("organisation")
        if wanted is not None:
            organisations = organisations.filter(pk=int(wanted)) if wanted.isdigit() else organisations.none()
        organisation = organisations.first()
        if organisation is None:
            raise TermsNotFound(_("Invoices on terms are for buyer organisations."))
        return organisation

    @extend_schema(parameters=[OpenApiParameter("organisation", int, required=False)])
    def get(self, request, *args, **kwargs):
        self.organisation = self._organisation()
        response = super().get(request, *args, **kwargs)
        summary = credit_summary_get(organisation=self.organisation)
        response.data["credit"] = {
            "status": summary.terms.status if summary.terms else None,
            "net_days": summary.terms.net_days if summary.terms else None,
            "credit_limit": summary.terms.credit_limit if summary.terms else 0,
            "outstanding": summary.outstanding, "available": summary.available, "overdue": summary.overdue}
        return response

    def get_queryset(self):
        return terms_invoice_list(organisation=self.organisation)


# --- refunds owed and late transfers (officers) -------------------------------------------------


def _officer_only(request) -> None:
    if not (request.user.is_active and request.user.is_officer):
        raise PaymentForbidden(_("Only programme officers see and record refunds and late transfers."))


def _refund_or_404(pk: int) -> OrderRefund:
    refund = order_refund_get(pk=pk)
    if refund is None:
        raise RefundNotFound()
    return refund


class RefundOut(serializers.Serializer):
    id = serializers.IntegerField()
    order_id = serializers.IntegerField()
    order_number = serializers.CharField(source="order.number")
    invoice_number = serializers.CharField(source="order.checkout.number")
    buyer = serializers.CharField(source="order.buyer_name")
    producer = serializers.CharField(source="order.producer.name")
    reason = serializers.CharField(help_text="declined, cancelled, problem or late_transfer.")
    payment_method = serializers.CharField(help_text="card, bank_transfer or invoice.")
    amount = serializers.IntegerField(help_text="Rupiah.")
    status = serializers.CharField(help_text="requested or done.")
    how = serializers.SerializerMethodField(help_text="How it is paid back: transfer (an officer records it), "
                                                      "credit_note (unpaid invoice) or provider (card).")
    requested_at = serializers.DateTimeField(source="created_at")
    settlement = serializers.CharField(help_text="Once done: provider, transfer or credit_note.")
    reference = serializers.CharField()
    transferred_on = serializers.DateField(allow_null=True)
    refunded_at = serializers.DateTimeField(allow_null=True)

    def get_how(self, refund) -> str:
        if refund_transferable(refund=refund):
            return "transfer"
        return "credit_note" if refund.payment_method == "invoice" else "provider"


class RefundListView(generics.ListAPIView):
    """Refunds still owed, the longest waiting first (officers)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = RefundOut

    def get_queryset(self):
        _officer_only(self.request)
        return order_refund_owed_list()


class RefundTransferIn(serializers.Serializer):
    bank_reference = serializers.CharField(max_length=100, help_text="The bank's reference of the refund transfer.")
    transferred_on = serializers.DateField(help_text="Not in the future, not before the refund was requested.")
    proof = serializers.FileField(help_text="A photo or screenshot of the bank's receipt (JPEG, PNG or WebP).")


class RefundTransferView(APIView):
    """Record the transfer that paid a refund back (multipart: reference, date, proof image); posted once."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": RefundTransferIn}, responses={200: RefundOut})
    def post(self, request, pk: int):
        _officer_only(request)
        refund = _refund_or_404(pk)
        serializer = RefundTransferIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        refund = refund_record_transfer(refund=refund, officer=request.user, **serializer.validated_data)
        return Response(RefundOut(_refund_or_404(refund.pk)).data)


class RefundCreditNoteView(APIView):
    """Take a refund owed on an unpaid invoice on terms off what is owed (usually done automatically)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: RefundOut})
    def post(self, request, pk: int):
        _officer_only(request)
        refund = refund_credit_note(refund=_refund_or_404(pk), officer=request.user)
        return Response(RefundOut(_refund_or_404(refund.pk)).data)


class LateTransferOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(source="payment.reference")
    checkout_id = serializers.IntegerField(source="payment.checkout_id")
    invoice_number = serializers.CharField(source="payment.checkout.number")
    checkout_status = serializers.CharField(source="payment.checkout.status")
    checkout_total = serializers.IntegerField(source="payment.checkout.total")
    amount = serializers.IntegerField(help_text="Rupiah that arrived late.")
    status = serializers.CharField(help_text="open, reopened or refunded.")
    arrived_at = serializers.DateTimeField(source="created_at")
    decided_by = serializers.CharField(source="decided_by.email", allow_null=True, default=None)
    decided_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()


class LateTransferListView(generics.ListAPIView):
    """Transfers that arrived after their checkout expired or was cancelled; open ones unless ``?status=all``."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = LateTransferOut

    @extend_schema(parameters=[OpenApiParameter("status", str, required=False,
                                                description="open (default), reopened, refunded or all.")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        _officer_only(self.request)
        status = self.request.query_params.get("status", "open")
        if status not in ("open", "reopened", "refunded", "all"):
            status = "open"
        return late_transfer_list(status=None if status == "all" else status)


class LateTransferDecideIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["reopen", "refund"])
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class LateTransferDecideView(APIView):
    """Decide a late transfer once: re-open its checkout (all stock still there) or refund it."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=LateTransferDecideIn, responses={200: LateTransferOut})
    def post(self, request, pk: int):
        _officer_only(request)
        late = late_transfer_get(pk=pk)
        if late is None:
            raise LateTransferNotFound()
        serializer = LateTransferDecideIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        late = late_transfer_decide(officer=request.user, late_transfer=late, **serializer.validated_data)
        return Response(LateTransferOut(late_transfer_get(pk=late.pk)).data)
