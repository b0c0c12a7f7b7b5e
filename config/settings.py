"""Tideline settings: one module, driven by environment variables (see .env.example).

Defaults make a fresh checkout run with no services: SQLite and in-process jobs. With
DATABASE_URL and REDIS_URL set it uses PostgreSQL and Redis, as the tests and production do.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
NODE_MODULES = BASE_DIR / "node_modules"

DEFAULT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105 (the value production refuses)
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY) or DEFAULT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off: Tideline refuses to run in production "
        "with the default key."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
TIDELINE_BASE_URL = env_str("TIDELINE_BASE_URL", "http://127.0.0.1:8000")
TIDELINE_REQUIRE_MFA = env_bool("TIDELINE_REQUIRE_MFA", True)
TIDELINE_PROTECTIVE_MARKING = env_str("TIDELINE_PROTECTIVE_MARKING", "OFFICIAL-SENSITIVE")

# Casework rules (the values are checked at start-up: config.checks).
# Risk flags: a DASH checklist older than this is due for review (victims.flag_rules).
TIDELINE_FLAG_DASH_REVIEW_DAYS = env_int("TIDELINE_FLAG_DASH_REVIEW_DAYS", 90)
# Risk flags: working days an unacknowledged flag waits before it escalates to the supervisor.
TIDELINE_FLAG_ESCALATION_WORKING_DAYS = env_int("TIDELINE_FLAG_ESCALATION_WORKING_DAYS", 2)
# Risk flags: missed sessions in a row that raise a flag.
TIDELINE_FLAG_MISSED_SESSIONS = env_int("TIDELINE_FLAG_MISSED_SESSIONS", 3)
# Risk flags: days without contact on an open case that raise a flag.
TIDELINE_FLAG_NO_CONTACT_DAYS = env_int("TIDELINE_FLAG_NO_CONTACT_DAYS", 28)
# Referrals: a new referral for the same person within this many days is marked a possible duplicate.
REFERRALS_DUPLICATE_WINDOW_DAYS = env_int("REFERRALS_DUPLICATE_WINDOW_DAYS", 30)
# Reports: counts of fewer people than this are hidden (and whatever would reveal them); 5 or more.
TIDELINE_SUPPRESSION_THRESHOLD = env_int("TIDELINE_SUPPRESSION_THRESHOLD", 5)

INSTALLED_APPS = [
    "accounts.apps.TidelineAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "simple_history",
    "django_celery_beat",
    "accounts",
    "referrals",
    "casework",
    "victims",
    "panels",
    "privacy",
    "reports",
    "config.apps.TidelineConfig",  # the start-up checks of these settings (config.checks)
]

MIDDLEWARE = [
    "accounts.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.NoStoreForSignedInMiddleware",
    "accounts.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.tideline",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A view and its audit events commit together. Routed views and API views narrow this to writes:
# reads run without a transaction (accounts.routing.atomic_unless_safe).
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # JIT compilation costs 50-60 ms on each larger query and pays off only on long analytic
    # ones; Tideline's pages and scans are short, indexed queries (bench/ measured both).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off"  # a restarted database is reconnected without a restart
    )

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PractitionerBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: idle sessions end after 30 minutes (an active session's expiry is renewed at most
# once a minute, not written on every request); every session ends 12 hours after sign-in
# (SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_TOUCH_SECONDS = 60
# Sessions live in the database with a copy in the cache for at most a minute (accounts.session_store).
SESSION_ENGINE = "accounts.session_store"
TIDELINE_SESSION_CACHE_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
TIDELINE_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60

# The client's address (audit trail, sign-in lockout) is the connection's peer, REMOTE_ADDR.
# Only when that peer is one of these proxies is X-Forwarded-For read, right to left, skipping
# the proxies listed here (accounts.client_address). Default: none, so the header is ignored.
TIDELINE_TRUSTED_PROXIES = env_networks("TIDELINE_TRUSTED_PROXIES", [])

# Sign-in throttling (accounts.lockout): 10 failures within 5 minutes pause that account name
# (emails normalised, so letter case and spaces make no difference) for 5 minutes; failures for
# unknown names never pause a real account. One client address is paused only after many more
# failures, for whatever names: an office behind one address is not locked out by one person.
AXES_FAILURE_LIMIT = 10
TIDELINE_ADDRESS_FAILURE_LIMIT = env_int("TIDELINE_ADDRESS_FAILURE_LIMIT", 100)
AXES_COOLOFF_TIME = timedelta(minutes=5)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_ip"
AXES_HANDLER = "accounts.lockout.AccountAndAddressHandler"
AXES_RESET_ON_SUCCESS = True
# axes.W006 wants "ip_address" in AXES_LOCKOUT_PARAMETERS, which would pause an address after 10
# failures; the per-address pause is AccountAndAddressHandler's (checked by accounts.W001).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)

OTP_TOTP_ISSUER = "Tideline"
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous users see nothing

# Security headers and cookies.
SECURE_COOKIES = env_bool("TIDELINE_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_COOKIES)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice" / "frontend" / "moj"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Without the manifest (the demo, `make run`), WhiteNoise serves straight from the static folders,
# so the demo needs neither DEBUG nor collectstatic.
WHITENOISE_USE_FINDERS = not env_bool("STATIC_MANIFEST", False)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tideline <no-reply@tideline.invalid>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Celery: with no REDIS_URL, jobs run in-process (the demo run); otherwise Redis is the broker.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ACKS_LATE = True
# A task whose worker process dies mid-run goes back on the queue instead of being acknowledged;
# the services are idempotent, so running it again cannot duplicate its effect. (When the whole
# worker dies, Redis hands the unacknowledged task to the next worker after the visibility timeout.)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# If Redis is down, a web request gives up on enqueueing quickly; the daily scans pick the
# work up later, so nothing is lost (casework.tasks' enqueue helper swallows the error).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Tideline's own: hashed, scoped, revocable per-organisation tokens and verified sessions.
        "accounts.api_auth.ApiTokenAuthentication",
        "accounts.api_auth.VerifiedSessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "accounts.api_access.exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 25,
    # JSON only (the interactive docs are at /api/docs/), with every non-ASCII character escaped:
    # a refusal may quote the sender's value back ('"…" is not a valid choice'), and a lone
    # surrogate there cannot be encoded as UTF-8, which would turn a 400 into a 500.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNICODE_JSON": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tideline API",
    "DESCRIPTION": "Partner-system API for Tideline. Every endpoint applies the same access policy as the service.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set, so partner developers see the same enum wherever it appears.
    "ENUM_NAME_OVERRIDES": {
        "RiskLevelEnum": "casework.models.core.RiskLevel",
        "DisruptionActionStatusEnum": "casework.models.casefile.DisruptionAction.Status",
        "PanelActionStatusEnum": "panels.models.Action.Status",
    },
}

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
