"""Collections curated by officers (issue 17): only products on sale go in, a product taken off sale drops
out by itself, officers order them, a rule-based "Siap ritel" lists every retail-ready product, and every
public change makes the cached public pages stale."""
from __future__ import annotations

import pytest
from django.core.cache import cache

from catalog.exceptions import (
    CatalogInvalid,
    CollectionIsRuleBased,
    CollectionNotFound,
    CollectionProductMissing,
    CollectionProductNotListed,
    OfficerRequired,
)
from catalog.models import Collection, CollectionEvent, CollectionItem
from catalog.selectors.collections import (
    collection_get_public,
    collection_item_list_for_officers,
    collection_list_home,
    collection_products_public,
)
from catalog.services import producer_unverify, product_delist
from catalog.services.collections import (
    CollectionDetails,
    collection_create,
    collection_product_add,
    collection_product_move,
    collection_product_remove,
    collection_publish,
    collection_update,
)
from market.core.pagecache import GENERATION_KEY
from tests.buyers.catalogue import make_catalogue
from tests.catalog.factories import ProductFactory
from tests.factories import OfficerFactory, UserFactory
from tests.orders.factories import on_sale, verified_producer

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return OfficerFactory()


def kopi(officer, **fields) -> Collection:
    return collection_create(officer=officer, details=CollectionDetails(title="Kopi Jember", title_en="Jember coffee",
                                                                        **fields))


def names(products) -> list[str]:
    return [p.approved_snapshot["name"] for p in products]


def test_an_officer_creates_a_collection_unpublished_with_a_slug_from_the_title(officer):
    collection = kopi(officer, description="Robusta dan arabika.")

    assert (collection.slug, collection.title, collection.title_en, collection.published, collection.kind) == (
        "kopi-jember", "Kopi Jember", "Jember coffee", False, "curated")
    assert list(collection.events.values_list("kind", "officer")) == [("created", officer.pk)]
    with pytest.raises(CollectionNotFound):
        collection_get_public(slug="kopi-jember")


def test_only_officers_create_collections_and_a_taken_slug_is_refused(officer):
    kopi(officer)

    with pytest.raises(OfficerRequired):
        kopi(UserFactory())
    with pytest.raises(CatalogInvalid) as taken:
        collection_create(officer=officer, details=CollectionDetails(title="Kopi lain", slug="kopi-jember"))
    with pytest.raises(CatalogInvalid) as empty:
        collection_create(officer=officer, details=CollectionDetails(title="  "))

    assert taken.value.fields == {"slug": ["This slug is taken."]}
    assert empty.value.fields == {"title": ["This field is required."]}
    assert Collection.objects.count() == 1


def test_products_keep_the_officers_order_and_move_up_and_down(officer):
    collection = kopi(officer)
    a, b, c = (on_sale(name=name) for name in ("Kopi A", "Kopi B", "Kopi C"))
    for product in (a, b, c):
        collection_product_add(officer=officer, collection_id=collection.pk, product_id=product.pk)

    assert names(collection_products_public(collection=collection)) == ["Kopi A", "Kopi B", "Kopi C"]

    collection_product_move(officer=officer, collection_id=collection.pk, product_id=c.pk, offset=-1)
    assert names(collection_products_public(collection=collection)) == ["Kopi A", "Kopi C", "Kopi B"]
    collection_product_move(officer=officer, collection_id=collection.pk, product_id=a.pk, offset=1)
    assert names(collection_products_public(collection=collection)) == ["Kopi C", "Kopi A", "Kopi B"]
    # at the top it stays where it is, and no event is written for nothing
    events = CollectionEvent.objects.count()
    collection_product_move(officer=officer, collection_id=collection.pk, product_id=c.pk, offset=-1)
    assert names(collection_products_public(collection=collection)) == ["Kopi C", "Kopi A", "Kopi B"]
    assert CollectionEvent.objects.count() == events
    assert list(CollectionItem.objects.filter(collection=collection).order_by("position")
                .values_list("position", flat=True)) == [0, 1, 2]

    collection_product_remove(officer=officer, collection_id=collection.pk, product_id=a.pk)
    assert names(collection_products_public(collection=collection)) == ["Kopi C", "Kopi B"]
    assert list(collection.events.values_list("kind", flat=True)) == [
        "created", "product_added", "product_added", "product_added", "product_moved", "product_moved",
        "product_removed"]


def test_a_product_not_on_sale_is_refused_and_nothing_changes(officer):
    collection = kopi(officer)
    draft = ProductFactory(producer=verified_producer())

    with pytest.raises(CollectionProductNotListed):
        collection_product_add(officer=officer, collection_id=collection.pk, product_id=draft.pk)
    with pytest.raises(CollectionProductNotListed):
        collection_product_add(officer=officer, collection_id=collection.pk, product_id=999_999)
    with pytest.raises(CollectionProductMissing):
        collection_product_remove(officer=officer, collection_id=collection.pk, product_id=draft.pk)

    assert CollectionItem.objects.count() == 0
    assert list(collection.events.values_list("kind", flat=True)) == ["created"]


def test_adding_a_product_twice_keeps_one_item(officer):
    collection = kopi(officer)
    product = on_sale()

    first = collection_product_add(officer=officer, collection_id=collection.pk, product_id=product.pk)
    again = collection_product_add(officer=officer, collection_id=collection.pk, product_id=product.pk)

    assert first.pk == again.pk
    assert CollectionItem.objects.filter(collection=collection).count() == 1


