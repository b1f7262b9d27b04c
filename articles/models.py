from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from photos.validators import validate_image_upload

from .html import EDITOR_EXTENSIONS, sanitise_html


def created_by_field(verbose_name=_("created by")):
    """Return a foreign key recording which login created a row, kept if the login goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=verbose_name,
    )


class Section(models.Model):
    """A part of the site, such as World or Politics, that every article belongs to."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True, default="")
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Sections are listed in the navigation in this order.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


def visible_to_readers(now):
    """Return the condition, at time `now`, for an article to be visible to readers."""
    return (
        Q(status=Article.Status.PUBLISHED, published_at__lte=now)
        & (Q(embargo_lifts_at__isnull=True) | Q(embargo_lifts_at__lte=now))
        & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    )


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Return articles that readers may see now: published, due, out of embargo and not expired."""
        return self.filter(visible_to_readers(timezone.now()))

    def upcoming(self):
        """Return published articles that readers will see later: scheduled or still under embargo."""
        now = timezone.now()
        return (
            self.filter(status=Article.Status.PUBLISHED)
            .filter(Q(published_at__gt=now) | Q(embargo_lifts_at__gt=now))
            .exclude(expires_at__lte=now)
            .order_by("published_at", "pk")
        )

    def owned_by(self, user):
        """Return the articles `user` created or has a byline on."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(created_by=user) | Q(pk__in=Byline.objects.filter(author__user=user).values("article_id"))
        )

    def in_review(self):
        """Return articles waiting for an editor, longest-waiting first."""
        submitted_at = (
            ArticleTransition.objects.filter(article=OuterRef("pk"), to_status=Article.Status.REVIEW)
            .order_by("-created_at", "-pk")
            .values("created_at")[:1]
        )
        return (
            self.filter(status=Article.Status.REVIEW)
            .annotate(submitted_at=Subquery(submitted_at))
            .order_by(F("submitted_at").asc(nulls_first=True), "created_at", "pk")
        )

    def with_return_note(self):
        """
        Annotate each article with the latest transition that made it a draft again
        (send back, unpublish, restore): its action, note and time.
        """
        returns = ArticleTransition.objects.filter(
            article=OuterRef("pk"), to_status=Article.Status.DRAFT
        ).order_by("-created_at", "-pk")
        return self.annotate(
            returned_action=Subquery(returns.values("action")[:1]),
            returned_note=Subquery(returns.values("note")[:1]),
            returned_at=Subquery(returns.values("created_at")[:1]),
        )

    def for_listing(self):
        """Load what an article card shows: section and bylines with their authors."""
        return self.select_related("section").prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )

    def for_detail(self):
        """Load everything the article page shows."""
        return self.for_listing().prefetch_related("sources", "tags", "corrections")

    def latest_per_section(self, count):
        """Return the newest `count` articles of each section, by section then date."""
        return (
            self.annotate(
                rank_in_section=Window(
                    RowNumber(), partition_by=F("section_id"), order_by=F("published_at").desc()
                )
            )
            .filter(rank_in_section__lte=count)
            .order_by("section__position", "section__name", "-published_at")
        )


