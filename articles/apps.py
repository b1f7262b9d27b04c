from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from .roles import apply_roles


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        # For every app, not only this one: the roles hold other apps' permissions too.
        post_migrate.connect(apply_roles, dispatch_uid="articles.apply_roles")
