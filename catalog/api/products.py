"""API: the public catalogue of products, and producers' own products (working copies).

Two views of a product:

* the public product (``/products/``, ``/products/<id>/``): its approved snapshot, shown only
  while it is on sale (``catalog.selectors.product_list_public``); anything else is 404;
* the working copy (``/products/mine/``, ``/producers/<id>/products/``,
  ``/products/<id>/working-copy/``): what its producer edits, any status, for the producer's
  people and programme officers; anyone else gets 404.

Writes (create, PATCH, price tiers, photos, submit, stock) answer with the working copy; the
officers' decisions (approve, reject, delist) too.
"""
from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import (
    DISTRICT_CODE,
    VILLAGE_CODE,
    CodeNameSerializer,
    IdNameSerializer,
    PhotoSerializer,
    ReferenceSerializer,
    query_params,
)
from catalog.models import (
    Category,
    Commodity,
    PermitKind,
    Producer,
    Product,
    ProductStock,
    RejectionReason,
    Stage,
    Unit,
)
from catalog.permissions import IsOfficer, is_officer
from catalog.selectors import (
    ProductFilters,
    access_producer,
    access_product,
    producer_ids_for_user,
    product_get_public_detailed,
    product_get_working,
    product_is_retail_ready,
    product_list_for_curation,
    product_list_public_detailed,
    product_list_working,
    product_photo_get,
    product_retail_readiness,
)
from catalog.services import (
    CURATION_DECISIONS,
    ProductChanges,
    product_create,
    product_curation_decide,
    product_photo_add,
    product_photo_remove,
    product_price_tiers_set,
    product_submit_for_curation,
    product_update,
    stock_correct,
    stock_restock,
    stock_threshold_set,
)
from market.core.api import CappedPagination
from market.core.pagecache import public_data

# --- output -----------------------------------------------------------------------------------


class PriceTierSerializer(serializers.Serializer):
    min_quantity = serializers.IntegerField(min_value=1)
    unit_price = serializers.IntegerField(min_value=1, help_text=_("Rupiah per unit from min_quantity units."))


class ReadinessItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()


