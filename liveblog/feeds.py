"""An RSS feed per live blog: its newest entries."""

from django.contrib.syndication.views import Feed

from articles.feeds import RssFeed

from .views import public_live_blog

FEED_LENGTH = 20


class LiveBlogFeed(Feed):
    """The newest entries of one live blog readers may see."""

    feed_type = RssFeed

    def get_object(self, request, article_pk):
        return public_live_blog(article_pk)

    def title(self, obj):
        return obj.article.headline

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return obj.article.standfirst

    def items(self, obj):
        return obj.entries.for_display()[:FEED_LENGTH]

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.text

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author.name if item.author else None
