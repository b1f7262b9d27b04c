"""Settings for the test suite: fast hashing, media in a throwaway folder."""

import os
import tempfile
from urllib.parse import urlsplit

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
# connections of their own, so the concurrency tests race real, separate writers, and a
# worker process started by tests/test_background_work.py can open it too. Throwaway
# data: no waiting for the disk on each commit.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-newsroom.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;",
    }

# Most tests run each task at once, in the test's own process and transaction: they
# see the result straight away and stay fast, and a test's rows (never committed) would
# be invisible to a worker anyway. tests/test_background_work.py switches to the
# database backend and runs a real `manage.py db_worker` against the test database.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# `make test` runs the suite in several processes (pytest-xdist), and every test starts by
# clearing the cache. On a Redis they share (REDIS_URL, as CI sets it) each process needs
# databases of its own: the cache's, and the next one for RQ's queue (tests/test_redis_tasks.py).
# The processes a test starts inherit the environment: the mark tells them that the
# address they were given is already their worker's.
worker = os.environ.get("PYTEST_XDIST_WORKER")
if worker and os.environ.get("NEWSROOM_TEST_WORKER") != worker:
    os.environ["NEWSROOM_TEST_WORKER"] = worker
    if redis_url := os.environ.get("REDIS_URL"):
        parts = urlsplit(redis_url)
        database = int(parts.path.strip("/") or 0) + 2 * int(worker.removeprefix("gw"))
        os.environ["REDIS_URL"] = parts._replace(path=f"/{database}").geturl()
        CACHES = {"default": cache_from_environment()}
