"""
The site's URLs plus the benchmark's two yardsticks (newsroom.settings.bench only): a
bare view, and the site's own page with nothing in it.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

BARE_PAGE_BYTES = 30 * 1024
BARE_PATH = "bench/bare/"
SHELL_PATH = "bench/shell/"


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


# Every reader page extends the site's base template; this fills none of its blocks.
SHELL = engines["django"].from_string('{% extends "base.html" %}')


def shell_view(request):
    """
    Return the site's page with nothing in it (header, navigation, footer, through the
    site's middleware, context processors and templates, and no query of its own): the
    most a page of the site can serve without the page cache.
    """
    return HttpResponse(SHELL.render(request=request))


urlpatterns = [
    path(BARE_PATH, bare_view, name="bench_bare"),
    path(SHELL_PATH, shell_view, name="bench_shell"),
    path("", include("newsroom.urls")),
]
