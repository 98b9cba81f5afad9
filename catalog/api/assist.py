"""API: officer-assisted mode. An officer starts and ends acting on behalf of a producer; the producer's
people (and officers) list what officers did on a producer's behalf.

While a session is active the ordinary producer endpoints (products, stock, permits, orders) accept the
officer for that producer: the services check the session and record each action.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import query_params
from catalog.exceptions import AssistSessionNotFound
from catalog.models import AssistAction
from catalog.permissions import IsOfficer, is_officer
from catalog.selectors import access_producer, assist_action_list, assist_session_active, producer_ids_for_user
from catalog.services import assist_session_end, assist_session_start
from catalog.services.assist import REASON_MAX


class AssistSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    producer = serializers.IntegerField(source="producer_id")
    producer_name = serializers.CharField(source="producer.name")
    officer = serializers.IntegerField(source="officer_id")
    reason = serializers.CharField()
    started_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)


class AssistStartInput(serializers.Serializer):
    producer = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=REASON_MAX, help_text=_("Why the officer acts for the producer; "
                                                                      "the producer sees it."))


class AssistActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AssistAction.Kind.choices)
    label = serializers.CharField(source="get_kind_display")
    subject = serializers.CharField()
    product = serializers.IntegerField(source="product_id", allow_null=True)
    created_at = serializers.DateTimeField()
    producer = serializers.IntegerField(source="session.producer_id")
    officer = serializers.IntegerField(source="session.officer_id")
    officer_name = serializers.SerializerMethodField()
    reason = serializers.CharField(source="session.reason")

    def get_officer_name(self, action: AssistAction) -> str:
        return action.session.officer.get_full_name() or action.session.officer.email


class AssistActionFilterParams(serializers.Serializer):
    producer = serializers.IntegerField(required=False, min_value=1)


class AssistSessionStartView(APIView):
    """Start acting on behalf of a producer for two hours (ends the officer's other session); officers only."""

    permission_classes = [IsOfficer]

    @extend_schema(request=AssistStartInput, responses={201: AssistSessionSerializer})
    def post(self, request):
        serializer = AssistStartInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        producer = access_producer(user=request.user, pk=serializer.validated_data["producer"])
        session = assist_session_start(officer=request.user, producer=producer,
                                       reason=serializer.validated_data["reason"])
        return Response(AssistSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class AssistSessionEndView(APIView):
    """End the officer's active assist session; officers only (404 when none is active)."""

    permission_classes = [IsOfficer]

    @extend_schema(request=None, responses=AssistSessionSerializer)
    def post(self, request):
        session = assist_session_active(officer=request.user)
        if session is None:
            raise AssistSessionNotFound()
        return Response(AssistSessionSerializer(assist_session_end(officer=request.user, session=session)).data)


class AssistActionListView(generics.ListAPIView):
    """What officers did on a producer's behalf, latest first, with the officer and the session's reason.

    The producer's people see their producers' actions; officers see every producer's (``producer``
    filters).
    """

    permission_classes = [IsAuthenticated]
    serializer_class = AssistActionSerializer

    @extend_schema(parameters=[AssistActionFilterParams])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = query_params(AssistActionFilterParams, self.request)
        user = self.request.user
        producer = access_producer(user=user, pk=params["producer"]) if "producer" in params else None
        if is_officer(user):
            return assist_action_list(producer=producer)
        return assist_action_list(producer=producer, producer_ids=producer_ids_for_user(user=user))
