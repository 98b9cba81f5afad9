"""API: the region tree (read-only, public)."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from market.regions.models import District, Village
from market.regions.selectors import district_list, village_list


class DistrictSerializer(serializers.ModelSerializer):
    regency_code = serializers.CharField(source="regency_id")
    regency_name = serializers.CharField(source="regency.display_name")

    class Meta:
        model = District
        fields = ["code", "name", "regency_code", "regency_name"]


class VillageSerializer(serializers.ModelSerializer):
    district_code = serializers.CharField(source="district_id")
    district_name = serializers.CharField(source="district.name")

    class Meta:
        model = Village
        fields = ["code", "name", "kind", "district_code", "district_name"]


class DistrictListView(generics.ListAPIView):
    """Districts (kecamatan), filtered by regency code and name."""

    serializer_class = DistrictSerializer
    permission_classes = [AllowAny]

    @extend_schema(parameters=[OpenApiParameter("regency", str, description="Regency code, e.g. 35.09"),
                               OpenApiParameter("q", str, description="Part of the name")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return district_list(regency_code=params.get("regency"), q=params.get("q", "").strip())


class VillageListView(generics.ListAPIView):
    """Villages (desa/kelurahan), filtered by district or regency code and name."""

    serializer_class = VillageSerializer
    permission_classes = [AllowAny]

    @extend_schema(parameters=[OpenApiParameter("district", str, description="District code, e.g. 35.09.01"),
                               OpenApiParameter("regency", str, description="Regency code, e.g. 35.09"),
                               OpenApiParameter("q", str, description="Part of the name")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return village_list(district_code=params.get("district"), regency_code=params.get("regency"),
                            q=params.get("q", "").strip())