def test_a_product_taken_off_sale_disappears_from_the_collection_and_comes_back_when_listed(officer):
    collection = kopi(officer)
    kept, delisted = on_sale(name="Kopi Tetap"), on_sale(name="Kopi Ditarik")
    unverified = on_sale(name="Kopi Produsen Lain")
    for product in (kept, delisted, unverified):
        collection_product_add(officer=officer, collection_id=collection.pk, product_id=product.pk)

    product_delist(product=delisted, officer=officer, reasons=["permits"])
    producer_unverify(producer=unverified.producer, officer=officer, reason="Izin kedaluwarsa")

    assert names(collection_products_public(collection=collection)) == ["Kopi Tetap"]
    # the officers still see every item, marked
    assert [(i.product.name, i.on_sale) for i in collection_item_list_for_officers(collection=collection)] == [
        ("Kopi Tetap", True), ("Kopi Ditarik", False), ("Kopi Produsen Lain", False)]


def test_the_retail_ready_collection_lists_ready_products_by_rule_and_takes_none_by_hand(officer):
    catalogue = make_catalogue()
    ready = collection_create(officer=officer, details=CollectionDetails(title="Siap ritel",
                                                                         kind=Collection.Kind.RETAIL_READY))

    listed = names(collection_products_public(collection=ready))

    assert sorted(listed) == ["Keripik Singkong", "Kopi Bangsalsari", "Kopi Jombang", "Tas Anyaman"]
    with pytest.raises(CollectionIsRuleBased):
        collection_product_add(officer=officer, collection_id=ready.pk,
                               product_id=catalogue["products"]["no_barcode"].pk)
    assert CollectionItem.objects.count() == 0


def test_the_cover_must_be_a_product_of_the_collection_on_sale(officer):
    collection = kopi(officer)
    inside, outside = on_sale(name="Kopi Dalam"), on_sale(name="Kopi Luar")
    collection_product_add(officer=officer, collection_id=collection.pk, product_id=inside.pk)

    with pytest.raises(CatalogInvalid) as refused:
        collection_update(officer=officer, collection_id=collection.pk,
                          details=CollectionDetails(title="Kopi Jember", cover_product_id=outside.pk))
    assert refused.value.fields == {"cover_product": ["Choose the cover among the collection's products."]}

    collection_update(officer=officer, collection_id=collection.pk,
                      details=CollectionDetails(title="Kopi Jember", cover_product_id=inside.pk))
    collection.refresh_from_db()
    assert collection.cover_product_id == inside.pk
    collection_product_remove(officer=officer, collection_id=collection.pk, product_id=inside.pk)
    collection.refresh_from_db()
    assert collection.cover_product_id is None


def test_publishing_shows_the_collection_and_moves_the_page_cache_generation(officer, django_capture_on_commit_callbacks):
    collection = kopi(officer)
    product = on_sale(name="Kopi Satu")
    collection_product_add(officer=officer, collection_id=collection.pk, product_id=product.pk)
    cache.set(GENERATION_KEY, 10, None)

    with django_capture_on_commit_callbacks(execute=True):
        collection_publish(officer=officer, collection_id=collection.pk, published=True)
    assert cache.get(GENERATION_KEY) == 11
    assert collection_get_public(slug="kopi-jember").pk == collection.pk

    # a change of a published collection is a change of public pages too
    with django_capture_on_commit_callbacks(execute=True):
        collection_product_remove(officer=officer, collection_id=collection.pk, product_id=product.pk)
    assert cache.get(GENERATION_KEY) == 12

    with django_capture_on_commit_callbacks(execute=True):
        collection_publish(officer=officer, collection_id=collection.pk, published=False)
    assert cache.get(GENERATION_KEY) == 13
    with pytest.raises(CollectionNotFound):
        collection_get_public(slug="kopi-jember")
    assert list(collection.events.values_list("kind", flat=True))[-2:] == ["product_removed", "unpublished"]


def test_the_home_shelves_show_published_collections_in_order_with_their_first_products(
        officer, django_assert_num_queries):
    first, second, hidden = kopi(officer, position=1), collection_create(
        officer=officer, details=CollectionDetails(title="Oleh-oleh", position=0)), collection_create(
        officer=officer, details=CollectionDetails(title="Belum terbit"))
    products = [on_sale(name=f"Produk {n}") for n in range(6)]
    for product in products[:5]:
        collection_product_add(officer=officer, collection_id=first.pk, product_id=product.pk)
    collection_product_add(officer=officer, collection_id=second.pk, product_id=products[5].pk)
    collection_product_add(officer=officer, collection_id=hidden.pk, product_id=products[0].pk)
    product_delist(product=products[1], officer=officer, reasons=["permits"])
    for collection in (first, second):
        collection_publish(officer=officer, collection_id=collection.pk, published=True)

    with django_assert_num_queries(2):
        shelves = collection_list_home()

    assert [(s.collection.title, names(s.products)) for s in shelves] == [
        ("Oleh-oleh", ["Produk 5"]),
        ("Kopi Jember", ["Produk 0", "Produk 2", "Produk 3", "Produk 4"]),
    ]
