"""Settings shared by every environment, read from environment variables."""

import os
import re
import secrets
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.utils.csp import CSP
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("NEWSROOM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    """Read a comma-separated environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def secret_key(debug):
    """
    Return SECRET_KEY from the environment; when debugging, fall back to a key
    generated once and kept under var/, so sessions survive a restart.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    if not debug:
        raise ImproperlyConfigured("Set the SECRET_KEY environment variable when DEBUG is off.")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# The S3 variables; setting any of them without NEWSROOM_S3_BUCKET is a mistake, not local disk.
S3_VARIABLES = (
    "NEWSROOM_S3_BUCKET",
    "NEWSROOM_S3_PRIVATE_BUCKET",
    "NEWSROOM_S3_ENDPOINT_URL",
    "NEWSROOM_S3_REGION",
    "NEWSROOM_S3_ACCESS_KEY_ID",
    "NEWSROOM_S3_SECRET_ACCESS_KEY",
    "NEWSROOM_S3_CUSTOM_DOMAIN",
    "NEWSROOM_S3_PUBLIC_ACL",
    "NEWSROOM_S3_SIGNED_URL_SECONDS",
)
# AWS's rules for bucket names, which other S3-compatible services follow.
S3_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
S3_REGION = re.compile(r"[A-Za-z0-9_-]+")
# A host with an optional port and path, as the public files' address starts: media.example.org.
S3_CUSTOM_DOMAIN = re.compile(r"[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-])?")
# Signature version 4, which every S3-compatible service speaks, signs for a week at most.
S3_LONGEST_SIGNATURE = 7 * 24 * 3600


def s3_credentials(environ):
    """
    Return the access key and secret for S3: NEWSROOM_S3_*, else the standard AWS_*
    variables, else (None, None) for boto3 to find them (a machine's role, a profile).
    """
    for prefix in ("NEWSROOM_S3_", "AWS_"):
        key_name, secret_name = f"{prefix}ACCESS_KEY_ID", f"{prefix}SECRET_ACCESS_KEY"
        key, secret = environ.get(key_name, ""), environ.get(secret_name, "")
        if key and secret:
            return key, secret
        if key or secret:
            missing, present = (secret_name, key_name) if key else (key_name, secret_name)
            raise ImproperlyConfigured(f"{missing} is not set, but {present} is: set both, or neither.")
    return None, None


def media_storages(environ=os.environ):
    """
    Return the STORAGES entries for uploads: "default", public (renditions, portraits,
    logos), and "private" (photo originals, which keep their camera metadata). Both are
    local disk under MEDIA_ROOT unless NEWSROOM_S3_BUCKET is set; then public files are
    plain S3 addresses under public/ and originals are reached only through signed,
    short-lived addresses. A wrong or incomplete variable raises ImproperlyConfigured
    naming it, so the mistake shows at start-up rather than in a request.
    """
    s3 = {name: environ.get(name, "").strip() for name in S3_VARIABLES}
    bucket = s3["NEWSROOM_S3_BUCKET"]
    if not bucket:
        if others := [name for name, value in s3.items() if value]:
            raise ImproperlyConfigured(
                f"NEWSROOM_S3_BUCKET is not set, but {others[0]} is: set NEWSROOM_S3_BUCKET to keep media "
                "on S3, or unset the others to keep it on local disk."
            )
        local = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        return {"default": local, "private": local}

    def invalid(name, expected):
        return ImproperlyConfigured(f"{name} must be {expected}, not {s3[name]!r}.")

    private_bucket = s3["NEWSROOM_S3_PRIVATE_BUCKET"] or bucket
    for name in ("NEWSROOM_S3_BUCKET", "NEWSROOM_S3_PRIVATE_BUCKET"):
        if s3[name] and not S3_BUCKET_NAME.fullmatch(s3[name]):
            raise invalid(name, "a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens")
    if endpoint_url := s3["NEWSROOM_S3_ENDPOINT_URL"]:
        parts = urlsplit(endpoint_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise invalid("NEWSROOM_S3_ENDPOINT_URL", "an http:// or https:// address such as https://s3.example.org")
    if s3["NEWSROOM_S3_REGION"] and not S3_REGION.fullmatch(s3["NEWSROOM_S3_REGION"]):
        raise invalid("NEWSROOM_S3_REGION", "a region name such as eu-west-1")
    if s3["NEWSROOM_S3_CUSTOM_DOMAIN"] and not S3_CUSTOM_DOMAIN.fullmatch(s3["NEWSROOM_S3_CUSTOM_DOMAIN"]):
        raise invalid("NEWSROOM_S3_CUSTOM_DOMAIN", "a host name such as media.example.org, without https://")
    if s3["NEWSROOM_S3_PUBLIC_ACL"] not in ("", "public-read"):
        raise invalid("NEWSROOM_S3_PUBLIC_ACL", "public-read, or unset when a bucket policy makes public/ readable")
    seconds = s3["NEWSROOM_S3_SIGNED_URL_SECONDS"] or "300"
    if not seconds.isdigit() or not 1 <= int(seconds) <= S3_LONGEST_SIGNATURE:
        raise invalid("NEWSROOM_S3_SIGNED_URL_SECONDS", f"a whole number of seconds from 1 to {S3_LONGEST_SIGNATURE}")
    access_key, secret_key = s3_credentials(environ)

    connection = {
        "endpoint_url": endpoint_url or None,
        "region_name": s3["NEWSROOM_S3_REGION"] or None,
        "access_key": access_key,
        "secret_key": secret_key,
        "signature_version": "s3v4",
        # Uploads never replace a file of the same name (two portraits called me.jpg), as on local disk.
        "file_overwrite": False,
    }
    public = {
        **connection,
        "bucket_name": bucket,
        "location": "public",
        "querystring_auth": False,
        "custom_domain": s3["NEWSROOM_S3_CUSTOM_DOMAIN"] or None,
        "default_acl": s3["NEWSROOM_S3_PUBLIC_ACL"] or None,
        # Names are never reused, so caches may keep a file; a day bounds how long a
        # deleted photo's renditions can still be served from one.
        "object_parameters": {"CacheControl": "public, max-age=86400"},
    }
    private = {
        **connection,
        "bucket_name": private_bucket,
        # Beside the public files in a shared bucket, outside the prefix a policy makes public.
        "location": "private" if private_bucket == bucket else "",
        "querystring_auth": True,
        "querystring_expire": int(seconds),
        # Signed by the storage service itself: a CDN's domain would serve them unsigned.
        "custom_domain": None,
        "default_acl": None,
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    backend = "storages.backends.s3.S3Storage"
    return {"default": {"BACKEND": backend, "OPTIONS": public}, "private": {"BACKEND": backend, "OPTIONS": private}}


DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# How many proxies (a load balancer, nginx) stand in front of the site, each adding to
# X-Forwarded-For. With 0, X-Forwarded-For and X-Forwarded-Proto are ignored, since any
# client can send them; otherwise newsroom.proxies takes the reader's address from them.
NEWSROOM_TRUSTED_PROXIES = int(os.environ.get("NEWSROOM_TRUSTED_PROXIES", "0"))
if NEWSROOM_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_prose_editor",
    "taggit",
    "django_tasks_db",
    "images",
    "photos",
    "authors",
    "articles",
    "editing",
    "search",
    "comments",
    "pagecache",
    "accounts",
    "demo",
    "backups",
    # For its management commands (tick): the project's shared modules have no models.
    "newsroom",
    "wires",
    "redirects",
    "frontpage",
    "api",
    "webhooks",
    "liveblog",
]

MIDDLEWARE = [
    # First, so that everything after sees the reader's own address.
    "newsroom.proxies.TrustedProxyMiddleware",
    # Before anything reads a request's body.
    "newsroom.bodies.WholeBodyMiddleware",
    # Before anything reads the address or the cookies.
    "newsroom.nul_bytes.NulByteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that may answer 404, so an address that moved gets its 301.
    "redirects.middleware.RedirectFallbackMiddleware",
    # Outside the page cache, so cached pages get ETags and conditional GETs a 304.
    "newsroom.conditional.ConditionalGetMiddleware",
    # Before sessions and authentication: a cached page costs no session lookup.
    "pagecache.middleware.PageCacheMiddleware",
    # Inside the page cache, so a cached page keeps the policy (and nonce) it was built with.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SignInPauseStatusMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "django.template.context_processors.csp",
                "newsroom.context_processors.site",
            ],
            "builtins": ["newsroom.templatetags"],
        },
    },
]


# SQLite serves several writers at once (editors, autosave, presence, comments, the
# worker): each transaction takes the write lock when it begins (IMMEDIATE), so a second
# writer waits its turn (busy timeout) instead of failing with "database is locked" when
# it tries to upgrade a read lock; WAL lets readers go on while one writes.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}


def database_from_environment():
    """Return the database DATABASE_URL names (SQLite under var/ without it), or say clearly what is wrong."""
    try:
        database = dj_database_url.config(
            default=f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}",
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
            # A connection kept between requests is checked first, so a database restart costs no request.
            conn_health_checks=True,
        )
    except ValueError as error:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database address Newsroom understands ({error}); "
            "use for example postgres://user:password@host:5432/newsroom"
        ) from None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["OPTIONS"] = {**SQLITE_OPTIONS, **database.get("OPTIONS", {})}
    return database


def cache_from_environment():
    """Return the cache: Redis at REDIS_URL when set, else local memory; say clearly what is wrong."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        # Django's default of 300 entries is fewer than a site's pages and the page cache's
        # version keys: pages would push each other out as soon as they were kept. 3,000
        # pages of 30 KB is 90 MB a worker at most; beyond that, or to share, use Redis.
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 3000}}
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss", "unix"} or not (parts.hostname or parts.path):
        raise ImproperlyConfigured(
            f"REDIS_URL must be a Redis address such as redis://127.0.0.1:6379/0, not {parts.scheme or url!r}."
        )
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        # A Redis that has gone away costs a request half a second, not a hang (see newsroom.cache).
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


