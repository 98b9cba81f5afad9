from django.contrib import admin

from payments.models import BankAccountChange, CommissionRate


@admin.register(CommissionRate)
class CommissionRateAdmin(admin.ModelAdmin):
    list_display = ["category", "rate"]


@admin.register(BankAccountChange)
class BankAccountChangeAdmin(admin.ModelAdmin):
    """The history of where producers' payouts go: read only, like every event row.

    ``ProducerBankAccount`` itself is deliberately not in the admin: only the producer's owner
    changes it, after re-authenticating, through ``producer_bank_account_set``.
    """

    list_display = ["created_at", "producer", "old_bank_name", "old_account_number", "new_bank_name",
                    "new_account_number", "actor"]
    list_select_related = ["producer", "actor"]
    search_fields = ["producer__name", "new_account_holder", "old_account_holder"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
