"""Settings shared by every mode. Values come from the environment (docs/configuration.md)."""
import re
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from market.db import database_from_url, embedded_database
from market.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
# Demo data (catalog.demo: accounts with a published password) may be loaded; production says no.
DEMO_DATA_ALLOWED = True
SECRET_KEY = env_str("SECRET_KEY")  # each mode decides whether a default is safe
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The site's own address: links in emails are built from it, never from the request's Host header.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The name emails, page titles and shared links give the site (its domain comes from SITE_URL).
SITE_NAME = env_str("SITE_NAME", "Kampung Industri")
# Proxies in front of the site that append the client's address to X-Forwarded-For (0: none, the
# header is ignored). One number for DRF's throttles and allauth's rate limits: trusting more hops
# than really exist lets a client choose the address it is counted under.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    # Pages come before allauth so that our templates override allauth's layouts.
    "frontend",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # shared kernel
    "market.core",
    "market.accounts",
    "market.regions",
    # domain
    "catalog",
    "orders",
    "buyers",
    "showcases",
    "investors",
    "search",
    "payments",
    "placements",
    "programme",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy, Permissions-Policy: above WhiteNoise so that static files get them too.
    "market.core.security_headers.SecurityHeadersMiddleware",
    "market.core.middleware.MalformedRequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "market.accounts.middleware.OfficerMfaRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "market.urls"
WSGI_APPLICATION = "market.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.navigation",
                "frontend.context_processors.cart_badge",
                "frontend.seo.site",
                "frontend.context_processors.assist_session",
                "frontend.acting.acting_for",
            ],
        },
    },
]

# --- Database: PostgreSQL only ------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 0)
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL, conn_max_age=DATABASE_CONN_MAX_AGE)}
else:
    DATABASES = {"default": embedded_database(VAR_DIR / "pgdata")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when configured, the database otherwise ---------------------
# allauth's rate limits need a cache shared by every process: never LocMem.
REDIS_URL = env_str("REDIS_URL")
CACHE_URL = env_str("CACHE_URL", REDIS_URL)
if CACHE_URL:
    CACHES = {
        "default": {
            # Redis, answering from the database cache table while Redis is unreachable (market/core/cache.py).
            "BACKEND": "market.core.cache.RedisCacheWithFallback",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "kampung",
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "core_cache",
        }
    }

# Public pages and API answers for visitors without a session, kept this many seconds in the shared
# cache and made stale by every change that shows on them (market/core/pagecache.py); 0 switches it
# off. Off by default without Redis: the database cache would cost as much as the page.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600 if CACHE_URL else 0)

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "frontend:dashboard"

ACCOUNT_ADAPTER = "market.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "market.accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# allauth's default rate limits (login failures, sign-ups, password resets, ...)
# stay on; they count in the shared cache configured below.
if not env_bool("ACCOUNT_RATE_LIMITS_ENABLED", True):
    ACCOUNT_RATE_LIMITS = False
# Seconds a password (or second factor) confirmed on allauth's reauthentication page counts as
# recent for sensitive changes: TOTP, email addresses, a producer's payout bank account.
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("ACCOUNT_REAUTHENTICATION_TIMEOUT", 300)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# API tokens (market.accounts.models.ApiToken) expire this many days after they are issued.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
MFA_TOTP_ISSUER = "Kampung Industri"
# Accept the code of the previous 30-second step too: a code typed on a phone and sent over a
# slow connection often arrives just after its step ended (RFC 6238 allows one step of delay).
MFA_TOTP_TOLERANCE = 1
# Removing TOTP or replacing the recovery codes takes a current code, not only the password.
MFA_FORMS = {
    "deactivate_totp": "market.accounts.mfa.DeactivateTotpForm",
    "generate_recovery_codes": "market.accounts.mfa.GenerateRecoveryCodesWithCodeForm",
}

# --- Email ----------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kampung Industri <noreply@kampung-industri.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
    EMAIL_BACKEND = (
        "django.core.mail.backends.filebased.EmailBackend"
        if EMAIL_FILE_PATH
        else "django.core.mail.backends.console.EmailBackend"
    )

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "ki_language"
TIME_ZONE = "Asia/Jakarta"
# One date and time format per language, the zone always shown with a time (market/formats/).
FORMAT_MODULE_PATH = ["market.formats"]
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False  # rupiah are formatted explicitly by market.core.money

# --- Static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# A separate media domain (https://media.example.id/) when a proxy or a CDN serves MEDIA_ROOT.
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Media (product photos...) on S3 or any S3-compatible store when a bucket is named.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "region_name": env_str("AWS_S3_REGION_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN"),
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# The app serves MEDIA_URL from MEDIA_ROOT itself, with safe headers (market/core/media.py), unless a bucket,
# a proxy or a media domain does (docs/scaling.md#media).
MEDIA_SERVE = env_bool("MEDIA_SERVE", not AWS_STORAGE_BUCKET_NAME)
# Investors' documents (business plans, photos of opportunities): never under MEDIA_URL; served only by a
# permission-checked view that logs each access (investors/storage.py). Private objects under "private/" in
# the bucket when one is named, else the file system below PRIVATE_MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
if AWS_STORAGE_BUCKET_NAME:
    PRIVATE_STORAGE = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        **MEDIA_STORAGE["OPTIONS"], "location": "private", "default_acl": "private", "querystring_auth": True,
        "custom_domain": None, "object_parameters": {"CacheControl": "private, no-store"}}}
