"""API: programme villages (public profiles) and what officers record about them.

Everyone reads the profiles (``/villages/``, ``/villages/<code>/``); officers change a profile,
move its stage, record surveys and coaching sessions and read their history. A village of the
regency without a profile joins the programme when an officer records its first survey or
stage change; unknown codes are 404.
"""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import (
    DISTRICT_CODE,
    CodeNameSerializer,
    IdNameSerializer,
    PhotoSerializer,
    ReferenceSerializer,
    query_params,
)
from catalog.exceptions import VillageNotFound
from catalog.models import Commodity, Infrastructure, Producer, Stage, VillageProfile
from catalog.permissions import IsOfficer, IsOfficerOrReadOnly
from catalog.selectors import (
    coaching_session_list,
    survey_list,
    village_get_for_officers,
    village_profile_get,
    village_profile_list_public,
)
from catalog.services import (
    coaching_session_record,
    survey_record,
    village_advance_stage,
    village_profile_get_or_create,
    village_profile_update,
)
from market.accounts.models import Role, User
from market.regions.selectors import programme_region_codes

# --- output -----------------------------------------------------------------------------------


class VillageProfileSerializer(serializers.Serializer):
    code = serializers.CharField(source="village_id")
    name = serializers.CharField(source="village.name")
    district = CodeNameSerializer(source="village.district")
    flagship_commodity = ReferenceSerializer(allow_null=True)
    other_commodities = ReferenceSerializer(source="other_commodities.all", many=True)
    stage = serializers.ChoiceField(choices=Stage.choices)
    stage_label = serializers.CharField(source="get_stage_display")
    story = serializers.CharField(allow_blank=True)
    photos = PhotoSerializer(source="photos.all", many=True)
    contact_officer = serializers.CharField(source="contact_officer.full_name", allow_null=True, default=None,
                                            help_text=_("The name of the programme officer to contact."))


class StageEventSerializer(serializers.Serializer):
    from_stage = serializers.ChoiceField(choices=Stage.choices)
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    date = serializers.DateField(source="happened_on")
    officer = serializers.CharField(source="officer.full_name")
    note = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True, help_text=_("Why the village moved back (empty otherwise)."))


class SurveyLineSerializer(serializers.Serializer):
    commodity = ReferenceSerializer()
    estimated_production_per_month = serializers.DecimalField(max_digits=12, decimal_places=2)
    unit = serializers.CharField()


class SurveySummarySerializer(serializers.Serializer):
    """What the public sees of the latest survey."""

    surveyed_on = serializers.DateField()
    workforce_total = serializers.IntegerField()
    workforce_women = serializers.IntegerField()
    workforce_youth = serializers.IntegerField()
    existing_businesses = serializers.IntegerField()
    road = serializers.ChoiceField(choices=Infrastructure.choices)
    electricity = serializers.ChoiceField(choices=Infrastructure.choices)
    internet = serializers.ChoiceField(choices=Infrastructure.choices)
    water = serializers.ChoiceField(choices=Infrastructure.choices)
    needs = serializers.CharField(allow_blank=True)
    commodities = SurveyLineSerializer(source="commodities.all", many=True)


class SurveySerializer(SurveySummarySerializer):
    """A survey as officers see it."""

    id = serializers.IntegerField()
    officer = serializers.CharField(source="officer.full_name")
    problems = serializers.CharField(allow_blank=True)
    raw_materials = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class CoachingSessionSummarySerializer(serializers.Serializer):
    held_on = serializers.DateField()
    topic = serializers.CharField()


class CoachingSummarySerializer(serializers.Serializer):
    count = serializers.IntegerField(source="coaching_session_count")
    latest = CoachingSessionSummarySerializer(source="latest_coaching_sessions", many=True)


class CoachingSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    held_on = serializers.DateField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    topic = serializers.CharField()
    trainer = serializers.CharField()
    materials = serializers.CharField(allow_blank=True)
    outcomes = serializers.CharField(allow_blank=True)
    officer = serializers.CharField(source="officer.full_name")
    attendees = IdNameSerializer(source="attendees.all", many=True)
    people_attending = serializers.IntegerField()
    women_attending = serializers.IntegerField()
    youth_attending = serializers.IntegerField()


