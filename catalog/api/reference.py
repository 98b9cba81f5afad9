"""API: reference data, read by everyone: the category tree and the commodities."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import ReferenceSerializer
from catalog.selectors import category_tree, commodity_list


class CategoryNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    requires_food_permits = serializers.BooleanField()


# A category's children are categories: declared after the class, so the schema refers to itself.
CategoryNodeSerializer._declared_fields["children"] = CategoryNodeSerializer(many=True)


class CategoryTreeView(APIView):
    """The category tree: top-level categories by name, each with its children."""

    permission_classes = [AllowAny]

    @extend_schema(responses=CategoryNodeSerializer(many=True))
    def get(self, request):
        return Response(CategoryNodeSerializer(category_tree(), many=True).data)


class CommodityListView(generics.ListAPIView):
    """Every commodity by name (a short list: not paginated)."""

    permission_classes = [AllowAny]
    serializer_class = ReferenceSerializer
    pagination_class = None

    def get_queryset(self):
        return commodity_list()
