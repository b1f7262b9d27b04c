from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        # Connects the receivers that keep the search index in step with saves and deletes.
        from . import search  # noqa: F401
