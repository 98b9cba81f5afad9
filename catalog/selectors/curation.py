"""Reads for curation: the queue, the working copy beside the approved snapshot, the history."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from catalog.models import Product
from catalog.selectors.public import product_public_snapshot


def product_list_for_curation() -> QuerySet[Product]:
    """Return products waiting for an officer, oldest change first."""
    return (Product.objects.filter(status=Product.Status.SUBMITTED)
            .select_related("producer__village__district", "category").order_by("updated_at", "pk"))


@dataclass(frozen=True)
class SnapshotComparison:
    """A product's working copy and approved version as snapshot dicts, and the keys that differ."""

    working: dict
    approved: dict
    changed: list[str]


def product_compare_with_approved(*, product: Product) -> SnapshotComparison:
    """Return the working copy beside the approved snapshot, and which buyer-visible fields changed.

    The working copy is put in the snapshot's shape by the same function approval uses, so the
    comparison cannot drift from what approving would publish. Photos compare by file and text.
    """
    working = product_public_snapshot(product)
    approved = product.approved_snapshot or {}

    def comparable(key: str, data: dict):
        value = data.get(key)
        if key == "photos":
            return [(photo.get("image"), photo.get("alt")) for photo in value or []]
        if key == "price_tiers":
            return [list(tier) for tier in value or []]
        return value

    changed = [key for key in working if key not in ("producer_id", "sku")
               and (not approved or comparable(key, working) != comparable(key, approved))]
    return SnapshotComparison(working=working, approved=approved, changed=changed if approved else [])


def product_curation_history(*, product: Product):
    """Return the product's curation events, oldest first, with who made them."""
    from catalog.models import ProductCurationEvent

    return (ProductCurationEvent.objects.filter(product=product).select_related("actor")
            .order_by("created_at", "pk"))


def snapshot_reference_names(*, comparison: SnapshotComparison) -> tuple[dict[int, str], dict[int, str]]:
    """Return the names of the categories and commodities either side of ``comparison`` refers to, by id."""
    from catalog.models import Category, Commodity

    sides = (comparison.working, comparison.approved)
    category_ids = [i for i in {data.get("category_id") for data in sides} if i]
    commodity_ids = [i for i in {data.get("commodity_id") for data in sides} if i]
    return ({c.pk: c.name for c in Category.objects.filter(pk__in=category_ids)},
            {c.pk: c.name for c in Commodity.objects.filter(pk__in=commodity_ids)})
