"""Settings of BMA Progress, read from the environment.

DJANGO_ENV=production turns on the production profile: DEBUG off, secrets required,
secure cookies and HSTS. Anything else is the development profile that `make run`
and the tests use.
"""

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from bmaprogress.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    require_env,
    require_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = env_str("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)

if PRODUCTION:
    require_env("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL")
    SECRET_KEY = require_secret_key("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        require_env("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env_str(
        "DJANGO_SECRET_KEY", "dev-only-insecure-key-bma-progress-not-for-production"
    )
    ALLOWED_HOSTS = env_list(
        "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "template_partials",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "bmaprogress",
    "projects",
    "indicators",
    "reports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "reports.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "bmaprogress.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside WhiteNoise (static files keep their cache), around everything else: pages,
    # files, redirects, the 400 and 503 pages are private, no-store.
    "bmaprogress.middleware.CacheControlMiddleware",
    # A NUL character in the URL: the Thai 400 page before PostgreSQL sees it.
    "bmaprogress.badinput.NulCharacterMiddleware",
    "bmaprogress.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in person's own language (User.language) over the cookie and the browser's.
    "bmaprogress.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a login refused by django-axes into the Thai lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bmaprogress.urls"
WSGI_APPLICATION = "bmaprogress.wsgi.application"

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
                "projects.context_processors.navigation",
                "projects.context_processors.notification_bell",
                "bmaprogress.context_processors.csp_nonce",
            ],
            "builtins": ["projects.templatetags.thai"],
        },
    },
]
# Form widgets, labels and error lists through Django's own Jinja2 templates: the same
# HTML as its Django-template ones (but whitespace) in a third of the time (pages with
# forms render them on every view; a report's save answers with its form). The admin's
# widgets: Django templates (bmaprogress/form_renderer.py).
FORM_RENDERER = "bmaprogress.form_renderer.FormRenderer"

# redis://host:6379/0: the shared cache (CACHES below). Unset: each process's memory.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must be redis://, rediss:// or unix://, not {REDIS_URL!r}"
    )
# `make test` runs the unit tests in two pytest-xdist workers (gw0, gw1), which empty the
# cache before each test: each worker gets a Redis database of its own, 10 + its number
# (the database suffix of pytest-django does the same for PostgreSQL).
_XDIST_WORKER = env_str("PYTEST_XDIST_WORKER", "")
if REDIS_URL.startswith(("redis://", "rediss://")) and _XDIST_WORKER.startswith("gw"):
    _parts = urlsplit(REDIS_URL)
    REDIS_URL = urlunsplit(_parts._replace(path=f"/{10 + int(_XDIST_WORKER[2:])}"))

