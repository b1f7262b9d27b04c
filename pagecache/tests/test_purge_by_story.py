"""A change that shows only where one story shows purges only the pages showing it."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, RelatedStory
from articles.tests.forms import change_form_data
from comments.models import Comment
from liveblog.models import Entry, LiveBlog
from pagecache import state
from pagecache.dependencies import story_key
from pagecache.middleware import PageCacheMiddleware
from pagecache.signals import pages_purged

from .test_page_cache import get

pytestmark = pytest.mark.usefixtures("page_cache")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            change()

    return run


@pytest.fixture
def stories(make_article):
    """Two stories with nothing in common (section, author, tags), so neither's page shows the other."""
    one = make_article(headline="Kim leaves Russia", tags=["korea"])
    other = make_article(headline="Floods in Valencia", published_at=timezone.now() - timedelta(hours=2))
    return one, other


def pages_listing(story):
    return {
        "story": story.get_absolute_url(),
        "home": reverse("frontpage:home"),
        "latest": reverse("articles:latest"),
        "section": story.section.get_absolute_url(),
        "tag": reverse("articles:tag", args=["korea"]),
        "feed": reverse("articles:feed"),
    }


def edit_headline(story, headline):
    def edit():
        story.headline = headline
        story.save()

    return edit


class TestEditingAPublishedStory:
    def test_purges_the_pages_showing_it_and_keeps_the_others(self, client, committed, stories, cache_backend):
        one, other = stories
        pages = pages_listing(one)
        for url in [*pages.values(), other.get_absolute_url()]:
            assert "Kim leaves Russia" in client.get(url).content.decode() or url == other.get_absolute_url()
        assert get(client, other.get_absolute_url()).query_count == 0

        committed(edit_headline(one, "Kim leaves Russia by armoured train"))

        for name, url in pages.items():
            assert "by armoured train" in client.get(url).content.decode(), name
        kept = get(client, other.get_absolute_url())
        assert kept.status_code == 200
        assert kept.query_count == 0
        assert "by armoured train" not in kept.content.decode()

    def test_a_page_rebuilt_is_kept_again(self, client, committed, stories):
        one, _other = stories
        client.get(one.get_absolute_url())
        committed(edit_headline(one, "Kim leaves Russia by armoured train"))

        assert get(client, one.get_absolute_url()).query_count > 0
        assert get(client, one.get_absolute_url()).query_count == 0

    def test_purges_the_pages_whose_rails_show_it(self, client, committed, make_article, make_author):
        author = make_author(name="Mridha Shihab Mahmud")
        one = make_article(headline="Kim leaves Russia", authors=[author])
        other = make_article(headline="Kim arrives in Russia", authors=[author])
        RelatedStory.objects.create(article=other, story=one, position=0)
        author_page = reverse("authors:detail", args=[author.slug])
        assert "Kim leaves Russia" in client.get(other.get_absolute_url()).content.decode()
        assert "Kim leaves Russia" in client.get(author_page).content.decode()

        committed(edit_headline(one, "Kim leaves Russia by armoured train"))

        assert "by armoured train" in client.get(other.get_absolute_url()).content.decode()
        assert "by armoured train" in client.get(author_page).content.decode()

    def test_saving_it_through_the_admin_purges_only_its_pages(
        self, client, stories, editor, django_capture_on_commit_callbacks
    ):
        """As editors do all day: the change form sent back as it stands, with a new body."""
        one, other = stories
        client.get(other.get_absolute_url())
        heard = []
        pages_purged.connect(lambda sender, **kwargs: heard.append(kwargs["keys"]), weak=False, dispatch_uid="keys")
        staff = Client()
        staff.force_login(editor)
        data = change_form_data(one, body="<p>The train left on Monday.</p>")
        try:
            with django_capture_on_commit_callbacks(execute=True):
                response = staff.post(reverse("admin:articles_article_change", args=[one.pk]), data)
        finally:
            pages_purged.disconnect(dispatch_uid="keys")

        assert response.status_code == 302
        assert set(heard) == {(f"story-{one.pk}-full", "newsroom-stories")}
        assert get(client, other.get_absolute_url()).query_count == 0
        assert "left on Monday" in client.get(one.get_absolute_url()).content.decode()

    def test_a_body_edit_purges_its_page_and_feeds_but_not_the_lists(self, client, committed, stories):
        one, _other = stories
        pages = pages_listing(one)
        for url in pages.values():
            client.get(url)

        def edit():
            one.body = "<p>The train left on Monday.</p>"
            one.save()

        committed(edit)

        assert "left on Monday" in client.get(pages["story"]).content.decode()
        assert get(client, pages["feed"]).query_count > 0  # Each item says when it was updated.
        for name in ("home", "latest", "section", "tag"):
            assert get(client, pages[name]).query_count == 0, name

    def test_the_cdn_hooks_hear_which_keys(self, client, committed, stories):
        one, _other = stories
        heard = []
        pages_purged.connect(lambda sender, **kwargs: heard.append(kwargs["keys"]), weak=False, dispatch_uid="keys")
        try:
            committed(edit_headline(one, "Kim leaves Russia by armoured train"))
        finally:
            pages_purged.disconnect(dispatch_uid="keys")
        assert heard == [(f"story-{one.pk}", "newsroom-stories")]

    def test_an_edit_that_adds_a_story_to_search_results_purges_them(self, client, committed, stories):
        one, _other = stories
        search = reverse("search:search") + "?q=armoured"
        assert "Kim leaves Russia" not in client.get(search).content.decode()

        committed(edit_headline(one, "Kim leaves Russia by armoured train"))

        assert "by armoured train" in client.get(search).content.decode()


