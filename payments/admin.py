from django.contrib import admin

from payments.models import BankAccountChange, CommissionRate, Payment, PaymentEvent, PaymentMismatch


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


class PaymentEventInline(admin.TabularInline):
    """A payment's status history, oldest first: read only, like every event row."""

    model = PaymentEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "source", "actor", "provider_event_id", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Payments and their history, to look at: a status changes only through ``payment_status_change``."""

    list_display = ["created_at", "checkout", "provider", "attempt", "amount", "received", "status", "reference"]
    list_filter = ["status", "provider"]
    list_select_related = ["checkout"]
    search_fields = ["reference", "idempotency_key", "checkout__number"]
    date_hierarchy = "created_at"
    inlines = [PaymentEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PaymentMismatch)
class PaymentMismatchAdmin(admin.ModelAdmin):
    """Payments whose amount or currency did not match their order: the officer marks one resolved
    (``resolved_at``) once it was settled at the provider; everything else is the record, read only."""

    list_display = ["created_at", "payment", "reference", "expected_amount", "received_amount", "received_currency",
                    "resolved_at"]
    list_filter = ["resolved_at"]
    list_select_related = ["payment__checkout"]
    search_fields = ["reference", "payment__checkout__number"]
    readonly_fields = ["payment", "reference", "expected_amount", "received_amount", "received_currency", "source",
                       "provider_event_id", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
