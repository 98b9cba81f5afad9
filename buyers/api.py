"""API: buyer organisations' preferences; delivery places: the outlets of buyer organisations (their
members) and consumers' own addresses.

Preferences (``buyer-preferences/<organisation id>/``) are read by every member of the organisation
and replaced (PUT) or changed (PATCH) by its owners and managers.

Outlets are listed for the buyer organisations the caller is a member of (``?organisation=`` or
the ``X-Buyer-Organisation`` header narrows to one); owners and managers add, change and archive
them (``buyers.services`` enforces it). Addresses belong to one person: nobody else sees them
(404), not even an officer. Archived places stay on past orders.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from buyers.exceptions import BuyerManagerRequired, OutletNotFound
from buyers.models import Outlet
from buyers.selectors import (
    access_address,
    access_outlet,
    address_list,
    buyer_preferences_get,
    outlet_list,
    outlet_list_for_member,
)
from buyers.services import (
    address_archive,
    address_create,
    address_update,
    buyer_preferences_set,
    outlet_archive,
    outlet_create,
    outlet_update,
)
from catalog.models import PermitKind
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


# --- preferences ---------------------------------------------------------------------------------


class BuyerPreferencesOut(serializers.Serializer):
    organisation_id = serializers.IntegerField()
    categories = serializers.ListField(child=serializers.IntegerField(), source="category_ids",
                                       help_text=_("Category ids of interest (each includes its subcategories); "
                                                   "empty: any category."))
    districts = serializers.ListField(child=serializers.CharField(), source="district_codes",
                                      help_text=_("District codes of Jember sourced from, e.g. 35.09.01; "
                                                  "empty: any district."))
    certifications = serializers.ListField(child=serializers.ChoiceField(choices=PermitKind.choices),
                                           help_text=_("Certifications a product must hold (any kind but nib)."))
    min_shelf_life_days = serializers.IntegerField(help_text=_("Shortest shelf life accepted for food and drink."))
    digest_enabled = serializers.BooleanField(help_text=_("Whether owners and managers get the daily digest."))


class BuyerPreferencesInput(serializers.Serializer):
    categories = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=500)
    districts = serializers.ListField(child=serializers.CharField(max_length=8), max_length=100)
    certifications = serializers.ListField(child=serializers.ChoiceField(choices=PermitKind.choices),
                                           max_length=len(PermitKind.values))
    min_shelf_life_days = serializers.IntegerField(min_value=1, max_value=3650)
    digest_enabled = serializers.BooleanField()


_INPUT_TO_SERVICE = {"categories": "category_ids", "districts": "district_codes", "certifications": "certifications",
                     "min_shelf_life_days": "min_shelf_life_days", "digest_enabled": "digest_enabled"}


class BuyerPreferencesView(APIView):
    """A buyer organisation's preferences: members read them (GET); owners and managers replace (PUT)
    or change some of them (PATCH). They decide which products are "retail-ready for" the
    organisation and what its daily digest of newly listed products announces."""

    permission_classes = [IsAuthenticated]

    def _out(self, organisation) -> dict:
        preferences = buyer_preferences_get(organisation=organisation)
        return BuyerPreferencesOut({"organisation_id": organisation.pk, **preferences.__dict__}).data

    @extend_schema(responses=BuyerPreferencesOut)
    def get(self, request, organisation_id: int):
        return Response(self._out(_organisation(request, organisation_id)))

    @extend_schema(request=BuyerPreferencesInput, responses=BuyerPreferencesOut)
    def put(self, request, organisation_id: int):
        return self._save(request, organisation_id, partial=False)

    @extend_schema(request=BuyerPreferencesInput(partial=True), responses=BuyerPreferencesOut)
    def patch(self, request, organisation_id: int):
        return self._save(request, organisation_id, partial=True)

    def _save(self, request, organisation_id: int, *, partial: bool):
        organisation = _organisation(request, organisation_id)
        serializer = BuyerPreferencesInput(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        current = buyer_preferences_get(organisation=organisation).__dict__
        values = {service: list(current[service]) if isinstance(current[service], tuple) else current[service]
                  for service in _INPUT_TO_SERVICE.values()}
        values.update({_INPUT_TO_SERVICE[name]: value for name, value in serializer.validated_data.items()})
        buyer_preferences_set(organisation=organisation, actor=request.user, **values)
        return Response(self._out(organisation))


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
