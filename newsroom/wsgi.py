"""WSGI entry point, for gunicorn: `gunicorn newsroom.wsgi`."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.prod")

try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:
    # A setting read from the environment is wrong: one line naming it, not a traceback.
    sys.exit(f"Configuration error: {error}")