class PublicProductSerializer(serializers.Serializer):
    """A product on sale, as approved by an officer (its approved snapshot)."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="approved_snapshot.name")
    name_en = serializers.CharField(source="approved_snapshot.name_en", allow_blank=True)
    description = serializers.CharField(source="approved_snapshot.description")
    description_en = serializers.CharField(source="approved_snapshot.description_en", allow_blank=True)
    category = ReferenceSerializer(source="snapshot_category")
    commodity = ReferenceSerializer(source="snapshot_commodity", allow_null=True)
    unit = serializers.ChoiceField(source="approved_snapshot.unit", choices=Unit.choices)
    pack_size = serializers.CharField(source="approved_snapshot.pack_size", help_text=_("A decimal, e.g. 0.250"))
    weight_grams = serializers.IntegerField(source="approved_snapshot.weight_grams", allow_null=True)
    shelf_life_days = serializers.IntegerField(source="approved_snapshot.shelf_life_days", allow_null=True)
    certifications = serializers.ListField(source="approved_snapshot.certifications",
                                           child=serializers.ChoiceField(choices=PermitKind.choices))
    packaging_status = serializers.ChoiceField(source="approved_snapshot.packaging_status",
                                               choices=Product.Packaging.choices)
    barcode = serializers.CharField(source="approved_snapshot.barcode", allow_blank=True)
    retail_price = serializers.IntegerField(source="approved_snapshot.retail_price", help_text=_("Rupiah"))
    min_order_qty = serializers.IntegerField(source="approved_snapshot.min_order_qty")
    order_multiple = serializers.IntegerField(source="approved_snapshot.order_multiple")
    price_tiers = serializers.SerializerMethodField()
    photos = PhotoSerializer(source="approved_snapshot.photos", many=True)
    producer = IdNameSerializer()
    village = CodeNameSerializer(source="producer.village")
    district = CodeNameSerializer(source="producer.village.district")
    stage = serializers.ChoiceField(source="producer.village.profile.stage", choices=Stage.choices)
    retail_ready = serializers.BooleanField(help_text=_("Whether the approved version meets modern retail's "
                                                        "checklist (see readiness on the product)."))
    available = serializers.SerializerMethodField()

    @extend_schema_field(PriceTierSerializer(many=True))
    def get_price_tiers(self, product: Product) -> list[dict]:
        return [{"min_quantity": quantity, "unit_price": price}
                for quantity, price in product.approved_snapshot.get("price_tiers") or []]

    def get_available(self, product: Product) -> int:
        """Units that can be ordered now."""
        stock = getattr(product, "stock", None)
        return max(stock.available, 0) if stock is not None else 0


class PublicProductDetailSerializer(PublicProductSerializer):
    readiness = serializers.SerializerMethodField()

    @extend_schema_field(ReadinessItemSerializer(many=True))
    def get_readiness(self, product: Product) -> list[dict]:
        items = self.context["readiness"]
        return [{"key": item.key, "ok": item.ok, "message": item.message} for item in items]


class StockSerializer(serializers.Serializer):
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField(help_text=_("Units reserved by open orders."))
    available = serializers.IntegerField()
    low_stock_threshold = serializers.IntegerField()
    low = serializers.SerializerMethodField()

    def get_low(self, stock: ProductStock) -> bool:
        """Whether the available units are at or below the low-stock threshold."""
        return stock.available <= stock.low_stock_threshold


class RejectionSerializer(serializers.Serializer):
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=RejectionReason.choices))
    note = serializers.CharField(allow_blank=True)


class WorkingProductSerializer(serializers.Serializer):
    """A product's working copy, as its producer's people and programme officers see it."""

    id = serializers.IntegerField()
    producer = IdNameSerializer()
    status = serializers.ChoiceField(choices=Product.Status.choices)
    listed = serializers.BooleanField(help_text=_("Whether an approved version is on sale."))
    has_pending_changes = serializers.BooleanField(
        help_text=_("Changes to a listed product wait for curation; the approved version stays on sale."))
    rejection = serializers.SerializerMethodField()
    category = ReferenceSerializer()
    commodity = ReferenceSerializer(allow_null=True)
    name = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    description = serializers.CharField()
    description_en = serializers.CharField(allow_blank=True)
    unit = serializers.ChoiceField(choices=Unit.choices)
    pack_size = serializers.DecimalField(max_digits=10, decimal_places=3)
    weight_grams = serializers.IntegerField(allow_null=True)
    shelf_life_days = serializers.IntegerField(allow_null=True)
    certifications = serializers.ListField(child=serializers.ChoiceField(choices=PermitKind.choices))
    packaging_status = serializers.ChoiceField(choices=Product.Packaging.choices)
    sku = serializers.CharField()
    barcode = serializers.CharField(allow_blank=True)
    retail_price = serializers.IntegerField()
    min_order_qty = serializers.IntegerField()
    order_multiple = serializers.IntegerField()
    price_tiers = PriceTierSerializer(source="price_tiers.all", many=True)
    photos = PhotoSerializer(source="photos.all", many=True)
    stock = StockSerializer()
    approved_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()

    @extend_schema_field(RejectionSerializer(allow_null=True))
    def get_rejection(self, product: Product) -> dict | None:
        """Why the product is rejected (its latest rejection); null unless it is rejected."""
        if product.status != Product.Status.REJECTED or product.last_rejection_reasons is None:
            return None
        return {"reasons": product.last_rejection_reasons, "note": product.last_rejection_note}


class WorkingProductDetailSerializer(WorkingProductSerializer):
    readiness = serializers.SerializerMethodField()

    @extend_schema_field(ReadinessItemSerializer(many=True))
    def get_readiness(self, product: Product) -> list[dict]:
        """The retail checklist of the working copy."""
        return [{"key": item.key, "ok": item.ok, "message": item.message}
                for item in product_retail_readiness(product=product)]


class CurationItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=Product.Status.choices)
    listed = serializers.BooleanField()
    has_pending_changes = serializers.BooleanField()
    category = ReferenceSerializer()
    producer = IdNameSerializer()
    village = CodeNameSerializer(source="producer.village")
    updated_at = serializers.DateTimeField()


def _working(request, pk: int, *, status_code: int = status.HTTP_200_OK, headers=None) -> Response:
    product = product_get_working(user=request.user, pk=pk)
    return Response(WorkingProductDetailSerializer(product, context={"request": request}).data,
                    status=status_code, headers=headers)


# --- input ------------------------------------------------------------------------------------


class ProductFilterParams(serializers.Serializer):
    district = serializers.RegexField(DISTRICT_CODE, required=False, help_text=_("District code, e.g. 35.09.01"))
    village = serializers.RegexField(VILLAGE_CODE, required=False, help_text=_("Village code, e.g. 35.09.01.2001"))
    commodity = serializers.SlugField(required=False)
    category = serializers.SlugField(required=False, help_text=_("Includes the category's subcategories"))
    stage = serializers.ChoiceField(choices=Stage.choices, required=False, help_text=_("The village's stage"))
    certification = serializers.ChoiceField(choices=PermitKind.choices, required=False,
                                            help_text=_("Claimed by the product and held valid by its producer"))
    retail_ready = serializers.BooleanField(required=False, allow_null=True, default=None)
    producer = serializers.IntegerField(required=False, min_value=1)
    in_stock = serializers.BooleanField(required=False, allow_null=True, default=None)


class ProductFieldsInput(serializers.Serializer):
    """The working copy's editable fields (all optional: PATCH changes what it is given)."""

    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all(), required=False)
    commodity = serializers.SlugRelatedField(slug_field="slug", queryset=Commodity.objects.all(), required=False,
                                             allow_null=True)
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description_en = serializers.CharField(required=False, allow_blank=True)
    unit = serializers.ChoiceField(choices=Unit.choices, required=False)
    pack_size = serializers.DecimalField(max_digits=10, decimal_places=3, min_value=Decimal("0.001"), required=False)
    weight_grams = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    shelf_life_days = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    certifications = serializers.ListField(child=serializers.ChoiceField(choices=PermitKind.choices), required=False,
                                           max_length=len(PermitKind.values))
    packaging_status = serializers.ChoiceField(choices=Product.Packaging.choices, required=False)
    sku = serializers.CharField(max_length=64, required=False)
    barcode = serializers.CharField(max_length=13, required=False, allow_blank=True)
    retail_price = serializers.IntegerField(min_value=0, required=False, help_text=_("Rupiah"))
    min_order_qty = serializers.IntegerField(min_value=1, required=False)
    order_multiple = serializers.IntegerField(min_value=1, required=False)


