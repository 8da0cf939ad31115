"""Settings, read from the environment.

With no configuration at all the project runs for development: SQLite, an embedded
(file-system) Celery broker, e-mail to the console. ``DJANGO_ENV=production`` turns on
production behaviour and refuses to start without the settings production needs.
"""

import base64
import hashlib
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Files the running system writes: the SQLite database, uploads, collected static files and
# the embedded Celery broker's queue.
VAR_DIR = Path(env("DJANGO_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DJANGO_ENV = env("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    _missing = [
        name
        for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")
        if not env(name, default="")
    ]
    if _missing:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs these environment variables, which are not set: "
            + ", ".join(_missing)
            + ". See the table of environment variables in README.md."
        )

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="django-insecure-development-only-key-never-use-this-in-production-0123456789",
)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "csp",
    "peersupport.accounts",
    "peersupport.audit",
    "peersupport.notifications",
    "peersupport.privacy",
    "peersupport.dataprotection",
    "peersupport.retention",
    "peersupport.extracts",
    "peersupport.reports",
    "peersupport.messaging",
    "peersupport.golive",
    "programmes",
    "workplaces",
    "supervision",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "peersupport.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "peersupport.accounts.middleware.RequireMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "peersupport.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
]

ROOT_URLCONF = "peersupport.urls"
WSGI_APPLICATION = "peersupport.wsgi.application"
ASGI_APPLICATION = "peersupport.asgi.application"

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
                "peersupport.navigation.navigation",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (psycopg 3) with DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file in development: wait for locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    # The covering indexes (INCLUDE) are made for PostgreSQL; SQLite makes them without
    # their extra columns, which is all a development database needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections: measured ~7x more requests/s on a simple page.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("DJANGO_CACHE_PREFIX", default="peersupport"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: e-mail login, no open sign-up (see AccountAdapter), rate limits on.
ACCOUNT_ADAPTER = "peersupport.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# The 6th wrong password for one account within 5 minutes is refused (allauth, shared cache).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[PEER Support] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
MFA_ADAPTER = "peersupport.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "PEER Support"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Staff roles must set up MFA. Only outside production may this be switched off
# (a system check refuses production otherwise).
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=True)
# Key that encrypts MFA secrets at rest; derived from SECRET_KEY unless given.
MFA_ENCRYPTION_KEY = env(
    "MFA_ENCRYPTION_KEY",
    default=base64.urlsafe_b64encode(
        hashlib.sha256(b"mfa-secrets:" + SECRET_KEY.encode()).digest()
    ).decode(),
)
# Keys for free text kept encrypted at rest (peersupport/fields.py), comma-separated: the
# first encrypts, all decrypt. Derived from SECRET_KEY unless given; README: key rotation.
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS",
    default=[
        base64.urlsafe_b64encode(
            hashlib.sha256(b"field-encryption:" + SECRET_KEY.encode()).digest()
        ).decode()
    ],
)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Language and time: Swedish first, English second; Europe/Stockholm.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))

# E-mail: the console by default, a directory with EMAIL_FILE_PATH, SMTP with EMAIL_URL.
# A hung SMTP server must not hold an outbox row (and a worker) forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PEER Support <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif env("EMAIL_FILE_PATH", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("EMAIL_FILE_PATH")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Celery: Redis with REDIS_URL, else an embedded file-system broker (no server needed).
if REDIS_URL:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    _broker_dir = VAR_DIR / "broker"
    # The file-system transport writes into these folders but never creates them.
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="peersupport")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "dispatch-notifications": {
        "task": "peersupport.notifications.tasks.dispatch_notifications",
        "schedule": 60.0,
    },
    "placement-daily": {
        "task": "workplaces.tasks.placement_daily_task",
        "schedule": 60.0 * 60,
    },
    "course-day-reminders": {
        "task": "programmes.tasks.schedule_course_day_reminders_task",
        "schedule": 60.0 * 60,
    },
    "supervision-reminders": {
        "task": "supervision.tasks.schedule_supervision_reminders_task",
        "schedule": 60.0 * 60,
    },
    # Hourly and idempotent (one row per coordinator and month), so a missed run on the
    # first of the month is made up by the next.
    "supervision-shortfall-summaries": {
        "task": "supervision.tasks.schedule_shortfall_summaries_task",
        "schedule": 60.0 * 60,
    },
    # Gallring once a night (Europe/Stockholm), not at start-up: what falls due during the
    # day stays listed by `manage.py thin_records --dry-run` until then.
    "thin-records": {
        "task": "peersupport.retention.tasks.thin_records_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # Follow-up surveys open on their day; before 08:00, when the invitations are due.
    "evaluation-due-invitations": {
        "task": "evaluation.tasks.make_due_invitations_task",
        "schedule": crontab(hour=5, minute=0),
    },
    # A register extract whose task the broker lost is written by this sweep.
    "produce-waiting-extracts": {
        "task": "peersupport.extracts.tasks.produce_waiting_extracts_task",
        "schedule": 60.0 * 5,
    },
    # Likewise a research export whose task the broker lost.
    "produce-waiting-research-exports": {
        "task": "evaluation.export_tasks.produce_waiting_exports_task",
        "schedule": 60.0 * 5,
    },
    # And an evaluation report.
    "produce-waiting-reports": {
        "task": "peersupport.reports.tasks.produce_waiting_reports_task",
        "schedule": 60.0 * 5,
    },
    # And a register sheet.
    "produce-waiting-register-exports": {
        "task": "peersupport.reports.register_tasks.produce_waiting_register_exports_task",
        "schedule": 60.0 * 5,
    },
    # Placements whose end date passed yesterday end just after midnight (Europe/Stockholm).
    "end-placements-past-end-date": {
        "task": "workplaces.tasks.end_placements_past_end_date_task",
        "schedule": crontab(hour=0, minute=15),
    },
    # Budget periods ending within 60 days: one notice per period, before office hours.
    "readiness-lapse-notices": {
        "task": "workplaces.tasks.readiness_lapse_notices_task",
        "schedule": crontab(hour=6, minute=30),
    },
    # Subscribed reports of the month or half-year that has just ended, before office hours.
    "deliver-report-subscriptions": {
        "task": "peersupport.reports.tasks.deliver_report_subscriptions_task",
        "schedule": crontab(hour=6, minute=0),
    },
    # Uploaded go-live files left in their preview are deleted after two hours.
    "forget-stale-imports": {
        "task": "peersupport.golive.tasks.forget_stale_imports_task",
        "schedule": 60.0 * 60,
    },
}

