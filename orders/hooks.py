"""Where the payments app plugs into orders, without orders importing it.

Orders knows payment methods, an "awaiting payment" state with a reservation that expires, and
refunds owed (``OrderRefund`` rows written with whatever caused them). It does not move money.
The payments app (issue 6) registers its functions here from its ``AppConfig.ready()``:

- ``register_payment_method_offered(fn)``: ``fn(*, shopper, method) -> bool`` hides a method
  (card without Stripe keys, invoice for an organisation without approved terms);
- ``register_payment_method_check(fn)``: ``fn(*, shopper, method, total) -> None`` runs inside
  the placing transaction and raises an ``ApplicationError`` to refuse (overdue invoices, credit
  limit); nothing is written then;
- ``register_checkout_placed(fn)``: ``fn(*, checkout) -> None`` runs inside the placing
  transaction once the checkout, its orders and numbers are written (the invoice of a checkout
  on terms: its due date and payment reference);
- ``register_refund_processor(fn)``: ``fn(*, refund) -> None`` is called after commit, in a task,
  for each requested refund; it pays the money back through the provider that took it and calls
  ``orders.services.order_refund_mark_done(refund=..., reference=...)``;
- ``register_checkout_closed(fn)``: ``fn(*, checkout) -> None`` is called after commit, in a
  task, when an unpaid checkout expires or is cancelled (cancel the PaymentIntent...).

In the other direction the payments app calls ``orders.services.checkout_mark_paid(checkout=...,
reference=...)`` (idempotent) when a checkout is paid in full.

Without registrations every method is offered and refunds stay ``requested`` for an officer.
"""
from __future__ import annotations

from collections.abc import Callable

_offered: list[Callable[..., bool]] = []
_checks: list[Callable[..., None]] = []
_placed: list[Callable[..., None]] = []
_refund_processors: list[Callable[..., None]] = []
_checkout_closed: list[Callable[..., None]] = []


def _register(registry: list, fn: Callable) -> Callable:
    if fn not in registry:
        registry.append(fn)
    return fn


def register_payment_method_offered(fn: Callable[..., bool]) -> Callable[..., bool]:
    return _register(_offered, fn)


def register_payment_method_check(fn: Callable[..., None]) -> Callable[..., None]:
    return _register(_checks, fn)


def register_checkout_placed(fn: Callable[..., None]) -> Callable[..., None]:
    return _register(_placed, fn)


def register_refund_processor(fn: Callable[..., None]) -> Callable[..., None]:
    return _register(_refund_processors, fn)


def register_checkout_closed(fn: Callable[..., None]) -> Callable[..., None]:
    return _register(_checkout_closed, fn)


def unregister(fn: Callable) -> None:
    """Remove ``fn`` from every registry (tests)."""
    for registry in (_offered, _checks, _placed, _refund_processors, _checkout_closed):
        while fn in registry:
            registry.remove(fn)


def payment_method_offered(*, shopper, method: str) -> bool:
    return all(fn(shopper=shopper, method=method) for fn in _offered)


def payment_method_check(*, shopper, method: str, total: int) -> None:
    for fn in _checks:
        fn(shopper=shopper, method=method, total=total)


def checkout_placed(*, checkout) -> None:
    for fn in _placed:
        fn(checkout=checkout)


def refund_requested(*, refund) -> int:
    """Hand a requested refund to the registered processors; return how many there were."""
    for fn in _refund_processors:
        fn(refund=refund)
    return len(_refund_processors)


def checkout_closed(*, checkout) -> None:
    for fn in _checkout_closed:
        fn(checkout=checkout)
