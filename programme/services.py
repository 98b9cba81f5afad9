"""Writes of the programme app: the stored monthly sales (net of refunds) the cockpit reads."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from market.core.pagecache import public_pages_changed
from orders.selectors import (
    order_refunded_lines,
    order_sales_by_commodity,
    order_sales_by_village,
    order_sales_months_changed,
)
from payments.money import split_proportionally
from programme.models import CommerceMonthFact, CommodityMonthFact, FactRefresh

# Orders committed a little after the previous run started may carry an earlier timestamp:
# each run looks back this much further than the previous run's start.
OVERLAP = timedelta(minutes=10)
REFRESHES_KEPT = 200
_LOCK_KEY = 18_0001  # pg_advisory_xact_lock: one refresh at a time


@transaction.atomic
def programme_facts_refresh(*, full: bool = False) -> FactRefresh:
    """Re-count the monthly sales of every month with an order placed or changed (or refunded) since
    the last run (every month when ``full`` or on the first run) into ``CommerceMonthFact`` and
    ``CommodityMonthFact``, net of the refunds paid back, and record the run. Idempotent: running it
    twice changes nothing more. The cached public pages (the results page shows these figures) are
    made stale once it commits.

    Composes inside a wider transaction (the demo load counts its orders so); the task calls it on
    its own. An advisory lock keeps two runs from interleaving."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    started = timezone.now()
    last = FactRefresh.objects.order_by("-started_at", "-pk").first()
    since: datetime | None = None if full or last is None else last.started_at - OVERLAP
    months: list[date] = order_sales_months_changed(since=since)
    if since is None:
        CommerceMonthFact.objects.all().delete()
        CommodityMonthFact.objects.all().delete()
    else:
        CommerceMonthFact.objects.filter(month__in=months).delete()
        CommodityMonthFact.objects.filter(month__in=months).delete()
    if months:
        CommerceMonthFact.objects.bulk_create(
            CommerceMonthFact(month=row["month"], village_id=row["village_id"], channel=row["channel"],
                              orders=row["orders"], revenue=row["revenue"], refunded=row["refunded"])
            for row in order_sales_by_village(months=months))
        refunded = _refunds_by_commodity(months)
        facts = []
        for row in order_sales_by_commodity(months=months):
            taken = refunded[(row["month"], row["village_id"], row["commodity_id"])]
            facts.append(CommodityMonthFact(month=row["month"], village_id=row["village_id"],
                                            commodity_id=row["commodity_id"], orders=row["orders"],
                                            revenue=row["revenue"] - taken, refunded=taken))
        CommodityMonthFact.objects.bulk_create(facts)
    refresh = FactRefresh.objects.create(started_at=started, finished_at=timezone.now(), since=since,
                                         months=[month.isoformat() for month in months])
    stale = FactRefresh.objects.order_by("-started_at", "-pk").values_list("pk", flat=True)[REFRESHES_KEPT:]
    FactRefresh.objects.filter(pk__in=list(stale)).delete()
    public_pages_changed()  # /results/ shows these figures
    return refresh


def _refunds_by_commodity(months: list[date]) -> defaultdict[tuple, int]:
    """Return the goods refunded in ``months`` per (month, village, commodity): each order's refund shared
    over its lines in proportion to their totals (the parts add up to the order's refund exactly)."""
    by_order: dict[int, list[dict]] = defaultdict(list)
    for line in order_refunded_lines(months=months):
        by_order[line["order_id"]].append(line)
    refunded: defaultdict[tuple, int] = defaultdict(int)
    for lines in by_order.values():
        parts = split_proportionally(lines[0]["refunded"], [line["line_total"] for line in lines])
        for line, part in zip(lines, parts, strict=True):
            refunded[(line["month"], line["village_id"], line["commodity_id"])] += part
    return refunded
