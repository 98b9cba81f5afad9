"""Photos of products and villages: validated before anything is written, thumbnails after commit."""
from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from catalog.exceptions import CatalogInvalid, OfficerRequired, ProducerMemberRequired
from catalog.images import ImageTypeNotAllowed
from catalog.models import ProductPhoto, VillagePhoto
from catalog.services import (
    product_approve,
    product_photo_add,
    product_photo_remove,
    product_submit_for_curation,
    village_photo_add,
)
from catalog.services.photos import MAX_PHOTOS, product_photo_thumbnails_make
from tests.catalog.factories import (
    OfficerFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
    VillageProfileFactory,
    owner_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Call a service and run its after-commit work (the thumbnails task, eager here), as a request would."""

    def call(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return call


def jpeg(size=(1200, 800), colour=(180, 90, 40)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=90)
    buffer.seek(0)
    return buffer


def test_photo_is_normalised_and_gets_thumbnails_after_commit(django_capture_on_commit_callbacks):
    product = ProductFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo = product_photo_add(product=product, actor=owner_of(product.producer), image=jpeg(), alt_text=" Kopi ")
    assert (len(callbacks), ProductPhoto.objects.get().thumbnails) == (1, {})  # nothing before commit
    callbacks[0]()

    photo.refresh_from_db()
    assert (photo.alt_text, photo.width, photo.height, photo.position) == ("Kopi", 1200, 800, 0)
    assert photo.image.name.startswith("products/") and photo.image.name.endswith((".webp", ".jpg"))
    assert sorted(photo.thumbnails, key=int) == ["160", "480", "960"]
    for size, name in photo.thumbnails.items():
        with default_storage.open(name) as stored, Image.open(stored) as thumb:
            assert max(thumb.size) == int(size)


def test_small_photo_is_never_enlarged(committed):
    product = ProductFactory()

    photo = committed(product_photo_add, product=product, actor=owner_of(product.producer), image=jpeg(size=(400, 300)))

    photo.refresh_from_db()
    assert sorted(photo.thumbnails) == ["160"]
    assert photo.thumbnail_name(480) == photo.image.name  # the photo itself serves larger sizes


def test_thumbnails_are_made_once(committed):
    product = ProductFactory()
    photo = committed(product_photo_add, product=product, actor=owner_of(product.producer), image=jpeg())
    photo.refresh_from_db()

    again = product_photo_thumbnails_make(photo_id=photo.pk)

    assert again == photo.thumbnails
    assert product_photo_thumbnails_make(photo_id=10**9) == {}


def test_not_an_image_is_refused_and_nothing_is_written():
    product = ProductFactory()

    with pytest.raises(ImageTypeNotAllowed):
        product_photo_add(product=product, actor=owner_of(product.producer),
                          image=io.BytesIO(b"<html><script>alert(1)</script></html>"))

    assert ProductPhoto.objects.count() == 0


def test_other_producers_cannot_add_photos():
    product = ProductFactory()
    stranger = owner_of(ProducerFactory())

    with pytest.raises(ProducerMemberRequired):
        product_photo_add(product=product, actor=stranger, image=jpeg())

    assert ProductPhoto.objects.count() == 0


def test_at_most_eight_photos(committed):
    product = ProductFactory()
    owner = owner_of(product.producer)
    for _ in range(MAX_PHOTOS):
        committed(product_photo_add, product=product, actor=owner, image=jpeg(size=(200, 200)))

    with pytest.raises(CatalogInvalid) as error:
        committed(product_photo_add, product=product, actor=owner, image=jpeg(size=(200, 200)))

    assert error.value.fields == {"image": ["A maximum of 8 photos."]}
    assert ProductPhoto.objects.count() == MAX_PHOTOS


def test_new_photo_of_an_approved_product_goes_to_review_and_public_keeps_old_photos(committed):
    product = ProductFactory()
    owner, officer = owner_of(product.producer), OfficerFactory()
    first = committed(product_photo_add, product=product, actor=owner, image=jpeg())
    product_submit_for_curation(product=product, actor=owner)
    product_approve(product=product, officer=officer)

    committed(product_photo_add, product=product, actor=owner, image=jpeg(colour=(0, 0, 200)))
    product_photo_remove(photo=first, actor=owner)

    product.refresh_from_db()
    assert (product.status, product.listed, product.has_pending_changes) == ("submitted", True, True)
    assert [p["image"] for p in product.approved_snapshot["photos"]] == [first.image.name]
    assert sorted(product.approved_snapshot["photos"][0]["thumbnails"], key=int) == ["160", "480", "960"]


def test_late_thumbnails_reach_the_approved_snapshot(settings, committed):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    product = ProductFactory()
    owner, officer = owner_of(product.producer), OfficerFactory()
    photo = committed(product_photo_add, product=product, actor=owner, image=jpeg())
    # given: the task has not run yet when the officer approves
    ProductPhoto.objects.filter(pk=photo.pk).update(thumbnails={})
    product_submit_for_curation(product=product, actor=owner)
    product_approve(product=product, officer=officer)
    product.refresh_from_db()
    assert product.approved_snapshot["photos"][0]["thumbnails"] == {}

    # when
    names = product_photo_thumbnails_make(photo_id=photo.pk)

    # then
    product.refresh_from_db()
    assert product.approved_snapshot["photos"][0]["thumbnails"] == names != {}


def test_village_photos_are_for_officers(committed):
    profile = VillageProfileFactory()

    with pytest.raises(OfficerRequired):
        village_photo_add(profile=profile, officer=UserFactory(), image=jpeg())
    photo = committed(village_photo_add, profile=profile, officer=OfficerFactory(), image=jpeg(), alt_text="Kebun kopi")

    photo.refresh_from_db()
    assert VillagePhoto.objects.count() == 1
    assert (photo.alt_text, sorted(photo.thumbnails, key=int)) == ("Kebun kopi", ["160", "480", "960"])
