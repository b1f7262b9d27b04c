"""What an article page tells search engines and link previews."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article
from photos.tests.images import image_upload

pytestmark = pytest.mark.django_db

NEWS_ARTICLE_REQUIRED = {
    "@context",
    "@type",
    "headline",
    "description",
    "datePublished",
    "dateModified",
    "author",
    "publisher",
    "articleSection",
    "keywords",
    "url",
    "mainEntityOfPage",
}


def absolute(path):
    return f"http://testserver{path}"


def meta(html, attribute, name):
    """Return the content of every <meta {attribute}="{name}"> in a page."""
    return re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)


@pytest.fixture
def story(make_article, make_author, make_section, make_organisation, make_photo):
    publisher = make_organisation(
        name="News Hour",
        slug="news-hour",
        is_publisher=True,
        logo=image_upload("logo.png", size=(60, 60)),
        corrections_policy_url="https://news.example.org/corrections",
        ethics_policy_url="https://news.example.org/ethics",
        masthead_url="https://news.example.org/masthead",
        ownership_funding_url="https://news.example.org/ownership",
    )
    authors = [make_author(name="Amina Rahman", slug="amina"), make_author(name="Jonas Keller", slug="jonas")]
    article = make_article(
        headline="Kim leaves Russia",
        standfirst="Drones as a gift.",
        dateline="Vladivostok",
        section=make_section(name="World", slug="world"),
        authors=authors,
        tags=["North Korea", "Russia"],
        photo=make_photo(size=(120, 80), alt_text="Kim waves from his train"),
    )
    return {"article": article, "authors": authors, "publisher": publisher}


def test_article_page_carries_a_news_article_with_the_required_fields(client, story, read_json_ld):
    article = story["article"]

    news_article, breadcrumbs = read_json_ld(client.get(article.get_absolute_url()).content.decode())

    assert NEWS_ARTICLE_REQUIRED <= news_article.keys()
    assert news_article["@context"] == "https://schema.org"
    assert news_article["@type"] == "NewsArticle"
    assert news_article["headline"] == "Kim leaves Russia"
    assert news_article["description"] == "Drones as a gift."
    assert news_article["url"] == absolute(article.get_absolute_url())
    assert news_article["mainEntityOfPage"]["@id"] == news_article["url"]
    assert news_article["datePublished"] == article.published_at.replace(microsecond=0).isoformat().replace(
        "+00:00", "Z"
    )
    assert parse_datetime(news_article["dateModified"]) >= parse_datetime(news_article["datePublished"])
    assert news_article["author"] == [
        {"@type": "Person", "name": author.name, "url": absolute(author.get_absolute_url())}
        for author in story["authors"]
    ]
    assert news_article["articleSection"] == "World"
    assert news_article["keywords"] == ["North Korea", "Russia"]
    assert news_article["dateline"] == "Vladivostok"
    (image,) = news_article["image"]
    assert image["url"].startswith("http://testserver/media/photos/renditions/")
    assert (image["width"], image["height"]) == (120, 80)
    assert image["encodingFormat"] == "image/jpeg"

    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [(item["position"], item["name"], item["item"]) for item in breadcrumbs["itemListElement"]] == [
        (1, "Newsroom", absolute("/")),
        (2, "World", absolute(article.section.get_absolute_url())),
        (3, "Kim leaves Russia", absolute(article.get_absolute_url())),
    ]


def test_publisher_is_a_news_media_organisation_with_logo_and_policies(client, story, read_json_ld):
    publisher = story["publisher"]

    news_article, _breadcrumbs = read_json_ld(client.get(story["article"].get_absolute_url()).content.decode())

    data = news_article["publisher"]
    assert data["@type"] == "NewsMediaOrganization"
    assert data["name"] == "News Hour"
    assert data["url"] == absolute(publisher.get_absolute_url())
    assert data["logo"]["@type"] == "ImageObject"
    assert data["logo"]["url"].startswith("http://testserver/media/organisations/")
    assert data["correctionsPolicy"] == "https://news.example.org/corrections"
    assert data["ethicsPolicy"] == "https://news.example.org/ethics"
    assert data["masthead"] == "https://news.example.org/masthead"
    assert data["ownershipFundingInfo"] == "https://news.example.org/ownership"


def test_without_a_chosen_publisher_the_site_is_named(client, make_article, read_json_ld, settings):
    settings.NEWSROOM_SITE_NAME = "The Daily Example"
    article = make_article()

    news_article, _breadcrumbs = read_json_ld(client.get(article.get_absolute_url()).content.decode())

    assert news_article["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": "The Daily Example",
        "url": absolute("/"),
    }
    assert "image" not in news_article


def test_json_ld_cannot_break_out_of_its_script_tag(client, make_article, read_json_ld):
    article = make_article(headline="</script><script>alert(1)</script> & <!-- more")

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    (news_article, _breadcrumbs) = read_json_ld(html)
    assert news_article["headline"] == "</script><script>alert(1)</script> & <!-- more"


def test_open_graph_twitter_and_canonical(client, story):
    article = story["article"]
    url = absolute(article.get_absolute_url())

    html = client.get(article.get_absolute_url()).content.decode()

    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "property", "og:type") == ["article"]
    assert meta(html, "property", "og:url") == [url]
    assert meta(html, "property", "og:title") == ["Kim leaves Russia"]
    assert meta(html, "property", "og:description") == ["Drones as a gift."]
    (image,) = meta(html, "property", "og:image")
    assert image.startswith("http://testserver/media/photos/renditions/")
    assert meta(html, "property", "og:image:width") == ["120"]
    assert meta(html, "property", "og:image:alt") == ["Kim waves from his train"]
    assert meta(html, "property", "article:section") == ["World"]
    assert meta(html, "property", "article:tag") == ["North Korea", "Russia"]
    assert meta(html, "name", "twitter:card") == ["summary_large_image"]
    assert meta(html, "name", "twitter:image") == [image]


def test_preview_of_a_draft_carries_no_structured_data_or_canonical(
    client, make_article, superuser_client, read_json_ld
):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)

    html = superuser_client.get(reverse("articles:preview", args=[draft.pk])).content.decode()

    assert read_json_ld(html) == []
    assert 'rel="canonical"' not in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_date_modified_follows_a_later_edit(client, make_article, read_json_ld):
    article = make_article(published_at=timezone.now() - timedelta(days=2))
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(days=1))
    article.refresh_from_db()

    news_article, _breadcrumbs = read_json_ld(client.get(article.get_absolute_url()).content.decode())

    assert parse_datetime(news_article["dateModified"]) == article.updated_at.replace(microsecond=0)
    assert parse_datetime(news_article["datePublished"]) == article.published_at.replace(microsecond=0)
