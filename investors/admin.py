"""Admin of the investors app: read-only. Profiles, opportunities and interests change through the
services (officers' pages and the API), which write the event rows; the admin only shows them."""
from django.contrib import admin

from investors.models import DocumentAccess, Interest, InvestorProfile, Opportunity


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InvestorProfile)
class InvestorProfileAdmin(_ReadOnlyAdmin):
    list_display = ["display_name", "kind", "status", "submitted_at", "verified_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["user"]
    search_fields = ["display_name", "user__email"]


@admin.register(Opportunity)
class OpportunityAdmin(_ReadOnlyAdmin):
    list_display = ["title", "village", "purpose", "amount_sought", "involvement", "status"]
    list_filter = ["status", "purpose", "involvement"]
    list_select_related = ["village__village"]
    search_fields = ["title"]


@admin.register(Interest)
class InterestAdmin(_ReadOnlyAdmin):
    list_display = ["pk", "investor", "village", "opportunity", "amount", "status", "status_changed_at"]
    list_filter = ["status"]
    list_select_related = ["investor", "village__village", "opportunity"]


@admin.register(DocumentAccess)
class DocumentAccessAdmin(_ReadOnlyAdmin):
    list_display = ["created_at", "user", "document", "action", "terms_version"]
    list_filter = ["action"]
    list_select_related = ["user", "document"]
