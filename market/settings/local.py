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
# A made-up account so that the demo's bank transfers can be tried; a deployment sets the programme's own.
PAYMENTS_BANK_NAME = env_str("PAYMENTS_BANK_NAME", "Bank Jatim (demo)")
PAYMENTS_BANK_ACCOUNT_NUMBER = env_str("PAYMENTS_BANK_ACCOUNT_NUMBER", "0011223344")
PAYMENTS_BANK_ACCOUNT_NAME = env_str("PAYMENTS_BANK_ACCOUNT_NAME", "Disperindag Kabupaten Jember (demo)")
