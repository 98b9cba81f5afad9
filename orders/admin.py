"""Admin of the orders app, for programme officers: read-mostly.

Nothing here changes a status, a quantity or an amount: those go through ``orders.services``
(the pages' buttons, or the one action below, which calls a service), so every change leaves its
``OrderEvent`` and moves the stock correctly.
"""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from market.core.errors import ApplicationError
from orders.models import (
    Cart,
    CartLine,
    Checkout,
    DocumentCounter,
    Order,
    OrderEvent,
    OrderLine,
    OrderProblem,
    OrderProblemPhoto,
    OrderRefund,
    ProducerCourierRate,
    ProducerDeliveryArea,
    ProducerDeliveryRule,
    PurchaseRequest,
    PurchaseRequestEvent,
    PurchaseRequestLine,
)
from orders.services import order_cancel


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderInline(ReadOnlyInline):
    model = Order
    fields = ["number", "producer", "status", "delivery_option", "subtotal", "delivery_fee", "total"]


@admin.register(Checkout)
class CheckoutAdmin(ReadOnlyAdmin):
    list_display = ["number", "created_at", "placed_by", "organisation", "payment_method", "status", "total"]
    list_filter = ["status", "payment_method", "audience"]
    list_select_related = ["placed_by", "organisation"]
    search_fields = ["number", "placed_by__email", "organisation__name", "payment_reference"]
    date_hierarchy = "created_at"
    inlines = [OrderInline]


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    show_change_link = False
    fields = ["product", "product_name", "sku", "quantity", "unit_price", "line_total"]


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    show_change_link = False
    fields = ["created_at", "kind", "from_status", "to_status", "actor", "on_behalf_of", "note", "data"]
    readonly_fields = ["created_at"]


class OrderRefundInline(ReadOnlyInline):
    model = OrderRefund
    show_change_link = False
    fields = ["created_at", "reason", "amount", "payment_method", "status", "reference"]
    readonly_fields = ["created_at"]


@admin.action(description=_("Cancel (before the producer accepts; refunded if paid)"))
def cancel_orders(modeladmin, request, queryset):
    done = 0
    for order in queryset.order_by("pk"):
        try:
            order_cancel(order=order, actor=request.user, reason=str(_("Cancelled by a programme officer.")))
            done += 1
        except ApplicationError as error:
            modeladmin.message_user(request, f"{order}: {error.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, _("%(count)s done.") % {"count": done}, messages.SUCCESS)


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "created_at", "producer", "buyer_name", "status", "delivery_option", "total"]
    list_filter = ["status", "delivery_option"]
    list_select_related = ["producer"]
    search_fields = ["number", "checkout__number", "producer__name", "buyer_name", "tracking_number"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderEventInline, OrderRefundInline]
    actions = [cancel_orders]


class OrderProblemPhotoInline(ReadOnlyInline):
    model = OrderProblemPhoto
    show_change_link = False
    fields = ["image", "width", "height"]


@admin.register(OrderProblem)
class OrderProblemAdmin(ReadOnlyAdmin):
    list_display = ["order", "kind", "status", "created_at", "decision", "refund_amount"]
    list_filter = ["status", "kind", "decision"]
    list_select_related = ["order"]
    search_fields = ["order__number", "description"]
    inlines = [OrderProblemPhotoInline]


@admin.register(OrderRefund)
class OrderRefundAdmin(ReadOnlyAdmin):
    list_display = ["order", "reason", "amount", "payment_method", "status", "created_at", "refunded_at"]
    list_filter = ["status", "reason", "payment_method"]
    list_select_related = ["order"]
    search_fields = ["order__number", "reference"]


class ProducerDeliveryAreaInline(admin.TabularInline):
    model = ProducerDeliveryArea
    extra = 0
    can_delete = False
    readonly_fields = ["district", "fee"]

    def has_add_permission(self, request, obj=None):
        return False


class ProducerCourierRateInline(admin.TabularInline):
    model = ProducerCourierRate
    extra = 0
    can_delete = False
    readonly_fields = ["regency", "province", "max_grams", "fee"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProducerDeliveryRule)
class ProducerDeliveryRuleAdmin(ReadOnlyAdmin):
    list_display = ["producer", "offers_pickup", "offers_delivery", "free_delivery_from", "offers_courier",
                    "courier_lead_days"]
    list_select_related = ["producer"]
    inlines = [ProducerDeliveryAreaInline, ProducerCourierRateInline]
    search_fields = ["producer__name"]


@admin.register(DocumentCounter)
class DocumentCounterAdmin(ReadOnlyAdmin):
    list_display = ["series", "year", "last_number"]


class CartLineInline(ReadOnlyInline):
    model = CartLine
    show_change_link = False
    fields = ["product", "quantity", "unit_price_seen", "added_at"]
    readonly_fields = ["added_at"]


@admin.register(Cart)
class CartAdmin(ReadOnlyAdmin):
    list_display = ["pk", "user", "organisation", "updated_at"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "organisation__name"]
    inlines = [CartLineInline]


class PurchaseRequestLineInline(ReadOnlyInline):
    model = PurchaseRequestLine
    show_change_link = False
    fields = ["product", "product_name", "quantity", "unit_price_seen", "line_total"]


class PurchaseRequestEventInline(ReadOnlyInline):
    model = PurchaseRequestEvent
    show_change_link = False
    fields = ["created_at", "from_status", "to_status", "actor", "note", "data"]
    readonly_fields = ["created_at"]


@admin.register(PurchaseRequest)
class PurchaseRequestAdmin(ReadOnlyAdmin):
    """Members' carts above their organisation's approval limit; decided on the organisation's pages."""

    list_display = ["pk", "created_at", "organisation", "requested_by", "status", "total", "decided_by", "checkout"]
    list_filter = ["status"]
    list_select_related = ["organisation", "requested_by", "decided_by", "checkout"]
    search_fields = ["organisation__name", "requested_by__email", "checkout__number"]
    inlines = [PurchaseRequestLineInline, PurchaseRequestEventInline]
