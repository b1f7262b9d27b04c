from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .formats import FEED, NEWSML, NINJS


class WireSourceQuerySet(models.QuerySet):
    def due(self, now=None):
        """Return the enabled sources whose poll interval has passed since they were last polled."""
        now = now or timezone.now()
        return self.filter(is_enabled=True).filter(
            Q(last_polled_at__isnull=True) | Q(last_polled_at__lte=now - F("poll_interval"))
        )


class WireSource(models.Model):
    """An agency feed or drop folder that the worker polls for items to turn into drafts."""

    class Format(models.TextChoices):
        AUTO = "", _("Recognise each file")
        NINJS = NINJS, _("IPTC ninjs (JSON)")
        NEWSML = NEWSML, _("NewsML-G2 (XML)")
        FEED = FEED, _("RSS or Atom feed")

    name = models.CharField(_("name"), max_length=100, unique=True)
    organisation = models.ForeignKey(
        "authors.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wire_sources",
        verbose_name=_("agency"),
        help_text=_("Named as the source of every story from here. Left empty: the provider each item names."),
    )
    format = models.CharField(_("format"), max_length=10, choices=Format, blank=True, default=Format.AUTO)
    url = models.URLField(_("address"), max_length=500, blank=True, default="", help_text=_("A feed or API to poll."))
    folder = models.CharField(
        _("folder"),
        max_length=500,
        blank=True,
        default="",
        help_text=_("Or a folder on the server where the agency drops files, under the wire drop folder."),
    )
    section = models.ForeignKey(
        "articles.Section",
        on_delete=models.PROTECT,
        related_name="wire_sources",
        verbose_name=_("section"),
        help_text=_("Where its drafts start; editors move them."),
    )
    poll_interval = models.DurationField(_("poll interval"), default=timedelta(minutes=5))
    picture_hosts = models.TextField(
        _("picture hosts"),
        blank=True,
        default="",
        help_text=_("Hosts pictures may be fetched from, one a line (photos.agency.example). None: no pictures."),
    )
    picture_schemes = models.CharField(
        _("picture schemes"),
        max_length=50,
        default="https",
        help_text=_("Schemes pictures may be fetched with, separated by spaces: https, or “https http”."),
    )
    is_enabled = models.BooleanField(_("enabled"), default=True, help_text=_("Untick to stop polling it."))
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, default="", editable=False)

    objects = WireSourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("wire source")
        verbose_name_plural = _("wire sources")
        constraints = [
            models.CheckConstraint(
                condition=Q(url="") | Q(folder=""),
                name="wire_source_url_or_folder",
                violation_error_message=_("Give an address or a folder, not both."),
            ),
            models.CheckConstraint(condition=Q(poll_interval__gt=timedelta(0)), name="wire_source_interval_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def location(self):
        return self.url or self.folder

    def clean(self):
        if self.folder and not self.folder_is_allowed():
            raise ValidationError(
                {"folder": _("Give a folder under %(root)s.") % {"root": settings.NEWSROOM_WIRE_DROP_ROOT}}
            )

    def folder_is_allowed(self):
        """Tell whether the folder lies under NEWSROOM_WIRE_DROP_ROOT, links and “..” resolved."""
        root = Path(settings.NEWSROOM_WIRE_DROP_ROOT).resolve()
        return Path(root, self.folder).resolve().is_relative_to(root)

    def allowed_picture_hosts(self):
        return [host.strip().lower() for host in self.picture_hosts.split() if host.strip()]

    def allowed_picture_schemes(self):
        return tuple(scheme.strip().lower() for scheme in self.picture_schemes.split() if scheme.strip())

    def allows_picture(self, url):
        """Tell whether a picture at `url` may be fetched: its scheme and host are among the allowed ones."""
        parts = urlsplit(url)
        return (
            parts.scheme.lower() in self.allowed_picture_schemes()
            and (parts.hostname or "").lower() in self.allowed_picture_hosts()
        )


class IngestedItemQuerySet(models.QuerySet):
    def needing_attention(self):
        """Return items an editor must look at: withdrawn by the agency, with an update waiting, or failed."""
        return self.filter(
            Q(status__in=[IngestedItem.Status.WITHDRAWN, IngestedItem.Status.ERROR]) | ~Q(pending_version="")
        )


class IngestedItem(models.Model):
    """One agency item as ingested: its URI and version, the draft made from it, and what became of it."""

    class Status(models.TextChoices):
        INGESTED = "ingested", _("Ingested")
        UPDATED = "updated", _("Updated")
        WITHDRAWN = "withdrawn", _("Withdrawn by the agency")
        ERROR = "error", _("Error")

    source = models.ForeignKey(
        WireSource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("source"),
        db_index=False,
    )
    uri = models.CharField(_("URI"), max_length=500, unique=True, help_text=_("The agency's identifier of the item."))
    version = models.CharField(_("version"), max_length=100, blank=True, default="")
    version_created_at = models.DateTimeField(_("version made at"), null=True, blank=True)
    article = models.OneToOneField(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wire_item",
        verbose_name=_("story"),
    )
    # The article's version when ingest last wrote it: a later one means someone edited it.
    article_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    headline = models.CharField(_("headline"), max_length=250, blank=True, default="")
    byline = models.CharField(
        _("byline as given"),
        max_length=250,
        blank=True,
        default="",
        help_text=_("The agency's byline; authors who match a name get a byline on the story."),
    )
    language = models.CharField(_("language"), max_length=20, blank=True, default="")
    copyright = models.TextField(_("copyright"), blank=True, default="")
    usage_terms = models.TextField(_("usage terms"), blank=True, default="")
    notice = models.TextField(_("agency notice"), blank=True, default="")
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.INGESTED)
    error_message = models.TextField(_("error"), blank=True, default="")
    pending_version = models.CharField(
        _("update waiting"),
        max_length=100,
        blank=True,
        default="",
        help_text=_("A newer version the agency sent for a story that was published or edited since."),
    )
    pending_data = models.JSONField(_("waiting update"), default=dict, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = IngestedItemQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        get_latest_by = "updated_at"
        verbose_name = _("ingested item")
        verbose_name_plural = _("ingested items")
        indexes = [models.Index(fields=["source", "-updated_at"], name="wire_item_source_recent")]

    def __str__(self):
        return self.headline or self.uri

    def get_absolute_url(self):
        return reverse("admin:wires_ingesteditem_change", args=[self.pk])

    @property
    def has_pending_update(self):
        return bool(self.pending_version)
