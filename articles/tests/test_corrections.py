"""The public corrections log and corrections in the article's structured data."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from articles.tests.test_query_budget import QUERY_BUDGET, warm_site_cache

LOG_URL = reverse("articles:corrections")


def add_note(article, text, *, kind=Correction.Kind.CORRECTION, hours_ago=1):
    return Correction.objects.create(
        article=article, kind=kind, text=text, created_at=timezone.now() - timedelta(hours=hours_ago)
    )


@pytest.mark.django_db
class TestCorrectionsLog:
    def test_lists_every_note_on_published_stories_newest_first_linking_to_them(self, client, make_article):
        story = make_article(headline="Kim leaves Russia")
        other = make_article(headline="Drones as a gift")
        add_note(story, "An earlier version gave the wrong distance.", hours_ago=3)
        add_note(other, "Kim has now crossed the border.", kind=Correction.Kind.UPDATE, hours_ago=2)
        add_note(story, "The station is Artyom-Primorsky-1.", hours_ago=1)

        response = client.get(LOG_URL)

        assert response.status_code == 200
        assert [note.text for note in response.context["page_obj"]] == [
            "The station is Artyom-Primorsky-1.",
            "Kim has now crossed the border.",
            "An earlier version gave the wrong distance.",
        ]
        html = response.content.decode()
        assert f'href="{story.get_absolute_url()}"' in html
        assert "Update" in html and "Correction" in html

    def test_notes_on_stories_readers_cannot_see_are_left_out(self, client, make_article):
        unpublished = make_article(headline="Taken down")
        add_note(unpublished, "Shown while it was live.")
        Article.objects.filter(pk=unpublished.pk).update(status=Article.Status.DRAFT)
        expired = make_article(expires_at=timezone.now() - timedelta(minutes=1))
        add_note(expired, "On agency copy that has expired.")

        response = client.get(LOG_URL)

        assert list(response.context["page_obj"]) == []
        assert "No corrections or updates yet." in response.content.decode()

    def test_lists_notes_on_stories_published_after_the_site_started(self, client, make_article):
        # The published rule is applied as of each request, not of when the views were loaded.
        story = make_article(published_at=timezone.now())
        add_note(story, "Published a moment ago.", hours_ago=0)
        gone = make_article(expires_at=timezone.now())
        add_note(gone, "Expired a moment ago.", hours_ago=0)

        response = client.get(LOG_URL)

        assert [note.text for note in response.context["page_obj"]] == ["Published a moment ago."]

    def test_paginates_twenty_a_page(self, client, make_article):
        story = make_article()
        for n in range(21):
            add_note(story, f"Note {n}", hours_ago=n + 1)
        first = client.get(LOG_URL).context["page_obj"]
        assert len(first) == 20
        older = client.get(LOG_URL + "?" + first.next_query.urlencode()).context["page_obj"]
        assert [note.text for note in older] == ["Note 20"]
        assert not older.has_next()
        assert client.get(LOG_URL + "?page=3").status_code == 404

    def test_stays_within_query_budget(self, client, make_article, django_assert_max_num_queries):
        for n in range(30):
            add_note(make_article(), f"Note {n}")
        warm_site_cache()
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = client.get(LOG_URL)
        assert response.status_code == 200

    def test_footer_links_to_it(self, client, db):
        assert f'href="{LOG_URL}"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_article_json_ld_carries_each_correction_but_not_updates(client, make_article, read_json_ld):
    story = make_article()
    add_note(story, "The first fix.", hours_ago=2)
    add_note(story, "The story moved on.", kind=Correction.Kind.UPDATE)

    news_article, _breadcrumbs = read_json_ld(client.get(story.get_absolute_url()).content.decode())

    assert [(item["@type"], item["text"]) for item in news_article["correction"]] == [
        ("CorrectionComment", "The first fix.")
    ]
    assert news_article["correction"][0]["datePublished"].startswith(
        timezone.localtime(story.corrections.get(kind="correction").created_at).strftime("%Y-%m-%d")
    )


@pytest.mark.django_db
def test_article_without_corrections_has_no_correction_property(client, make_article, read_json_ld):
    story = make_article()
    news_article, _breadcrumbs = read_json_ld(client.get(story.get_absolute_url()).content.decode())
    assert "correction" not in news_article
