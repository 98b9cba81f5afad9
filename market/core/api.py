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
from rest_framework import exceptions, pagination
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


class CappedPagination(Pagination):
    """Pages of a list that can hold a whole catalogue: ``count`` stops at ``CappedPaginator.cap`` (10,000)
    and ``count_is_exact`` says whether it stopped; pages beyond the cap are not served (404)."""

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
