"""Posting an entry empties the page cache, and readers polling get an answer a few seconds old at most."""

import pytest
from django.urls import reverse

from liveblog.models import Entry


@pytest.fixture(autouse=True)
def page_cache(settings):
    """Turn the page cache on, as in production (the test settings keep it off)."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def test_posting_an_entry_purges_the_cached_page(client, live_blog, committed):
    url = live_blog.article.get_absolute_url()
    assert "Polls have closed" not in client.get(url).text
    committed(lambda: Entry.objects.create(live_blog=live_blog, text="<p>Polls have closed.</p>"))
    assert "Polls have closed" in client.get(url).text


def test_ending_the_coverage_purges_the_badge(client, live_blog, editor, committed):
    section_url = live_blog.article.section.get_absolute_url()
    assert "badge--live" in client.get(section_url).text
    committed(lambda: live_blog.end(editor))
    assert "badge--live" not in client.get(section_url).text


def test_polling_answers_are_kept_a_few_seconds_and_purged_by_a_new_entry(client, live_blog, committed):
    url = reverse("liveblog:entries", args=[live_blog.article.pk])
    response = client.get(url)
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "max-age=5" in directives and "public" in directives
    assert response.json()["entries"] == []
    entry = committed(lambda: Entry.objects.create(live_blog=live_blog, text="<p>Just in.</p>"))
    assert [item["id"] for item in client.get(url).json()["entries"]] == [entry.pk]
