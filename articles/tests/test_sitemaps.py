from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article

pytestmark = pytest.mark.django_db

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"sm": SITEMAP, "news": NEWS}


def fetch_xml(client, url):
    """Fetch an XML document and parse it, failing on malformed XML."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def locations(root):
    return [loc.text for loc in root.findall("sm:url/sm:loc", NS)]


def absolute(path):
    return f"http://testserver{path}"


@pytest.fixture
def newsroom(make_article, make_author, make_organisation, make_section):
    world = make_section(name="World", slug="world")
    author = make_author(slug="amina")
    agency = make_organisation(slug="tass")
    published = make_article(section=world, authors=[author], tags=["Climate"], sources=[agency])
    draft = make_article(section=world, tags=["Secret plans"], status=Article.Status.DRAFT, published_at=None)
    scheduled = make_article(section=world, tags=["Later"], published_at=timezone.now() + timedelta(days=1))
    return {
        "world": world,
        "author": author,
        "agency": agency,
        "published": published,
        "draft": draft,
        "scheduled": scheduled,
    }


def test_index_lists_every_sitemap_and_each_parses(client, newsroom):
    index = fetch_xml(client, "/sitemap.xml")

    assert index.tag == f"{{{SITEMAP}}}sitemapindex"
    listed = [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]
    assert listed == [
        absolute(reverse("sitemap", args=[section]))
        for section in ["articles", "sections", "tags", "authors", "organisations"]
    ]
    for url in listed:
        root = fetch_xml(client, url.removeprefix("http://testserver"))
        assert root.tag == f"{{{SITEMAP}}}urlset"
        assert locations(root)


def test_article_sitemap_lists_published_stories_at_their_urls(client, newsroom):
    root = fetch_xml(client, reverse("sitemap", args=["articles"]))

    assert locations(root) == [absolute(newsroom["published"].get_absolute_url())]
    (lastmod,) = root.findall("sm:url/sm:lastmod", NS)
    assert lastmod.text == newsroom["published"].last_modified_at.date().isoformat()


def test_tag_sitemap_lists_only_tags_of_published_stories(client, newsroom):
    root = fetch_xml(client, reverse("sitemap", args=["tags"]))
    assert locations(root) == [absolute(reverse("articles:tag", args=["climate"]))]


@pytest.mark.parametrize("section, key", [("sections", "world"), ("authors", "author"), ("organisations", "agency")])
def test_other_sitemaps_use_get_absolute_url(client, newsroom, section, key):
    root = fetch_xml(client, reverse("sitemap", args=[section]))
    assert absolute(newsroom[key].get_absolute_url()) in locations(root)


def test_unknown_sitemap_is_404(client, db):
    assert client.get("/sitemap-nothing.xml").status_code == 404


class TestNewsSitemap:
    def test_lists_stories_of_the_last_48_hours_with_news_tags(self, client, make_article, settings):
        settings.NEWSROOM_SITE_NAME = "The Daily Example"
        fresh = make_article(headline="Fresh & new <story>", published_at=timezone.now() - timedelta(hours=2))
        make_article(headline="Two days old", published_at=timezone.now() - timedelta(hours=49))
        make_article(headline="Not yet", published_at=timezone.now() + timedelta(hours=1))
        make_article(headline="Draft", status=Article.Status.DRAFT, published_at=None)

        root = fetch_xml(client, reverse("sitemap_news"))

        assert root.tag == f"{{{SITEMAP}}}urlset"
        assert locations(root) == [absolute(fresh.get_absolute_url())]
        news = root.find("sm:url/news:news", NS)
        assert news.findtext("news:publication/news:name", namespaces=NS) == "The Daily Example"
        assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
        assert news.findtext("news:title", namespaces=NS) == "Fresh & new <story>"
        assert parse_datetime(news.findtext("news:publication_date", namespaces=NS)) == fresh.published_at.replace(
            microsecond=0
        )

    def test_empty_when_nothing_is_new(self, client, make_article):
        make_article(published_at=timezone.now() - timedelta(days=3))
        root = fetch_xml(client, reverse("sitemap_news"))
        assert locations(root) == []


def test_robots_txt_names_the_sitemaps(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert f"Disallow: {reverse('admin:index')}" in lines
    assert [line for line in lines if line.startswith("Sitemap:")] == [
        "Sitemap: http://testserver/sitemap.xml",
        "Sitemap: http://testserver/sitemap-news.xml",
    ]


@pytest.mark.parametrize(
    "url", ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-tags.xml", "/sitemap-authors.xml", "/sitemap-news.xml"]
)
def test_sitemap_queries_do_not_grow_with_content(client, make_article, make_author, url):
    make_article(tags=["One"])
    with CaptureQueriesContext(connection) as few:
        client.get(url)

    for n in range(30):
        make_article(authors=[make_author(), make_author()], tags=[f"Topic {n}", "One"])
    with CaptureQueriesContext(connection) as many:
        root = fetch_xml(client, url)

    assert len(root) > 1
    assert len(many.captured_queries) == len(few.captured_queries)
