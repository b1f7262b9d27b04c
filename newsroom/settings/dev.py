"""Settings for running on a developer's machine: DEBUG on unless told otherwise."""

from .base import *
from .base import env_bool, secret_key

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = secret_key(DEBUG)

# Serve files from static/ as they change, without collectstatic.
WHITENOISE_AUTOREFRESH = DEBUG
