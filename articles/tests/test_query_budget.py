"""Every reader page runs a fixed number of queries, however much content there is."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from articles.models import Byline, Correction, PreviewLink, Section
from authors.models import Organisation
from pagecache.state import current_generation
from search import backends as search_backends

QUERY_BUDGET = 6
# The story page reads the story with its tags, sources and corrections, then its bylines,
# the stories it links to (related, more by the author, previous and next) together, and
# its comments. A live blog's page adds its highlights and a page of its entries.
ARTICLE_QUERIES = 4


# A block in a transaction of its own (search's time limit) gets a savepoint here only
# because each test runs inside a transaction; served, the block is the transaction.
TEST_ONLY_STATEMENTS = ("SAVEPOINT ", "RELEASE SAVEPOINT ")


def warm_site_cache():
    """
    Fill what pages read from the cache (the section navigation, the publisher, the
    page cache's generation and how far back search walks), so the counts are those of
    a running site; the first page after a section or organisation changes, or after a
    purge, runs more.
    """
    Section.objects.navigation()
    Organisation.objects.publisher()
    current_generation()
    for stories in (
        search_backends.FIRST_WALK_STORIES,
        search_backends.PAGE_WALK_STORIES,
        search_backends.WINDOW_WALK_STORIES,
    ):
        search_backends.recent_cutoff("default", stories)


@pytest.fixture
def busy_newsroom(make_article, make_author, make_organisation, make_affiliation, make_section, make_photo):
    """Sixty articles over five sections, each with three bylines, three tags, two sources and a photo."""
    sections = [make_section(slug=f"section-{n}") for n in range(5)]
    authors = [make_author() for _ in range(8)]
    agencies = [make_organisation() for _ in range(4)]
    for author in authors:
        for agency in agencies[:2]:
            make_affiliation(author=author, organisation=agency)
    articles = []
    for n in range(60):
        articles.append(
            make_article(
                section=sections[n % 5],
                authors=[authors[n % 8], authors[(n + 1) % 8], authors[(n + 2) % 8]],
                tags=["Politics", "Economy", f"Topic {n % 7}"],
                sources=[agencies[n % 4], agencies[(n + 1) % 4]],
                photo=make_photo(
                    size=(120, 80), photographer=authors[n % 8], source_organisation=agencies[n % 4], credit=""
                ),
                published_at=timezone.now() - timedelta(hours=n + 1),
            )
        )
    Byline.objects.filter(article=articles[0], position=1).update(role="Additional reporting")
    for n in range(30):
        articles[0].comments.create(
            name=f"Reader {n}", email=f"r{n}@example.net", text="A comment.", status="approved" if n % 3 else "pending"
        )
    for n in range(5):
        Correction.objects.create(article=articles[0], text=f"Correction number {n}.")
    # Stories readers must not see, which the rule has to filter out on every page.
    for n in range(5):
        make_article(
            section=sections[0],
            authors=[authors[0]],
            tags=["Politics"],
            embargo_lifts_at=timezone.now() + timedelta(days=1),
        )
        make_article(
            section=sections[0], authors=[authors[0]], tags=["Politics"], expires_at=timezone.now() - timedelta(days=1)
        )
    preview_link = PreviewLink.objects.create(article=articles[1])
    return {
        "sections": sections,
        "authors": authors,
        "agencies": agencies,
        "articles": articles,
        "preview_link": preview_link,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    [
        "home",
        "article",
        "article in the middle",
        "section",
        "tag",
        "author",
        "organisation",
        "search",
        "search-filtered",
        "shared_preview",
        "latest",
    ],
)
def test_reader_pages_stay_within_query_budget(client, busy_newsroom, page):
    urls = {
        "home": "/",
        "article": busy_newsroom["articles"][0].get_absolute_url(),
        "article in the middle": busy_newsroom["articles"][30].get_absolute_url(),
        "section": busy_newsroom["sections"][0].get_absolute_url(),
        "tag": reverse("articles:tag", args=["politics"]),
        "author": busy_newsroom["authors"][0].get_absolute_url(),
        "organisation": busy_newsroom["agencies"][0].get_absolute_url(),
        "search": reverse("search:search") + "?q=headline",
        "search-filtered": reverse("search:search")
        + f"?q=headline&section={busy_newsroom['sections'][0].slug}&author={busy_newsroom['authors'][0].slug}",
        "shared_preview": busy_newsroom["preview_link"].get_absolute_url(),
        "latest": reverse("articles:latest"),
    }
    warm_site_cache()
    budget = ARTICLE_QUERIES if page.startswith(("article", "shared_preview")) else QUERY_BUDGET
    with CaptureQueriesContext(connection) as queries:
        response = client.get(urls[page])
    assert response.status_code == 200
    statements = [query["sql"] for query in queries if not query["sql"].startswith(TEST_ONLY_STATEMENTS)]
    assert len(statements) <= budget, statements
    html = response.content.decode()
    if not page.startswith("search"):  # Search results are text only.
        assert "<picture>" in html
    assert busy_newsroom["articles"][0].headline in html or page in {
        "tag",
        "organisation",
        "section",
        "article in the middle",
        "shared_preview",
    }
    if page.startswith("search"):
        assert len(response.context["page_obj"].object_list) > 1
    if page == "article":
        assert html.count('class="correction ') == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name, args",
    [
        ("articles:feed", []),
        ("articles:feed_atom", []),
        ("articles:section_feed", ["section-0"]),
        ("articles:tag_feed_atom", ["politics"]),
        ("articles:author_feed", lambda newsroom: [newsroom["authors"][0].slug]),
        ("sitemap_index", []),
        ("sitemap", ["articles"]),
        ("sitemap", ["tags"]),
        ("sitemap", ["authors"]),
        ("sitemap", ["organisations"]),
        ("sitemap_news", []),
        ("robots", []),
    ],
)
def test_feeds_and_sitemaps_stay_within_query_budget(
    client, busy_newsroom, django_assert_max_num_queries, url_name, args
):
    if callable(args):
        args = args(busy_newsroom)
    warm_site_cache()
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get(reverse(url_name, args=args))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["home", "section", "author", "search", "article"])
def test_query_count_does_not_grow_with_content(
    client, make_article, make_author, make_section, make_photo, page, django_assert_num_queries
):
    """Count the queries with little content, then show the same count with much more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    section = make_section(slug="world")
    author = make_author()
    # The story in the middle has a neighbour on each side, related stories and more by its author.
    make_article(section=section, authors=[author], tags=["a"], published_at=timezone.now() - timedelta(days=2))
    story = make_article(section=section, authors=[author], tags=["a"], published_at=timezone.now() - timedelta(days=1))
    url = {
        "home": "/",
        "section": section.get_absolute_url(),
        "author": author.get_absolute_url(),
        "search": reverse("search:search") + f"?q=headline&section={section.slug}&author={author.slug}",
        "article": story.get_absolute_url(),
    }[page]

    make_article(section=section, authors=[author], tags=["a"], photo=make_photo(size=(120, 80)))
    warm_site_cache()
    with CaptureQueriesContext(connection) as few:
        client.get(url)

    for n in range(25):
        make_article(
            section=section, authors=[author, make_author()], tags=["a", f"t{n}"], photo=make_photo(size=(120, 80))
        )
    warm_site_cache()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    # Home: the lead, four top stories, six latest and four of the section; the lists: a page
    # of twenty; search results are text only.
    assert (
        response.content.decode().count("<picture>")
        == {"home": 15, "section": 20, "author": 20, "search": 0, "article": 0}[page]
    )


@pytest.mark.django_db
def test_preview_stays_within_query_budget(client, busy_newsroom, editor, django_assert_max_num_queries):
    """An editor's preview runs the reader page's queries plus the session, the login and its two permission checks."""
    article = busy_newsroom["articles"][0]
    client.force_login(editor)
    warm_site_cache()
    with django_assert_max_num_queries(ARTICLE_QUERIES + 3):
        response = client.get(reverse("articles:preview", args=[article.pk]))
    assert response.status_code == 200


def queries_while_rendering(path):
    """Return the queries run while the template of the page at `path` renders, the view having run."""
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    match = resolve(path)
    response = match.func(request, *match.args, **match.kwargs)
    with CaptureQueriesContext(connection) as queries:
        response.render()
    assert response.status_code == 200
    return queries


@pytest.mark.django_db
def test_the_story_page_template_runs_no_query(busy_newsroom):
    warm_site_cache()
    assert [query["sql"] for query in queries_while_rendering(busy_newsroom["articles"][0].get_absolute_url())] == []
