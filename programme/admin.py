"""Admin of the programme app: the stored sales and their refreshes, read-only (the task writes them)."""
from django.contrib import admin

from programme.models import CommerceMonthFact, CommodityMonthFact, FactRefresh


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CommerceMonthFact)
class CommerceMonthFactAdmin(ReadOnlyAdmin):
    list_display = ["month", "village", "channel", "orders", "revenue"]
    list_filter = ["channel", "month"]
    list_select_related = ["village"]


@admin.register(CommodityMonthFact)
class CommodityMonthFactAdmin(ReadOnlyAdmin):
    list_display = ["month", "village", "commodity", "orders", "revenue"]
    list_filter = ["month"]
    list_select_related = ["village", "commodity"]


@admin.register(FactRefresh)
class FactRefreshAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "since"]