# The outbox: how often a notification is retried before it is given up.
# With backoff doubling from 1 minute, 10 attempts ride out about 8.5 hours of SMTP outage.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=10)

# Content-Security-Policy (django-csp): only our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# A session ends 8 hours after login whatever happens, and after this many idle minutes.
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
# allauth's user sessions: each person lists and ends their sessions on other devices.
# Activity tracking stays off: it writes a row on every request, and the idle timeout
# already keeps the last activity in the session itself.
USERSESSIONS_TRACK_ACTIVITY = False
# How many reverse proxies of our own stand in front of the app. Each appends the address
# it saw to X-Forwarded-For; the client is the N-th from the right. 0: the connection's
# address (REMOTE_ADDR), and X-Forwarded-For is ignored. The audit log and allauth's
# per-IP rate limits read the same number.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Health checks come from the container runtime over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step at INFO.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# Placements: follow-ups this many months after the start; staff trainings before ready.
PLACEMENT_REVIEW_MONTHS = env.list("PLACEMENT_REVIEW_MONTHS", cast=int, default=[1, 3, 6, 12])
READINESS_STAFF_TRAININGS = env.int("READINESS_STAFF_TRAININGS", default=3)
# Peer supporters may correct their own support sessions for this many days.
SUPPORT_SESSION_EDIT_DAYS = env.int("SUPPORT_SESSION_EDIT_DAYS", default=7)

# Queue the dispatcher as soon as an immediate notification is scheduled (beat still sweeps).
NOTIFICATIONS_DISPATCH_ON_SCHEDULE = env.bool("NOTIFICATIONS_DISPATCH_ON_SCHEDULE", default=True)
# The site's public address, for links in e-mail.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Queue the worker as soon as a register extract is asked for (tests send it themselves).
EXTRACTS_QUEUE_ON_REQUEST = env.bool("EXTRACTS_QUEUE_ON_REQUEST", default=True)
# Queue the worker as soon as a research export is asked for (tests send it themselves).
EVALUATION_EXPORTS_QUEUE_ON_REQUEST = env.bool("EVALUATION_EXPORTS_QUEUE_ON_REQUEST", default=True)
# Queue the worker as soon as an evaluation report is asked for (tests send it themselves).
REPORTS_QUEUE_ON_REQUEST = env.bool("REPORTS_QUEUE_ON_REQUEST", default=True)
# Survey slip codes typed wrong from one address before the code page waits: "<failures>/<window>".
SURVEY_CODE_ATTEMPTS = env("SURVEY_CODE_ATTEMPTS", default="10/15m")
# Recruitment interest forms sent from one address before the form waits: "<forms>/<window>".
INTAKE_ATTEMPTS = env("INTAKE_ATTEMPTS", default="5/1h")
# Messages to groups: how many one author may send an hour.
GROUP_MESSAGES_PER_HOUR = env.int("GROUP_MESSAGES_PER_HOUR", default=10)
# Supervision: how many attended sessions a month each placed peer supporter should have.
SUPERVISION_SESSIONS_PER_MONTH = env.int("SUPERVISION_SESSIONS_PER_MONTH", default=2)
# Small numbers (peersupport/smallnumbers.py), for figures shown outside the coordinator
# role: counts under the threshold are shown as "<5"; an average of individual answers (a
# session's rating) is shown only from this many answers.
SMALL_NUMBER_THRESHOLD = env.int("SMALL_NUMBER_THRESHOLD", default=5)
SMALL_NUMBER_MIN_ANSWERS = env.int("SMALL_NUMBER_MIN_ANSWERS", default=3)
# Log follow-up (loggkontroll): one user reading this many different people's records
# within this many minutes is shown as an unusual pattern.
AUDIT_MANY_SUBJECTS_COUNT = env.int("AUDIT_MANY_SUBJECTS_COUNT", default=20)
AUDIT_MANY_SUBJECTS_MINUTES = env.int("AUDIT_MANY_SUBJECTS_MINUTES", default=10)
