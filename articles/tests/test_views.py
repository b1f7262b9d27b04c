from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.tests.factories import unpublished_states


@pytest.mark.django_db
class TestArticlePage:
    def test_reader_sees_published_article(self, client, make_article, make_author, make_organisation):
        author = make_author(name="Mridha Shihab Mahmud")
        agency = make_organisation(name="TASS")
        article = make_article(
            headline="Kim leaves Russia",
            standfirst="Drones as a gift.",
            dateline="Vladivostok",
            authors=[author],
            sources=[agency],
            tags=["North Korea"],
        )

        response = client.get(article.get_absolute_url())

        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1 class=\"story__headline\">Kim leaves Russia</h1>" in html
        assert "Drones as a gift." in html
        assert f'href="{author.get_absolute_url()}"' in html
        assert f'href="{agency.get_absolute_url()}"' in html
        assert reverse("articles:tag", args=["north-korea"]) in html
        assert f'datetime="{article.published_at.isoformat()}"' in html
        assert "No comments yet" in html

    @unpublished_states
    def test_unpublished_articles_are_404_to_readers(self, client, make_article, overrides):
        article = make_article(**overrides)
        published_at = article.published_at or timezone.now()
        url = reverse(
            "articles:detail",
            kwargs={
                "year": published_at.year,
                "month": f"{published_at.month:02d}",
                "day": f"{published_at.day:02d}",
                "slug": article.slug,
            },
        )
        assert client.get(url).status_code == 404
        assert client.get(article.get_absolute_url()).status_code in {302, 404}

    def test_wrong_date_is_404(self, client, make_article):
        article = make_article(slug="dated", published_at=timezone.make_aware(timezone.datetime(2023, 9, 17, 12)))
        assert client.get("/2023/09/18/dated/").status_code == 404
        assert client.get("/2023/13/45/dated/").status_code == 404
        assert client.get(article.get_absolute_url()).status_code == 200

    def test_body_html_is_rendered_not_escaped(self, client, make_article):
        article = make_article(body="<p>One <strong>bold</strong> claim.</p>")
        assert "One <strong>bold</strong> claim." in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
class TestPreview:
    def test_anonymous_reader_is_sent_to_login(self, client, make_article):
        article = make_article(status=Article.Status.DRAFT, published_at=None)
        response = client.get(reverse("articles:preview", args=[article.pk]))
        assert response.status_code == 302
        assert reverse("admin:login") in response.url

    def test_staff_with_view_permission_see_draft(self, client, make_article, superuser_client):
        article = make_article(headline="Not yet", status=Article.Status.DRAFT, published_at=None)
        response = superuser_client.get(reverse("articles:preview", args=[article.pk]))
        assert response.status_code == 200
        assert "Readers cannot see it yet" in response.content.decode()

    def test_staff_without_permission_get_403(self, client, make_article, make_user):
        client.force_login(make_user())
        article = make_article(status=Article.Status.DRAFT, published_at=None)
        assert client.get(reverse("articles:preview", args=[article.pk])).status_code == 403


@pytest.mark.django_db
class TestHome:
    def test_lead_latest_and_sections(self, client, make_article, make_section):
        world = make_section(name="World", slug="world")
        sport = make_section(name="Sport", slug="sport")
        older = make_article(headline="Older world story", section=world, published_at=timezone.now() - timedelta(days=2))
        lead = make_article(headline="Newest story", section=sport)
        make_article(headline="Hidden draft", status=Article.Status.DRAFT, published_at=None, section=world)

        response = client.get("/")

        assert response.status_code == 200
        assert response.context["lead"] == lead
        assert response.context["top"] == [older]
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
class TestSectionAndTagPages:
    def test_section_lists_its_published_articles_twenty_a_page(self, client, make_article, make_section):
        world = make_section(name="World", slug="world")
        for _ in range(21):
            make_article(section=world)
        make_article(section=world, headline="Secret draft", status=Article.Status.DRAFT, published_at=None)
        make_article(headline="Elsewhere")

        first = client.get(world.get_absolute_url())
        second = client.get(world.get_absolute_url() + "?page=2")

        assert first.status_code == 200
        assert len(first.context["page_obj"].object_list) == 20
        assert len(second.context["page_obj"].object_list) == 1
        assert "Secret draft" not in first.content.decode() + second.content.decode()
        assert "Elsewhere" not in first.content.decode()

    @pytest.mark.parametrize("page", ["99", "abc", "-1"])
    def test_bad_page_is_404(self, client, make_article, page):
        article = make_article()
        assert client.get(article.section.get_absolute_url() + f"?page={page}").status_code == 404

    def test_unknown_section_is_404(self, client, db):
        assert client.get("/sections/nowhere/").status_code == 404

    def test_tag_page(self, client, make_article):
        tagged = make_article(headline="Tagged story", tags=["Drones"])
        make_article(headline="Untagged story")
        make_article(headline="Tagged draft", tags=["Drones"], status=Article.Status.DRAFT, published_at=None)

        response = client.get(reverse("articles:tag", args=["drones"]))

        assert response.status_code == 200
        assert list(response.context["page_obj"].object_list) == [tagged]
        assert client.get(reverse("articles:tag", args=["unknown"])).status_code == 404


@pytest.mark.django_db
def test_404_page_is_the_sites_own(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_500_page_renders_without_a_request_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
