"""Local development: safe defaults, embedded PostgreSQL unless DATABASE_URL is set."""
from market.settings.base import *  # noqa: F401,F403
from market.settings.base import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
# A fixed development key: never used in production, which requires SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-local-development-only-5b1f0c9e")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
# WhiteNoise serves from the apps' static folders (finders); no collectstatic needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
