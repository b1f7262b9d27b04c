"""Settings for the test suite: fast hashing, media in a throwaway folder."""

import tempfile

from .base import *

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="newsroom-test-media-"))
# Local disk whatever the environment says, so the suite never writes to a real bucket;
# the S3 tests (tests/s3/) switch to a bucket of their own.
STORAGES = {
    **STORAGES,
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
WHITENOISE_AUTOREFRESH = True
VAR_DIR = Path(tempfile.mkdtemp(prefix="newsroom-test-var-"))
# Off, so that tests asking for a page twice see what changed in between (purges wait for
# a commit, which most tests never make); pagecache's own tests turn it on.
NEWSROOM_PAGE_CACHE_SECONDS = 0
# On SQLite the test database is a file, not memory: the live server's threads then open
# connections of their own, so the concurrency tests race real, separate writers.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-newsroom.sqlite3")}
