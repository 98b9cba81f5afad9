"""Admin site branding."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Kampung Industri administration")
admin.site.site_title = _("Kampung Industri")
admin.site.index_title = _("Programme administration")
