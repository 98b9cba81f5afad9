"""Reads of the region tree."""
from __future__ import annotations

from django.db.models import QuerySet

from market.regions.models import District, Village


def district_list(*, regency_code: str | None = None, q: str = "") -> QuerySet[District]:
    qs = District.objects.select_related("regency").order_by("code")
    if regency_code:
        qs = qs.filter(regency_id=regency_code)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def village_list(*, district_code: str | None = None, regency_code: str | None = None, q: str = "") -> QuerySet[Village]:
    qs = Village.objects.select_related("district").order_by("code")
    if district_code:
        qs = qs.filter(district_id=district_code)
    if regency_code:
        qs = qs.filter(district__regency_id=regency_code)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs
