"""Related stories, more from the author, previous/next in section and breadcrumbs."""

from datetime import timedelta
from io import StringIO
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import RELATED_SHOWN, RELATED_STORED, Article, RelatedStory
from articles.tests.forms import change_form_data

pytestmark = pytest.mark.django_db


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


class TestRelatedTo:
    def test_orders_by_shared_tags_then_section_then_recency(self, make_article, make_section):
        world, sport = make_section(slug="world"), make_section(slug="sport")
        article = make_article(section=world, tags=["Russia", "Drones", "Trade"], published_at=hours_ago(10))
        two_tags_elsewhere = make_article(section=sport, tags=["Russia", "Drones"], published_at=hours_ago(50))
        one_tag_same_section = make_article(section=world, tags=["Trade"], published_at=hours_ago(40))
        one_tag_elsewhere_newer = make_article(section=sport, tags=["Drones"], published_at=hours_ago(1))
        same_section_newer = make_article(section=world, tags=["Football"], published_at=hours_ago(2))
        make_article(section=world, tags=[], published_at=hours_ago(30))  # Fifth: cut by the limit.
        make_article(section=sport, tags=["Football"], published_at=hours_ago(3))  # Nothing in common.

        related = list(Article.objects.published().related_to(article))

        assert related == [two_tags_elsewhere, one_tag_same_section, one_tag_elsewhere_newer, same_section_newer]

    def test_leaves_out_the_article_itself_and_unpublished_stories(self, make_article, make_section):
        world = make_section(slug="world")
        article = make_article(section=world, tags=["Drones"])
        make_article(section=world, tags=["Drones"], status=Article.Status.DRAFT, published_at=None)
        make_article(section=world, tags=["Drones"], published_at=timezone.now() + timedelta(hours=1))
        published = make_article(section=world)

        assert list(Article.objects.published().related_to(article)) == [published]

    def test_article_without_tags_gets_its_section(self, make_article, make_section):
        world = make_section(slug="world")
        article = make_article(section=world)
        neighbour = make_article(section=world)
        make_article(tags=["Drones"])

        assert list(Article.objects.published().related_to(article, limit=10)) == [neighbour]

    def test_weighs_only_the_newest_candidates_of_each_tag_and_the_section(self, make_article, make_section):
        world, sport = make_section(slug="world"), make_section(slug="sport")
        article = make_article(section=world, tags=["Drones"])
        oldest = make_article(section=sport, tags=["Drones"], published_at=hours_ago(500))
        newer = [make_article(section=sport, tags=["Drones"], published_at=hours_ago(h)) for h in range(2, 6)]

        with patch("articles.models.stories.RELATED_CANDIDATES", 4):
            related = list(Article.objects.published().related_to(article, limit=10))

        assert oldest not in related
        assert related == newer