class VillageProfileDetailSerializer(VillageProfileSerializer):
    timeline = StageEventSerializer(many=True, help_text=_("Stage changes, oldest first."))
    latest_survey = serializers.SerializerMethodField()
    coaching = CoachingSummarySerializer(source="*")

    @extend_schema_field(SurveySummarySerializer(allow_null=True))
    def get_latest_survey(self, profile: VillageProfile) -> dict | None:
        surveys = profile.latest_surveys
        return SurveySummarySerializer(surveys[0], context=self.context).data if surveys else None


# --- input ------------------------------------------------------------------------------------


class VillageFilterParams(serializers.Serializer):
    district = serializers.RegexField(DISTRICT_CODE, required=False, help_text=_("District code, e.g. 35.09.01"))
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    commodity = serializers.SlugField(required=False, help_text=_("Commodity slug (flagship or other)"))


class VillageUpdateInput(serializers.Serializer):
    story = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)
    flagship_commodity = serializers.SlugRelatedField(slug_field="slug", queryset=Commodity.objects.all(),
                                                      required=False)
    other_commodities = serializers.SlugRelatedField(slug_field="slug", queryset=Commodity.objects.all(),
                                                     many=True, required=False)
    contact_officer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.OFFICER, is_staff=True, is_active=True), required=False,
        help_text=_("User id of a programme officer."))


