"""
Purge the cached pages whenever something readers see changes: only the pages showing a
story when the change shows only where that story shows, every page otherwise.

- A story edited without moving between lists (same status, dates, section and address)
  purges the pages that show it (`purge_keys`): all of them when its headline, standfirst
  or photo changes, else only those that show it whole (its own page, feeds, the API's
  story, its live blog's polling and feed). Its comments and live-blog entries purge the
  latter too.
- Whatever may change which stories a page lists, or shows on many pages at once,
  purges every page (`purge`): a story published, scheduled, unpublished, created public,
  deleted, or saved with a new status, date, section, address, embargo or expiry; its tags,
  sources or bylines (the topic, organisation and author pages list by them); a
  correction (the corrections log lists them); sections, authors, organisations, photos,
  live blogs, the front page's lineups; comments moderated in bulk.

Rows saved raw (a fixture load, such as `manage.py restore`) purge nothing here: a load
saves thousands of rows one by one, and each purge tells the CDN hooks. Whoever loads
them purges once at the end, as restore does.
"""

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.dispatch import receiver
from taggit.models import Tag

from articles.models import Article, ArticleTransition, Byline, Correction, Section, TaggedArticle
from authors.models import Affiliation, Author, AuthorLink, Organisation
from comments.models import Comment
from comments.signals import comments_moderated
from frontpage.models import Lineup, Placement
from liveblog.models import Entry, LiveBlog
from photos.models import Photo
from photos.signals import renditions_changed

from .dependencies import Change, change_of, note_article, story_key, whole_story_key
from .state import purge, purge_keys

post_init.connect(note_article, sender=Article, dispatch_uid="pagecache.note_article")

# Every row of these shows on some reader page, or changes what a page lists or links to.
SHOWN_TO_READERS = [
    Section,
    Byline,
    Correction,
    Author,
    AuthorLink,
    Affiliation,
    Organisation,
    Photo,
    Lineup,
    Placement,
    LiveBlog,
]


def purge_pages(sender, raw=False, **kwargs):
    if not raw:
        purge()


for model in SHOWN_TO_READERS:
    post_save.connect(purge_pages, sender=model, dispatch_uid=f"pagecache.saved.{model._meta.label}")
    post_delete.connect(purge_pages, sender=model, dispatch_uid=f"pagecache.deleted.{model._meta.label}")


@receiver(post_save, sender=Tag, dispatch_uid="pagecache.tag_saved")
def purge_for_tag(sender, instance, created, raw=False, **kwargs):
    """Purge when a topic is renamed; a new one (tagging a story makes them) shows nowhere until a story carries it."""
    if not created and not raw:
        purge()


post_delete.connect(purge_pages, sender=Tag, dispatch_uid="pagecache.tag_deleted")


# The worker makes a photo's renditions after it is saved; pages show the picture from then.
renditions_changed.connect(purge_pages, dispatch_uid="pagecache.renditions_changed")


@receiver(post_save, sender=Article, dispatch_uid="pagecache.article_saved")
def purge_for_article(sender, instance, created, raw=False, **kwargs):
    """
    Purge the pages a saved story changes: every page when it is created public or moves
    between lists; the pages listing it when what cards show changes; else the pages
    showing it whole. Drafts show nowhere.
    """
    if raw:
        # The fixture load sets its many-to-many fields next, with no `raw` to tell.
        instance._pagecache_raw = True
        return
    if created:
        change = Change.EVERY_PAGE if instance.has_public_address() else Change.NOTHING
    else:
        change = change_of(instance)
    if change is Change.EVERY_PAGE:
        purge()
    elif change is Change.LISTS:
        purge_keys(story_key(instance.pk))
    elif change is Change.WHOLE_STORY:
        purge_keys(whole_story_key(instance.pk))


@receiver(post_delete, sender=Article, dispatch_uid="pagecache.article_deleted")
def purge_for_deleted_article(sender, instance, **kwargs):
    purge()


@receiver(post_save, sender=ArticleTransition, dispatch_uid="pagecache.transition")
def purge_for_transition(sender, instance, created, raw=False, **kwargs):
    """Purge when a story goes public or stops being so (publish, schedule, unpublish)."""
    if created and not raw and "published" in (instance.from_status, instance.to_status):
        purge()


@receiver(m2m_changed, sender=TaggedArticle, dispatch_uid="pagecache.tags_changed")
@receiver(m2m_changed, sender=Article.sources.through, dispatch_uid="pagecache.sources_changed")
@receiver(m2m_changed, sender=Byline, dispatch_uid="pagecache.authors_changed")
def purge_for_listing_links(sender, instance, action, pk_set, **kwargs):
    """Purge when a public story's tags, sources or authors change: topic, organisation and author pages list by them."""
    changed = action in {"post_add", "post_remove"} and pk_set or action == "post_clear"
    if not changed or getattr(instance, "_pagecache_raw", False):
        return
    if not isinstance(instance, Article) or instance.has_public_address():
        purge()


@receiver(post_save, sender=Entry, dispatch_uid="pagecache.entry_saved")
@receiver(post_delete, sender=Entry, dispatch_uid="pagecache.entry_deleted")
def purge_for_entry(sender, instance, raw=False, **kwargs):
    """Purge the pages showing an entry's story whole: its page, its polling answers and its feed."""
    if raw:
        return
    # The live blog is at hand where entries are posted; one small query where it is not.
    if Entry.live_blog.is_cached(instance):
        article_id = instance.live_blog.article_id
    else:
        article_id = LiveBlog.objects.filter(pk=instance.live_blog_id).values_list("article_id", flat=True).first()
    if article_id is None:  # Deleted with its live blog, whose own deletion purges every page.
        return
    purge_keys(whole_story_key(article_id))


@receiver(post_save, sender=Comment, dispatch_uid="pagecache.comment_saved")
def purge_for_comment(sender, instance, created, raw=False, **kwargs):
    """
    Purge the pages showing a story when a comment on it is changed (it may have been
    shown, or be shown now) or is posted approved; a new pending comment shows nowhere.
    """
    if not raw and (not created or instance.status == Comment.Status.APPROVED):
        purge_keys(whole_story_key(instance.article_id))


@receiver(post_delete, sender=Comment, dispatch_uid="pagecache.comment_deleted")
def purge_for_deleted_comment(sender, instance, **kwargs):
    if instance.status == Comment.Status.APPROVED:
        purge_keys(whole_story_key(instance.article_id))


@receiver(comments_moderated, dispatch_uid="pagecache.comments_moderated")
def purge_for_moderation(sender, **kwargs):
    # The comments' stories cannot be told reliably once their status has changed (the
    # queryset may have selected them by it), and moderators decide on many at once.
    purge()
