"""Production: every secret from the environment, HTTPS everywhere, no embedded database.

This module refuses to load, and so every entry point refuses to start, when a secret is
missing or unsafe: a weak or development ``SECRET_KEY``, no ``ALLOWED_HOSTS`` or a wildcard
among them, no ``DATABASE_URL``, or no broker for the worker and beat to share.
"""
from django.core.exceptions import ImproperlyConfigured

from market.settings.base import *  # noqa: F401,F403
from market.settings.base import CELERY_BROKER_URL, DATABASE_URL, MEDIA_STORAGE, PRIVATE_STORAGE
from market.settings.env import env_bool, env_int, env_list, env_required, env_str

DEBUG = False
DEMO_DATA_ALLOWED = False  # load_demo_data refuses; a start with demo accounts present is refused
FAULT_PAUSE_AT = ""  # market/core/faults.py: a production process never stops to be killed

if env_str("SECRET_KEY") is None:
    # The most likely reader is a developer who ran manage.py without naming the development settings.
    raise ImproperlyConfigured(
        "The environment variable SECRET_KEY must be set. (Production settings run unless "
        "DJANGO_SETTINGS_MODULE names others: for development, export "
        "DJANGO_SETTINGS_MODULE=market.settings.local, as `make run` does.)")
SECRET_KEY = env_required("SECRET_KEY")
if SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("The environment variable ALLOWED_HOSTS must be set.")
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts in production, not '*'.")
# Emailed links (password reset, email confirmation) are built from it, never from the Host header.
SITE_URL = env_required("SITE_URL").rstrip("/")
if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be the site's https:// address in production.")

if not DATABASE_URL:
    raise ImproperlyConfigured("The environment variable DATABASE_URL must be set in production "
                               "(the embedded PostgreSQL is for development only).")
if not CELERY_BROKER_URL:
    raise ImproperlyConfigured("REDIS_URL (or CELERY_BROKER_URL) must be set in production: the worker and "
                               "beat take their tasks from it.")

ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}
