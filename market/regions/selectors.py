"""Reads of the region tree."""
from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet

from market.regions.models import District, Province, Regency, Village


def programme_region_codes() -> tuple[str, ...]:
    """Return the programme's regions: regency (``35.09``) or province (``35``) codes, from
    ``settings.PROGRAMME_REGION_CODES``."""
    return tuple(settings.PROGRAMME_REGION_CODES)


def region_q(*, field: str, codes: tuple[str, ...] | list[str] | None = None) -> Q:
    """Return "the Kemendagri code in ``field`` lies inside one of ``codes``" (default: the programme's).

    Codes nest by prefix (``35`` ⊃ ``35.09`` ⊃ ``35.09.01`` ⊃ ``35.09.01.2001``), so any field holding a
    district or village code (``code``, ``village_id``, ``producer__village_id``) can be tested
    against a province or regency code alike. No codes match nothing.
    """
    if field.endswith("_id"):  # lookups other than exact need the related code, not the column
        field = field.removesuffix("_id") + "__code"
    condition = Q(pk__in=[])
    for code in codes if codes is not None else programme_region_codes():
        condition |= Q(**{field: code}) | Q(**{f"{field}__startswith": f"{code}."})
    return condition


def province_list() -> QuerySet[Province]:
    return Province.objects.order_by("code")


def regency_list(*, province_code: str | None = None) -> QuerySet[Regency]:
    qs = Regency.objects.select_related("province").order_by("code")
    return qs.filter(province_id=province_code) if province_code else qs


def district_list(*, regency_code: str | None = None, q: str = "",
                  region_codes: tuple[str, ...] | list[str] | None = None) -> QuerySet[District]:
    """Return districts by code: of ``regency_code``, of the regions ``region_codes``, or all."""
    qs = District.objects.select_related("regency").order_by("code")
    if regency_code:
        qs = qs.filter(regency_id=regency_code)
    if region_codes is not None:
        qs = qs.filter(region_q(field="code", codes=region_codes))
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def village_list(*, district_code: str | None = None, regency_code: str | None = None, q: str = "",
                 region_codes: tuple[str, ...] | list[str] | None = None) -> QuerySet[Village]:
    qs = Village.objects.select_related("district").order_by("code")
    if region_codes is not None:
        qs = qs.filter(region_q(field="code", codes=region_codes))
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


def programme_region_list() -> list[Province | Regency]:
    """Return the programme's regions as rows (a regency or a province per configured code), by code."""
    codes = programme_region_codes()
    provinces = Province.objects.in_bulk([c for c in codes if "." not in c])
    regencies = Regency.objects.in_bulk([c for c in codes if c.count(".") == 1])
    found: dict[str, Province | Regency] = {**provinces, **regencies}
    return [found[code] for code in sorted(codes) if code in found]
