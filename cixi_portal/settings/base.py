"""Settings shared by every environment; everything that differs comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

# The portal's apps come first: their templates and translations take precedence over those
# of Django's own apps (the admin translates "Filter" differently, for one).
INSTALLED_APPS = [
    "communities",
    "projects",
    "funding",
    "operations",
    "dashboard",
    "public",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is known (its page is translated), before anything reads the body.
    "communities.request_limits.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "communities.sessions.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "communities.outbox.QueuedMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cixi_portal.urls"
WSGI_APPLICATION = "cixi_portal.wsgi.application"

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
                "communities.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "communities.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks every login against the failures on record before the password is tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))

# Uploaded attachments are private: they are never served from a public URL, only through
# views that check who may see them.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A request larger than UPLOAD_MAX_BYTES is refused before its body is read
# (communities/request_limits.py); what Django keeps of one in memory (the form fields, a file
# before it spills to a temporary file) stays within that limit too.
DATA_UPLOAD_MAX_MEMORY_SIZE = min(DATA_UPLOAD_MAX_MEMORY_SIZE, UPLOAD_MAX_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = min(2621440, UPLOAD_MAX_BYTES)  # Django's default, 2.5 MB
# An uploaded spreadsheet is a zip archive; its directory is checked against these before any
# part of it is unpacked or parsed (communities/spreadsheets.py).
SPREADSHEET_MAX_MEMBERS = int(os.environ.get("SPREADSHEET_MAX_MEMBERS", "1000"))
SPREADSHEET_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("SPREADSHEET_MAX_UNCOMPRESSED_BYTES", str(50 * 1024 * 1024))
)
SPREADSHEET_MAX_COMPRESSION_RATIO = int(os.environ.get("SPREADSHEET_MAX_COMPRESSION_RATIO", "100"))
# The three-year plan table of up to this many projects is written in the request; a larger one
# is written by a background job whose page shows its progress (projects/plan_tables.py).
PLAN_TABLE_DIRECT_ROWS = int(os.environ.get("PLAN_TABLE_DIRECT_ROWS", "500"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@cixi.example")

# Links in e-mails point here.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Jobs record their outcome on their outbox item and their own row, not in a result store.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# An unreachable broker must answer within seconds, so the page that committed a change is not
# held: the outbox item then waits for the sweeper.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# The supervision report of the month just ended, on the 1st at 06:00 (CELERY_TIMEZONE).
#
# The outbox (communities/outbox.py): every try that fails waits twice as long as the one
# before (from OUTBOX_RETRY_BASE_SECONDS up to OUTBOX_RETRY_MAX_SECONDS); after
# OUTBOX_MAX_ATTEMPTS the item fails with its error and can be retried. A running item whose
# heartbeat is older than OUTBOX_STALE_SECONDS lost its worker; a sent one that no worker took
# within OUTBOX_SENT_TIMEOUT_SECONDS was lost by the broker. The sweeper runs every
# OUTBOX_SWEEP_SECONDS.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "60"))
OUTBOX_RETRY_MAX_SECONDS = int(os.environ.get("OUTBOX_RETRY_MAX_SECONDS", "3600"))
OUTBOX_STALE_SECONDS = int(os.environ.get("OUTBOX_STALE_SECONDS", "600"))
OUTBOX_SENT_TIMEOUT_SECONDS = int(os.environ.get("OUTBOX_SENT_TIMEOUT_SECONDS", "900"))
OUTBOX_SWEEP_SECONDS = int(os.environ.get("OUTBOX_SWEEP_SECONDS", "120"))
OUTBOX_SWEEP_BATCH = 500
# The health check calls the worker and beat stale after three missed sweeps, and the outbox
# behind when its oldest undelivered item is older than this.
HEALTH_HEARTBEAT_LIMIT_SECONDS = 3 * OUTBOX_SWEEP_SECONDS
HEALTH_OUTBOX_AGE_LIMIT_SECONDS = int(os.environ.get("HEALTH_OUTBOX_AGE_LIMIT_SECONDS", "1800"))
# A due or approved tranche unpaid this many days after it fell due is overdue (funding).
TRANCHE_OVERDUE_DAYS = int(os.environ.get("TRANCHE_OVERDUE_DAYS", "30"))
# Every host may start a beat; only the one holding a Redis lock sends (cixi_portal/beat.py).
CELERY_BEAT_SCHEDULER = "cixi_portal.beat:SingleBeatScheduler"
BEAT_LOCK_SECONDS = int(os.environ.get("BEAT_LOCK_SECONDS", "60"))
CELERY_BEAT_SCHEDULE: dict = {
    "communities-sweep-outbox": {
        "task": "communities.sweep_outbox",
        "schedule": OUTBOX_SWEEP_SECONDS,
        "kwargs": {"scheduled": True},
        # A sweep that waited longer than its interval is superseded by the next one.
        "options": {"expires": OUTBOX_SWEEP_SECONDS},
    },
    "public-erase-expired-phones": {
        "task": "public.tasks.erase_expired_phones",
        "schedule": crontab(minute=30, hour=3),
    },
    "operations-monthly-supervision-report": {
        "task": "operations.tasks.request_monthly_supervision_report",
        "schedule": crontab(minute=0, hour=6, day_of_month=1),
    },
}

# Residents' suggestions (public/): a phone left for a reply is erased this many days after the
# suggestion came in; an answer within SUGGESTION_ANSWER_LIMIT_DAYS counts as on time in the
# supervision report. One address may send SUGGESTION_LIMIT_PER_ADDRESS suggestions an hour,
# one phone number SUGGESTION_LIMIT_PER_PHONE a day. The public pages are cached for at most
# PUBLIC_CACHE_SECONDS (and dropped sooner when what they show changes).
SUGGESTION_PHONE_RETENTION_DAYS = int(os.environ.get("SUGGESTION_PHONE_RETENTION_DAYS", "180"))
SUGGESTION_ANSWER_LIMIT_DAYS = int(os.environ.get("SUGGESTION_ANSWER_LIMIT_DAYS", "15"))
SUGGESTION_LIMIT_PER_ADDRESS = int(os.environ.get("SUGGESTION_LIMIT_PER_ADDRESS", "5"))
SUGGESTION_LIMIT_PER_PHONE = int(os.environ.get("SUGGESTION_LIMIT_PER_PHONE", "3"))
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "300"))
# The cache that rate limits and the public pages share across processes: Redis when
# CACHE_REDIS_URL is set, else each process's memory.
CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_REDIS_URL}
        if CACHE_REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

FILTERS_EMPTY_CHOICE_LABEL = _("All")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only: the browsable API's pages are built on inline styles, which the
    # Content-Security-Policy refuses; the lists are for programs, and browsers show JSON.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cixi community facilities portal API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema asks for a login like every other API route (DRF's views are exempt from
    # LoginRequiredMiddleware, so the permission decides).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Every model's "state" has choices of its own: each enum is named for its life cycle.
    "ENUM_NAME_OVERRIDES": {
        "PlanStateEnum": "projects.choices.PlanState",
        "TrancheStateEnum": "funding.choices.TrancheState",
        "ExportStateEnum": "funding.choices.ExportState",
        "ContractStateEnum": "operations.choices.ContractState",
        "ReportStateEnum": "operations.choices.ReportState",
        "AssessmentStateEnum": "communities.choices.AssessmentState",
    },
}

# Set while the demo data is loaded; every page then shows a banner that the figures are
# illustrative. seed_demo records it in the database, this only forces it on or off.
DEMO_BANNER = os.environ.get("DEMO_BANNER")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # One line per eager task drowns the development console; failures still show.
    "loggers": {
        "celery.app.trace": {"level": "WARNING"},
        # Failed logins and lock-outs are warnings; successes are in the admin's access log.
        "axes": {"level": "WARNING"},
    },
}

# Logins: failures are counted per username and, separately, per client address; either count
# reaching the limit within the cool-off locks that username (from anywhere) or that address (for
# every username) until the cool-off has passed since its latest failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not wipe the failures: with the address counted too, it would wipe the address's
# count for every username, so one working account would let its holder guess others' passwords.
AXES_RESET_ON_SUCCESS = env_bool("AXES_RESET_ON_SUCCESS", False)
# A try during the lock-out neither counts nor extends it, so the time the page names holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "communities.logins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "communities.logins.client_ip_address"
# The client address is REMOTE_ADDR unless the reverse proxy's header is named here (for example
# X-Forwarded-For); then it is that header's entry CLIENT_IP_PROXY_COUNT places from the right,
# the one the portal's own proxies wrote. Name it only when every request comes through them.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
CLIENT_IP_PROXY_COUNT = int(os.environ.get("CLIENT_IP_PROXY_COUNT", "1"))

# Sessions end after this long without a request; each request (at most one write a minute)
# starts the period again.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(2 * 60 * 60)))
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS

# The same policy in every environment, so development and the tests see what production sends:
# no inline script or style anywhere, every file from the portal itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
