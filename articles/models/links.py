"""What links a story to others: bylines, sources and tags (dated, for the lists) and stored related stories."""

from django.db import models, transaction
from django.db.models import (
    F,
    Q,
)
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag, TaggedItemBase

from .stories import RELATED_STORED, Article


class RelatedStoryQuerySet(models.QuerySet):
    def refresh_around(self, article):
        """
        Rank and store `article`'s related stories, then those of the stories it now
        lists, so that a story going out also appears under the older ones it relates to.
        """
        ranked = self.refresh(article)
        for story in Article.objects.filter(pk__in=ranked).prefetch_related("tags"):
            self.refresh(story)

    def refresh(self, article):
        """
        Rank and store `article`'s related stories among those with a public address
        (each page shows the ones readers may see at the time); return their pks.
        """
        ranked = list(
            Article.objects.with_public_address().related_to(article, limit=RELATED_STORED).values_list("pk", flat=True)
        )
        with transaction.atomic(using=self.db):
            self.filter(article=article).delete()
            self.bulk_create(
                RelatedStory(article=article, story_id=pk, position=position) for position, pk in enumerate(ranked)
            )
        return ranked


class DatedLinkQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Create the links, giving those made without it their article's publication date."""
        objs = list(objs)
        article_id = f"{self.model.ARTICLE_FIELD}_id"
        undated = {getattr(link, article_id) for link in objs if link.published_at is None}
        if undated:
            dates = dict(Article._base_manager.using(self.db).filter(pk__in=undated).values_list("pk", "published_at"))
            for link in objs:
                if link.published_at is None:
                    link.published_at = dates.get(getattr(link, article_id))
        return super().bulk_create(objs, *args, **kwargs)


class DatedLink(models.Model):
    """
    A link from an article to what lists it (an author, an organisation it cites, a tag)
    that keeps a copy of the article's publication date, so that the list walks an index
    on (author, organisation or tag, date) newest first. The link copies the date when it
    is made; Article.save() and ArticleQuerySet.update() copy a new date onto every link
    of the article.
    """

    ARTICLE_FIELD = "article"

    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    objects = DatedLinkQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.published_at = getattr(self, self.ARTICLE_FIELD).published_at
        super().save(*args, **kwargs)


class Byline(DatedLink):
    """An author's credit on an article, in order, with an optional role."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines", db_index=False)
    author = models.ForeignKey(
        "authors.Author", on_delete=models.PROTECT, related_name="bylines", verbose_name=_("author"), db_index=False
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
        # An author's page and feed walk their stories newest first from here.
        indexes = [models.Index(fields=["author", "published_at", "article"], name="byline_author_listed")]

    def __str__(self):
        return f"{self.role}: {self.author}" if self.role else str(self.author)


class Citation(DatedLink):
    """An organisation a story cites as a source (`Article.sources`' through model)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations", db_index=False)
    organisation = models.ForeignKey(
        "authors.Organisation",
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("organisation"),
        db_index=False,
    )

    class Meta:
        # The table and unique pair Django made for `sources` before it had this model.
        db_table = "articles_article_sources"
        unique_together = [("article", "organisation")]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        # An organisation's page walks the stories citing it newest first from here.
        indexes = [models.Index(fields=["organisation", "published_at", "article"], name="citation_listed")]

    def __str__(self):
        return str(self.organisation)


class TaggedArticle(DatedLink, TaggedItemBase):
    """A tag on an article (django-taggit's through model, with the article's publication date)."""

    ARTICLE_FIELD = "content_object"

    content_object = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="tagged_items", db_index=False)
    # TaggedItemBase's field, less its index: `tag_listed` leads with the tag.
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="%(app_label)s_%(class)s_items", db_index=False)

    class Meta:
        verbose_name = _("tagged article")
        verbose_name_plural = _("tagged articles")
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag")]
        # A topic's page and feed, and the related stories' candidates, walk its stories newest first from here.
        indexes = [models.Index(fields=["tag", "published_at", "content_object"], name="tag_listed")]


class RelatedStory(models.Model):
    """
    A story listed as related under another, ranked by `ArticleQuerySet.related_to()`
    when the other was last published or edited and kept here, so that a story page
    reads its related stories rather than ranking the archive on every view.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links", db_index=False)
    story = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_listings")
    position = models.PositiveSmallIntegerField(_("position"))

    objects = RelatedStoryQuerySet.as_manager()

    # What the rankings a story is in depend on: its own (its tags and section) and those
    # of others listing it (its tags, section, date and whether it has a public address).
    # A save that changes none of these leaves every ranking as it was.
    RANKED_BY = frozenset({"tags", "section", "status", "published_at", "embargo_lifts_at", "expires_at"})

    class Meta:
        ordering = ["article", "position"]
        verbose_name = _("related story")
        verbose_name_plural = _("related stories")
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="unique_related_position"),
            models.UniqueConstraint(fields=["article", "story"], name="unique_related_story"),
            models.CheckConstraint(condition=~Q(article=F("story")), name="related_story_not_itself"),
        ]

    def __str__(self):
        return f"{self.article} → {self.story}"
