"""API permissions of the catalog: who may call an endpoint at all.

Whether a user may touch one particular producer or product is decided by the ``access_*``
selectors (anyone else gets 404, so that drafts are not revealed) and enforced again by the
services. Anonymous requests to protected endpoints get 401 (DRF asks them to authenticate).
"""
from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from catalog.exceptions import OfficerRequired


def is_officer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_officer)


class IsOfficer(BasePermission):
    """Programme officers only; other signed-in users get 403 ``officer_required``."""

    message = OfficerRequired.default_message
    code = OfficerRequired.code

    def has_permission(self, request, view) -> bool:
        return is_officer(request.user)


class IsOfficerOrReadOnly(IsOfficer):
    """Everyone reads; only programme officers write."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)
