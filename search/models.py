from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """
    Map SQLite's FTS5 index of articles (created by the articles app's search_index
    migration; PostgreSQL has no such table) so that searches join it to articles.
    Written by search.backends.
    """

    article = models.OneToOneField(
        "articles.Article",
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_entry",
    )
    headline = models.TextField()
    standfirst = models.TextField()
    body = models.TextField(help_text=_("The body as plain text."))
    # FTS5's hidden column named after its table: `full_text = 'query'` is a
    # full-text match over every column, and bm25() and snippet() take it first.
    full_text = models.TextField(db_column="articles_article_search")

    class Meta:
        managed = False
        db_table = "articles_article_search"

    def __str__(self):
        return self.headline
