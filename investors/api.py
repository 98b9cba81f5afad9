"""API of the investor side, mounted at /api/v1/investors/: the same services and visibility as the pages.

- ``profile/`` (investors): GET one's own profile, PUT it, ``profile/submit/``; ``terms/`` accepts the
  confidentiality terms.
- ``villages/`` (everyone): the directory with ``?district=&commodity=&stage=&min_workforce=&traction=``;
  ``villages/<code>/``: one village as the caller may see it (``investors.selectors.Viewer``): the
  survey's confidential fields, revenue and contacts only for verified investors and officers.
- ``opportunities/`` and ``opportunities/<id>/`` (investors and officers; 404 for others), documents
  listed with a link only for those who may open them; ``opportunities/<id>/interest/`` (investors).
- ``watchlist/`` (GET, POST), ``watchlist/<id>/`` (DELETE): one's own only.
- ``interests/`` and ``interests/<id>/``: an investor's own (404 for another's), officers see all.
- Officers: ``profiles/``, ``profiles/<id>/verify/``, ``profiles/<id>/refuse/``, ``interests/<id>/move/``,
  ``interests/<id>/share/``, ``opportunities/`` (POST).

The platform facilitates introductions; it does not sell securities or take money.
"""
from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.exceptions import OfficerRequired
from catalog.permissions import IsOfficer
from investors.exceptions import InvestorProfileNotFound, InvestorRequired
from investors.models import Interest, InvestorKind, InvestorProfile, Involvement, Purpose
from investors.selectors import (
    CONFIDENTIAL_SURVEY_FIELDS,
    CONFIDENTIALITY_TERMS_VERSION,
    PUBLIC_SURVEY_FIELDS,
    TRACTION_FILTERS,
    DirectoryFilters,
    access_interest,
    access_opportunity,
    interest_event_list,
    interest_list_for_investor,
    interest_list_for_officers,
    investor_profile_get,
    investor_profile_get_for_officers,
    investor_profile_list_for_officers,
    investor_village_directory,
    investor_village_get,
    opportunity_list,
    viewer_get,
    watch_list,
)
from investors.services import (
    InterestData,
    InvestorProfileData,
    OpportunityData,
    confidentiality_accept,
    interest_express,
    interest_share,
    interest_transition,
    investor_profile_refuse,
    investor_profile_save,
    investor_profile_submit,
    investor_profile_verify,
    opportunity_create,
    watch_add,
    watch_remove,
)
from market.accounts.models import Role
from market.core.api import Pagination, page_of

# --- profile ---------------------------------------------------------------------------------------


class ProfileOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    display_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=InvestorKind.choices)
    commodity_ids = serializers.SerializerMethodField()
    district_codes = serializers.SerializerMethodField()
    ticket_min = serializers.IntegerField(allow_null=True)
    ticket_max = serializers.IntegerField(allow_null=True)
    involvements = serializers.ListField(child=serializers.ChoiceField(choices=Involvement.choices))
    phone = serializers.CharField()
    about = serializers.CharField()
    alerts_enabled = serializers.BooleanField()
    refusal_reason = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_commodity_ids(self, obj) -> list[int]:
        return [c.pk for c in obj.commodities.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_district_codes(self, obj) -> list[str]:
        return [d.code for d in obj.districts.all()]


class ProfileInput(serializers.Serializer):
    display_name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=InvestorKind.choices)
    commodity_ids = serializers.ListField(child=serializers.IntegerField(), default=list)
    district_codes = serializers.ListField(child=serializers.CharField(max_length=20), default=list)
    ticket_min = serializers.IntegerField(required=False, allow_null=True, default=None)
    ticket_max = serializers.IntegerField(required=False, allow_null=True, default=None)
    involvements = serializers.ListField(child=serializers.ChoiceField(choices=Involvement.choices), default=list)
    phone = serializers.CharField(max_length=20)
    about = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    alerts_enabled = serializers.BooleanField(default=True)


def _require_investor(request) -> None:
    if request.user.role != Role.INVESTOR:
        raise InvestorRequired()


