from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WiresConfig(AppConfig):
    name = "wires"
    verbose_name = _("Wire ingest")

    def ready(self):
        from . import receivers  # noqa: F401
