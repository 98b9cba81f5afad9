"""The bare-view ceiling of ``bench/http/run.py``: mounted only when ``BENCH_CEILING=1``.

A JsonResponse of 20 small dicts through the whole middleware stack, no database: what the
web process can serve at best, against which each page's throughput is read.
"""
from django.http import JsonResponse
from django.views.decorators.http import require_GET

ROWS = [{"id": i, "name": f"Produk {i}", "price": 1000 * i} for i in range(20)]


@require_GET
def ceiling(request):
    return JsonResponse({"results": ROWS})
