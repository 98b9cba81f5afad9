"""API: product showcases.

Everyone lists the published showcases (``GET showcases/``, ``?past=true`` for ended ones) and reads one
with its line-up (``GET showcases/<id>/``). A buyer organisation (named by the ``X-Buyer-Organisation``
header or ``?organisation=``, else the caller's first) reads and saves its registration
(``GET/PUT showcases/<id>/registration/``: owners and managers of a verified organisation), and reads its
agenda (``GET showcases/<id>/agenda/``; a producer's people get their producer's with
``?side=producer``). Meetings: ``GET showcase-meetings/`` lists the caller's (of its buyer organisations
and producers only), ``POST showcase-meetings/`` requests one, ``GET showcase-meetings/<id>/`` reads
one, ``.../accept/`` and ``.../decline/`` are the producer's answer, ``.../outcome/`` records the outcome.
An organisation never sees another's meetings: they answer 404.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.selectors import localized
from market.accounts.models import Organisation
from market.accounts.selectors import buyer_organisation_list
from market.core.api import Pagination, page_of
from showcases.exceptions import ParticipantNotFound, RegistrationNotFound
from showcases.models import Meeting, Outcome, Participant, Registration
from showcases.selectors import (
    access_meeting,
    agenda_meetings,
    lineup_by_village,
    lineup_participant_get,
    meeting_list_for_user,
    participation_list_for_user,
    registration_get,
    showcase_get_public,
    showcase_list_public,
)
from showcases.services import (
    AttendeeData,
    meeting_outcome_record,
    meeting_request,
    meeting_respond,
    registration_save,
)

# --- output -------------------------------------------------------------------------------------


class ShowcaseOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    theme = serializers.CharField()
    description = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue = serializers.CharField()
    online_url = serializers.CharField()
    capacity = serializers.IntegerField()
    registration_deadline = serializers.DateTimeField()
    slot_minutes = serializers.IntegerField()
    status = serializers.CharField()


class LineupProductOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, product) -> str:
        return localized(product.approved_snapshot)


class LineupParticipantOut(serializers.Serializer):
    id = serializers.IntegerField()
    producer_id = serializers.IntegerField()
    producer = serializers.CharField(source="producer.name")
    table_number = serializers.IntegerField(allow_null=True)
    products = LineupProductOut(many=True, source="products.all")


class LineupVillageOut(serializers.Serializer):
    village_code = serializers.CharField(source="village.code")
    village = serializers.CharField(source="village.name")
    district = serializers.CharField(source="district.name")
    participants = LineupParticipantOut(many=True)


class ShowcaseDetailOut(ShowcaseOut):
    lineup = LineupVillageOut(many=True)


class ShowcaseAttendeeIO(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    job_title = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class ShowcaseRegistrationOut(serializers.Serializer):
    id = serializers.IntegerField()
    showcase_id = serializers.IntegerField()
    organisation_id = serializers.IntegerField()
    status = serializers.CharField()
    attendees = ShowcaseAttendeeIO(many=True, source="attendees.all")


class ShowcaseRegistrationInput(serializers.Serializer):
    attendees = ShowcaseAttendeeIO(many=True, help_text=_("The people who will attend (name and role)."))


class ShowcaseMeetingOut(serializers.Serializer):
    id = serializers.IntegerField()
    showcase_id = serializers.IntegerField()
    buyer_organisation_id = serializers.IntegerField(source="registration.organisation_id")
    buyer = serializers.CharField(source="registration.organisation.name")
    participant_id = serializers.IntegerField()
    producer_id = serializers.IntegerField(source="participant.producer_id")
    producer = serializers.CharField(source="participant.producer.name")
    table_number = serializers.IntegerField(source="participant.table_number", allow_null=True)
    status = serializers.CharField()
    note = serializers.CharField()
    response_note = serializers.CharField()
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    unscheduled_reason = serializers.CharField()
    outcome = serializers.CharField()
    outcome_note = serializers.CharField()


class ShowcaseMeetingRequestInput(serializers.Serializer):
    showcase = serializers.IntegerField(min_value=1)
    participant = serializers.IntegerField(min_value=1, help_text=_("The line-up entry (participant) id."))
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ShowcaseNoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ShowcaseOutcomeInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[c for c in Outcome.choices if c[0] != Outcome.ORDER_PLACED])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ShowcaseAgendaOut(serializers.Serializer):
    side = serializers.CharField()
    meetings = ShowcaseMeetingOut(many=True)


# --- helpers ------------------------------------------------------------------------------------

_ORGANISATION = [
    OpenApiParameter(
        "X-Buyer-Organisation",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        required=False,
        description=_("The buyer organisation to act for (default: the caller's first)."),
    )
]


def _buyer_organisation(request) -> Organisation:
    """Return the buyer organisation the caller acts for; not one of theirs: ``RegistrationNotFound``."""
    wanted = (request.headers.get("X-Buyer-Organisation") or request.query_params.get("organisation") or "").strip()
    organisations = buyer_organisation_list(user=request.user)
    organisation = organisations.filter(pk=int(wanted)).first() if wanted.isdigit() else organisations.first()
    if organisation is None:
        raise RegistrationNotFound()
    return organisation


def _meeting_out(meeting: Meeting) -> dict:
    return ShowcaseMeetingOut(meeting).data


# --- views --------------------------------------------------------------------------------------


class ShowcaseListView(APIView):
    """Published showcases: upcoming (soonest first) or, with ``?past=true``, ended ones (latest first)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("past", OpenApiTypes.BOOL, OpenApiParameter.QUERY, required=False)],
        responses=page_of(ShowcaseOut),
        operation_id="showcases_list",
    )
    def get(self, request):
        past = request.query_params.get("past", "").lower() in ("1", "true", "yes")
        paginator = Pagination()
        page = paginator.paginate_queryset(showcase_list_public(past=past), request, view=self)
        return paginator.get_paginated_response(ShowcaseOut(page, many=True).data)


