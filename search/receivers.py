"""Keep the index in step with articles as they are saved and deleted, and compact on SQLite."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Article
from newsroom.clock import tick

from .backends import INDEXED_FIELDS, forget_articles, index_articles, index_needs_compacting
from .tasks import compact_search_index


@receiver(post_save, sender=Article, dispatch_uid="search.index_saved_article")
def index_saved_article(sender, instance, using, raw=False, update_fields=None, **kwargs):
    """Keep the index in step with an article's text whenever it is saved."""
    # A fixture load (raw) is indexed once when it is done: `manage.py restore` rebuilds
    # the index itself; after a plain `loaddata`, run `manage.py update_search_index`.
    if raw:
        return
    if update_fields is None or INDEXED_FIELDS & set(update_fields):
        index_articles(sender._default_manager.using(using).filter(pk=instance.pk))


@receiver(post_delete, sender=Article, dispatch_uid="search.forget_deleted_article")
def forget_deleted_article(sender, instance, using, **kwargs):
    """Remove a deleted article's text from the index."""
    forget_articles([instance.pk], using)


@receiver(tick, dispatch_uid="search.compact_index")
def compact_index_on_tick(sender, **kwargs):
    """Every tick of the clock (a minute), have SQLite's full-text index merged if it has grown in pieces."""
    if index_needs_compacting():
        compact_search_index.enqueue()