class StageChangeInput(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    note = serializers.CharField(required=False, default="", allow_blank=True)
    reason = serializers.CharField(required=False, default="", allow_blank=True,
                                   help_text=_("Required when moving the village back."))
    on = serializers.DateField(required=False, default=None, help_text=_("The day it happened (default today)."))


class SurveyLineInput(serializers.Serializer):
    commodity = serializers.SlugRelatedField(slug_field="slug", queryset=Commodity.objects.all())
    estimated_production_per_month = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    unit = serializers.CharField(max_length=20)


class SurveyInput(serializers.Serializer):
    surveyed_on = serializers.DateField()
    workforce_total = serializers.IntegerField(min_value=0)
    workforce_women = serializers.IntegerField(min_value=0)
    workforce_youth = serializers.IntegerField(min_value=0)
    existing_businesses = serializers.IntegerField(min_value=0)
    road = serializers.ChoiceField(choices=Infrastructure.choices)
    electricity = serializers.ChoiceField(choices=Infrastructure.choices)
    internet = serializers.ChoiceField(choices=Infrastructure.choices)
    water = serializers.ChoiceField(choices=Infrastructure.choices)
    problems = serializers.CharField(required=False, default="", allow_blank=True)
    needs = serializers.CharField(required=False, default="", allow_blank=True)
    raw_materials = serializers.CharField(required=False, default="", allow_blank=True)
    commodities = SurveyLineInput(many=True, required=False, default=list, max_length=50)


class CoachingSessionInput(serializers.Serializer):
    held_on = serializers.DateField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    topic = serializers.CharField(max_length=200)
    trainer = serializers.CharField(max_length=200)
    materials = serializers.CharField(required=False, default="", allow_blank=True)
    outcomes = serializers.CharField(required=False, default="", allow_blank=True)
    attendees = serializers.PrimaryKeyRelatedField(queryset=Producer.objects.all(), many=True, required=False,
                                                   default=list, help_text=_("Ids of the village's producers."))
    people_attending = serializers.IntegerField(min_value=0, required=False, default=0,
                                                help_text=_("Everyone who attended, not only registered businesses."))
    women_attending = serializers.IntegerField(min_value=0, required=False, default=0)
    youth_attending = serializers.IntegerField(min_value=0, required=False, default=0)


# --- helpers ----------------------------------------------------------------------------------


def _village(code: str):
    """Return the regency's village ``code`` (with its profile, if any); else ``VillageNotFound``."""
    village = village_get_for_officers(region_codes=programme_region_codes(), code=code)
    if village is None:
        raise VillageNotFound()
    return village


def _profile(code: str) -> VillageProfile:
    """Return the profile of the programme village ``code``; else ``VillageNotFound``."""
    profile = getattr(_village(code), "profile", None)
    if profile is None:
        raise VillageNotFound()
    return profile


def _record_in_programme(code: str, record):
    """Return ``record(profile)`` for the village ``code``, adding the village to the programme first
    if it has no profile; a record the service refuses leaves no new profile behind."""
    village = _village(code)
    profile = getattr(village, "profile", None)
    if profile is not None:
        return record(profile)
    with transaction.atomic():
        return record(village_profile_get_or_create(village=village))


# --- views ------------------------------------------------------------------------------------


class VillageListView(generics.ListAPIView):
    """Programme villages by name: district, commodities, stage, story, photos, contact officer."""

    permission_classes = [AllowAny]
    serializer_class = VillageProfileSerializer

    @extend_schema(parameters=[VillageFilterParams])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return village_profile_list_public(**query_params(VillageFilterParams, self.request))


class VillageDetailView(APIView):
    """A programme village with its stage timeline, latest survey and coaching; officers edit it."""

    permission_classes = [IsOfficerOrReadOnly]

    @extend_schema(responses=VillageProfileDetailSerializer)
    def get(self, request, code: str):
        return Response(VillageProfileDetailSerializer(village_profile_get(code=code), context={"request": request}).data)

    @extend_schema(request=VillageUpdateInput, responses=VillageProfileDetailSerializer)
    def patch(self, request, code: str):
        profile = _profile(code)
        serializer = VillageUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        village_profile_update(profile=profile, officer=request.user, story=data.get("story"),
                               flagship_commodity=data.get("flagship_commodity"),
                               other_commodities=data.get("other_commodities"),
                               contact_officer=data.get("contact_officer"))
        return Response(VillageProfileDetailSerializer(village_profile_get(code=code), context={"request": request}).data)


class VillageStageView(APIView):
    """Move a village to the next stage (or back, with a reason); officers only."""

    permission_classes = [IsOfficer]

    @extend_schema(request=StageChangeInput, responses={201: StageEventSerializer})
    def post(self, request, code: str):
        serializer = StageChangeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = _record_in_programme(code, lambda profile: village_advance_stage(
            profile=profile, officer=request.user, **serializer.validated_data))
        return Response(StageEventSerializer(event).data, status=status.HTTP_201_CREATED)


class VillageSurveyListView(generics.ListAPIView):
    """The village's surveys, latest first, and recording a new one; officers only."""

    permission_classes = [IsOfficer]
    serializer_class = SurveySerializer

    def get_queryset(self):
        return survey_list(profile=_profile(self.kwargs["code"]))

    @extend_schema(request=SurveyInput, responses={201: SurveySerializer})
    def post(self, request, code: str):
        serializer = SurveyInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        survey = _record_in_programme(code, lambda profile: survey_record(
            profile=profile, officer=request.user, **serializer.validated_data))
        survey = survey_list(profile=survey.profile).get(pk=survey.pk)
        return Response(SurveySerializer(survey).data, status=status.HTTP_201_CREATED)


class VillageCoachingSessionListView(generics.ListAPIView):
    """The village's coaching sessions, latest first, and recording a new one; officers only."""

    permission_classes = [IsOfficer]
    serializer_class = CoachingSessionSerializer

    def get_queryset(self):
        return coaching_session_list(profile=_profile(self.kwargs["code"]))

    @extend_schema(request=CoachingSessionInput, responses={201: CoachingSessionSerializer})
    def post(self, request, code: str):
        profile = _profile(code)
        serializer = CoachingSessionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = coaching_session_record(profile=profile, officer=request.user, **serializer.validated_data)
        session = coaching_session_list(profile=profile).get(pk=session.pk)
        return Response(CoachingSessionSerializer(session).data, status=status.HTTP_201_CREATED)