def tasks_from_environment():
    """
    Return the task backend: the database (django-tasks-db, worker `manage.py db_worker`)
    unless NEWSROOM_TASKS_REDIS_URL names a Redis for several machines to share
    (django-tasks-rq, worker `manage.py rqworker`); see "Background work" in the README.
    """
    url = os.environ.get("NEWSROOM_TASKS_REDIS_URL", "")
    if not url:
        return {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}, {}
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss", "unix"} or not (parts.hostname or parts.path):
        raise ImproperlyConfigured(
            f"NEWSROOM_TASKS_REDIS_URL must be a Redis address such as redis://127.0.0.1:6379/1, not {url!r}."
        )
    if find_spec("django_tasks_rq") is None:
        raise ImproperlyConfigured(
            "NEWSROOM_TASKS_REDIS_URL is set but django-tasks-rq is not installed; install the versions "
            "requirements-dev.txt pins (django-tasks-rq, django-rq, rq), or unset it to keep tasks in the database."
        )
    return {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}, {"default": {"URL": url}}


DATABASES = {"default": database_from_environment()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Slow work (photo renditions, and later deliveries and polling) runs as django.tasks
# tasks on a worker process, never in the request that asked for it.
TASKS, RQ_QUEUES = tasks_from_environment()
if RQ_QUEUES:
    INSTALLED_APPS.append("django_rq")

# Local memory by default; Redis when several processes or machines must share the
# cache (the page cache, the comment and sign-in throttles, the navigation).
CACHES = {"default": cache_from_environment()}

# Whole pages for anonymous readers: kept in the cache this long at most (0 turns the
# page cache off), and purged whenever what they show changes. Browsers keep a page
# for NEWSROOM_BROWSER_CACHE_SECONDS; a CDN may serve it this much longer while it
# fetches a fresh copy.
NEWSROOM_PAGE_CACHE_SECONDS = int(os.environ.get("NEWSROOM_PAGE_CACHE_SECONDS", "300"))
NEWSROOM_BROWSER_CACHE_SECONDS = int(os.environ.get("NEWSROOM_BROWSER_CACHE_SECONDS", "60"))
NEWSROOM_STALE_SECONDS = int(os.environ.get("NEWSROOM_STALE_SECONDS", "60"))
# How often a reader's open live blog asks for new entries (the answer is cached 5 seconds).
NEWSROOM_LIVE_POLL_SECONDS = int(os.environ.get("NEWSROOM_LIVE_POLL_SECONDS", "15"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Staff logins open the newsroom's archive: long passwords, none from the common list.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Signing in pauses for an account, and for an address, after this many failures within
# the window (seconds); `manage.py unlock_login` lifts a pause at once.
NEWSROOM_LOGIN_FAILURE_LIMIT = int(os.environ.get("NEWSROOM_LOGIN_FAILURE_LIMIT", "5"))
NEWSROOM_LOGIN_FAILURE_WINDOW = int(os.environ.get("NEWSROOM_LOGIN_FAILURE_WINDOW", "900"))

# Content-Security-Policy, enforced on every page, the admin included. Scripts only from
# the site itself or with the request's nonce; inline styles stay allowed because the
# admin's widgets set them (a nonce in style-src would turn 'unsafe-inline' off).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Only staff have sessions; one lasts a working day, not Django's two weeks.
SESSION_COOKIE_AGE = int(os.environ.get("NEWSROOM_SESSION_HOURS", "12")) * 3600
# After signing in, the newsdesk (the admin's front page), even after an unsafe `next`.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# "default" holds what readers see, "private" photo originals (Photo.image); see media_storages().
STORAGES = {
    **media_storages(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def public_media_origin(storage):
    """Return where readers' browsers fetch public media from, when it is not this site, for the CSP."""
    options = storage.get("OPTIONS", {})
    if domain := options.get("custom_domain"):
        return f"https://{domain.split('/')[0]}"
    if endpoint := options.get("endpoint_url"):
        parts = urlsplit(endpoint)
        return f"{parts.scheme}://{parts.netloc}"
    # The storage service's own addresses, which depend on the bucket and region.
    return "https:" if "bucket_name" in options else None


if media_origin := public_media_origin(STORAGES["default"]):
    SECURE_CSP["img-src"].append(media_origin)

# Uploads larger than these are refused with a form error; the pixel limit also
# guards against decompression bombs before Pillow decodes a whole image.
NEWSROOM_MAX_IMAGE_BYTES = int(os.environ.get("NEWSROOM_MAX_IMAGE_BYTES", str(10 * 1024 * 1024)))
NEWSROOM_MAX_IMAGE_PIXELS = int(os.environ.get("NEWSROOM_MAX_IMAGE_PIXELS", "40000000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

NEWSROOM_SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")
# The site's public address, for absolute links made outside a request (webhook bodies);
# pages and API answers use the address the request came to.
NEWSROOM_SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "http://localhost:8000")
# Players a story body may embed (articles/embeds.py): each provider's name, the patterns
# of the links reporters paste (a named group `id` each) and the player's address built
# from the id. Readers' pages load a player only when the reader clicks, and the CSP's
# frame-src lets in these players and nothing else. NEWSROOM_MEDIA_PLAYER_HOST adds the
# newsroom's own audio and video host ("media.example.org": links /v/<id>, player /embed/<id>).
NEWSROOM_EMBED_PROVIDERS = [
    {
        "name": "YouTube",
        "patterns": [
            r"https://(?:www\.|m\.)?youtube\.com/watch\?v=(?P<id>[\w-]{11})(?:&[\w=&.-]*)?",
            r"https://youtu\.be/(?P<id>[\w-]{11})(?:\?[\w=&.-]*)?",
            r"https://(?:www\.)?youtube\.com/(?:shorts|embed)/(?P<id>[\w-]{11})",
        ],
        # The privacy-enhanced player sets no cookies until the video plays.
        "player": "https://www.youtube-nocookie.com/embed/{id}",
    },
    {
        "name": "Vimeo",
        "patterns": [
            r"https://(?:www\.)?vimeo\.com/(?P<id>\d{1,12})",
            r"https://player\.vimeo\.com/video/(?P<id>\d{1,12})",
        ],
        "player": "https://player.vimeo.com/video/{id}?dnt=1",
    },
]
if media_player_host := os.environ.get("NEWSROOM_MEDIA_PLAYER_HOST"):
    NEWSROOM_EMBED_PROVIDERS.append(
        {
            "name": os.environ.get("NEWSROOM_MEDIA_PLAYER_NAME", NEWSROOM_SITE_NAME),
            "patterns": [rf"https://{re.escape(media_player_host)}/v/(?P<id>[\w-]{{1,64}})"],
            "player": f"https://{media_player_host}/embed/{{id}}",
        }
    )


def embed_player_origins(providers):
    """Return the origins the embed providers' players load from, for the CSP's frame-src."""
    return list(dict.fromkeys(f"{urlsplit(p['player']).scheme}://{urlsplit(p['player']).netloc}" for p in providers))


SECURE_CSP["frame-src"] = embed_player_origins(NEWSROOM_EMBED_PROVIDERS)

# The story body editor's own blocks (photos, galleries, embeds, pull quotes, fact boxes):
# one ES module, no build step. articles/html.py sanitises what they produce.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [lazy(static, str)("articles/body-editor.js")],
        "extensions": {
            name: "articles.html.body_block_allowlist"
            for name in ("BodyPhoto", "BodyGallery", "BodyEmbed", "PullQuote", "Attribution", "FactBox")
        },
    }
]

# What partners may do with the stories, stated in every ninjs item (usageTerms).
NEWSROOM_USAGE_TERMS = os.environ.get(
    "NEWSROOM_USAGE_TERMS", "All rights reserved. Republication needs the publisher's written permission."
)

# The read API (api/): requests per window of NEWSROOM_API_RATE_WINDOW seconds, per
# client address without a key and per key with one (a key may carry its own limit).
NEWSROOM_API_RATE_LIMIT = int(os.environ.get("NEWSROOM_API_RATE_LIMIT", "60"))
NEWSROOM_API_KEY_RATE_LIMIT = int(os.environ.get("NEWSROOM_API_KEY_RATE_LIMIT", "600"))
NEWSROOM_API_RATE_WINDOW = int(os.environ.get("NEWSROOM_API_RATE_WINDOW", "60"))

# Requests to addresses others chose (wire feeds, agency pictures, webhooks) never reach a
# private, loopback or link-local address, except in these networks ("10.1.2.0/24"); see
# newsroom/outbound.py.
NEWSROOM_OUTBOUND_ALLOWED_NETWORKS = env_list("NEWSROOM_OUTBOUND_ALLOWED_NETWORKS", [])
# Wire ingest refuses a file or feed larger than this before parsing it.
NEWSROOM_WIRE_MAX_BYTES = int(os.environ.get("NEWSROOM_WIRE_MAX_BYTES", str(5 * 1024 * 1024)))
# Wire sources configured in the admin may read folders under this one only, so that a
# source cannot be pointed at the server's own files (`manage.py ingest PATH` may read any).
NEWSROOM_WIRE_DROP_ROOT = Path(os.environ.get("NEWSROOM_WIRE_DROP_ROOT", VAR_DIR / "wires"))

# A task a worker started this many seconds ago and has not finished is taken for
# abandoned (the worker was killed) and enqueued again by `manage.py tick`. Longer than
# any task takes: a rendition takes seconds, a webhook or a feed 10 s at most.
NEWSROOM_TASK_ABANDONED_AFTER = int(os.environ.get("NEWSROOM_TASK_ABANDONED_AFTER", "900"))

# How often an open article change form sends its unsaved text to the server.
NEWSROOM_AUTOSAVE_SECONDS = int(os.environ.get("NEWSROOM_AUTOSAVE_SECONDS", "30"))

TAGGIT_CASE_INSENSITIVE = True

# Comments: at most RATE_LIMIT posts from one IP address per RATE_WINDOW seconds,
# counted in the default cache (shared between processes only if the cache is).
# Commenters' IP addresses are kept ADDRESS_DAYS days for moderation, then
# `manage.py forget_comment_addresses` blanks them.
NEWSROOM_COMMENT_RATE_LIMIT = int(os.environ.get("NEWSROOM_COMMENT_RATE_LIMIT", "5"))
NEWSROOM_COMMENT_RATE_WINDOW = int(os.environ.get("NEWSROOM_COMMENT_RATE_WINDOW", "600"))
NEWSROOM_COMMENT_ADDRESS_DAYS = int(os.environ.get("NEWSROOM_COMMENT_ADDRESS_DAYS", "30"))

LOGIN_URL = "admin:login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
