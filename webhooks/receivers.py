"""
Follow the articles app's signals and turn story events into deliveries. The articles
app knows nothing of webhooks; this is the only place the two meet.

- published: a Publish or Schedule transition (a scheduled story's delivery waits for
  its time, see webhooks.delivery);
- unpublished: an Unpublish transition of a story readers had been able to see;
- updated: a save through the change form of a story readers can see now;
- corrected: a correction or update added to a story readers can see now.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from articles.models import Article, ArticleTransition, Correction
from articles.signals import article_edited

from .delivery import visible_from
from .events import record_event
from .models import Event

Action = ArticleTransition.Action


@receiver(post_save, sender=ArticleTransition, dispatch_uid="webhooks.transition")
def on_transition(sender, instance, created, raw=False, **kwargs):
    """Announce a publish or schedule, and the unpublishing of a story that had gone out."""
    if not created or raw:
        return
    article = instance.article
    if instance.action in (Action.PUBLISH, Action.SCHEDULE):
        record_event(article, Event.PUBLISHED)
    elif instance.action == Action.UNPUBLISH:
        # The workflow keeps the date of a story that went out; a scheduled one loses it.
        shown_since = visible_from(article)
        if shown_since is not None and shown_since <= instance.created_at:
            record_event(article, Event.UNPUBLISHED)


@receiver(article_edited, dispatch_uid="webhooks.edit")
def on_edit(sender, article, created, **kwargs):
    """Announce an edit of a story readers can see; edits of drafts and scheduled stories stay in the newsroom."""
    if not created and article.is_published():
        record_event(article, Event.UPDATED)


@receiver(post_save, sender=Correction, dispatch_uid="webhooks.correction")
def on_correction(sender, instance, created, raw=False, **kwargs):
    """Announce a correction or update added to a story readers can see."""
    if not created or raw:
        return
    article = Article.objects.get(pk=instance.article_id)
    if article.is_published():
        record_event(article, Event.CORRECTED, correction=instance)
