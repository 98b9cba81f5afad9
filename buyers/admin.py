from django.contrib import admin

from buyers.models import Address, BuyerProfile, BuyerRegistration, BuyerRegistrationEvent, Outlet


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Preferences and address books are kept by their owners through the services (pages and API);
    officers look, they do not edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BuyerProfile)
class BuyerProfileAdmin(_ReadOnlyAdmin):
    list_display = ["organisation", "min_shelf_life_days", "digest_enabled", "digest_checked_until"]
    list_filter = ["digest_enabled"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name"]


@admin.register(Outlet)
class OutletAdmin(_ReadOnlyAdmin):
    list_display = ["name", "organisation", "village", "contact_name", "phone", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["organisation", "village"]
    search_fields = ["name", "organisation__name", "village__name"]


@admin.register(Address)
class AddressAdmin(_ReadOnlyAdmin):
    list_display = ["name", "user", "village", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["user", "village"]
    search_fields = ["user__email", "village__name"]


class BuyerRegistrationEventInline(admin.TabularInline):
    model = BuyerRegistrationEvent
    fields = ["created_at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BuyerRegistration)
class BuyerRegistrationAdmin(_ReadOnlyAdmin):
    """Officers verify on /dashboard/officer/buyers/ (through the services); the admin only looks."""

    list_display = ["legal_name", "organisation", "kind", "status", "submitted_at", "verified_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["organisation"]
    search_fields = ["legal_name", "organisation__name", "nib", "npwp"]
    inlines = [BuyerRegistrationEventInline]
