import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.tests.test_query_budget import ARTICLE_QUERIES, QUERY_BUDGET, queries_while_rendering, warm_site_cache
from liveblog.models import Entry, LiveBlog

# The live blog's page reads its key events and one page of entries on top of a story's.
LIVE_BLOG_QUERY_BUDGET = ARTICLE_QUERIES + 2
assert LIVE_BLOG_QUERY_BUDGET <= QUERY_BUDGET


def entry_ids(html):
    return [int(n) for n in re.findall(r'<li class="live-entry[^"]*" id="entry-(\d+)"', html)]


def test_the_page_shows_entries_newest_first_with_key_events_on_top(client, live_blog, add_entries):
    entries = add_entries(live_blog, 3)
    Entry.objects.filter(pk=entries[0].pk).update(is_key_event=True)
    html = client.get(live_blog.article.get_absolute_url()).text
    assert entry_ids(html) == [entries[2].pk, entries[1].pk, entries[0].pk]
    key_events = html.split('id="key-events-heading"')[1].split("</nav>")[0]
    assert f'href="{live_blog.article.get_absolute_url()}#entry-{entries[0].pk}"' in key_events
    assert f"#entry-{entries[1].pk}" not in key_events
    assert html.index("key-events-heading") < html.index(f'id="entry-{entries[2].pk}"')


def test_older_entries_are_on_before_pages(client, live_blog, add_entries):
    entries = add_entries(live_blog, 25)
    url = live_blog.article.get_absolute_url()
    first = client.get(url).text
    assert entry_ids(first) == [entry.pk for entry in reversed(entries[5:])]
    older = re.search(r'<a href="\?(before=[^"#]+)#live-entries" rel="next">', first)
    second = client.get(f"{url}?{older[1]}").text
    assert entry_ids(second) == [entry.pk for entry in reversed(entries[:5])]
    assert 'rel="prev">Newer updates' in second
    assert "liveblog.js" not in second  # Only the newest page takes new entries.


def test_a_made_up_cursor_is_a_404(client, live_blog, add_entries):
    add_entries(live_blog, 2)
    assert client.get(live_blog.article.get_absolute_url() + "?before=nonsense").status_code == 404


def test_the_page_loads_the_polling_script_with_the_csp_nonce(client, live_blog):
    response = client.get(live_blog.article.get_absolute_url())
    script = re.search(r'<script src="[^"]*liveblog\.js" defer nonce="([^"]+)"></script>', response.text)
    assert script and f"'nonce-{script[1]}'" in response["Content-Security-Policy"]
    assert f'data-poll-url="{reverse("liveblog:entries", args=[live_blog.article.pk])}"' in response.text


def test_an_ended_live_blog_does_not_poll(client, live_blog, editor):
    live_blog.end(editor)
    html = client.get(live_blog.article.get_absolute_url()).text
    assert "liveblog.js" not in html
    assert 'data-poll-url=""' in html
    assert "Coverage started" in html and "ended" in html


def test_a_plain_story_shows_no_live_blog(client, make_article):
    html = client.get(make_article().get_absolute_url()).text
    assert "live-blog" not in html
    assert "live updates" not in html


def test_entries_of_an_unpublished_live_blog_are_not_shown(client, live_blog, add_entries):
    add_entries(live_blog, 1)
    type(live_blog.article).objects.filter(pk=live_blog.article.pk).update(status="draft")
    assert client.get(live_blog.article.get_absolute_url()).status_code == 404
    assert client.get(reverse("liveblog:entries", args=[live_blog.article.pk])).status_code == 404
    assert client.get(reverse("liveblog:feed", args=[live_blog.article.pk])).status_code == 404


def test_polling_returns_entries_after_the_cursor_oldest_first(client, live_blog, add_entries):
    old, new, newer = add_entries(live_blog, 3)
    url = reverse("liveblog:entries", args=[live_blog.article.pk])
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=5"
    data = first.json()
    assert [entry["id"] for entry in data["entries"]] == [old.pk, new.pk, newer.pk]
    assert data["is_live"] is True
    assert f'id="entry-{newer.pk}"' in data["entries"][-1]["html"]
    assert client.get(url, {"after": data["cursor"]}).json()["entries"] == []
    latest = Entry.objects.create(live_blog=live_blog, text="<p>Just in.</p>")
    again = client.get(url, {"after": data["cursor"]}).json()
    assert [entry["id"] for entry in again["entries"]] == [latest.pk]
    assert "Just in." in again["entries"][0]["html"]


