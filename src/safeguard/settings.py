"""One settings module, driven by environment variables (documented in README.md).

SAFEGUARD_ENV picks the posture: ``development`` (the default, what ``make run`` uses),
``test`` (the test suite) or ``production``. Production refuses insecure combinations at start
rather than trusting an operator to remember them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from safeguard.core import private_files, sso_rules

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("SAFEGUARD_VAR_DIR", BASE_DIR / "var"))

ENVIRONMENT = os.environ.get("SAFEGUARD_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured("SAFEGUARD_ENV must be development, test or production")
PRODUCTION = ENVIRONMENT == "production"


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("SAFEGUARD_DEBUG") and not PRODUCTION

# Demo mode shows demo people their current second-factor code. It can never be on in
# production: the combination is refused here, before anything starts.
DEMO_MODE = _flag("SAFEGUARD_DEMO")
if PRODUCTION and DEMO_MODE:
    raise ImproperlyConfigured("SAFEGUARD_DEMO cannot be enabled when SAFEGUARD_ENV=production")


# Django's own deploy check calls a key weak below these; production refuses to start with one.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_DISTINCT = 5


def _secret_key() -> str:
    key = os.environ.get("SAFEGUARD_SECRET_KEY")
    if key:
        if PRODUCTION and (
            len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_DISTINCT
        ):
            raise ImproperlyConfigured(
                f"SAFEGUARD_SECRET_KEY is too weak for production: use at least"
                f" {SECRET_KEY_MIN_LENGTH} random characters with at least"
                f" {SECRET_KEY_MIN_DISTINCT} different ones, for example the output of"
                " python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SAFEGUARD_SECRET_KEY must be set in production")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("SAFEGUARD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("SAFEGUARD_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "safeguard.core",
    "safeguard.children",
    "safeguard.reviews",
    "safeguard.encompass",
    "safeguard.performance",
    "safeguard.governance",
    "safeguard.domestic_abuse",
    "safeguard.child_deaths",
    "safeguard.training",
    "safeguard.reports",
    "safeguard.exploitation",
    "safeguard.assurance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "safeguard.core.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safeguard.core.middleware.RequestContextMiddleware",
    "safeguard.core.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeguard.urls"
WSGI_APPLICATION = "safeguard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safeguard.core.context_processors.safeguard",
            ],
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'safeguard.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Owner-only from the start: SQLite gives its -wal and -shm files the database's mode.
    private_files.sqlite_database(DATABASES["default"]["NAME"])
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Concurrent workers and web processes share one SQLite file: wait for locks, use WAL.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.Person"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, refusing people whose organisation signs in elsewhere (ADR 0019).
    "safeguard.core.sso.PasswordBackend",
    "safeguard.core.sso.ProviderBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if ENVIRONMENT == "test":
    # Argon2 at full cost makes a suite of hundreds of sign-ins crawl; the algorithm is the
    # same, only its cost parameters fall (see safeguard.core.hashers).
    PASSWORD_HASHERS = ["safeguard.core.hashers.FastArgon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:sign_in"
LOGIN_REDIRECT_URL = "core:home"

# Lockout: django-axes counts failures per account; five in a row lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("SAFEGUARD_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("SAFEGUARD_LOCKOUT_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
# Per account, not per address: a council or NHS trust signs in from behind one address, and an
# address lockout would lock out everyone there after one person's mistakes (ADR 0005).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "safeguard.core.views.accounts.locked_out"
AXES_USERNAME_FORM_FIELD = "email"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Idle sessions end: the cookie's age is renewed on every request, so it measures idleness.
IDLE_MINUTES = int(os.environ.get("SAFEGUARD_IDLE_MINUTES", "15"))
SESSION_COOKIE_AGE = IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A sensitive action asks for the second factor again when the last one is older than this.
STEP_UP_MINUTES = int(os.environ.get("SAFEGUARD_STEP_UP_MINUTES", "5"))

OTP_TOTP_ISSUER = os.environ.get("SAFEGUARD_PARTNERSHIP_NAME", "Safeguarding Children Partnership")

# A scorecard exception's explanation is due this many working days before the PMSG meeting,
# so that it goes in the meeting's papers (0: due when the meeting starts).
PMSG_PAPERS_WORKING_DAYS = int(os.environ.get("SAFEGUARD_PMSG_PAPERS_WORKING_DAYS", "5"))

# Long work (imports, validation, exports) is queued here and run by `safeguard worker`
# (DESIGN.md section 3, ADR 0007). The database backend needs no other service.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A running job whose worker has not reported for this long was lost with it and is failed.
JOB_LEASE_SECONDS = int(os.environ.get("SAFEGUARD_JOB_LEASE_SECONDS", "300"))
# The outbox's first wait after a refused message (then 2x, 4x ... up to an hour): issue 18.
OUTBOX_FIRST_RETRY_SECONDS = int(os.environ.get("SAFEGUARD_OUTBOX_FIRST_RETRY_SECONDS", "60"))
if OUTBOX_FIRST_RETRY_SECONDS < 1:
    raise ImproperlyConfigured("SAFEGUARD_OUTBOX_FIRST_RETRY_SECONDS must be 1 or more")
# The DfE validators may run this long on a census file, plus this much per MB of file.
CENSUS_VALIDATORS_TIMEOUT_SECONDS = int(os.environ.get("SAFEGUARD_VALIDATORS_TIMEOUT", "900"))
CENSUS_VALIDATORS_SECONDS_PER_MB = int(os.environ.get("SAFEGUARD_VALIDATORS_SECONDS_PER_MB", "120"))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    # WhiteNoise warns on every request when the folder is missing (a fresh clone, a test run).
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if ENVIRONMENT == "production"
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# GOV.UK Frontend's stylesheet asks for its fonts and images at /assets/: serve that folder there.
WHITENOISE_ROOT = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"

# E-mail: the outbox worker hands messages to Django's SMTP backend.
EMAIL_BACKEND = os.environ.get(
    "SAFEGUARD_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    # The mail folder holds live set-password links: this backend keeps it owner-only.
    else "safeguard.core.mail.PrivateFileEmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("SAFEGUARD_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("SAFEGUARD_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("SAFEGUARD_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SAFEGUARD_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _flag("SAFEGUARD_SMTP_STARTTLS")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("SAFEGUARD_FROM_EMAIL", "safeguard@partnership.invalid")
SITE_URL = os.environ.get("SAFEGUARD_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Security headers. Production assumes TLS terminated in front of the service.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = _flag("SAFEGUARD_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

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
    }
}

NINJA_PAGINATION_PER_PAGE = 50

# Operation Encompass: an unacknowledged notification escalates to the LA coordinator this many
# minutes after the school day starts.
ENCOMPASS_ESCALATE_AFTER_MINUTES = int(
    os.environ.get("SAFEGUARD_ENCOMPASS_ESCALATE_AFTER_MINUTES", "120")
)
# This partnership's own LA codes, besides those of its local authority organisations: a
# neighbouring partnership can never be given one of them (comma separated, e.g. "999").
ENCOMPASS_OWN_LA_CODES = [
    code.strip()
    for code in os.environ.get("SAFEGUARD_ENCOMPASS_OWN_LA_CODES", "").split(",")
    if code.strip()
]

# Logs carry record ids and event names, never personal data (DESIGN.md section 3).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFEGUARD_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "ERROR"},
        "django.request": {"level": "ERROR"},
    },
}

# Child exploitation (MACE): a child with this many different indicators seen within this many
# days is never put at the lowest level of risk ("emerging"); the child-focused meeting meets
# every two weeks from this date (docs/exploitation.md).
EXPLOITATION_SEVERAL_INDICATORS = int(os.environ.get("SAFEGUARD_MACE_SEVERAL_INDICATORS", "3"))
EXPLOITATION_RECENT_DAYS = int(os.environ.get("SAFEGUARD_MACE_RECENT_DAYS", "90"))
EXPLOITATION_CHILD_FOCUSED_ANCHOR = os.environ.get("SAFEGUARD_MACE_MEETING_ANCHOR", "2021-04-06")
# Single sign-on (ADR 0019): identity providers by environment variable, secrets included, so
# that no client secret is ever stored in the database. See README, "Single sign-on".
SSO_PROVIDERS = sso_rules.providers_from_environment(os.environ)

# GOV.UK Notify as the message backend (README, "E-mail through GOV.UK Notify"):
# SAFEGUARD_EMAIL_BACKEND=notify sends the outbox through Notify's API instead of SMTP.
if EMAIL_BACKEND == "notify":
    EMAIL_BACKEND = "safeguard.core.notify.NotifyEmailBackend"
NOTIFY_API_KEY = os.environ.get("SAFEGUARD_NOTIFY_API_KEY", "")
NOTIFY_TEMPLATE_ID = os.environ.get("SAFEGUARD_NOTIFY_TEMPLATE_ID", "")
NOTIFY_REPLY_TO_ID = os.environ.get("SAFEGUARD_NOTIFY_REPLY_TO_ID", "")
NOTIFY_BASE_URL = os.environ.get(
    "SAFEGUARD_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
)
if EMAIL_BACKEND == "safeguard.core.notify.NotifyEmailBackend" and not (
    NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID
):
    raise ImproperlyConfigured(
        "SAFEGUARD_EMAIL_BACKEND=notify needs SAFEGUARD_NOTIFY_API_KEY and"
        " SAFEGUARD_NOTIFY_TEMPLATE_ID"
    )
# The Notify client logs its errors with Notify's own words; the outbox records them instead.
_loggers = LOGGING["loggers"]
assert isinstance(_loggers, dict)
_loggers["notifications_python_client"] = {"level": "ERROR"}

# Retention (ADR 0019): the one table of every record type's retention class, applied daily by
# the worker; docs/retention.md explains it.
RETENTION_SCHEDULE = "safeguard.retention_schedule.SCHEDULE"
# A hold (a public inquiry's instruction not to destroy records): the daily pass stops.
RETENTION_PAUSED = _flag("SAFEGUARD_RETENTION_PAUSED")
