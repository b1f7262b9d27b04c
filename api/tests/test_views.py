"""The read API's endpoints: what they show, filters, pages, caching headers, CORS and errors."""

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Article, Byline, Correction
from articles.tests.factories import unpublished_states
from articles.workflow import publish
from newsroom.pagination import query_string

LIST = reverse("api:ninjs-list")


def detail(article):
    return reverse("api:ninjs-detail", kwargs={"pk": article.pk})


def ids(response):
    return [int(item["altIds"][0]["value"]) for item in response.json()["items"]]


def backdate(article):
    """Make a story look as if it was last saved when it was published."""
    Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)


def assert_error(response, status, words):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    message = response.json()["error"]["message"]
    assert response.json()["error"]["status"] == status
    assert words in message
    return message


def test_the_list_is_newest_first_and_valid(client, make_article, rich_story, ninjs_validator):
    older = make_article(published_at=timezone.now() - timedelta(days=2))
    newer = make_article(published_at=timezone.now() - timedelta(minutes=5))
    response = client.get(LIST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert ids(response) == [newer.pk, rich_story.pk, older.pk]
    assert response.json()["next"] is None
    for item in response.json()["items"]:
        ninjs_validator.validate(item)


def test_one_story(client, rich_story, ninjs_validator):
    response = client.get(detail(rich_story))
    assert response.status_code == 200
    ninjs_validator.validate(response.json())
    assert response.json()["headlines"][0]["value"] == rich_story.headline


@unpublished_states
def test_stories_readers_cannot_see_never_appear(client, make_article, overrides):
    hidden = make_article(**overrides)
    assert hidden.pk not in ids(client.get(LIST))
    assert_error(client.get(detail(hidden)), 404, "No published story")


@pytest.mark.parametrize(
    "overrides",
    [
        {"embargo_lifts_at": timezone.now() + timedelta(hours=1)},
        {"expires_at": timezone.now() - timedelta(minutes=1)},
        {"status": Article.Status.SPIKED, "published_at": None},
    ],
    ids=["embargoed", "expired", "spiked"],
)
def test_embargoed_expired_and_spiked_stories_never_appear(client, make_article, overrides):
    hidden = make_article(**overrides)
    visible = make_article()
    assert ids(client.get(LIST)) == [visible.pk]
    assert_error(client.get(detail(hidden)), 404, "No published story")


def test_an_unknown_id_is_a_json_404(client, db):
    assert_error(client.get(reverse("api:ninjs-detail", kwargs={"pk": "999999"})), 404, "999999")
    assert_error(client.get(reverse("api:ninjs-detail", kwargs={"pk": "not-a-number"})), 404, "not-a-number")


def test_filters(client, make_article, make_section, make_author):
    politics, sport = make_section(slug="politics"), make_section(slug="sport")
    jane, john = make_author(slug="jane"), make_author(slug="john")
    vote = make_article(section=politics, authors=[jane], tags=["Budget"])
    match = make_article(section=sport, authors=[john], tags=["Budget", "Football"])
    old = make_article(section=sport, authors=[jane], published_at=timezone.now() - timedelta(days=10))
    backdate(old)
    assert set(ids(client.get(LIST, {"section": "sport"}))) == {match.pk, old.pk}
    assert set(ids(client.get(LIST, {"author": "jane"}))) == {vote.pk, old.pk}
    assert set(ids(client.get(LIST, {"tag": "budget"}))) == {vote.pk, match.pk}
    assert ids(client.get(LIST, {"tag": "budget", "section": "sport", "author": "john"})) == [match.pk]
    since = (timezone.now() - timedelta(days=2)).isoformat()
    assert set(ids(client.get(LIST, {"since": since}))) == {vote.pk, match.pk}


def test_since_includes_older_stories_updated_since(client, make_article):
    old = make_article(published_at=timezone.now() - timedelta(days=10))
    backdate(old)
    cutoff = timezone.now()
    assert ids(client.get(LIST, {"since": cutoff.isoformat()})) == []
    old.refresh_from_db()
    Correction.objects.create(article=old, text="A date was wrong.")
    old.save()  # Adding a correction in the admin saves the story, which moves updated_at on.
    assert ids(client.get(LIST, {"since": cutoff.isoformat()})) == [old.pk]
    assert ids(client.get(LIST, {"since": cutoff.date().isoformat()})) == [old.pk]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"section": "nowhere"}, "no section with the slug 'nowhere'"),
        ({"author": "nobody"}, "no author with the slug 'nobody'"),
        ({"tag": "nothing"}, "no tag with the slug 'nothing'"),
        ({"since": "yesterday"}, "since='yesterday' is not a time"),
        ({"since": "2026-13-45T99:00"}, "is not a time"),
        ({"limit": "0"}, "limit='0' is not a number of stories from 1 to 100"),
        ({"limit": "1000"}, "from 1 to 100"),
        ({"limit": "ten"}, "from 1 to 100"),
        ({"before": "yesterday"}, "before='yesterday' is not a cursor"),
        ({"before": "99999999999999999999-1"}, "is not a cursor"),
        ({"page": "2"}, "not a page of this list"),
    ],
)
def test_bad_input_is_a_400_that_says_why(client, make_article, params, words):
    make_article()
    assert_error(client.get(LIST, params), 400, words)


