"""The site's publisher: one organisation at most, chosen in the admin, shown on every page."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authors.models import Organisation

pytestmark = pytest.mark.django_db

POLICIES = {
    "corrections_policy_url": "https://news.example.org/corrections",
    "ethics_policy_url": "https://news.example.org/ethics",
    "masthead_url": "https://news.example.org/masthead",
    "ownership_funding_url": "https://news.example.org/ownership",
}


def organisation_form_data(organisation, **overrides):
    data = {
        "name": organisation.name,
        "short_name": organisation.short_name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "description": organisation.description,
        "website": organisation.website,
        "country": "",
        "city": "",
        "corrections_policy_url": "",
        "ethics_policy_url": "",
        "masthead_url": "",
        "ownership_funding_url": "",
    }
    if organisation.is_publisher:
        data["is_publisher"] = "on"
    return data | overrides


def test_database_allows_one_publisher_only(make_organisation):
    make_organisation(is_publisher=True)
    make_organisation(is_publisher=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_organisation(is_publisher=True)


def test_publisher_is_the_ticked_organisation(make_organisation, django_assert_num_queries):
    make_organisation(name="Agency")
    assert Organisation.objects.publisher() is None
    news_hour = make_organisation(name="News Hour", is_publisher=True)
    with django_assert_num_queries(1):
        assert Organisation.objects.publisher() == news_hour


def test_publisher_is_kept_in_the_cache_until_an_organisation_changes(make_organisation, django_assert_num_queries):
    news_hour = make_organisation(name="News Hour", is_publisher=True)
    Organisation.objects.publisher()
    with django_assert_num_queries(0):
        assert Organisation.objects.publisher() == news_hour

    news_hour.name = "News Hour International"
    news_hour.save()
    assert Organisation.objects.publisher().name == "News Hour International"

    news_hour.delete()
    assert Organisation.objects.publisher() is None


def test_article_page_looks_the_publisher_up_once(client, make_article, make_organisation):
    make_organisation(name="News Hour", is_publisher=True)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(make_article().get_absolute_url()).content.decode()
    assert "published by" in html and '"name": "News Hour"' in html
    lookups = [
        query for query in queries.captured_queries if 'WHERE "authors_organisation"."is_publisher"' in query["sql"]
    ]
    assert len(lookups) == 1


class TestAdmin:
    def test_editor_chooses_the_publisher_and_its_policies(self, superuser_client, make_organisation):
        news_hour = make_organisation(name="News Hour", slug="news-hour")

        response = superuser_client.post(
            reverse("admin:authors_organisation_change", args=[news_hour.pk]),
            organisation_form_data(news_hour, is_publisher="on", **POLICIES),
        )

        assert response.status_code == 302
        news_hour.refresh_from_db()
        assert news_hour.is_publisher
        assert {field: getattr(news_hour, field) for field in POLICIES} == POLICIES
        assert Organisation.objects.publisher() == news_hour

    def test_second_publisher_is_a_form_error_that_keeps_the_input(self, superuser_client, make_organisation):
        make_organisation(name="News Hour", is_publisher=True)
        other = make_organisation(name="Other Paper")

        response = superuser_client.post(
            reverse("admin:authors_organisation_change", args=[other.pk]),
            organisation_form_data(other, is_publisher="on", **POLICIES),
        )

        assert response.status_code == 200
        form = response.context["adminform"].form
        assert "already the publisher of this site" in str(form.errors)
        assert form["corrections_policy_url"].value() == POLICIES["corrections_policy_url"]
        other.refresh_from_db()
        assert not other.is_publisher

    def test_bad_policy_url_is_a_form_error(self, superuser_client, make_organisation):
        organisation = make_organisation()
        response = superuser_client.post(
            reverse("admin:authors_organisation_change", args=[organisation.pk]),
            organisation_form_data(organisation, ethics_policy_url="not a url"),
        )
        assert response.status_code == 200
        assert "ethics_policy_url" in response.context["adminform"].form.errors


class TestReadersSeeThePublisher:
    def test_footer_names_the_publisher_and_links_its_policies(self, client, make_organisation):
        news_hour = make_organisation(name="News Hour", is_publisher=True, **POLICIES)

        html = client.get("/").content.decode()

        footer = html.split('<footer class="site-footer">')[1]
        assert f'<a href="{news_hour.get_absolute_url()}">News Hour</a>' in footer
        assert '<a href="https://news.example.org/corrections">Corrections policy</a>' in footer
        assert '<a href="https://news.example.org/ownership">Ownership and funding</a>' in footer

    def test_footer_without_a_publisher(self, client, make_organisation):
        make_organisation(name="Not The Publisher", **POLICIES)
        footer = client.get("/").content.decode().split('<footer class="site-footer">')[1]
        assert "published by" not in footer
        assert "Corrections policy" not in footer

    def test_publisher_page_lists_policies_and_carries_them_in_json_ld(self, client, make_organisation, read_json_ld):
        news_hour = make_organisation(name="News Hour", kind=Organisation.Kind.PUBLISHER, is_publisher=True, **POLICIES)

        html = client.get(news_hour.get_absolute_url()).content.decode()

        assert '<a href="https://news.example.org/masthead">Masthead</a>' in html
        (data,) = read_json_ld(html)
        assert data["@type"] == "NewsMediaOrganization"
        assert data["correctionsPolicy"] == POLICIES["corrections_policy_url"]
        assert data["ethicsPolicy"] == POLICIES["ethics_policy_url"]
        assert data["masthead"] == POLICIES["masthead_url"]
        assert data["ownershipFundingInfo"] == POLICIES["ownership_funding_url"]
