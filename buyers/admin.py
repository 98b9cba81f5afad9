from django.contrib import admin

from buyers.models import BuyerProfile


@admin.register(BuyerProfile)
class BuyerProfileAdmin(admin.ModelAdmin):
    list_display = ["organisation", "min_shelf_life_days"]
    search_fields = ["organisation__name"]
    readonly_fields = ["organisation"]