def _own_profile(request) -> InvestorProfile:
    _require_investor(request)
    profile = investor_profile_get(user=request.user)
    if profile is None:
        raise InvestorProfileNotFound()
    return profile


class ProfileView(APIView):
    """The caller's investor profile (investors only): GET it, PUT it (a verified profile whose name or kind
    changes goes back to ``submitted``)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ProfileOut)
    def get(self, request):
        return Response(ProfileOut(_own_profile(request)).data)

    @extend_schema(request=ProfileInput, responses=ProfileOut)
    def put(self, request):
        _require_investor(request)
        serializer = ProfileInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        investor_profile_save(user=request.user, data=InvestorProfileData(**serializer.validated_data))
        return Response(ProfileOut(_own_profile(request)).data)


class ProfileSubmitView(APIView):
    """Send the caller's profile to the officers for verification."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ProfileOut)
    def post(self, request):
        _require_investor(request)
        investor_profile_submit(user=request.user)
        return Response(ProfileOut(_own_profile(request)).data)


class TermsInput(serializers.Serializer):
    version = serializers.CharField(max_length=20)


class TermsOut(serializers.Serializer):
    version = serializers.CharField()
    accepted = serializers.BooleanField()


class TermsView(APIView):
    """The confidentiality terms' current version and whether the caller accepted it; POST accepts it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TermsOut)
    def get(self, request):
        viewer = viewer_get(user=request.user)
        return Response({"version": CONFIDENTIALITY_TERMS_VERSION, "accepted": viewer.accepted_terms})

    @extend_schema(request=TermsInput, responses=TermsOut)
    def post(self, request):
        serializer = TermsInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        confidentiality_accept(user=request.user, version=serializer.validated_data["version"])
        return Response({"version": CONFIDENTIALITY_TERMS_VERSION, "accepted": True})


# --- directory and village ---------------------------------------------------------------------------


class TractionSummaryOut(serializers.Serializer):
    orders = serializers.IntegerField()
    buyers = serializers.IntegerField()
    repeat_buyers = serializers.IntegerField()


class DirectoryRowOut(serializers.Serializer):
    code = serializers.CharField(source="profile.village_id")
    name = serializers.CharField(source="profile.village.name")
    district = serializers.CharField(source="profile.village.district.name")
    stage = serializers.CharField(source="profile.stage")
    flagship_commodity = serializers.CharField(source="profile.flagship_commodity.slug", allow_null=True,
                                               default=None)
    workforce_total = serializers.IntegerField(source="profile.workforce_total", allow_null=True)
    open_opportunities = serializers.IntegerField(source="profile.open_opportunities")
    traction = TractionSummaryOut()


_DIRECTORY = [OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.QUERY, required=False)
              for name in ("district", "commodity", "stage", "min_workforce", "traction")]


class VillageDirectoryView(APIView):
    """Programme villages with workforce, open opportunities and orders of the last 12 months (everyone)."""

    permission_classes: list = []

    @extend_schema(parameters=_DIRECTORY, responses=page_of(DirectoryRowOut), operation_id="investors_villages_list")
    def get(self, request):
        params = request.query_params
        workforce = params.get("min_workforce", "")
        traction = params.get("traction") or None
        filters = DirectoryFilters(district=params.get("district") or None, commodity=params.get("commodity") or None,
                                   stage=params.get("stage") or None,
                                   min_workforce=int(workforce) if workforce.isdigit() else None,
                                   traction=traction if traction in TRACTION_FILTERS else None)
        rows = investor_village_directory(filters=filters)
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(DirectoryRowOut(page, many=True).data)


class TractionSectionOut(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    source = serializers.CharField()
    as_of = serializers.DateTimeField()
    period_start = serializers.DateField()
    figures = serializers.ListField(child=serializers.DictField())
    headers = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class VillageOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    district = serializers.CharField()
    stage = serializers.CharField()
    sees_confidential = serializers.BooleanField()
    survey = serializers.DictField(allow_null=True)
    timeline = serializers.ListField(child=serializers.DictField())
    coaching_sessions = serializers.IntegerField()
    producers = serializers.ListField(child=serializers.DictField())
    traction = TractionSectionOut(many=True)
    opportunity_ids = serializers.ListField(child=serializers.IntegerField())
    contact_officer_email = serializers.CharField(allow_null=True)


def _section(section, *, confidential: bool) -> dict:
    hidden = set() if confidential else set(section.confidential_columns)
    return {"key": section.key, "title": str(section.title), "source": str(section.source), "as_of": section.as_of,
            "period_start": section.period_start,
            "figures": [{"label": str(f.label), "value": f.value} for f in section.figures
                        if confidential or not f.confidential],
            "headers": [str(h) for i, h in enumerate(section.headers) if i not in hidden],
            "rows": [[cell for i, cell in enumerate(row) if i not in hidden] for row in section.rows]}


class VillageDetailView(APIView):
    """One programme village as the caller may see it (same rules as the page)."""

    permission_classes: list = []

    @extend_schema(responses=VillageOut)
    def get(self, request, code: str):
        viewer = viewer_get(user=request.user)
        view = investor_village_get(code=code, viewer=viewer)
        profile, survey, confidential = view.profile, view.survey, view.sees_confidential
        fields = PUBLIC_SURVEY_FIELDS + (CONFIDENTIAL_SURVEY_FIELDS if confidential else ())
        return Response(VillageOut({
            "code": profile.village_id, "name": profile.village.name, "district": profile.village.district.name,
            "stage": profile.stage, "sees_confidential": confidential,
            "survey": {field: getattr(survey, field) for field in fields} if survey else None,
            "timeline": [{"from": e.from_stage, "to": e.to_stage, "on": e.happened_on}
                         for e in getattr(profile, "timeline", [])],
            "coaching_sessions": getattr(profile, "coaching_session_count", 0),
            "producers": [{"id": p.pk, "name": p.name, **({"phone": p.phone, "whatsapp": p.whatsapp}
                                                            if confidential else {})} for p in view.producers],
            "traction": [_section(s, confidential=confidential) for s in view.traction],
            "opportunity_ids": [o.pk for o in view.opportunities],
            "contact_officer_email": (profile.contact_officer.email if confidential and profile.contact_officer
                                      else None),
        }).data)


# --- opportunities --------------------------------------------------------------------------------------


class DocumentOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True)


class OpportunityOut(serializers.Serializer):
    id = serializers.IntegerField()
    village_code = serializers.CharField(source="village.village_id")
    village = serializers.CharField(source="village.village.name")
    producer_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    description = serializers.CharField()
    amount_sought = serializers.IntegerField()
    involvement = serializers.ChoiceField(choices=Involvement.choices)
    expected_jobs = serializers.IntegerField()
    expected_output = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class OpportunityDetailOut(OpportunityOut):
    documents = serializers.SerializerMethodField()

    @extend_schema_field(DocumentOut(many=True))
    def get_documents(self, obj) -> list[dict]:
        sees = self.context["viewer"].sees_documents
        return [{"id": d.pk, "kind": d.kind, "title": d.title,
                 "url": reverse("frontend:investor-document", args=[d.pk]) if sees else None}
                for d in obj.documents.all()]


class OpportunityInput(serializers.Serializer):
    village_code = serializers.CharField(max_length=20)
    producer_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=200)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    description = serializers.CharField(max_length=5000)
    amount_sought = serializers.IntegerField()
    involvement = serializers.ChoiceField(choices=Involvement.choices)
    expected_jobs = serializers.IntegerField(default=0)
    expected_output = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class OpportunityListView(APIView):
    """Open opportunities (investors and officers; an empty list for others). Officers post one (POST)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OpportunityOut(many=True))
    def get(self, request):
        qs = opportunity_list(viewer=viewer_get(user=request.user))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(OpportunityOut(page, many=True).data)

    @extend_schema(request=OpportunityInput, responses={201: OpportunityOut})
    def post(self, request):
        if not request.user.is_officer:
            raise OfficerRequired()
        serializer = OpportunityInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = opportunity_create(officer=request.user, data=OpportunityData(**serializer.validated_data))
        return Response(OpportunityOut(item).data, status=status.HTTP_201_CREATED)


