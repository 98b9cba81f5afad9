"""Where other apps learn that catalogue data changed, without catalog importing them.

Catalog sits below search (search builds its documents from catalog's selectors), so catalog
never imports search. Instead it announces, inside the transaction that made the change, which
products, producers and villages may look different to the public now; search registers
``search.services.search_mark_dirty`` here from its ``AppConfig.ready()`` (the same way payments
plugs into ``orders/hooks.py``).

- ``register_catalog_changed(fn)``: ``fn(*, product_ids=(), producer_ids=(), village_codes=(),
  village_products=False) -> None`` runs inside the writing transaction, so that what it records
  commits or rolls back with the change. ``producer_ids`` stands for the listed products of those
  producers and their villages; ``village_products`` for the listed products of ``village_codes``.

Without registrations nothing is told (catalog works on its own). Every announcement also makes the
cached public pages stale (``market.core.pagecache.public_pages_changed``), registered or not.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from market.core.pagecache import public_pages_changed

_changed: list[Callable[..., None]] = []


def register_catalog_changed(fn: Callable[..., None]) -> Callable[..., None]:
    if fn not in _changed:
        _changed.append(fn)
    return fn


def catalog_changed(*, product_ids: Iterable[int] = (), producer_ids: Iterable[int] = (),
                    village_codes: Iterable[str] = (), village_products: bool = False) -> None:
    """Tell the registered apps that these products, producers or villages changed."""
    product_ids, producer_ids, village_codes = list(product_ids), list(producer_ids), list(village_codes)
    if product_ids or producer_ids or village_codes:  # cached anonymous pages (market/core/pagecache.py)
        public_pages_changed()
    for fn in _changed:
        fn(product_ids=product_ids, producer_ids=producer_ids, village_codes=village_codes,
           village_products=village_products)
