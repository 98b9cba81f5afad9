"""API: producers (public profiles of verified producers), their permits and verification.

Every producer representation has the same shape; ``private`` (contact details, permit numbers,
verification date) is filled only for the producer's own people and programme officers, who also
see producers that are not verified (yet). ``/producers/mine/`` lists the caller's producers.
"""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import DISTRICT_CODE, VILLAGE_CODE, CodeNameSerializer, query_params
from catalog.exceptions import PermitNotFound, ProducerNotFound
from catalog.models import PermitKind, Producer, Unit
from catalog.permissions import IsOfficer
from catalog.selectors import (
    access_producer,
    producer_get_public,
    producer_list_for_member,
    producer_list_public,
    producer_permit_get,
)
from catalog.services import (
    producer_permit_delete,
    producer_permit_set,
    producer_unverify,
    producer_update,
    producer_verify,
)

# --- output -----------------------------------------------------------------------------------


class PermitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PermitKind.choices)
    label = serializers.CharField(source="get_kind_display")
    expires_on = serializers.DateField(allow_null=True, help_text=_("Empty for an NIB, which never expires."))
    valid = serializers.SerializerMethodField()

    def get_valid(self, permit) -> bool:
        return permit.expires_on is None or permit.expires_on >= timezone.localdate()


class PermitPrivateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PermitKind.choices)
    number = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)


class ProducerPrivateSerializer(serializers.Serializer):
    organisation_id = serializers.IntegerField()
    phone = serializers.CharField(allow_blank=True)
    whatsapp = serializers.CharField(allow_blank=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    permits = PermitPrivateSerializer(source="permits.all", many=True)


class ProducerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    village = CodeNameSerializer()
    district = CodeNameSerializer(source="village.district")
    capacity_per_month = serializers.IntegerField()
    capacity_unit = serializers.ChoiceField(choices=Unit.choices)
    verified = serializers.BooleanField(source="is_verified")
    permits = PermitSerializer(source="permits.all", many=True)
    private = serializers.SerializerMethodField(
        help_text=_("Only for the producer's own people and programme officers; null for everyone else."))

    @extend_schema_field(ProducerPrivateSerializer(allow_null=True))
    def get_private(self, producer: Producer) -> dict | None:
        if not self.context.get("private"):
            return None
        return ProducerPrivateSerializer(producer, context=self.context).data


def _render(request, producer: Producer, *, private: bool = True, status_code: int = status.HTTP_200_OK):
    return Response(ProducerSerializer(producer, context={"request": request, "private": private}).data,
                    status=status_code)


# --- input ------------------------------------------------------------------------------------


class ProducerFilterParams(serializers.Serializer):
    district = serializers.RegexField(DISTRICT_CODE, required=False, help_text=_("District code, e.g. 35.09.01"))
    village = serializers.RegexField(VILLAGE_CODE, required=False, help_text=_("Village code, e.g. 35.09.01.2001"))
    commodity = serializers.SlugField(required=False, help_text=_("Producers with a public product of it"))


class ProducerUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    whatsapp = serializers.CharField(max_length=20, required=False, allow_blank=True)
    capacity_per_month = serializers.IntegerField(min_value=0, required=False)
    capacity_unit = serializers.ChoiceField(choices=Unit.choices, required=False)


class UnverifyInput(serializers.Serializer):
    reason = serializers.CharField()


class PermitInput(serializers.Serializer):
    number = serializers.CharField(max_length=64)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None,
                                       help_text=_("Required for every kind but the NIB."))


# --- views ------------------------------------------------------------------------------------


class ProducerListView(generics.ListAPIView):
    """Verified producers by name, with their village, capacity and permits."""

    permission_classes = [AllowAny]
    serializer_class = ProducerSerializer

    @extend_schema(parameters=[ProducerFilterParams])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return producer_list_public(**query_params(ProducerFilterParams, self.request))


class ProducerMineView(generics.ListAPIView):
    """The producers the caller is one of the people of, verified or not, with their private details."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProducerSerializer

    def get_queryset(self):
        return producer_list_for_member(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "private": True}


class ProducerDetailView(APIView):
    """A producer; its people and officers get the private details and change them (PATCH)."""

    @extend_schema(responses=ProducerSerializer)
    def get(self, request, pk: int):
        try:
            return _render(request, access_producer(user=request.user, pk=pk))
        except ProducerNotFound:
            return _render(request, producer_get_public(pk=pk), private=False)

    @extend_schema(request=ProducerUpdateInput, responses=ProducerSerializer)
    def patch(self, request, pk: int):
        producer = access_producer(user=request.user, pk=pk)
        serializer = ProducerUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _render(request, producer_update(producer=producer, actor=request.user, **serializer.validated_data))


class ProducerVerifyView(APIView):
    """Mark the producer as verified (its listed products become public); officers only."""

    permission_classes = [IsOfficer]

    @extend_schema(request=None, responses=ProducerSerializer)
    def post(self, request, pk: int):
        producer = access_producer(user=request.user, pk=pk)
        return _render(request, producer_verify(producer=producer, officer=request.user))


class ProducerUnverifyView(APIView):
    """Withdraw the producer's verification, with a reason (its products leave the catalogue); officers only."""

    permission_classes = [IsOfficer]

    @extend_schema(request=UnverifyInput, responses=ProducerSerializer)
    def post(self, request, pk: int):
        producer = access_producer(user=request.user, pk=pk)
        serializer = UnverifyInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _render(request, producer_unverify(producer=producer, officer=request.user,
                                                  reason=serializer.validated_data["reason"]))


@extend_schema(parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=PermitKind.values)])
class ProducerPermitView(APIView):
    """Record or replace (PUT) and remove (DELETE) the producer's permit of a kind; its people and officers."""

    permission_classes = [IsAuthenticated]

    @staticmethod
    def _producer(request, pk: int, kind: str) -> Producer:
        producer = access_producer(user=request.user, pk=pk)
        if kind not in PermitKind.values:
            raise PermitNotFound()
        return producer

    @extend_schema(request=PermitInput, responses=PermitPrivateSerializer)
    def put(self, request, pk: int, kind: str):
        producer = self._producer(request, pk, kind)
        serializer = PermitInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        permit = producer_permit_set(producer=producer, actor=request.user, kind=kind, **serializer.validated_data)
        return Response(PermitPrivateSerializer(permit).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int, kind: str):
        producer = self._producer(request, pk, kind)
        producer_permit_delete(permit=producer_permit_get(producer=producer, kind=kind), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
