from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The tables were made when these models lived in the articles app; they keep their names.


class RevisionQuerySet(models.QuerySet):
    def as_of(self, version):
        """Return the newest revision recorded at or before the article's `version`."""
        return self.filter(version__lte=version).order_by("-version", "-pk").first()


class Revision(models.Model):
    """A snapshot of an article's text and main fields, recorded each time it is saved."""

    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("article"),
        db_index=False,
    )
    version = models.PositiveIntegerField(_("version"), help_text=_("The article's version this snapshot records."))
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    reason = models.CharField(_("reason"), max_length=250, blank=True, default="")
    data = models.JSONField(_("snapshot"))

    objects = RevisionQuerySet.as_manager()

    class Meta:
        db_table = "articles_revision"
        # Versions only grow, so they order an article's revisions even if clocks disagree.
        ordering = ["-version", "-pk"]
        get_latest_by = ["version", "pk"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        indexes = [models.Index(fields=["article", "-version"], name="revision_article_version")]

    def __str__(self):
        return f"{self.data.get('headline', '')} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"


class PresenceQuerySet(models.QuerySet):
    def recent(self):
        """Return presences seen within the last `ArticlePresence.WINDOW`."""
        return self.filter(seen_at__gte=timezone.now() - ArticlePresence.WINDOW)


class EditorState(models.Model):
    """Something kept for one editor on one article: at most one row for each pair."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="%(class)ss", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True
        constraints = [
            # Named after the tables, which kept the articles app's names.
            models.UniqueConstraint(fields=["article", "user"], name="articles_%(class)s_one_per_user")
        ]

    def __str__(self):
        return f"{self.user} on {self.article}"


class ArticlePresence(EditorState):
    """That a user had an article's change form open, and when they were last seen there."""

    WINDOW = timedelta(minutes=5)

    seen_at = models.DateTimeField(_("seen at"), default=timezone.now)

    objects = PresenceQuerySet.as_manager()

    class Meta(EditorState.Meta):
        db_table = "articles_articlepresence"
        verbose_name = _("article presence")
        verbose_name_plural = _("article presences")


class Autosave(EditorState):
    """A user's unsaved text of an article, kept by the change form every half minute."""

    version = models.PositiveIntegerField(_("version"), help_text=_("The article's version the text was typed over."))
    headline = models.CharField(_("headline"), max_length=250, blank=True, default="")
    standfirst = models.TextField(_("standfirst"), blank=True, default="")
    body = models.TextField(_("body"), blank=True, default="")
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta(EditorState.Meta):
        db_table = "articles_autosave"
        verbose_name = _("autosave")
        verbose_name_plural = _("autosaves")


class NoteQuerySet(models.QuerySet):
    def unread_by(self, user):
        """Return the notes waiting for `user`: mentioning them, or on their stories, not yet read."""
        return self.filter(receipts__user=user, receipts__read_at__isnull=True)


class Note(models.Model):
    """A note staff leave on a story for each other; readers never see it. @username mentions a colleague."""

    MAX_LENGTH = 5000

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="notes", verbose_name=_("article")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("text"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [models.CheckConstraint(condition=~models.Q(text=""), name="note_has_text")]

    def __str__(self):
        return f"{self.author}: {self.text[:50]}"


class NoteReceipt(models.Model):
    """That a note is for a colleague (mentioned, or on their story), and when they read it."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="receipts", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    is_mention = models.BooleanField(_("mentioned"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("note receipt")
        verbose_name_plural = _("note receipts")
        constraints = [models.UniqueConstraint(fields=["note", "user"], name="unique_note_receipt")]
        # The newsdesk asks for a user's unread notes on every visit.
        indexes = [models.Index(fields=["user", "read_at"], name="note_receipt_unread")]
