"""Record a revision each time an article is saved through the admin or changes state."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from articles.models import ArticleTransition
from articles.signals import article_edited

from .autosave import discard_autosave
from .presence import leave
from .revisions import record_revision


@receiver(article_edited, dispatch_uid="editing.record_edit")
def record_edit(sender, article, user, created, **kwargs):
    """Record the saved article; the editor's autosave and presence end with the save."""
    record_revision(article, user, reason=_("Created") if created else "")
    discard_autosave(article, user)
    # Saving closes the form; "Save and continue editing" notes the editor again on reload.
    leave(article, user)


@receiver(post_save, sender=ArticleTransition, dispatch_uid="editing.record_transition")
def record_transition(sender, instance, created, raw=False, **kwargs):
    """Record the article as a transition left it, giving the action and its note as the reason."""
    if created and not raw:
        reason = " — ".join(filter(None, [str(instance.get_action_display()), instance.note]))
        record_revision(instance.article, instance.user, reason=reason)
