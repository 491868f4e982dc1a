"""Settings of the Feedback Platform, driven by environment variables.

Defaults make `make run` and `make test` work with no `.env` (the Makefile sets DJANGO_DEBUG=1).
With DEBUG off, start-up refuses a missing secret key, allowed hosts or site address (DJANGO_SITE_URL).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (it is on for make run/test)."
        )
    SECRET_KEY = "insecure-local-development-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "core",
    "accounts",
    "organizations",
    "places",
    "regimes",
    "outages",
    "appeals",
    "answers",
    "surveys",
    "partners",
    "analytics",
    "reporting",
    "quality",
    "oauth2_provider",
    "citizen_api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.compression.CompressionMiddleware",  # brotli, else gzip
    "django.contrib.sessions.middleware.SessionMiddleware",
    "feedback_platform.middleware.RussianFirstLocaleMiddleware",
    "core.middleware.MalformedInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "feedback_platform.middleware.RegionTimezoneMiddleware",
    "feedback_platform.middleware.RegionHostMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.replica.PrimaryPinMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "feedback_platform.urls"
WSGI_APPLICATION = "feedback_platform.wsgi.application"
ASGI_APPLICATION = "feedback_platform.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "feedback_platform.context_processors.site",
            ],
        },
    }
]
# Field groups and labels rendered in Python, same markup (core/fields.py): no template per field.
FORM_RENDERER = "core.fields.FastFormRenderer"

# --- Data stores -------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make run` / `make test`, which start an embedded "
        "PostgreSQL when no server is given."
    )
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
# A test database per test process, so two suites on one server never drop each other's database.
DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
# A streaming replica for the reads that may be a few seconds old (core/replica.py): analytics,
# exports, public statistics and the public map. Without it every read goes to the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True
    )
    # A replica that does not answer costs a reader two seconds once, then the cached check
    # sends everybody to the primary.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    # Tests read "the replica" from the test database itself: no second test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# Replay further behind than this (seconds) and the replica's reads go to the primary.
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "30"))
# After a change (any POST), the sender's reads go to the primary for this long (seconds).
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
# How long the replica's health (reachable, lag) is cached between checks (seconds).
REPLICA_CHECK_SECONDS = int(os.environ.get("REPLICA_CHECK_SECONDS", "5"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL is not set. Use `make run` / `make test`, which start an embedded Redis "
        "when no server is given."
    )
# The URL is used as given, database number included: two installations on one Redis server keep
# their queues and caches apart by using different database numbers (redis://host:6379/3). The
# cache and the broker may share a database: cache keys carry CACHE_KEY_PREFIX, Celery's keys do
# not collide with it, and the cache's clear() deletes only its own prefix (core/cache.py).
CACHE_URL = os.environ.get("CACHE_URL", "") or REDIS_URL
if urlsplit(CACHE_URL).scheme not in {"redis", "rediss", "unix"}:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, not {CACHE_URL!r}.")

# Short timeouts: a frozen Redis must cost a request a bounded delay, never a hang.
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "1.0"))
CACHES = {
    "default": {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "fp"),
        "OPTIONS": {
            "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
            "socket_timeout": REDIS_SOCKET_TIMEOUT,
        },
    }
}
# Sessions read from Redis, written through to PostgreSQL: a Redis outage only costs a DB read.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Celery ------------------------------------------------------------------------------------

# Redis (redis://, rediss://) or RabbitMQ (amqp://user:pass@host:5672/vhost).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or REDIS_URL
_BROKER_SCHEME = urlsplit(CELERY_BROKER_URL).scheme
if _BROKER_SCHEME not in {"redis", "rediss", "amqp", "amqps", "pyamqp"}:
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL must be a redis:// or amqp:// URL, not {CELERY_BROKER_URL!r}."
    )
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# A task running when the broker connection drops finishes its work. Cancelling it (True) kills
# the pool process mid-task: an e-mail the mail server already accepted is rolled back to
# "pending" and sent again. Left running, its acknowledgement is lost and Redis delivers the
# message again, which is harmless: every task claims its rows under a lock and finds them done.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# The web process publishes from a background thread only (core/outbox.py); these keep
# even that thread from hanging: a dead or frozen Redis answers "no" within seconds.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # workers wait for Redis to come back, for ever
# A publish that fails on a broken connection reconnects and tries once more. Beat needs it: on
# RabbitMQ its connection is revived only by this retry, and without it beat logs "Couldn't
# apply scheduled task" for ever after the broker restarts (tests/appeals/test_background.py).
# The web's publisher thread passes retry=False (core/outbox.py): it never waits longer than
# the broker timeouts, and the relay sweep sends what it could not queue.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        # A task unacknowledged this long (its worker died) is delivered again. No task here runs
        # longer than its time limit, and none is scheduled ahead (no countdown/ETA), so 10 minutes
        # is ample and a killed worker's batch resumes soon.
        "visibility_timeout": 600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "socket_keepalive": True,
        "health_check_interval": 10,
        "max_retries": 1,
    }
    if _BROKER_SCHEME.startswith("redis")
    # RabbitMQ redelivers an unacknowledged task when its worker's connection closes, and its
    # consumer timeout (30 min) is far above the task time limit. Publisher confirms are off: a
    # message the broker lost going down is a notification still pending in PostgreSQL, which
    # the relay sweep sends, or a sweep that the next beat tick runs.
    else {}
)
# Queues by kind of work, so each kind can get workers of its own (README «Queues»). A worker
# started without -Q consumes every queue below; the platform's own commands name them all
# (docker-compose.yml, scripts/devstack.py). Every task is routed by name: a task missing from
# CELERY_TASK_ROUTES would land in "celery" (tests/platform/test_queues.py refuses that).
TASK_QUEUE_NAMES = ("notifications", "sweeps", "rollups", "imports", "celery")
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = tuple(Queue(name, routing_key=name) for name in TASK_QUEUE_NAMES)
CELERY_TASK_ROUTES = {
    # notifications: one message out (e-mail, push, SMS) or the fan-out of one publication.
    "appeals.deliver_notification": {"queue": "notifications"},
    "outages.notify_subscribers": {"queue": "notifications"},
    # sweeps: beat's periodic scans of the database, the outbox relay and the digests among them.
    "appeals.send_pending_notifications": {"queue": "sweeps"},
    "appeals.sweep": {"queue": "sweeps"},
    "surveys.announce_published": {"queue": "sweeps"},
    "outages.notify_pending": {"queue": "sweeps"},
    # rollups: analytics and reporting aggregates, the long ones.
    "analytics.update_stats": {"queue": "rollups"},
    # imports: classifier and address imports run as management commands today; the queue is
    # declared so a worker set for it exists before the first import task does.
}
CELERY_TIMEZONE = "UTC"
# Sweeps: every task finds its work in the database (stored timestamps), so the intervals only
# decide how soon things happen. SWEEP_INTERVAL_SECONDS overrides them all (tests, demos).
_SWEEP_INTERVAL = os.environ.get("SWEEP_INTERVAL_SECONDS")


def _every(seconds: float) -> float:
    return float(_SWEEP_INTERVAL) if _SWEEP_INTERVAL else seconds


_SWEEP_EXPIRES = {"expires": 240}  # a sweep message older than that is dropped: the next one comes
CELERY_BEAT_SCHEDULE = {
    # New polls, votes and discussions announced to subscribed residents of their audience.
    "announce-published-consultations": {
        "task": "surveys.announce_published",
        "schedule": _every(60.0),
        "options": _SWEEP_EXPIRES,
    },
    # New outages announced to the subscribers of their area (the publish task does it at once;
    # this catches what a broker outage left).
    "announce-published-outages": {
        "task": "outages.notify_pending",
        "schedule": _every(60.0),
        "options": _SWEEP_EXPIRES,
    },
    # The outbox relay: e-mails still pending (Redis or SMTP was down) go out within 30 s.
    "send-pending-notifications": {
        "task": "appeals.send_pending_notifications",
        "schedule": _every(30.0),
        "options": _SWEEP_EXPIRES,
    },
    "mark-overdue": {
        "task": "appeals.sweep",
        "args": ["mark_overdue"],
        "schedule": _every(300.0),
        "options": _SWEEP_EXPIRES,
    },
    "warn-due-soon": {
        "task": "appeals.sweep",
        "args": ["warn_due_soon"],
        "schedule": _every(600.0),
        "options": _SWEEP_EXPIRES,
    },
    "alert-unregistered": {
        "task": "appeals.sweep",
        "args": ["alert_unregistered"],
        "schedule": _every(600.0),
        "options": _SWEEP_EXPIRES,
    },
    "remind-to-rate": {
        "task": "appeals.sweep",
        "args": ["remind_to_rate"],
        "schedule": _every(900.0),
        "options": _SWEEP_EXPIRES,
    },
    "close-unrated": {
        "task": "appeals.sweep",
        "args": ["close_unrated"],
        "schedule": _every(900.0),
        "options": _SWEEP_EXPIRES,
    },
    # The daily digests of the staff who asked for one, after the morning (outbox.send_digests).
    "send-digests": {
        "task": "appeals.sweep",
        "args": ["send_digests"],
        "schedule": _every(900.0),
        "options": _SWEEP_EXPIRES,
    },
    # Proof of fix: reminders of planned work on site and «Работы выполнены?» after its date.
    "remind-planned-work": {
        "task": "appeals.sweep",
        "args": ["remind_planned_work"],
        "schedule": _every(3600.0),
        "options": _SWEEP_EXPIRES,
    },
    "purge-abandoned-drafts": {
        "task": "appeals.sweep",
        "args": ["purge_abandoned_drafts"],
        "schedule": _every(3600.0),
        "options": _SWEEP_EXPIRES,
    },
    # The coming months' partitions of the events and notices, and their retention (core/partitions.py).
    "maintain-partitions": {
        "task": "appeals.sweep",
        "args": ["maintain_partitions"],
        "schedule": _every(86400.0),
        "options": _SWEEP_EXPIRES,
    },
    # Analytics roll-ups: fold in the appeals changed since the last run (events past a watermark).
    "update-analytics": {
        "task": "analytics.update_stats",
        "schedule": _every(300.0),
        "options": _SWEEP_EXPIRES,
    },
}
# How late a sweep may be before the health page calls it stale: three missed runs.
SWEEP_STALE_AFTER = {
    "send_pending_notifications": 3 * _every(30.0),
    "mark_overdue": 3 * _every(300.0),
    "warn_due_soon": 3 * _every(600.0),
    "alert_unregistered": 3 * _every(600.0),
    "remind_to_rate": 3 * _every(900.0),
    "close_unrated": 3 * _every(900.0),
    "purge_abandoned_drafts": 3 * _every(3600.0),
    "send_digests": 3 * _every(900.0),
    "remind_planned_work": 3 * _every(3600.0),
    "maintain_partitions": 3 * _every(86400.0),
}
# Monthly partitions of the events and notices (core/partitions.py): how many months ahead exist,
# and after how many months a month is detached, archived to the storage (archive/<table>/) and
# dropped; 0 keeps every month. Events are the appeal's case file: kept unless the operator's
# retention schedule says otherwise. Notices: the 5 years the appeals' documents are kept.
PARTITION_MONTHS_AHEAD = int(os.environ.get("PARTITION_MONTHS_AHEAD", "3"))
EVENT_RETENTION_MONTHS = int(os.environ.get("EVENT_RETENTION_MONTHS", "0"))
NOTIFICATION_RETENTION_MONTHS = int(os.environ.get("NOTIFICATION_RETENTION_MONTHS", "60"))
# Proof of fix (appeals/services/fixes.py): the short term of the re-review after the citizen
# says the work on site is not done, and how many days before planned work its organization is
# reminded of it.
FIX_RECHECK_WORKING_DAYS = int(os.environ.get("FIX_RECHECK_WORKING_DAYS", "5"))
WORK_REMINDER_DAYS_BEFORE = int(os.environ.get("WORK_REMINDER_DAYS_BEFORE", "1"))

# --- Accounts ----------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
# A password or e-mail change is told to the account holder (a hijacked account is noticed).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ПОС] "
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Stricter than allauth's defaults: a government login page is a popular brute-force target.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/m/ip",
    "reset_password": "10/m/ip,3/5m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}

# Appeals a citizen may file per period (django-ratelimit syntax); the benchmark raises it.
APPEAL_FILING_RATE = os.environ.get("APPEAL_FILING_RATE", "20/h")
# Joins and leaves of public problems («Присоединиться») a person may make per period.
APPEAL_SUPPORT_RATE = os.environ.get("APPEAL_SUPPORT_RATE", "60/h")
# Mail domains the text of an answer may be e-mailed to (comma-separated; empty: any). Elsewhere
# the letter only says the answer came, and the citizen reads it in the cabinet.
ANSWER_EMAIL_DOMAINS = [
    domain.strip().lower().lstrip("@")
    for domain in os.environ.get("ANSWER_EMAIL_DOMAINS", "").split(",")
    if domain.strip()
]

# A body asked for documents during a review answers within this many calendar days, counted in
# the region's time zone (59-FZ art. 10 p. 2: 15 days).
DOCUMENT_REQUEST_DAYS = int(os.environ.get("DOCUMENT_REQUEST_DAYS", "15"))
if DOCUMENT_REQUEST_DAYS < 1:
    raise ImproperlyConfigured("DOCUMENT_REQUEST_DAYS must be at least 1")

# The answer quality gate (quality/, issue 16): the share of answers outside the categories
# reviewed in full that the moderator reviews before release (a stable sample by appeal), and the
# organization's term to rework an answer returned, in working days of the production calendar.
QUALITY_SAMPLE_PERCENT = int(os.environ.get("QUALITY_SAMPLE_PERCENT", "10"))
if not 0 <= QUALITY_SAMPLE_PERCENT <= 100:
    raise ImproperlyConfigured("QUALITY_SAMPLE_PERCENT must be from 0 to 100")
REWORK_WORKING_DAYS = int(os.environ.get("REWORK_WORKING_DAYS", "3"))
if REWORK_WORKING_DAYS < 1:
    raise ImproperlyConfigured("REWORK_WORKING_DAYS must be at least 1")

# The staff queue counts its rows up to this many; beyond it shows «более 10 000 обращений» and
# numbers its pages without a total (counting a large organization costs more than its page).
STAFF_QUEUE_COUNT_CAP = 10_000

# --- E-mail ------------------------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not os.environ.get("DJANGO_EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "ПОС Камчатского края <noreply@pos.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Language and time -------------------------------------------------------------------------

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language chosen with «English»/«Русский»: kept a year, sent on top-level navigation only.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
# Display time zone when no region is known; each region carries its own (see RegionTimezoneMiddleware).
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Kamchatka")
# Absolute address of the site, for links in e-mails and the widget code. `make run` derives it
# from HOST/PORT; production must say it (the development default would send every citizen a
# link to 127.0.0.1).
DEFAULT_SITE_URL = "http://127.0.0.1:8000"
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").strip().rstrip("/")
if not DEBUG and SITE_URL in {"", DEFAULT_SITE_URL}:
    raise ImproperlyConfigured(
        "DJANGO_SITE_URL must be set to the public address (https://pos.example.ru) when "
        "DJANGO_DEBUG is off: it is the link in every e-mail and in the widget code."
    )
if SITE_URL and urlsplit(SITE_URL).scheme not in {"http", "https"}:
    raise ImproperlyConfigured(
        f"DJANGO_SITE_URL must start with https:// or http://: {SITE_URL!r}."
    )
SITE_URL = SITE_URL or DEFAULT_SITE_URL
# The region this installation presents on its public pages (Kamchatka Krai in the demo).
PLATFORM_REGION_CODE = os.environ.get("PLATFORM_REGION_CODE", "41")


def region_hosts(name: str) -> dict[str, str]:
    """{host: region code} from "41=kamchatka.example.ru,25=primorye.example.ru"."""
    hosts: dict[str, str] = {}
    for item in env_list(name):
        code, sep, host = item.partition("=")
        code, host = code.strip(), host.strip().lower()
        if not sep or not code or not host or "/" in host:
            raise ImproperlyConfigured(
                f"{name} takes code=host pairs separated by commas: {item!r}."
            )
        if host in hosts:
            raise ImproperlyConfigured(f"{name} names the host {host!r} twice.")
        hosts[host] = code
    return hosts


# One national deployment: the region of a request is its host's (core/regions.py). Unset: one
# region per deployment, PLATFORM_REGION_CODE on every host.
REGION_HOSTS = region_hosts("REGION_HOSTS")
ALLOWED_HOSTS += [
    host.split(":")[0] for host in REGION_HOSTS if host.split(":")[0] not in ALLOWED_HOSTS
]


def _quiet_hours(value: str) -> tuple[int, int] | None:
    """«22-8»: e-mails written from 22:00 to 08:00 (TIME_ZONE) wait for 08:00; «» turns it off."""
    if not value.strip():
        return None
    try:
        start, end = (int(part) for part in value.split("-"))
    except ValueError:
        raise ImproperlyConfigured(f"NOTICE_QUIET_HOURS must look like 22-8: {value!r}.") from None
    if not (0 <= start <= 23 and 0 <= end <= 23) or start == end:
        raise ImproperlyConfigured(f"NOTICE_QUIET_HOURS must look like 22-8: {value!r}.")
    return start, end


# No notices at night in the region's local time, except urgent ones. On by default in
# production; off under DJANGO_DEBUG (make run, the tests), where mail should arrive at once.
NOTICE_QUIET_HOURS = _quiet_hours(os.environ.get("NOTICE_QUIET_HOURS", "" if DEBUG else "22-8"))

# Web Push (RFC 8030/8291/8292): the VAPID key pair (`manage.py generate_vapid_keys` makes one; the
# private key as base64url of the raw 32 bytes or of DER) and the contact the push services see.
# Without both keys push is not offered.
WEBPUSH_VAPID_PRIVATE_KEY = os.environ.get("WEBPUSH_VAPID_PRIVATE_KEY", "").strip()
WEBPUSH_VAPID_PUBLIC_KEY = os.environ.get("WEBPUSH_VAPID_PUBLIC_KEY", "").strip()
WEBPUSH_VAPID_SUBJECT = os.environ.get("WEBPUSH_VAPID_SUBJECT", "mailto:noreply@pos.local")
# How long a push service keeps a notice for a device that is offline (seconds).
WEBPUSH_TTL = int(os.environ.get("WEBPUSH_TTL", str(24 * 3600)))

# SMS through an SMPP 3.4 gateway (SMSC). Without SMPP_HOST the SMS channel is not offered.
SMPP_HOST = os.environ.get("SMPP_HOST", "").strip()
SMPP_PORT = int(os.environ.get("SMPP_PORT", "2775"))
SMPP_SYSTEM_ID = os.environ.get("SMPP_SYSTEM_ID", "")
SMPP_PASSWORD = os.environ.get("SMPP_PASSWORD", "")
# The sender shown on the phone: an alphanumeric name agreed with the operator, or a number.
SMPP_SOURCE_ADDR = os.environ.get("SMPP_SOURCE_ADDR", "POS")
SMPP_TIMEOUT = float(os.environ.get("SMPP_TIMEOUT", "10"))
# The start of every SMS: the platform's short name, as the subject prefix of its e-mails.
SMS_PREFIX = os.environ.get("SMS_PREFIX", "ПОС: ")

# --- Static and media --------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / ".data" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Object storage (README «Object storage»): with S3_BUCKET set, every uploaded file (attachments,
# their thumbnails, survey pictures, discussion documents) goes to that S3-compatible bucket
# instead of MEDIA_ROOT, so any number of web nodes can share them. The bucket stays private:
# downloads are streamed through the views that check access, never linked to the bucket.


def object_storage(env) -> dict | None:
    """The default storage the `S3_*` variables of `env` describe; None without S3_BUCKET."""
    bucket = env.get("S3_BUCKET", "").strip()
    if not bucket:
        return None

    def optional(value: str | None) -> str | None:
        return (value or "").strip() or None

    addressing = optional(env.get("S3_ADDRESSING_STYLE"))
    if addressing not in (None, "auto", "path", "virtual"):
        raise ImproperlyConfigured(
            f"S3_ADDRESSING_STYLE must be path, virtual or auto, not {addressing!r}."
        )

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # None: AWS itself; else MinIO, Ceph RGW, Yandex Object Storage, VK Cloud…
            "endpoint_url": optional(env.get("S3_ENDPOINT_URL")),
            "region_name": optional(env.get("S3_REGION")),
            # None: boto3's own chain (AWS_* variables, an instance or pod role).
            "access_key": optional(env.get("S3_ACCESS_KEY_ID")),
            "secret_key": optional(env.get("S3_SECRET_ACCESS_KEY")),
            # "path" for most self-hosted stores (MinIO), "virtual" for AWS and most clouds.
            "addressing_style": addressing,
            "signature_version": "s3v4",
            # Empty for a bucket whose ACLs are disabled (AWS "bucket owner enforced").
            "default_acl": env.get("S3_DEFAULT_ACL", "private").strip() or None,
            # Any URL the storage ever makes is signed and short-lived, never a public link.
            "querystring_auth": True,
            "querystring_expire": int(env.get("S3_URL_EXPIRY", "60")),
            # Never replace an object: a name taken gets a suffix (names are random anyway).
            "file_overwrite": False,
            # A file read for a download is held in memory up to this, then in a temporary file.
            "max_memory_size": 2 * 1024 * 1024,
        },
    }


if _object_storage := object_storage(os.environ):
    STORAGES["default"] = _object_storage

# --- Security ----------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Maps (static/js/map.js, Leaflet): the tile server, OpenStreetMap's by default. Its origin is
# allowed in the CSP img-src below; every page works without tiles (the address is the full path).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
# Where a map without a point opens: "latitude,longitude,zoom" (Petropavlovsk-Kamchatsky).
MAP_CENTER = os.environ.get("MAP_CENTER", "53.0245,158.6433,12")
# "{s}.tile.example.org" (Leaflet's subdomains) becomes the CSP wildcard "*.tile.example.org".
_tiles = urlsplit(MAP_TILE_URL.replace("{s}", "x-subdomain"))
MAP_TILE_ORIGINS = (
    [f"{_tiles.scheme}://{_tiles.netloc.replace('x-subdomain', '*')}"]
    if _tiles.scheme in ("http", "https") and _tiles.netloc
    else []
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MAP_TILE_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}


# --- Channels: widget, Open311 API, identity-provider login -----------------------------------

# Open311 GeoReport v2: one jurisdiction per installation (the region's root domain).
OPEN311_JURISDICTION_ID = os.environ.get("OPEN311_JURISDICTION_ID", "kamgov.ru")
OPEN311_CONTACT = os.environ.get("OPEN311_CONTACT", "Оператор ПОС: api@pos.local")
# New requests per partner key (django-ratelimit syntax); a partner relaying a city's app may need more.
OPEN311_POST_RATE = os.environ.get("OPEN311_POST_RATE", "600/h")
# A session inside a widget frame on another site needs SameSite=None (and Secure, so https).
# Off by default: the frame then asks the citizen to open the form in a new window.
if env_bool("DJANGO_WIDGET_FRAME_SESSION"):
    SESSION_COOKIE_SAMESITE = "None"
    CSRF_COOKIE_SAMESITE = "None"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# «Войти через Госуслуги»: allauth's OpenID Connect provider, shown only when configured.
ESIA_OIDC_ISSUER = os.environ.get("ESIA_OIDC_ISSUER", "").rstrip("/")
if ESIA_OIDC_ISSUER:
    # The «Войти через Госуслуги» form posts to allauth, which redirects to the provider; CSP
    # form-action covers redirects after a form submission, so the provider's origin is allowed.
    _issuer = urlsplit(ESIA_OIDC_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [
        SELF,
        f"{_issuer.scheme}://{_issuer.netloc}",
    ]
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_AUTO_SIGNUP = True
# The identity provider confirms the e-mail: its login may open the account with that address.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "esia",
                "name": "Госуслуги",
                "client_id": os.environ.get("ESIA_OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("ESIA_OIDC_CLIENT_SECRET", ""),
                "settings": {
                    "server_url": ESIA_OIDC_ISSUER,
                    "scope": ["openid", "email", "profile", "phone"],
                },
            }
        ]
        if ESIA_OIDC_ISSUER and os.environ.get("ESIA_OIDC_CLIENT_ID")
        else [],
    }
}

# The citizen API of the mobile app (/api/v1/, citizen_api/): OAuth 2.0 authorization code with
# PKCE for public clients (django-oauth-toolkit at /o/). The app's redirect URI has its own
# scheme (RFC 8252), so that scheme is allowed for redirect URIs and as a CSP form-action source
# (the consent form's answer is a redirect to it).
CITIZEN_API_REDIRECT_SCHEMES = env_list("CITIZEN_API_REDIRECT_SCHEMES") or [
    "https",
    "ru.example.feedback",
]
CITIZEN_API_TOKEN_SECONDS = int(os.environ.get("CITIZEN_API_TOKEN_SECONDS", "3600"))
OAUTH2_PROVIDER = {
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": CITIZEN_API_REDIRECT_SCHEMES,
    "SCOPES": {"appeals": _("File and follow your appeals, change your notification settings")},
    "DEFAULT_SCOPES": ["appeals"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": CITIZEN_API_TOKEN_SECONDS,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    # A refresh token used twice (stolen and replayed) revokes the whole family.
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # RFC 9700 (the OAuth 2.0 security BCP), all of it: no implicit or password grant, S256 only,
    # tokens only in the Authorization header, `iss` in the authorization response, tokens
    # stored hashed.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [
    *CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"],
    *(f"{scheme}:" for scheme in CITIZEN_API_REDIRECT_SCHEMES if scheme not in ("http", "https")),
]
# --- end of channels ---
