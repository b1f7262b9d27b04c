"""RSS and Atom feeds of the latest stories, of a section, of an author and of a topic."""

import io

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from taggit.models import Tag

from authors.models import Author

from .body import Body
from .models import Article, Section

FEED_LENGTH = 20
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"
RSS_CONTENT = "http://purl.org/rss/1.0/modules/content/"


class WrittenWhole:
    """
    Write the feed into the response in one piece. Written element by element, a feed
    is a response of a thousand small chunks, and the server sends each with a system
    call of its own: ten times the cost of serving the page from the cache.
    """

    def write(self, outfile, encoding):
        document = io.StringIO()
        super().write(document, encoding)
        if isinstance(outfile, HttpResponse):
            # A response starts as one empty chunk, which write() would add to: the server
            # would send that too, with a system call of its own (about 5% of a cached feed).
            outfile.content = document.getvalue()
        else:
            outfile.write(document.getvalue())


class RssFeed(WrittenWhole, Rss201rev2Feed):
    pass


class NewsRssFeed(RssFeed):
    """RSS 2.0 naming every author of a story, one dc:creator each, with the story's text as content:encoded."""

    def rss_attributes(self):
        return super().rss_attributes() | {"xmlns:dc": DUBLIN_CORE, "xmlns:content": RSS_CONTENT}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        if item["content"]:
            handler.addQuickElement("content:encoded", item["content"])


class NewsAtomFeed(WrittenWhole, Atom1Feed):
    """Atom naming every author of a story, each with a link to their page, with the story's text as content."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item["content"]:
            handler.addQuickElement("content", item["content"], {"type": "html"})
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")


class LatestArticlesFeed(Feed):
    """The newest published stories."""

    feed_type = NewsRssFeed

    def title(self):
        return _("%(site)s: latest stories") % {"site": settings.NEWSROOM_SITE_NAME}

    def link(self):
        return reverse("frontpage:home")

    def description(self):
        return _("The latest stories from %(site)s.") % {"site": settings.NEWSROOM_SITE_NAME}

    def subtitle(self, obj):
        return self._get_dynamic_attr("description", obj)

    def author_name(self):
        # Atom needs an author for the feed when a story has no byline.
        return settings.NEWSROOM_SITE_NAME

    def articles(self, obj):
        """Return the published stories this feed is about, newest first."""
        return Article.objects.published().newest_first()

    def items(self, obj):
        articles = list(
            self.articles(obj).for_listing().defer(None).defer("search_vector").prefetch_related("tags")[:FEED_LENGTH]
        )
        # The photos in all the stories' bodies come in one query.
        for article, body in zip(articles, Body.many(article.body for article in articles), strict=True):
            article.feed_body = body
        return articles

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        # Feed readers treat descriptions as HTML (Django's Atom says type="html"); the standfirst is plain text.
        return escape(article.standfirst)

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.last_modified_at

    def item_categories(self, article):
        return [article.section.name, *(tag.name for tag in article.tags.all())]

    def item_enclosures(self, article):
        image = article.share_image
        if image is None:
            return []
        # The byte size is not stored, and asking the storage for it would cost a request
        # per story; the RSS Advisory Board's profile says to give 0 when it is unknown.
        return [Enclosure(image.url, "0", image.content_type or "application/octet-stream")]

    def item_extra_kwargs(self, article):
        return {
            "authors": [(byline.author.name, byline.author.get_absolute_url()) for byline in article.bylines.all()],
            "content": article.feed_body,
        }

    def get_feed(self, obj, request):
        """Build the feed, then make image and author URLs absolute: Django does so only for links."""
        feed = super().get_feed(obj, request)
        for item in feed.items:
            item["authors"] = [(name, request.build_absolute_uri(url)) for name, url in item["authors"]]
            # Images in the text as plain <img> with absolute addresses, embeds as links.
            item["content"] = item["content"].for_feeds(request.build_absolute_uri) if item["content"].html else ""
            for enclosure in item["enclosures"]:
                enclosure.url = request.build_absolute_uri(enclosure.url)
        return feed


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = NewsAtomFeed


class ObjectFeed(LatestArticlesFeed):
    """The newest published stories of one object found by its slug."""

    model = None

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def title(self, obj):
        return f"{obj} | {settings.NEWSROOM_SITE_NAME}"

    def link(self, obj):
        return obj.get_absolute_url()


class SectionFeed(ObjectFeed):
    """The newest published stories of one section."""

    model = Section

    def description(self, section):
        return section.description or _("The latest %(section)s stories.") % {"section": section.name}

    def articles(self, section):
        return section.articles.published().newest_first()


class SectionAtomFeed(SectionFeed):
    feed_type = NewsAtomFeed


class AuthorFeed(ObjectFeed):
    """The newest published stories by one author."""

    model = Author

    def description(self, author):
        return _("The latest stories by %(author)s.") % {"author": author.name}

    def articles(self, author):
        return Article.objects.published().listed_under("bylines", author=author)


class AuthorAtomFeed(AuthorFeed):
    feed_type = NewsAtomFeed


class TagFeed(ObjectFeed):
    """The newest published stories on one topic."""

    model = Tag

    def link(self, tag):
        return reverse("articles:tag", args=[tag.slug])

    def description(self, tag):
        return _("The latest stories on %(topic)s.") % {"topic": tag.name}

    def articles(self, tag):
        return Article.objects.published().listed_under("tagged_items", tag=tag)


class TagAtomFeed(TagFeed):
    feed_type = NewsAtomFeed
