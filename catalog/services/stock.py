"""Stock: restock, reserve for orders, release, ship and correct after a count.

Every function locks the ``ProductStock`` rows it touches in primary-key order (so two orders
for the same products never deadlock), changes counters with ``F()`` and writes one
``StockMovement`` per product. The database refuses ``reserved < 0`` and ``on_hand < reserved``.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from catalog.exceptions import CatalogInvalid, InsufficientStock, ProductNotFound, StockQuantityInvalid
from catalog.hooks import catalog_changed
from catalog.models import AssistAction, Producer, Product, ProductStock, StockMovement
from catalog.selectors.public import stock_shown
from catalog.services._auth import on_behalf_of, require_producer_editor
from market.accounts.models import User
from market.core.pagecache import public_pages_changed

Reason = StockMovement.Reason
Assisted = AssistAction.Kind


def _quantities(items) -> dict[int, int]:
    """Merge ``[(product_id, quantity), ...]`` into ``{product_id: total}``; refuse non-positive quantities."""
    merged: dict[int, int] = {}
    for item in items:
        try:
            product_id, quantity = item
        except (TypeError, ValueError):
            raise StockQuantityInvalid() from None
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise StockQuantityInvalid()
        merged[product_id] = merged.get(product_id, 0) + quantity
    if not merged:
        raise StockQuantityInvalid()
    return merged


def _lock(product_ids) -> dict[int, ProductStock]:
    """Lock the stock rows of ``product_ids`` in primary-key order."""
    rows = list(ProductStock.objects.filter(product_id__in=product_ids).select_related("product")
                .order_by("pk").select_for_update(of=("self",)))
    if len(rows) != len(set(product_ids)):
        raise ProductNotFound()
    return {row.product_id: row for row in rows}


def _apply(*, rows: dict[int, ProductStock], deltas: dict[int, tuple[int, int]], reason: str, reference: str,
           actor: User | None, on_behalf: Producer | None = None) -> list[ProductStock]:
    for product_id, (delta_on_hand, delta_reserved) in sorted(deltas.items(), key=lambda kv: rows[kv[0]].pk):
        ProductStock.objects.filter(pk=rows[product_id].pk).update(
            on_hand=F("on_hand") + delta_on_hand, reserved=F("reserved") + delta_reserved)
    StockMovement.objects.bulk_create(
        StockMovement(product_id=product_id, delta_on_hand=d_on_hand, delta_reserved=d_reserved, reason=reason,
                      reference=reference, actor=actor, on_behalf_of=on_behalf)
        for product_id, (d_on_hand, d_reserved) in sorted(deltas.items()))
    changed = list(ProductStock.objects.filter(pk__in=[row.pk for row in rows.values()]).order_by("product_id"))
    # Search filters on "in stock": only a crossing of zero changes a document.
    catalog_changed(product_ids=[s.product_id for s in changed
                                   if (s.available > 0) != (rows[s.product_id].available > 0)])
    if any(_shown(s) != _shown(rows[s.product_id]) for s in changed):  # "only 3 left" became "only 2 left"
        public_pages_changed()
    return changed


def _shown(stock: ProductStock) -> tuple[str, int | None]:
    """Return what the public pages say of ``stock``: its state, and the count only where it is shown."""
    shown = stock_shown(available=stock.available, low_stock_threshold=stock.low_stock_threshold)
    return shown["state"], shown["available"] if shown["state"] == "low" else None


@transaction.atomic
def stock_restock(*, product: Product, quantity: int, actor: User, reference: str = "") -> ProductStock:
    """Add ``quantity`` units that arrived in the producer's store."""
    assisted = require_producer_editor(actor, product.producer, action=Assisted.STOCK_RESTOCKED,
                                       subject=product.name, product=product)
    quantities = _quantities([(product.pk, quantity)])
    rows = _lock(quantities)
    (stock,) = _apply(rows=rows, deltas={product.pk: (quantity, 0)}, reason=Reason.RESTOCK,
                      reference=reference.strip(), actor=actor, on_behalf=on_behalf_of(assisted))
    return stock


