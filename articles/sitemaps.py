"""Sitemaps of stories, sections and topics, and the Google News sitemap of recent stories."""

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.models import Tag

from newsroom.pagination import filter_first

from .models import Article, Section

# Google News reads only stories from the last two days, at most 1,000 of them.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class WeeklyPaginator(Paginator):
    """
    Page the stories of a sitemap by week: page 1 holds those published in the seven days
    from midnight (UTC) of the oldest story's day, each next page the week after, up to
    this week's. A page reads its week through the date index and keeps its stories as
    new ones are published. Django's paginator counts every story and reads a page with
    OFFSET, through every story before it: pages of 50,000 stories took 7.8-9.2 seconds
    each at a million stories. A week holds a few hundred stories, or a few thousand.
    """

    week = timedelta(days=7)

    def __init__(self, stories):
        super().__init__(stories, per_page=Sitemap.limit)

    @cached_property
    def first_week_starts_at(self):
        """Return midnight (UTC) of the day of the oldest story, or None if there is none."""
        oldest = self.object_list.oldest_first().values_list("published_at", flat=True).first()
        return oldest and datetime.combine(oldest.astimezone(UTC).date(), time.min, tzinfo=UTC)

    @cached_property
    def num_pages(self):
        if self.first_week_starts_at is None:
            return 1
        return (timezone.now() - self.first_week_starts_at) // self.week + 1

    def page(self, number):
        number = self.validate_number(number)
        if self.first_week_starts_at is None:
            return self._get_page(self.object_list.none(), number, self)
        starts_at = self.first_week_starts_at + (number - 1) * self.week
        # The week's bounds go first, before the published rule's "up to now" (filter_first).
        week = Q(published_at__gte=starts_at, published_at__lt=starts_at + self.week)
        return self._get_page(filter_first(self.object_list, week), number, self)


class ArticleSitemap(Sitemap):
    """Every published story, a week a page (WeeklyPaginator)."""

    def items(self):
        # Only what the URL and lastmod need.
        return (
            Article.objects.published()
            .only("slug", "status", "published_at", "updated_at")
            .order_by("-published_at", "-pk")
        )

    @property
    def paginator(self):
        return WeeklyPaginator(self._items())

    def lastmod(self, article):
        return article.last_modified_at

    def get_latest_lastmod(self):
        # The index would give this one date to every week's page, telling crawlers that
        # each had changed whenever any story did; each page's own response says when its
        # stories last changed (Last-Modified). Django's default would also load every story.
        return None


class SectionSitemap(Sitemap):
    def items(self):
        return Section.objects.all()


class TagSitemap(Sitemap):
    """Topics that at least one published story carries."""

    def items(self):
        # A probe of each topic's links (their index on tag and date) for a story readers
        # may see, not a join of every published story's links, which read them all.
        published = Article.objects.published().filter(tagged_items__tag=OuterRef("pk"))
        return Tag.objects.filter(Exists(published)).order_by("name").only("slug")

    def location(self, tag):
        return reverse("articles:tag", args=[tag.slug])


def news_language():
    """Return the site's language as Google News wants it: ISO 639, except zh-cn and zh-tw."""
    code = settings.LANGUAGE_CODE.lower()
    return code if code in {"zh-cn", "zh-tw"} else code.split("-")[0]


class NewsSitemap(Sitemap):
    """Stories published in the last 48 hours, for Google News."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("headline", "slug", "status", "published_at", "updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, article):
        return article.last_modified_at

    def get_urls(self, *args, **kwargs):
        """Add what each entry of a news sitemap repeats: the publication's name and language."""
        publication = {"name": settings.NEWSROOM_SITE_NAME, "language": news_language()}
        urls = super().get_urls(*args, **kwargs)
        for url in urls:
            url["publication"] = publication
        return urls
