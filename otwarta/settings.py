"""Settings for Małopolska otwarta.

One module, every value read from the environment with a default that works on one machine with zero
set-up (SQLite, local media, in-process cache and tasks). Production sets ``DJANGO_ENV=production``
and the service URLs (``DATABASE_URL``, ``REDIS_URL``, ...). See ``docs/deployment.md``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OTWARTA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
TESTING = env_bool("OTWARTA_TESTING", False)

DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION and not TESTING)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("OTWARTA_SITE_URL", "http://localhost:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    "otwarta.core",
    "otwarta.institutions",
    "otwarta.portal",
    "otwarta.readability",
    "otwarta.search",
    "otwarta.currency",
    "otwarta.demo",
    "otwarta.machine_translation",
    "otwarta.forms_library",
    "otwarta.exchange",
    "otwarta.translations",
    "otwarta.review",
    "otwarta.directory",
    "otwarta.registers",
    "otwarta.assistance",
    "otwarta.hsds",
    "otwarta.printing",
    "otwarta.pathways",
    "otwarta.guide",
    "otwarta.pagecache",
    "otwarta.operations",
    "otwarta.audit",
    "otwarta.staticexport",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "wagtail_2fa",
    "axes",
    "auditlog",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "otwarta.operations.middleware.ObservabilityMiddleware",  # request id, metrics, logs, /readyz, /metrics
    "otwarta.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "otwarta.core.middleware.PermissionsPolicyMiddleware",
    "otwarta.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "otwarta.pagecache.middleware.PageCacheMiddleware",  # anonymous full-page cache (docs/page-cache.md)
    "otwarta.core.middleware.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "otwarta.core.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "otwarta.core.middleware.AdminTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "otwarta.audit.middleware.AuditMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "otwarta.urls"
WSGI_APPLICATION = "otwarta.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "otwarta" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "otwarta.core.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        # A persistent connection that the server closed (restart, failover, idle timeout) is replaced
        # before the request uses it, instead of failing that request. Production only: elsewhere connections
        # are not kept (CONN_MAX_AGE 0), and in tests the check would close the test's own transaction.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", PRODUCTION),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
# PostgreSQL's JIT compiler starts on the planner's cost estimate. The directory's "open now" filter (nested
# EXISTS, hashed at run time) is estimated far above jit_above_cost and spent 2.5 s compiling a query that
# runs in 30 ms (benchmarks/directory.py). Short web queries never gain from JIT, so it is off for the
# portal's connections (set OTWARTA_PG_JIT=1 to keep the server's setting).
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_server_options = [] if env_bool("OTWARTA_PG_JIT", False) else ["-c jit=off"]
    # A query running longer than this is cancelled (0: no limit): one slow query must not hold a worker
    # thread while a queue of readers waits behind it.
    # The migrate job and backups set it to 0.
    _statement_timeout_ms = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 30000 if PRODUCTION else 0)
    if _statement_timeout_ms:
        _pg_server_options.append(f"-c statement_timeout={_statement_timeout_ms}")
    if _pg_server_options:
        _pg_options["options"] = " ".join(_pg_server_options)
    # Seconds to wait for the server to accept a connection (an unreachable database fails fast, /healthz
    # answers 503 and cached pages are still served).
    _pg_options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
    # psycopg's connection pool, one per process shared by its threads (docs/deployment.md "Database
    # connections"); off by default: persistent connections (DATABASE_CONN_MAX_AGE) need no tuning.
    if env_int("DATABASE_POOL_MAX_SIZE", 0):
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses persistent connections with a pool
        _pg_options["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 0),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "IGNORE_EXCEPTIONS": True,
                # A Redis that stops answering costs a request at most this long (then: a cache miss).
                "SOCKET_CONNECT_TIMEOUT": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "1")),
                "SOCKET_TIMEOUT": float(os.environ.get("REDIS_TIMEOUT", "1")),
            },
        }
    }
    # The anonymous full-page cache (otwarta.pagecache, docs/page-cache.md): same Redis, its own key prefix.
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": os.environ.get("OTWARTA_PAGE_CACHE_KEY_PREFIX", "pages")}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CACHES["pages"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages",
                       "OPTIONS": {"MAX_ENTRIES": 5000}}
# Page cache (otwarta.pagecache, docs/page-cache.md). Entries live OTWARTA_PAGE_CACHE_SECONDS at most (any
# content change makes them stale at once); the last good copy of each page is kept
# OTWARTA_PAGE_CACHE_STALE_SECONDS and served while the database is down. Responses over MAX_BYTES are not
# stored. OTWARTA_PROXY_CACHE_SECONDS goes out as X-Accel-Expires (nginx micro-cache) and Surrogate-Control
# (CDNs): pages that merely *show* an edited item refresh at the proxy within that time.
OTWARTA_PAGE_CACHE_ENABLED = env_bool("OTWARTA_PAGE_CACHE_ENABLED", True)
OTWARTA_PAGE_CACHE_SECONDS = env_int("OTWARTA_PAGE_CACHE_SECONDS", 300)
OTWARTA_PAGE_CACHE_STALE_SECONDS = env_int("OTWARTA_PAGE_CACHE_STALE_SECONDS", 7 * 24 * 3600)
OTWARTA_PAGE_CACHE_MAX_BYTES = env_int("OTWARTA_PAGE_CACHE_MAX_BYTES", 2 * 1024 * 1024)
OTWARTA_PROXY_CACHE_SECONDS = env_int("OTWARTA_PROXY_CACHE_SECONDS", 10)
# Seconds a reader waits before retrying when the database is down (Retry-After of the 503 page).
OTWARTA_RETRY_AFTER_SECONDS = env_int("OTWARTA_RETRY_AFTER_SECONDS", 30)
# Reverse proxy / CDN purge (wagtail.contrib.frontend_cache): PURGE requests to each HTTP location (nginx
# with ngx_cache_purge, Varnish), Cloudflare and CloudFront when configured. Empty: no purge is sent.
WAGTAILFRONTENDCACHE: dict[str, dict[str, str]] = {
    f"http{index}": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": location}
    for index, location in enumerate(env_list("OTWARTA_FRONTEND_CACHE_URLS", ""))
}
if os.environ.get("CLOUDFLARE_ZONEID") and os.environ.get("CLOUDFLARE_BEARER_TOKEN"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": os.environ["CLOUDFLARE_ZONEID"],
        "BEARER_TOKEN": os.environ["CLOUDFLARE_BEARER_TOKEN"],
    }
if os.environ.get("CLOUDFRONT_DISTRIBUTION_ID"):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": os.environ["CLOUDFRONT_DISTRIBUTION_ID"],
    }
# How many hosts (or containers) run the web process: the production checks (otwarta/core/production_checks.py)
# then refuse state that one host cannot share with the others (local media, SQLite).
OTWARTA_WEB_HOSTS = env_int("OTWARTA_WEB_HOSTS", 1)
# Sessions: in the database, read through the cache when Redis is configured (any app server can serve any
# request; a flushed or lost Redis signs nobody out). Without Redis, the database alone.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)

# --- Background tasks (django-tasks; Wagtail uses the same framework) -----------------------------
# "immediate" runs a task in-process when it is enqueued (tests, load_demo); "thread" runs it in a background
# thread of the web process after the transaction commits (``make run``: no worker to start, no request waits;
# otwarta/core/task_backends.py); "database" queues it for ``manage.py db_worker`` (production, several hosts).
TASKS_BACKEND = os.environ.get("OTWARTA_TASKS_BACKEND", "database" if PRODUCTION else "immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "thread": "otwarta.core.task_backends.ThreadBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}

# --- Auth -----------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
# Login throttling (django-axes): lock an account+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("OTWARTA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("OTWARTA_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_ENABLED = env_bool("OTWARTA_AXES_ENABLED", True)
# Behind the TLS-terminating reverse proxy every request comes from the proxy's address; the client's is
# read from X-Forwarded-For (as many hops from the right as there are trusted proxies). Without this, five
# wrong passwords from anywhere would lock an account for everyone. See docs/security.md.
OTWARTA_TRUSTED_PROXY_COUNT = env_int("OTWARTA_TRUSTED_PROXY_COUNT", 1 if PRODUCTION else 0)
AXES_CLIENT_IP_CALLABLE = "otwarta.core.middleware.client_ip_address"
# Two-factor authentication (wagtail-2fa on django-otp, core.middleware.AdminTwoFactorMiddleware). Anyone
# with admin access may add a device and is then asked for a code at every sign-in. OTWARTA_2FA_REQUIRED:
# every account with admin access must have one. OTWARTA_2FA_REQUIRED_ROLES (on in production, off in
# development so that `make run`'s demo accounts work without a phone): superusers, regional administrators
# and institutions' moderators must have one. docs/security.md "Two-factor authentication".
WAGTAIL_2FA_REQUIRED = env_bool("OTWARTA_2FA_REQUIRED", False)
OTWARTA_2FA_REQUIRED_ROLES = env_bool("OTWARTA_2FA_REQUIRED_ROLES", PRODUCTION)
WAGTAIL_2FA_OTP_TOTP_NAME = "Małopolska otwarta"

# --- Internationalisation -------------------------------------------------------------------------
# Polish is the source locale. A new locale is added here (or by the environment), not in code: any
# code Django knows (django.conf.locale.LANG_INFO) works, right-to-left included.
LANGUAGE_CODE = "pl"
PORTAL_LANGUAGE_CODES = env_list("OTWARTA_LANGUAGES", "pl,en,uk,ru,be,ka")
if PORTAL_LANGUAGE_CODES[0] != LANGUAGE_CODE:
    raise RuntimeError("OTWARTA_LANGUAGES must start with the source locale 'pl'")
LANGUAGES = [(code, LANG_INFO[code]["name_local"]) for code in PORTAL_LANGUAGE_CODES]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Warsaw"
LOCALE_PATHS = [BASE_DIR / "otwarta" / "locale"]

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("OTWARTA_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "otwarta" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("OTWARTA_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not TESTING
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded images and documents in an S3-compatible bucket (AWS, MinIO, Ceph, OVH, Scaleway …) when
# AWS_STORAGE_BUCKET_NAME is set: every app server and worker sees the same files (docs/deployment.md).
# Public objects under plain URLs (no signed query strings: image URLs stay cacheable by browsers and CDNs);
# an upload never replaces an existing file of the same name (a suffix is added instead).
# OTWARTA_SHARED_MEDIA_ROOT=1: OTWARTA_MEDIA_ROOT is one volume mounted on every host (NFS, CephFS).
OTWARTA_SHARED_MEDIA_ROOT = env_bool("OTWARTA_SHARED_MEDIA_ROOT", False)
MEDIA_STORAGE_ORIGINS: list[str] = []  # where media URLs point when not this site (added to the CSP)
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    _s3_endpoint = os.environ.get("AWS_S3_ENDPOINT_URL", "").rstrip("/")
    _s3_region = os.environ.get("AWS_S3_REGION_NAME", "")
    _s3_domain = os.environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip("/")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,  # None: boto3's own chain (IAM role)
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "endpoint_url": _s3_endpoint or None,
            "region_name": _s3_region or None,
            "custom_domain": _s3_domain or None,
            "url_protocol": os.environ.get("AWS_S3_URL_PROTOCOL", "https:"),
            "location": os.environ.get("AWS_LOCATION", "").strip("/"),
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "file_overwrite": False,
            "default_acl": os.environ.get("AWS_DEFAULT_ACL") or None,  # None: the bucket's policy decides
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or ("path" if _s3_endpoint else None),
            "object_parameters": {"CacheControl": os.environ.get("AWS_S3_CACHE_CONTROL", "public, max-age=86400")},
        },
    }
    if _s3_domain:
        MEDIA_STORAGE_ORIGINS.append(f"{os.environ.get('AWS_S3_URL_PROTOCOL', 'https:')}//{_s3_domain.split('/')[0]}")
    elif _s3_endpoint:
        MEDIA_STORAGE_ORIGINS.append("/".join(_s3_endpoint.split("/")[:3]))
    else:
        MEDIA_STORAGE_ORIGINS.append(f"https://*.s3.{_s3_region}.amazonaws.com" if _s3_region else "https://*.amazonaws.com")
    # Documents under a view restriction (Wagtail privacy) must not be handed out as a public bucket URL:
    # Django streams them after the permission check.
    WAGTAILDOCS_SERVE_METHOD = os.environ.get("OTWARTA_DOCS_SERVE_METHOD", "serve_view")
WHITENOISE_MAX_AGE = 3600

# --- Wagtail --------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Małopolska otwarta"
# Database full-text search: SQLite FTS5 here, PostgreSQL full-text when DATABASE_URL is PostgreSQL. The
# "simple" configuration (no English stemming of Polish text): otwarta.search stems each language itself.
WAGTAILSEARCH_BACKENDS: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"}
}
# OpenSearch 2 or 3 instead (optional, for a large corpus; docs/deployment.md "Search"). Its default analyzer
# does not stem either: otwarta.search's own stems are indexed and queried the same way. After switching,
# run `manage.py update_index`.
OPENSEARCH_URL = os.environ.get("OPENSEARCH_URL", "")
if OPENSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.opensearch3",
            "URLS": env_list("OPENSEARCH_URL", ""),
            "INDEX_PREFIX": os.environ.get("OPENSEARCH_INDEX_PREFIX", "otwarta_"),
            "TIMEOUT": env_int("OPENSEARCH_TIMEOUT", 5),
        }
    }
WAGTAILADMIN_COMMENTS_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "docx", "xlsx", "csv", "txt"]
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Małopolska otwarta <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Portal behaviour -----------------------------------------------------------------------------
# Shown on every page while the site runs demonstration content.
OTWARTA_DEMO_BANNER = env_bool("OTWARTA_DEMO_BANNER", not PRODUCTION)
# Days past the review date before readers are told a page may be out of date.
OTWARTA_REVIEW_GRACE_DAYS = env_int("OTWARTA_REVIEW_GRACE_DAYS", 30)
OTWARTA_DEFAULT_REVIEW_INTERVAL_DAYS = env_int("OTWARTA_DEFAULT_REVIEW_INTERVAL_DAYS", 180)
# Requests for interpreters, assistants and mediators (docs/assistance-requests.md): deleted this many days
# after they are closed (done or cancelled).
OTWARTA_REQUEST_RETENTION_DAYS = env_int("OTWARTA_REQUEST_RETENTION_DAYS", 30)
# Days before the review date when a page counts as "due soon" on the editor dashboard.
OTWARTA_REVIEW_DUE_SOON_DAYS = env_int("OTWARTA_REVIEW_DUE_SOON_DAYS", 14)
# Days after which a directory record (organisation, service, location) is listed as "to confirm".
OTWARTA_DIRECTORY_ASSURE_DAYS = env_int("OTWARTA_DIRECTORY_ASSURE_DAYS", 180)
# Plain-language panel of the page editor (docs/readability.md). A sentence over LONG_SENTENCE_WORDS words
# is listed as too long; a word of LONG_WORD_SYLLABLES syllables or more counts as long. Verdict boundaries
# per index: FOG-PL (Polish) lower is easier; Flesch (English) and Oborneva (Russian, Ukrainian) higher is easier.
OTWARTA_READABILITY = {
    "LONG_SENTENCE_WORDS": env_int("OTWARTA_READABILITY_LONG_SENTENCE_WORDS", 20),
    "LONG_WORD_SYLLABLES": {"default": 4, "en": 3},
    "FOG_PL": {"easy": 9, "fair": 12},
    "FLESCH": {"easy": 60, "fair": 50},
    "OBORNEVA": {"easy": 60, "fair": 50},
    "RELIABLE_MIN_WORDS": 100,
    "RATE_LIMIT_PER_MINUTE": env_int("OTWARTA_READABILITY_RATE_LIMIT_PER_MINUTE", 60),
}
# External link checker (otwarta.currency): seconds per request, parallel requests, how it names itself.
OTWARTA_LINKCHECK_TIMEOUT = float(os.environ.get("OTWARTA_LINKCHECK_TIMEOUT", "10"))
OTWARTA_LINKCHECK_WORKERS = env_int("OTWARTA_LINKCHECK_WORKERS", 4)
OTWARTA_LINKCHECK_USER_AGENT = os.environ.get(
    "OTWARTA_LINKCHECK_USER_AGENT", f"MalopolskaOtwarta-LinkChecker/1.0 (+{SITE_URL})"
)
# Machine translation (otwarta.machine_translation, docs/machine-translation.md): off unless a service is
# configured. DeepL is preferred when both serve a language pair. A DeepL key ending in ":fx" is a free-plan key.
_DEEPL_API_KEY = os.environ.get("DEEPL_API_KEY", "")
OTWARTA_MT = {
    "LIBRETRANSLATE_URL": os.environ.get("LIBRETRANSLATE_URL", "").rstrip("/"),
    "LIBRETRANSLATE_API_KEY": os.environ.get("LIBRETRANSLATE_API_KEY", ""),
    "DEEPL_API_KEY": _DEEPL_API_KEY,
    "DEEPL_API_URL": (
        os.environ.get("DEEPL_API_URL")
        or ("https://api-free.deepl.com" if _DEEPL_API_KEY.endswith(":fx") else "https://api.deepl.com")
    ).rstrip("/"),
    "TIMEOUT": float(os.environ.get("OTWARTA_MT_TIMEOUT", "30")),
    "CONNECT_TIMEOUT": float(os.environ.get("OTWARTA_MT_CONNECT_TIMEOUT", "5")),
    "LANGUAGES_CACHE_SECONDS": env_int("OTWARTA_MT_LANGUAGES_CACHE_SECONDS", 24 * 3600),
    "DEFAULT_MONTHLY_CHARACTERS": env_int("OTWARTA_MT_MONTHLY_CHARACTERS", 200_000),
}
# wagtail-localize's "Machine translate" button uses OTWARTA_MT (glossary, budget); it is shown only for the
# language pairs a configured service serves.
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {"CLASS": "otwarta.machine_translation.translator.PortalMachineTranslator"}
# Periodic jobs run by ``manage.py run_scheduler`` (cron syntax, in TIME_ZONE): each job enqueues a task.
OTWARTA_SCHEDULE = {
    "review-digest": {
        "task": "otwarta.currency.tasks.send_review_digest",
        "cron": os.environ.get("OTWARTA_REVIEW_DIGEST_CRON", "0 7 * * 1"),
    },
    "check-links": {
        "task": "otwarta.currency.tasks.check_external_links",
        "cron": os.environ.get("OTWARTA_LINKCHECK_CRON", "30 2 * * 0"),
    },
    "purge-closed-requests": {
        "task": "otwarta.assistance.tasks.purge_closed_requests",
        "cron": os.environ.get("OTWARTA_REQUEST_PURGE_CRON", "15 3 * * *"),
    },
    "purge-audit-log": {
        "task": "otwarta.audit.tasks.purge_audit_log",
        "cron": os.environ.get("OTWARTA_AUDIT_PURGE_CRON", "45 3 * * *"),
    },
}

# --- Audit log (otwarta/audit, docs/audit-log.md) -----------------------------------------------------
OTWARTA_AUDIT_RETENTION_DAYS = env_int("OTWARTA_AUDIT_RETENTION_DAYS", 730)
AUDITLOG_CID_GETTER = "otwarta.audit.middleware.current_request_id"  # X-Request-ID / the logs' id
AUDITLOG_MASK_CALLABLE = "otwarta.audit.registration.mask_value"
AUDITLOG_STORE_JSON_CHANGES = True
# Raw saves (fixtures, deserialised snapshots, restores) are not editorial actions; their related rows may not
# exist yet, so a diff (which reads str() of foreign keys) would fail.
AUDITLOG_DISABLE_ON_RAW_SAVE = True

# --- Security -------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Lax, not Strict: a link from a workflow e-mail ("please review this page") must arrive signed in; Lax
# still keeps the cookie off cross-site POSTs, frames and sub-resource requests.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie (Wagtail's admin takes the token from wagtailConfig in the page).
CSRF_COOKIE_HTTPONLY = True
# Production: sessions end after this many seconds WITHOUT a request (every signed-in request renews the
# expiry, one session write per request; anonymous readers have no session and cost nothing). Development and
# tests (SQLite, where those writes from parallel admin requests contend for the lock): 8 hours after sign-in.
# Everywhere: when the browser closes (shared computers in NGOs and libraries); the server-side expiry
# applies whatever the browser keeps.
SESSION_COOKIE_AGE = env_int("OTWARTA_SESSION_SECONDS", 8 * 3600)
SESSION_SAVE_EVERY_REQUEST = env_bool("OTWARTA_SESSION_IDLE_TIMEOUT", PRODUCTION)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Cross-Origin-Resource-Policy on every response (core.middleware.PermissionsPolicyMiddleware): no other
# site may embed the portal's pages, images or scripts. Cross-Origin-Embedder-Policy is NOT set: the
# directory map loads tiles from another origin (OTWARTA_MAP_TILES_URL) that sends no CORP header.
OTWARTA_CROSS_ORIGIN_RESOURCE_POLICY = os.environ.get("OTWARTA_CROSS_ORIGIN_RESOURCE_POLICY", "same-origin")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # "__Host-" cookies are accepted by browsers only over HTTPS, for Path=/ and without a Domain, so a
    # sibling subdomain or a plain-HTTP response cannot plant or overwrite them. The page cache and nginx
    # bypass caching when SESSION_COOKIE_NAME is present: they must use this name (docs/deployment.md).
    SESSION_COOKIE_NAME = os.environ.get("OTWARTA_SESSION_COOKIE_NAME", "__Host-sessionid")
    CSRF_COOKIE_NAME = os.environ.get("OTWARTA_CSRF_COOKIE_NAME", "__Host-csrftoken")

# Content-Security-Policy (django-csp 4): no inline script or style on public pages. The Wagtail admin gets
# its own policy below (nonces for Wagtail's initialisers, Draftail's <style> elements; see core.middleware).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "manifest-src": [SELF],
        "worker-src": [SELF],
    }
}
# Origins that serve uploaded images and documents when they do not come from this site (S3, a CDN).
OTWARTA_CSP_MEDIA_ORIGINS = [*env_list("OTWARTA_CSP_MEDIA_ORIGINS", ""), *MEDIA_STORAGE_ORIGINS]
CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] += OTWARTA_CSP_MEDIA_ORIGINS
# The service directory's map (otwarta/directory, docs/directory-public.md): the tile server is configurable;
# its origin is allowed for images. Leaflet is vendored, so scripts stay 'self'.
OTWARTA_MAP_TILES_URL = os.environ.get("OTWARTA_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
OTWARTA_MAP_ATTRIBUTION = os.environ.get(
    "OTWARTA_MAP_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)
OTWARTA_MAP_MAX_ZOOM = env_int("OTWARTA_MAP_MAX_ZOOM", 19)


def _tile_origin(template: str) -> str:
    """https://{s}.tile.example.org/{z}/{x}/{y}.png -> https://*.tile.example.org (a CSP source)."""
    scheme, _sep, rest = template.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{'*.' + host.split('.', 1)[1] if host.startswith('{') else host}" if host else ""


