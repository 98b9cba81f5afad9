"""API: a product's reviews (public) and one's own reviews (write one for a delivered order line).

Reads go through ``reviews.selectors``, writes through ``reviews.services`` (the same functions as the
pages). A product that is not on sale is a 404; an order line that is not the caller's is a 404 too.
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.selectors import product_get_public
from market.core.api import Pagination, page_of
from market.core.parsers import JSONParser
from reviews.models import MAX_PHOTOS, MAX_TEXT
from reviews.selectors import product_stats_get, review_list_for_author, review_list_for_product
from reviews.services import review_write


class ReviewPhotoOut(serializers.Serializer):
    image = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def get_image(self, photo) -> str:
        return photo.image.url

    def get_thumbnail(self, photo) -> str:
        return photo.thumbnail.url


class ReviewOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    product = serializers.IntegerField(source="product_id")
    rating = serializers.IntegerField()
    text = serializers.CharField()
    author = serializers.CharField(source="author_name")
    verified_purchase = serializers.SerializerMethodField()
    photos = ReviewPhotoOut(many=True, source="photos.all")
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)

    def get_verified_purchase(self, review) -> bool:
        return True  # every review is of a delivered order line of its author


class OwnReviewOut(ReviewOut):
    order_line = serializers.IntegerField(source="order_line_id")
    status = serializers.CharField()
    hidden_reason = serializers.CharField()


class ProductReviewsOut(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    average = serializers.FloatField(allow_null=True)
    sold = serializers.IntegerField()
    results = ReviewOut(many=True)


class ReviewIn(serializers.Serializer):
    order_line = serializers.IntegerField(min_value=1)
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.ImageField(allow_empty_file=False), required=False,
                                   max_length=MAX_PHOTOS, default=list,
                                   help_text="Up to 3 photos (JPEG, PNG or WebP; multipart only).")


class ProductReviewListView(APIView):
    """The visible reviews of a product on sale, newest first, with its average rating and units sold."""

    permission_classes = [AllowAny]

    @extend_schema(responses=ProductReviewsOut, operation_id="product_reviews_list")
    def get(self, request, pk: int):
        product = product_get_public(pk=pk)
        stats = product_stats_get(product_id=product.pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(review_list_for_product(product_id=product.pk), request, view=self)
        response = paginator.get_paginated_response(ReviewOut(page, many=True).data)
        response.data["average"], response.data["sold"] = stats.average, stats.sold
        return response


class ReviewListView(APIView):
    """One's own reviews (GET), or a new review of a delivered order line one bought (POST)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=page_of(OwnReviewOut), operation_id="reviews_mine_list")
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(review_list_for_author(user=request.user), request, view=self)
        return paginator.get_paginated_response(OwnReviewOut(page, many=True).data)

    @extend_schema(request={"application/json": ReviewIn, "multipart/form-data": ReviewIn},
                   responses={201: OwnReviewOut}, operation_id="reviews_create")
    def post(self, request):
        data = ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        review = review_write(order_line_id=data.validated_data["order_line"], author=request.user,
                              rating=data.validated_data["rating"], text=data.validated_data["text"],
                              photos=data.validated_data["photos"])
        return Response(OwnReviewOut(review).data, status=status.HTTP_201_CREATED)
