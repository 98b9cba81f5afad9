from django.contrib import admin

from payments.models import CommissionRate


@admin.register(CommissionRate)
class CommissionRateAdmin(admin.ModelAdmin):
    list_display = ["category", "rate"]