class OpportunityDetailView(APIView):
    """One opportunity (investors and officers; 404 for others) with its documents."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OpportunityDetailOut)
    def get(self, request, pk: int):
        viewer = viewer_get(user=request.user)
        return Response(OpportunityDetailOut(access_opportunity(viewer=viewer, pk=pk), context={"viewer": viewer}).data)


class InterestInput(serializers.Serializer):
    amount = serializers.IntegerField(required=False, allow_null=True, default=None)
    involvement = serializers.ChoiceField(choices=Involvement.choices)
    message = serializers.CharField(max_length=3000)


class InterestEventOut(serializers.Serializer):
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    happened_on = serializers.DateField()
    note = serializers.CharField()


class InterestOut(serializers.Serializer):
    id = serializers.IntegerField()
    village_code = serializers.CharField(source="village.village_id")
    opportunity_id = serializers.IntegerField(allow_null=True)
    amount = serializers.IntegerField(allow_null=True)
    involvement = serializers.CharField()
    message = serializers.CharField()
    status = serializers.ChoiceField(choices=Interest.Status.choices)
    status_changed_at = serializers.DateTimeField()
    introduced_at = serializers.DateTimeField(allow_null=True)
    shared_with_producer = serializers.BooleanField()
    events = serializers.SerializerMethodField()

    @extend_schema_field(InterestEventOut(many=True))
    def get_events(self, obj) -> list[dict]:
        officer = self.context.get("officer", False)
        return [{"kind": e.kind, "from_status": e.from_status, "to_status": e.to_status,
                 "happened_on": e.happened_on, "note": e.note if officer else ""}
                for e in interest_event_list(interest=obj, for_officer=officer)]


class OpportunityInterestView(APIView):
    """Express interest in an opportunity (investors with a submitted or verified profile)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=InterestInput, responses={201: InterestOut})
    def post(self, request, pk: int):
        _require_investor(request)
        item = access_opportunity(viewer=viewer_get(user=request.user), pk=pk)
        serializer = InterestInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        interest = interest_express(investor=request.user, data=InterestData(
            opportunity_id=item.pk, village_code=None, **serializer.validated_data))
        return Response(InterestOut(interest).data, status=status.HTTP_201_CREATED)


