"""Collections curated by officers and shoppers' favourites (issue 17).

Only products on sale can be put in a collection or saved; once in, a product that stops being on sale
is hidden by the selectors (``catalog.selectors.collections``), not removed. Every change of a
collection writes a ``CollectionEvent``; a change the public can see makes the cached public pages
stale (``public_pages_changed``).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from catalog.exceptions import (
    CatalogInvalid,
    CollectionIsRuleBased,
    CollectionNotFound,
    CollectionProductMissing,
    CollectionProductNotListed,
    ProductNotFound,
    WishlistFull,
    WishlistNotForRole,
)
from catalog.models import Collection, CollectionEvent, CollectionItem, WishlistItem
from catalog.selectors.collections import WISHLIST_MAX, user_keeps_wishlist
from catalog.selectors.public import product_list_public
from catalog.services._auth import require_officer
from market.accounts.models import User
from market.core.pagecache import public_pages_changed


@dataclass(frozen=True)
class CollectionDetails:
    """What an officer writes about a collection (``slug`` empty: made from the title)."""

    title: str
    title_en: str = ""
    description: str = ""
    description_en: str = ""
    slug: str = ""
    kind: str = Collection.Kind.CURATED
    position: int = 0
    cover_product_id: int | None = None


def _clean(details: CollectionDetails) -> dict:
    errors: dict[str, list[str]] = {}
    title = details.title.strip()
    slug = slugify(details.slug or title)[:80].strip("-")
    if not title:
        errors["title"] = [_("This field is required.")]
    elif not slug:
        errors["slug"] = [_("Enter a slug of letters, numbers and hyphens.")]
    if details.kind not in Collection.Kind.values:
        errors["kind"] = [_("Choose a valid kind.")]
    if errors:
        raise CatalogInvalid(fields=errors)
    return {"title": title, "title_en": details.title_en.strip(), "description": details.description.strip(),
            "description_en": details.description_en.strip(), "slug": slug, "kind": details.kind,
            "position": max(0, details.position)}


def _locked(pk: int) -> Collection:
    collection = Collection.objects.select_for_update().filter(pk=pk).first()
    if collection is None:
        raise CollectionNotFound()
    return collection


def _event(collection: Collection, kind: str, officer: User, product_id: int | None = None) -> None:
    CollectionEvent.objects.create(collection=collection, kind=kind, officer=officer, product_id=product_id)


def _public_change(collection: Collection) -> None:
    if collection.published:
        public_pages_changed()


def _require_on_sale(product_id: int) -> None:
    if not product_list_public().filter(pk=product_id).exists():
        raise CollectionProductNotListed()


@transaction.atomic
def collection_create(*, officer: User, details: CollectionDetails) -> Collection:
    """Create an unpublished collection."""
    require_officer(officer)
    fields = _clean(details)
    if Collection.objects.filter(slug=fields["slug"]).exists():
        raise CatalogInvalid(fields={"slug": [_("This slug is taken.")]})
    if details.cover_product_id is not None:
        raise CatalogInvalid(fields={"cover_product": [_("Choose the cover among the collection's products.")]})
    collection = Collection.objects.create(**fields)
    _event(collection, CollectionEvent.Kind.CREATED, officer)
    return collection


@transaction.atomic
def collection_update(*, officer: User, collection_id: int, details: CollectionDetails) -> Collection:
    """Change a collection's texts, address, kind, place on the home page or cover (a product of it on sale)."""
    require_officer(officer)
    collection = _locked(collection_id)
    fields = _clean(details)
    if Collection.objects.filter(slug=fields["slug"]).exclude(pk=collection.pk).exists():
        raise CatalogInvalid(fields={"slug": [_("This slug is taken.")]})
    cover = details.cover_product_id
    if cover is not None:
        from catalog.selectors.collections import collection_products_public

        probe = Collection(pk=collection.pk, kind=fields["kind"])
        if not collection_products_public(collection=probe).filter(pk=cover).exists():
            raise CatalogInvalid(fields={"cover_product": [_("Choose the cover among the collection's products.")]})
    for name, value in fields.items():
        setattr(collection, name, value)
    collection.cover_product_id = cover
    collection.save()
    _event(collection, CollectionEvent.Kind.EDITED, officer)
    _public_change(collection)
    return collection


