"""Connect settings, read from the environment (django-environ).

Embedded defaults need nothing but Python: SQLite, an in-memory channel layer,
a file cache and a Celery broker on the local file system. ``DATABASE_URL``
switches to PostgreSQL and ``REDIS_URL`` moves the broker, result store, cache
and channel layer to Redis. ``CONNECT_PRODUCTION=true`` turns on the production
hardening that ``manage.py check --deploy`` asks for.

Every variable is listed in the README's configuration table.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CONNECT_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite file, file cache, local broker

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

PRODUCTION = env.bool("CONNECT_PRODUCTION", default=False)
DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)

if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
else:
    # Development only: production refuses to start without DJANGO_SECRET_KEY.
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", default="dev-only-not-secret-connect-key-change-me-in-production"
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("CONNECT_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The right-hand side of every email's Message-ID; empty means SITE_URL's host.
CONNECT_MESSAGE_ID_DOMAIN = env.str("CONNECT_MESSAGE_ID_DOMAIN", default="")

INSTALLED_APPS = [
    "daphne",  # first, so runserver serves WebSockets too
    "accounts.admin_config.ConnectAdminConfig",  # django.contrib.admin, our admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "channels",
    "django_celery_beat",
    "django_htmx",
    "accounts",
    "connect.core",
    "connect.notifications",
    "connect.safety",
    "connect.circles",
    "connect.meetups",
    "connect.chat",
    "connect.video",
    "connect.moderation",
    "connect.insights",
]

MIDDLEWARE = [
    "connect.core.requestid.RequestIdMiddleware",  # first: every response and log line has the id
    "django.middleware.security.SecurityMiddleware",
    "connect.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # after sessions, before common
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.ProfileLanguageMiddleware",  # a logged-in person's saved language
    "accounts.middleware.ProfileTimezoneMiddleware",  # ... and time zone, for every page
    "connect.core.middleware.PrivateHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "connect.core.middleware.DelayedWorkMiddleware",  # inside messages: it adds one
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "connect.core.middleware.SuspendedUserMiddleware",
    "accounts.middleware.GuidelinesMiddleware",
    "connect.moderation.middleware.PendingWarningMiddleware",
]

ROOT_URLCONF = "connect.urls"
WSGI_APPLICATION = "connect.wsgi.application"
ASGI_APPLICATION = "connect.asgi.application"

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
                "connect.core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker share the file: wait for locks
    # instead of failing, take the write lock up front, and let readers run
    # beside a writer (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )
    # A file, not memory: Channels' live-server tests refuse in-memory SQLite.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
else:
    # Sync views under ASGI, and the chat's database work, run in thread pools;
    # a persistent connection per thread (CONN_MAX_AGE) grows with the load until
    # PostgreSQL refuses clients. A psycopg pool per process bounds the
    # connections whatever the load: a request beyond the pool waits up to
    # DATABASE_POOL_TIMEOUT seconds for a free connection instead of opening one.
    # Health checks make the pool hand out only live connections (a restarted
    # server is reconnected to without restarting the site): with a pool, Django
    # passes CONN_HEALTH_CHECKS on as psycopg_pool's ``check`` (an empty query
    # as each connection leaves the pool). tests/faults/test_postgres_restart.py.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=10)
    if DATABASE_POOL_MAX_SIZE > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django requires it with a pool
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(env.int("DATABASE_POOL_MIN_SIZE", default=2), DATABASE_POOL_MAX_SIZE),
            "max_size": DATABASE_POOL_MAX_SIZE,
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
SITE_ID = 1

# --- Redis: cache, channel layer, Celery ----------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis rather than Django's own Redis cache for one option:
            # while Redis is away the cache answers "miss" and drops writes
            # instead of raising, so pages keep working (rate limits are then
            # not counted; each ignored error is logged).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CONNECT_CACHE_PREFIX", default="connect"),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # Two Redis channel layers (docs/decisions/0035-chat-channel-layer.md):
    # "pubsub" (default) publishes a group message once and each process fans it
    # out to its own sockets; "core" keeps per-socket inboxes in Redis lists.
    # redis-py 8 reads with a 5 s socket timeout by default, which cuts
    # channels_redis's 5 s blocking BZPOPMIN and drops every idle socket
    # (channels_redis#422): allow the read to outlast the pop.
    _channel_hosts = [{"address": REDIS_URL, "socket_timeout": 15}]
    _channel_prefix = env.str("CONNECT_CHANNEL_PREFIX", default="connect")
    CONNECT_CHANNEL_LAYER = env.str("CONNECT_CHANNEL_LAYER", default="pubsub")
    if CONNECT_CHANNEL_LAYER == "pubsub":
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": _channel_hosts, "prefix": _channel_prefix},
            }
        }
    elif CONNECT_CHANNEL_LAYER == "core":
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    "hosts": _channel_hosts,
                    "prefix": _channel_prefix,
                    # All sockets of one process share one inbox; the default 100 drops
                    # messages as soon as a busy process falls a fraction of a second behind.
                    "capacity": env.int("CONNECT_CHANNEL_CAPACITY", default=10000),
                },
            }
        }
    else:
        raise ImproperlyConfigured(
            f"CONNECT_CHANNEL_LAYER must be 'pubsub' or 'core', not {CONNECT_CHANNEL_LAYER!r}"
        )
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A task taken by a worker that dies is delivered again after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        # A broker host that does not answer fails a publish in seconds rather
        # than after the system's TCP timeout (docs/decisions/0065-queueing-without-the-broker.md).
        "socket_connect_timeout": 2,
    }
    # Connecting to publish gives up after this long in all (kombu's default is 4 s).
    CELERY_BROKER_CONNECTION_TIMEOUT = 2.0
else:
    # A file cache is shared by the web server and the worker, so allauth's
    # rate limits hold across processes even without Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    _broker_dir = VAR_DIR / "celery" / "broker"
    # kombu's file transport needs its folders to exist before the first message.
    _broker_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "results").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery' / 'results'}"

CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True  # a task killed mid-run is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {}  # each app adds its periodic jobs in connect/schedule.py

# --- Auth and django-allauth ----------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: new sessions use it (one query for the person and the per-request
    # safety checks). The two below keep older sessions valid.
    "connect.core.auth.SiteAuthenticationBackend",
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
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "landing"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # confirming changes state: a POST, never a GET
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Connect] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("CONNECT_RATE_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": env.str("CONNECT_RATE_SIGNUP", default="20/m/ip"),
    "reset_password": env.str("CONNECT_RATE_RESET_PASSWORD", default="20/m/ip,5/m/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Connect"

# --- Email ------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="connect.core.mail.ReadableConsoleBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Connect <hello@connect.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- I18N / time ------------------------------------------------------------
LANGUAGE_CODE = "en"
# The site speaks English and Spanish: a person's saved choice wins, then the
# language cookie set by the switch, then the browser's Accept-Language.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files (served by the site itself through WhiteNoise) ------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns when it is missing
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

# --- Security ---------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag instead
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4): no inline script or style anywhere,
# nothing from other sites. The chat socket's ws:/wss: origin is added per
# request by connect.core.middleware.ContentSecurityPolicyMiddleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # data: for the two-factor QR code
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs go to standard error, one JSON object a line in production (python-json-logger;
# CONNECT_LOG_FORMAT=text for plain lines), each with the request id of the request
# it was written in (connect.core.requestid), "-" outside one.
LOG_FORMAT = env.str("CONNECT_LOG_FORMAT", default="json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "connect.core.requestid.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("CONNECT_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own "django" handler prints while DEBUG is on; the root handler
        # above already does, so every access line would be printed twice.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

# --- Connect ----------------------------------------------------------------
CONNECT_GUIDELINES_VERSION = "2026-11"
CONNECT_MATCH_ROUND_HOURS = env.float("CONNECT_MATCH_ROUND_HOURS", default=24.0)
# Worker processes a matching round spreads its buckets over; 0 asks the workers that
# answer (docs/decisions/0037-matching-round-workers.md); 1 keeps the round in one process.
CONNECT_MATCH_WORKERS = env.int("CONNECT_MATCH_WORKERS", default=0)
CONNECT_INVITATION_HOURS = env.int("CONNECT_INVITATION_HOURS", default=48)
# Community-health figures are kept this long per filter choice (0: computed every time).
CONNECT_INSIGHTS_CACHE_SECONDS = env.int("CONNECT_INSIGHTS_CACHE_SECONDS", default=300)
CONNECT_HEARTBEAT_INTERVAL = env.float("CONNECT_HEARTBEAT_INTERVAL", default=60.0)
# An owed email whose task never ran (the broker lost it, or was away when it
# was queued) is queued again by the periodic sweep once it is this old.
CONNECT_OUTBOX_STALE_SECONDS = env.int("CONNECT_OUTBOX_STALE_SECONDS", default=600)

# --- Video rooms (Janus VideoRoom + coturn) -----------------------------------
# Without a Janus configured, virtual meetups use the link their organiser pastes.
# Several servers: comma-separated URLs in the same order in both lists.
JANUS_URL = env.str("JANUS_URL", default="")
JANUS_ADMIN_URL = env.str("JANUS_ADMIN_URL", default="")
JANUS_ADMIN_SECRET = env.str("JANUS_ADMIN_SECRET", default="")
# coturn with use-auth-secret: browsers get time-limited TURN credentials.
TURN_HOST = env.str("TURN_HOST", default="")
TURN_SECRET = env.str("TURN_SECRET", default="")

from connect.schedule import CELERY_BEAT_SCHEDULE  # noqa: E402,F401,F811  (periodic jobs)
