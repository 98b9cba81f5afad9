"""API: buyer organisations' registration and its verification, preferences and approval limit; delivery
places (outlets and addresses).

Registration: the members of a buyer organisation read it (``GET buyer-organisations/<id>/registration/``;
404 for anyone else and before the first save), owners and managers record it (``PUT``) and submit it
for verification (``POST .../submit/``). Programme officers list the registrations waiting
(``GET buyer-registrations/``), verify or refuse them with a reason. ``is_verified`` is what
features for verified buyers gate on.

Preferences (``buyer-preferences/<organisation id>/``) are read by every member of the organisation
and replaced (PUT) or changed (PATCH) by its owners and managers.

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
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from buyers.exceptions import BuyerManagerRequired, BuyerOrganisationNotFound, BuyerRegistrationNotFound, OutletNotFound
from buyers.models import BuyerKind, BuyerRegistration, Outlet
from buyers.selectors import (
    access_address,
    access_outlet,
    address_list,
    buyer_approval_limit_get,
    buyer_member_role,
    buyer_preferences_get,
    buyer_registration_event_list,
    buyer_registration_get,
    buyer_registration_get_for_officers,
    buyer_registration_list_for_officers,
    outlet_list,
    outlet_list_for_member,
)
from buyers.services import (
    MAX_APPROVAL_LIMIT,
    BuyerRegistrationData,
    address_archive,
    address_create,
    address_update,
    buyer_approval_limit_set,
    buyer_preferences_set,
    buyer_registration_refuse,
    buyer_registration_save,
    buyer_registration_submit,
    buyer_registration_verify,
    outlet_archive,
    outlet_create,
    outlet_update,
)
from catalog.models import PermitKind
from catalog.permissions import IsOfficer
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
    receiving_hours = serializers.CharField(allow_blank=True)


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
    receiving_hours = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                            help_text=_("Free text, e.g. \"Mon–Sat 08.00–16.00\"."))


class AddressInput(_PlaceInput):
    pass


class PlaceUpdateInput(_PlaceInput):
    """Any of the fields, to change them."""


class OutletUpdateInput(PlaceUpdateInput):
    """Any of the fields, to change them (with the outlet's receiving hours)."""

    receiving_hours = serializers.CharField(max_length=100, required=False, allow_blank=True)


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

    @extend_schema(request=OutletUpdateInput, responses=OutletOut)
    def patch(self, request, pk: int):
        outlet = _member_outlet(request, pk)
        serializer = OutletUpdateInput(data=request.data, partial=True)
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


# --- registration and verification ------------------------------------------------------------


class RegistrationEventOut(serializers.Serializer):
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class RegistrationOut(serializers.Serializer):
    id = serializers.IntegerField()
    organisation_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=BuyerRegistration.Status.choices)
    is_verified = serializers.BooleanField()
    legal_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=BuyerKind.choices)
    nib = serializers.CharField()
    npwp = serializers.CharField()
    street = serializers.CharField()
    village = PlaceVillageOut()
    contact_name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.EmailField()
    refusal_reason = serializers.CharField(allow_blank=True, help_text=_("Why an officer refused it (when refused)."))
    submitted_at = serializers.DateTimeField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    events = serializers.SerializerMethodField()

    @extend_schema_field(RegistrationEventOut(many=True))
    def get_events(self, registration) -> list:
        return RegistrationEventOut(buyer_registration_event_list(registration=registration), many=True).data


class RegistrationInput(serializers.Serializer):
    legal_name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=BuyerKind.choices)
    nib = serializers.CharField(max_length=30, help_text=_("13 digits; dots, dashes and spaces are ignored."))
    npwp = serializers.CharField(max_length=30, help_text=_("15 or 16 digits; dots, dashes and spaces are ignored."))
    street = serializers.CharField(max_length=500)
    village_code = serializers.CharField(max_length=20, help_text=_("Head office village code, e.g. 35.09.01.2001"))
    contact_name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=32)
    email = serializers.CharField(max_length=254)


class RefuseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("What to correct: the buyer reads it."))


def _member_organisation(request, pk: int):
    """Return the buyer organisation ``pk`` if the caller is a member; else ``BuyerRegistrationNotFound`` (404)."""
    organisation = buyer_organisation_list(user=request.user).filter(pk=pk).first()
    if organisation is None:
        raise BuyerRegistrationNotFound()
    return organisation


def _registration_out(organisation) -> dict:
    registration = buyer_registration_get(organisation=organisation)
    if registration is None:
        raise BuyerRegistrationNotFound()
    return RegistrationOut(registration).data


class RegistrationView(APIView):
    """The caller's buyer organisation's registration (GET, members); owners and managers record it (PUT).

    A verified organisation whose legal name, NIB or NPWP changes goes back to ``submitted``.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=RegistrationOut)
    def get(self, request, pk: int):
        return Response(_registration_out(_member_organisation(request, pk)))

    @extend_schema(request=RegistrationInput, responses=RegistrationOut)
    def put(self, request, pk: int):
        organisation = _member_organisation(request, pk)
        serializer = RegistrationInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        buyer_registration_save(organisation=organisation, actor=request.user,
                                data=BuyerRegistrationData(**serializer.validated_data))
        return Response(_registration_out(organisation))


class RegistrationSubmitView(APIView):
    """Send the registration to the officers (a draft, or a refused one after correcting it)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=RegistrationOut)
    def post(self, request, pk: int):
        organisation = _member_organisation(request, pk)
        buyer_registration_submit(organisation=organisation, actor=request.user)
        return Response(_registration_out(organisation))


_STATUS = [OpenApiParameter("status", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
                            description=_("Only registrations with this status: draft, submitted (the default), "
                                          "verified or refused."))]


class OfficerRegistrationListView(generics.ListAPIView):
    """Programme officers: the registrations waiting for verification (or with ``?status=``), longest waiting first."""

    permission_classes = [IsAuthenticated, IsOfficer]
    serializer_class = RegistrationOut

    @extend_schema(parameters=_STATUS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        status_ = self.request.query_params.get("status", BuyerRegistration.Status.SUBMITTED)
        if status_ not in BuyerRegistration.Status.values:
            status_ = BuyerRegistration.Status.SUBMITTED
        return buyer_registration_list_for_officers(status=status_, with_events=True)


class OfficerRegistrationDetailView(APIView):
    """Programme officers: one registration with its history."""

    permission_classes = [IsAuthenticated, IsOfficer]

    @extend_schema(responses=RegistrationOut)
    def get(self, request, pk: int):
        return Response(RegistrationOut(buyer_registration_get_for_officers(user=request.user, pk=pk)).data)


class OfficerRegistrationVerifyView(APIView):
    """Programme officers: verify a submitted registration (the owners are emailed)."""

    permission_classes = [IsAuthenticated, IsOfficer]

    @extend_schema(request=None, responses=RegistrationOut)
    def post(self, request, pk: int):
        registration = buyer_registration_get_for_officers(user=request.user, pk=pk)
        buyer_registration_verify(registration=registration, officer=request.user)
        return Response(RegistrationOut(buyer_registration_get_for_officers(user=request.user, pk=pk)).data)


class OfficerRegistrationRefuseView(APIView):
    """Programme officers: refuse a submitted registration with a reason (the owners are emailed)."""

    permission_classes = [IsAuthenticated, IsOfficer]

    @extend_schema(request=RefuseInput, responses=RegistrationOut)
    def post(self, request, pk: int):
        registration = buyer_registration_get_for_officers(user=request.user, pk=pk)
        serializer = RefuseInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        buyer_registration_refuse(registration=registration, officer=request.user,
                                  reason=serializer.validated_data["reason"])
        return Response(RegistrationOut(buyer_registration_get_for_officers(user=request.user, pk=pk)).data)
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
