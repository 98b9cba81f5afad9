"""API: delivery places: the outlets of buyer organisations (their members) and consumers' own addresses.

Outlets are listed for the buyer organisations the caller is a member of (``?organisation=`` or
the ``X-Buyer-Organisation`` header narrows to one); owners and managers add, change and archive
them (``buyers.services`` enforces it). Addresses belong to one person: nobody else sees them
(404), not even an officer. Archived places stay on past orders.

A buyer organisation's approval limit (``/buyer-organisations/{id}/approval-limit/``) is read by
its members and set by its owners; purchase requests themselves are the orders app's.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from buyers.exceptions import BuyerManagerRequired, BuyerOrganisationNotFound, OutletNotFound
from buyers.models import Outlet
from buyers.selectors import (
    access_address,
    access_outlet,
    address_list,
    buyer_approval_limit_get,
    buyer_member_role,
    outlet_list,
    outlet_list_for_member,
)
from buyers.services import (
    MAX_APPROVAL_LIMIT,
    address_archive,
    address_create,
    address_update,
    buyer_approval_limit_set,
    outlet_archive,
    outlet_create,
    outlet_update,
)
from market.accounts.models import Membership
from market.accounts.selectors import buyer_organisation_list

# --- output -----------------------------------------------------------------------------------


class PlaceVillageOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    district_code = serializers.CharField(source="district_id")
    district = serializers.CharField(source="district.name")


class _PlaceOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    contact_name = serializers.CharField()
    phone = serializers.CharField()
    street = serializers.CharField()
    village = PlaceVillageOut()
    postal_code = serializers.CharField(allow_blank=True)


class OutletOut(_PlaceOut):
    organisation_id = serializers.IntegerField()


class AddressOut(_PlaceOut):
    pass


# --- input ------------------------------------------------------------------------------------


class _PlaceInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    contact_name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=32, help_text=_("8 to 15 digits, e.g. 081234567890."))
    street = serializers.CharField(max_length=500)
    village_code = serializers.CharField(max_length=20, help_text=_("Village code, e.g. 35.09.01.2001"))
    postal_code = serializers.CharField(max_length=5, required=False, allow_blank=True)


class OutletInput(_PlaceInput):
    organisation = serializers.IntegerField(min_value=1, help_text=_("The buyer organisation's id."))


class AddressInput(_PlaceInput):
    pass


class PlaceUpdateInput(_PlaceInput):
    """Any of the fields, to change them."""


def _organisation(request, value):
    """Return the buyer organisation ``value`` names if the caller is a member; else ``BuyerManagerRequired``."""
    organisation = buyer_organisation_list(user=request.user).filter(pk=value).first()
    if organisation is None:
        raise BuyerManagerRequired()
    return organisation


_ORGANISATION = [
    OpenApiParameter("organisation", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False,
                     description=_("Only this buyer organisation's outlets.")),
    OpenApiParameter("X-Buyer-Organisation", OpenApiTypes.INT, OpenApiParameter.HEADER, required=False,
                     description=_("Same as the organisation parameter.")),
]

# --- views ------------------------------------------------------------------------------------


def _organisation_param(request) -> str:
    return (request.headers.get("X-Buyer-Organisation") or request.query_params.get("organisation") or "").strip()


class OutletListView(generics.ListCreateAPIView):
    """The active outlets of the caller's buyer organisations (GET); owners and managers add one (POST)."""

    permission_classes = [IsAuthenticated]
    serializer_class = OutletOut

    @extend_schema(parameters=_ORGANISATION)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        value = _organisation_param(self.request)
        if not value:
            return outlet_list_for_member(user=self.request.user)
        if not (value.isdigit() and len(value) < 12):
            raise BuyerManagerRequired()
        return outlet_list(organisation=_organisation(self.request, int(value)))

    @extend_schema(request=OutletInput, responses={201: OutletOut})
    def post(self, request, *args, **kwargs):
        serializer = OutletInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        organisation = _organisation(request, fields.pop("organisation"))
        outlet = outlet_create(organisation=organisation, actor=request.user, **fields)
        return Response(OutletOut(access_outlet(user=request.user, pk=outlet.pk)).data,
                        status=status.HTTP_201_CREATED)


