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
