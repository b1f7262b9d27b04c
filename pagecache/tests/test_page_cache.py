from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, PreviewLink
from comments.models import Comment
from pagecache.signals import pages_purged

pytestmark = pytest.mark.usefixtures("page_cache")


def get(client, url, **headers):
    """Fetch a page and count the queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    response.query_count = len(queries)
    return response


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def story(make_article):
    return make_article(headline="Kim leaves Russia")


class TestServing:
    def test_a_readers_second_visit_costs_no_query(self, client, story, cache_backend):
        first = get(client, story.get_absolute_url())
        second = get(client, story.get_absolute_url())

        assert first.query_count > 0
        assert second.query_count == 0
        assert second.status_code == 200
        assert second.content == first.content

    def test_pages_tell_browsers_and_cdns_how_long_to_keep_them(self, client, story, settings):
        response = client.get(story.get_absolute_url())

        assert cache_control(response) == {
            "public",
            "max-age=60",
            f"s-maxage={settings.NEWSROOM_PAGE_CACHE_SECONDS}",
            "stale-while-revalidate=60",
        }
        assert response["ETag"]
        # Every page, then the stories it shows: a CDN purges one story's pages by its key.
        assert response["Surrogate-Key"].split() == ["newsroom-pages", f"story-{story.pk}", f"story-{story.pk}-full"]

    @pytest.mark.parametrize("page", ["home", "article", "feed", "search"])
    def test_reader_pages_set_no_cookie_and_do_not_vary_on_cookies(self, client, story, page):
        url = {
            "home": reverse("frontpage:home"),
            "article": story.get_absolute_url(),
            "feed": reverse("articles:feed"),
            "search": reverse("search:search") + "?q=Kim",
        }[page]
        response = client.get(url)

        assert response.status_code == 200
        assert not response.cookies
        assert "cookie" not in response.get("Vary", "").lower()
        assert "public" in cache_control(response)

    def test_a_conditional_get_of_an_unchanged_page_gets_304(self, client, story):
        first = client.get(story.get_absolute_url())
        again = get(client, story.get_absolute_url(), **{"If-None-Match": first["ETag"]})

        assert again.status_code == 304
        assert again.content == b""
        assert again.query_count == 0

    def test_query_strings_are_pages_of_their_own(self, client, make_article):
        make_article(headline="About drones")
        make_article(headline="About trains")

        drones = client.get(reverse("search:search") + "?q=drones").content.decode()
        trains = client.get(reverse("search:search") + "?q=trains").content.decode()

        assert "About drones" in drones and "About trains" not in drones
        assert "About trains" in trains and "About drones" not in trains

    def test_off_when_the_setting_is_zero(self, client, story, settings):
        settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
        get(client, story.get_absolute_url())
        assert get(client, story.get_absolute_url()).query_count > 0


class TestBypass:
    def test_staff_never_read_or_fill_the_cache(self, client, story, editor):
        anonymous = client.get(story.get_absolute_url())
        client.force_login(editor)

        staff = get(client, story.get_absolute_url())
        assert staff.query_count > 0
        assert "private" in cache_control(staff)
        assert staff.content != anonymous.content or staff.query_count > 0

        client.logout()
        client.cookies.clear()
        assert get(client, reverse("frontpage:home")).query_count > 0  # The editor's visit cached nothing.

    def test_preview_links_never_read_or_fill_the_cache(self, client, make_article, editor):
        draft = make_article(headline="Not yet", status=Article.Status.DRAFT, published_at=None)
        link = PreviewLink.objects.create(article=draft, created_by=editor)

        first = get(client, link.get_absolute_url())
        second = get(client, link.get_absolute_url())

        assert first.status_code == second.status_code == 200
        assert second.query_count > 0
        assert {"private", "no-store"} <= cache_control(second)

    def test_the_thanks_after_a_comment_is_shown_not_cached(self, client, story):
        client.get(story.get_absolute_url())
        posted = client.post(
            reverse("comments:post", args=[story.pk]),
            {"name": "Jane", "email": "jane@example.net", "text": "Thank you."},
            follow=True,
        )

        assert "your comment will appear once a moderator approves it" in posted.content.decode()
        assert "private" in cache_control(posted)
        client.cookies.clear()
        assert "your comment will appear" not in client.get(story.get_absolute_url()).content.decode()

    def test_errors_are_not_cached(self, client, make_article):
        story = make_article(status=Article.Status.DRAFT, published_at=None)
        assert client.get(story.get_preview_url()).status_code == 302  # To the login page.
        missing = client.get("/sections/no-such-section/")
        assert missing.status_code == 404
        assert "public" not in cache_control(missing)
        assert get(client, "/sections/no-such-section/").query_count > 0


class TestPurge:
    """Each change readers would see empties the cache once it is committed."""

    @pytest.fixture
    def committed(self, django_capture_on_commit_callbacks):
        def run(change):
            with django_capture_on_commit_callbacks(execute=True):
                change()

        return run

    def test_publishing(self, client, committed, make_article, editor):
        draft = make_article(headline="Fresh news", status=Article.Status.REVIEW, published_at=None)
        assert "Fresh news" not in client.get("/").content.decode()

        committed(lambda: workflow.publish(draft, editor))

        assert "Fresh news" in client.get("/").content.decode()

    def test_editing_a_published_story(self, client, committed, story, cache_backend):
        assert "Kim leaves Russia" in client.get(story.get_absolute_url()).content.decode()

        def edit():
            story.headline = "Kim leaves Russia by train"
            story.save()

        committed(edit)
        assert "Kim leaves Russia by train" in client.get(story.get_absolute_url()).content.decode()

    def test_a_correction(self, client, committed, story, editor):
        client.get(story.get_absolute_url())
        committed(lambda: workflow.add_correction(story, editor, "The train left on Monday, not Sunday."))
        assert "not Sunday" in client.get(story.get_absolute_url()).content.decode()

    def test_unpublishing(self, client, committed, story, editor):
        url = story.get_absolute_url()
        assert client.get(url).status_code == 200
        committed(lambda: workflow.unpublish(story, editor, "Legal asked us to hold it."))
        assert client.get(url).status_code == 404
        assert "Kim leaves Russia" not in client.get("/").content.decode()

    def test_deleting_a_story(self, client, committed, story):
        url = story.get_absolute_url()
        client.get(url)
        committed(story.delete)
        assert client.get(url).status_code == 404

    def test_a_section_edit(self, client, committed, story):
        client.get("/")
        section = story.section

        def rename():
            section.name = "Asia and Pacific"
            section.save()

        committed(rename)
        assert "Asia and Pacific" in client.get("/").content.decode()

    def test_an_author_edit(self, client, committed, story):
        author = story.bylines.get().author
        client.get(story.get_absolute_url())

        def rename():
            author.name = "Mridha Shihab Mahmud"
            author.save()

        committed(rename)
        assert "Mridha Shihab Mahmud" in client.get(story.get_absolute_url()).content.decode()

    def test_an_organisation_edit(self, client, committed, make_article, make_organisation):
        tass = make_organisation(name="TASS")
        story = make_article(sources=[tass])
        client.get(story.get_absolute_url())

        def rename():
            tass.name = "TASS news agency"
            tass.save()

        committed(rename)
        assert "TASS news agency" in client.get(story.get_absolute_url()).content.decode()

    def test_a_photo_edit(self, client, committed, make_article, make_photo):
        photo = make_photo(alt_text="A train at the border")
        story = make_article(photo=photo)
        client.get(story.get_absolute_url())

        def describe():
            photo.alt_text = "An armoured train at the Khasan border crossing"
            photo.save()

        committed(describe)
        assert (
            "An armoured train at the Khasan border crossing" in client.get(story.get_absolute_url()).content.decode()
        )

    def test_approving_a_comment(self, client, committed, story, make_comment, editor):
        comment = make_comment(article=story, text="A considered view.", status=Comment.Status.PENDING)
        assert "A considered view." not in client.get(story.get_absolute_url()).content.decode()

        committed(lambda: Comment.objects.filter(pk=comment.pk).moderate(Comment.Status.APPROVED, editor))

        assert "A considered view." in client.get(story.get_absolute_url()).content.decode()

    def test_a_draft_edit_keeps_the_cache(self, client, committed, story, make_article):
        draft = make_article(headline="Not yet", status=Article.Status.DRAFT, published_at=None)
        client.get("/")

        def edit():
            draft.headline = "Still not yet"
            draft.save()

        committed(edit)
        assert get(client, "/").query_count == 0

    def test_a_purge_waits_for_the_commit_and_tells_the_cdn_hooks(
        self, client, story, django_capture_on_commit_callbacks
    ):
        client.get(story.get_absolute_url())
        heard = []

        def cdn_hook(sender, **kwargs):
            heard.append(sender)

        pages_purged.connect(cdn_hook, weak=False, dispatch_uid="test-cdn-hook")
        try:
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                story.headline = "Kim leaves Russia by train"
                story.save()
            assert get(client, story.get_absolute_url()).query_count == 0  # Not committed: still the old page.
            for callback in callbacks:
                callback()
        finally:
            pages_purged.disconnect(dispatch_uid="test-cdn-hook")
        assert heard
        assert "by train" in client.get(story.get_absolute_url()).content.decode()


class TestOnTime:
    """Scheduled, embargoed and expiring stories appear and go on time with the cache on, with no job to run."""

    @pytest.fixture
    def clock(self, monkeypatch):
        start = timezone.now()

        def move(**delta):
            moved = start + timedelta(**delta)
            monkeypatch.setattr(timezone, "now", lambda: moved)

        return move

    def test_a_scheduled_story_appears_at_its_time(self, client, make_article, clock, cache_backend):
        soon = timezone.now() + timedelta(minutes=2)
        make_article(headline="Scheduled story", published_at=soon)

        before = client.get("/")
        assert "Scheduled story" not in before.content.decode()
        assert "s-maxage=119" in before["Cache-Control"] or "s-maxage=120" in before["Cache-Control"]

        clock(minutes=3)
        assert "Scheduled story" in client.get("/").content.decode()

    def test_an_embargo_lifts_at_its_time(self, client, make_article, clock):
        lifts = timezone.now() + timedelta(minutes=10)
        story = make_article(headline="Embargoed story", embargo_lifts_at=lifts)
        assert client.get(story.get_absolute_url()).status_code == 404

        clock(minutes=9)
        assert client.get(story.get_absolute_url()).status_code == 404
        clock(minutes=11)
        assert client.get(story.get_absolute_url()).status_code == 200

    def test_an_expiring_story_goes_at_its_time(self, client, make_article, clock):
        story = make_article(headline="Licensed story", expires_at=timezone.now() + timedelta(minutes=10))
        assert "Licensed story" in client.get("/").content.decode()
        assert client.get(story.get_absolute_url()).status_code == 200

        clock(minutes=11)
        assert "Licensed story" not in client.get("/").content.decode()
        assert client.get(story.get_absolute_url()).status_code == 404

    def test_nothing_scheduled_keeps_pages_the_full_time(self, client, story, settings):
        assert f"s-maxage={settings.NEWSROOM_PAGE_CACHE_SECONDS}" in client.get("/")["Cache-Control"]
