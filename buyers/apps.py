from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuyersConfig(AppConfig):
    name = "buyers"
    verbose_name = _("Buyers")

    def ready(self) -> None:
        from buyers.selectors import personal_data_addresses
        from buyers.services import address_erase_for_account_closure
        from market.accounts.hooks import register_closure_eraser, register_personal_data

        register_personal_data("addresses", personal_data_addresses)
        register_closure_eraser("addresses", address_erase_for_account_closure)
