"""Settings for the CCHC reporting app.

One module for every environment: everything that differs between a laptop and a server is read
from the environment through the small helpers below, which fail loudly on a value they cannot
understand instead of silently falling back.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false).")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from exc


def env_days(name: str, default: str) -> list[int]:
    """A comma-separated list of whole numbers of days ≥ 0 ("7,3,1"), sorted, without repeats;
    set to an empty value for none."""
    raw = os.environ.get(name, default)
    days = set()
    for item in raw.split(","):
        if not item.strip():
            continue
        try:
            value = int(item)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name}={raw!r}: {item.strip()!r} is not a whole number of days.") from exc
        if value < 0:
            raise ImproperlyConfigured(f"{name}={raw!r}: days cannot be negative.")
        days.add(value)
    return sorted(days)


# "development" (default) or "production". Production requires a real SECRET_KEY, turns DEBUG
# off and refuses demo data.
DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV={DJANGO_ENV!r}: use 'development' or 'production'.")
IS_PRODUCTION = DJANGO_ENV == "production"

if IS_PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
else:
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", default=not IS_PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost")

# Demo accounts and synthetic figures exist only for trying the app out.
ALLOW_DEMO_DATA = not IS_PRODUCTION

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tables2",
    "django_filters",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "cchc.units",
    "cchc.periods",
    "cchc.dossiers",
    "cchc.scores",
    "cchc.service_index",
    "cchc.satisfaction",
    "cchc.publication",
    "cchc.quality",
    "cchc.accounts",
    "cchc.demo",
    "cchc.reminders",
    "cchc.jobs",
    "django_tasks",
    "django_tasks_db",
    "reports",
    "cchc.api",
]

MIDDLEWARE = [
    # First: no NUL or control character in a request header reaches anything else.
    "cchc.middleware.CleanHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a posted form: a NUL there is a 400, never a database error.
    "cchc.input_guard.NulInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cchc.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "cchc.middleware.SessionIdleTimeoutMiddleware",
    # Cache-Control: private, no-store for signed-in users and the API (cchc/middleware.py).
    "cchc.middleware.PrivateResponsesMiddleware",
    # Last, as django-axes requires: answers a locked-out login attempt with its page.
    "axes.middleware.AxesMiddleware",
]

if IS_PRODUCTION:
    # Static files from the app server itself (collected and compressed), no separate server.
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                      "whitenoise.middleware.WhiteNoiseMiddleware")

# Content-Security-Policy (django-csp), in every environment so that the browser tests see what
# production enforces: scripts, styles, fonts and images only from this server, no inline
# script or style (page data travels in json_script blocks, read by static/js), no framing.
# "data:" images are Bootstrap's own form icons.
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

# Behind TLS in production (the intranet's proxy or gunicorn itself): cookies only over HTTPS,
# HTTP redirected, HSTS. SECURE_PROXY_SSL_HEADER only when a proxy in front sets the header.
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

ROOT_URLCONF = "cchc.urls"
WSGI_APPLICATION = "cchc.wsgi.application"

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
                "django.template.context_processors.i18n",
                "cchc.accounts.context_processors.access",
            ],
        },
    },
]

# SQLite is the zero-install quick start; PostgreSQL (DATABASE_URL=postgres://...) is what CI
# and production run on.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3's connection pool (Django >= 5.1); sizes are per process. With health checks
    # Django has the pool check each connection as it leaves it, so after a database restart
    # the dead ones are replaced instead of failing a request each; while the database is down
    # a request waits at most DB_POOL_TIMEOUT seconds, then gets the 503 page.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN", 1),
        "max_size": env_int("DB_POOL_MAX", 10),
        "timeout": env_int("DB_POOL_TIMEOUT", 5),
    }

# "jobs": a second connection to the same database, through which a running job writes its
# progress while its own work (an import) is one transaction on "default" that others cannot
# see before it commits (cchc/jobs/services.py). No pool: a job opens it once and keeps it for
# the job; requests never use it. In tests it is a mirror of "default" (no database of its own).
DATABASES["jobs"] = {
    **{key: value for key, value in DATABASES["default"].items() if key != "OPTIONS"},
    "OPTIONS": {key: value for key, value in DATABASES["default"].get("OPTIONS", {}).items()
                if key != "pool"},
    "TEST": {"MIRROR": "default"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the job worker are two processes on one SQLite file: wait for the
    # other's write (one writer at a time) instead of failing at once. Progress is then written
    # on the default connection (a second one would wait for the import to end).
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
    DATABASES["jobs"]["OPTIONS"]["timeout"] = 30
    CCHC_JOBS_PROGRESS_DATABASE = "default"
else:
    CCHC_JOBS_PROGRESS_DATABASE = "jobs"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (cchc/jobs): Django's Tasks API (the django-tasks backport of Django 6's
# django.tasks) with django-tasks-db's database queue, worked by `manage.py db_worker`
# processes (make run starts one; README "Production": a systemd unit). Another backend (e.g.
# django-tasks-rq for Redis) is a change of TASKS_BACKEND only: the code calls one API.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
#: A running job writes a heartbeat this often; one silent for CCHC_JOB_STALE_SECONDS lost its
#: worker (killed, restarted) and is marked failed — its transaction was rolled back with it.
CCHC_JOB_HEARTBEAT_SECONDS = env_int("CCHC_JOB_HEARTBEAT_SECONDS", 10)
CCHC_JOB_STALE_SECONDS = env_int("CCHC_JOB_STALE_SECONDS", 60)
#: Workbooks of up to this many sheets are checked, and their imports run, in the request (well
#: under a second); larger ones by a worker, with a progress bar. Same code either way
#: (cchc.jobs.services.job_start).
CCHC_JOB_INLINE_SHEETS = env_int("CCHC_JOB_INLINE_SHEETS", 5)
#: The simple list uploads (766 values, SIPAS, survey points) are imported in the request when
#: their sheets unpack to at most this many bytes (about 300 rows: well under a second, each
#: row being a write); larger ones by a worker (cchc.sheets.upload_handle).
CCHC_JOB_INLINE_LIST_BYTES = env_int("CCHC_JOB_INLINE_LIST_BYTES", 50_000)
#: A summary workbook of more units than this is written by a worker into the job's file
#: (downloaded from the job's page); smaller ones are streamed in the request.
CCHC_EXPORT_IN_BACKGROUND_ABOVE = env_int("CCHC_EXPORT_IN_BACKGROUND_ABOVE", 2000)

# Rankings and their rendered tables are cached under keys holding the figures' versions
# (reports/caching.py). Redis when REDIS_URL is set: one cache for every worker and host, and
# sessions read from it too. Otherwise each process's memory (still correct: the versions live
# in the database), with sessions in the database only, as a logout must reach every process.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL, "KEY_PREFIX": "cchc"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": "cchc", "OPTIONS": {"MAX_ENTRIES": 300}}}
#: How long an unused cached ranking is kept (a new figures version makes it unused at once).
CCHC_CACHE_SECONDS = env_int("CCHC_CACHE_SECONDS", 6 * 3600)

#: Bootstrap has no ``alert-error``: an error message is styled as ``alert-danger``.
MESSAGE_TAGS = {40: "danger"}  # django.contrib.messages.constants.ERROR

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login: django-axes locks a username from an address after repeated failures; the first
# backend checks the lock before the password is tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cchc.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False  # no "AXES: BEGIN version …" line before every command's output
# The address a failed login is counted against. AXES_PROXY_COUNT is the number of proxies
# between the browser and the app, each appending the address it saw to X-Forwarded-For. 0 (no
# proxy): the peer address. Behind proxies the peer is the nearest proxy, the same for every
# user, so anyone could lock anyone out: the client is then the address the outermost proxy
# saw, counted from the right of X-Forwarded-For (what a client writes there itself stays on
# the left and is ignored). django-ipware reads it: its proxy count is the proxies listed in
# the header, i.e. all but the nearest, whose address is the peer's; IPWARE_STRICT off so that
# a longer header (a client's own office proxy) still resolves from the right. A request
# without the header (not through the proxies) is counted under no address.
_proxies = env_int("AXES_PROXY_COUNT", 0)
if _proxies < 0:
    raise ImproperlyConfigured(f"AXES_PROXY_COUNT={_proxies}: the number of proxies is ≥ 0.")
if _proxies:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR"]
    AXES_IPWARE_PROXY_COUNT = _proxies - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# A session ends after this long without a request (renewed at most once a minute).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_RENEW_EVERY_SECONDS = 60
#: The entry form warns this long before the idle session ends, offering to stay signed in.
SESSION_WARN_BEFORE_SECONDS = 180

# A refused form (missing or stale CSRF token) answers in Vietnamese with what to do.
CSRF_FAILURE_VIEW = "cchc.views.csrf_failure"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where `collectstatic` gathers the files the app serves in production (whitenoise).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/cchc.html"  # bootstrap5, pager in Vietnamese

# The read-only JSON API (cchc/api, docs/api.md): token or session authentication, JSON only (no
# browsable pages, whose inline scripts the CSP forbids), every list paginated, one error shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cchc.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "cchc.api.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cchc.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CCHC API",
    "DESCRIPTION": "Số liệu báo cáo CCHC chỉ đọc: đơn vị, kỳ, số liệu và chỉ tiêu, xếp hạng, "
                   "Chỉ số CCHC (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "cchc.units.models.Kind",
        "SuccessionKindEnum": "cchc.units.models.Succession",
        "PeriodKindEnum": "cchc.periods.models.PeriodKind",
        "KpiKindEnum": ["count", "rate"],
        "KpiKeyEnum": "cchc.api.serializers.KPI_KEYS",
    },
}

# Reporting rules the province sets (docs/domain.md §3): the submission deadline of a period, in
# days after the end of its data cut-off window, unless a period says otherwise.
CCHC_DEADLINE_DAYS_AFTER_CUTOFF = env_int("CCHC_DEADLINE_DAYS_AFTER_CUTOFF", 6)

# Four-eyes rule of the report workflow: whoever entered, changed or submitted a report since its
# last approval may not approve it. Set to true only where one person must do both (README,
# "Quy trình báo cáo").
CCHC_ALLOW_SELF_APPROVAL = env_bool("CCHC_ALLOW_SELF_APPROVAL", False)

# Uploaded workbooks larger than this are refused before they are opened.
CCHC_MAX_UPLOAD_BYTES = env_int("CCHC_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)

# Files users upload and keep (PAR evidence): outside static/, never served directly, only
# through a view that checks who asks (cchc/scores/views.py).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
CCHC_EVIDENCE_MAX_BYTES = env_int("CCHC_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)

# E-mail (deadline reminders, docs/reminders.md): printed to the console in development, sent
# through the SMTP server named here in production; EMAIL_BACKEND overrides either.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
                        if IS_PRODUCTION else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL: set one of them, not both.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)  # seconds; a hung server must not hang the cron job
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Báo cáo CCHC <cchc@localhost>")

# Deadline reminders (send_reminders): days before and after a quarter's deadline on which the
# units that have not submitted are reminded; the address that links in e-mails start with.
CCHC_REMINDER_DAYS_BEFORE = env_days("CCHC_REMINDER_DAYS_BEFORE", "7,3,1")
CCHC_REMINDER_DAYS_AFTER = env_days("CCHC_REMINDER_DAYS_AFTER", "1,7,14")
if 0 in CCHC_REMINDER_DAYS_AFTER:
    raise ImproperlyConfigured(
        "CCHC_REMINDER_DAYS_AFTER counts from the day after the deadline (1, 2, …); the deadline "
        "day itself is 0 in CCHC_REMINDER_DAYS_BEFORE.")
CCHC_SITE_URL = env_str("CCHC_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not CCHC_SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"CCHC_SITE_URL={CCHC_SITE_URL!r} must start with https:// "
                               "(or http://).")

# One console handler, on the root logger, that every message reaches once. Django's own
# "django" logger gets no handler of its own (its default one printed each of its messages a
# second time, "Watching for file changes" included) and passes them up. django-axes says only
# what matters: failed logins and lockouts (warnings), not each success, nor its version at the
# start of every command (AXES_VERBOSE above).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "axes": {"handlers": [], "level": "WARNING", "propagate": True},
    },
}
