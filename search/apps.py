from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from articles.admin import ArticleAdmin

        from . import receivers  # noqa: F401  Keeps the index in step with saves and deletes.
        from .backends import search_article_list

        # The admin's search box then reads the index, not every story's text (41 s at a million).
        ArticleAdmin.full_text_search = staticmethod(search_article_list)