@transaction.atomic
def collection_publish(*, officer: User, collection_id: int, published: bool) -> Collection:
    """Show the collection to the public (on the home page and at its address) or take it back."""
    require_officer(officer)
    collection = _locked(collection_id)
    if collection.published == published:
        return collection
    collection.published = published
    if published:
        collection.published_at = timezone.now()
    collection.save(update_fields=["published", "published_at", "updated_at"])
    _event(collection, CollectionEvent.Kind.PUBLISHED if published else CollectionEvent.Kind.UNPUBLISHED, officer)
    public_pages_changed()
    return collection


@transaction.atomic
def collection_product_add(*, officer: User, collection_id: int, product_id: int) -> CollectionItem:
    """Put a product on sale at the end of a curated collection; putting it in again changes nothing."""
    require_officer(officer)
    collection = _locked(collection_id)
    if collection.kind != Collection.Kind.CURATED:
        raise CollectionIsRuleBased()
    existing = CollectionItem.objects.filter(collection=collection, product_id=product_id).first()
    if existing is not None:
        return existing
    _require_on_sale(product_id)
    last = CollectionItem.objects.filter(collection=collection).aggregate(last=Max("position"))["last"]
    item = CollectionItem.objects.create(collection=collection, product_id=product_id,
                                         position=0 if last is None else last + 1, added_by=officer)
    _event(collection, CollectionEvent.Kind.PRODUCT_ADDED, officer, product_id)
    _public_change(collection)
    return item


@transaction.atomic
def collection_product_remove(*, officer: User, collection_id: int, product_id: int) -> None:
    require_officer(officer)
    collection = _locked(collection_id)
    deleted, _by_model = CollectionItem.objects.filter(collection=collection, product_id=product_id).delete()
    if not deleted:
        raise CollectionProductMissing()
    if collection.cover_product_id == product_id:
        collection.cover_product_id = None
        collection.save(update_fields=["cover_product", "updated_at"])
    _event(collection, CollectionEvent.Kind.PRODUCT_REMOVED, officer, product_id)
    _public_change(collection)


@transaction.atomic
def collection_product_move(*, officer: User, collection_id: int, product_id: int, offset: int) -> None:
    """Move a product ``offset`` places (-1: one up, 1: one down); at either end it stays where it is.

    Positions are renumbered 0, 1, 2 ... in the new order, so gaps and ties left by removals never matter.
    """
    require_officer(officer)
    collection = _locked(collection_id)
    items = list(CollectionItem.objects.filter(collection=collection).order_by("position", "pk"))
    index = next((i for i, item in enumerate(items) if item.product_id == product_id), None)
    if index is None:
        raise CollectionProductMissing()
    target = min(max(index + offset, 0), len(items) - 1)
    if target == index:
        return
    items.insert(target, items.pop(index))
    for position, item in enumerate(items):
        item.position = position
    CollectionItem.objects.bulk_update(items, ["position"])
    _event(collection, CollectionEvent.Kind.PRODUCT_MOVED, officer, product_id)
    _public_change(collection)


# --- wishlists -------------------------------------------------------------------------------


@transaction.atomic
def wishlist_add(*, user: User, product_id: int) -> WishlistItem:
    """Save a product on sale to the user's favourites (consumers and buyers); saving it again changes nothing."""
    if not user_keeps_wishlist(user):
        raise WishlistNotForRole()
    User.objects.select_for_update().filter(pk=user.pk).first()  # one save at a time per person: the cap holds
    existing = WishlistItem.objects.filter(user=user, product_id=product_id).first()
    if existing is not None:
        return existing
    if not product_list_public().filter(pk=product_id).exists():
        raise ProductNotFound()
    if WishlistItem.objects.filter(user=user).count() >= WISHLIST_MAX:
        raise WishlistFull()
    try:
        with transaction.atomic():
            return WishlistItem.objects.create(user=user, product_id=product_id)
    except IntegrityError:  # saved by a request of the same person in between
        return WishlistItem.objects.get(user=user, product_id=product_id)


@transaction.atomic
def wishlist_remove(*, user: User, product_id: int) -> bool:
    """Remove a product from the user's own favourites; return whether it was there (removing twice is fine)."""
    if not user_keeps_wishlist(user):
        raise WishlistNotForRole()
    deleted, _by_model = WishlistItem.objects.filter(user=user, product_id=product_id).delete()
    return bool(deleted)
