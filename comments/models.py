from datetime import timedelta

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.models.fields import login_field

from .signals import comments_moderated

# Long enough for a considered reply, short enough to read on a phone.
TEXT_MAX_LENGTH = 3000


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """Return the comments readers may see, oldest first."""
        return self.filter(status=Comment.Status.APPROVED).order_by("created_at", "pk")

    def moderate(self, status, user):
        """Set the status of these comments, recording who decided and when; return how many changed."""
        changed = self.update(status=status, moderated_by=user, moderated_at=timezone.now())
        comments_moderated.send(sender=self.model, comments=self, status=status)
        return changed

    def forget_addresses(self, older_than_days):
        """Blank the IP address and browser of comments posted more than `older_than_days` ago."""
        cutoff = timezone.now() - timedelta(days=older_than_days)
        return (
            self.filter(created_at__lt=cutoff)
            .exclude(ip_address__isnull=True, user_agent="")
            .update(ip_address=None, user_agent="")
        )


class Comment(models.Model):
    """A reader's comment on an article, shown once a moderator approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments", verbose_name=_("article"), db_index=False
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Shown with the comment."))
    email = models.EmailField(_("email"), help_text=_("Never shown on the site."))
    text = models.TextField(_("comment"), max_length=TEXT_MAX_LENGTH, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now, editable=False)
    # Kept for spotting floods and abuse, then blanked by `forget_comment_addresses`.
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True, editable=False)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True, default="", editable=False)
    moderated_by = login_field(_("moderated by"))
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["article", "status", "created_at"], name="comment_article_status_date")]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), TEXT_MAX_LENGTH), name="comment_text_max_length"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="comment_text_not_empty"),
        ]

    def __str__(self):
        return f"{self.name}: {self.excerpt}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    @property
    def excerpt(self):
        """Return the start of the text, for lists."""
        return Truncator(self.text).chars(80)
