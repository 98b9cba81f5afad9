"""Payments API (mounted at /api/v1/payments/): pay a checkout by card or transfer, record transfers, balances."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from payments.exceptions import PaymentForbidden
from payments.selectors import (
    access_checkout_to_pay,
    card_payment_client_secret,
    producer_balance_get,
    stripe_publishable_key,
)
from payments.services import bank_transfer_record, bank_transfer_start
from payments.services.card import card_payment_start


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
        serializer = CardPaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        checkout = access_checkout_to_pay(user=request.user, pk=pk)
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
