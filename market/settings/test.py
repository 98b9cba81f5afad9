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
# Card payments are offered in tests; tests/payments point STRIPE_API_BASE at a local emulator
# (localstripe), and anything else that reached Stripe would fail fast on this closed port.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "sk_test_kampung")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "pk_test_kampung")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "whsec_test_kampung")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "http://127.0.0.1:9")