@extend_schema_field(OpenApiTypes.INT)
class EditableProducerField(serializers.PrimaryKeyRelatedField):
    """A producer the caller may add products to (its people and officers)."""

    def get_queryset(self):
        user = self.context["request"].user
        return Producer.objects.all() if is_officer(user) else Producer.objects.filter(
            pk__in=producer_ids_for_user(user=user))


class ProductCreateInput(ProductFieldsInput):
    producer = EditableProducerField()
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    name = serializers.CharField(max_length=200)
    description = serializers.CharField()
    sku = serializers.CharField(max_length=64)


class PriceTiersInput(serializers.Serializer):
    tiers = PriceTierSerializer(many=True, max_length=20,
                                help_text=_("Ascending quantities, non-increasing prices; empty removes every tier."))


class PhotoInput(serializers.Serializer):
    image = serializers.FileField(help_text=_("A JPEG, PNG or WebP photo."))
    alt_text = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class DecisionInput(serializers.Serializer):
    note = serializers.CharField(required=False, default="", allow_blank=True)


class RejectInput(DecisionInput):
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=RejectionReason.choices), allow_empty=False,
                                    max_length=len(RejectionReason.values))


class RestockInput(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1)
    reference = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class StockCorrectInput(serializers.Serializer):
    on_hand = serializers.IntegerField(min_value=0, help_text=_("The counted units on hand."))
    reference = serializers.CharField(max_length=200, help_text=_("Why the count changed."))


