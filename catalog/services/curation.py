"""Officers' curation decisions on a product, as one table: who may, from which state, what reason
is required, which service carries it out. The officer pages and the API both decide through it."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from catalog.models import Product, ProductCurationEvent
from catalog.services._auth import require_officer
from catalog.services.products import product_approve, product_delist, product_reject
from market.accounts.models import User


@dataclass(frozen=True)
class CurationDecision:
    """One decision: ``available`` says from which state of the product it can be taken (the service
    checks again under the row lock); ``reasons_required`` whether it needs rejection reasons (and a
    note with "other"); ``service`` carries it out. Only active officers may take any of them."""

    name: str
    available: Callable[[Product], bool]
    reasons_required: bool
    service: Callable[..., ProductCurationEvent]


CURATION_DECISIONS: dict[str, CurationDecision] = {
    decision.name: decision for decision in (
        CurationDecision("approve", available=lambda product: product.status == Product.Status.SUBMITTED,
                         reasons_required=False, service=product_approve),
        CurationDecision("reject", available=lambda product: product.status == Product.Status.SUBMITTED,
                         reasons_required=True, service=product_reject),
        CurationDecision("delist", available=lambda product: product.listed,
                         reasons_required=True, service=product_delist),
    )
}


def product_curation_decide(*, product: Product, officer: User, decision: str, reasons: Iterable[str] = (),
                            note: str = "") -> ProductCurationEvent:
    """Take the curation ``decision`` (a key of ``CURATION_DECISIONS``) on ``product``."""
    require_officer(officer)
    entry = CURATION_DECISIONS[decision]
    if entry.reasons_required:
        return entry.service(product=product, officer=officer, reasons=list(reasons), note=note)
    return entry.service(product=product, officer=officer, note=note)


def product_curation_decisions_available(*, product: Product) -> set[str]:
    """Return the decisions an officer can take on ``product`` as it is now."""
    return {name for name, entry in CURATION_DECISIONS.items() if entry.available(product)}