def test_cursor_pages_stay_stable_while_stories_are_published(client, make_article, make_user):
    now = timezone.now()
    stories = [make_article(published_at=now - timedelta(hours=hours)) for hours in range(1, 6)]
    first = client.get(LIST, {"limit": 2})
    assert ids(first) == [stories[0].pk, stories[1].pk]
    next_url = first.json()["next"]
    assert first["Link"] == f'<{next_url}>; rel="next"'
    assert "limit=2" in next_url

    # A story goes out between the first page and the second.
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    publish(draft, make_user(is_superuser=True))
    assert ids(client.get(LIST, {"limit": 2}))[0] == draft.pk

    second = client.get(next_url)
    assert ids(second) == [stories[2].pk, stories[3].pk]
    third = client.get(second.json()["next"])
    assert ids(third) == [stories[4].pk]
    assert third.json()["next"] is None


@pytest.mark.parametrize(
    "params",
    [{"section": "world"}, {"author": "jane"}, {"tag": "budget"}, {"author": "jane", "tag": "budget"}],
    ids=["section", "author", "tag", "author-and-tag"],
)
def test_filters_are_kept_in_the_next_link(client, make_article, make_section, make_author, params):
    section, jane = make_section(slug="world"), make_author(slug="jane")
    now = timezone.now()
    chosen = [
        make_article(section=section, authors=[jane], tags=["Budget"], published_at=now - timedelta(hours=n))
        for n in range(1, 6)
    ]
    make_article(tags=["Budget"], published_at=now - timedelta(hours=3, minutes=30))
    make_article(authors=[jane], section=section, published_at=now - timedelta(hours=2, minutes=30))
    make_article(section=section, tags=["Budget"], published_at=now - timedelta(minutes=30))
    seen, url = [], LIST + query_string({**params, "limit": 2})
    while url:
        response = client.get(url)
        seen += ids(response)
        url = response.json()["next"]
    expected = [
        story.pk
        for story in Article.objects.published().newest_first()
        if ("section" not in params or story.section == section)
        and ("author" not in params or story.bylines.filter(author=jane).exists())
        and ("tag" not in params or story.tags.filter(slug="budget").exists())
    ]
    assert {story.pk for story in chosen} <= set(expected)
    assert seen == expected


def test_a_cursor_past_the_last_story_is_an_empty_page(client, make_article):
    story = make_article()
    first = client.get(LIST, {"limit": 1})
    assert ids(first) == [story.pk]
    cursor = f"{story.published_at.astimezone(UTC) - timedelta(days=1):%Y%m%d%H%M%S%f}-1"
    response = client.get(LIST, {"before": cursor})
    assert response.status_code == 200
    assert response.json() == {"items": [], "next": None}


def test_etag_and_last_modified_give_304s(client, rich_story):
    for url in (LIST, detail(rich_story)):
        response = client.get(url)
        assert response.status_code == 200
        etag, last_modified = response["ETag"], response["Last-Modified"]
        rich_story.refresh_from_db()
        assert last_modified == http_date(rich_story.last_modified_at.timestamp())
        not_modified = client.get(url, headers={"If-None-Match": etag, "Origin": "https://app.example.net"})
        assert not_modified.status_code == 304
        # A script on another site revalidating its copy may read the answer.
        assert not_modified["Access-Control-Allow-Origin"] == "*"
        assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
        assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_a_change_changes_the_etag(client, rich_story):
    before = client.get(detail(rich_story))["ETag"]
    Byline.objects.filter(article=rich_story, position=1).update(role="Photographs")
    after = client.get(detail(rich_story), headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after["ETag"] != before


def test_answers_set_no_cookie_and_do_not_vary_on_it(client, rich_story):
    for url in (LIST, detail(rich_story), reverse("api:openapi")):
        response = client.get(url)
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")


def test_the_page_cache_keeps_api_answers(client, rich_story, settings, django_assert_num_queries):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    first = client.get(detail(rich_story))
    assert "public" in first["Cache-Control"]
    # Served by pagecache before the view: no query (and, like a CDN's hit, not counted by the rate limit).
    with django_assert_num_queries(0):
        second = client.get(detail(rich_story))
    assert second.content == first.content


def test_publishing_purges_cached_api_answers(
    client, make_article, make_user, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    story = make_article()
    assert ids(client.get(LIST)) == [story.pk]
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        publish(draft, make_user(is_superuser=True))
    assert ids(client.get(LIST)) == [draft.pk, story.pk]


def test_cors_is_open_for_reading(client, rich_story):
    response = client.get(LIST, headers={"Origin": "https://app.example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        detail(rich_story),
        headers={
            "Origin": "https://app.example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-api-key",
        },
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert preflight["Access-Control-Allow-Headers"] == "X-Api-Key"
    assert client.head(LIST)["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_is_refused_without_cors(client, rich_story, method):
    response = getattr(client, method)(detail(rich_story), headers={"Origin": "https://app.example.org"})
    assert_error(response, 405, "read-only")
    assert "Access-Control-Allow-Origin" not in response
    assert Article.objects.filter(pk=rich_story.pk).exists()
