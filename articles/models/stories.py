"""The story itself: the published rule, the queries reader pages run, and optimistic locking."""

import functools
from datetime import timedelta
from typing import NamedTuple

from django.apps import apps
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import Tag

from newsroom.pagination import filter_first, newer_than, older_than

from ..body import link_photos, photo_ids
from ..html import EDITOR_EXTENSIONS, sanitise_html
from .fields import login_field
from .locking import next_version
from .rows import instances_from_rows, rows_of
from .sections import Section


def name_and_slug(relation):
    """Return rows_of()'s fields for the name and slug across `relation`."""
    return {"name": f"{relation}__name", "slug": f"{relation}__slug"}


def other_model(name):
    """
    Return another of this app's models by name: their modules import this one (a byline
    names its article), so the story's queries look them up in Django's registry instead.
    """
    return apps.get_model("articles", name)


class EditConflict(Exception):
    """Someone else saved the article after this copy of it was loaded."""

    def __init__(self, article, expected_version):
        self.article = article
        self.expected_version = expected_version
        super().__init__(f"Article {article.pk} changed since version {expected_version} was loaded.")


class StoryLinks(NamedTuple):
    """The stories a story page links to: related ones, more by its author, the previous and next in its section."""

    related: list
    by_author: list
    previous: "Article | None"
    following: "Article | None"


class FrontPage(NamedTuple):
    """The stories of the home page: the newest, the newest of each section, and those chosen by id."""

    latest: list
    by_section: list
    chosen: dict


# How many related stories a story page shows, and how many are stored for it, so that
# the page still has enough when some of them are taken down or expire.
RELATED_SHOWN = 4
RELATED_STORED = 8
# How many of the newest stories sharing each tag, and in the section, are weighed as
# related: the bound that keeps ranking them the same work at any size of archive.
RELATED_CANDIDATES = 50


@functools.cache
def _concrete_attnames(model):
    return tuple(field.attname for field in model._meta.concrete_fields)


# Article.stored_value() of a field that was not loaded, so a save cannot compare with it.
NOT_LOADED = object()


def visible_to_readers(now):
    """Return the condition, at time `now`, for an article to be visible to readers."""
    return (
        Q(status=Article.Status.PUBLISHED, published_at__lte=now)
        & (Q(embargo_lifts_at__isnull=True) | Q(embargo_lifts_at__lte=now))
        & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    )


class ArticleQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """
        Update the rows and bump their version, so open change forms notice the change;
        a new publication date is copied onto the rows' bylines and tags as well.
        """
        kwargs.setdefault("version", F("version") + 1)
        if "published_at" not in kwargs:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            Article.objects.using(self.db).filter(pk__in=pks).copy_dates_to_links()
        return count

    def copy_dates_to_links(self):
        """Copy each of these articles' publication date onto its bylines, sources and tags, which lists walk by date."""
        # The links.DatedLink models.
        for link in (other_model("Byline"), other_model("Citation"), other_model("TaggedArticle")):
            article = link.ARTICLE_FIELD
            link._base_manager.using(self.db).filter(**{f"{article}__in": self.values("pk")}).update(
                published_at=Subquery(
                    Article._base_manager.filter(pk=OuterRef(f"{article}_id")).values("published_at")[:1]
                )
            )

    def linked_to(self, link, **lookups):
        """
        Return these articles linked by `link` ("bylines", "citations" or "tagged_items")
        to what `lookups` name (author=…, organisation=…, tag=…), drafts included, each
        annotated with the link's copy of its publication date (`listed_at`), in no
        particular order. A list ordered by `listed_at` first is in publication order, and
        walks the link's index on (author, organisation or tag, date, article) rather than
        reading all the links and sorting.
        """
        condition = Q(**{f"{link}__{name}": value for name, value in lookups.items()})
        article = self.model._meta.get_field(link).related_model.ARTICLE_FIELD
        return (
            self.annotate(listing=FilteredRelation(link, condition=condition))
            # Filter first, so the join is an inner one that the annotation then reuses.
            .filter(**{f"listing__{article}__isnull": False})
            .annotate(listed_at=F("listing__published_at"))
        )

    def listed_under(self, link, **lookups):
        """
        Return these articles linked_to() what `lookups` name, published ones' links only,
        newest first, each annotated also with the link's article id (`listed_id`).
        Ordering and paging by those two walks the link's index and stops after a page,
        however old or many the stories are.
        """
        article = self.model._meta.get_field(link).related_model.ARTICLE_FIELD
        return (
            self.linked_to(link, **lookups)
            .filter(listed_at__isnull=False)  # A link without a date is a draft's.
            .annotate(listed_id=F(f"listing__{article}"))
            .order_by("-listed_at", "-listed_id")
        )

    def published(self):
        """Return articles that readers may see now: published, due, out of embargo and not expired."""
        return self.filter(visible_to_readers(timezone.now()))

    def with_public_address(self):
        """Return published stories, whether readers can see them yet or not: the rule of `has_public_address()`."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__isnull=False)

    def newest_first(self):
        """Order newest first, by the (published_at, id) the indexes hold."""
        return self.order_by("-published_at", "-pk")

    def oldest_first(self):
        """Order oldest first, by the (published_at, id) the indexes hold."""
        return self.order_by("published_at", "pk")

    def in_any(self, *parts):
        """
        Return these articles that are in any of `parts`, querysets of articles that may
        each be ordered and sliced, in one statement that runs each part once as its own
        bounded query: a UNION ALL of their ids.
        """
        return self.filter(pk__in=self._ids_of_any(parts)) if parts else self.none()

    def _ids_of_any(self, parts):
        """Return a UNION ALL of the ids of `parts`, each kept to its own order and limit."""
        if connections[self.db].features.supports_slicing_ordering_in_compound:
            ids = [part.values_list("pk", flat=True) for part in parts]
        else:
            # SQLite refuses LIMIT in a part of a UNION, but not in a subquery within one.
            wrapped = (Article._base_manager.filter(pk__in=part.values("pk")) for part in parts)
            ids = [part.values_list("pk", flat=True).order_by() for part in wrapped]
        return ids[0].union(*ids[1:], all=True).order_by() if len(ids) > 1 else ids[0]

    def upcoming(self):
        """Return published articles that readers will see later: scheduled or still under embargo."""
        now = timezone.now()
        return (
            self.filter(status=Article.Status.PUBLISHED)
            .filter(Q(published_at__gt=now) | Q(embargo_lifts_at__gt=now))
            .exclude(expires_at__lte=now)
            .oldest_first()
        )

    def next_visibility_change(self):
        """Return the next time at which readers' view of these articles changes by itself, or None."""
        now = timezone.now()
        published = self.filter(status=Article.Status.PUBLISHED)
        # Three small index lookups rather than one aggregate that would read every story.
        times = [
            published.filter(**{f"{field}__gt": now}).order_by(field).values_list(field, flat=True).first()
            for field in ("published_at", "embargo_lifts_at", "expires_at")
        ]
        return min(filter(None, times), default=None)

    def owned_by(self, user):
        """Return the articles `user` created or has a byline on."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(created_by=user) | Q(pk__in=other_model("Byline").objects.filter(author__user=user).values("article_id"))
        )

    def in_review(self):
        """Return articles waiting for an editor, longest-waiting first."""
        submitted_at = (
            other_model("ArticleTransition")
            .objects.filter(article=OuterRef("pk"), to_status=Article.Status.REVIEW)
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
        returns = other_model("ArticleTransition").objects.returns().filter(article=OuterRef("pk"))
        return self.annotate(
            returned_action=Subquery(returns.values("action")[:1]),
            returned_note=Subquery(returns.values("note")[:1]),
            returned_at=Subquery(returns.values("created_at")[:1]),
        )

    def for_listing(self):
        """Load what an article card shows: section, photo (which keeps its renditions), and bylines with their authors."""
        return (
            # "liveblog": the live blog app's one-to-one, for the Live badge, in the same query.
            self.select_related("section", "photo", "liveblog")
            .prefetch_related(Prefetch("bylines", queryset=other_model("Byline").objects.select_related("author")))
            .defer(*Article.NOT_ON_CARDS)
        )

    def for_detail(self):
        """
        Load everything the article page shows: the story with its tags, sources and
        corrections in one query (see tag_list and the like), its bylines in a second.
        """
        return (
            self.for_listing()
            .defer(None)
            .defer("search_vector")
            .select_related("photo__photographer", "photo__source_organisation")
            .annotate(
                tag_rows=rows_of(other_model("TaggedArticle"), "content_object", id="tag_id", **name_and_slug("tag")),
                source_rows=rows_of(
                    Article.sources.through, "article", id="organisation_id", **name_and_slug("organisation")
                ),
                correction_rows=rows_of(
                    other_model("Correction"),
                    "article",
                    **{name: name for name in ("id", "article_id", "kind", "text", "created_at")},
                ),
            )
        )

    def for_links(self):
        """Load only what a link to a story shows: headline, date and section."""
        return self.select_related("section").only(
            "headline", "slug", "status", "published_at", "section__name", "section__slug"
        )

    def front_page(self, sections, latest_count, section_count, chosen=()):
        """
        Return the newest `latest_count` of these stories, the newest `section_count` of
        each of `sections`, and those of `chosen` (ids) that are among these stories, in
        one query of one bounded part per list.
        """
        newest, chosen = self.newest_first(), set(chosen)
        parts = [newest[:latest_count], *(newest.filter(section=section)[:section_count] for section in sections)]
        if chosen:
            parts.append(self.filter(pk__in=chosen))
        rows = list(self.in_any(*parts).newest_first())
        # The newest part holds the newest stories of all, so a chosen older one sorts after it.
        return FrontPage(
            latest=rows[:latest_count],
            by_section=[
                (section, [row for row in rows if row.section_id == section.pk][:section_count]) for section in sections
            ],
            chosen={row.pk: row for row in rows if row.pk in chosen},
        )

    def related_to(self, article, limit=RELATED_SHOWN):
        """
        Return up to `limit` other stories: most shared tags first, then same section,
        then newest. Only the newest RELATED_CANDIDATES stories sharing each tag, and in
        the section, are weighed, so the work is the same at any size of archive.
        """
        tag_ids = [tag.pk for tag in article.tags.all()]
        others = self.exclude(pk=article.pk).newest_first()
        candidates = [others.listed_under("tagged_items", tag=tag_id) for tag_id in tag_ids] + [
            others.filter(section_id=article.section_id)
        ]
        # The candidates' ids first, in a query of their own: ranked with the aggregate
        # below in the same statement, a planner without statistics on a new database may
        # run the candidates' queries again for every story it looks at.
        candidate_ids = set(self._ids_of_any([candidate[:RELATED_CANDIDATES] for candidate in candidates]))
        shared_tags = Count("tags", filter=Q(tags__in=tag_ids), distinct=True) if tag_ids else Value(0)
        return (
            self.filter(pk__in=candidate_ids)
            .annotate(
                shared_tags=shared_tags,
                same_section=Case(
                    When(section_id=article.section_id, then=Value(1)), default=Value(0), output_field=IntegerField()
                ),
            )
            .for_links()
            .order_by("-shared_tags", "-same_section", "-published_at", "-pk")[:limit]
        )

    def by_lead_author(self, article, exclude=(), limit=4):
        """Return the newest other stories by the article's first-named author, leaving out `exclude` (pks)."""
        bylines = article.bylines.all()
        if not bylines:
            return self.none()
        return (
            self.listed_under("bylines", author=bylines[0].author_id)
            .exclude(pk=article.pk)
            .exclude(pk__in=exclude)[:limit]
        )

    def neighbours_in_section(self, article):
        """Return the stories just before and just after `article` in its section, as querysets of at most one."""
        in_section = self.filter(section_id=article.section_id)
        at, pk = article.published_at, article.pk
        return (
            filter_first(in_section, older_than("published_at", at, "pk", pk)).newest_first()[:1],
            in_section.filter(newer_than("published_at", at, "pk", pk)).oldest_first()[:1],
        )

    def links_around(self, article, exclude=(), limit=4):
        """
        Return, in one query, the article's stored related stories (RelatedStory), more
        by its first-named author (leaving out `exclude`, pks, and the related stories
        shown), and the previous and next stories in its section.
        """
        previous, following = self.neighbours_in_section(article)
        stored = other_model("RelatedStory").objects.filter(article=article)
        # Enough stories by the author that `limit` remain once the related ones shown are left out.
        by_author = self.by_lead_author(article, exclude, limit + RELATED_SHOWN)
        bylines = article.bylines.all()
        lead = bylines[0].author_id if bylines else None
        # A story page's query budget is tight, so the lists come in one query. Each row
        # says where it stands among the related stories and whether the lead author wrote
        # it; which are the previous and next in the section follows from the dates.
        rows = list(
            self.in_any(self.filter(related_listings__article=article), by_author, previous, following)
            .annotate(
                related_position=Subquery(stored.filter(story=OuterRef("pk")).order_by().values("position")[:1]),
                is_by_author=Exists(other_model("Byline").objects.filter(article=OuterRef("pk"), author=lead)),
            )
            .for_links()
            .newest_first()
        )
        related = sorted(
            (row for row in rows if row.related_position is not None), key=lambda row: row.related_position
        )[:RELATED_SHOWN]
        left_out = {row.pk for row in related} | set(exclude)
        here = (article.published_at, article.pk)
        in_section = [row for row in rows if row.section_id == article.section_id]
        return StoryLinks(
            related=related,
            by_author=[row for row in rows if row.is_by_author and row.pk not in left_out][:limit],
            previous=next((row for row in in_section if (row.published_at, row.pk) < here), None),
            following=next((row for row in reversed(in_section) if (row.published_at, row.pk) > here), None),
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
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles", verbose_name=_("section"))
    authors = models.ManyToManyField(
        "authors.Author", through="Byline", related_name="articles", verbose_name=_("authors")
    )
    sources = models.ManyToManyField(
        "authors.Organisation",
        through="Citation",
        blank=True,
        related_name="citing_articles",
        verbose_name=_("sources"),
        help_text=_("Agencies and organisations the story cites."),
    )
    tags = TaggableManager(_("tags"), blank=True, through="TaggedArticle")
    inline_photos = models.ManyToManyField(
        "photos.Photo",
        through="InlinePhoto",
        blank=True,
        related_name="inline_articles",
        verbose_name=_("photos in the body"),
        help_text=_("Kept in step with the body on save."),
    )
    dateline = models.CharField(
        _("dateline"), max_length=100, blank=True, default="", help_text=_("Where the story was reported from.")
    )
    photo = models.ForeignKey(
        "photos.Photo",
        # A photo in use cannot be deleted: the editor first picks another for
        # each story, rather than published stories silently losing their image.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("photo"),
        help_text=_("Shown at the top of the story and on listings. Pick one from the library, or add one with +."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_(
            "Set by Publish and Schedule. A time in the future schedules the story: it appears on its own then."
        ),
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
    is_open_for_comments = models.BooleanField(
        _("open for comments"),
        default=True,
        help_text=_("Untick to close comments: readers can no longer post, approved comments stay visible."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = login_field()
    # PostgreSQL's full-text index of headline, standfirst and body, written by
    # search.backends and GIN-indexed by the search_index migration (a GinIndex in
    # Meta would break SQLite, where this column stays empty and FTS5 does the work).
    search_vector = SearchVectorField(null=True, editable=False)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Goes up by one on every save; a save from an older version is refused."),
    )

    objects = ArticleQuerySet.as_manager()

    # What cards, feeds and search results never show, left unloaded by `for_listing()`.
    NOT_ON_CARDS = [
        "body",
        "search_vector",
        "dateline",
        "embargo_lifts_at",
        "embargoed_by",
        "expires_at",
        "is_open_for_comments",
        "created_at",
        "created_by",
        "version",
        "section__description",
        "photo__caption",
        "photo__usage_terms",
        "photo__copyright_holder",
    ]

    class Meta:
        ordering = ["-published_at", "-created_at"]
        get_latest_by = "published_at"
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "published_at"], name="article_status_published"),
            # Few stories carry an embargo or an expiry; the page cache asks for the next one.
            models.Index(
                fields=["embargo_lifts_at"], condition=Q(embargo_lifts_at__isnull=False), name="article_embargo_lifts"
            ),
            models.Index(fields=["expires_at"], condition=Q(expires_at__isnull=False), name="article_expires"),
            # The API's `since` asks for stories published or updated since a time.
            models.Index(fields=["updated_at"], condition=Q(status="published"), name="article_published_updated"),
            # What readers may see is always among the published rows, newest first: the
            # home page, feeds, date archives and every list page walk these.
            models.Index(
                fields=["published_at", "id"],
                condition=Q(status="published"),
                name="article_published",
            ),
            models.Index(
                fields=["section", "published_at", "id"],
                condition=Q(status="published"),
                name="article_section_published",
            ),
            # The admin's list, newest first with drafts (no date) on top, as Meta.ordering says.
            models.Index(fields=["published_at", "created_at", "id"], name="article_admin_order"),
        ]
        permissions = [
            ("submit_article", _("Can submit articles for review")),
            ("publish_article", _("Can publish, schedule and unpublish articles")),
            ("send_back_article", _("Can send articles back to their reporter")),
            ("spike_article", _("Can spike and restore articles")),
            ("change_any_article", _("Can edit any article, in any state")),
            ("close_comments", _("Can open and close comments on articles")),
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
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        """Return the story's dated public address once it is published (or scheduled), else its preview."""
        if not self.has_public_address():
            return self.get_preview_url()
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

    def get_preview_url(self):
        return reverse("articles:preview", kwargs={"pk": self.pk})

    def has_public_address(self):
        """Tell whether the story has its dated address: published, whether readers can see it yet or not."""
        return self.status == self.Status.PUBLISHED and self.published_at is not None

    def latest_return(self):
        """Return the transition that last made this draft a draft again, with its note; None for other states."""
        if self.status != self.Status.DRAFT:
            return None
        return self.transitions.returns().select_related("user").first()

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

    def accepts_comments(self):
        """Tell whether readers may post comments on this article now."""
        return self.is_open_for_comments and self.is_published()

    def is_scheduled(self):
        """Tell whether the story is published for a time still to come."""
        return self.has_public_address() and self.published_at > timezone.now()

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
        if self.embargoed_by_id and not self.embargo_lifts_at:
            errors["embargo_lifts_at"] = _("Give the time the embargo lifts.")
        if self.expires_at and self.embargo_lifts_at and self.expires_at <= self.embargo_lifts_at:
            errors["expires_at"] = _("The story would expire before its embargo lifts; readers would never see it.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        article = super().from_db(db, field_names, values, **kwargs)
        article.keep_as_stored()
        return article

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using, fields, from_queryset)
        self.keep_as_stored(fields)

    def keep_as_stored(self, fields=None):
        """
        Note the values of `fields` (all, by default) as those the database holds: what
        a save compares with to know what it changes (the dates of bylines and tags, the
        photos a body shows, which cached pages go).
        """
        values = self.__dict__
        if fields is None:
            names = _concrete_attnames(type(self))
        else:
            names = [self._meta.get_field(name).attname for name in fields]
        # The values themselves, not copies: a body is pointed at, not copied.
        values.setdefault("_as_stored", {}).update({name: values[name] for name in names if name in values})

    def stored_value(self, attname):
        """Return a field's value as loaded or last saved; NOT_LOADED if it was neither."""
        return self.__dict__.get("_as_stored", {}).get(attname, NOT_LOADED)

    def has_stored_values(self):
        """Tell whether this copy was loaded from the database or saved (what stored_value() reads)."""
        return "_as_stored" in self.__dict__

    def save(self, *args, **kwargs):
        """
        Save, refusing with `EditConflict` if the row changed since this copy was loaded,
        and copy a new publication date onto the bylines and tags.
        """
        if "body" in self.__dict__:
            self.body = sanitise_html(self.body)
        if self._state.adding or kwargs.get("force_insert"):
            super().save(*args, **kwargs)
            self.sync_inline_photos(using=kwargs.get("using"), created=True)
            self.keep_as_stored()
            return
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        update_fields = kwargs.get("update_fields")
        with next_version(self, using, EditConflict):
            super().save(*args, **kwargs)
            if self.published_at != self.stored_value("published_at") and (
                update_fields is None or "published_at" in update_fields
            ):
                Article.objects.using(using).filter(pk=self.pk).copy_dates_to_links()
            if update_fields is None or "body" in update_fields:
                self.sync_inline_photos(using=using)
        # Last: what ran since the save (signals' receivers included) compared with the values before it.
        self.keep_as_stored(update_fields)

    def sync_inline_photos(self, using=None, created=False):
        """
        Record which library photos the body shows (InlinePhoto), when that changed since
        the body was loaded; ids of photos not in the library are left out. Costs no query
        when the body's photos are those it had.
        """
        if "body" not in self.__dict__:
            return
        wanted = set(photo_ids(self.body))
        stored = self.stored_value("body")
        if created:
            known = set()
        elif stored is not NOT_LOADED:
            known = set(photo_ids(stored))
        else:
            known = None
        if known != wanted:
            link_photos(other_model("InlinePhoto").objects.using(using or self._state.db), self.body, article=self)

    @property
    def last_modified_at(self):
        """Return when readers last saw a change: publication, or an edit after it."""
        if self.published_at is None:
            return self.updated_at
        return max(self.published_at, self.updated_at)

    def _listed(self, annotation, related, model):
        """Return the rows for_detail() read with the story, or, for a story loaded otherwise, read them now."""
        if hasattr(self, annotation):
            return instances_from_rows(model, getattr(self, annotation), self._state.db)
        return list(related.all())

    @cached_property
    def tag_list(self):
        """Return the story's tags, by name."""
        return sorted(self._listed("tag_rows", self.tags, Tag), key=lambda tag: tag.name.casefold())

    @cached_property
    def source_list(self):
        """Return the organisations the story cites, by name."""
        return sorted(
            self._listed("source_rows", self.sources, self.sources.model), key=lambda organisation: organisation.name
        )

    @cached_property
    def correction_list(self):
        """Return the story's corrections and updates, newest first."""
        corrections = self._listed("correction_rows", self.corrections, self.corrections.model)
        return sorted(corrections, key=lambda correction: (correction.created_at, correction.pk), reverse=True)

    @property
    def share_image(self):
        """Describe the image that represents the story in feeds and link previews, or return None."""
        return self.photo.share_image if self.photo else None

    @property
    def was_updated(self):
        """Tell whether the story changed noticeably after it was published."""
        return bool(self.published_at) and self.updated_at - self.published_at > timedelta(minutes=5)
