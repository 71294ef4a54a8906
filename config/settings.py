"""Settings, read from the environment.

Every variable is documented in the README's configuration table. The
defaults need nothing installed: SQLite, django-q2's ORM broker, SMS printed
to the console. A bad value stops start-up with a message naming the variable.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_choice,
    env_duration,
    env_float,
    env_int,
    env_int_list,
    env_list,
    env_phone,
    env_prefixed,
    env_quiet_hours,
    env_rate,
    env_str,
    env_url,
)

# ModelAdmin, form fields and model fields lack __class_getitem__; this adds it,
# so that `admin.ModelAdmin[BuddyRequest]` and the like run as well as type-check.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "production"))
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must be set when DJANGO_ENV=production "
            "(comma-separated host names, e.g. welcome.regionjh.se)."
        )
    DEBUG = False
else:
    # Development only: a fixed key is fine where nothing is real.
    SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-key-never-in-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    DEBUG = env_bool("DEBUG", True)

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "phonenumber_field",
    "django_q",
    "axes",
    "config",
    "ambassadors",
    "matching",
    "events",
    "api",
    "workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.language_links",
            ],
        },
    },
]

# Database: a SQLite file unless DATABASE_URL names PostgreSQL.
DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
    schemes=("sqlite", "postgres", "postgresql", "pgsql"),
)
try:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL could not be read: {error}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    _database["CONN_MAX_AGE"] = 0
    # The web server and the worker share one file: wait for each other's
    # writes instead of failing with "database is locked".
    _database["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        # secure_delete overwrites what a deletion or an erasure frees, so an
        # erased person cannot be read back out of the file's free pages.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA secure_delete=ON;",
    }
    # Tests on a file too: an in-memory database locks whole tables between
    # connections, where a file waits for the writer like the real thing.
    # Beside the configured file, so two checkouts' test runs never share one.
    _main_file = Path(str(_database["NAME"]))
    _database["TEST"] = {"NAME": str(_main_file.with_name(f"test-{_main_file.name}"))}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work: django-q2 on the database, or on Redis when REDIS_URL is set.
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss", "unix"))
Q_CLUSTER: dict[str, object] = {
    "name": "ambassadors",
    "workers": env_int("Q_WORKERS", 2, minimum=1),
    "timeout": env_int("Q_TIMEOUT", 60, minimum=1),
    # A task is handed out again only after `retry` seconds: it must outlast
    # `timeout`, or a slow task runs twice (the check ambassadors.E001 refuses it).
    "retry": env_int("Q_RETRY", 120, minimum=1),
    "max_attempts": 3,
    "catch_up": False,
    "label": "Background tasks",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ambassadors",
        }
    }
else:
    Q_CLUSTER["orm"] = "default"
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# SMS: printed to the console, kept in memory (tests) or sent through Twilio.
SMS_BACKEND = env_choice("SMS_BACKEND", "console", ("console", "locmem", "twilio"))
TWILIO_ACCOUNT_SID = env_prefixed("TWILIO_ACCOUNT_SID", "AC")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env_phone("TWILIO_FROM_NUMBER")
TWILIO_MESSAGING_SERVICE_SID = env_prefixed("TWILIO_MESSAGING_SERVICE_SID", "MG")
TWILIO_API_BASE_URL = env_url("TWILIO_API_BASE_URL")
if SMS_BACKEND == "twilio":
    if not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN):
        raise ImproperlyConfigured(
            "SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN."
        )
    if not (TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID):
        raise ImproperlyConfigured(
            "SMS_BACKEND=twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID."
        )
# Webhook signatures are checked against this address, never against the
# Host or X-Forwarded-* headers a client sends.
PUBLIC_BASE_URL = env_url("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Offers and follow-ups wait out the night; replies and introductions do not.
QUIET_HOURS = env_quiet_hours("QUIET_HOURS", "21:00-08:00")
# A message Twilio could not take (429, 5xx, no connection) is tried again
# with a growing pause, this many times in all.
SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", 8, minimum=1)
# Named in the HELP reply when the person's municipality has no coordinator
# with a phone number.
SMS_HELP_CONTACT = env_str("SMS_HELP_CONTACT")

# Matching. Each weight of the score can be set as MATCH_WEIGHT_<NAME>; the
# defaults, and what each weighs, are documented on matching.graph.Weights.
MATCH_WEIGHT_NAMES = (
    "preferred_language",
    "other_language",
    "per_hour",
    "digital_factor",
    "interest",
    "family",
    "need",
)
MATCH_WEIGHTS = {
    name: weight
    for name in MATCH_WEIGHT_NAMES
    if (weight := env_float(f"MATCH_WEIGHT_{name.upper()}")) is not None
}
MATCH_SCHEDULE_MINUTES = env_int("MATCH_SCHEDULE_MINUTES", 15, minimum=1)
# Offer each proposal by SMS at once, without a coordinator's approval.
MATCH_AUTO_APPROVE = env_bool("MATCH_AUTO_APPROVE", False)
# An offer nobody answers goes to the next candidate after this long.
OFFER_TIMEOUT = env_duration("OFFER_TIMEOUT", "48h")
# "Have you met?" goes to both this long after a match is accepted.
FOLLOWUP_AFTER = env_duration("FOLLOWUP_AFTER", "14d")

# Retention: a closed or withdrawn request is anonymised this many months after
# it closed; a request that never got a match, this many months after it came.
RETENTION_CLOSED_MONTHS = env_int("RETENTION_CLOSED_MONTHS", 12, minimum=1)
RETENTION_UNMATCHED_MONTHS = env_int("RETENTION_UNMATCHED_MONTHS", 6, minimum=1)
# A hotline voicemail holds the caller's voice: it is deleted at Twilio this
# many days after the call (the call's row, with no recording, stays).
VOICEMAIL_RETENTION_DAYS = env_int("VOICEMAIL_RETENTION_DAYS", 30, minimum=1)

# Meetups. Reminders go this many minutes before an event (each event can
# change its own); a place freed on a full event is held this long for the
# first on the waiting list.
EVENT_REMINDER_OFFSETS = env_int_list("EVENT_REMINDER_OFFSETS", [1440, 120])
WAITLIST_OFFER_TIMEOUT = env_duration("WAITLIST_OFFER_TIMEOUT", "24h")

# People and places.
PHONENUMBER_DEFAULT_REGION = "SE"
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "E164"

# Languages of the web pages. Others are served through the API and SMS.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("sv", _("Swedish")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("uk", _("Ukrainian")),
]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True

STATIC_URL = "/static/"
if PRODUCTION:
    STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
else:
    # Served straight from the apps' folders: nothing to collect in development.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

# Staff logins (workspace, admin): django-axes locks a username at one address
# out for 30 minutes after 5 wrong passwords; other users and addresses are not
# affected. Its backend must come first, to refuse a locked-out login before the
# password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Failures are kept (admin: Axes → access attempts); every successful login is not.
AXES_DISABLE_ACCESS_LOG = True
# Failures and lockouts are still logged, naming the username and address only;
# without this every command would also print a banner.
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "workspace/registration/locked_out.html"
# The same client address as the rate limits and the API throttle (NUM_PROXIES).
AXES_CLIENT_IP_CALLABLE = "ambassadors.ratelimits.client_ip"
# Redis is shared by every process and forgets a lockout by itself; without it
# the database is the only store the web processes share (axes warns against
# its cache handler on a per-process cache).
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if REDIS_URL
    else "axes.handlers.database.AxesDatabaseHandler"
)

# Public forms and sign-in codes, counted per client address (and per number
# for codes) in the cache: Redis when REDIS_URL is set, so every process counts
# together; without it each process counts for itself.
RATELIMIT_IP_META_KEY = "ambassadors.ratelimits.client_ip"
PUBLIC_FORM_RATE = env_rate("PUBLIC_FORM_RATE", "20/hour")
OTP_RATE_PER_NUMBER = env_rate("OTP_RATE_PER_NUMBER", "3/hour")
OTP_RATE_PER_IP = env_rate("OTP_RATE_PER_IP", "10/hour")
OTP_VERIFY_RATE_PER_IP = env_rate("OTP_VERIFY_RATE_PER_IP", "30/hour")
# An ambassador signed in with a code is signed out after this long without a click.
SELF_SERVICE_IDLE_TIMEOUT = env_duration("SELF_SERVICE_IDLE_TIMEOUT", "30m")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsCoordinator"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "signup": env_str("API_SIGNUP_THROTTLE_RATE", "20/hour"),
    },
    # How many reverse proxies stand in front of the service; the throttle
    # trusts X-Forwarded-For only that far.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ambassador Network API",
    "DESCRIPTION": (
        "Buddy requests, ambassador sign-up and the reference data of "
        "Region Jämtland Härjedalen's ambassador network."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The docs page's scripts come from the installed sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `status`; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "BuddyRequestStatusEnum": "ambassadors.models.BuddyRequest.Status",
        "ProposalStatusEnum": "matching.models.Proposal.Status",
        "OfferStatusEnum": "matching.models.Offer.Status",
        "EventStatusEnum": "events.models.Event.Status",
        "EventKindEnum": "events.models.Event.Kind",
        "InvitationStatusEnum": "events.models.Invitation.Status",
    },
}

# Production hardening; `manage.py check --deploy` passes with these.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
    },
    # Django's own default handler would print every line a second time.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
