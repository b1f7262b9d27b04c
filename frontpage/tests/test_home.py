"""The home page: the editors' lineup at the top, empty slots filled with the latest, then the sections."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.tests.test_query_budget import QUERY_BUDGET, warm_site_cache
from frontpage.models import Lineup, Placement
from pagecache.state import current_generation


def lineup(*stories, takes_effect_at=None, packages=None, by=None):
    """Make a lineup placing `stories` (None for an empty slot) in slot order; `packages` maps slot to stories."""
    made = Lineup.objects.create(takes_effect_at=takes_effect_at or timezone.now(), created_by=by)
    for position, story in enumerate(stories):
        if story is not None:
            placement = Placement.objects.create(lineup=made, position=position, article=story)
            placement.package.set((packages or {}).get(position, []))
    return made


def lead_on(response):
    """Return the lead headline of a home page as served, whether rendered now or from the cache."""
    return re.search(r'card__headline--lead"><a href="[^"]+">([^<]+)</a>', response.content.decode())[1]


def slot_headlines(response):
    return [response.context["lead"].article.headline] + [slot.article.headline for slot in response.context["top"]]


@pytest.fixture
def stories(make_article):
    """Eight stories, the newest first: "Story 0" an hour old, "Story 7" eight hours old."""
    now = timezone.now()
    return [make_article(headline=f"Story {n}", published_at=now - timedelta(hours=n + 1)) for n in range(8)]


@pytest.mark.django_db
class TestHome:
    def test_lead_latest_and_sections(self, client, make_article, make_section):
        world = make_section(name="World", slug="world")
        sport = make_section(name="Sport", slug="sport")
        older = make_article(
            headline="Older world story", section=world, published_at=timezone.now() - timedelta(days=2)
        )
        lead = make_article(headline="Newest story", section=sport)
        make_article(headline="Hidden draft", status=Article.Status.DRAFT, published_at=None, section=world)

        response = client.get("/")

        assert response.status_code == 200
        assert response.context["lead"].article == lead
        assert [slot.article for slot in response.context["top"]] == [older]
        assert response.context["latest"] == []
        assert [(section.slug, articles) for section, articles in response.context["sections"]] == [
            ("sport", [lead]),
            ("world", [older]),
        ]
        assert "Hidden draft" not in response.content.decode()

    def test_per_section_list_is_limited(self, client, make_article, make_section):
        world = make_section(slug="world")
        for hours in range(6):
            make_article(section=world, published_at=timezone.now() - timedelta(hours=hours + 1))
        sections = client.get("/").context["sections"]
        assert len(sections[0][1]) == 4

    def test_empty_site(self, client, db):
        response = client.get("/")
        assert response.status_code == 200
        assert "No stories have been published yet." in response.content.decode()


@pytest.mark.django_db
class TestLineup:
    def test_the_editors_lead_and_slots_lead_and_the_rest_fill_with_the_latest(self, client, stories):
        lineup(stories[6], None, stories[7])

        response = client.get("/")

        assert slot_headlines(response) == ["Story 6", "Story 0", "Story 7", "Story 1", "Story 2"]
        assert [slot.is_chosen for slot in [response.context["lead"], *response.context["top"]]] == [
            True,
            False,
            True,
            False,
            False,
        ]
        assert [story.headline for story in response.context["latest"]] == ["Story 3", "Story 4", "Story 5"]

    def test_a_package_shows_under_its_story_newest_first(self, client, stories):
        lineup(stories[5], packages={0: [stories[7], stories[6]]})
        response = client.get("/")
        assert [story.headline for story in response.context["lead"].package] == ["Story 6", "Story 7"]
        html = response.content.decode()
        assert html.index("Story 5") < html.index("Story 6") < html.index("Story 7")
        # Packaged stories are not shown again in the slots or the latest.
        assert "Story 6" not in [slot.article.headline for slot in response.context["top"]]

    @pytest.mark.parametrize(
        "leaves",
        [
            {"status": Article.Status.DRAFT, "published_at": None},
            {"expires_at": timezone.now() - timedelta(minutes=1)},
        ],
        ids=["unpublished", "expired"],
    )
    def test_a_story_that_leaves_public_view_drops_out_of_its_slot(self, client, stories, leaves):
        lineup(stories[6], stories[7])
        Article.objects.filter(pk=stories[6].pk).update(**leaves)
        assert slot_headlines(client.get("/"))[:2] == ["Story 0", "Story 7"]

    def test_a_scheduled_change_of_lead_takes_effect_on_time_with_the_page_cache_on(self, client, stories, settings):
        settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
        lineup(stories[5])
        later = lineup(stories[6], takes_effect_at=timezone.now() + timedelta(seconds=2))

        assert lead_on(client.get("/")) == "Story 5"
        assert current_generation().ends_at == later.takes_effect_at  # No cached page outlives it.
        time.sleep(max(0, (later.takes_effect_at - timezone.now()).total_seconds()) + 0.1)

        assert lead_on(client.get("/")) == "Story 6"

    def test_the_home_page_keeps_its_query_budget_with_a_full_lineup(
        self, client, stories, django_assert_max_num_queries
    ):
        lineup(*stories[3:8], packages={0: stories[:2], 2: [stories[2]]})
        warm_site_cache()
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = client.get("/")
        assert len(response.context["top"]) == 4


@pytest.fixture
def editor_client(client, make_user):
    user = make_user(username="eddie", first_name="Eddie")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.django_db
class TestAdmin:
    def test_a_new_lineup_opens_as_a_copy_of_the_one_in_force(self, editor_client, stories):
        lineup(stories[4], stories[5])
        response = editor_client.get(reverse("admin:frontpage_lineup_add"))
        forms = response.context["inline_admin_formsets"][0].formset.forms
        assert [(form.initial.get("position"), form.initial.get("article")) for form in forms[:2]] == [
            (0, stories[4].pk),
            (1, stories[5].pk),
        ]

    def test_an_editor_changes_the_lead_and_the_change_is_recorded(self, editor_client, client, stories):
        data = {
            "takes_effect_at_0": timezone.localtime().strftime("%Y-%m-%d"),
            "takes_effect_at_1": (timezone.localtime() - timedelta(minutes=1)).strftime("%H:%M:%S"),
            "note": "The talks collapsed",
            "placements-TOTAL_FORMS": "1",
            "placements-INITIAL_FORMS": "0",
            "placements-MIN_NUM_FORMS": "0",
            "placements-MAX_NUM_FORMS": "5",
            "placements-0-position": "0",
            "placements-0-article": str(stories[7].pk),
        }
        response = editor_client.post(reverse("admin:frontpage_lineup_add"), data)
        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
        made = Lineup.objects.get()
        assert (made.created_by, made.note) == (editor_client.user, "The talks collapsed")
        assert slot_headlines(client.get("/"))[0] == "Story 7"

    def test_a_lineup_that_took_effect_is_history_and_cannot_change(self, editor_client, stories):
        past = lineup(stories[1], by=editor_client.user)
        response = editor_client.post(reverse("admin:frontpage_lineup_change", args=[past.pk]), {"note": "rewritten"})
        assert response.status_code == 403
        assert (
            editor_client.post(reverse("admin:frontpage_lineup_delete", args=[past.pk]), {"post": "yes"}).status_code
            == 403
        )
        assert Lineup.objects.get().note == ""

    def test_preview_shows_the_home_page_as_the_lineup_makes_it(self, editor_client, stories):
        coming = lineup(stories[7], takes_effect_at=timezone.now() + timedelta(hours=1))
        response = editor_client.get(reverse("admin:frontpage_lineup_preview", args=[coming.pk]))
        assert response.status_code == 200
        assert response.context["lead"].article == stories[7]
        assert "Readers do not see this page." in response.content.decode()
        assert response["X-Robots-Tag"] == "noindex, nofollow"

    def test_reporters_cannot_change_the_front_page(self, client, make_user):
        user = make_user(username="rita")
        user.groups.add(Group.objects.get(name="Reporters"))
        client.force_login(user)
        assert client.get(reverse("admin:frontpage_lineup_add")).status_code == 403


@pytest.mark.django_db
def test_the_lineup_list_costs_the_same_whatever_the_number_of_lineups(
    editor_client, stories, django_assert_num_queries
):
    for hours in range(1, 4):
        lineup(stories[hours], takes_effect_at=timezone.now() - timedelta(hours=hours))
    url = reverse("admin:frontpage_lineup_changelist")
    editor_client.get(url)
    with CaptureQueriesContext(connection) as few:
        editor_client.get(url)
    for hours in range(4, 8):
        lineup(stories[hours], takes_effect_at=timezone.now() - timedelta(hours=hours))
    with django_assert_num_queries(len(few)):
        response = editor_client.get(url)
    assert response.content.decode().count("in force") == 1
