"""Settings for production: DEBUG off whatever the environment says, secrets required, HTTPS only."""

from .base import *
from .base import env_bool, secret_key

# Never from the environment: a stray DEBUG=1 must not show tracebacks and settings to readers.
DEBUG = False
SECRET_KEY = secret_key(DEBUG)

STORAGES = {
    **STORAGES,
    # Hashed names, and gzip and Brotli copies served by whitenoise.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# A year of HTTPS only. Subdomains and the browsers' preload list are commitments for
# the whole domain, so they are opt-in.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The deploy check warns about each until it is chosen; not choosing them is deliberate.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
