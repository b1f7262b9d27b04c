"""An RSS feed per live blog: its newest entries."""

from django.contrib.syndication.views import Feed

from articles.feeds import RssFeed

from .models import prepare_texts
from .views import public_live_blog

FEED_LENGTH = 20


class LiveBlogFeed(Feed):
    """The newest entries of one live blog readers may see."""

    feed_type = RssFeed

    def title(self, obj):
        return obj.article.headline

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return obj.article.standfirst

    def get_object(self, request, article_pk):
        live_blog = public_live_blog(article_pk)
        # The feed object is shared by all requests; what one request needs goes on its live blog.
        live_blog.absolute_uri = request.build_absolute_uri
        return live_blog

    def items(self, obj):
        # Photos as <img> with absolute addresses, embeds as plain links.
        return prepare_texts(obj.entries.for_display()[:FEED_LENGTH], for_feeds=obj.absolute_uri)

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.text_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author.name if item.author else None
