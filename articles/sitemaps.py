"""Sitemaps of stories, sections and topics, and the Google News sitemap of recent stories."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from .models import Article, Section

# Google News reads only stories from the last two days, at most 1,000 of them.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):
    """Every published story."""

    def items(self):
        # Only what the URL and lastmod need: sitemaps can hold 50,000 stories a page.
        return (
            Article.objects.published()
            .only("slug", "status", "published_at", "updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, article):
        return article.last_modified_at

    def get_latest_lastmod(self):
        # Django's default would load every story to find the newest date.
        return Article.objects.published().latest_modified_at()


class SectionSitemap(Sitemap):
    def items(self):
        return Section.objects.all()


class TagSitemap(Sitemap):
    """Topics that at least one published story carries."""

    def items(self):
        return (
            Tag.objects.filter(article__in=Article.objects.published().values("pk"))
            .distinct()
            .order_by("name")
            .only("slug")
        )

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