else:
    PRIVATE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                       "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None}}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}

# --- Celery ---------------------------------------------------------------------
# --- Search: PostgreSQL full-text search by default, Elasticsearch when ELASTICSEARCH_URL is set ---
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
ELASTICSEARCH_INDEX_PREFIX = env_str("ELASTICSEARCH_INDEX_PREFIX", "kampung")
ELASTICSEARCH_API_KEY = env_str("ELASTICSEARCH_API_KEY")  # instead of user:password in the URL
ELASTICSEARCH_CA_CERTS = env_str("ELASTICSEARCH_CA_CERTS")  # CA bundle of a cluster with its own CA
ELASTICSEARCH_TIMEOUT = env_int("ELASTICSEARCH_TIMEOUT", 10)  # seconds per request
SEARCH_BACKEND = env_str(
    "SEARCH_BACKEND",
    "search.backends.elasticsearch.Elasticsearch" if ELASTICSEARCH_URL else "search.backends.database.Database",
)

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
# Without a broker, tasks run in-process so that the one-command local run works.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL is None)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND")
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # tasks are written to be idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 120)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task taken but not acknowledged (its worker died: acks_late) goes back on the queue after this many
# seconds. It must exceed the longest countdown or ETA a task is sent with (search retries wait up to
# 600 s; Redis hands out ETA tasks early and would run them twice otherwise) and the longest task.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BEAT_SCHEDULE: dict = {
    "catalog-permit-expiry-notify": {
        "task": "catalog.tasks.permit_expiry_notify_task",
        "schedule": crontab(hour=7, minute=0),  # CELERY_TIMEZONE is Asia/Jakarta
    },
    "search-sweep": {  # safety net: index whatever is still marked dirty
        "task": "search.tasks.search_sweep_task",
        "schedule": 60.0,
    },
    "search-permits-expired": {  # readiness and certifications change with the date
        "task": "search.tasks.search_permits_expired_task",
        "schedule": crontab(hour=0, minute=15),
    },
    "search-compact": {  # nightly: product entries back in quality order (faster candidate reads)
        "task": "search.tasks.search_compact_task",
        "schedule": crontab(hour=3, minute=30),
    },
    "search-refresh": {  # weekly full refresh through the dirty queue
        "task": "search.tasks.search_refresh_task",
        "schedule": crontab(day_of_week="sunday", hour=2, minute=0),
    },
    "orders-expire-reservations": {  # unpaid checkouts give their stock back when the reservation runs out
        "task": "orders.tasks.checkout_expire_due_task",
        "schedule": 60.0,
    },
    "orders-complete-delivered": {  # delivered orders complete by themselves after 7 days
        "task": "orders.tasks.order_complete_due_task",
        "schedule": crontab(minute=20),
    },
    "accounts-purge-ended-api-tokens": {  # expired or revoked more than 30 days ago
        "task": "market.accounts.tasks.api_token_purge_task",
        "schedule": crontab(hour=3, minute=50),
    },
    "core-task-outbox-flush": {  # tasks whose sending failed while the broker was down
        "task": "market.core.tasks.task_outbox_flush_task",
        "schedule": 60.0,
    },
    "orders-purge-anonymous-carts": {
        "task": "orders.tasks.cart_purge_stale_task",
        "schedule": crontab(hour=3, minute=40),
    },
    "programme-facts-refresh": {  # the cockpit's commerce figures: months changed since the last run
        "task": "programme.tasks.programme_facts_refresh_task",
        "schedule": crontab(minute="*/15"),
    },
    "buyers-digest": {  # newly listed products that match each buyer organisation's preferences
        "task": "buyers.tasks.buyer_digest_send_task",
        "schedule": crontab(hour=7, minute=0),  # 07:00 WIB (CELERY_TIMEZONE is Asia/Jakarta)
    },
    "investors-alerts": {  # new opportunities and stage changes that match each investor's profile or watchlist
        "task": "investors.tasks.investor_alerts_send_task",
        "schedule": crontab(hour=7, minute=15),  # 07:15 WIB
    },
}

