from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from market.accounts.hooks import register_personal_data
        from orders import receivers  # noqa: F401  (connects the login receiver)
        from orders.selectors import personal_data_orders

        register_personal_data("orders", personal_data_orders)
