"""Errors of the payments app (``market.core.errors`` family)."""
from django.utils.translation import gettext_lazy as _

from market.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationFailed


class AmountOutOfRange(ValidationFailed):
    code = "payment_amount_out_of_range"
    default_message = _("This amount cannot be paid with this method.")


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    default_message = _("Payment not found.")


class PaymentForbidden(PermissionDenied):
    code = "payment_forbidden"
    default_message = _("Only finance officers record payments.")


class PaymentInvalid(ValidationFailed):
    code = "payment_invalid"
    default_message = _("The payment is not valid.")


class PaymentDeclined(ApplicationError):
    code = "payment_declined"
    default_message = _("The card was declined. Try another card or pay by bank transfer.")
    http_status = 402


class PaymentNotPossible(Conflict):
    code = "payment_not_possible"
    default_message = _("This order cannot be paid now.")


class BankAccountNotConfigured(PaymentNotPossible):
    code = "bank_account_not_configured"
    default_message = _("Payment by bank transfer is not available yet: the programme's bank account is not set "
                        "up. Your order is kept until the time shown; a programme officer can help.")
    http_status = 503


class ProviderUnavailable(ApplicationError):
    code = "payment_provider_unavailable"
    default_message = _("The payment service did not answer. If your payment went through, the order shows as "
                        "paid within a few minutes: check it before you pay again.")
    http_status = 503


class LedgerUnbalanced(Exception):
    """A programming error: an entry whose debits and credits differ is never written."""


class TermsForbidden(PermissionDenied):
    code = "terms_forbidden"
    default_message = _("Only programme officers set payment terms.")


class TermsInvalid(ValidationFailed):
    code = "terms_invalid"
    default_message = _("The payment terms are not valid.")


class TermsNotFound(NotFound):
    code = "terms_not_found"
    default_message = _("This organisation has no payment terms.")


class TermsNotApproved(Conflict):
    code = "terms_not_approved"
    default_message = _("Your organisation is not approved to pay by invoice. Choose another payment method.")


class InvoiceOverdue(Conflict):
    code = "invoice_overdue"
    default_message = _("An invoice is overdue. Pay it before ordering on terms again.")


class CreditLimitExceeded(Conflict):
    code = "credit_limit_exceeded"
    default_message = _("This order is over your organisation's credit limit.")


class BankAccountForbidden(PermissionDenied):
    code = "bank_account_forbidden"
    default_message = _("Only the owner of the business can change where its payouts go.")


class ReauthenticationRequired(PermissionDenied):
    """A change that redirects money needs a recent password (or two-factor) confirmation, not just a session."""

    code = "reauthentication_required"
    default_message = _("Confirm it is you (enter your password again) before changing the bank account for "
                        "payouts.")


class PaymentTransitionInvalid(Conflict):
    code = "payment_transition_invalid"
    default_message = _("This payment cannot make that change in its current status.")


class RefundNotFound(NotFound):
    code = "refund_not_found"
    default_message = _("Refund not found.")


class LateTransferNotFound(NotFound):
    code = "late_transfer_not_found"
    default_message = _("Late transfer not found.")


class LateTransferDecided(Conflict):
    code = "late_transfer_decided"
    default_message = _("This late transfer was already decided.")
