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
        assert '<h1 class="story__headline">Kim leaves Russia</h1>' in html
        assert "Drones as a gift." in html
        assert f'href="{author.get_absolute_url()}"' in html
        assert f'href="{agency.get_absolute_url()}"' in html
        assert reverse("articles:tag", args=["north-korea"]) in html
        assert f'datetime="{article.published_at.isoformat(timespec="seconds")}"' in html
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
        article = make_article(
            headline="Not yet",
            body="<p>The draft's <em>own</em> words.</p>",
            status=Article.Status.DRAFT,
            published_at=None,
        )
        response = superuser_client.get(reverse("articles:preview", args=[article.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Readers cannot see it yet" in html
        assert "The draft's <em>own</em> words." in html

    def test_staff_without_permission_get_403(self, client, make_article, make_user):
        client.force_login(make_user())
        article = make_article(status=Article.Status.DRAFT, published_at=None)
        assert client.get(reverse("articles:preview", args=[article.pk])).status_code == 403

    @pytest.mark.parametrize(("viewer", "expected"), [("reporter", 200), ("editor", 200), ("other_reporter", 403)])
    def test_only_owners_and_editors_preview(self, client, request, draft_by, viewer, expected):
        article = draft_by(request.getfixturevalue("reporter"), headline="Draft in progress")
        client.force_login(request.getfixturevalue(viewer))
        response = client.get(reverse("articles:preview", args=[article.pk]))
        assert response.status_code == expected
        if expected == 200:
            assert "Draft in progress" in response.content.decode()

    def test_preview_is_kept_out_of_indexes_and_caches(self, superuser_client, make_article):
        article = make_article(status=Article.Status.REVIEW, published_at=None)
        response = superuser_client.get(reverse("articles:preview", args=[article.pk]))
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
        assert "no-store" in response["Cache-Control"]

    def test_preview_shows_embargo_state(self, superuser_client, make_article):
        article = make_article(embargo_lifts_at=timezone.now() + timedelta(hours=1))
        html = superuser_client.get(reverse("articles:preview", args=[article.pk])).content.decode()
        assert "published, embargoed until" in html
        assert "Readers cannot see it yet." in html


@pytest.mark.django_db
class TestSharedPreview:
    @pytest.fixture
    def link(self, make_article, editor):
        from articles.models import PreviewLink

        article = make_article(
            headline="Under legal review",
            body="<p>Claims to check.</p>",
            status=Article.Status.REVIEW,
            published_at=None,
        )
        return PreviewLink.objects.create(article=article, label="Legal", created_by=editor)

    def test_anyone_with_the_link_reads_the_draft(self, client, link):
        response = client.get(link.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert "Under legal review" in html
        assert "Claims to check." in html
        assert "Preview shared with Legal" in html
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert response["Referrer-Policy"] == "no-referrer"
        assert '<meta name="robots" content="noindex, nofollow">' in html

    def test_expired_link_is_404(self, client, link):
        type(link).objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        assert client.get(link.get_absolute_url()).status_code == 404

    def test_revoked_link_is_404(self, client, link):
        type(link).objects.filter(pk=link.pk).update(revoked_at=timezone.now())
        assert client.get(link.get_absolute_url()).status_code == 404

    @pytest.mark.parametrize("tamper", ["id", "signature", "garbage"])
    def test_forged_link_is_404(self, client, link, tamper):
        other = type(link).objects.create(article=link.article)
        token = {
            "id": f"{other.pk + 1}:{link.token.split(':', 1)[1]}",
            "signature": link.token[:-2] + ("AA" if not link.token.endswith("AA") else "BB"),
            "garbage": "not-a-token",
        }[tamper]
        assert client.get(reverse("articles:shared_preview", args=[token])).status_code == 404


@pytest.mark.django_db
class TestSectionAndTagPages:
    def test_section_lists_its_published_articles_twenty_a_page(self, client, make_article, make_section):
        world = make_section(name="World", slug="world")
        for _ in range(21):
            make_article(section=world)
        make_article(section=world, headline="Secret draft", status=Article.Status.DRAFT, published_at=None)
        make_article(headline="Elsewhere")

        first = client.get(world.get_absolute_url())
        second = client.get(world.get_absolute_url() + "?" + first.context["page_obj"].next_query.urlencode())

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


@pytest.mark.django_db
def test_navigation_shows_a_new_section_at_once(client, make_section):
    make_section(name="World", slug="world")
    assert 'href="/sections/world/"' in client.get("/").content.decode()
    make_section(name="Sport", slug="sport")
    assert 'href="/sections/sport/"' in client.get("/").content.decode()


@pytest.mark.django_db
class TestLatest:
    def test_every_published_story_newest_first_twenty_a_page(self, client, make_article):
        now = timezone.now()
        stories = [make_article(published_at=now - timedelta(hours=n)) for n in range(1, 23)]
        make_article(status=Article.Status.DRAFT, published_at=None, headline="Not yet")

        first = client.get(reverse("articles:latest"))
        second = client.get(reverse("articles:latest") + "?" + first.context["page_obj"].next_query.urlencode())

        assert list(first.context["page_obj"]) == stories[:20]
        assert list(second.context["page_obj"]) == stories[20:]
        assert "Not yet" not in first.content.decode()
        assert not second.context["page_obj"].has_next()

    def test_the_home_page_and_every_page_link_to_it(self, client, make_article):
        make_article()
        assert f'href="{reverse("articles:latest")}"' in client.get("/").content.decode()
