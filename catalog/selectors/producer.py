"""Reads for producers' people (and officers assisting them): access checks, working copies,
the producer dashboard, permits, stock."""
from __future__ import annotations

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery

from catalog.exceptions import ProducerNotFound, ProductNotFound
from catalog.models import (
    Producer,
    ProducerPermit,
    Product,
)
from market.accounts.models import User


def producer_ids_for_user(*, user: User) -> QuerySet:
    return Producer.objects.filter(organisation__memberships__user=user).values("pk")


def access_producer(*, user: User, pk: int) -> Producer:
    """Return the producer if ``user`` is one of its people or an officer; else ``ProducerNotFound``."""
    qs = Producer.objects.select_related("organisation", "village")
    if not (user.is_active and user.is_officer):
        qs = qs.filter(pk__in=producer_ids_for_user(user=user)) if user.is_authenticated else qs.none()
    try:
        return qs.get(pk=pk)
    except Producer.DoesNotExist:
        raise ProducerNotFound() from None


def access_product(*, user: User, pk: int) -> Product:
    """Return the product for editing if ``user`` is one of its producer's people or an officer.

    Anyone else gets ``ProductNotFound``, so that other producers' drafts are not revealed.
    """
    qs = Product.objects.select_related("producer", "category", "stock")
    if not (user.is_active and user.is_officer):
        qs = qs.filter(producer__in=producer_ids_for_user(user=user)) if user.is_authenticated else qs.none()
    try:
        return qs.get(pk=pk)
    except Product.DoesNotExist:
        raise ProductNotFound() from None


def product_list_for_producer(*, producer: Producer) -> QuerySet[Product]:
    return Product.objects.filter(producer=producer).select_related("category", "stock").order_by("name", "pk")


def stock_list_low(*, producer: Producer) -> QuerySet[Product]:
    """Return the producer's products whose available stock is at or below their threshold."""
    return (Product.objects.filter(producer=producer)
            .filter(stock__on_hand__lte=F("stock__reserved") + F("stock__low_stock_threshold"))
            .select_related("stock").order_by("name", "pk"))


def producer_list_for_user(*, user: User) -> QuerySet[Producer]:
    """Return the producers ``user`` is one of the people of, by name, with their village and its profile."""
    if not user.is_authenticated:
        return Producer.objects.none()
    return (Producer.objects.filter(pk__in=producer_ids_for_user(user=user))
            .select_related("organisation", "village__district", "village__profile").order_by("name", "pk"))


def producer_organisation_list_unregistered(*, user: User):
    """Return the producer organisations ``user`` belongs to that have no producer details yet, by name."""
    from market.accounts.models import Organisation

    return (Organisation.objects.filter(kind=Organisation.Kind.PRODUCER, memberships__user=user,
                                        producer__isnull=True).order_by("name", "pk"))


def producer_permit_list(*, producer: Producer) -> QuerySet[ProducerPermit]:
    return ProducerPermit.objects.filter(producer=producer).order_by("kind", "pk")


def product_list_for_producer_dashboard(*, producer: Producer) -> QuerySet[Product]:
    """Return every product (working copy) of ``producer`` for its own dashboard, in a fixed number of queries.

    Each product carries its category, stock and photos, and ``last_rejection_reasons`` /
    ``last_rejection_note`` from its latest rejection (``None`` if it was never rejected), so
    that a rejected product can say why.
    """

    from catalog.models import ProductCurationEvent, ProductPhoto

    last_rejection = (ProductCurationEvent.objects.filter(product=OuterRef("pk"), to_status=Product.Status.REJECTED)
                      .order_by("-created_at", "-pk"))
    return (Product.objects.filter(producer=producer).select_related("category", "stock")
            .annotate(last_rejection_reasons=Subquery(last_rejection.values("reasons")[:1]),
                      last_rejection_note=Subquery(last_rejection.values("note")[:1]))
            .prefetch_related(Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "pk")))
            .order_by("name", "pk"))


def stock_movement_list(*, product: Product, limit: int = 20):
    """Return the product's latest ``limit`` stock movements, newest first."""
    from catalog.models import StockMovement

    return StockMovement.objects.filter(product=product).order_by("-created_at", "-pk")[:limit]


def producer_list_for_member(*, user: User) -> QuerySet[Producer]:
    """Return the producers ``user`` is one of the people of (verified or not), with their permits."""
    return producer_list_for_user(user=user).prefetch_related(
        Prefetch("permits", queryset=ProducerPermit.objects.order_by("kind", "pk")))


def producer_permit_get(*, producer: Producer, kind: str) -> ProducerPermit:
    from catalog.exceptions import PermitNotFound

    permit = ProducerPermit.objects.filter(producer=producer, kind=kind).first()
    if permit is None:
        raise PermitNotFound()
    permit.producer = producer
    return permit


def product_list_working(*, producers) -> QuerySet[Product]:
    """Return the products of ``producers`` (ids, or a ``values("pk")`` queryset) as their editors see
    them: working copies of any status with producer, category, commodity, stock, photos and price
    tiers, and ``last_rejection_reasons`` / ``last_rejection_note`` (``None`` if never rejected).
    Four queries for any number of products."""

    from catalog.models import ProductCurationEvent, ProductPhoto, ProductPriceTier

    last_rejection = (ProductCurationEvent.objects.filter(product=OuterRef("pk"), to_status=Product.Status.REJECTED)
                      .order_by("-created_at", "-pk"))
    return (Product.objects.filter(producer__in=producers)
            .select_related("producer", "category", "commodity", "stock")
            .annotate(last_rejection_reasons=Subquery(last_rejection.values("reasons")[:1]),
                      last_rejection_note=Subquery(last_rejection.values("note")[:1]))
            .prefetch_related(Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "pk")),
                              Prefetch("price_tiers", queryset=ProductPriceTier.objects.order_by("min_quantity")))
            .order_by("name", "pk"))


def product_get_working(*, user: User, pk: int) -> Product:
    """Return the product as ``product_list_working`` does if ``user`` may edit it; else ``ProductNotFound``."""
    product = access_product(user=user, pk=pk)
    return product_list_working(producers=[product.producer_id]).get(pk=product.pk)


def product_photo_get(*, product: Product, pk: int):
    """Return the photo ``pk`` of ``product``'s working copy; else ``PhotoNotFound``."""
    from catalog.exceptions import PhotoNotFound
    from catalog.models import ProductPhoto

    photo = ProductPhoto.objects.filter(product=product, pk=pk).first()
    if photo is None:
        raise PhotoNotFound()
    photo.product = product
    return photo
