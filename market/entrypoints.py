"""Pick the settings of a process: production unless the environment says otherwise.

Every entry point (``manage.py``, ``market/wsgi.py``, ``market/asgi.py`` and the Celery app that
``celery -A market worker`` and ``beat`` load) calls :func:`use_settings` before Django reads its
settings, and nothing else chooses. Development and tests opt in by naming their module
(``make run`` sets ``market.settings.local``, pytest ``market.settings.test``), so a deployment that
forgets the variable runs production, which refuses to start without its secrets, rather than
development settings with DEBUG on and a published key.
"""
import os

PRODUCTION = "market.settings.production"
SETTINGS_MODULES = ("market.settings.production", "market.settings.local", "market.settings.test")


def use_settings() -> str:
    """Return the settings module of this process, production when none is named."""
    module = os.environ.setdefault("DJANGO_SETTINGS_MODULE", PRODUCTION)
    return module
