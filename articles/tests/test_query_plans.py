"""
Reader pages read articles, bylines and tags through indexes, never by scanning the table.

The test database is small, so a planner may rightly prefer a scan here that it would
never choose over a million stories. On PostgreSQL the test turns sequential scans off
(`SET LOCAL enable_seqscan = off`, for this test's transaction only): whatever plan is
left must be an index's, and the expected index must be in it. On both databases the
test gathers statistics with ANALYZE before it asks for a plan, as a database holding an
archive has them. Without them SQLite guesses that an author's or a topic's stories are
best found from the newest stories rather than from the author or topic, and sorts.
PostgreSQL gathers its own in the background (see the README), so without ANALYZE here
its plans would follow whatever rows an earlier test left when autovacuum last looked.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import RelatedStory, Section
from articles.tests.test_query_budget import warm_site_cache
from authors.models import Author, Organisation
from newsroom.pagination import encode_cursor
from photos.models import Photo

pytestmark = pytest.mark.django_db

# The tables that grow with the archive.
LARGE_TABLES = ("articles_article", "articles_byline", "articles_taggedarticle")
# Either index serves a range of publication dates among published stories.
BY_DATE = ("article_published", "article_status_published")


@pytest.fixture
def newsroom(planner, make_article, make_author, make_section, make_organisation):
    sections = [make_section(slug=f"section-{n}") for n in range(3)]
    authors = [make_author(slug=f"author-{n}") for n in range(3)]
    agency = make_organisation(slug="agency")
    articles = [
        make_article(
            section=sections[n % 3],
            authors=[authors[n % 3]],
            tags=["Drones", f"Topic {n % 4}"],
            sources=[agency],
            published_at=timezone.now() - timedelta(hours=n + 1),
        )
        for n in range(30)
    ]
    for article in articles[:3]:
        RelatedStory.objects.refresh(article)
    return {"sections": sections, "authors": authors, "articles": articles, "agency": agency}


def pages(newsroom):
    """Yield (page, URL, indexes of which it must use one) for the reader pages whose queries grow with the archive."""
    story = newsroom["articles"][1]
    day = timezone.localtime(story.published_at)
    yield "home", "/", "article_section_published"
    yield "section", newsroom["sections"][0].get_absolute_url(), "article_section_published"
    yield "tag", reverse("articles:tag", args=["drones"]), "tag_listed"
    yield "author", newsroom["authors"][0].get_absolute_url(), "byline_author_listed"
    yield "organisation", newsroom["agency"].get_absolute_url(), "citation_listed"
    yield (
        "day archive",
        reverse("articles:archive_day", args=[f"{day:%Y}", f"{day:%m}", f"{day:%d}"]),
        "article_published",
    )
    yield "feed", reverse("articles:feed"), "article_published"
    yield "tag feed", reverse("articles:tag_feed", args=["drones"]), "tag_listed"
    yield "story", story.get_absolute_url(), "byline_author_listed"
    yield "api", reverse("api:ninjs-list"), "article_published"
    yield "sitemap index", reverse("sitemap_index"), "tag_listed"
    yield "stories' sitemap", reverse("sitemap", args=["articles"]), "article_published"
    since = timezone.now() - timedelta(hours=3)
    yield (
        "api since",
        reverse("api:ninjs-list") + f"?since={since:%Y-%m-%dT%H:%M:%SZ}",
        ("article_published_updated",) + BY_DATE,
    )


def large_table_aliases(sql):
    """Return the names a query gives the large tables: their own, and aliases such as U0."""
    names = set(LARGE_TABLES)
    for table in LARGE_TABLES:
        names.update(re.findall(rf'"{table}" "?(\w+)"?', sql))
    return names


def explain(sql):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN " + sql)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [row[-1] for row in cursor.fetchall()]


def reader_queries(client, url):
    """Return the SQL of the queries that read the large tables while `url` is served."""
    warm_site_cache()
    with connection.cursor() as cursor:  # Plan as over an archive: see the module's docstring.
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries if any(table in query["sql"] for table in LARGE_TABLES)]


def scans_of_large_tables(plan, sql):
    aliases = large_table_aliases(sql)
    if connection.vendor == "postgresql":
        return [line for line in plan if re.search(r"Seq Scan on (\w+)", line) and line.split()[-1] in aliases]
    # SQLite: "SCAN t" reads the table; "SCAN t USING INDEX i" walks an index in order and stops at the limit.
    return [line for line in plan if re.fullmatch(r"SCAN (\w+)", line) and line.split()[1] in aliases]


@pytest.fixture
def planner(db):
    """Start this test's tables from empty files on PostgreSQL; ask for it before making rows."""
    if connection.vendor == "postgresql":
        # Rows that earlier tests rolled back stay in the tables' files until they are
        # vacuumed, and the planner's costs count those pages: start from empty files, so
        # that the plans follow this test's rows alone. (The TRUNCATE is rolled back with
        # the rest of the test's transaction.)
        tables = ", ".join(model._meta.db_table for model in (Section, Author, Organisation, Photo, Tag))
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} CASCADE")


