"""API routes of the payments app, mounted at /api/v1/payments/."""
from django.urls import path

from payments import api

app_name = "payments"

urlpatterns = [
    path("checkouts/<int:pk>/card/", api.CardPaymentView.as_view(), name="card-payment"),
    path("checkouts/<int:pk>/bank-transfer/", api.BankTransferView.as_view(), name="bank-transfer"),
    path("bank-transfers/receipts/", api.TransferReceiptView.as_view(), name="transfer-receipts"),
    path("invoices/", api.TermsInvoiceListView.as_view(), name="terms-invoices"),
    path("producers/<int:producer_id>/balance/", api.ProducerBalanceView.as_view(), name="producer-balance"),
]
