"""Checks a production process runs before it serves: refuse to start rather than run unsafe.

The settings module already refuses missing secrets; what needs the database (demo accounts
with a published password) is a system check tagged ``production_start``, run here by the web
entry points and the Celery worker and beat, and by ``manage.py check --deploy --database
default`` in the Procfile's release step.
"""
import logging

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

PRODUCTION_START = "production_start"


def refuse_unsafe_start() -> None:
    """Raise ``ImproperlyConfigured`` when a production start check finds an error."""
    if settings.DEMO_DATA_ALLOWED:  # development and tests
        return
    messages = checks.run_checks(tags=[PRODUCTION_START], include_deployment_checks=True, databases=["default"])
    for message in messages:
        if not message.is_serious():
            logger.warning("%s", message)
    errors = [message for message in messages if message.is_serious()]
    if errors:
        raise ImproperlyConfigured("Refusing to start: " + "; ".join(f"{m.id}: {m.msg} {m.hint or ''}".strip()
                                                                     for m in errors))
