from datetime import UTC, timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date

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


class TestArticleSitemapByWeek:
    @pytest.fixture
    def weeks(self, make_article):
        """Stories 22, 10, 3 and 0 days old, a draft and a scheduled one: four weeks of sitemap pages."""
        now = timezone.now()
        stories = [make_article(published_at=now - timedelta(days=days)) for days in (22, 10, 3, 0)]
        make_article(status=Article.Status.DRAFT, published_at=None)
        make_article(published_at=now + timedelta(days=1))
        return stories

    def pages(self, client):
        index = fetch_xml(client, "/sitemap.xml")
        listed = [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]
        return [url.removeprefix("http://testserver") for url in listed if "sitemap-articles" in url]

    def test_a_page_a_week_from_the_oldest_story_to_this_week(self, client, weeks):
        pages = self.pages(client)
        first_day = weeks[0].published_at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        number = (timezone.now() - first_day) // timedelta(days=7) + 1

        assert pages == ["/sitemap-articles.xml"] + [f"/sitemap-articles.xml?p={page}" for page in range(2, number + 1)]
        listed = [locations(fetch_xml(client, page)) for page in pages]
        assert listed[0] == [absolute(weeks[0].get_absolute_url())]
        assert listed[-1] == [absolute(weeks[-1].get_absolute_url())]
        assert sorted(url for page in listed for url in page) == sorted(absolute(s.get_absolute_url()) for s in weeks)

    def test_a_page_keeps_its_stories_as_new_ones_are_published(self, client, weeks, make_article):
        before = [locations(fetch_xml(client, page)) for page in self.pages(client)]
        make_article(published_at=timezone.now())

        after = [locations(fetch_xml(client, page)) for page in self.pages(client)]

        assert after[:-1] == before[:-1]
        assert len(after[-1]) == len(before[-1]) + 1

    def test_each_page_says_when_its_own_stories_last_changed(self, client, weeks):
        index = fetch_xml(client, "/sitemap.xml")
        pages = self.pages(client)
        first, last = client.get(pages[0]), client.get(pages[-1])

        assert index.findall("sm:sitemap/sm:lastmod", NS) == []
        assert first["Last-Modified"] == http_date(weeks[0].last_modified_at.timestamp())
        assert last["Last-Modified"] == http_date(weeks[-1].last_modified_at.timestamp())

    @pytest.mark.parametrize("page", ["0", "-1", "abc", "99", "99999999999999999999"])
    def test_a_page_that_is_not_there_is_a_404(self, client, weeks, page):
        assert client.get("/sitemap-articles.xml", {"p": page}).status_code == 404

    def test_no_stories_is_one_empty_page(self, client, db):
        assert locations(fetch_xml(client, "/sitemap-articles.xml")) == []
        assert client.get("/sitemap-articles.xml", {"p": "2"}).status_code == 404


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
