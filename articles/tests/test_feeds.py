import html
from datetime import UTC, timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.feeds import FEED_LENGTH
from articles.models import Article

pytestmark = pytest.mark.django_db

FEED_KINDS = [("articles:feed", "rss20"), ("articles:feed_atom", "atom10")]


def parse(client, url):
    """Fetch a feed and parse it, failing on anything that is not a well-formed feed."""
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


def absolute(path):
    return f"http://testserver{path}"


@pytest.mark.parametrize("url_name, version", FEED_KINDS)
def test_latest_feed_parses_and_lists_only_published_stories(client, make_article, url_name, version):
    newest = make_article(headline="Newest", published_at=timezone.now() - timedelta(minutes=5))
    older = make_article(headline="Older", published_at=timezone.now() - timedelta(days=1))
    make_article(headline="Draft", status=Article.Status.DRAFT, published_at=None)
    make_article(headline="Scheduled", published_at=timezone.now() + timedelta(hours=1))

    _response, feed = parse(client, reverse(url_name))

    assert feed.version == version
    assert [entry.title for entry in feed.entries] == ["Newest", "Older"]
    assert [entry.link for entry in feed.entries] == [
        absolute(newest.get_absolute_url()),
        absolute(older.get_absolute_url()),
    ]
    assert feed.feed.link == absolute(reverse("frontpage:home"))


@pytest.mark.parametrize("url_name, version", FEED_KINDS)
def test_entries_carry_standfirst_authors_categories_and_dates(
    client, make_article, make_author, make_section, url_name, version
):
    # Longer than any card shows, since feeds carry it whole; plain text that must not turn into markup.
    standfirst = "Tom & Jerry <3 a long standfirst. " * 30
    first, second = make_author(name="Amina Rahman"), make_author(name="Jonas Keller")
    article = make_article(
        standfirst=standfirst.strip(),
        authors=[first, second],
        section=make_section(name="World", slug="world"),
        tags=["Climate", "Energy"],
    )

    _response, feed = parse(client, reverse(url_name))

    (entry,) = feed.entries
    assert html.unescape(entry.summary) == standfirst.strip()
    assert "<3" not in entry.summary
    assert [author.get("name") for author in entry.authors] == ["Amina Rahman", "Jonas Keller"]
    assert {tag.term for tag in entry.tags} == {"World", "Climate", "Energy"}
    published = entry.published_parsed
    assert (published.tm_year, published.tm_mon, published.tm_mday, published.tm_hour, published.tm_min) == (
        article.published_at.astimezone(UTC).timetuple()[:5]
    )
    if version == "atom10":
        assert [author.get("href") for author in entry.authors] == [
            absolute(first.get_absolute_url()),
            absolute(second.get_absolute_url()),
        ]


@pytest.mark.parametrize("url_name, version", FEED_KINDS)
def test_hero_image_is_an_enclosure_with_an_absolute_url(client, make_article, make_photo, url_name, version):
    make_article(photo=make_photo(size=(120, 80), alt_text="A train"))
    make_article(headline="No picture")

    _response, feed = parse(client, reverse(url_name))

    with_image, without_image = sorted(feed.entries, key=lambda entry: entry.title == "No picture")
    (enclosure,) = with_image.enclosures
    assert enclosure.href.startswith("http://testserver/media/photos/renditions/")
    assert enclosure.href.endswith(".jpeg")
    assert enclosure.type == "image/jpeg"
    assert without_image.enclosures == []


def test_feed_holds_the_newest_twenty(client, make_article):
    for hours in range(FEED_LENGTH + 3):
        make_article(headline=f"Story {hours}", published_at=timezone.now() - timedelta(hours=hours + 1))
    _response, feed = parse(client, reverse("articles:feed"))
    assert [entry.title for entry in feed.entries] == [f"Story {hours}" for hours in range(FEED_LENGTH)]


class TestFeedsOfOnePage:
    @pytest.mark.parametrize("suffix", ["", "_atom"])
    def test_section_feed(self, client, make_article, make_section, suffix):
        world = make_section(name="World", slug="world")
        mine = make_article(section=world)
        make_article(section=world, status=Article.Status.DRAFT, published_at=None)
        make_article()

        _response, feed = parse(client, reverse(f"articles:section_feed{suffix}", args=["world"]))

        assert [entry.link for entry in feed.entries] == [absolute(mine.get_absolute_url())]
        assert feed.feed.title.startswith("World")
        assert feed.feed.link == absolute(world.get_absolute_url())

    @pytest.mark.parametrize("suffix", ["", "_atom"])
    def test_author_feed(self, client, make_article, make_author, suffix):
        author = make_author(name="Amina Rahman", slug="amina-rahman")
        mine = make_article(authors=[make_author(), author])
        make_article(authors=[author], published_at=timezone.now() + timedelta(days=1))
        make_article()

        _response, feed = parse(client, reverse(f"articles:author_feed{suffix}", args=["amina-rahman"]))

        assert [entry.link for entry in feed.entries] == [absolute(mine.get_absolute_url())]
        assert feed.feed.title.startswith("Amina Rahman")
        assert feed.feed.link == absolute(author.get_absolute_url())

    @pytest.mark.parametrize("suffix", ["", "_atom"])
    def test_tag_feed(self, client, make_article, suffix):
        mine = make_article(tags=["Drones"])
        make_article(tags=["Drones"], status=Article.Status.REVIEW, published_at=None)
        make_article(tags=["Trains"])

        _response, feed = parse(client, reverse(f"articles:tag_feed{suffix}", args=["drones"]))

        assert [entry.link for entry in feed.entries] == [absolute(mine.get_absolute_url())]
        assert feed.feed.link == absolute(reverse("articles:tag", args=["drones"]))

    @pytest.mark.parametrize("url_name", ["articles:section_feed", "articles:author_feed_atom", "articles:tag_feed"])
    def test_unknown_object_is_404(self, client, db, url_name):
        assert client.get(reverse(url_name, args=["nothing-here"])).status_code == 404


