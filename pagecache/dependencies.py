"""
Which stories a cached page shows, found while it is built, and what a story looked like
when it was loaded, so that a save can tell which pages it changes.

Every `Article` instance made while a reader's page is built is noted as one the page
depends on: list pages, the home page, related-story rails, feeds and the rest load the
stories they show as instances. A page depends on `story-<id>`; one that loaded the
story's whole row (its page, the API's story, a live blog's polling answer and feed),
or shows when it was updated (a feed), depends on `story-<id>-full` too. Cards, lists
and rails load stories without what `Article.NOT_ON_CARDS` names (body, dateline...), so
an edit of only those fields purges `story-<id>-full` and leaves every list alone.

Pages that choose their stories by what any edit may change, without loading them all
(search ranks by the words, the API's `since` follows `updated_at`, sitemaps give every
story's date), are named in EVERY_STORY_VIEWS and depend on every story instead.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.syndication.views import Feed

from articles.models import NOT_LOADED, Article

# Where the keys found while a page is built go; None outside such a page, where
# instances (the admin's, the worker's) cost nothing more than this lookup.
_found = ContextVar("pagecache_found", default=None)

# What decides which lists a story is on, where it sorts there, and its address: a save
# that changes one of these purges every page.
LISTING_FIELDS = ("status", "published_at", "section_id", "slug", "embargo_lifts_at", "expires_at")
# What only pages that load a story's whole row can show: cards and rails leave them unloaded.
FULL_ONLY_FIELDS = tuple(Article._meta.get_field(name).attname for name in Article.NOT_ON_CARDS if "__" not in name)
# Changes on every save; shown only by pages that depend on the whole story (its page,
# feeds) or on every story (sitemaps, the API's list).
ALWAYS_CHANGED = ("updated_at", "version", "search_vector")
# What cards, lists and rails may show: everything else.
CARD_FIELDS = tuple(
    field.attname
    for field in Article._meta.concrete_fields
    if field.attname not in {*FULL_ONLY_FIELDS, *ALWAYS_CHANGED, *LISTING_FIELDS, "id"}
)
KEPT_FIELDS = LISTING_FIELDS + CARD_FIELDS + tuple(name for name in FULL_ONLY_FIELDS if name not in LISTING_FIELDS)

# Views whose choice or order of stories follows any story's words or dates, not only
# which stories are published (see the module's docstring); by view name.
EVERY_STORY_VIEWS = {"search:search", "api:ninjs-list", "sitemap_index", "sitemap", "sitemap_news"}


class Change:
    """How far a save of a story reaches: every page, the pages listing it, or only those showing it whole."""

    EVERY_PAGE = "every page"
    LISTS = "lists"
    WHOLE_STORY = "whole story"
    NOTHING = "nothing"


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


def whole_story_key(pk):
    return f"story-{pk}-full"


def note_article(sender, instance, **kwargs):
    """Note a story loaded for a page being built."""
    found = _found.get()
    if found is not None and instance.pk is not None:
        found.add(story_key(instance.pk))
        loaded = instance.__dict__
        if any(name in loaded for name in FULL_ONLY_FIELDS):
            found.add(whole_story_key(instance.pk))


def page_keys_of(view, found):
    """Return the keys `found` while a page was built, with the whole stories' keys for a feed (it shows when each was updated)."""
    if isinstance(view, Feed):
        return found | {f"{key}-full" for key in found if key.startswith("story-") and not key.endswith("-full")}
    return found


def change_of(article):
    """
    Tell how far a save of `article` reaches, comparing it with the article as loaded
    (or last saved: Article.stored_value); a field not loaded then but set now counts as
    changed, and an article with nothing to compare with as moved between lists.
    """
    if not article.has_stored_values():
        return Change.EVERY_PAGE if article.has_public_address() else Change.NOTHING
    current = article.__dict__
    changed = set()
    for name in KEPT_FIELDS:
        before = article.stored_value(name)
        if name in current if before is NOT_LOADED else current.get(name, before) != before:
            changed.add(name)
    status, published_at = article.stored_value("status"), article.stored_value("published_at")
    was_public = NOT_LOADED in (status, published_at) or (
        status == Article.Status.PUBLISHED and published_at is not None
    )
    if not (was_public or article.has_public_address()):
        return Change.NOTHING
    if changed & set(LISTING_FIELDS):
        return Change.EVERY_PAGE
    if changed & set(CARD_FIELDS):
        return Change.LISTS
    return Change.WHOLE_STORY
