"""What a live blog adds to its story's page: key events, a page of entries, its feed and its JSON-LD."""

from django.conf import settings
from django.core.paginator import InvalidPage
from django.dispatch import receiver
from django.http import Http404, QueryDict
from django.urls import reverse

from articles.models import Article
from articles.signals import article_page
from authors.structured_data import json_ld
from newsroom.pagination import KeysetPaginator

from .models import live_blog_of, prepare_texts
from .structured_data import live_blog_posting
from .views import entry_cursor

ENTRIES_PER_PAGE = 20


@receiver(article_page, sender=Article, dispatch_uid="liveblog.article_page")
def live_blog_on_the_page(sender, article, request, is_preview, **kwargs):
    live_blog = live_blog_of(article)
    if live_blog is None:
        return {}
    page = entries_page(live_blog, request)
    entries = prepare_texts(page) if page else []
    first_page = page is None or not page.has_previous()
    return {
        "live_blog": live_blog,
        "live_highlights": list(live_blog.entries.highlights()[:ENTRIES_PER_PAGE]),
        "live_page": page,
        "live_entries": entries,
        # Readers of the newest entries ask for newer ones while the coverage runs.
        "live_poll_url": reverse("liveblog:entries", args=[article.pk])
        if live_blog.is_live and first_page and not is_preview
        else "",
        "live_cursor": entry_cursor(page[0]) if page else "",
        "live_poll_seconds": settings.NEWSROOM_LIVE_POLL_SECONDS,
        "live_feed_url": reverse("liveblog:feed", args=[article.pk]),
        # Previews are kept out of indexes, and their page leaves the structured data out.
        "live_structured_data": "" if is_preview else json_ld(live_blog_posting(live_blog, entries, request)),
    }


def entries_page(live_blog, request):
    """Return the page of entries the request asks for (`?before=`/`?after=`), or None if there are none yet."""
    params = QueryDict(mutable=True)
    for name in ("before", "after"):
        if name in request.GET:
            params[name] = request.GET[name]
    paginator = KeysetPaginator(live_blog.entries.for_display(), ENTRIES_PER_PAGE, "created_at", "id")
    try:
        return paginator.page(params)
    except InvalidPage as error:
        if params:
            raise Http404(str(error)) from None
        return None