@transaction.atomic
def stock_reserve(*, items: list[tuple[int, int]], reference: str, actor: User | None = None) -> list[ProductStock]:
    """Reserve units of one or more products for an order, all or nothing.

    Raise ``InsufficientStock`` (with the units still available per product) if any product
    has fewer available units than asked for.
    """
    quantities = _quantities(items)
    rows = _lock(quantities)
    short = {pid: rows[pid].available for pid, qty in quantities.items() if rows[pid].available < qty}
    if short:
        raise InsufficientStock(available={pid: max(count, 0) for pid, count in short.items()},
                                names={pid: rows[pid].product.name for pid in short})
    return _apply(rows=rows, deltas={pid: (0, qty) for pid, qty in quantities.items()}, reason=Reason.ORDER_RESERVED,
                  reference=reference, actor=actor)


def _check_reserved(rows: dict[int, ProductStock], quantities: dict[int, int]) -> None:
    over = {str(pid): [str(_("Only %(count)s reserved.") % {"count": rows[pid].reserved})]
            for pid, qty in quantities.items() if rows[pid].reserved < qty}
    if over:
        raise CatalogInvalid(_("More units than are reserved."), fields=over)


@transaction.atomic
def stock_release(*, items: list[tuple[int, int]], reference: str, actor: User | None = None,
                  on_behalf: Producer | None = None) -> list[ProductStock]:
    """Give back reserved units of a cancelled order (``on_behalf``: the producer an assisting officer acts for;
    the caller checked the session)."""
    quantities = _quantities(items)
    rows = _lock(quantities)
    _check_reserved(rows, quantities)
    return _apply(rows=rows, deltas={pid: (0, -qty) for pid, qty in quantities.items()},
                  reason=Reason.ORDER_CANCELLED, reference=reference, actor=actor, on_behalf=on_behalf)


@transaction.atomic
def stock_ship(*, items: list[tuple[int, int]], reference: str, actor: User | None = None,
               on_behalf: Producer | None = None) -> list[ProductStock]:
    """Take shipped units out of the store: both on hand and reserved go down (``on_behalf``: as for
    ``stock_release``)."""
    quantities = _quantities(items)
    rows = _lock(quantities)
    _check_reserved(rows, quantities)
    return _apply(rows=rows, deltas={pid: (-qty, -qty) for pid, qty in quantities.items()},
                  reason=Reason.ORDER_SHIPPED, reference=reference, actor=actor, on_behalf=on_behalf)


@transaction.atomic
def stock_correct(*, product: Product, on_hand: int, actor: User, reference: str) -> ProductStock:
    """Set the units on hand to a counted figure; it cannot fall below what is reserved."""
    assisted = require_producer_editor(actor, product.producer, action=Assisted.STOCK_CORRECTED,
                                       subject=product.name, product=product)
    if not isinstance(on_hand, int) or isinstance(on_hand, bool) or on_hand < 0:
        raise StockQuantityInvalid(fields={"on_hand": [str(_("Enter a whole number of zero or more."))]})
    if not reference.strip():
        raise CatalogInvalid(fields={"reference": [str(_("Say why the count changed."))]})
    rows = _lock([product.pk])
    stock = rows[product.pk]
    if on_hand < stock.reserved:
        raise CatalogInvalid(fields={"on_hand": [str(_("%(count)s units are reserved for orders.")
                                                     % {"count": stock.reserved})]})
    if on_hand == stock.on_hand:
        return stock
    (stock,) = _apply(rows=rows, deltas={product.pk: (on_hand - stock.on_hand, 0)}, reason=Reason.CORRECTION,
                      reference=reference.strip(), actor=actor, on_behalf=on_behalf_of(assisted))
    return stock


@transaction.atomic
def stock_threshold_set(*, product: Product, low_stock_threshold: int, actor: User) -> ProductStock:
    """Set the level below which the producer is warned about low stock."""
    require_producer_editor(actor, product.producer, action=Assisted.STOCK_THRESHOLD_SET, subject=product.name,
                            product=product)
    if not isinstance(low_stock_threshold, int) or isinstance(low_stock_threshold, bool) or low_stock_threshold < 0:
        raise StockQuantityInvalid(fields={"low_stock_threshold": [str(_("Enter a whole number of zero or more."))]})
    stock = _lock([product.pk])[product.pk]
    shown = _shown(stock)
    stock.low_stock_threshold = low_stock_threshold
    stock.save(update_fields=["low_stock_threshold"])
    if _shown(stock) != shown:
        public_pages_changed()
    return stock