class ShowcaseDetailView(APIView):
    """A published showcase with its confirmed line-up grouped by village."""

    permission_classes = [AllowAny]

    @extend_schema(responses=ShowcaseDetailOut)
    def get(self, request, pk: int):
        showcase = showcase_get_public(pk=pk)
        data = ShowcaseOut(showcase).data
        data["lineup"] = LineupVillageOut(lineup_by_village(showcase=showcase), many=True).data
        return Response(data)


class ShowcaseRegistrationView(APIView):
    """The caller's buyer organisation's registration for the showcase (members read, owners and managers save)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=_ORGANISATION, responses=ShowcaseRegistrationOut)
    def get(self, request, pk: int):
        showcase = showcase_get_public(pk=pk)
        registration = registration_get(showcase=showcase, organisation=_buyer_organisation(request))
        if registration is None:
            raise RegistrationNotFound()
        return Response(ShowcaseRegistrationOut(registration).data)

    @extend_schema(parameters=_ORGANISATION, request=ShowcaseRegistrationInput, responses=ShowcaseRegistrationOut)
    def put(self, request, pk: int):
        showcase = showcase_get_public(pk=pk)
        organisation = _buyer_organisation(request)
        serializer = ShowcaseRegistrationInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = registration_save(
            showcase=showcase,
            organisation=organisation,
            actor=request.user,
            attendees=[AttendeeData(**row) for row in serializer.validated_data["attendees"]],
        )
        return Response(
            ShowcaseRegistrationOut(registration_get(showcase=showcase, organisation=registration.organisation)).data
        )


class ShowcaseAgendaView(APIView):
    """The caller's scheduled meetings at the showcase: its buyer organisation's, or with ``?side=producer`` its
    producer's."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            *_ORGANISATION,
            OpenApiParameter(
                "side", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, enum=["buyer", "producer"]
            ),
        ],
        responses=ShowcaseAgendaOut,
    )
    def get(self, request, pk: int):
        showcase = showcase_get_public(pk=pk)
        if request.query_params.get("side") == "producer":
            participant = next(
                (
                    p
                    for p in participation_list_for_user(user=request.user)
                    if p.showcase_id == showcase.pk and p.status == Participant.Status.CONFIRMED
                ),
                None,
            )
            if participant is None:
                raise ParticipantNotFound()
            return Response(
                {
                    "side": "producer",
                    "meetings": ShowcaseMeetingOut(agenda_meetings(participant=participant), many=True).data,
                }
            )
        registration = registration_get(showcase=showcase, organisation=_buyer_organisation(request))
        if registration is None or registration.status != Registration.Status.REGISTERED:
            raise RegistrationNotFound()
        return Response(
            {
                "side": "buyer",
                "meetings": ShowcaseMeetingOut(agenda_meetings(registration=registration), many=True).data,
            }
        )


class MeetingListView(APIView):
    """The caller's meetings (of its buyer organisations and its producers); a buyer requests one (POST)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ShowcaseMeetingOut(many=True))
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(meeting_list_for_user(user=request.user), request, view=self)
        return paginator.get_paginated_response(ShowcaseMeetingOut(page, many=True).data)

    @extend_schema(parameters=_ORGANISATION, request=ShowcaseMeetingRequestInput, responses={201: ShowcaseMeetingOut})
    def post(self, request):
        serializer = ShowcaseMeetingRequestInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        showcase = showcase_get_public(pk=data["showcase"])
        registration = registration_get(showcase=showcase, organisation=_buyer_organisation(request))
        if registration is None:
            raise RegistrationNotFound()
        participant = lineup_participant_get(showcase=showcase, pk=data["participant"])
        meeting = meeting_request(
            registration=registration, participant=participant, actor=request.user, note=data["note"]
        )
        return Response(_meeting_out(access_meeting(user=request.user, pk=meeting.pk)), status=status.HTTP_201_CREATED)


class MeetingDetailView(APIView):
    """One meeting, for its buyer organisation's members, its producer's people and officers (404 for others)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ShowcaseMeetingOut)
    def get(self, request, pk: int):
        return Response(_meeting_out(access_meeting(user=request.user, pk=pk)))


class _MeetingAnswerView(APIView):
    permission_classes = [IsAuthenticated]
    accept = True

    @extend_schema(request=ShowcaseNoteInput, responses=ShowcaseMeetingOut)
    def post(self, request, pk: int):
        meeting = access_meeting(user=request.user, pk=pk)
        serializer = ShowcaseNoteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting_respond(meeting=meeting, actor=request.user, accept=self.accept, note=serializer.validated_data["note"])
        return Response(_meeting_out(access_meeting(user=request.user, pk=pk)))


class MeetingAcceptView(_MeetingAnswerView):
    """The producer accepts a requested meeting."""

    accept = True


class MeetingDeclineView(_MeetingAnswerView):
    """The producer declines a requested meeting."""

    accept = False


class MeetingOutcomeView(APIView):
    """Either side or an officer records the meeting's outcome ("order placed" comes from an order)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ShowcaseOutcomeInput, responses=ShowcaseMeetingOut)
    def post(self, request, pk: int):
        meeting = access_meeting(user=request.user, pk=pk)
        serializer = ShowcaseOutcomeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting_outcome_record(
            meeting=meeting,
            actor=request.user,
            outcome=serializer.validated_data["outcome"],
            note=serializer.validated_data["note"],
        )
        return Response(_meeting_out(access_meeting(user=request.user, pk=pk)))
