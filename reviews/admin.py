"""Admin: reviews with their photos, reports and history, read-only (changes go through the services:
pages and API)."""
from django.contrib import admin

from reviews.models import ProductRating, Review, ReviewEvent, ReviewPhoto, ReviewReport


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReviewPhotoInline(_ReadOnly, admin.TabularInline):
    model = ReviewPhoto
    extra = 0
    fields = ["image", "thumbnail", "width", "height", "position"]
    readonly_fields = fields


class ReviewReportInline(_ReadOnly, admin.TabularInline):
    model = ReviewReport
    extra = 0
    fields = ["created_at", "reporter", "reason", "resolved_at"]
    readonly_fields = fields


class ReviewEventInline(_ReadOnly, admin.TabularInline):
    model = ReviewEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "note", "data"]
    readonly_fields = fields


@admin.register(Review)
class ReviewAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["pk", "product", "rating", "author_name", "status", "open_reports", "created_at"]
    list_filter = ["status", "rating"]
    list_select_related = ["product"]
    search_fields = ["text", "author_name"]
    inlines = [ReviewPhotoInline, ReviewReportInline, ReviewEventInline]


@admin.register(ProductRating)
class ProductRatingAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["product", "review_count", "star_total"]
    list_select_related = ["product"]
