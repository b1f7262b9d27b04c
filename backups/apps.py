from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    # No models: an app for its `backup` and `restore` management commands.
    name = "backups"
    verbose_name = _("Backups")
