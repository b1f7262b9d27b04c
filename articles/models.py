import operator
from datetime import timedelta
from functools import reduce
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Greatest, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from photos.sharing import ShareImage
from photos.validators import validate_image_upload

from .html import EDITOR_EXTENSIONS, sanitise_html


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


class StoryLinks(NamedTuple):
    """The stories a story page links to besides the related ones."""

    by_author: list
    previous: "Article | None"
    following: "Article | None"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Return articles that readers may see now."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        """Load what an article card shows: section and bylines with their authors."""
        return self.select_related("section").prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )

    def for_detail(self):
        """Load everything the article page shows."""
        return self.for_listing().prefetch_related("sources", "tags")

    def for_links(self):
        """Load only what a link to a story shows: headline, date and section."""
        return self.select_related("section").only(
            "headline", "slug", "published_at", "section__name", "section__slug"
        )

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

    def related_to(self, article, limit=4):
        """Return up to `limit` other stories: most shared tags first, then same section, then newest."""
        tag_ids = [tag.pk for tag in article.tags.all()]
        shared_tags = Count("tags", filter=Q(tags__in=tag_ids), distinct=True) if tag_ids else Value(0)
        return (
            self.exclude(pk=article.pk)
            .annotate(
                shared_tags=shared_tags,
                same_section=Case(
                    When(section_id=article.section_id, then=Value(1)), default=Value(0), output_field=IntegerField()
                ),
            )
            .filter(Q(shared_tags__gt=0) | Q(section_id=article.section_id))
            .for_links()
            .order_by("-shared_tags", "-same_section", "-published_at", "-pk")[:limit]
        )

    def by_lead_author(self, article, exclude=(), limit=4):
        """Return the newest other stories by the article's first-named author, leaving out `exclude` (pks)."""
        bylines = article.bylines.all()
        if not bylines:
            return self.none()
        return (
            self.filter(authors=bylines[0].author_id)
            .exclude(pk=article.pk)
            .exclude(pk__in=exclude)
            .order_by("-published_at", "-pk")[:limit]
        )

    def neighbours_in_section(self, article):
        """Return the pks of the stories just before and just after `article` in its section, as subqueries."""
        in_section = self.filter(section_id=article.section_id)
        at, pk = article.published_at, article.pk
        earlier = in_section.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
        later = in_section.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=pk))
        return (
            Subquery(earlier.order_by("-published_at", "-pk").values("pk")[:1]),
            Subquery(later.order_by("published_at", "pk").values("pk")[:1]),
        )

    def links_around(self, article, exclude=(), limit=4):
        """
        Return more by the article's first-named author (leaving out `exclude`, pks),
        and the previous and next stories in its section, in one query.
        """
        previous, following = self.neighbours_in_section(article)
        # A story page's query budget is tight, so the three lists come in one query,
        # each row flagged with the lists it belongs to.
        lists = {
            "is_by_author": Q(pk__in=self.by_lead_author(article, exclude, limit).values("pk")),
            "is_previous": Q(pk=previous),
            "is_next": Q(pk=following),
        }
        rows = list(
            self.filter(reduce(operator.or_, lists.values()))
            .annotate(**{name: ExpressionWrapper(q, output_field=BooleanField()) for name, q in lists.items()})
            .for_links()
            .order_by("-published_at", "-pk")
        )
        return StoryLinks(
            by_author=[row for row in rows if row.is_by_author],
            previous=next((row for row in rows if row.is_previous), None),
            following=next((row for row in rows if row.is_next), None),
        )

    def latest_modified_at(self):
        """Return when the most recently changed of these articles last changed, or None."""
        return self.aggregate(latest=models.Max(Greatest("published_at", "updated_at")))["latest"]


class Article(models.Model):
    """A story, from a reporter's draft to the published page."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

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
        help_text=_("A time in the future schedules the story: it appears on its own then."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        get_latest_by = "published_at"
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["status", "published_at"], name="article_status_published")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_date",
            ),
            models.CheckConstraint(
                condition=Q(hero_image="") | ~Q(hero_image_alt=""),
                name="hero_image_has_alt_text",
            ),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        if self.published_at is None:
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
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def clean(self):
        if self.hero_image and not self.hero_image_alt.strip():
            raise ValidationError({"hero_image_alt": _("Describe the image for readers who cannot see it.")})
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def save(self, *args, **kwargs):
        self.body = sanitise_html(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def last_modified_at(self):
        """Return when readers last saw a change: publication, or an edit after it."""
        if self.published_at is None:
            return self.updated_at
        return max(self.published_at, self.updated_at)

    @property
    def share_image(self):
        """Describe the image that represents the story in feeds and link previews, or return None."""
        return ShareImage.from_file(
            self.hero_image, alt=self.hero_image_alt, width=self.hero_image_width, height=self.hero_image_height
        )

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
