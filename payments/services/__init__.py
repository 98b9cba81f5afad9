"""Writes of the payments app, one function per use case."""
from payments.services.bank_transfer import bank_reference_for, bank_transfer_record, bank_transfer_start
from payments.services.ledger import (
    checkout_allocation_post,
    ledger_entry_post,
    payment_receipt_post,
)

__all__ = ["bank_reference_for", "bank_transfer_record", "bank_transfer_start", "checkout_allocation_post",
           "ledger_entry_post", "payment_receipt_post"]
