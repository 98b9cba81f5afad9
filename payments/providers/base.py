"""The interface every payment provider implements.

Orders knows payment *methods* (``orders.models.PaymentMethod``); a provider takes the money for
one or more of them. Adding an Indonesian gateway (QRIS, virtual accounts, e-wallets) means a new
``PaymentProvider`` subclass registered in ``payments.providers.registry``, a ``Provider`` choice
and, when it brings a new method, a ``PaymentMethod`` choice: orders itself does not change, as it
only talks to ``orders.hooks``, which ``payments.integration`` implements through this interface.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class RefundResult:
    """What the provider said about a refund: done (with its reference) or left to an officer."""

    done: bool
    reference: str = ""


class PaymentProvider(ABC):
    code: str  # payments.models.Provider value
    methods: tuple[str, ...]  # orders.models.PaymentMethod values this provider takes

    @abstractmethod
    def is_configured(self) -> bool:
        """Return whether the provider can take money now (keys present); if not, its methods are hidden."""

    def amount_check(self, *, amount: int) -> None:  # noqa: B027 - optional hook
        """Raise an ``ApplicationError`` if the provider would refuse ``amount`` rupiah."""

    @abstractmethod
    def refund(self, *, payment, amount: int, key: str) -> RefundResult:
        """Pay ``amount`` rupiah of ``payment`` back; ``key`` is the idempotency key (from our refund row)."""

    def cancel(self, *, payment) -> None:  # noqa: B027 - optional hook
        """Stop an unfinished payment of a checkout that expired or was cancelled."""
