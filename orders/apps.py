from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from market.accounts.hooks import register_closure_blockers, register_closure_eraser, register_personal_data
        from orders import receivers  # noqa: F401  (connects the login receiver)
        from orders.selectors import account_closure_blockers_orders, personal_data_orders
        from orders.services.cart import cart_erase_for_account_closure

        register_personal_data("orders", personal_data_orders)
        register_closure_blockers("orders", account_closure_blockers_orders)
        register_closure_eraser("carts", cart_erase_for_account_closure)
