from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditingConfig(AppConfig):
    name = "editing"
    verbose_name = _("Editing")

    def ready(self):
        from . import receivers  # noqa: F401  Records revisions when articles are saved or change state.