@pytest.mark.parametrize(
    "url_name, kwargs",
    [
        ("articles:feed", {}),
        ("articles:feed_atom", {}),
        ("articles:section_feed", {"slug": "world"}),
        ("articles:author_feed_atom", {"slug": "amina"}),
        ("articles:tag_feed", {"slug": "climate"}),
    ],
)
def test_feed_queries_do_not_grow_with_its_stories(client, make_article, make_author, make_section, url_name, kwargs):
    world = make_section(slug="world")
    amina = make_author(slug="amina")
    url = reverse(url_name, kwargs=kwargs)
    make_article(section=world, authors=[amina], tags=["Climate"])
    with CaptureQueriesContext(connection) as one:
        client.get(url)

    for n in range(FEED_LENGTH + 5):
        make_article(section=world, authors=[amina, make_author()], tags=["Climate", f"Topic {n}"])
    with CaptureQueriesContext(connection) as many:
        _response, feed = parse(client, url)

    assert len(feed.entries) == FEED_LENGTH
    assert len(many.captured_queries) == len(one.captured_queries) <= 4


@pytest.mark.parametrize(
    "page, rss, atom",
    [
        ("home", "articles:feed", "articles:feed_atom"),
        ("section", "articles:section_feed", "articles:section_feed_atom"),
        ("author", "articles:author_feed", "articles:author_feed_atom"),
        ("tag", "articles:tag_feed", "articles:tag_feed_atom"),
    ],
)
def test_pages_link_their_feeds_in_the_head(client, make_article, make_author, make_section, page, rss, atom):
    section = make_section(slug="world")
    author = make_author(slug="amina")
    make_article(section=section, authors=[author], tags=["Climate"])
    url, args = {
        "home": ("/", []),
        "section": (section.get_absolute_url(), ["world"]),
        "author": (author.get_absolute_url(), ["amina"]),
        "tag": (reverse("articles:tag", args=["climate"]), ["climate"]),
    }[page]

    head = client.get(url).content.decode().split("</head>")[0]

    assert '<link rel="alternate" type="application/rss+xml"' in head
    assert f'href="{reverse(rss, args=args)}"' in head
    assert f'href="{reverse(atom, args=args)}"' in head
    assert parse(client, reverse(rss, args=args))[1].entries


@pytest.mark.parametrize("url_name, version", FEED_KINDS)
def test_a_feed_is_sent_in_one_piece_not_element_by_element(client, make_article, url_name, version):
    """
    The server sends each chunk of a response with its own system call, an empty one
    too; a feed of 20 stories must not be a thousand, nor two.
    """
    for _ in range(3):
        make_article(tags=["a", "b"])
    response = client.get(reverse(url_name))
    chunks = list(response)
    assert len(chunks) == 1
    assert feedparser.parse(chunks[0]).version == version


@pytest.mark.parametrize("url_name, version", FEED_KINDS)
def test_entries_carry_the_text_with_absolute_images_and_embeds_as_links(
    client, make_article, make_photo, url_name, version, django_assert_max_num_queries
):
    photo = make_photo(caption="The quay at dawn")
    video = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    make_article(
        headline="With pictures",
        body=f'<p>First words.</p><figure data-photo="{photo.pk}"></figure>'
        f'<figure data-embed="{video}" data-title="The speech"></figure>',
    )
    make_article(headline="Plain", body="<p>Only words.</p>")
    with django_assert_max_num_queries(6):
        _response, feed = parse(client, reverse(url_name))
    texts = {entry.title: entry.content[0].value for entry in feed.entries}
    assert "<p>Only words.</p>" in texts["Plain"]
    assert "<p>First words.</p>" in texts["With pictures"]
    assert f'src="{absolute(photo.largest_rendition().file.url)}"' in texts["With pictures"]
    assert "The quay at dawn" in texts["With pictures"]
    assert f'<a href="{video}">The speech</a>' in texts["With pictures"]
    assert "<iframe" not in texts["With pictures"] and "<script" not in texts["With pictures"]