class StockThresholdInput(serializers.Serializer):
    low_stock_threshold = serializers.IntegerField(min_value=0)


# --- the public catalogue ---------------------------------------------------------------------


class ProductListView(generics.ListAPIView):
    """Products on sale (GET, everyone), and a new draft product (POST, the producer's people and officers).

    ``count`` stops at 10,000 (``count_is_exact`` false beyond): the list never counts the whole catalogue.
    """

    serializer_class = PublicProductSerializer
    pagination_class = CappedPagination

    @extend_schema(parameters=[ProductFilterParams])
    def get(self, request, *args, **kwargs):
        # Anonymous answers come from the shared cache until the catalogue changes (market/core/pagecache.py).
        data, _cached = public_data(request, lambda: super(ProductListView, self).get(request, *args, **kwargs).data)
        return Response(data)

    def get_queryset(self):
        return product_list_public_detailed(filters=ProductFilters(**query_params(ProductFilterParams, self.request)))

    @extend_schema(request=ProductCreateInput, responses={201: WorkingProductDetailSerializer})
    def post(self, request):
        serializer = ProductCreateInput(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        producer = fields.pop("producer")
        product = product_create(producer=producer, actor=request.user, changes=ProductChanges(**fields))
        location = reverse("v1:catalog:product-working-copy", kwargs={"pk": product.pk})
        return _working(request, product.pk, status_code=status.HTTP_201_CREATED, headers={"Location": location})


class ProductDetailView(APIView):
    """A product on sale (GET, everyone) with its retail checklist; PATCH changes the working copy."""

    @extend_schema(responses=PublicProductDetailSerializer)
    def get(self, request, pk: int):
        data, _cached = public_data(request, lambda: self._detail(request, pk))
        return Response(data)

    @staticmethod
    def _detail(request, pk: int) -> dict:
        product = product_get_public_detailed(pk=pk)
        readiness = product_retail_readiness(product=product, approved=True)
        data = PublicProductDetailSerializer(product, context={"request": request, "readiness": readiness}).data
        data["retail_ready"] = product_is_retail_ready(readiness)
        return data

    @extend_schema(request=ProductFieldsInput, responses=WorkingProductDetailSerializer)
    def patch(self, request, pk: int):
        product = access_product(user=request.user, pk=pk)
        serializer = ProductFieldsInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        product_update(product=product, actor=request.user, changes=ProductChanges(**serializer.validated_data))
        return _working(request, pk)


# --- working copies ---------------------------------------------------------------------------


class ProductMineView(generics.ListAPIView):
    """The products (working copies, any status) of the producers the caller is one of the people of."""

    permission_classes = [IsAuthenticated]
    serializer_class = WorkingProductSerializer

    def get_queryset(self):
        return product_list_working(producers=producer_ids_for_user(user=self.request.user))


class ProducerProductListView(generics.ListAPIView):
    """A producer's products (working copies, any status), for its people and programme officers."""

    permission_classes = [IsAuthenticated]
    serializer_class = WorkingProductSerializer

    def get_queryset(self):
        producer = access_producer(user=self.request.user, pk=self.kwargs["pk"])
        return product_list_working(producers=[producer.pk])


class ProductWorkingCopyView(APIView):
    """A product's working copy with its retail checklist, for its producer's people and officers."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=WorkingProductDetailSerializer)
    def get(self, request, pk: int):
        return _working(request, pk)


class ProductReviewQueueView(generics.ListAPIView):
    """Products waiting for curation, oldest change first; officers only."""

    permission_classes = [IsOfficer]
    serializer_class = CurationItemSerializer

    def get_queryset(self):
        return product_list_for_curation()


class ProductPriceTiersView(APIView):
    """Replace the product's price tiers (wholesale unit prices by quantity)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=PriceTiersInput, responses=WorkingProductDetailSerializer)
    def put(self, request, pk: int):
        product = access_product(user=request.user, pk=pk)
        serializer = PriceTiersInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        tiers = [(tier["min_quantity"], tier["unit_price"]) for tier in serializer.validated_data["tiers"]]
        product_price_tiers_set(product=product, tiers=tiers, actor=request.user)
        return _working(request, pk)


class ProductPhotoListView(APIView):
    """Add a photo (multipart ``image``) to the working copy; it is checked and re-encoded."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": PhotoInput}, responses={201: PhotoSerializer})
    def post(self, request, pk: int):
        product = access_product(user=request.user, pk=pk)
        serializer = PhotoInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        photo = product_photo_add(product=product, actor=request.user, **serializer.validated_data)
        return Response(PhotoSerializer(photo, context={"request": request}).data, status=status.HTTP_201_CREATED)


class ProductPhotoDetailView(APIView):
    """Remove a photo from the working copy."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int, photo_id: int):
        product = access_product(user=request.user, pk=pk)
        product_photo_remove(photo=product_photo_get(product=product, pk=photo_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProductSubmitView(APIView):
    """Send a draft or rejected product to the officers for curation."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=WorkingProductDetailSerializer)
    def post(self, request, pk: int):
        product_submit_for_curation(product=access_product(user=request.user, pk=pk), actor=request.user)
        return _working(request, pk)


class _ProductDecisionView(APIView):
    """An officer's curation decision (``catalog.services.CURATION_DECISIONS``); officers only."""

    permission_classes = [IsOfficer]
    decision: str = ""

    def post(self, request, pk: int):
        product = access_product(user=request.user, pk=pk)
        entry = CURATION_DECISIONS[self.decision]
        serializer = (RejectInput if entry.reasons_required else DecisionInput)(data=request.data)
        serializer.is_valid(raise_exception=True)
        product_curation_decide(product=product, officer=request.user, decision=self.decision,
                                **serializer.validated_data)
        return _working(request, pk)


class ProductApproveView(_ProductDecisionView):
    """Approve a submitted product: its working copy becomes the version on sale; officers only."""

    decision = "approve"

    @extend_schema(request=DecisionInput, responses=WorkingProductDetailSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)


class ProductRejectView(_ProductDecisionView):
    """Reject a submitted product with reasons (an approved version stays on sale); officers only."""

    decision = "reject"

    @extend_schema(request=RejectInput, responses=WorkingProductDetailSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)


class ProductDelistView(_ProductDecisionView):
    """Take a listed product off sale at once, with reasons; officers only."""

    decision = "delist"

    @extend_schema(request=RejectInput, responses=WorkingProductDetailSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)


# --- stock ------------------------------------------------------------------------------------


class _StockView(APIView):
    permission_classes = [IsAuthenticated]
    input_class: type[serializers.Serializer]

    def call(self, *, product: Product, actor, data: dict) -> ProductStock:
        raise NotImplementedError

    def post(self, request, pk: int):
        product = access_product(user=request.user, pk=pk)
        serializer = self.input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        stock = self.call(product=product, actor=request.user, data=serializer.validated_data)
        return Response(StockSerializer(stock).data)


@extend_schema(request=RestockInput, responses=StockSerializer)
class ProductRestockView(_StockView):
    """Add units that arrived in the producer's store."""

    input_class = RestockInput

    def call(self, *, product, actor, data):
        return stock_restock(product=product, actor=actor, **data)


@extend_schema(request=StockCorrectInput, responses=StockSerializer)
class ProductStockCorrectView(_StockView):
    """Set the units on hand to a counted figure (never below what is reserved)."""

    input_class = StockCorrectInput

    def call(self, *, product, actor, data):
        return stock_correct(product=product, actor=actor, **data)


@extend_schema(request=StockThresholdInput, responses=StockSerializer)
class ProductStockThresholdView(_StockView):
    """Set the level at which the producer is warned about low stock."""

    input_class = StockThresholdInput

    def call(self, *, product, actor, data):
        return stock_threshold_set(product=product, actor=actor, **data)

