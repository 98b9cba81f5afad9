"""Admin of the catalog app, for programme officers' edge cases.

Statuses (stage, verification, curation, stock) are read-only here: they change through the
services, which the admin actions call, so that every change leaves its event row.
"""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from catalog import services
from catalog.models import (
    AssistAction,
    AssistSession,
    Category,
    CoachingAttendance,
    CoachingSession,
    Commodity,
    Producer,
    ProducerEvent,
    ProducerPermit,
    Product,
    ProductCurationEvent,
    ProductPhoto,
    ProductPriceTier,
    ProductStock,
    StockMovement,
    Survey,
    SurveyCommodity,
    VillageProfile,
    VillageStageEvent,
)
from market.core.errors import ApplicationError


def _run(modeladmin, request, queryset, call) -> None:
    done = 0
    for obj in queryset.order_by("pk"):
        try:
            call(obj)
            done += 1
        except ApplicationError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, _("%(count)s done.") % {"count": done}, messages.SUCCESS)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Commodity)
class CommodityAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "parent", "requires_food_permits"]
    list_filter = ["requires_food_permits"]
    search_fields = ["name", "name_en", "slug"]
    list_select_related = ["parent"]
    readonly_fields = ["requires_food_permits"]


class VillageStageEventInline(ReadOnlyInline):
    model = VillageStageEvent
    fields = ["happened_on", "from_stage", "to_stage", "officer", "note", "reason"]


@admin.register(VillageProfile)
class VillageProfileAdmin(admin.ModelAdmin):
    list_display = ["village", "stage", "flagship_commodity", "contact_officer"]
    list_filter = ["stage"]
    search_fields = ["village__name", "village__code"]
    list_select_related = ["village", "flagship_commodity", "contact_officer"]
    autocomplete_fields = ["village", "flagship_commodity", "contact_officer"]
    filter_horizontal = ["other_commodities"]
    readonly_fields = ["stage"]
    inlines = [VillageStageEventInline]


class SurveyCommodityInline(ReadOnlyInline):
    model = SurveyCommodity


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["profile", "surveyed_on", "officer", "workforce_total"]
    list_select_related = ["profile__village", "officer"]
    search_fields = ["profile__village__name", "profile__village__code"]
    date_hierarchy = "surveyed_on"
    inlines = [SurveyCommodityInline]

    def has_change_permission(self, request, obj=None):
        return False  # a survey is a record of a day; correct it with a re-survey


class CoachingAttendanceInline(admin.TabularInline):
    model = CoachingAttendance
    extra = 0
    autocomplete_fields = ["producer"]


@admin.register(CoachingSession)
class CoachingSessionAdmin(admin.ModelAdmin):
    list_display = ["topic", "profile", "held_on", "stage", "trainer"]
    list_filter = ["stage"]
    list_select_related = ["profile__village"]
    inlines = [CoachingAttendanceInline]


class ProducerPermitInline(admin.TabularInline):
    model = ProducerPermit
    extra = 0


class ProducerEventInline(ReadOnlyInline):
    model = ProducerEvent


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    list_display = ["name", "village", "capacity_per_month", "capacity_unit", "verified_at"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "organisation__name", "village__name"]
    list_select_related = ["village"]
    autocomplete_fields = ["organisation", "village"]
    readonly_fields = ["verified_at", "verified_by"]
    inlines = [ProducerPermitInline, ProducerEventInline]
    actions = ["verify"]

    @admin.action(description=_("Verify the selected producers"))
    def verify(self, request, queryset):
        _run(self, request, queryset, lambda producer: services.producer_verify(producer=producer,
                                                                                officer=request.user))


class ProductPriceTierInline(ReadOnlyInline):
    model = ProductPriceTier


class ProductPhotoInline(ReadOnlyInline):
    model = ProductPhoto


class ProductCurationEventInline(ReadOnlyInline):
    model = ProductCurationEvent
    fields = ["created_at", "from_status", "to_status", "actor", "on_behalf_of", "reasons", "note"]
    readonly_fields = ["created_at"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "producer", "category", "status", "listed", "has_pending_changes", "retail_price"]
    list_filter = ["status", "listed", "has_pending_changes", "category"]
    search_fields = ["name", "name_en", "sku", "barcode", "producer__name"]
    list_select_related = ["producer", "category"]
    readonly_fields = ["status", "listed", "has_pending_changes", "approved_at", "approved_by", "approved_snapshot"]
    inlines = [ProductPriceTierInline, ProductPhotoInline, ProductCurationEventInline]
    actions = ["approve"]

    def has_change_permission(self, request, obj=None):
        return False  # edits go through product_update (review rules); the admin views and approves

    @admin.action(description=_("Approve the selected submitted products"))
    def approve(self, request, queryset):
        _run(self, request, queryset, lambda product: services.product_approve(product=product, officer=request.user))


@admin.register(ProductStock)
class ProductStockAdmin(admin.ModelAdmin):
    list_display = ["product", "on_hand", "reserved", "low_stock_threshold"]
    list_select_related = ["product"]
    search_fields = ["product__name", "product__sku"]

    def has_change_permission(self, request, obj=None):
        return False  # counts change through the stock services, which write movements


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    list_display = ["created_at", "product", "delta_on_hand", "delta_reserved", "reason", "reference", "actor",
                    "on_behalf_of"]
    list_filter = ["reason"]
    list_select_related = ["product", "actor", "on_behalf_of"]
    search_fields = ["product__name", "reference"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AssistActionInline(ReadOnlyInline):
    model = AssistAction
    fields = ["created_at", "kind", "subject", "product"]
    readonly_fields = ["created_at"]


@admin.register(AssistSession)
class AssistSessionAdmin(admin.ModelAdmin):
    """Officer-assisted mode, read-only: sessions start and end on the officers' producer pages."""

    list_display = ["started_at", "officer", "producer", "reason", "expires_at", "ended_at"]
    list_select_related = ["officer", "producer"]
    search_fields = ["producer__name", "officer__email", "reason"]
    readonly_fields = ["officer", "producer", "reason", "started_at", "expires_at", "ended_at"]
    inlines = [AssistActionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