DATABASES = {
    "default": database_from_url(env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several workers and the server share one file: wait for locks instead of failing.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
else:
    # PostgreSQL's JIT compiles any query whose estimate passes jit_above_cost; the
    # dashboard's per-project subqueries pass it and spend 50-90 ms compiling a query that
    # runs in 100 (measured at 20,000 projects). A web app gains nothing from it.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
    # A database host that drops packets would hold each request for the system's TCP
    # timeout (minutes): give up after a few seconds and answer the 503 page instead.
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env_int("BMA_DB_CONNECT_TIMEOUT", 5)
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "projects.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# django-axes checks every login (by username and address together) before the real
# backend; a request-less authenticate() (the test client's login(), the shell) is let
# through, as there is no address to lock.
AUTHENTICATION_BACKENDS = [
    "bmaprogress.auth_backends.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("BMA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("BMA_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "bmaprogress.views.login_locked_out"
# No start-up banner on every manage.py command; lockouts are still logged as warnings.
AXES_VERBOSE = False
# Reverse proxies in front of the app that append the address they were connected from to
# X-Forwarded-For: the client's address is the entry that many places from the right
# (BMA_PROXY_COUNT=1 behind one nginx). 0, the default, believes no header: REMOTE_ADDR.
# Wrong either way, lockouts go wrong (README, Production); check --deploy warns about 0
# behind a proxy (bmaprogress/checks.py).
BMA_PROXY_COUNT = env_int("BMA_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "bmaprogress.auth_backends.client_address"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # by role: bmaprogress.views.home
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "th"
# Thai first; English as a person's choice (issue 17: a language menu, remembered in a
# cookie and on the user) and, for visitors who have chosen nothing, by Accept-Language.
LANGUAGES = [("th", "ไทย"), ("en", "English")]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language menu's choice (bmaprogress/language.py), kept a year; SameSite=Lax as the
# session's. Not secret: scripts need not read it, so HttpOnly.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # DJANGO_STATIC_COMPRESS=0 skips the gzip/brotli copies (collectstatic 25 s -> 2 s,
        # for test servers, or behind a proxy that compresses).
        "BACKEND": (
            (
                "whitenoise.storage.CompressedManifestStaticFilesStorage"
                if env_bool("DJANGO_STATIC_COMPRESS", True)
                else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            )
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

TASKS = {
    "default": {
        "BACKEND": env_str("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Sessions live in the database and, with a shared cache (REDIS_URL), are read from the
# cache. Without one, straight from the database: a cache in each process's memory would
# keep a session alive in the other workers after its logout.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: htmx sends the token written into <body hx-headers>,
# forms their hidden input (tests/test_security.py checks that nothing reads the cookie).
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# bmaprogress/middleware.py sends it on every response.
BMA_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "fullscreen=(self), browsing-topics=()"
)
# django-csp 4. Scripts only from our own files (htmx, plotly, app.js) or with the
# request's nonce: no 'unsafe-inline', no 'unsafe-eval'. Styles only from our files: no
# style="…" in any page (progress bars are SVG with a width attribute), no <style>
# (plotly.js finds its rules in static/vendor/plotly.css and adds none; htmx adds none
# with includeIndicatorStyles off). Setting element.style from our scripts (CSSOM), as
# plotly.js does when it draws, is not something the policy governs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Seconds a browser is asked to wait before trying again when the database is down
# (templates/503.html).
BMA_RETRY_AFTER_SECONDS = env_int("BMA_RETRY_AFTER_SECONDS", 30)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Domain settings
BMA_HISTORY_PAGE_SIZE = env_int("BMA_HISTORY_PAGE_SIZE", 10)
BMA_PROJECTS_PAGE_SIZE = env_int("BMA_PROJECTS_PAGE_SIZE", 25)
# Public pages, the anonymous API and open data (issue 17; the rule is projects.public):
# on in development and the demo, off in production unless BMA_PUBLIC_SITE=1.
BMA_PUBLIC_SITE = env_bool("BMA_PUBLIC_SITE", not PRODUCTION)
# Requests per client address (bmaprogress.auth_backends.client_address, which reads
# BMA_PROXY_COUNT) to the public pages, and to their PDFs (costlier), django-ratelimit's
# "N/s|m|h" form; past it the Thai 429 page. Counted in the default cache.
BMA_PUBLIC_RATE = env_str("BMA_PUBLIC_RATE", "120/m")
BMA_PUBLIC_PDF_RATE = env_str("BMA_PUBLIC_PDF_RATE", "10/m")
# Seconds an anonymous visitor's browser (or a proxy) may keep a public page.
BMA_PUBLIC_MAX_AGE = env_int("BMA_PUBLIC_MAX_AGE", 60)

# The JSON API, /api/v1/ (api/): JSON only (the browsable API's pages would need inline
# scripts), personal tokens only (no session: a page's cookies do not open the API),
# throttled on the shared cache.
BMA_API_PAGE_SIZE = env_int("BMA_API_PAGE_SIZE", 50)
BMA_API_MAX_PAGE_SIZE = env_int("BMA_API_MAX_PAGE_SIZE", 200)
# Requests per token, and per client address without a token ("<n>/second|minute|hour|day").
BMA_API_RATES = {
    "token": env_str("BMA_API_RATE_TOKEN", "600/minute"),
    "anonymous": env_str("BMA_API_RATE_ANONYMOUS", "60/minute"),
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["reports.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["reports.api.access.MayRead"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "reports.api.throttles.PerTokenThrottle",
        "reports.api.throttles.AnonymousThrottle",
    ],
    # The client address of an anonymous request is REMOTE_ADDR unless proxies in front
    # are declared (their count): X-Forwarded-For is not trusted by default.
    "NUM_PROXIES": env_int("BMA_API_NUM_PROXIES", 0),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BMA Progress API",
    "DESCRIPTION": (
        "API อ่านอย่างเดียวของระบบติดตามความคืบหน้าโครงการ กรุงเทพมหานคร: หน่วยงาน "
        "ปีงบประมาณ โครงการ ผลการดำเนินงานรายเดือน (เฉพาะที่อนุมัติแล้ว) ผลการประเมินรายไตรมาส "
        "ตัวชี้วัดและผลรายไตรมาส ไม่ส่งโทเค็นเห็นเฉพาะข้อมูลสาธารณะ แบ่งหน้าด้วย cursor "
        "(ลิงก์ next / previous) และส่ง If-None-Match เพื่อรับ 304 เมื่อข้อมูลไม่เปลี่ยน\n\n"
        "Read-only API of BMA Progress (Bangkok Metropolitan Administration): agencies, "
        "fiscal years (Buddhist Era), projects, approved monthly reports, quarter "
        "evaluations, KPIs and their quarter results. Without a token: only the public "
        "data. Pages are cursors (follow `next`); send `If-None-Match` with the last ETag "
        "to get 304 when nothing changed."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every render at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
# Points by which actual progress may trail planned before a project counts as behind.
BMA_BEHIND_THRESHOLD = env_int("BMA_BEHIND_THRESHOLD", 10)
# Which plan "behind schedule" is measured against (issue 18): "baseline", the plan last
# approved (the current plan for a project without one), or "current", the editable steps.
BMA_BEHIND_AGAINST = env_str("BMA_BEHIND_AGAINST", "baseline")
if BMA_BEHIND_AGAINST not in ("baseline", "current"):
    raise ImproperlyConfigured("BMA_BEHIND_AGAINST must be 'baseline' or 'current'")
# Seconds the dashboard keeps its per-agency numbers (the page says when they were made);
# 0 recomputes them on every view.
BMA_DASHBOARD_CACHE_SECONDS = env_int("BMA_DASHBOARD_CACHE_SECONDS", 60)
# Numbers past their fresh time are computed again by a background worker while readers see
# the old ones (reports/dashboard_refresh.py). Only with a shared cache: without one the
# worker would keep them in its own memory, where no server reads them (make run computes
# them in the request that finds them old).
BMA_DASHBOARD_REFRESH_IN_BACKGROUND = env_bool(
    "BMA_DASHBOARD_REFRESH_IN_BACKGROUND", bool(REDIS_URL)
)

# Seconds a rendered page body is kept (projects/pagecache.py). Kept bodies are found
# under versions that every write changes once it commits; this bounds how long one can
# outlive its data when that step is lost (a process killed right after its commit, SQL
# written by hand). 0 keeps nothing: every view is rendered (for measuring).
BMA_PAGE_CACHE_SECONDS = env_int("BMA_PAGE_CACHE_SECONDS", 300)
# One cache for kept pages, sessions and the dashboard's numbers: Redis when REDIS_URL is
# set (production, CI, benchmarks: one copy for every worker of every app server), else
# the process's own memory (make run, nothing to install).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bma",
            # A Redis that stops answering costs a request seconds, not minutes.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# {% cache %} fragments (the menu, the form texts: base.html) show nothing but the templates
# and their key (role, page, language), which change only with a deploy, and a deploy starts
# new processes: each process keeps its own, no round trip to Redis. A fragment that shows
# data (the dashboard's overview) is kept in the shared cache (using="default").
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

# Printed reports (reports/): projects per part of a background PDF (workers share the
# parts), and days a finished report file is kept before cleanup_reports removes it.
BMA_REPORT_PART_SIZE = env_int("BMA_REPORT_PART_SIZE", 10)
BMA_REPORT_RETENTION_DAYS = env_int("BMA_REPORT_RETENTION_DAYS", 7)
# A step of a report job that fails is tried again (reports/tasks.py), at most this many
# times in all, waiting BMA_REPORT_RETRY_SECONDS, then three times longer each time.
BMA_REPORT_MAX_ATTEMPTS = env_int("BMA_REPORT_MAX_ATTEMPTS", 3)
BMA_REPORT_RETRY_SECONDS = env_int("BMA_REPORT_RETRY_SECONDS", 10)
# Open data (issue 17, reports/opendata): who publishes the files, named in each data set's
# metadata (Thai GDC schema). The licence is a CKAN licence id; the default is the Open
# Data Commons Attribution License ("odc-by": use, share and adapt, naming the source).
BMA_OPEN_DATA_ORGANISATION = env_str("BMA_OPEN_DATA_ORGANISATION", "กรุงเทพมหานคร")
BMA_OPEN_DATA_MAINTAINER = env_str(
    "BMA_OPEN_DATA_MAINTAINER", "สำนักยุทธศาสตร์และประเมินผล กรุงเทพมหานคร"
)
BMA_OPEN_DATA_MAINTAINER_EMAIL = env_str("BMA_OPEN_DATA_MAINTAINER_EMAIL", "")
BMA_OPEN_DATA_LICENCE = env_str("BMA_OPEN_DATA_LICENCE", "odc-by")
# Finished exports kept in the media storage (the newest is served; older ones go).
BMA_OPEN_DATA_KEEP = env_int("BMA_OPEN_DATA_KEEP", 2)

# Uploads (projects/uploads.py). Every request's files pass BoundedUploadHandler before
# Django keeps them (in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE, else in a temporary file):
# a page takes no file unless its view says how many and how big, and past a limit nothing
# more is written; the form says so next to the field and keeps what was typed.
# - the report form's evidence: BMA_EVIDENCE_MAX_FILES files of BMA_EVIDENCE_MAX_FILE_BYTES;
# - every page that takes files: BMA_UPLOAD_MAX_REQUEST_BYTES of files per request in all;
# - DATA_UPLOAD_MAX_NUMBER_FILES: Django's own last stop, where it stops reading the body
#   (what was typed is lost then): the most files one page takes, the import of pages of
#   today's system (administrators), which takes this many;
# - DATA_UPLOAD_MAX_MEMORY_SIZE: the form's fields (not files), refused by Django above it.
FILE_UPLOAD_HANDLERS = [
    "projects.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
BMA_EVIDENCE_MAX_FILES = env_int("BMA_EVIDENCE_MAX_FILES", 10)
BMA_EVIDENCE_MAX_FILE_BYTES = env_int("BMA_EVIDENCE_MAX_FILE_BYTES", 10 * 1024 * 1024)
BMA_UPLOAD_MAX_REQUEST_BYTES = env_int("BMA_UPLOAD_MAX_REQUEST_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DJANGO_DATA_UPLOAD_MAX_NUMBER_FILES", 100)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# Imports (issue 8): largest annual-plan workbook, and how long an uploaded batch waits
# under MEDIA_ROOT/imports/ for its confirmation before it is removed.
BMA_IMPORT_MAX_XLSX_BYTES = env_int("BMA_IMPORT_MAX_XLSX_BYTES", 10 * 1024 * 1024)
BMA_IMPORT_BATCH_MAX_AGE = env_int("BMA_IMPORT_BATCH_MAX_AGE", 2 * 60 * 60)
# Longest a workbook may take to read at its upload (issue 12): past it the upload is
# refused with a message. A large agency's plan reads in 1-2 s.
BMA_IMPORT_PARSE_SECONDS = env_int("BMA_IMPORT_PARSE_SECONDS", 20)

# E-mail (the notifications, projects/notifications/). Production sends through the SMTP
# server of EMAIL_HOST (EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS or
# EMAIL_USE_SSL); `make run` prints each e-mail on the console, or writes it as a file
# under EMAIL_FILE_PATH when that is set. EMAIL_BACKEND chooses another Django backend.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", "")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else (
        "django.core.mail.backends.filebased.EmailBackend"
        if EMAIL_FILE_PATH
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "BMA Progress <noreply@localhost>")
# The site's address as people open it: the links in e-mails are absolute.
BMA_SITE_URL = env_str("BMA_SITE_URL", "http://127.0.0.1:8000")
# Notifications: the reminder starts this many days before a month's deadline; events (a
# report returned, a month reopened, a quarter evaluated) and late notices are looked for
# over this many days back (a sending stopped for a while catches up, no older history).
BMA_REMINDER_DAYS = env_int("BMA_REMINDER_DAYS", 3)
BMA_NOTIFY_LOOKBACK_DAYS = env_int("BMA_NOTIFY_LOOKBACK_DAYS", 7)
# Reminders, late notices and the heads' digest wait for this hour of the day (Bangkok).
BMA_NOTIFY_HOUR = env_int("BMA_NOTIFY_HOUR", 8)
