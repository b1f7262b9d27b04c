"""Reader pages as machines read them: valid times, for a story published this very moment, and headings in order."""

import re
from datetime import datetime
from itertools import pairwise

import pytest
from django.urls import reverse

# HTML's valid global date and time string: seconds may carry one to three digits of fraction.
HTML_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$")
# W3C dates (sitemaps) and RFC 3339 (Atom): any fraction, and an offset with a colon.
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def reader_pages(story):
    day = story.published_at
    return [
        reverse("frontpage:home"),
        story.get_absolute_url(),
        reverse("articles:section", args=["world"]),
        reverse("articles:tag", args=["kim"]),
        reverse("authors:detail", args=["jo-reporter"]),
        reverse("authors:organisation", args=["the-agency"]),
        reverse("articles:corrections"),
        reverse("articles:latest"),
        reverse("articles:archive_year", args=[f"{day:%Y}"]),
        reverse("articles:archive_month", args=[f"{day:%Y}", f"{day:%m}"]),
        reverse("articles:archive_day", args=[f"{day:%Y}", f"{day:%m}", f"{day:%d}"]),
        reverse("search:search") + "?q=Headline",
    ]


def test_every_datetime_attribute_on_reader_pages_is_valid_html(client, story_published_now):
    for page in reader_pages(story_published_now):
        response = client.get(page)
        assert response.status_code == 200, page
        values = re.findall(r'datetime="([^"]*)"', response.content.decode())
        assert values, f"{page} shows no time"
        for value in values:
            assert HTML_DATETIME.match(value), f"{page}: {value}"


def test_headings_on_every_reader_page_go_down_one_level_at_a_time(client, story_published_now):
    for page in reader_pages(story_published_now):
        levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", client.get(page).content.decode())]
        assert levels[:1] == [1], f"{page} starts at h{levels[:1]}"
        skips = [(before, after) for before, after in pairwise(levels) if after > before + 1]
        assert not skips, f"{page} goes from h{skips[0][0]} to h{skips[0][1]}"


@pytest.mark.parametrize("feed", ["articles:feed", "articles:feed_atom"])
def test_feed_times_are_valid_for_the_feed_format(client, story_published_now, feed):
    xml = client.get(reverse(feed)).content.decode()
    if feed.endswith("atom"):
        times = re.findall(r"<(?:updated|published)>([^<]+)<", xml)
        assert times and all(W3C_DATETIME.match(value) for value in times), times
    else:
        times = re.findall(r"<(?:pubDate|lastBuildDate)>([^<]+)<", xml)
        for value in times:
            datetime.strptime(value, "%a, %d %b %Y %H:%M:%S %z")
        assert times


def test_news_sitemap_times_are_w3c_dates(client, story_published_now):
    xml = client.get(reverse("sitemap_news")).content.decode()
    times = re.findall(r"<(?:lastmod|news:publication_date)>([^<]+)<", xml)
    assert times and all(W3C_DATETIME.match(value) for value in times), times