if _tile_origin(OTWARTA_MAP_TILES_URL):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_tile_origin(OTWARTA_MAP_TILES_URL))
# The Wagtail admin (everything under its URL prefix, login and lockout pages included). No 'unsafe-inline'
# scripts: Wagtail 7.4's few inline initialisers (choosers, date pickers, inline panels) run with the
# request's nonce (otwarta/core/admin_csp.py). The preview panel frames an admin URL, hence
# frame-src/frame-ancestors 'self'. Evidence and departures: docs/decisions/0007-admin-csp.md.
from csp.constants import NONCE, UNSAFE_INLINE  # noqa: E402

OTWARTA_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Style attributes are refused; <style> elements are not: Draftail inserts one per rich text field
        # whose text varies (a random block key, the translated placeholder), so no hash can match it.
        "style-src": [SELF],
        "style-src-elem": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *OTWARTA_CSP_MEDIA_ORIGINS],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "manifest-src": [SELF],
        "worker-src": [SELF, "blob:"],
    }
}
if PRODUCTION:
    # A stray http:// link to an image or script of this site is fetched over HTTPS instead of blocked.
    for _policy in (CONTENT_SECURITY_POLICY, OTWARTA_ADMIN_CONTENT_SECURITY_POLICY):
        _policy["DIRECTIVES"]["upgrade-insecure-requests"] = True  # type: ignore[assignment]  # a flag, not a list
