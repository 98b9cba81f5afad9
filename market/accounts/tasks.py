from celery import shared_task

from market.accounts.services import api_token_purge


@shared_task
def api_token_purge_task() -> int:
    """Nightly: delete API tokens that ended more than a month ago."""
    return api_token_purge()
