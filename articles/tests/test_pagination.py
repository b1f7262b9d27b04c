"""Lists page by keyset, older and newer, without counting or skipping rows; bad pages are a 404."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.tests.test_query_budget import warm_site_cache
from newsroom.pagination import decode_cursor, encode_cursor

pytestmark = pytest.mark.django_db


def headlines(response):
    return [article.headline for article in response.context["page_obj"]]


def follow(client, response, direction):
    """Get the page linked as older ("next") or newer ("previous") from `response`."""
    page = response.context["page_obj"]
    query = page.next_query if direction == "next" else page.previous_query
    return client.get(response.request["PATH_INFO"] + "?" + query.urlencode())


@pytest.fixture
def world(make_section, make_article):
    """A section of 45 stories, "Story 0" the newest, four of them published at the same moment."""
    section = make_section(name="World", slug="world")
    now = timezone.now()
    same_time = now - timedelta(hours=20)
    for n in range(45):
        at = same_time if 19 <= n <= 22 else now - timedelta(hours=n + 1)
        make_article(headline=f"Story {n:02d}", section=section, published_at=at)
    return section


def test_older_and_newer_pages_cover_the_list_once_each(client, world):
    first = client.get(world.get_absolute_url())
    second = follow(client, first, "next")
    third = follow(client, second, "next")

    pages = [headlines(page) for page in (first, second, third)]
    assert [len(page) for page in pages] == [20, 20, 5]
    every = [headline for page in pages for headline in page]
    assert sorted(every) == [f"Story {n:02d}" for n in range(45)]
    assert not third.context["page_obj"].has_next()
    assert not first.context["page_obj"].has_previous()
    assert headlines(follow(client, third, "previous")) == pages[1]
    assert headlines(follow(client, second, "previous")) == pages[0]


def test_links_are_rel_next_and_prev_and_the_canonical_names_the_page(client, world):
    first = client.get(world.get_absolute_url())
    older = first.context["page_obj"].next_query.urlencode()
    second = client.get(f"{world.get_absolute_url()}?{older}")
    html = second.content.decode()

    assert f'href="?{older}" rel="next"' in first.content.decode()
    assert 'rel="prev"' not in first.content.decode()
    assert 'rel="prev">&larr; Newer stories</a>' in html and 'rel="next">Older stories &rarr;</a>' in html
    assert f'<link rel="canonical" href="http://testserver{world.get_absolute_url()}?{older}">' in html
    assert f'<link rel="canonical" href="http://testserver{world.get_absolute_url()}">' in first.content.decode()


def test_a_deep_page_runs_the_same_queries_as_the_first(client, world):
    warm_site_cache()
    with CaptureQueriesContext(connection) as first:
        response = client.get(world.get_absolute_url())
    second = follow(client, response, "next")
    warm_site_cache()
    with CaptureQueriesContext(connection) as third:
        follow(client, second, "next")
    assert len(third.captured_queries) == len(first.captured_queries)
    assert not any("COUNT(" in query["sql"].upper() for query in first.captured_queries + third.captured_queries)
    assert not any("OFFSET" in query["sql"].upper() for query in third.captured_queries)


@pytest.mark.parametrize(
    "query",
    [
        "page=2",
        "page=999999",
        "page=-1",
        "page=abc",
        "before=abc",
        "before=",
        "after=1-1",
        "before=20241301000000000000-5",  # No thirteenth month.
        "before=20240101000000000000-99999999999999999999",
        "before=19000101000000000000-1",  # Older than every story: an empty page.
        "after=29990101000000000000-1",  # Newer than every story.
        "before=20240101000000000000-1&after=20240101000000000000-1",
    ],
)
def test_a_page_that_is_not_there_is_a_404(client, world, query):
    assert client.get(f"{world.get_absolute_url()}?{query}").status_code == 404


def test_page_one_is_the_first_page(client, world):
    first = client.get(world.get_absolute_url())
    assert headlines(client.get(f"{world.get_absolute_url()}?page=1")) == headlines(first)


def test_cursor_round_trip():
    moment = timezone.now().replace(microsecond=123456)
    assert decode_cursor(encode_cursor(moment, 42)) == (moment, 42)


@pytest.mark.parametrize("url_name", ["articles:tag", "authors:detail", "authors:organisation"])
def test_every_list_of_stories_pages_by_keyset(client, make_article, make_author, make_organisation, url_name):
    author, agency = make_author(slug="amina"), make_organisation(slug="tass")
    for n in range(21):
        make_article(headline=f"Story {n:02d}", authors=[author], sources=[agency], tags=["Drones"])
    url = reverse(url_name, args={"articles:tag": ["drones"], "authors:detail": ["amina"]}.get(url_name, ["tass"]))

    first = client.get(url)
    second = follow(client, first, "next")

    assert len(headlines(first)) == 20 and len(headlines(second)) == 1
    assert client.get(url + "?page=2").status_code == 404


def test_search_pages_are_numbered_up_to_a_limit(client, make_article):
    from search.views import MAX_PAGES

    make_article(headline="Zeppelin over the harbour")
    search = reverse("search:search")
    assert client.get(search, {"q": "zeppelin", "page": "1"}).status_code == 200
    assert client.get(search, {"q": "zeppelin", "page": "2"}).status_code == 404
    assert client.get(search, {"q": "zeppelin", "page": str(MAX_PAGES + 1)}).status_code == 404


def test_the_cursors_bound_comes_before_the_published_rules():
    """SQLite bounds an index range by the first of two bounds on a column: the cursor's must be it."""
    from django.db.models import Q

    from articles.models import Article
    from newsroom.pagination import filter_first

    then = timezone.now() - timedelta(days=400)
    where = str(filter_first(Article.objects.published(), Q(published_at__lte=then)).query).split(" WHERE ")[1]
    assert where.index(str(then.year)) < where.index('"status" =')
