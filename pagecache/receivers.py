"""
Purge the cached pages whenever something readers see changes.

Rows saved raw (a fixture load, such as `manage.py restore`) purge nothing here: a load
saves thousands of rows one by one, and each purge tells the CDN hooks. Whoever loads
them purges once at the end, as restore does.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Article, ArticleTransition, Byline, Correction, Section
from authors.models import Affiliation, Author, AuthorLink, Organisation
from comments.models import Comment
from comments.signals import comments_moderated
from frontpage.models import Lineup, Placement
from liveblog.models import Entry, LiveBlog
from photos.models import Photo
from photos.signals import renditions_changed

from .state import purge

# Every row of these shows on some reader page, or changes what a page links to.
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
    Entry,
]


def purge_pages(sender, raw=False, **kwargs):
    if not raw:
        purge()


for model in SHOWN_TO_READERS:
    post_save.connect(purge_pages, sender=model, dispatch_uid=f"pagecache.saved.{model._meta.label}")
    post_delete.connect(purge_pages, sender=model, dispatch_uid=f"pagecache.deleted.{model._meta.label}")


# The worker makes a photo's renditions after it is saved; pages show the picture from then.
renditions_changed.connect(purge_pages, dispatch_uid="pagecache.renditions_changed")


@receiver(post_save, sender=Article, dispatch_uid="pagecache.article_saved")
def purge_for_article(sender, instance, raw=False, **kwargs):
    """Purge when a published (or scheduled) story is saved; drafts show nowhere."""
    if not raw and instance.has_public_address():
        purge()


@receiver(post_delete, sender=Article, dispatch_uid="pagecache.article_deleted")
def purge_for_deleted_article(sender, instance, **kwargs):
    purge()


@receiver(post_save, sender=ArticleTransition, dispatch_uid="pagecache.transition")
def purge_for_transition(sender, instance, created, raw=False, **kwargs):
    """Purge when a story goes public or stops being so (publish, schedule, unpublish)."""
    if created and not raw and "published" in (instance.from_status, instance.to_status):
        purge()


@receiver(post_save, sender=Comment, dispatch_uid="pagecache.comment_saved")
def purge_for_comment(sender, instance, raw=False, **kwargs):
    """Purge when an approved comment is saved; pending ones show nowhere."""
    if not raw and instance.status == Comment.Status.APPROVED:
        purge()


@receiver(post_delete, sender=Comment, dispatch_uid="pagecache.comment_deleted")
@receiver(comments_moderated, dispatch_uid="pagecache.comments_moderated")
def purge_for_moderation(sender, **kwargs):
    purge()
