"""Test runs: like local, fast password hashing, mail kept in memory, tasks eager by default."""
from market.settings.base import *  # noqa: F401,F403
from market.settings.base import CELERY_BROKER_URL, env_str

DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-test-only-7d2e4a1b")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests that need a real worker start one against CELERY_BROKER_URL themselves.
CELERY_TASK_ALWAYS_EAGER = True
TEST_CELERY_BROKER_URL = CELERY_BROKER_URL
# WhiteNoise serves from the apps' static folders (finders); no collectstatic needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
