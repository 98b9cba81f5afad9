"""Admin site branding."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from market.core.models import TaskOutbox

admin.site.site_header = _("Kampung Industri administration")
admin.site.site_title = _("Kampung Industri")
admin.site.index_title = _("Programme administration")


@admin.register(TaskOutbox)
class TaskOutboxAdmin(admin.ModelAdmin):
    """Tasks waiting for the broker: visible, never edited (the flush task sends and deletes them)."""

    list_display = ["task_name", "created_at", "attempts", "last_error"]
    readonly_fields = ["task_name", "args", "kwargs", "options", "created_at", "attempts", "last_error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