class TestStoredRelatedStories:
    def test_refresh_stores_the_ranking_and_the_page_shows_what_readers_may_see(
        self, client, make_article, make_section
    ):
        world = make_section(slug="world")
        article = make_article(section=world, tags=["Drones"], published_at=hours_ago(10))
        shared = make_article(section=world, tags=["Drones"], published_at=hours_ago(20))
        later_taken_down = make_article(section=world, tags=["Drones"], published_at=hours_ago(5))

        RelatedStory.objects.refresh(article)
        Article.objects.filter(pk=later_taken_down.pk).update(status=Article.Status.DRAFT)

        stored = list(RelatedStory.objects.filter(article=article).values_list("story", flat=True))
        assert stored == [later_taken_down.pk, shared.pk]
        assert client.get(article.get_absolute_url()).context["related"] == [shared]

    def test_keeps_stories_scheduled_for_later_and_shows_them_when_they_appear(self, make_article, make_section):
        world = make_section(slug="world")
        article = make_article(section=world, tags=["Drones"])
        scheduled = make_article(section=world, tags=["Drones"], published_at=timezone.now() + timedelta(hours=1))

        RelatedStory.objects.refresh(article)

        assert Article.objects.published().links_around(article).related == []
        Article.objects.filter(pk=scheduled.pk).update(published_at=hours_ago(0.5))
        assert Article.objects.published().links_around(article).related == [scheduled]

    def test_publishing_a_story_puts_it_under_the_older_ones_it_relates_to(
        self, make_article, make_section, draft_by, reporter, editor
    ):
        world = make_section(slug="world")
        older = make_article(section=world, tags=["Drones"], published_at=hours_ago(48))
        RelatedStory.objects.refresh(older)
        assert Article.objects.published().links_around(older).related == []

        new = draft_by(reporter, section=world, tags=["Drones"])
        workflow.publish(new, editor)

        assert Article.objects.published().links_around(new).related == [older]
        assert Article.objects.published().links_around(older).related == [new]

    def test_an_edit_ranks_again_only_when_tags_section_or_dates_change(
        self, superuser_client, make_article, make_section
    ):
        world = make_section(slug="world")
        article = make_article(section=world, tags=["Drones"], published_at=hours_ago(10))
        drones = make_article(section=world, tags=["Drones"], published_at=hours_ago(30))
        ferries = make_article(section=make_section(slug="science"), tags=["Ferries"], published_at=hours_ago(20))
        url = reverse("admin:articles_article_change", args=[article.pk])
        RelatedStory.objects.all().delete()  # An edit that ranks again brings rows back.

        response = superuser_client.post(url, change_form_data(article, body="<p>Only the words change.</p>"))
        assert response.status_code == 302
        assert not RelatedStory.objects.exists()

        article.refresh_from_db()
        response = superuser_client.post(url, change_form_data(article, tags=["Drones", "Ferries"]))
        assert response.status_code == 302
        ranked = list(RelatedStory.objects.filter(article=article).values_list("story", flat=True))
        assert ranked == [drones.pk, ferries.pk]
        assert list(RelatedStory.objects.filter(article=ferries).values_list("story", flat=True)) == [article.pk]

    def test_stores_at_most_eight_and_shows_four(self, make_article, make_section):
        world = make_section(slug="world")
        article = make_article(section=world)
        stories = [make_article(section=world, published_at=hours_ago(h)) for h in range(2, 12)]

        RelatedStory.objects.refresh(article)

        assert RelatedStory.objects.filter(article=article).count() == RELATED_STORED
        assert Article.objects.published().links_around(article).related == stories[:RELATED_SHOWN]

    def test_update_related_stories_can_rank_only_the_newest(self, make_article, make_section):
        world = make_section(slug="world")
        older, newer = make_article(section=world, published_at=hours_ago(5)), make_article(section=world)

        call_command("update_related_stories", "--newest", "1", stdout=StringIO())

        assert list(RelatedStory.objects.values_list("article", "story")) == [(newer.pk, older.pk)]

    def test_update_related_stories_can_rank_only_the_unranked(self, make_article, make_section):
        world = make_section(slug="world")
        ranked, unranked = make_article(section=world), make_article(section=world)
        RelatedStory.objects.all().delete()
        RelatedStory.objects.create(article=ranked, story=unranked, position=0)
        out = StringIO()

        call_command("update_related_stories", "--unranked", stdout=out)

        assert "Stored the related stories of 1 article." in out.getvalue()
        assert sorted(RelatedStory.objects.values_list("article", "story")) == [
            (ranked.pk, unranked.pk),
            (unranked.pk, ranked.pk),
        ]

    def test_update_related_stories_ranks_every_story(self, make_article, make_section):
        world = make_section(slug="world")
        first, second = make_article(section=world), make_article(section=world)
        out = StringIO()

        call_command("update_related_stories", stdout=out)

        assert "Stored the related stories of 2 articles." in out.getvalue()
        assert list(RelatedStory.objects.values_list("article", "story")) == [
            (first.pk, second.pk),
            (second.pk, first.pk),
        ]


class TestByLeadAuthor:
    def test_newest_other_stories_of_the_first_named_author(self, make_article, make_author):
        lead, second = make_author(), make_author()
        article = make_article(authors=[lead, second], published_at=hours_ago(5))
        older = make_article(authors=[lead], published_at=hours_ago(20))
        newer = make_article(authors=[make_author(), lead], published_at=hours_ago(1))
        already_related = make_article(authors=[lead], published_at=hours_ago(2))
        make_article(authors=[second], published_at=hours_ago(3))
        make_article(authors=[lead], status=Article.Status.DRAFT, published_at=None)

        stories = Article.objects.published().by_lead_author(article, exclude=[already_related.pk])

        assert list(stories) == [newer, older]
        assert Article.objects.published().links_around(article, exclude=[already_related.pk]).by_author == [
            newer,
            older,
        ]

    def test_limit(self, make_article, make_author):
        lead = make_author()
        article = make_article(authors=[lead])
        stories = [make_article(authors=[lead], published_at=hours_ago(hours)) for hours in range(2, 8)]
        assert Article.objects.published().links_around(article, limit=4).by_author == stories[:4]

    def test_article_without_bylines_has_none(self, make_article):
        article = make_article(authors=[])
        make_article()
        assert list(Article.objects.published().by_lead_author(article)) == []
        assert Article.objects.published().links_around(article).by_author == []