class VillageInterestView(APIView):
    """Express interest in a village (investors with a submitted or verified profile)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=InterestInput, responses={201: InterestOut})
    def post(self, request, code: str):
        _require_investor(request)
        serializer = InterestInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        interest = interest_express(investor=request.user, data=InterestData(
            opportunity_id=None, village_code=code, **serializer.validated_data))
        return Response(InterestOut(interest).data, status=status.HTTP_201_CREATED)


# --- watchlist and interests -------------------------------------------------------------------------------


class WatchItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    village_code = serializers.CharField(source="village.village_id", allow_null=True, default=None)
    opportunity_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


class WatchInput(serializers.Serializer):
    village_code = serializers.CharField(max_length=20, required=False, allow_null=True, default=None)
    opportunity_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class WatchListView(APIView):
    """The caller's own watchlist (investors); POST follows a village or an opportunity."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=WatchItemOut(many=True))
    def get(self, request):
        _require_investor(request)
        return Response(WatchItemOut(watch_list(user=request.user), many=True).data)

    @extend_schema(request=WatchInput, responses={201: WatchItemOut})
    def post(self, request):
        serializer = WatchInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = watch_add(user=request.user, **serializer.validated_data)
        return Response(WatchItemOut(item).data, status=status.HTTP_201_CREATED)