class Article(models.Model):
    """A story, from a reporter's draft to the published page."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        SPIKED = "spiked", _("Spiked")

    headline = models.CharField(_("headline"), max_length=250)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("The last part of the story's address.")
    )
    standfirst = models.TextField(
        _("standfirst"),
        blank=True,
        default="",
        help_text=_("One or two sentences under the headline; also shown on listings."),
    )
    body = ProseEditorField(
        _("body"), blank=True, default="", config={"extensions": EDITOR_EXTENSIONS}, sanitize=sanitise_html
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles", verbose_name=_("section")
    )
    authors = models.ManyToManyField(
        "authors.Author", through="Byline", related_name="articles", verbose_name=_("authors")
    )
    sources = models.ManyToManyField(
        "authors.Organisation",
        blank=True,
        related_name="citing_articles",
        verbose_name=_("sources"),
        help_text=_("Agencies and organisations the story cites."),
    )
    tags = TaggableManager(_("tags"), blank=True)
    dateline = models.CharField(
        _("dateline"), max_length=100, blank=True, default="", help_text=_("Where the story was reported from.")
    )
    hero_image = models.ImageField(
        _("image"),
        upload_to="articles/%Y/%m/",
        blank=True,
        width_field="hero_image_width",
        height_field="hero_image_height",
        validators=[validate_image_upload],
    )
    hero_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_alt = models.CharField(
        _("alt text"),
        max_length=250,
        blank=True,
        default="",
        help_text=_("Describe the image for readers who cannot see it. Required with an image."),
    )
    hero_image_caption = models.CharField(_("caption"), max_length=300, blank=True, default="")
    hero_image_credit = models.CharField(
        _("credit"), max_length=200, blank=True, default="", help_text=_("For example Reuters/Jane Doe.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("Set by Publish and Schedule. A time in the future schedules the story: it appears on its own then."),
    )
    embargo_lifts_at = models.DateTimeField(
        _("embargoed until"),
        null=True,
        blank=True,
        help_text=_("Readers cannot see the story before this time, even once it is published."),
    )
    embargoed_by = models.ForeignKey(
        "authors.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="embargoed_articles",
        verbose_name=_("embargo set by"),
        help_text=_("The agency or organisation whose embargo this is."),
    )
    expires_at = models.DateTimeField(
        _("expires at"),
        null=True,
        blank=True,
        help_text=_("Readers stop seeing the story at this time, for copy with limited usage rights."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = created_by_field()

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        get_latest_by = "published_at"
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["status", "published_at"], name="article_status_published")]
        permissions = [
            ("submit_article", _("Can submit articles for review")),
            ("publish_article", _("Can publish, schedule and unpublish articles")),
            ("send_back_article", _("Can send articles back to their reporter")),
            ("spike_article", _("Can spike and restore articles")),
            ("change_any_article", _("Can edit any article, in any state")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_date",
            ),
            models.CheckConstraint(
                condition=Q(embargoed_by__isnull=True) | Q(embargo_lifts_at__isnull=False),
                name="embargo_has_time",
            ),
            models.CheckConstraint(
                condition=Q(hero_image="") | ~Q(hero_image_alt=""),
                name="hero_image_has_alt_text",
            ),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        if self.status != self.Status.PUBLISHED or self.published_at is None:
            return reverse("articles:preview", kwargs={"pk": self.pk})
        published = timezone.localtime(self.published_at)
        return reverse(
            "articles:detail",
            kwargs={
                "year": published.year,
                "month": f"{published.month:02d}",
                "day": f"{published.day:02d}",
                "slug": self.slug,
            },
        )

    def is_published(self):
        """Apply the rule of `ArticleQuerySet.published()` to this one article."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.embargo_lifts_at is None or self.embargo_lifts_at <= now)
            and (self.expires_at is None or self.expires_at > now)
        )

    def is_scheduled(self):
        """Tell whether the story is published for a time still to come."""
        return self.status == self.Status.PUBLISHED and self.published_at is not None and self.published_at > timezone.now()

    def is_embargoed(self):
        """Tell whether an embargo still keeps the story from readers."""
        return self.embargo_lifts_at is not None and self.embargo_lifts_at > timezone.now()

    def is_expired(self):
        """Tell whether the story's usage rights have run out."""
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def is_owned_by(self, user):
        """Tell whether `user` created the article or has a byline on it."""
        if self.pk is None or not user.is_authenticated:
            return False
        return self.created_by_id == user.pk or Article.objects.owned_by(user).filter(pk=self.pk).exists()

    def clean(self):
        errors = {}
        if self.hero_image and not self.hero_image_alt.strip():
            errors["hero_image_alt"] = _("Describe the image for readers who cannot see it.")
        if self.embargoed_by_id and not self.embargo_lifts_at:
            errors["embargo_lifts_at"] = _("Give the time the embargo lifts.")
        if self.expires_at and self.embargo_lifts_at and self.expires_at <= self.embargo_lifts_at:
            errors["expires_at"] = _("The story would expire before its embargo lifts; readers would never see it.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.body = sanitise_html(self.body)
        super().save(*args, **kwargs)

    @property
    def was_updated(self):
        """Tell whether the story changed noticeably after it was published."""
        return bool(self.published_at) and self.updated_at - self.published_at > timedelta(minutes=5)


class Byline(models.Model):
    """An author's credit on an article, in order, with an optional role."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(
        "authors.Author", on_delete=models.PROTECT, related_name="bylines", verbose_name=_("author")
    )
    role = models.CharField(
        _("role"), max_length=100, blank=True, default="", help_text=_("For example Additional reporting.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_byline_author"),
        ]

    def __str__(self):
        return f"{self.role}: {self.author}" if self.role else str(self.author)


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

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
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

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        indexes = [models.Index(fields=["article", "-created_at"], name="transition_article_created")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.article}"


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """Return the corrections and updates on stories readers can see, newest first."""
        return self.filter(article__in=Article.objects.published())


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
    created_by = created_by_field(_("added by"))

    objects = CorrectionManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("correction or update")
        verbose_name_plural = _("corrections and updates")
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="correction_has_text")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"


PREVIEW_LINK_SALT = "articles.PreviewLink"
PREVIEW_LINK_DEFAULT_DAYS = 2
PREVIEW_LINK_MAX_DAYS = 30


def default_preview_expiry():
    """Return when a new preview link stops working unless the editor chooses otherwise."""
    return timezone.now() + timedelta(days=PREVIEW_LINK_DEFAULT_DAYS)


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        """Return links that still open their article: not expired and not revoked."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def get_by_token(self, token):
        """Return the active link signed into `token`; raise DoesNotExist for a bad, old or revoked one."""
        try:
            pk = int(signing.Signer(salt=PREVIEW_LINK_SALT).unsign(token))
        except (signing.BadSignature, ValueError):
            raise self.model.DoesNotExist("The preview link is not valid.") from None
        return self.active().get(pk=pk)


class PreviewLink(models.Model):
    """An address where someone without a login can read an unpublished article for a limited time."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    label = models.CharField(
        _("shared with"), max_length=200, blank=True, default="", help_text=_("For example Legal, or the source.")
    )
    expires_at = models.DateTimeField(_("expires at"), default=default_preview_expiry)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = created_by_field()

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self):
        return self.label or _("Preview link %(pk)s") % {"pk": self.pk}

    def clean(self):
        if self.pk is None and self.expires_at and self.expires_at <= timezone.now():
            raise ValidationError({"expires_at": _("Choose a time in the future.")})
        if self.expires_at and self.expires_at > timezone.now() + timedelta(days=PREVIEW_LINK_MAX_DAYS):
            raise ValidationError(
                {"expires_at": _("A preview link can last at most %(days)d days.") % {"days": PREVIEW_LINK_MAX_DAYS}}
            )

    @property
    def token(self):
        # The signature only makes ids unguessable; expiry and revocation live in the row,
        # so one stable address can be copied, checked and revoked.
        return signing.Signer(salt=PREVIEW_LINK_SALT).sign(str(self.pk))

    def get_absolute_url(self):
        return reverse("articles:shared_preview", kwargs={"token": self.token})

    def is_active(self):
        """Apply the rule of `PreviewLinkQuerySet.active()` to this one link."""
        return self.revoked_at is None and self.expires_at > timezone.now()
