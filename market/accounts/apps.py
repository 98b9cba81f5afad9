from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "market.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from market.accounts.mfa import on_authenticator_added

        authenticator_added.connect(on_authenticator_added, dispatch_uid="accounts-mfa-session")
        # API tokens end when the password or the second factor changes (market/accounts/receivers.py).
        from market.accounts import receivers  # noqa: F401
