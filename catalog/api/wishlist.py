"""API: a consumer's or buyer's favourites (``/api/v1/wishlist/``), over the same services as the pages."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import CodeNameSerializer, IdNameSerializer, PhotoSerializer
from catalog.exceptions import WishlistNotForRole
from catalog.selectors.collections import user_keeps_wishlist, wishlist_list
from catalog.services.collections import wishlist_add, wishlist_remove


class WishlistProductOut(serializers.Serializer):
    """A saved product on sale (its approved version)."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="approved_snapshot.name")
    name_en = serializers.CharField(source="approved_snapshot.name_en", allow_blank=True)
    retail_price = serializers.IntegerField(source="approved_snapshot.retail_price", help_text=_("Rupiah"))
    photos = PhotoSerializer(source="approved_snapshot.photos", many=True)
    producer = IdNameSerializer()
    village = CodeNameSerializer(source="producer.village")
    saved_at = serializers.DateTimeField()


class WishlistInput(serializers.Serializer):
    product = serializers.IntegerField(min_value=1)


def _require_wishlist(request) -> None:
    if not user_keeps_wishlist(request.user):
        raise WishlistNotForRole()


class WishlistView(APIView):
    """The caller's favourites, the latest saved first (products no longer on sale are left out); POST saves one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=WishlistProductOut(many=True))
    def get(self, request):
        _require_wishlist(request)
        return Response(WishlistProductOut(wishlist_list(user=request.user), many=True).data)

    @extend_schema(request=WishlistInput, responses={201: None, 200: None})
    def post(self, request):
        serializer = WishlistInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = wishlist_add(user=request.user, product_id=serializer.validated_data["product"])
        return Response({"product": item.product_id, "saved_at": item.created_at},
                        status=status.HTTP_201_CREATED)


class WishlistItemView(APIView):
    """Remove a product from the caller's own favourites (204 whether or not it was there)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, product_id: int):
        wishlist_remove(user=request.user, product_id=product_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
