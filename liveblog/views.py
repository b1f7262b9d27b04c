from django.core.paginator import InvalidPage
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views import View

from articles.models import Article
from newsroom.pagination import decode_cursor, encode_cursor, newer_than

from .models import LiveBlog, prepare_texts

# Polling readers may be served the same answer for this long, by their browser or a CDN.
POLL_CACHE_SECONDS = 5
# At most this many entries an answer; a reader further behind reloads the page.
POLL_LIMIT = 20


def public_live_blog(article_pk):
    """Return the live blog of a story readers may see, or raise Http404."""
    return get_object_or_404(
        LiveBlog.objects.select_related("article"), article__in=Article.objects.published().filter(pk=article_pk)
    )


def entry_cursor(entry):
    return encode_cursor(entry.created_at, entry.pk)


class EntriesView(View):
    """
    The entries newer than `?after=<cursor>`, oldest first, each as the HTML the page
    shows, with the cursor to ask from next. One answer serves every reader polling.
    """

    def get(self, request, article_pk):
        live_blog = public_live_blog(article_pk)
        entries = live_blog.entries.for_display()
        cursor = request.GET.get("after", "")
        if cursor:
            try:
                moment, pk = decode_cursor(cursor)
            except InvalidPage:
                return JsonResponse({"error": "That is not a cursor of this live blog."}, status=400)
            new = list(
                entries.filter(newer_than("created_at", moment, "id", pk)).order_by("created_at", "id")[:POLL_LIMIT]
            )
        else:
            new = list(entries.order_by("-created_at", "-id")[:POLL_LIMIT])[::-1]
        response = JsonResponse(
            {
                "is_live": live_blog.is_live,
                "cursor": entry_cursor(new[-1]) if new else cursor,
                "entries": [
                    {"id": entry.pk, "html": render_to_string("liveblog/entry.html", {"entry": entry})}
                    for entry in prepare_texts(new)
                ],
            }
        )
        response["Cache-Control"] = f"public, max-age={POLL_CACHE_SECONDS}"
        return response
