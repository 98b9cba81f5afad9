"""System checks of the catalog app: no demo accounts where demo data is not allowed."""
from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from market.startup import PRODUCTION_START  # checks a production process runs before it serves


@checks.register(checks.Tags.security, checks.Tags.database, PRODUCTION_START, deploy=True)
def demo_accounts_absent(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Refuse demo accounts (published password) where demo data is not allowed."""
    if settings.DEMO_DATA_ALLOWED or not databases or "default" not in databases:
        return []
    from catalog.demo import DEMO_DOMAIN, demo_accounts_count

    try:
        count = demo_accounts_count()
    except DatabaseError as exc:
        return [checks.Warning(f"Could not look for demo accounts: {exc}".strip(), id="catalog.W001")]
    if count:
        return [checks.Error(
            f"{count} demo account(s) of @{DEMO_DOMAIN} exist; their password is published in the README.",
            hint="Delete them (or the whole database if it was a demo) before starting in production.",
            id="catalog.E001",
        )]
    return []
