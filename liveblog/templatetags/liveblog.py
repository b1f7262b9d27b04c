"""The Live badge on story cards; what a live blog adds to its story's page comes from liveblog.receivers."""

from django import template

from ..models import live_blog_of

register = template.Library()


@register.filter
def is_live(article):
    """
    Tell whether `article` is a live blog whose coverage is running: the Live badge on
    cards. A filter, because `article.liveblog.is_live` in a template costs a dir() of the
    story each time the story has no live blog, as most have not.
    """
    live_blog = live_blog_of(article)
    return live_blog is not None and live_blog.is_live