def test_every_reader_page_reads_the_large_tables_through_indexes(client, newsroom, planner):
    for page, url, indexes in pages(newsroom):
        plans = [(sql, explain(sql)) for sql in reader_queries(client, url)]
        assert plans, page
        for sql, plan in plans:
            assert scans_of_large_tables(plan, sql) == [], f"{page}: {sql}\n" + "\n".join(plan)
        used = "\n".join(line for _, plan in plans for line in plan)
        assert any(index in used for index in indexes), f"{page} uses none of {indexes}:\n{used}"


def test_deep_pages_start_at_their_cursor(client, newsroom, planner):
    """The condition on the cursor's date bounds the index scan itself, not a filter after it."""
    section = newsroom["sections"][0]
    middle = newsroom["articles"][12]
    url = f"{section.get_absolute_url()}?before={encode_cursor(middle.published_at, middle.pk)}"
    (sql,) = [sql for sql in reader_queries(client, url) if "LIMIT 21" in sql]
    plan = "\n".join(explain(sql))
    if connection.vendor == "postgresql":
        assert re.search(r"Index Cond: .*published_at <=", plan), plan
    else:
        assert re.search(
            r"USING (COVERING )?INDEX article_section_published \(section_id=\? AND published_at<\?\)", plan
        ), plan


def test_the_page_of_an_organisation_cited_long_ago_reads_only_its_citations(
    client, newsroom, make_article, make_organisation, planner
):
    """
    An organisation's page walks its citations newest first, as an author's page walks
    their bylines: one cited once, long ago, costs a probe of its citations, not a walk
    through every newer story asking whether each cites it (40 ms at 10,000 stories on
    SQLite, and growing with the archive, before citations kept their story's date).
    """
    society = make_organisation(slug="society")
    make_article(headline="Long ago", sources=[society], published_at=timezone.now() - timedelta(days=3650))

    (sql,) = [sql for sql in reader_queries(client, society.get_absolute_url()) if "LIMIT 21" in sql]

    plan = "\n".join(explain(sql))
    assert "citation_listed" in plan, plan
    if connection.vendor == "postgresql":
        assert "Sort" not in plan, plan
    else:
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
        assert re.search(r"SEARCH \w+ USING (COVERING )?INDEX citation_listed \(organisation_id=\?", plan), plan


def test_an_empty_day_finds_the_nearest_days_with_stories_through_the_date_index(
    client, newsroom, make_article, planner
):
    make_article(published_at=timezone.now() - timedelta(days=10))
    day = timezone.localtime(timezone.now() - timedelta(days=5))
    url = reverse("articles:archive_day", args=[f"{day:%Y}", f"{day:%m}", f"{day:%d}"])

    nearest = [sql for sql in reader_queries(client, url) if "LIMIT 1" in sql and "LIMIT 21" not in sql]

    assert len(nearest) == 2, nearest  # The older and the newer.
    for sql in nearest:
        plan = explain(sql)
        assert scans_of_large_tables(plan, sql) == [], "\n".join(plan)
        assert any(index in line for line in plan for index in BY_DATE), "\n".join(plan)
        assert not any("Sort" in line or "TEMP B-TREE" in line for line in plan), "\n".join(plan)
