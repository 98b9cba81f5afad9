"""API: problems after delivery: the buyer reports (with photos), the producer answers, an officer decides."""
from __future__ import annotations

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from market.core.errors import NotFound
from market.core.parsers import JSONParser
from orders.models import OrderProblem
from orders.selectors import access_order, order_problem_list
from orders.services import order_problem_answer, order_problem_decide, order_problem_report
from orders.services.problems import MAX_PHOTOS


class ProblemNotFound(NotFound):
    code = "problem_not_found"
    default_message = _("Problem not found.")


# --- output -----------------------------------------------------------------------------------


class ProblemPhotoOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def get_url(self, photo) -> str:
        url = default_storage.url(photo.image.name)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None and url.startswith("/") else url


class ProblemOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=_("damaged, missing or wrong."))
    kind_label = serializers.CharField(source="get_kind_display")
    description = serializers.CharField()
    status = serializers.CharField(help_text=_("open, answered or decided."))
    status_label = serializers.CharField(source="get_status_display")
    answer = serializers.CharField(allow_blank=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    decision = serializers.CharField(allow_blank=True, help_text=_("full_refund, partial_refund or no_refund."))
    refund_amount = serializers.IntegerField()
    decision_note = serializers.CharField(allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    photos = ProblemPhotoOut(source="photos.all", many=True)


# --- input ------------------------------------------------------------------------------------


class ProblemReportInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OrderProblem.Kind.choices)
    description = serializers.CharField(max_length=2000)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                   max_length=MAX_PHOTOS, help_text=_("Up to 5 JPEG, PNG or WebP photos."))


class ProblemAnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=2000)


class ProblemDecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=OrderProblem.Decision.choices)
    note = serializers.CharField(max_length=2000)
    refund_amount = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None,
                                             help_text=_("Rupiah; only for a partial refund."))


# --- views ------------------------------------------------------------------------------------


def _problem(request, pk: int, problem_id: int) -> OrderProblem:
    order = access_order(user=request.user, pk=pk)
    problem = order_problem_list(order=order).filter(pk=problem_id).first()
    if problem is None:
        raise ProblemNotFound()
    return problem


def _render(request, problem: OrderProblem, status_code: int = status.HTTP_200_OK) -> Response:
    problem = order_problem_list(order=problem.order).get(pk=problem.pk)
    return Response(ProblemOut(problem, context={"request": request}).data, status=status_code)


class OrderProblemListView(APIView):
    """The order's reported problems (GET); the buyer reports one within 7 days of delivery (POST, multipart)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses=ProblemOut(many=True))
    def get(self, request, pk: int):
        order = access_order(user=request.user, pk=pk)
        return Response(ProblemOut(order_problem_list(order=order), many=True, context={"request": request}).data)

    @extend_schema(request={"multipart/form-data": ProblemReportInput}, responses={201: ProblemOut})
    def post(self, request, pk: int):
        order = access_order(user=request.user, pk=pk)
        data = request.data
        if hasattr(data, "getlist"):
            data = {**{key: data.get(key) for key in data}, "photos": request.FILES.getlist("photos")}
        serializer = ProblemReportInput(data=data)
        serializer.is_valid(raise_exception=True)
        problem = order_problem_report(order=order, actor=request.user, **serializer.validated_data)
        return _render(request, problem, status.HTTP_201_CREATED)


class OrderProblemAnswerView(APIView):
    """The producer answers a reported problem (once, before an officer decides)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ProblemAnswerInput, responses=ProblemOut)
    def post(self, request, pk: int, problem_id: int):
        problem = _problem(request, pk, problem_id)
        serializer = ProblemAnswerInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _render(request, order_problem_answer(problem=problem, actor=request.user,
                                                     **serializer.validated_data))


class OrderProblemDecideView(APIView):
    """An officer decides a problem: full refund, partial refund (an amount) or none, with the reason."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ProblemDecisionInput, responses=ProblemOut)
    def post(self, request, pk: int, problem_id: int):
        problem = _problem(request, pk, problem_id)
        serializer = ProblemDecisionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _render(request, order_problem_decide(problem=problem, officer=request.user,
                                                     **serializer.validated_data))
