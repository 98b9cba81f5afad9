"""Admin: placements and their consignment history, read-only (changes go through the services: pages and API)."""
from django.contrib import admin

from placements.models import ConsignmentDelivery, ConsignmentSettlement, Placement, PlacementEvent, SalesReport


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlacementEventInline(_ReadOnly, admin.TabularInline):
    model = PlacementEvent
    extra = 0
    fields = ["created_at", "kind", "from_status", "to_status", "side", "actor", "reason", "note", "quantity",
              "amount"]
    readonly_fields = fields


@admin.register(Placement)
class PlacementAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["product", "organisation", "outlet", "terms", "status", "delivered", "sold", "shrinkage"]
    list_filter = ["status", "terms"]
    list_select_related = ["product", "organisation", "outlet"]
    search_fields = ["product__name", "organisation__name", "outlet__name", "producer__name"]
    inlines = [PlacementEventInline]


@admin.register(ConsignmentDelivery)
class ConsignmentDeliveryAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["number", "producer", "organisation", "outlet", "delivered_on"]
    list_select_related = ["producer", "organisation", "outlet"]
    search_fields = ["number"]


@admin.register(SalesReport)
class SalesReportAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["outlet", "organisation", "period_end", "source", "created_at"]
    list_select_related = ["outlet", "organisation"]


@admin.register(ConsignmentSettlement)
class ConsignmentSettlementAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["report", "organisation", "gross", "fee", "created_at"]
    list_select_related = ["report__outlet", "organisation"]