def test_polling_with_a_bad_cursor_is_a_400(client, live_blog):
    response = client.get(reverse("liveblog:entries", args=[live_blog.article.pk]), {"after": "x"})
    assert response.status_code == 400
    assert "error" in response.json()


def test_polling_a_story_that_is_no_live_blog_is_a_404(client, make_article):
    assert client.get(reverse("liveblog:entries", args=[make_article().pk])).status_code == 404


def test_the_live_badge_shows_on_cards_while_the_coverage_runs(client, live_blog, editor, make_article):
    make_article(section=live_blog.article.section)
    section_url = live_blog.article.section.get_absolute_url()
    assert client.get(section_url).text.count("badge--live") == 1
    live_blog.end(editor)
    assert "badge--live" not in client.get(section_url).text


def test_the_page_describes_a_live_blog_posting(client, live_blog, add_entries, editor, read_json_ld):
    entries = add_entries(live_blog, 2)
    data = read_json_ld(client.get(live_blog.article.get_absolute_url()).text)
    (posting,) = [item for item in data if item["@type"] == "LiveBlogPosting"]
    started = datetime.fromisoformat(posting["coverageStartTime"])
    assert started == live_blog.coverage_started_at.replace(microsecond=0)
    assert "coverageEndTime" not in posting
    assert [update["@type"] for update in posting["liveBlogUpdate"]] == ["BlogPosting", "BlogPosting"]
    assert posting["liveBlogUpdate"][0]["url"].endswith(f"#entry-{entries[1].pk}")
    assert posting["liveBlogUpdate"][0]["articleBody"] == "Update number 1."
    live_blog.end(editor)
    data = read_json_ld(client.get(live_blog.article.get_absolute_url()).text)
    (posting,) = [item for item in data if item["@type"] == "LiveBlogPosting"]
    assert posting["coverageEndTime"]


def test_the_feed_carries_the_newest_entries(client, live_blog, add_entries):
    entries = add_entries(live_blog, 3)
    page = client.get(live_blog.article.get_absolute_url()).text
    feed_url = reverse("liveblog:feed", args=[live_blog.article.pk])
    assert (
        f'<link rel="alternate" type="application/rss+xml" title="Election night: live updates" href="{feed_url}">'
        in page
    )
    response = client.get(reverse("liveblog:feed", args=[live_blog.article.pk]))
    assert response.status_code == 200
    body = response.text
    assert body.count("<item>") == 3
    assert body.index(f"#entry-{entries[2].pk}") < body.index(f"#entry-{entries[0].pk}")


@pytest.mark.parametrize("count", [1, 60])
def test_the_live_page_runs_a_fixed_number_of_queries(
    client, live_blog, add_entries, make_photo, make_author, count, django_assert_num_queries
):
    entries = add_entries(live_blog, count, author=make_author())
    Entry.objects.filter(pk__in=[entry.pk for entry in entries[::3]]).update(is_key_event=True, photo=make_photo())
    warm_site_cache()
    with django_assert_num_queries(LIVE_BLOG_QUERY_BUDGET):
        assert client.get(live_blog.article.get_absolute_url()).status_code == 200


def test_the_listing_runs_no_query_per_live_card(client, make_article, make_section, django_assert_num_queries):
    section = make_section()
    for n in range(3):
        article = make_article(section=section, published_at=timezone.now() - timedelta(hours=n + 1))
        LiveBlog.objects.create(article=article)
    make_article(section=section)
    warm_site_cache()
    with django_assert_num_queries(3):
        html = client.get(section.get_absolute_url()).text
    assert html.count("badge--live") == 3


def test_the_live_page_template_runs_no_query(live_blog, add_entries, make_author, make_photo):
    entries = add_entries(live_blog, 3, author=make_author())
    Entry.objects.filter(pk=entries[0].pk).update(is_key_event=True, photo=make_photo())
    warm_site_cache()
    assert [query["sql"] for query in queries_while_rendering(live_blog.article.get_absolute_url())] == []
