from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from market.accounts.models import ApiToken, Membership, Organisation, User
from market.accounts.services import api_token_revoke_all


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_active", "is_staff", "date_joined"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "full_name", "phone"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "phone", "role", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "role", "password1", "password2")}),)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Token authentication refuses inactive people anyway; this also marks their tokens revoked.
        if change and "is_active" in form.changed_data and not obj.is_active:
            api_token_revoke_all(user=obj, reason=ApiToken.RevokedReason.ACCOUNT_DEACTIVATED)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read only: tokens are issued by the API and revoked by their owners or by the account's events."""

    list_display = ["prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked_at", "revoked_reason"]
    list_filter = ["revoked_reason"]
    search_fields = ["user__email", "name", "prefix"]
    list_select_related = ["user"]
    fields = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at", "revoked_reason"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
