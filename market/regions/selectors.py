"""Reads of the region tree."""
from __future__ import annotations

from django.db.models import QuerySet

from market.regions.models import District, Province, Regency, Village


def province_list() -> QuerySet[Province]:
    return Province.objects.order_by("code")


def regency_list(*, province_code: str | None = None) -> QuerySet[Regency]:
    qs = Regency.objects.select_related("province").order_by("code")
    return qs.filter(province_id=province_code) if province_code else qs


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


def region_label(*, code: str) -> str | None:
    """Return a region code's name as people say it (``Padomasan, Jombang``; ``Jombang, Kabupaten Jember``;
    ``Kabupaten Jember``; ``Jawa Timur``), or ``None`` for an unknown code."""
    depth = len(code.split(".")) if code else 0
    if depth >= 4:
        village = Village.objects.select_related("district").filter(code=code).first()
        return f"{village.name}, {village.district.name}" if village else None
    if depth == 3:
        district = District.objects.select_related("regency").filter(code=code).first()
        return f"{district.name}, {district.regency}" if district else None
    if depth == 2:
        regency = Regency.objects.filter(code=code).first()
        return str(regency) if regency else None
    if depth == 1:
        province = Province.objects.filter(code=code).first()
        return str(province) if province else None
    return None
