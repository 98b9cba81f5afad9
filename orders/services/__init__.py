"""Writes of the orders app, one function per use case (split by subject into modules)."""
from orders.services.cart import (
    cart_clear,
    cart_line_add,
    cart_line_remove,
    cart_line_set,
    cart_merge,
    cart_prices_accept,
    cart_purge_stale,
)
from orders.services.checkout import (
    checkout_cancel,
    checkout_expire_due,
    checkout_mark_paid,
    checkout_reopen,
    order_place,
)
from orders.services.delivery import delivery_options_set, delivery_rule_set
from orders.services.fulfilment import (
    order_accept,
    order_cancel,
    order_complete,
    order_complete_due,
    order_decline,
    order_mark_delivered,
    order_pack,
    order_ship,
    order_transition,
)
from orders.services.problems import (
    order_problem_answer,
    order_problem_decide,
    order_problem_report,
    order_refund_mark_done,
    order_refundable,
    order_refunds_request,
)
from orders.services.purchase_requests import (
    purchase_request_approve,
    purchase_request_reject,
    purchase_request_submit,
    purchase_request_withdraw,
)
from orders.services.reorder import order_reorder
from orders.services.showcases import cart_showcase_meeting_fill, order_showcase_meeting_link

__all__ = [
    "cart_clear", "cart_line_add", "cart_line_remove", "cart_line_set", "cart_merge", "cart_prices_accept",
    "cart_purge_stale", "cart_showcase_meeting_fill", "checkout_cancel", "checkout_expire_due", "checkout_mark_paid", "checkout_reopen",
    "delivery_options_set",
    "delivery_rule_set",
    "order_accept", "order_cancel", "order_complete", "order_complete_due", "order_decline", "order_mark_delivered",
    "order_pack", "order_place", "order_problem_answer", "order_problem_decide", "order_problem_report",
    "order_refund_mark_done", "order_refundable", "order_refunds_request", "order_reorder", "order_ship",
    "order_showcase_meeting_link",
    "order_transition", "purchase_request_approve", "purchase_request_reject", "purchase_request_submit",
    "purchase_request_withdraw",
]
