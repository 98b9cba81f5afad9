"""Tasks of the programme app."""
from celery import shared_task

from programme.services import programme_facts_refresh


@shared_task
def programme_facts_refresh_task(full: bool = False) -> int:
    """Refresh the cockpit's stored sales (beat: every 15 minutes); return the months re-counted."""
    return len(programme_facts_refresh(full=full).months)
