"""Settings for Sangaku Match, read from environment variables only here (this package).

Every other module reads `django.conf.settings`. A bad value stops start-up with a message that
names the variable. The embedded default (no variables set) is SQLite with Celery tasks run
in-process, so `make run` works on a fresh machine without any service.

Layout: `env.py` (the readers of variables), this module (Django, security, accounts, e-mail,
API, cache, logging, and the parts below in order), `notifications.py` (notifications, e-mail
retries, messaging), `tasks.py` (Celery, outbox, health) and `matching.py` (the matcher and the
search index). A part reads only `env.py` and the parts before it.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import BASE_DIR, env_bool, env_float, env_int, env_list

DEBUG = env_bool("DEBUG", False)
# HTTPS=true (production behind TLS): see the security section below.
HTTPS = env_bool("HTTPS", False)

_DEV_SECRET = "insecure-dev-only-secret-key-change-me-in-production-0123456789"
# The development key keeps `make run` and the tests free of set-up; `check --deploy` fails on
# it (config/checks.py), so a production deployment must set SECRET_KEY.
DEV_SECRET_KEY = _DEV_SECRET
SECRET_KEY = os.environ.get("SECRET_KEY", "") or _DEV_SECRET

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "outbox",
    "profiles",
    "notifications",
    "cases",
    "matching",
    "messaging",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "profiles.access.OrganizationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a locked-out sign-in (page or API token) into a 429.
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "profiles.context_processors.membership",
                "notifications.context_processors.bell",
                "messaging.context_processors.unread_messages",
            ],
        },
    },
]

# --- Database: DATABASE_URL, SQLite file in the repository root by default -----------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except Exception as exc:  # dj_database_url raises several types for a bad URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
else:
    # A persistent connection the server cut (restart, pg_terminate_backend) is noticed at the
    # start of the next request or task and replaced, instead of failing it.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in goes through django-axes first: repeated failures lock the account name and the client
# address (each separately) for a cool-off period, on the page, the API token and the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "config.errors.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
# Reverse proxies in front of the web process whose X-Forwarded-For is trusted (0: none).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

# --- E-mail: SMTP from the environment; printed to the console when no host is set ---------
# (`make run`). Links in e-mails sent by workers start with SITE_URL.
SITE_URL = os.environ.get("SITE_URL", "") or "http://127.0.0.1:8000"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587 if EMAIL_HOST else 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", bool(EMAIL_HOST))
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# Without a host, mail is printed to the console and kept as .eml files in EMAIL_FILE_PATH
# (`make run`: read what was sent after the fact).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "config.mail.ConsoleAndFileBackend"
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "") or str(BASE_DIR / "sent-mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "") or "Sangaku Match <noreply@localhost>"
# How long an invitation link to join an organisation stays valid.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "landing"

# --- researchmap WebAPI (manage.py import_researchmap --api; docs/researchmap.md) -----------
# The V2 API's token endpoint is RESEARCHMAP_API_URL/oauth2/token (OAuth 2.0 JWT bearer grant:
# an RS256 assertion signed with the client's private key, issuer = the client id). Without a
# client id and a key the API import stops with a message naming these variables; the file
# import needs none of them.
RESEARCHMAP_API_URL = (
    os.environ.get("RESEARCHMAP_API_URL", "") or "https://api.researchmap.jp"
).rstrip("/")
if not RESEARCHMAP_API_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"RESEARCHMAP_API_URL must start with https:// or http://, got {RESEARCHMAP_API_URL!r}"
    )
RESEARCHMAP_CLIENT_ID = os.environ.get("RESEARCHMAP_CLIENT_ID", "").strip()
RESEARCHMAP_PRIVATE_KEY = os.environ.get("RESEARCHMAP_PRIVATE_KEY", "")
_researchmap_key_file = os.environ.get("RESEARCHMAP_PRIVATE_KEY_FILE", "")
if _researchmap_key_file:
    if RESEARCHMAP_PRIVATE_KEY:
        raise ImproperlyConfigured(
            "Set RESEARCHMAP_PRIVATE_KEY or RESEARCHMAP_PRIVATE_KEY_FILE, not both"
        )
    try:
        RESEARCHMAP_PRIVATE_KEY = Path(_researchmap_key_file).read_text(encoding="utf-8")
    except OSError as exc:
        raise ImproperlyConfigured(
            f"RESEARCHMAP_PRIVATE_KEY_FILE cannot be read ({_researchmap_key_file}): {exc}"
        ) from exc
RESEARCHMAP_SCOPE = os.environ.get("RESEARCHMAP_SCOPE", "") or "read"
RESEARCHMAP_TIMEOUT = env_float("RESEARCHMAP_TIMEOUT", 30.0)
if RESEARCHMAP_TIMEOUT <= 0:
    raise ImproperlyConfigured("RESEARCHMAP_TIMEOUT must be more than 0 seconds")

# --- Internationalisation: Japanese first, English available -------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
# One catalogue per area (locale/<area>/en/LC_MESSAGES/django.po), Japanese msgids, English
# msgstrs; areas keep their own file so that work on one area never rewrites another's.
LOCALE_PATHS = sorted(p for p in (BASE_DIR / "locale").glob("*") if p.is_dir())
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production (HTTPS, or STATIC_MANIFEST=true) serves collected, hashed files; development and
# tests serve straight from the apps' static folders.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", HTTPS)
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Uploaded files (message attachments) go through Django's storage API: the filesystem under
# MEDIA_ROOT by default, never served directly (a permission-checked view streams them); any
# django-storages backend by FILE_STORAGE_BACKEND and its options as JSON in
# FILE_STORAGE_OPTIONS.
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", "") or str(BASE_DIR / "media")
FILE_STORAGE_BACKEND = (
    os.environ.get("FILE_STORAGE_BACKEND", "") or "django.core.files.storage.FileSystemStorage"
)
try:
    FILE_STORAGE_OPTIONS = json.loads(os.environ.get("FILE_STORAGE_OPTIONS", "") or "{}")
except json.JSONDecodeError as exc:
    raise ImproperlyConfigured(f"FILE_STORAGE_OPTIONS must be a JSON object: {exc}") from exc
if not isinstance(FILE_STORAGE_OPTIONS, dict):
    raise ImproperlyConfigured("FILE_STORAGE_OPTIONS must be a JSON object")
STORAGES = {
    "default": {"BACKEND": FILE_STORAGE_BACKEND, "OPTIONS": FILE_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# JSON bodies nested deeper than this are refused with a 400 (config/middleware.py).
JSON_MAX_DEPTH = env_int("JSON_MAX_DEPTH", 32)
if JSON_MAX_DEPTH < 2:
    raise ImproperlyConfigured("JSON_MAX_DEPTH must be at least 2")
# Uploaded CSV files larger than this are refused before parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security: production values pass `manage.py check --deploy` ---------------------------
# HTTPS=true (production behind TLS) turns on the redirect, secure cookies and HSTS; the embedded
# default and the test live server speak plain http on localhost.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- REST framework --------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an unauthenticated call answers 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Approval gates reading: pending organisations reach their own profile and members only.
    "DEFAULT_PERMISSION_CLASSES": ["profiles.api.permissions.ApprovedMember"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.Pagination",
    "PAGE_SIZE": 20,
    # Throttles per user and per anonymous client (rates: API_THROTTLE_USER / _ANON); they fail
    # open with a log line when the cache is unreachable, never with a 500.
    "DEFAULT_THROTTLE_CLASSES": [
        "profiles.api.throttles.UserThrottle",
        "profiles.api.throttles.AnonThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_THROTTLE_USER", "") or "1200/hour",
        "anon": os.environ.get("API_THROTTLE_ANON", "") or "120/hour",
        "registration": os.environ.get("API_THROTTLE_REGISTRATION", "") or "20/hour",
        "burst": os.environ.get("API_THROTTLE_BURST", "") or "60/minute",
    },
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sangaku Match API",
    "DESCRIPTION": "産学連携マッチング (university–industry collaboration matching) API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI assets are served from the sidecar package: no CDN (offline deployments).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models share field names (status, kind, region): name each vocabulary once.
    "ENUM_NAME_OVERRIDES": {
        "RegionEnum": "profiles.choices.Region",
        "StageEnum": "profiles.choices.Stage",
        "PublicationStatusEnum": "profiles.choices.PublicationStatus",
        "OrgKindEnum": "profiles.choices.OrgKind",
        "ApprovalStatusEnum": "profiles.choices.ApprovalStatus",
        "CollaborationModeEnum": "profiles.choices.CollaborationMode",
        "LanguageEnum": "profiles.choices.Language",
        "InvestorKindEnum": "profiles.choices.InvestorKind",
        "MemberRoleEnum": "profiles.choices.MemberRole",
        "ProposalStatusEnum": "matching.models.results.ProposalStatus",
    },
}

from .notifications import *  # noqa: E402  (notifications, e-mail retries, messaging)
from .tasks import *  # noqa: E402  (Celery, outbox, health)

CELERY_TIMEZONE = TIME_ZONE

# --- Cache: shared between web and workers (Redis when there is one), never a 500 ----------
# The cache carries progress that a worker reports while a transaction is still open (CSV import
# jobs) and the API throttles' counters. config/cache.py: with Redis down it answers from a
# per-process memory cache (throttles keep counting per process) and tries Redis again after
# CACHE_REDIS_RETRY_SECONDS; every Redis call gives up after CACHE_REDIS_TIMEOUT seconds.
CACHE_REDIS_TIMEOUT = env_float("CACHE_REDIS_TIMEOUT", 0.25)
CACHE_REDIS_RETRY_SECONDS = env_float("CACHE_REDIS_RETRY_SECONDS", 5.0)
_REDIS_CACHE = {
    "BACKEND": "config.cache.FallbackRedisCache",
    "LOCATION": REDIS_URL,
    "OPTIONS": {
        "socket_connect_timeout": CACHE_REDIS_TIMEOUT,
        "socket_timeout": CACHE_REDIS_TIMEOUT,
    },
}
# Throttle counters must be shared by every web process: Redis when there is one, else a
# database table (created by a migration), so the throttles also hold on the embedded default.
THROTTLE_CACHE_TABLE = "sangaku_throttle_cache"
CACHES = {
    "default": (
        _REDIS_CACHE if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    "throttle": (
        _REDIS_CACHE
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": THROTTLE_CACHE_TABLE,
        }
    ),
}

from .matching import *  # noqa: E402  (the matcher, the search index)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"one_line_client_errors": {"()": "config.logs.OneLineClientErrors"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["one_line_client_errors"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Each failed sign-in is recorded in the database (Django admin: Axes); the log keeps
        # lockouts only.
        "axes": {"level": "WARNING"},
    },
}