class TestEverythingStillGoes:
    """Changes to which lists a story is on, or where it sorts, purge every page."""

    @pytest.mark.parametrize("field", ["section", "published_at", "slug", "status", "expires_at"])
    def test_a_change_of_listing(self, client, committed, stories, make_section, field):
        one, other = stories
        client.get(other.get_absolute_url())
        value = {
            "section": make_section(name="Asia") if field == "section" else None,
            "published_at": one.published_at - timedelta(days=3),
            "slug": "kim-leaves-russia",
            "status": Article.Status.DRAFT,
            "expires_at": timezone.now() + timedelta(days=30),
        }[field]
        heard = []
        pages_purged.connect(lambda sender, **kwargs: heard.append(kwargs["keys"]), weak=False, dispatch_uid="keys")

        def move():
            setattr(one, field, value)
            one.save()

        try:
            committed(move)
        finally:
            pages_purged.disconnect(dispatch_uid="keys")
        assert heard == [("newsroom-pages",)]
        assert get(client, other.get_absolute_url()).query_count > 0

    def test_tags_added_or_removed(self, client, committed, stories):
        one, other = stories
        client.get(other.get_absolute_url())
        committed(lambda: one.tags.add("russia"))
        assert get(client, other.get_absolute_url()).query_count > 0

        client.get(other.get_absolute_url())
        committed(lambda: one.tags.remove("korea"))
        assert get(client, other.get_absolute_url()).query_count > 0

    def test_setting_the_same_tags_again_purges_only_the_story(self, client, committed, stories):
        one, other = stories
        client.get(other.get_absolute_url())

        def resave():
            one.tags.set(["korea"])
            one.save()

        committed(resave)
        assert get(client, other.get_absolute_url()).query_count == 0

    def test_a_story_loaded_without_its_listing_fields_purges_everything(self, client, committed, stories):
        one, other = stories
        client.get(other.get_absolute_url())
        partial = Article.objects.only("headline", "version").get(pk=one.pk)
        partial.published_at = one.published_at - timedelta(days=1)  # Not loaded, so not known to be unchanged.
        committed(partial.save)
        assert get(client, other.get_absolute_url()).query_count > 0


class TestOtherChanges:
    def test_an_approved_comment_purges_only_its_story(self, client, committed, stories, make_comment):
        one, other = stories
        client.get(one.get_absolute_url())
        client.get(other.get_absolute_url())

        committed(lambda: make_comment(article=one, text="A considered view.", status=Comment.Status.APPROVED))

        assert "A considered view." in client.get(one.get_absolute_url()).content.decode()
        assert get(client, other.get_absolute_url()).query_count == 0

    def test_a_pending_comment_purges_nothing(self, client, committed, stories, make_comment):
        one, _other = stories
        client.get(one.get_absolute_url())
        committed(lambda: make_comment(article=one, text="Spam?", status=Comment.Status.PENDING))
        assert get(client, one.get_absolute_url()).query_count == 0

    def test_a_live_blog_entry_purges_its_pages_only(self, client, committed, stories, editor):
        one, other = stories
        live_blog = LiveBlog.objects.create(article=one)
        entries = reverse("liveblog:entries", args=[one.pk])
        client.get(one.get_absolute_url())
        client.get(entries)
        client.get(other.get_absolute_url())

        committed(lambda: Entry.objects.create(live_blog=live_blog, text="<p>The train crossed the border.</p>"))

        assert "crossed the border" in client.get(one.get_absolute_url()).content.decode()
        assert "crossed the border" in client.get(entries).content.decode()
        assert get(client, other.get_absolute_url()).query_count == 0

    def test_deleting_a_live_blog_story_purges_every_page(self, client, committed, stories):
        one, other = stories
        live_blog = LiveBlog.objects.create(article=one)
        Entry.objects.create(live_blog=live_blog, text="<p>The train crossed the border.</p>")
        client.get(other.get_absolute_url())

        committed(Article.objects.get(pk=one.pk).delete)

        assert get(client, other.get_absolute_url()).query_count > 0


