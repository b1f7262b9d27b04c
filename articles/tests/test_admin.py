import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.tests.forms import change_form_data
from authors.models import Author
from newsroom.pagination import EstimatingPaginator

ADD_URL = reverse("admin:articles_article_add")


def article_form_data(section, author, **overrides):
    """The POST data the article add form sends, with one byline."""
    data = {
        "headline": "Kim leaves Russia",
        "slug": "kim-leaves-russia",
        "standfirst": "Drones as a gift.",
        "body": "<p>Kim Jong Un left.</p>",
        "section": section.pk,
        "dateline": "Vladivostok",
        "photo": "",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-author": author.pk,
        "bylines-0-role": "",
        "bylines-0-position": "0",
    }
    data.update(overrides)
    return data


@pytest.fixture
def reporter_client(client, make_user, make_author):
    user = make_user(username="reporter")
    user.groups.add(Group.objects.get(name="Reporters"))
    make_author(user=user, name="Rita Reporter")
    client.force_login(user)
    return client


@pytest.mark.django_db
class TestArticleAdd:
    def test_reporter_drafts_a_story_with_photo_tags_and_sources(
        self, reporter_client, make_section, make_author, make_organisation, make_photo
    ):
        section, author, photo = make_section(), make_author(), make_photo()
        tass = make_organisation(name="TASS")
        data = article_form_data(
            section,
            author,
            body='<p>Kim left.</p><script>alert("x")</script>',
            photo=photo.pk,
            tags=["North Korea", "Russia"],
            sources=[tass.pk],
        )

        response = reporter_client.post(ADD_URL, data)

        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
        article = Article.objects.get(slug="kim-leaves-russia")
        assert article.created_by.username == "reporter"
        assert article.body == "<p>Kim left.</p>"
        assert sorted(article.tags.names()) == ["North Korea", "Russia"]
        assert list(article.sources.all()) == [tass]
        assert article.photo == photo
        assert list(article.authors.all()) == [author]

    def test_unknown_photo_is_refused_and_input_kept(self, reporter_client, make_section, make_author):
        data = article_form_data(make_section(), make_author(), photo=987654, tags=["Brand new tag"])
        response = reporter_client.post(ADD_URL, data)
        assert response.status_code == 200
        assert "photo" in response.context["adminform"].form.errors
        html = response.content.decode()
        assert 'value="Kim leaves Russia"' in html
        assert "Brand new tag" in html
        assert not Article.objects.exists()

    def test_a_tag_holding_a_nul_byte_is_a_form_error_and_input_kept(self, reporter_client, make_section, make_author):
        data = article_form_data(make_section(), make_author(), tags=["Drones", "Rus\x00sia"])
        response = reporter_client.post(ADD_URL, data)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["tags"] == ["Null characters are not allowed."]
        assert 'value="Kim leaves Russia"' in response.content.decode()
        assert not Article.objects.exists()

    def test_duplicate_slug_is_a_form_error(self, reporter_client, make_section, make_author, make_article):
        make_article(slug="kim-leaves-russia")
        response = reporter_client.post(ADD_URL, article_form_data(make_section(), make_author()))
        assert response.status_code == 200
        assert "slug" in response.context["adminform"].form.errors
        assert Article.objects.count() == 1

    def test_article_needs_a_byline(self, reporter_client, make_section, make_author):
        data = article_form_data(make_section(), make_author(), **{"bylines-0-author": ""})
        response = reporter_client.post(ADD_URL, data)
        assert response.status_code == 200
        assert not Article.objects.exists()

    def test_a_reporter_starts_with_their_own_byline_and_last_section(
        self, reporter_client, make_article, make_section
    ):
        rita = Author.objects.get(name="Rita Reporter")
        make_article(section=make_section(name="World"), authors=[rita])
        business = make_section(name="Business")
        make_article(section=business, authors=[rita])
        make_article(section=make_section(name="Sport"))  # Someone else's, written later.

        response = reporter_client.get(ADD_URL)

        [byline_form] = response.context["inline_admin_formsets"][0].formset.forms
        assert byline_form.initial["author"] == rita.pk
        assert response.context["adminform"].form.initial["section"] == business.pk
        html = response.content.decode()
        assert f'<option value="{rita.pk}" selected>Rita Reporter</option>' in html

    def test_a_writer_without_an_author_profile_starts_with_an_empty_byline(self, client, make_user):
        client.force_login(make_user(username="ed", groups=["Editors"]))
        response = client.get(ADD_URL)
        [byline_form] = response.context["inline_admin_formsets"][0].formset.forms
        assert "author" not in byline_form.initial
        assert "section" not in response.context["adminform"].form.initial

    def test_add_form_renders_the_rich_text_editor(self, reporter_client):
        html = reporter_client.get(ADD_URL).content.decode()
        assert "django_prose_editor" in html
        assert 'data-tags="true"' in html

    def test_photo_is_picked_from_the_library_or_added_in_a_popup(self, reporter_client):
        html = reporter_client.get(ADD_URL).content.decode()
        assert reverse("admin:autocomplete") in html
        assert 'name="photo"' in html and "admin-autocomplete" in html
        assert 'id="add_id_photo"' in html
        assert f'href="{reverse("admin:photos_photo_add")}?_to_field=id&amp;_popup=1' in html

    def test_sources_are_picked_in_a_search_box_and_keep_the_storys_date(
        self, superuser_client, make_article, make_organisation
    ):
        tass, reuters = make_organisation(name="TASS"), make_organisation(name="Reuters")
        article = make_article(sources=[tass])
        url = reverse("admin:articles_article_change", args=[article.pk])

        html = superuser_client.get(url).content.decode()
        (select,) = re.findall(r'<select[^>]*name="sources"[^>]*>.*?</select>', html, re.DOTALL)
        assert "admin-autocomplete" in select and 'data-field-name="sources"' in select
        assert re.search(rf'<option value="{tass.pk}" selected>TASS</option>', select), select

        response = superuser_client.post(url, change_form_data(article, sources=[reuters.pk]))

        assert response.status_code == 302
        assert [(c.organisation, c.published_at) for c in article.citations.all()] == [(reuters, article.published_at)]


