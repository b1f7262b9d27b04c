"""The site's URLs plus a bare view: the benchmark's yardstick (newsroom.settings.bench only)."""

from django.http import HttpResponse
from django.urls import include, path

BARE_PAGE_BYTES = 30 * 1024
BARE_PATH = "bench/bare/"


def bare_page():
    """Return a fixed HTML page of exactly BARE_PAGE_BYTES bytes, about the size of a story page."""
    head = "<!doctype html>\n<html lang=en><head><meta charset=utf-8><title>Bare page</title></head><body>\n"
    tail = "</body></html>\n"
    paragraph = "<p>" + "A fixed paragraph that stands for the text of a page. " * 8 + "</p>\n"
    body = paragraph * ((BARE_PAGE_BYTES - len(head) - len(tail)) // len(paragraph) + 1)
    filler = BARE_PAGE_BYTES - len(head) - len(tail)
    return (head + body[:filler] + tail).encode()


BARE_PAGE = bare_page()


def bare_view(request):
    """Return the same 30 KB page every time: what a Django view costs before any work of the site's."""
    return HttpResponse(BARE_PAGE)


urlpatterns = [
    path(BARE_PATH, bare_view, name="bench_bare"),
    path("", include("newsroom.urls")),
]
