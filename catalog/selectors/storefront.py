"""Reads for the shopping pages (issue 17): the home page's shelves, related products, the sitemap.

Every shelf is one bounded query whatever the size of the catalogue; products come as
``product_list_public`` gives them, for ``product_public_view``.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber

from catalog.models import Commodity, Product, Stage, VillagePhoto, VillageProfile
from catalog.selectors.public import PUBLIC_FROM_STAGE, product_list_public

HOME_NEW_PRODUCTS = 8
HOME_FEATURED_VILLAGES = 4
HOME_VILLAGE_PRODUCTS = 2
FEATURED_CANDIDATES_EACH = 4  # profiles read per featured village wanted, in the first round
RELATED_PRODUCTS = 4
SITEMAP_LIMIT = 10_000  # one sitemap file holds at most 50,000 addresses; the catalogue is far below this


@dataclass(frozen=True)
class FeaturedVillage:
    profile: VillageProfile
    products: list[Product]


def _stage_rank() -> Case:
    """Order by programme stage, the furthest first (the stages' declaration order is the programme's)."""
    return Case(*[When(stage=value, then=Value(-index)) for index, value in enumerate(Stage.values)],
                output_field=IntegerField())


def product_list_new(*, limit: int = HOME_NEW_PRODUCTS) -> list[Product]:
    """Return the products most recently approved for sale, newest first (one query)."""
    return list(product_list_public().order_by(F("approved_at").desc(nulls_last=True), "-pk")[:limit])


def product_list_by_ids(*, ids: list[int]) -> list[Product]:
    """Return the products on sale among ``ids``, in the order of ``ids`` (one query)."""
    found = {product.pk: product for product in product_list_public().filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def village_list_featured(*, limit: int = HOME_FEATURED_VILLAGES,
                          products_each: int = HOME_VILLAGE_PRODUCTS) -> list[FeaturedVillage]:
    """Return villages with products on sale, the furthest in the programme first, each with its flagship
    products (those of the village's flagship commodity first, then the newest): four queries as a rule.

    The profiles are read in order a few at a time and kept if something of theirs is on sale: asking for
    every profile "has it a product on sale" made PostgreSQL join every product on sale (1.5 s at 100k).
    """
    ranked = (VillageProfile.objects.filter(stage__in=Stage.at_or_beyond(PUBLIC_FROM_STAGE))
              .select_related("village__district", "flagship_commodity")
              .annotate(stage_rank=_stage_rank()).order_by("stage_rank", "village__name", "pk"))
    profiles: list[VillageProfile] = []
    batch, start = limit * FEATURED_CANDIDATES_EACH, 0
    while len(profiles) < limit:
        candidates = list(ranked[start:start + batch])
        if not candidates:
            break
        on_sale = set(product_list_public().filter(producer__village_id__in=[c.village_id for c in candidates])
                      .order_by().values_list("producer__village_id", flat=True).distinct())
        profiles += [c for c in candidates if c.village_id in on_sale][:limit - len(profiles)]
        start += batch
        batch *= 4  # few villages with something on sale: look further at once
    if not profiles:
        return []
    prefetch_related_objects(profiles, Prefetch("photos", queryset=VillagePhoto.objects.order_by("position", "pk")))
    flagship = {p.village_id: p.flagship_commodity_id for p in profiles}
    flagship_first = Case(*[When(producer__village_id=village, approved_snapshot__commodity_id=commodity, then=Value(0))
                            for village, commodity in flagship.items() if commodity],
                          default=Value(1), output_field=IntegerField())
    products = (product_list_public().filter(producer__village_id__in=flagship)
                .annotate(flagship_first=flagship_first)
                .annotate(rank=Window(RowNumber(), partition_by=[F("producer__village_id")],
                                      order_by=[F("flagship_first").asc(), F("approved_at").desc(nulls_last=True),
                                                F("pk").desc()]))
                .filter(rank__lte=products_each).order_by("producer__village_id", "rank"))
    by_village: dict[str, list[Product]] = {}  # village codes
    for product in products:
        by_village.setdefault(product.producer.village_id, []).append(product)
    return [FeaturedVillage(profile=p, products=by_village.get(p.village_id, [])) for p in profiles]


def product_list_related(*, product: Product, limit: int = RELATED_PRODUCTS) -> list[Product]:
    """Return other products on sale from the same village, the same commodity first (one query)."""
    commodity = (product.approved_snapshot or {}).get("commodity_id")
    same_commodity = (Case(When(approved_snapshot__commodity_id=commodity, then=Value(0)), default=Value(1),
                           output_field=IntegerField()) if commodity else Value(1))
    return list(product_list_public().filter(producer__village_id=product.producer.village_id)
                .exclude(pk=product.pk).annotate(same_commodity=same_commodity)
                .order_by("same_commodity", F("approved_at").desc(nulls_last=True), "-pk")[:limit])


def commodity_list_on_sale() -> QuerySet[Commodity]:
    """Return the flagship commodities of villages with products on sale (the home page's quick links)."""
    on_sale = product_list_public().filter(producer__village__profile__flagship_commodity_id=OuterRef("pk"))
    return Commodity.objects.filter(Exists(on_sale)).order_by("name", "pk")


def sitemap_entries() -> dict[str, list]:
    """Return what the sitemap lists: products on sale (pk, name, approved_at), public villages (code, updated_at)
    and verified producers with products on sale (pk), each bounded by ``SITEMAP_LIMIT`` (three queries)."""
    products = list(product_list_public().order_by("pk")
                    .values_list("pk", "approved_snapshot__name", "approved_at")[:SITEMAP_LIMIT])
    villages = list(VillageProfile.objects.filter(stage__in=Stage.at_or_beyond(PUBLIC_FROM_STAGE))
                    .order_by("village_id").values_list("village_id", "updated_at")[:SITEMAP_LIMIT])
    producers = list(product_list_public().order_by("producer_id").values_list("producer_id", flat=True)
                     .distinct()[:SITEMAP_LIMIT])
    return {"products": products, "villages": villages, "producers": producers}
