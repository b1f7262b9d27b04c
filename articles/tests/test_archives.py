"""Date archives: the stories of a year, a month or a day, paged by keyset, in four queries."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.tests.test_query_budget import QUERY_BUDGET, warm_site_cache

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def archive(make_article, make_section):
    world = make_section(name="World", slug="world")
    return {
        "morning": make_article(headline="Morning story", section=world, published_at=at(2024, 3, 5, 8)),
        "evening": make_article(headline="Evening story", section=world, published_at=at(2024, 3, 5, 20)),
        "next_day": make_article(headline="Next day story", section=world, published_at=at(2024, 3, 6, 9)),
        "april": make_article(headline="April story", section=world, published_at=at(2024, 4, 1, 9)),
        "next_year": make_article(headline="Next year story", section=world, published_at=at(2025, 1, 1, 9)),
        "draft": make_article(
            headline="Draft story", section=world, status=Article.Status.DRAFT, published_at=at(2024, 3, 5, 9)
        ),
    }


def headlines(response):
    return [article.headline for article in response.context["page_obj"]]


def test_day_lists_that_days_published_stories_newest_first(client, archive):
    response = client.get(reverse("articles:archive_day", args=["2024", "03", "05"]))
    assert response.status_code == 200
    assert headlines(response) == ["Evening story", "Morning story"]
    html = response.content.decode()
    assert "<h1>5 March 2024</h1>" in html
    assert f'href="{reverse("articles:archive_day", args=["2024", "03", "06"])}"' in html
    assert f'href="{reverse("articles:archive_month", args=["2024", "03"])}"' in html


def test_month_and_year(client, archive):
    march = client.get(reverse("articles:archive_month", args=["2024", "03"]))
    year = client.get(reverse("articles:archive_year", args=["2024"]))
    assert headlines(march) == ["Next day story", "Evening story", "Morning story"]
    assert headlines(year) == ["April story", "Next day story", "Evening story", "Morning story"]
    assert f'href="{reverse("articles:archive_month", args=["2024", "12"])}">December</a>' in year.content.decode()


def test_an_empty_day_is_a_page_saying_so(client, archive):
    response = client.get(reverse("articles:archive_day", args=["2024", "03", "07"]))
    assert response.status_code == 200
    assert "No stories were published then." in response.content.decode()


@pytest.mark.parametrize("url", ["/2024/03/04/", "/2024/02/", "/2023/", "/1999/", "/1000/01/01/"])
def test_an_empty_period_before_the_first_story_is_a_404(client, archive, url):
    assert client.get(url).status_code == 404


def test_the_period_of_the_first_story_is_a_page_with_no_link_to_an_older_one(client, archive):
    day, year = client.get("/2024/03/05/"), client.get("/2024/")

    assert headlines(day) == ["Evening story", "Morning story"]
    assert headlines(year) == ["April story", "Next day story", "Evening story", "Morning story"]
    assert (day.context["previous_day"], year.context["previous_year"]) == (None, None)
    assert "&larr;" not in day.content.decode() + year.content.decode()


@pytest.mark.parametrize(
    "url, previous, following",
    [
        # Days: an empty one, and ones with stories, skip the empty days around them.
        ("/2024/03/10/", "/2024/03/06/", "/2024/04/01/"),
        ("/2024/03/06/", "/2024/03/05/", "/2024/04/01/"),
        ("/2024/04/01/", "/2024/03/06/", "/2025/01/01/"),
        ("/2025/01/01/", "/2024/04/01/", None),
        # Months and years.
        ("/2024/03/", None, "/2024/04/"),
        ("/2024/05/", "/2024/04/", "/2025/01/"),
        ("/2024/", None, "/2025/"),
        ("/2025/", "/2024/", None),
    ],
)
def test_previous_and_next_lead_to_the_nearest_periods_with_stories(client, archive, url, previous, following):
    html = client.get(url).content.decode()

    links = re.findall(r'<a href="([^"]+)">&larr;', html), re.findall(r'<a href="([^"]+)">[^<]*&rarr;', html)
    assert links == ([previous] if previous else [], [following] if following else [])


def test_stories_readers_cannot_see_are_not_periods_with_stories(client, archive, make_article):
    make_article(headline="Draft", status=Article.Status.DRAFT, published_at=at(2024, 3, 20, 9))
    make_article(headline="Scheduled", published_at=timezone.now() + timedelta(days=2))

    assert client.get("/2024/03/10/").context["next_day"].isoformat() == "2024-04-01"
    assert client.get("/2025/01/01/").context["next_day"] is None


def test_a_period_in_the_future_is_a_404(client, archive):
    tomorrow = timezone.localdate() + timedelta(days=1)
    next_year = str(tomorrow.year + 1)
    assert client.get(reverse("articles:archive_year", args=[next_year])).status_code == 404
    assert client.get(reverse("articles:archive_month", args=[next_year, "01"])).status_code == 404
    assert (
        client.get(
            reverse(
                "articles:archive_day", args=[tomorrow.strftime("%Y"), tomorrow.strftime("%m"), tomorrow.strftime("%d")]
            )
        ).status_code
        == 404
    )


def test_an_empty_day_since_the_last_story_is_a_page(client, archive):
    today = timezone.localdate()
    response = client.get(
        reverse("articles:archive_day", args=[today.strftime("%Y"), today.strftime("%m"), today.strftime("%d")])
    )
    assert response.status_code == 200
    assert "No stories were published then." in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/2024/13/",
        "/2024/02/30/",
        "/2024/01/32/",
        "/2024/00/",
        "/0000/",
        "/2024/03/05/?page=2",
        # At the ends of the calendar the previous or next day does not exist.
        "/9999/12/31/",
        "/0001/01/01/",
        "/0001/",
    ],
)
def test_a_date_that_is_not_there_is_a_404(client, archive, url):
    client.raise_request_exception = False
    assert client.get(url).status_code == 404


def test_the_story_links_its_date_to_that_days_archive(client, archive):
    html = client.get(archive["morning"].get_absolute_url()).content.decode()
    assert f'Published <a href="{reverse("articles:archive_day", args=["2024", "03", "05"])}"><time' in html


def test_story_urls_still_resolve_beside_the_day(client, archive):
    assert client.get(archive["morning"].get_absolute_url()).context["article"] == archive["morning"]


def test_archives_page_by_keyset(client, make_article):
    for hour in range(21):
        make_article(published_at=at(2024, 3, 5, hour))
    first = client.get("/2024/03/05/")
    older = client.get("/2024/03/05/?" + first.context["page_obj"].next_query.urlencode())
    assert len(headlines(first)) == 20 and len(headlines(older)) == 1
    assert older.context["page_obj"].object_list[0].published_at == at(2024, 3, 5, 0)


@pytest.mark.parametrize("url", ["/2024/", "/2024/03/", "/2024/03/05/"])
def test_archives_stay_within_query_budget_however_many_stories(
    client, make_article, make_author, make_photo, url, django_assert_max_num_queries, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_article(published_at=at(2024, 3, 5, 1), photo=make_photo(size=(120, 80)))
    warm_site_cache()
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(25):
        make_article(
            published_at=at(2024, 3, 5, 2) + timedelta(minutes=n),
            authors=[make_author(), make_author()],
            tags=[f"t{n}"],
            photo=make_photo(size=(120, 80)),
        )
    warm_site_cache()
    with django_assert_num_queries(len(few.captured_queries)), django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get(url)
    assert response.content.decode().count("<picture>") == 20
