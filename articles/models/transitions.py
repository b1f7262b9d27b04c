"""The record of each change of a story's state."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .stories import Article


class TransitionQuerySet(models.QuerySet):
    def returns(self):
        """Return the transitions that made articles drafts again (send back, unpublish, restore), newest first."""
        return self.filter(to_status=Article.Status.DRAFT).order_by("-created_at", "-pk")


class ArticleTransition(models.Model):
    """A change of an article's state: who made it, when, from what to what, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted for review")
        SEND_BACK = "send_back", _("Sent back")
        PUBLISH = "publish", _("Published")
        SCHEDULE = "schedule", _("Scheduled")
        UNPUBLISH = "unpublish", _("Unpublished")
        SPIKE = "spike", _("Spiked")
        RESTORE = "restore", _("Restored")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions", db_index=False)
    action = models.CharField(_("action"), max_length=20, choices=Action)
    from_status = models.CharField(_("from"), max_length=20, choices=Article.Status)
    to_status = models.CharField(_("to"), max_length=20, choices=Article.Status)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True, default="")
    published_at = models.DateTimeField(
        _("publication time"), null=True, blank=True, help_text=_("The time a Publish or Schedule set.")
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    objects = TransitionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        indexes = [models.Index(fields=["article", "-created_at"], name="transition_article_created")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.article}"
