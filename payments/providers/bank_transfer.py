from __future__ import annotations

from orders.models import PaymentMethod
from payments.models import Provider
from payments.providers.base import PaymentProvider, RefundResult


class BankTransferProvider(PaymentProvider):
    """Transfers to the platform's bank account, recorded by an officer; refunds are transferred by hand."""

    code = Provider.BANK_TRANSFER
    methods = (PaymentMethod.BANK_TRANSFER,)

    def is_configured(self) -> bool:
        from payments.services.bank_transfer import bank_account_configured

        return bank_account_configured()

    def refund(self, *, payment, amount: int, key: str) -> RefundResult:
        # No API: the refund stays requested until an officer transfers it and records it.
        return RefundResult(done=False)
