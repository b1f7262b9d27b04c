"""ASGI entry point."""

import os
import sys

from django.core.asgi import get_asgi_application
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.prod")

try:
    application = get_asgi_application()
except ImproperlyConfigured as error:
    # A setting read from the environment is wrong: one line naming it, not a traceback.
    sys.exit(f"Configuration error: {error}")
