"""Figures for the pages (reads only)."""
from market.regions.models import District, Regency, Village

PROGRAMME_REGENCY_CODE = "35.09"  # Kabupaten Jember


def programme_area_summary() -> dict:
    """Return the programme's regency with its counts of districts and villages (two queries)."""
    regency = Regency.objects.filter(code=PROGRAMME_REGENCY_CODE).first()
    if regency is None:
        return {"regency": None, "districts": 0, "villages": 0}
    return {
        "regency": regency,
        "districts": District.objects.filter(regency=regency).count(),
        "villages": Village.objects.filter(district__regency=regency).count(),
    }
