"""Demo data of the shop's collections and a consumer's favourites (issue 17), through the services.

Three published collections: "Kopi Jember" (coffee on sale, curated), "Oleh-oleh khas Jember" (tape,
suwar-suwir and other local delicacies, curated) and "Siap ritel" (every retail-ready product, by rule);
the demo consumer has saved a few products.
"""
from __future__ import annotations

from catalog.models import Collection
from catalog.selectors.public import category_descendant_ids, product_list_public
from catalog.services.collections import (
    CollectionDetails,
    collection_create,
    collection_product_add,
    collection_publish,
    collection_update,
    wishlist_add,
)

COLLECTION_PRODUCTS = 8
COLLECTION_MIN = 4
CONSUMER_FAVOURITES = 3

COLLECTIONS = [
    (CollectionDetails(
        title="Kopi Jember", title_en="Jember coffee", slug="kopi-jember", position=0,
        description="Robusta dan arabika dari lereng Argopuro dan Raung: bubuk, biji sangrai, langsung dari desa.",
        description_en="Robusta and arabica from the slopes of Argopuro and Raung: ground and roasted, "
                       "direct from the villages."), ["kopi"]),
    (CollectionDetails(
        title="Oleh-oleh khas Jember", title_en="Jember specialities to take home", slug="oleh-oleh-khas-jember",
        position=1,
        description="Tape, suwar-suwir, keripik dan cokelat: buah tangan khas Jember dari dapur desa.",
        description_en="Tape, suwar-suwir, crisps and chocolate: Jember's favourite gifts from village kitchens."),
     ["olahan-tape", "camilan-keripik", "cokelat-kakao"]),
    (CollectionDetails(
        title="Siap ritel", title_en="Retail ready", slug="siap-ritel", position=2, kind=Collection.Kind.RETAIL_READY,
        description="Produk dengan izin, barcode, kemasan dan masa simpan yang diminta ritel modern.",
        description_en="Products with the permits, barcode, packaging and shelf life modern retail asks for."), []),
]


def shop_demo_load(*, officer, consumer) -> list[Collection]:
    """Create and publish the demo collections, and save the consumer's favourites; return the collections."""
    made = []
    for details, category_slugs in COLLECTIONS:
        collection = collection_create(officer=officer, details=details)
        if category_slugs:
            ids = {pk for slug in category_slugs for pk in category_descendant_ids(slug=slug)}
            products = list(product_list_public().filter(approved_snapshot__category_id__in=ids)
                            .order_by("pk")[:COLLECTION_PRODUCTS])
            if len(products) < COLLECTION_MIN and "kopi" not in category_slugs:
                # a scaled-down demo may lack these villages: top up with other souvenirs (crafts, batik ...), coffee aside
                coffee = category_descendant_ids(slug="kopi")
                products += list(product_list_public().exclude(approved_snapshot__category_id__in=coffee)
                                 .exclude(pk__in=[p.pk for p in products])
                                 .order_by("pk")[:COLLECTION_PRODUCTS - len(products)])
            for product in products:
                collection_product_add(officer=officer, collection_id=collection.pk, product_id=product.pk)
            with_photo = next((p for p in products if p.approved_snapshot.get("photos")), None)
            if with_photo is not None:
                collection = collection_update(officer=officer, collection_id=collection.pk,
                                               details=CollectionDetails(**{**details.__dict__,
                                                                            "cover_product_id": with_photo.pk}))
        made.append(collection_publish(officer=officer, collection_id=collection.pk, published=True))
    for product in product_list_public().order_by("-approved_at", "-pk")[:CONSUMER_FAVOURITES]:
        wishlist_add(user=consumer, product_id=product.pk)
    return made