def neighbours(article):
    links = Article.objects.published().links_around(article)
    return links.previous, links.following


class TestNeighboursInSection:
    def test_previous_is_older_and_next_is_newer_within_the_section(self, make_article, make_section):
        world, sport = make_section(slug="world"), make_section(slug="sport")
        oldest = make_article(section=world, published_at=hours_ago(30))
        previous = make_article(section=world, published_at=hours_ago(20))
        make_article(section=sport, published_at=hours_ago(15))
        make_article(section=world, status=Article.Status.DRAFT, published_at=None)
        article = make_article(section=world, published_at=hours_ago(10))
        make_article(section=sport, published_at=hours_ago(8))
        following = make_article(section=world, published_at=hours_ago(5))
        make_article(section=world, published_at=hours_ago(1))
        make_article(section=world, published_at=timezone.now() + timedelta(hours=1))

        assert neighbours(article) == (previous, following)
        assert neighbours(oldest) == (None, previous)

    def test_same_time_is_ordered_by_id(self, make_article, make_section):
        world = make_section(slug="world")
        at = hours_ago(2)
        first, second, third = (make_article(section=world, published_at=at) for _ in range(3))

        assert neighbours(second) == (first, third)

    def test_a_story_can_be_previous_and_by_the_author_at_once(self, make_article, make_section, make_author):
        world, lead = make_section(slug="world"), make_author()
        previous = make_article(section=world, authors=[lead], published_at=hours_ago(2))
        article = make_article(section=world, authors=[lead], published_at=hours_ago(1))

        links = Article.objects.published().links_around(article)

        assert links == ([], [previous], previous, None)

    def test_newest_story_has_no_next(self, make_article, make_section):
        world = make_section(slug="world")
        older = make_article(section=world, published_at=hours_ago(2))
        newest = make_article(section=world, published_at=hours_ago(1))
        assert neighbours(newest) == (older, None)


class TestArticlePage:
    def test_shows_breadcrumbs_related_more_from_author_and_neighbours(
        self, client, make_article, make_section, make_author
    ):
        world = make_section(name="World", slug="world")
        author = make_author(name="Amina Rahman")
        previous = make_article(headline="Earlier world story", section=world, published_at=hours_ago(20))
        article = make_article(
            headline="Main story", section=world, authors=[author], tags=["Drones"], published_at=hours_ago(10)
        )
        following = make_article(headline="Later world story", section=world, published_at=hours_ago(5))
        by_author = make_article(headline="Amina on football", authors=[author], published_at=hours_ago(100))
        RelatedStory.objects.refresh(article)  # As publishing or saving it does.

        response = client.get(article.get_absolute_url())

        html = response.content.decode()
        breadcrumbs = html.split('<nav class="breadcrumbs" aria-label="Breadcrumb">')[1].split("</nav>")[0]
        assert '<a href="/">Home</a>' in breadcrumbs
        assert f'<a href="{world.get_absolute_url()}">World</a>' in breadcrumbs
        assert f'<a href="{article.get_absolute_url()}" aria-current="page">Main story</a>' in breadcrumbs
        assert response.context["related"] == [following, previous]
        assert response.context["more_by_author"] == [by_author]
        assert response.context["previous_in_section"] == previous
        assert response.context["next_in_section"] == following
        assert "Related stories" in html
        assert f'More from <a href="{author.get_absolute_url()}">Amina Rahman</a>' in html
        assert f'href="{by_author.get_absolute_url()}"' in html
        assert "Previous in World" in html and "Next in World" in html

    def test_lonely_story_has_no_more_stories_box(self, client, make_article):
        article = make_article()
        html = client.get(article.get_absolute_url()).content.decode()
        assert 'class="story-more"' not in html
