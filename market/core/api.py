"""The API's shared pieces: one error format, pagination, error pages for ``/api/``.

Every error the API returns has the shape ``{"code": str, "message": str, "fields": {}}``
where ``fields`` maps a field path (``"lines.0.quantity"``) to its messages.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, serializers
from rest_framework.response import Response
from rest_framework.views import set_rollback

from market.core.errors import ApplicationError
from market.core.middleware import MalformedRequest
from market.core.pagination import CappedPaginator


def error_payload(code: str, message: str, fields: dict | None = None) -> dict:
    return {"code": code, "message": str(message), "fields": fields or {}}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into ``{"a.0.b": ["message", ...]}``."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        out = {}
        for index, value in enumerate(detail):
            if value:
                out.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return out
    items = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(item) for item in items]}


def exception_handler(exc, context):
    """Render every API error in the one format."""
    if isinstance(exc, ApplicationError):
        set_rollback()
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return Response(error_payload(exc.code, exc.message, exc.fields), status=exc.http_status, headers=headers)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's 500 handler answers (in JSON under /api/)

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        payload = error_payload("invalid", _("The data you sent is not valid."), _flatten(exc.detail))
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        payload = error_payload(code, exc.detail if isinstance(exc.detail, str) else exc.default_detail)
    set_rollback()
    return Response(payload, status=exc.status_code, headers=headers)


def _one_positive_int(request, name: str, *, default: int, maximum: int | None = None) -> int:
    """Return the query parameter ``name`` as one whole number from 1 (at most ``maximum``), or ``default``.

    A value that is not one whole number, or one sent twice, is a 400 as the schema declares, not
    silently replaced by the default (the client would page through something it did not ask for).
    """
    values = request.query_params.getlist(name)
    if not values:
        return default
    if len(values) > 1 or not values[0].isascii() or not values[0].isdigit() or int(values[0]) < 1:
        raise exceptions.ValidationError({name: [_("Send one whole number from 1.")]})
    return min(int(values[0]), maximum) if maximum else int(values[0])


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_number(self, request, paginator):
        return str(_one_positive_int(request, self.page_query_param, default=1))

    def get_page_size(self, request):
        return _one_positive_int(request, self.page_size_query_param, default=self.page_size,
                                 maximum=self.max_page_size)


class CappedCountPagination(Pagination):
    """Page numbers over a long list whose ``count`` stops at ``CappedPaginator.cap`` (10,000);
    ``count_is_exact`` says whether it stopped, and pages beyond the cap are not served (404).

    For lists read newest first (orders): an officer's list holds every order, and an exact
    ``COUNT(*)`` of it would read the whole table on every page.
    """

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.paginator.count,
            "count_is_exact": self.page.paginator.count_is_exact,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_is_exact"] = {
            "type": "boolean", "description": "False when there are more rows than `count` (which then is the cap)."}
        response["required"] = [*response.get("required", []), "count_is_exact"]
        return response


class CappedPagination(Pagination):
    """Pages of a list that can hold a whole catalogue: ``count`` stops at ``CappedPaginator.cap`` (10,000)
    and ``count_is_exact`` says whether it stopped; pages beyond the cap are not served (404).

    To read the whole list (an export, a sync), follow ``next`` from ``?after=`` (empty for the start):
    keyset pages that continue after the last row's ordering key instead of an OFFSET, so the
    millionth row costs what the first does and no cap applies. The list must be ordered by one
    field and then ``pk`` (the index ``product_listed_name_idx`` serves the catalogue's).
    """

    django_paginator_class = CappedPaginator
    keyset_query_param = "after"
    keyset_query_description = ("Read the whole list: start with an empty value and follow `next`; each page "
                                "continues after the previous page's last row (no page numbers, no cap).")
    _keyset = False

    def paginate_queryset(self, queryset, request, view=None):
        if self.keyset_query_param not in request.query_params:
            return super().paginate_queryset(queryset, request, view)
        self._keyset, self.request = True, request
        field = _keyset_field(queryset)
        size = self.get_page_size(request) or self.page_size
        if len(request.query_params.getlist(self.keyset_query_param)) > 1:
            raise exceptions.ValidationError({self.keyset_query_param: [_("Give one position.")]})
        after = request.query_params[self.keyset_query_param]
        if after:
            value, pk = _keyset_decode(after)
            queryset = queryset.filter(**{f"{field}__gte": value}).exclude(**{field: value, "pk__lte": pk})
        rows = list(queryset[: size + 1])
        self._keyset_next = (_keyset_encode(getattr(rows[size - 1], field), rows[size - 1].pk)
                             if len(rows) > size else None)
        return rows[:size]

    def get_paginated_response(self, data):
        if self._keyset:
            next_link = None
            if self._keyset_next:
                from rest_framework.utils.urls import remove_query_param, replace_query_param

                url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
                next_link = replace_query_param(url, self.keyset_query_param, self._keyset_next)
            return Response({"count": None, "count_is_exact": False, "next": next_link, "previous": None,
                             "results": data})
        return Response({
            "count": self.page.paginator.count,
            "count_is_exact": self.page.paginator.count_is_exact,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_schema_operation_parameters(self, view):
        return [*super().get_schema_operation_parameters(view), {
            "name": self.keyset_query_param, "required": False, "in": "query",
            "description": str(self.keyset_query_description), "schema": {"type": "string"}}]

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_is_exact"] = {
            "type": "boolean", "description": "False when there are more rows than `count` (which then is the cap)."}
        response["required"] = [*response.get("required", []), "count_is_exact"]
        response["properties"]["count"] = {**response["properties"]["count"], "nullable": True,
                                           "description": "Null on the keyset pages of `after`."}
        return response


def _keyset_field(queryset) -> str:
    ordering = list(queryset.query.order_by)
    if len(ordering) != 2 or ordering[1] not in ("pk", "id") or ordering[0].startswith("-"):
        raise TypeError("keyset pages need a list ordered by one field, then pk")
    return ordering[0]


def _keyset_encode(value, pk: int) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps([value, pk], separators=(",", ":")).encode()).decode().rstrip("=")


def _keyset_decode(cursor: str) -> tuple[object, int]:
    """Return the ``(value, pk)`` a cursor holds; raise the API's 400 for anything else."""
    import base64
    import binascii
    import json

    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(value, str | int) or isinstance(pk, bool) or not isinstance(pk, int):
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise exceptions.ValidationError({"after": [_("This is not a position in this list: follow `next`.")]}) \
            from None
    return value, pk


def api_not_found(request, exception=None):
    return JsonResponse(error_payload("not_found", _("Not found.")), status=404)


def api_bad_request(request, exception=None):
    """The API's 400 for what Django refuses before a view runs (a body too large, a malformed query)."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return JsonResponse(error_payload("request_too_large", _("The request is too large.")), status=400)
    if isinstance(exception, MalformedRequest):
        return JsonResponse(error_payload("bad_request", str(exception)), status=400)
    return JsonResponse(error_payload("bad_request", _("Bad request.")), status=400)


def api_server_error(request):
    return JsonResponse(
        error_payload("server_error", _("An unexpected error occurred. We have been notified.")), status=500
    )



# The database stopped or restarted: a clean 503 the person can act on, not a 500.
DATABASE_RETRY_AFTER_SECONDS = 30


def database_unavailable(exc: BaseException | None) -> bool:
    """Return whether ``exc`` says the database could not be reached (or dropped the connection)."""
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)


def service_unavailable(request):
    """503 in the person's language: JSON under /api/, otherwise a page rendered without the database."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string
    from django.utils.translation import get_language

    if request.path.startswith("/api/"):
        response = JsonResponse(error_payload("service_unavailable", _(
            "The service is briefly unavailable. Nothing was half-saved: try again in a minute.")), status=503)
    else:
        html = render_to_string("503.html", {"LANGUAGE_CODE": get_language()})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def page_of(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """Return the schema of a ``Pagination`` page of ``item``, for views that paginate by hand."""
    return type(f"Paginated{item.__name__}List", (serializers.Serializer,), {
        "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True), "results": item(many=True)})
