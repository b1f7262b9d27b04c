"""Settings for the test suite: fast hashing, media in a throwaway folder."""

import tempfile

from .base import *

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="newsroom-test-media-"))
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
WHITENOISE_AUTOREFRESH = True
VAR_DIR = Path(tempfile.mkdtemp(prefix="newsroom-test-var-"))
# Off, so that tests asking for a page twice see what changed in between (purges wait for
# a commit, which most tests never make); pagecache's own tests turn it on.
NEWSROOM_PAGE_CACHE_SECONDS = 0