class WatchItemView(APIView):
    """Stop following an item of one's own watchlist (404 for anyone else's)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        watch_remove(user=request.user, pk=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


_STATUS = [OpenApiParameter("status", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False)]


class InterestListView(APIView):
    """An investor's own interests; officers: every interest (``?status=``)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=_STATUS, responses=InterestOut(many=True))
    def get(self, request):
        officer = request.user.is_officer
        if officer:
            wanted = request.query_params.get("status")
            qs = interest_list_for_officers(status=wanted if wanted in Interest.Status.values else None,
                                            with_events=True)
        else:
            qs = interest_list_for_investor(user=request.user, with_events=True)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(InterestOut(page, many=True, context={"officer": officer}).data)


class InterestDetailView(APIView):
    """One interest: its investor's (status changes only) or an officer's (with notes); 404 for anyone else."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=InterestOut)
    def get(self, request, pk: int):
        item = access_interest(user=request.user, pk=pk)
        return Response(InterestOut(item, context={"officer": request.user.is_officer}).data)


class InterestMoveInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=Interest.Status.choices)
    note = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")
    happened_on = serializers.DateField(required=False, allow_null=True, default=None)


class InterestMoveView(APIView):
    """Officers: move an interest to its next status (the investor is emailed)."""

    permission_classes = [IsAuthenticated, IsOfficer]

    @extend_schema(request=InterestMoveInput, responses=InterestOut)
    def post(self, request, pk: int):
        item = access_interest(user=request.user, pk=pk)
        serializer = InterestMoveInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        interest_transition(interest=item, actor=request.user, **serializer.validated_data)
        return Response(InterestOut(access_interest(user=request.user, pk=pk), context={"officer": True}).data)


class InterestShareInput(serializers.Serializer):
    note = serializers.CharField(max_length=3000)


class InterestShareView(APIView):
    """Officers: share an interest with the village side, with the words they read."""

    permission_classes = [IsAuthenticated, IsOfficer]

    @extend_schema(request=InterestShareInput, responses=InterestOut)
    def post(self, request, pk: int):
        item = access_interest(user=request.user, pk=pk)
        serializer = InterestShareInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        interest_share(interest=item, officer=request.user, note=serializer.validated_data["note"])
        return Response(InterestOut(access_interest(user=request.user, pk=pk), context={"officer": True}).data)


# --- officers: profiles ------------------------------------------------------------------------------------


class OfficerProfileOut(ProfileOut):
    email = serializers.EmailField(source="user.email")


class OfficerProfileListView(APIView):
    """Officers: investor profiles (``?status=``, default submitted), longest waiting first."""

    permission_classes = [IsAuthenticated, IsOfficer]

    @extend_schema(parameters=_STATUS, responses=OfficerProfileOut(many=True))
    def get(self, request):
        wanted = request.query_params.get("status", InvestorProfile.Status.SUBMITTED)
        qs = investor_profile_list_for_officers(
            status=wanted if wanted in InvestorProfile.Status.values else InvestorProfile.Status.SUBMITTED)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(OfficerProfileOut(page, many=True).data)


class OfficerProfileVerifyView(APIView):
    """Officers: verify a submitted investor profile."""

    permission_classes = [IsAuthenticated, IsOfficer]

    @extend_schema(request=None, responses=OfficerProfileOut)
    def post(self, request, pk: int):
        profile = investor_profile_get_for_officers(user=request.user, pk=pk)
        investor_profile_verify(profile=profile, officer=request.user)
        return Response(OfficerProfileOut(investor_profile_get_for_officers(user=request.user, pk=pk)).data)


class InvestorRefuseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class OfficerProfileRefuseView(APIView):
    """Officers: refuse a submitted investor profile with a reason the investor reads."""

    permission_classes = [IsAuthenticated, IsOfficer]

    @extend_schema(request=InvestorRefuseInput, responses=OfficerProfileOut)
    def post(self, request, pk: int):
        profile = investor_profile_get_for_officers(user=request.user, pk=pk)
        serializer = InvestorRefuseInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        investor_profile_refuse(profile=profile, officer=request.user, reason=serializer.validated_data["reason"])
        return Response(OfficerProfileOut(investor_profile_get_for_officers(user=request.user, pk=pk)).data)
