from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from . import lookups  # noqa: F401  Registers the project's lookups.


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose site is newsroom.admin.NewsroomAdminSite."""

    default = False  # Installed by its path: "newsroom" alone is NewsroomConfig.
    default_site = "newsroom.admin.NewsroomAdminSite"
