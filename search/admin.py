"""Admin of the search app: officers keep the synonym groups; the index and its queue are read-only."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from market.core.errors import ApplicationError
from search.models import DirtyItem, Synonym
from search.services import synonym_create, synonym_delete, synonym_terms_validate, synonym_update


class SynonymForm(forms.ModelForm):
    terms_text = forms.CharField(
        label=_("Equivalent terms"), max_length=1000,
        help_text=_("Separated by commas, e.g. singkong, ketela pohon, ubi kayu, telo. A term may have several "
                    "words. Searches find every term when one is typed."))

    class Meta:
        model = Synonym
        fields = ["note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["terms_text"].initial = ", ".join(self.instance.terms)

    def clean_terms_text(self) -> list[str]:
        terms = [term.strip() for term in self.cleaned_data["terms_text"].split(",") if term.strip()]
        try:
            synonym_terms_validate(terms)
        except ApplicationError as exc:
            raise forms.ValidationError([m for ms in exc.fields.values() for m in ms] or [str(exc.message)]) from exc
        return terms


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    form = SynonymForm
    list_display = ["__str__", "note", "updated_at", "updated_by"]
    search_fields = ["note"]
    fields = ["terms_text", "note"]

    def save_model(self, request, obj, form, change):
        """Save through the services (the form has validated the terms the same way; staff are officers)."""
        terms, note = form.cleaned_data["terms_text"], form.cleaned_data.get("note", "")
        if change:
            saved = synonym_update(synonym=obj, terms=terms, officer=request.user, note=note)
        else:
            saved = synonym_create(terms=terms, officer=request.user, note=note)
        obj.pk, obj.terms = saved.pk, saved.terms

    def delete_model(self, request, obj):
        synonym_delete(synonym=obj, officer=request.user)

    def delete_queryset(self, request, queryset):
        for synonym in queryset:
            synonym_delete(synonym=synonym, officer=request.user)


@admin.register(DirtyItem)
class DirtyItemAdmin(admin.ModelAdmin):
    """What waits for indexing; a long list means the search backend or the worker is down."""

    list_display = ["kind", "key", "marked_at", "version", "attempts"]
    list_filter = ["kind"]
    ordering = ["marked_at", "pk"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
