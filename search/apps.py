from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # Plug into catalog through its seam (catalog never imports search).
        from catalog import hooks
        from search.services import search_mark_dirty

        hooks.register_catalog_changed(search_mark_dirty)