# --- Programme (docs/configuration.md#programme) ---------------------------------
# The programme's area: Kemendagri regency ("35.09") or province ("35") codes, comma-separated.
PROGRAMME_REGION_CODES = env_list("PROGRAMME_REGION_CODES", ["35.09"])
# Who runs the programme, as printed on its reports (the office of the regency or province of PROGRAMME_REGION_CODES).
PROGRAMME_OFFICE = env_str("PROGRAMME_OFFICE", "Disperindag Kabupaten Jember")
if not PROGRAMME_REGION_CODES or any(not re.fullmatch(r"\d{2}(\.\d{2})?", code) for code in PROGRAMME_REGION_CODES):
    raise ImproperlyConfigured("PROGRAMME_REGION_CODES must list province (35) or regency (35.09) codes.")

# --- Orders -----------------------------------------------------------------------
# How long an unpaid checkout holds its stock before it is released and the orders cancelled.
ORDERS_CARD_RESERVATION_MINUTES = env_int("ORDERS_CARD_RESERVATION_MINUTES", 30)
ORDERS_TRANSFER_RESERVATION_HOURS = env_int("ORDERS_TRANSFER_RESERVATION_HOURS", 24)

# --- Payments (docs/configuration.md#payments) -------------------------------------
# The card method is offered only when both Stripe keys are set; bank transfers always work.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE")  # the local emulator (localstripe) in tests and development
STRIPE_JS_URL = env_str("STRIPE_JS_URL", "https://js.stripe.com/v3/")  # the emulator's copy in tests
STRIPE_TIMEOUT_SECONDS = env_int("STRIPE_TIMEOUT_SECONDS", 20)
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env_int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", 300)
STRIPE_MIN_AMOUNT_RUPIAH = env_int("STRIPE_MIN_AMOUNT_RUPIAH", 10_000)  # about USD 0.50, Stripe's minimum
PLATFORM_COMMISSION_RATE = env_str("PLATFORM_COMMISSION_RATE", "0.05")  # default; per category in the admin
# The programme's account for bank transfers: no default, so that no page ever shows an account that is not
# the programme's; without all three, bank transfer is not offered (docs/configuration.md).
PAYMENTS_BANK_NAME = env_str("PAYMENTS_BANK_NAME", "")
PAYMENTS_BANK_ACCOUNT_NUMBER = env_str("PAYMENTS_BANK_ACCOUNT_NUMBER", "")
PAYMENTS_BANK_ACCOUNT_NAME = env_str("PAYMENTS_BANK_ACCOUNT_NAME", "")
CELERY_BEAT_SCHEDULE["payments-reconcile-card"] = {  # a lost webhook never leaves an order stuck
    "task": "payments.tasks.card_payments_reconcile_task",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["payments-ledger-check"] = {  # the ledger balances and matches the providers
    "task": "payments.tasks.ledger_check_task",
    "schedule": crontab(hour=1, minute=30),
}
# Invoices on terms: remind N days before the due date, then N days after it and every N days more.
PAYMENTS_TERMS_REMINDER_DAYS_BEFORE = env_int("PAYMENTS_TERMS_REMINDER_DAYS_BEFORE", 3)
PAYMENTS_TERMS_REMINDER_FIRST_DAYS_AFTER = env_int("PAYMENTS_TERMS_REMINDER_FIRST_DAYS_AFTER", 1)
PAYMENTS_TERMS_REMINDER_REPEAT_DAYS = env_int("PAYMENTS_TERMS_REMINDER_REPEAT_DAYS", 7)
CELERY_BEAT_SCHEDULE["payments-terms-reminders"] = {  # invoices on terms due soon or overdue
    "task": "payments.tasks.terms_reminders_send_task",
    "schedule": crontab(hour=8, minute=0),
}

# --- REST API -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: unauthenticated requests get 401 with a WWW-Authenticate challenge.
        "market.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "market.core.api.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "market.core.parsers.JSONParser",  # deep nesting is a 400, not a RecursionError
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # the client address for throttles: see TRUSTED_PROXY_COUNT
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "market.core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
        "user": env_str("API_THROTTLE_USER", "600/minute"),
        "token": "10/minute",
    },
    "DEFAULT_SCHEMA_CLASS": "market.core.schema.MarketAutoSchema",  # documents the error answers too
    "EXCEPTION_HANDLER": "market.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kampung Industri API",
    "DESCRIPTION": "Marketplace for the coached village industries of Kabupaten Jember.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # One name per choice set that several fields share (stage, from_stage, to_stage...).
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "catalog.models.Stage",
        "UnitEnum": "catalog.models.Unit",
        "InfrastructureEnum": "catalog.models.Infrastructure",
        "PermitKindEnum": "catalog.models.PermitKind",
        "StatusEnum": "catalog.models.Product.Status",  # the product status keeps its name beside others
        "BuyerKindEnum": "buyers.models.BuyerKind",
        "BuyerRegistrationStatusEnum": "buyers.models.BuyerRegistration.Status",
        "MembershipRoleEnum": "market.accounts.models.Membership.Role",
        "PlacementStatusEnum": "placements.models.Placement.Status",
        "PlacementSideEnum": "placements.models.Side",
        "InvestorKindEnum": "investors.models.InvestorKind",
        "InvolvementEnum": "investors.models.Involvement",
        "OpportunityPurposeEnum": "investors.models.Purpose",
        "InterestStatusEnum": "investors.models.Interest.Status",
    },
}

# --- Health check ---------------------------------------------------------------
HEALTHCHECK_TIMEOUT_SECONDS = 2.0

# --- Security (tightened further in production) ---------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (market/core/security_headers.py): report-only to try a change first, and where
# browsers report violations.
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)
CSP_REPORT_URI = env_str("CSP_REPORT_URI")
SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "pgserver": {"level": "WARNING"}},
}

# --- Benchmarks -----------------------------------------------------------------
# bench/http/run.py mounts /bench/ceiling (a bare JSON view, no database) to measure the web process's ceiling.
BENCH_CEILING = env_bool("BENCH_CEILING", False)

# --- Fault injection (tests only: market/core/faults.py; production settings force it off) ---
FAULT_PAUSE_AT = env_str("MARKET_FAULT_PAUSE_AT", "") or ""
FAULT_DIR = env_str("MARKET_FAULT_DIR", str(VAR_DIR / "faults")) or ""
