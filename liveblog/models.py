"""
A live blog is a story (one-to-one with `articles.Article`) that takes short, timed
entries while the coverage runs. The story itself goes through the workflow like any
other; its entries show only where the story does.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import workflow
from articles.body import Body, link_photos
from articles.html import html_to_text, sanitise_html
from articles.models.locking import next_version


class EntryConflict(Exception):
    """Someone else saved the entry after this copy of it was loaded."""

    def __init__(self, entry, expected_version):
        self.entry = entry
        self.expected_version = expected_version
        super().__init__(f"Entry {entry.pk} changed since version {expected_version} was loaded.")


class LiveBlog(models.Model):
    """Make a story a live blog: when its coverage started and ended, and who ended it."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, related_name="liveblog", verbose_name=_("story")
    )
    coverage_started_at = models.DateTimeField(_("coverage started"), default=timezone.now)
    coverage_ended_at = models.DateTimeField(_("coverage ended"), null=True, blank=True, editable=False)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        verbose_name = _("live blog")
        ordering = ["-coverage_started_at"]

    def __str__(self):
        return self.article.headline

    @property
    def is_live(self):
        """Tell whether the coverage is running: started and not ended."""
        return self.coverage_ended_at is None and self.coverage_started_at <= timezone.now()

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    def may_post(self, user):
        """
        Tell whether `user` may add entries: editors, and the reporters who own the story,
        while the coverage runs.
        """
        if not self.is_live or not workflow.writes_stories(user):
            return False
        return workflow.is_editor(user) or self.article.is_owned_by(user)

    def end(self, user):
        """End the coverage now; the Live badge goes and no more entries are taken."""
        if self.coverage_ended_at is None:
            self.coverage_ended_at = timezone.now()
            self.ended_by = user
            self.save(update_fields=["coverage_ended_at", "ended_by"])


def live_blog_of(article):
    """Return the story's live blog or None; the story's queries for pages and cards load it with the story."""
    try:
        return article.liveblog
    except LiveBlog.DoesNotExist:
        return None


class EntryQuerySet(models.QuerySet):
    def highlights(self):
        """Return the pinned entries and key events, newest first, which the page lists at the top."""
        return self.filter(models.Q(is_pinned=True) | models.Q(is_key_event=True)).order_by("-created_at", "-pk")

    def for_display(self):
        """Load what an entry shows: its author and photo (which keeps its renditions)."""
        return self.select_related("author", "photo")


def prepare_texts(entries, *, for_feeds=None):
    """
    Give each of `entries` its text as readers see it (`text_html`), with the photos and
    embeds of story bodies: the photos of all the entries in one query, none if they show
    none. With `for_feeds` (a function making a path absolute), as feeds show it.
    """
    entries = list(entries)
    for entry, body in zip(entries, Body.many(entry.text for entry in entries), strict=True):
        entry.text_html = body.for_feeds(for_feeds) if for_feeds else body.for_readers()
    return entries


class Entry(models.Model):
    """One timed update in a live blog: a short sanitised text, an author and perhaps a photo."""

    live_blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="entries", db_index=False)
    author = models.ForeignKey(
        "authors.Author",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="live_entries",
        help_text=_("Shown on the entry; left blank, the poster's own author profile."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    text = models.TextField(_("text"), help_text=_("A few sentences; the same formatting as a story body."))
    photo = models.ForeignKey(
        "photos.Photo", on_delete=models.PROTECT, null=True, blank=True, related_name="live_entries"
    )
    is_key_event = models.BooleanField(_("key event"), default=False, help_text=_("Listed at the top of the page."))
    is_pinned = models.BooleanField(_("pinned"), default=False, help_text=_("Kept at the top of the page."))
    version = models.PositiveIntegerField(default=1, editable=False)
    # The entry's time: readers see it, and the page and the polling cursor are ordered by it.
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)
    edited_at = models.DateTimeField(_("corrected"), null=True, blank=True, editable=False)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["live_blog", "created_at", "id"], name="liveblog_entry_time")]

    def __str__(self):
        return html_to_text(self.text)[:60] or f"Entry {self.pk}"

    def get_absolute_url(self):
        return f"{self.live_blog.article.get_absolute_url()}#entry-{self.pk}"

    @property
    def anchor(self):
        return f"entry-{self.pk}"

    @property
    def was_edited(self):
        return self.edited_at is not None

    @property
    def headline(self):
        """Return the first words of the entry, for key-event links, feeds and structured data."""
        text = html_to_text(self.text)
        return text if len(text) <= 110 else text[:109].rsplit(" ", 1)[0] + "…"

    def save(self, *args, saved_by=None, **kwargs):
        """
        Sanitise the text and save, refusing with `EntryConflict` if the row changed since
        this copy was loaded; each version is kept as an EntryRevision, saved by `saved_by`.
        """
        self.text = sanitise_html(self.text)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        if self._state.adding or kwargs.get("force_insert"):
            with transaction.atomic(using=using):
                super().save(*args, **kwargs)
                EntryRevision.record(self, saved_by)
                link_photos(EntryPhoto.objects.using(using), self.text, entry=self)
            return
        with next_version(self, using, EntryConflict):
            # An edit a minute or more after posting is a correction readers are told about.
            if timezone.now() - self.created_at >= timedelta(minutes=1):
                self.edited_at = timezone.now()
            super().save(*args, **kwargs)
            EntryRevision.record(self, saved_by)
            link_photos(EntryPhoto.objects.using(using), self.text, entry=self)


class EntryPhoto(models.Model):
    """
    A library photo that an entry shows in its text, alone or in a gallery: kept in step
    by Entry.save(), so that the photo admin lists the live blog where the photo is used
    and refuses to delete it, as for a story's body.
    """

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="photo_links")
    photo = models.ForeignKey("photos.Photo", on_delete=models.PROTECT, related_name="entry_uses", db_index=False)

    class Meta:
        verbose_name = _("photo in a live blog entry")
        verbose_name_plural = _("photos in live blog entries")
        constraints = [models.UniqueConstraint(fields=["photo", "entry"], name="unique_entry_photo")]

    def __str__(self):
        return _("In an entry of “%(article)s”") % {"article": self.entry.live_blog.article}


class EntryRevision(models.Model):
    """An entry as one save left it: corrections are kept, as a story's revisions are."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="revisions", db_index=False)
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    is_key_event = models.BooleanField(_("key event"), default=False)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("entry revision")
        verbose_name_plural = _("entry revisions")
        constraints = [models.UniqueConstraint(fields=["entry", "version"], name="unique_entry_version")]

    def __str__(self):
        return f"{self.entry} (version {self.version})"

    @classmethod
    def record(cls, entry, user):
        return cls.objects.create(
            entry=entry, version=entry.version, text=entry.text, is_key_event=entry.is_key_event, saved_by=user
        )