def _member_outlet(request, pk: int) -> Outlet:
    """Return the outlet for a member of its organisation (officers included only if members); else 404."""
    outlet = outlet_list_for_member(user=request.user).filter(pk=pk).first()
    if outlet is None:
        raise OutletNotFound()
    return access_outlet(user=request.user, pk=outlet.pk)


class OutletDetailView(APIView):
    """One of the caller's organisations' outlets (GET); owners and managers change (PATCH) or archive it (DELETE)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OutletOut)
    def get(self, request, pk: int):
        return Response(OutletOut(_member_outlet(request, pk)).data)

    @extend_schema(request=PlaceUpdateInput, responses=OutletOut)
    def patch(self, request, pk: int):
        outlet = _member_outlet(request, pk)
        serializer = PlaceUpdateInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        outlet_update(outlet=outlet, actor=request.user, **serializer.validated_data)
        return Response(OutletOut(access_outlet(user=request.user, pk=pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        outlet_archive(outlet=_member_outlet(request, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AddressListView(generics.ListCreateAPIView):
    """The caller's own delivery addresses (GET); add one (POST)."""

    permission_classes = [IsAuthenticated]
    serializer_class = AddressOut

    def get_queryset(self):
        return address_list(user=self.request.user)

    @extend_schema(request=AddressInput, responses={201: AddressOut})
    def post(self, request, *args, **kwargs):
        serializer = AddressInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        address = address_create(user=request.user, **serializer.validated_data)
        return Response(AddressOut(access_address(user=request.user, pk=address.pk)).data,
                        status=status.HTTP_201_CREATED)


class AddressDetailView(APIView):
    """One of the caller's own addresses (GET); change (PATCH) or remove it (DELETE)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AddressOut)
    def get(self, request, pk: int):
        return Response(AddressOut(access_address(user=request.user, pk=pk)).data)

    @extend_schema(request=PlaceUpdateInput, responses=AddressOut)
    def patch(self, request, pk: int):
        address = access_address(user=request.user, pk=pk)
        serializer = PlaceUpdateInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        address_update(address=address, actor=request.user, **serializer.validated_data)
        return Response(AddressOut(access_address(user=request.user, pk=pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        address_archive(address=access_address(user=request.user, pk=pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- approval limit ---------------------------------------------------------------------------


class ApprovalLimitOut(serializers.Serializer):
    approval_limit = serializers.IntegerField(allow_null=True, help_text=_(
        "Rupiah: orders of members above it need a manager's approval; null: no approval needed."))
    can_change = serializers.BooleanField(help_text=_("The caller is an owner and may change it."))


class ApprovalLimitInput(serializers.Serializer):
    approval_limit = serializers.IntegerField(allow_null=True, min_value=1, max_value=MAX_APPROVAL_LIMIT)


class ApprovalLimitView(APIView):
    """A buyer organisation's approval limit: its members read it (GET), its owners set or clear it (PUT)."""

    permission_classes = [IsAuthenticated]

    def _organisation(self, request, pk: int):
        organisation = buyer_organisation_list(user=request.user).filter(pk=pk).first()
        if organisation is None:
            raise BuyerOrganisationNotFound()
        return organisation

    def _render(self, request, organisation) -> Response:
        return Response(ApprovalLimitOut({
            "approval_limit": buyer_approval_limit_get(organisation=organisation),
            "can_change": buyer_member_role(organisation=organisation, user=request.user) == Membership.Role.OWNER,
        }).data)

    @extend_schema(responses=ApprovalLimitOut)
    def get(self, request, pk: int):
        return self._render(request, self._organisation(request, pk))

    @extend_schema(request=ApprovalLimitInput, responses=ApprovalLimitOut)
    def put(self, request, pk: int):
        organisation = self._organisation(request, pk)
        serializer = ApprovalLimitInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        buyer_approval_limit_set(organisation=organisation, actor=request.user,
                                 limit=serializer.validated_data["approval_limit"])
        return self._render(request, organisation)
