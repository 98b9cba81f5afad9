from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # Plug into orders through its seam (orders never imports payments).
        from orders import hooks
        from payments import integration

        hooks.register_payment_method_offered(integration.payment_method_offered)
        hooks.register_payment_method_check(integration.payment_method_check)
        hooks.register_checkout_placed(integration.checkout_placed)
        hooks.register_refund_processor(integration.refund_process)
        hooks.register_checkout_closed(integration.checkout_closed)

        from market.accounts.hooks import register_closure_blockers
        from payments.selectors import account_closure_blockers_payments

        register_closure_blockers("payments", account_closure_blockers_payments)
