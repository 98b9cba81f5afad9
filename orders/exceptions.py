"""Errors of the orders app; each has a stable ``code`` (see ``market.core.errors``).

Stock shortages are ``catalog.exceptions.InsufficientStock`` ("Only N left of ..."), raised
with the names buyers see (the approved snapshot's).
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from market.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


class OrdersInvalid(ValidationFailed):
    """Bad input for an orders service; ``fields`` says which field is wrong and why."""

    code = "orders_invalid"


class QuantityInvalid(ValidationFailed):
    code = "quantity_invalid"
    default_message = _("Enter a whole number of units.")


class ProductUnavailable(ValidationFailed):
    code = "product_unavailable"
    default_message = _("This product is not on sale.")


class CartEmpty(ValidationFailed):
    code = "cart_empty"
    default_message = _("Your cart is empty.")


class CartInvalid(ValidationFailed):
    """Some cart lines cannot be ordered as they are; ``fields`` maps product ids to the reasons."""

    code = "cart_invalid"
    default_message = _("Some products in your cart cannot be ordered as they are. Check the cart.")


class PricesChanged(Conflict):
    """Prices changed since the shopper saw them; ``fields`` maps product ids to old and new price."""

    code = "prices_changed"
    default_message = _("Some prices have changed since you added the products. Review the cart and confirm.")


class TotalChanged(Conflict):
    code = "total_changed"
    default_message = _("The total has changed. Review the new total and confirm again.")


class DeliveryInvalid(ValidationFailed):
    code = "delivery_invalid"
    default_message = _("Choose how each producer delivers and where to.")


class PaymentMethodInvalid(ValidationFailed):
    code = "payment_method_invalid"
    default_message = _("This payment method is not available.")


class SignInRequired(PermissionDenied):
    code = "sign_in_required"
    default_message = _("Sign in to place an order.")
    http_status = 401


class BuyerMemberRequired(PermissionDenied):
    code = "buyer_member_required"
    default_message = _("Only members of this buyer organisation can shop for it.")


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = _("This request key was already used for a different order.")


class CheckoutNotFound(NotFound):
    code = "checkout_not_found"
    default_message = _("Order not found.")


class OrderNotFound(NotFound):
    code = "order_not_found"
    default_message = _("Order not found.")


class OrderTransitionInvalid(Conflict):
    code = "order_transition_invalid"
    default_message = _("This order cannot make that change in its current status.")


class OrderActionForbidden(PermissionDenied):
    code = "order_action_forbidden"
    default_message = _("You cannot make this change to this order.")


class CheckoutNotPayable(Conflict):
    code = "checkout_not_payable"
    default_message = _("This order can no longer be paid: it was cancelled or its reservation expired.")


class CheckoutAlreadyPaid(Conflict):
    code = "checkout_already_paid"
    default_message = _("This order has already been paid.")


class ProblemNotAllowed(Conflict):
    code = "problem_not_allowed"
    default_message = _("Problems can be reported within 7 days of delivery.")


class ProblemStatusInvalid(Conflict):
    code = "problem_status_invalid"
    default_message = _("This problem cannot make that change in its current status.")


class RefundInvalid(ValidationFailed):
    code = "refund_invalid"
    default_message = _("The refund is not valid.")


class ApprovalRequired(PermissionDenied):
    """A member's order is above the organisation's approval limit: it must be submitted for approval."""

    code = "approval_required"
    default_message = _("Orders above your organisation's approval limit need a manager's approval. "
                        "Submit this cart for approval instead.")


class ApprovalNotNeeded(Conflict):
    code = "approval_not_needed"
    default_message = _("This order is within your approval limit (or you are not limited): place it directly.")


class PurchaseRequestNotFound(NotFound):
    code = "purchase_request_not_found"
    default_message = _("Purchase request not found.")


class PurchaseRequestForbidden(PermissionDenied):
    code = "purchase_request_forbidden"
    default_message = _("Only an owner or manager of the organisation can approve or reject purchase requests, "
                        "and not their own.")


class PurchaseRequestStatusInvalid(Conflict):
    code = "purchase_request_status_invalid"
    default_message = _("This purchase request was already decided or withdrawn.")


class CheckoutNotReopenable(Conflict):
    code = "checkout_not_reopenable"
    default_message = _("Only an expired or cancelled unpaid order can be re-opened.")
