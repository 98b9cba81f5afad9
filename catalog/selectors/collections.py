"""Reads of the shop's collections and shoppers' favourites (issue 17).

Everything the public sees goes through ``product_list_public``: a product in a collection or a
wishlist that is no longer on sale (delisted, producer unverified, village moved back) is left out by
the query itself, and shows again when it is back on sale; nothing has to remove it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from catalog.exceptions import CollectionNotFound
from catalog.models import Collection, CollectionEvent, CollectionItem, Product, WishlistItem
from catalog.selectors.public import ProductFilters, product_list_public
from market.accounts.models import Role

HOME_COLLECTIONS = 3
HOME_COLLECTION_PRODUCTS = 4
WISHLIST_MAX = 200  # a wishlist page shows them all: the service refuses more
WISHLIST_ROLES = (Role.CONSUMER, Role.BUYER)


# --- collections: public ---------------------------------------------------------------------


def collection_products_public(*, collection: Collection) -> QuerySet[Product]:
    """Return the products on sale in ``collection``, in its order (curated: the officers' order;
    retail ready: the most recently approved first). One query; slice it for a page."""
    if collection.kind == Collection.Kind.RETAIL_READY:
        return (product_list_public(filters=ProductFilters(retail_ready=True))
                .order_by(F("approved_at").desc(nulls_last=True), "-pk"))
    position = CollectionItem.objects.filter(collection=collection, product=OuterRef("pk")).values("position")[:1]
    return (product_list_public().annotate(collection_position=Subquery(position, output_field=IntegerField()))
            .filter(collection_position__isnull=False).order_by("collection_position", "pk"))


def collection_get_public(*, slug: str) -> Collection:
    """Return a published collection (with its cover product); anything else is ``CollectionNotFound``."""
    collection = Collection.objects.filter(slug=slug, published=True).first()
    if collection is None:
        raise CollectionNotFound()
    return collection


def collection_cover_get(*, collection: Collection) -> Product | None:
    """Return the collection's cover product when it is on sale and in the collection, else None (one query)."""
    if collection.cover_product_id is None:
        return None
    return collection_products_public(collection=collection).filter(pk=collection.cover_product_id).first()


@dataclass(frozen=True)
class CollectionShelf:
    collection: Collection
    products: list[Product] = field(default_factory=list)


def collection_list_home(*, limit: int = HOME_COLLECTIONS,
                         products_each: int = HOME_COLLECTION_PRODUCTS) -> list[CollectionShelf]:
    """Return published collections with products on sale, each with its first products: one query for the
    collections, one for every curated collection's products, one per rule-based collection."""
    collections = list(Collection.objects.filter(published=True).order_by("position", "pk")[:limit])
    if not collections:
        return []
    curated = [c.pk for c in collections if c.kind == Collection.Kind.CURATED]
    by_collection: dict[int, list[Product]] = {}
    if curated:
        items = (CollectionItem.objects.filter(collection_id__in=curated,
                                               product__in=product_list_public().values("pk"))
                 .select_related("product__producer__village__district", "product__producer__village__profile",
                                 "product__category", "product__stock")
                 .annotate(rank=Window(RowNumber(), partition_by=[F("collection_id")],
                                       order_by=[F("position").asc(), F("pk").asc()]))
                 .filter(rank__lte=products_each).order_by("collection_id", "rank"))
        for item in items:
            by_collection.setdefault(item.collection_id, []).append(item.product)
    for collection in collections:
        if collection.kind == Collection.Kind.RETAIL_READY:
            by_collection[collection.pk] = list(collection_products_public(collection=collection)[:products_each])
    return [CollectionShelf(collection=c, products=by_collection[c.pk]) for c in collections
            if by_collection.get(c.pk)]


# --- collections: officers -------------------------------------------------------------------


def collection_list_for_officers() -> QuerySet[Collection]:
    """Return every collection in its home-page order, with ``item_count`` (products put in it)."""
    return Collection.objects.annotate(item_count=Count("items")).order_by("position", "pk")


def collection_get_for_officers(*, pk: int) -> Collection:
    collection = Collection.objects.filter(pk=pk).first()
    if collection is None:
        raise CollectionNotFound()
    return collection


def collection_item_list_for_officers(*, collection: Collection) -> QuerySet[CollectionItem]:
    """Return every product put in the collection, in order, with ``on_sale`` (whether the public sees it)."""
    on_sale = product_list_public().filter(pk=OuterRef("product_id"))
    return (CollectionItem.objects.filter(collection=collection).select_related("product__producer__village")
            .annotate(on_sale=Exists(on_sale)).order_by("position", "pk"))


def collection_event_list(*, collection: Collection, limit: int = 20) -> QuerySet[CollectionEvent]:
    return collection.events.select_related("officer", "product").order_by("-created_at", "-pk")[:limit]


def collection_product_candidates(*, collection: Collection, query: str, limit: int = 10) -> list[Product]:
    """Return products on sale whose name, SKU or producer matches ``query`` and that are not in the collection
    yet (the officer's "add a product" search; one query)."""
    from django.db.models import Q

    query = query.strip()[:100]
    if not query:
        return []
    matches = Q(approved_snapshot__name__icontains=query) | Q(sku__iexact=query) | Q(producer__name__icontains=query)
    if query.isdigit():
        matches |= Q(pk=int(query))
    return list(product_list_public().filter(matches)
                .exclude(pk__in=CollectionItem.objects.filter(collection=collection).values("product_id"))[:limit])


# --- wishlists -------------------------------------------------------------------------------


def user_keeps_wishlist(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.role in WISHLIST_ROLES)


def wishlist_product_ids(*, user) -> list[int]:
    """Return the ids of the products on sale that ``user`` saved, the latest first (one query; none for
    people who keep no wishlist)."""
    if not user_keeps_wishlist(user):
        return []
    return list(WishlistItem.objects.filter(user=user, product__in=product_list_public().values("pk"))
                .order_by("-created_at", "-pk").values_list("product_id", flat=True)[:WISHLIST_MAX])


def wishlist_list(*, user) -> list[Product]:
    """Return the products on sale that ``user`` saved, the latest saved first (one query)."""
    if not user_keeps_wishlist(user):
        return []
    saved = WishlistItem.objects.filter(user=user, product=OuterRef("pk")).values("created_at")[:1]
    return list(product_list_public().annotate(saved_at=Subquery(saved)).filter(saved_at__isnull=False)
                .order_by(F("saved_at").desc(), "-pk")[:WISHLIST_MAX])
