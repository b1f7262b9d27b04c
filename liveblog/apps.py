from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveBlogConfig(AppConfig):
    name = "liveblog"
    verbose_name = _("Live blogs")

    def ready(self):
        from . import receivers  # noqa: F401