class TestVersions:
    def test_a_page_reads_its_versions_once_after_each_purge(self, client, stories, monkeypatch):
        one, other = stories
        client.get(one.get_absolute_url())
        checks = []
        versions_unchanged = state.versions_unchanged
        monkeypatch.setattr(state, "versions_unchanged", lambda *args: checks.append(args) or versions_unchanged(*args))

        assert get(client, one.get_absolute_url()).query_count == 0
        assert checks == []

        state._purge_keys_now((story_key(other.pk),))
        assert get(client, one.get_absolute_url()).query_count == 0
        assert len(checks) == 1
        # Found unchanged, the page is kept again with the counter's new value.
        assert get(client, one.get_absolute_url()).query_count == 0
        assert len(checks) == 1

        state._purge_keys_now((story_key(one.pk),))
        assert get(client, one.get_absolute_url()).query_count > 0

    def test_a_page_checked_while_a_purge_is_under_way_is_built_again_after_it(self, client, stories, monkeypatch):
        one, _other = stories
        client.get(one.get_absolute_url())
        set_many = cache.set_many
        during = []

        def a_reader_comes_first(*args, **kwargs):
            during.append(get(client, one.get_absolute_url()).query_count)
            return set_many(*args, **kwargs)

        monkeypatch.setattr(cache, "set_many", a_reader_comes_first)
        state._purge_keys_now((story_key(one.pk),))
        monkeypatch.undo()

        assert during == [0]  # Its version not yet written, the page looked unchanged...
        assert get(client, one.get_absolute_url()).query_count > 0  # ...and is not taken as checked since.

    def test_an_evicted_version_makes_the_page_stale_not_fresh(self, client, committed, stories, cache_backend):
        one, other = stories
        client.get(one.get_absolute_url())
        assert get(client, one.get_absolute_url()).query_count == 0

        cache.delete(state.version_key(story_key(one.pk)))
        # Once some story is purged, the page's versions are read, and one is missing.
        state._purge_keys_now((story_key(other.pk),))
        assert get(client, one.get_absolute_url()).query_count > 0
        assert get(client, one.get_absolute_url()).query_count == 0

    def test_a_purge_then_an_eviction_still_leaves_the_page_stale(self, client, stories, cache_backend):
        one, _other = stories
        client.get(one.get_absolute_url())

        state._purge_keys_now((story_key(one.pk),))
        cache.delete(state.version_key(story_key(one.pk)))

        assert get(client, one.get_absolute_url()).query_count > 0

    def test_a_lost_purge_counter_starts_again_above_every_version(self, client, stories, cache_backend):
        one, _other = stories
        client.get(one.get_absolute_url())
        state._purge_keys_now((story_key(one.pk),))
        before = cache.get(state.version_key(story_key(one.pk)))

        cache.delete(state.PURGE_COUNTER_KEY)
        state._purge_keys_now((story_key(one.pk),))

        assert cache.get(state.version_key(story_key(one.pk))) > before
        assert get(client, one.get_absolute_url()).query_count > 0

    def test_a_page_whose_story_is_purged_while_it_is_built_is_served_but_not_kept(self, stories):
        one, _other = stories
        builds = []

        def build(request):
            builds.append(Article.objects.get(pk=one.pk).headline)
            if len(builds) == 1:
                state._purge_keys_now((story_key(one.pk),))  # An editor's save commits meanwhile.
            return HttpResponse("page")

        middleware = PageCacheMiddleware(build)
        assert middleware(RequestFactory().get("/somewhere/")).status_code == 200
        middleware(RequestFactory().get("/somewhere/"))
        middleware(RequestFactory().get("/somewhere/"))

        assert len(builds) == 2


class TestSurrogateKeys:
    def test_list_the_stories_a_page_shows(self, client, stories):
        one, other = stories
        keys = client.get(reverse("articles:latest"))["Surrogate-Key"].split()
        assert keys[0] == "newsroom-pages"
        assert {f"story-{one.pk}", f"story-{other.pk}"} <= set(keys)

    def test_a_page_of_too_many_stories_depends_on_every_story(self, client, committed, stories, monkeypatch):
        one, _other = stories
        monkeypatch.setattr("pagecache.middleware.MAX_KEYS", 1)
        url = reverse("articles:latest")
        assert client.get(url)["Surrogate-Key"] == "newsroom-pages newsroom-stories"

        committed(edit_headline(one, "Kim leaves Russia by armoured train"))
        assert "by armoured train" in client.get(url).content.decode()

    def test_search_depends_on_every_story(self, client, stories):
        response = client.get(reverse("search:search") + "?q=Kim")
        assert response["Surrogate-Key"] == "newsroom-pages newsroom-stories"
