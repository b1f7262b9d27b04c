"""What the article page of a live blog adds: its entries (`{% live_blog %}`) and its JSON-LD (`{% live_blog_structured_data %}`)."""

from django import template
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import InvalidPage
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.csp import CONTEXT_KEY as CSP_CONTEXT_KEY

from authors.structured_data import json_ld
from newsroom.pagination import KeysetPaginator

from ..models import prepare_texts
from ..structured_data import live_blog_posting
from ..views import entry_cursor

register = template.Library()

ENTRIES_PER_PAGE = 20


def live_blog_of(article):
    """Return the article's live blog or None; ArticleQuerySet.for_detail loads it with the story."""
    try:
        return article.liveblog
    except ObjectDoesNotExist:
        return None


def entries_page(live_blog, request):
    """Return the page of entries the request asks for (`?before=`/`?after=`), read once per request."""
    if not hasattr(live_blog, "_entries_page"):
        params = QueryDict(mutable=True)
        for name in ("before", "after"):
            if name in request.GET:
                params[name] = request.GET[name]
        paginator = KeysetPaginator(live_blog.entries.for_display(), ENTRIES_PER_PAGE, "created_at", "id")
        try:
            live_blog._entries_page = paginator.page(params)
        except InvalidPage as error:
            if params:
                raise Http404(str(error)) from None
            live_blog._entries_page = None  # No entries yet.
    return live_blog._entries_page


@register.filter
def is_live(article):
    """
    Tell whether `article` is a live blog whose coverage is running: the Live badge on
    cards. A filter, because `article.liveblog.is_live` in a template costs a dir() of the
    story each time the story has no live blog, as most have not.
    """
    live_blog = live_blog_of(article)
    return live_blog is not None and live_blog.is_live


@register.inclusion_tag("liveblog/live_blog.html", takes_context=True)
def live_blog(context, article):
    """Show a live blog's key events and pinned entries, then a page of its entries, newest first."""
    live_blog = live_blog_of(article)
    if live_blog is None:
        return {"live_blog": None}
    page = entries_page(live_blog, context["request"])
    first_page = page is None or not page.has_previous()
    return {
        "live_blog": live_blog,
        "highlights": list(live_blog.entries.highlights()[:ENTRIES_PER_PAGE]),
        "page": page,
        "entries": prepare_texts(page) if page else [],
        "poll_url": reverse("liveblog:entries", args=[article.pk])
        if live_blog.is_live and first_page and not context.get("is_preview")
        else "",
        "cursor": entry_cursor(page[0]) if page else "",
        "poll_seconds": settings.NEWSROOM_LIVE_POLL_SECONDS,
        "feed_url": reverse("liveblog:feed", args=[article.pk]),
        # An inclusion tag's context has none of the page's; the script needs the page's nonce.
        CSP_CONTEXT_KEY: context.get(CSP_CONTEXT_KEY),
    }


@register.simple_tag(takes_context=True)
def live_blog_structured_data(context, article):
    """Return the LiveBlogPosting JSON-LD of a live blog's page (nothing for other stories)."""
    live_blog = live_blog_of(article)
    if live_blog is None:
        return ""
    request = context["request"]
    page = entries_page(live_blog, request)
    return json_ld(live_blog_posting(live_blog, list(page) if page else [], request))


@register.simple_tag
def live_blog_feed_url(article):
    """Return the address of a live blog's feed, or ""."""
    return reverse("liveblog:feed", args=[article.pk]) if live_blog_of(article) else ""
