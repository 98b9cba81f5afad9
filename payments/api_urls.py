"""API routes of the payments app, mounted at /api/v1/payments/."""
from django.urls import path

from payments import api

app_name = "payments"

urlpatterns = [
    path("checkouts/<int:pk>/card/", api.CardPaymentView.as_view(), name="card-payment"),
    path("checkouts/<int:pk>/bank-transfer/", api.BankTransferView.as_view(), name="bank-transfer"),
    path("bank-transfers/receipts/", api.TransferReceiptView.as_view(), name="transfer-receipts"),
    path("refunds/", api.RefundListView.as_view(), name="refunds"),
    path("refunds/<int:pk>/transfer/", api.RefundTransferView.as_view(), name="refund-transfer"),
    path("refunds/<int:pk>/credit-note/", api.RefundCreditNoteView.as_view(), name="refund-credit-note"),
    path("late-transfers/", api.LateTransferListView.as_view(), name="late-transfers"),
    path("late-transfers/<int:pk>/decide/", api.LateTransferDecideView.as_view(), name="late-transfer-decide"),
    path("invoices/", api.TermsInvoiceListView.as_view(), name="terms-invoices"),
    path("producers/<int:producer_id>/balance/", api.ProducerBalanceView.as_view(), name="producer-balance"),
]
