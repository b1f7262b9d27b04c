"""Corrections and updates: public notes on published stories."""

from django.db import models
from django.db.models import (
    Exists,
    OuterRef,
    Q,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import login_field
from .stories import Article


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """Return the corrections and updates on stories readers can see, newest first."""
        # EXISTS looks each correction's story up by its key; IN would have SQLite list every published story first.
        return self.filter(Exists(Article.objects.published().filter(pk=OuterRef("article"))))


class CorrectionManager(models.Manager.from_queryset(CorrectionQuerySet)):
    def get_queryset(self):
        return super().get_queryset().select_related("article")


class Correction(models.Model):
    """A public note on a published story: the correction of a mistake, or an update."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UPDATE = "update", _("Update")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(_("text"), help_text=_("Shown to readers under the story, newest first."))
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    created_by = login_field(_("added by"))

    objects = CorrectionManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("correction or update")
        verbose_name_plural = _("corrections and updates")
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="correction_has_text")]
        # The public log of corrections walks them newest first.
        indexes = [models.Index(fields=["created_at", "id"], name="correction_created")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"
