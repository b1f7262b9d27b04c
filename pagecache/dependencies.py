"""
Which stories a cached page shows, found while it is built, and what a story looked like
when it was loaded, so that a save can tell whether it moved the story between lists.

Every `Article` (and `LiveBlog`) instance made while a reader's page is built is noted
as one the page depends on: list pages, the home page, related-story rails, feeds and
the rest load the stories they show as instances. Pages that choose their stories by
what any edit may change, without loading them all (search ranks by the words, the
API's `since` follows `updated_at`, sitemaps give every story's date), are named in
EVERY_STORY_VIEWS and depend on every story instead.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from articles.models import Article

# Where the stories found while a page is built go; None outside such a page, where
# instances (the admin's, the worker's) cost nothing more than this lookup.
_found = ContextVar("pagecache_found", default=None)

# What decides which lists a story is on, where it sorts there, and its address: a save
# that changes one of these purges every page, one that does not purges only the pages
# showing the story.
LISTING_FIELDS = ("status", "published_at", "section_id", "slug", "embargo_lifts_at", "expires_at")
NOT_LOADED = object()

# Views whose choice or order of stories follows any story's words or dates, not only
# which stories are published (see the module's docstring); by view name.
EVERY_STORY_VIEWS = {"search:search", "api:ninjs-list", "sitemap_index", "sitemap", "sitemap_news"}


@contextmanager
def collecting():
    """Collect, as keys such as "story-12", what the page built in this block depends on."""
    found = set()
    token = _found.set(found)
    try:
        yield found
    finally:
        _found.reset(token)


def story_key(pk):
    return f"story-{pk}"


def live_blog_key(pk):
    return f"live-blog-{pk}"


def note_article(sender, instance, **kwargs):
    """Note a story loaded for a page being built; elsewhere, keep its listing fields as loaded."""
    found = _found.get()
    if found is not None:
        if instance.pk is not None:
            found.add(story_key(instance.pk))
    else:
        loaded = instance.__dict__
        instance._pagecache_listing = tuple(loaded.get(name, NOT_LOADED) for name in LISTING_FIELDS)


def note_live_blog(sender, instance, **kwargs):
    """Note a live blog loaded for a page being built: its entries purge the pages that show it."""
    found = _found.get()
    if found is not None and instance.pk is not None:
        found.add(live_blog_key(instance.pk))


def listing_changed(article):
    """
    Tell whether a save of `article` may have moved it between lists (or changed its
    address) since it was loaded or last saved; unknown counts as changed.
    """
    loaded = getattr(article, "_pagecache_listing", None)
    if loaded is None:
        return True
    current = article.__dict__
    return any(
        before is NOT_LOADED and name in current or before is not NOT_LOADED and current.get(name) != before
        for name, before in zip(LISTING_FIELDS, loaded, strict=True)
    )


def had_public_address(article):
    """Tell whether `article` had its public address as loaded (or last saved); unknown counts as yes."""
    loaded = getattr(article, "_pagecache_listing", None)
    if loaded is None:
        return True
    status, published_at = loaded[0], loaded[1]
    return NOT_LOADED in (status, published_at) or (status == Article.Status.PUBLISHED and published_at is not None)


def remember_listing(article):
    """Take `article`'s listing fields as they are now as those the next save compares with."""
    loaded = article.__dict__
    article._pagecache_listing = tuple(loaded.get(name, NOT_LOADED) for name in LISTING_FIELDS)