@pytest.mark.django_db
class TestArticleChangelist:
    def test_changelist_queries_do_not_grow_with_rows(
        self, superuser_client, make_article, make_author, django_assert_max_num_queries
    ):
        for _ in range(30):
            make_article(authors=[make_author(), make_author()], tags=["x"])
        with django_assert_max_num_queries(15):
            response = superuser_client.get(reverse("admin:articles_article_changelist"))
        assert response.status_code == 200
        assert response.context["cl"].result_count == 30

    def test_changelist_reads_no_whole_table_to_count_or_fill_its_filters(
        self, superuser_client, make_article, make_author
    ):
        author = make_author(name="Amina Rahman")
        make_author(name="Never Bylined")
        make_article(authors=[author], tags=["Drones"])
        with CaptureQueriesContext(connection) as queries:
            response = superuser_client.get(reverse("admin:articles_article_changelist"))
        sql = [query["sql"].upper() for query in queries.captured_queries]
        assert sum("COUNT(" in query for query in sql) == 1  # The page's count; no count of every article as well.
        assert not any("DISTINCT" in query for query in sql)
        choices = {
            spec.title: [choice["display"] for choice in spec.choices(response.context["cl"])]
            for spec in response.context["cl"].filter_specs
        }
        assert "Amina Rahman" in choices["authors"] and "Never Bylined" not in choices["authors"]
        assert "Drones" in choices["tag"]
        assert "body" in response.context["cl"].result_list[0].get_deferred_fields()

    def test_an_empty_list_is_counted_without_a_query(self, make_article, monkeypatch, django_assert_num_queries):
        make_article()
        monkeypatch.setattr(EstimatingPaginator, "ESTIMATE_ABOVE", 0)
        with django_assert_num_queries(0):
            assert EstimatingPaginator(Article.objects.none(), 50).count == 0

    def test_a_short_list_is_counted_exactly(self, make_article):
        for _ in range(3):
            make_article()
        assert EstimatingPaginator(Article.objects.all(), 50).count == 3

    @pytest.mark.parametrize(
        "query", ["status=draft", "tag=drones", "q=Kim", "published_at__year=2023", "q=Kim&tag=drones&_facets=True"]
    )
    def test_filters_and_search(self, superuser_client, make_article, query):
        make_article(headline="Kim story", tags=["Drones"])
        response = superuser_client.get(reverse("admin:articles_article_changelist") + "?" + query)
        assert response.status_code == 200

    def test_the_tag_filter_names_the_tag_by_id(self, superuser_client, make_article):
        """The list's query holds the tag's id, so the planner can weigh how common that tag is."""
        article = make_article(tags=["Drones"])
        drones = article.tags.get()
        with CaptureQueriesContext(connection) as queries:
            response = superuser_client.get(reverse("admin:articles_article_changelist") + "?tag=drones")
        assert [a.pk for a in response.context["cl"].result_list] == [article.pk]
        in_admin_order = '"articles_article"."created_at" DESC'
        # On PostgreSQL the paginator also EXPLAINs the query, for its estimate of the count.
        (listing,) = [
            query["sql"]
            for query in queries.captured_queries
            if in_admin_order in query["sql"] and not query["sql"].startswith("EXPLAIN")
        ]
        assert "taggit_tag" not in listing
        assert re.search(rf'"tag_id" = {drones.pk}\b', listing), listing
        assert (
            list(
                superuser_client.get(reverse("admin:articles_article_changelist") + "?tag=nothing")
                .context["cl"]
                .result_list
            )
            == []
        )

    def test_tag_filter_and_search_narrow_the_list(self, superuser_client, make_article):
        make_article(headline="About drones", tags=["Drones"])
        make_article(headline="About trains", body="<p>A train.</p>")
        changelist = reverse("admin:articles_article_changelist")
        assert [a.headline for a in superuser_client.get(changelist + "?tag=drones").context["cl"].result_list] == [
            "About drones"
        ]
        assert [a.headline for a in superuser_client.get(changelist + "?q=train").context["cl"].result_list] == [
            "About trains"
        ]

    def test_search_reads_the_full_text_index_and_finds_drafts(self, superuser_client, make_article):
        make_article(
            headline="Draft about ferries", body="<p>The ferries stopped.</p>", status="draft", published_at=None
        )
        make_article(headline="About trains")
        changelist = reverse("admin:articles_article_changelist")
        with CaptureQueriesContext(connection) as queries:
            found = superuser_client.get(changelist + "?q=ferry").context["cl"].result_list
        assert [article.headline for article in found] == ["Draft about ferries"]
        assert not any(" LIKE " in query["sql"] for query in queries), "searched the text, not the index"


@pytest.mark.django_db
class TestTagAutocomplete:
    url = reverse("admin:articles_article_tag_autocomplete")

    def test_suggests_matching_tag_names(self, reporter_client, make_article):
        make_article(tags=["North Korea", "South Korea", "Russia"])
        response = reporter_client.get(self.url, {"term": "korea"})
        assert response.json()["results"] == [
            {"id": "North Korea", "text": "North Korea"},
            {"id": "South Korea", "text": "South Korea"},
        ]

    def test_needs_article_permission(self, client, make_user):
        client.force_login(make_user())
        assert client.get(self.url, {"term": "x"}).status_code == 403

    def test_anonymous_is_sent_to_login(self, client, db):
        assert client.get(self.url).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "admin:authors_author_add",
        "admin:authors_author_changelist",
        "admin:authors_organisation_add",
        "admin:authors_organisation_changelist",
        "admin:articles_section_changelist",
        "admin:articles_article_changelist",
    ],
)
def test_admin_pages_render(superuser_client, make_affiliation, url_name):
    make_affiliation()
    assert superuser_client.get(reverse(url_name)).status_code == 200
