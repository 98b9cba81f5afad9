"""Photos of products and villages: stored normalised, thumbnails made after commit.

Every photo passes ``catalog.images.image_validate_and_normalise`` before anything is written,
outside the transaction (decoding a phone photo takes a moment and must not hold row locks).
Thumbnails are made by a Celery task after commit; until then pages show the photo itself.
"""
from __future__ import annotations

from typing import IO

from django.core.files.storage import default_storage
from django.db import transaction

from catalog.hooks import catalog_changed
from catalog.images import THUMBNAIL_SIZES, image_thumbnail_make, image_validate_and_normalise
from catalog.models import AssistAction, PhotoBase, Product, ProductPhoto, VillagePhoto, VillageProfile
from catalog.services._auth import on_behalf_of, require_officer, require_producer_editor
from market.accounts.models import User

MAX_PHOTOS = 8


def _too_many(count: int) -> None:
    from django.utils.translation import gettext as _

    from catalog.exceptions import CatalogInvalid

    if count >= MAX_PHOTOS:
        raise CatalogInvalid(fields={"image": [_("A maximum of %(count)s photos.") % {"count": MAX_PHOTOS}]})


def product_photo_add(*, product: Product, actor: User, image: IO[bytes], alt_text: str = "") -> ProductPhoto:
    """Add a photo to a product's working copy; an approved product goes back to review.

    ``image`` is the uploaded file as sent; it is checked and re-encoded first (``ImageInvalid``).
    """
    from catalog.services.products import _back_to_review, _lock

    with transaction.atomic():  # the check records an assisting officer's action: keep it with the photo
        assisted = require_producer_editor(actor, product.producer, action=AssistAction.Kind.PHOTO_ADDED,
                                           subject=product.name, product=product)
        normalised = image_validate_and_normalise(upload=image)
        locked = _lock(product)
        count = locked.photos.count()
        _too_many(count)
        photo = ProductPhoto.objects.create(product=locked, image=normalised.content, alt_text=alt_text.strip()[:200],
                                            position=count)
        _back_to_review(product=locked, actor=actor, on_behalf=on_behalf_of(assisted))
        locked.save()
        from catalog.tasks import product_photo_thumbnails_make_task

        product_photo_thumbnails_make_task.delay_on_commit(photo.pk)
    return photo


@transaction.atomic
def product_photo_remove(*, photo: ProductPhoto, actor: User) -> None:
    """Remove a photo from the working copy (the approved snapshot keeps showing it until re-approval)."""
    from catalog.services.products import _back_to_review, _lock

    assisted = require_producer_editor(actor, photo.product.producer, action=AssistAction.Kind.PHOTO_REMOVED,
                                       subject=photo.product.name, product=photo.product)
    locked = _lock(photo.product)
    photo.delete()
    _back_to_review(product=locked, actor=actor, on_behalf=on_behalf_of(assisted))
    locked.save()


def village_photo_add(*, profile: VillageProfile, officer: User, image: IO[bytes], alt_text: str = "") -> VillagePhoto:
    """Add a photo to a village profile (officers keep village profiles)."""
    require_officer(officer)
    normalised = image_validate_and_normalise(upload=image)
    with transaction.atomic():
        locked = VillageProfile.objects.select_for_update().get(pk=profile.pk)
        count = locked.photos.count()
        _too_many(count)
        photo = VillagePhoto.objects.create(profile=locked, image=normalised.content, alt_text=alt_text.strip()[:200],
                                            position=count)
        from catalog.tasks import village_photo_thumbnails_make_task

        village_photo_thumbnails_make_task.delay_on_commit(photo.pk)
        catalog_changed(village_codes=[locked.village_id])
    return photo


@transaction.atomic
def village_photo_remove(*, photo: VillagePhoto, officer: User) -> None:
    require_officer(officer)
    village_code = photo.profile.village_id
    photo.delete()
    catalog_changed(village_codes=[village_code])


def _thumbnails_write(photo: PhotoBase) -> dict[str, str]:
    """Make and store every thumbnail of ``photo``; return ``{size: name}``."""
    names: dict[str, str] = {}
    with photo.image.open("rb") as source:
        data = source.read()
    stem = photo.image.name.rsplit(".", 1)[0]
    for size in THUMBNAIL_SIZES:
        if max(photo.width, photo.height) and max(photo.width, photo.height) <= size:
            break  # never enlarge: the photo itself serves this size and above
        content = image_thumbnail_make(source=data, size=size)
        extension = (content.name or "").rsplit(".", 1)[-1]  # always named by catalog.images
        names[str(size)] = default_storage.save(f"{stem}-{size}.{extension}", content)
    return names


def product_photo_thumbnails_make(*, photo_id: int) -> dict[str, str]:
    """Make a product photo's thumbnails, and show them in the approved version if it has the photo.

    Idempotent: a photo that has its thumbnails (or no longer exists) is left alone.
    """
    photo = ProductPhoto.objects.filter(pk=photo_id).first()
    if photo is None or photo.thumbnails:
        return photo.thumbnails if photo else {}
    names = _thumbnails_write(photo)
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=photo.product_id)
        ProductPhoto.objects.filter(pk=photo.pk).update(thumbnails=names)
        snapshot_photos = product.approved_snapshot.get("photos", [])
        for entry in snapshot_photos:
            if entry.get("image") == photo.image.name:
                entry["thumbnails"] = names
                product.save(update_fields=["approved_snapshot"])
                if product.listed:  # its public pages and search document show the approved photos
                    catalog_changed(product_ids=[product.pk])
    return names


def village_photo_thumbnails_make(*, photo_id: int) -> dict[str, str]:
    photo = VillagePhoto.objects.filter(pk=photo_id).first()
    if photo is None or photo.thumbnails:
        return photo.thumbnails if photo else {}
    names = _thumbnails_write(photo)
    with transaction.atomic():
        VillagePhoto.objects.filter(pk=photo.pk).update(thumbnails=names)
        catalog_changed(village_codes=[photo.profile.village_id])
    return names
