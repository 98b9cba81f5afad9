"""The OpenAPI schema's operations document their error answers, not only their successes.

Every error the API returns has one shape (``market.core.api.error_payload``); drf-spectacular only
documents what a view declares, so clients (and schemathesis, which checks every answer against
the schema) never learned that a call may answer 400, 401, 403, 404, 409, 429 or 503. Here each
operation gets the errors it can really answer, with the error format:

- 400 for every operation: a bad query parameter, page number, body or header;
- 401 for every operation: a wrong or expired token is refused even where none is needed;
- 403 for everything but public reads (a permission, or a refusal such as a signed-in person asking
  for a new token the wrong way);
- 404 where the path or the body names an object (someone else's objects are not found either) and
  for lists (a page past the end);
- 409 for writes: the state does not allow it (already paid, key reused...);
- 429 for every operation (throttles), with ``Retry-After``;
- 503 for every operation: the database is briefly unavailable, with ``Retry-After``.
"""
from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import permissions, serializers

ErrorSerializer = inline_serializer("Error", {
    "code": serializers.CharField(help_text="Stable, machine-readable error code."),
    "message": serializers.CharField(help_text="What went wrong, in the caller's language."),
    "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                    help_text="Messages per field path (``lines.0.quantity``)."),
})

DESCRIPTIONS = {
    "400": "The request is not valid (the fields say why).",
    "401": "No valid credentials: the token is missing, wrong, expired or revoked.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such object, or not one of yours.",
    "409": "Not possible in the object's current state.",
    "429": "Too many requests: wait for Retry-After seconds.",
    "503": "Briefly unavailable (the database or a provider): try again after Retry-After seconds.",
}
PUBLIC_READ = (permissions.AllowAny, permissions.IsAuthenticatedOrReadOnly)


class MarketAutoSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        codes = ["400", "401"]
        perms = self.view.get_permissions() if hasattr(self.view, "get_permissions") else []
        write = self.method in ("POST", "PUT", "PATCH", "DELETE")
        public_read = not write and all(isinstance(p, PUBLIC_READ) for p in perms)
        if not public_read:
            codes.append("403")
        if "{" in self.path or self._is_list_view() or write:  # an object (in the path or the body), a page
            codes.append("404")
        if write:
            codes.append("409")
        return [*codes, "429", "503"]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[code]), code, direction=direction)
        return responses