# Browser features no page of the portal uses are switched off (core.middleware.PermissionsPolicyMiddleware).
# A feature that a page starts to need (a map asking for the reader's location, say) is allowed here.
OTWARTA_PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: [] for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "encrypted-media",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment", "usb",
        "xr-spatial-tracking",
    )
} | {"fullscreen": ["self"]}
# Wagtail would load avatars from gravatar.com, telling a third party who works in the admin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Structured logs (docs/operations.md): JSON lines in production, plain text in development.
    "formatters": {
        "json": {"()": "otwarta.operations.logs.JsonLineFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "filters": {"request_id": {"()": "otwarta.operations.logs.RequestIdFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": os.environ.get("OTWARTA_LOG_FORMAT", "json" if PRODUCTION else "plain")}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}, "wagtail": {"level": "WARNING"},
                "weasyprint": {"level": "WARNING"},  # else a line per page and step of every PDF
                # one line per request (otwarta.operations.middleware); runserver's own access log is redundant
                "otwarta.request": {
                    "level": os.environ.get("OTWARTA_REQUEST_LOG_LEVEL", "WARNING" if TESTING else "INFO")}},
}
# Prometheus metrics at /metrics (docs/operations.md): allowed with this Bearer token, or from these addresses
# or networks (the client's address; behind trusted proxies read from X-Forwarded-For).
OTWARTA_METRICS_TOKEN = os.environ.get("OTWARTA_METRICS_TOKEN", "")
OTWARTA_METRICS_ALLOWED_IPS = env_list("OTWARTA_METRICS_ALLOWED_IPS", "127.0.0.1,::1")

# Used by the "last checked" notices and the demo banner; a label for the language switcher.
PORTAL_NAME = _("Małopolska otwarta")
