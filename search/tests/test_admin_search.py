"""
The admin's search box, on whichever database the suite runs against (run it on both).
Its count stops at EstimatingPaginator.COUNT_UP_TO; with more matches than that, on
PostgreSQL a page is found by walking the list in its order and stopping after the page,
and on either database the pages hold exactly the matches, in the list's order.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Func, TextField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles.admin import ArticleAdmin
from articles.models import Article
from articles.tests.test_admin_at_scale import ADMIN_ORDER, CHANGELIST, listing_query, shown
from articles.tests.test_query_plans import explain
from newsroom.pagination import EstimatingPaginator
from search import backends
from search.backends import search_article_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def ferries(make_article):
    """Seven stories and a draft about ferries, not made in date order, among stories about trains."""
    now = timezone.now()
    stories = [
        make_article(
            headline=f"Ferry story {n}", body="<p>The ferries stopped.</p>", published_at=now - timedelta(hours=n)
        )
        for n in (3, 1, 7, 5, 2, 6, 4)
    ]
    stories.append(make_article(headline="Draft about ferries", status=Article.Status.DRAFT, published_at=None))
    for n in range(5):
        make_article(headline=f"Train story {n}", body="<p>A train.</p>", published_at=now - timedelta(minutes=n))
    return stories


@pytest.fixture
def many_matches(monkeypatch):
    """Make the eight ferry stories more than the paginator counts (six), three to a page."""
    monkeypatch.setattr(EstimatingPaginator, "COUNT_UP_TO", 6)
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 3)


def test_pages_hold_every_match_in_the_lists_order(superuser_client, ferries, many_matches):
    in_order = Article.objects.filter(pk__in=[story.pk for story in ferries]).order_by(*ADMIN_ORDER)
    expected = list(in_order.values_list("pk", flat=True)[: EstimatingPaginator.COUNT_UP_TO])
    pages = [shown(superuser_client.get(CHANGELIST, {"q": "ferry", "p": page})) for page in (1, 2)]
    assert [pk for page in pages for pk in page] == expected
    response = superuser_client.get(CHANGELIST, {"q": "ferry"})
    assert "More than 6 articles; the first 6 shown." in response.content.decode()


def test_a_common_words_page_is_found_newest_first_and_stops(
    superuser_client, ferries, many_matches, django_assert_num_queries
):
    # session, user, the filters' choices (3), the count (up to 7 matches), the page and
    # its bylines; on PostgreSQL also the count's estimate, how many of the newest
    # stories match, which decides to walk, and the walk's time limit (in a savepoint
    # here, as the test runs in a transaction: two statements more).
    expected_queries = 13 if connection.vendor == "postgresql" else 8
    with django_assert_num_queries(expected_queries), CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(CHANGELIST, {"q": "ferry"})
    assert response.status_code == 200
    counts = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]
    assert any("LIMIT 7" in sql for sql in counts), counts  # The count stops after COUNT_UP_TO + 1.
    sql = listing_query(queries)
    assert sql.endswith("LIMIT 3"), sql
    if connection.vendor == "postgresql":
        assert ") IS TRUE" in sql, sql
        with connection.cursor() as cursor:
            # As over an archive, where reading every match and sorting costs far more than
            # walking: on a few rows the planner may sort them, whatever the query allows.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
        plan = "\n".join(explain(sql))
        assert re.search(r"Index Scan Backward using article_admin_order", plan), plan
        assert not re.search(r"(^|->)\s*Sort\s+\(", plan, re.MULTILINE), plan
    else:
        # Through FTS5's table, which hands over every match (107 ms for 8,000 of 200,000 stories).
        assert '"articles_article_search"' in sql, sql


def test_few_matches_are_read_through_the_index(superuser_client, ferries, monkeypatch):
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 3)
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(CHANGELIST, {"q": "ferry"})
    assert response.context["cl"].paginator.is_exact and response.context["cl"].result_count == 8
    # Left to the planner, which knows how to read a few matches through the index.
    assert ") IS TRUE" not in listing_query(queries)
    assert not any("IN (SELECT" in query["sql"] for query in queries.captured_queries)  # No sample of the newest.


def test_a_search_sorted_by_another_column_is_read_through_the_index(superuser_client, ferries, monkeypatch):
    """No index holds the list by status: walking it would sort every story, not only the matches."""
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 3)
    status_column = str(1 + ArticleAdmin.list_display.index("status"))  # After the action checkbox.
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(CHANGELIST, {"q": "ferry", "o": status_column})
    in_order = Article.objects.filter(pk__in=[story.pk for story in ferries]).order_by("status", "-pk")
    assert shown(response) == list(in_order.values_list("pk", flat=True)[:3])
    assert not any(") IS TRUE" in query["sql"] or "IN (SELECT" in query["sql"] for query in queries.captured_queries)


def test_a_search_with_more_matches_than_counted_keeps_to_the_lists_order(superuser_client, ferries, many_matches):
    """Sorted by another column, so many matches would all be read and sorted: they are shown in the list's order."""
    status_column = str(1 + ArticleAdmin.list_display.index("status"))
    response = superuser_client.get(CHANGELIST, {"q": "ferry", "o": status_column})
    in_order = Article.objects.filter(pk__in=[story.pk for story in ferries]).order_by(*ADMIN_ORDER)
    assert shown(response) == list(in_order.values_list("pk", flat=True)[:3])
    assert "too many to sort by status" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's walk and planner settings")
class TestManyMatchesAreNeverWalkedFarOnPostgreSQL:
    """
    With more matches than counted, a page is walked for only as long as the walk was
    planned to take (backends.WALK_SECONDS); otherwise, or when the sample tells it to
    read the index, its ids are read with the planner kept from walking the list's order
    or joining row by row (backends.matches_read_whole), then its stories by id.
    """

    READ_WHOLE = "set_config('enable_nestloop', 'off', true)"

    @pytest.fixture
    def matches(self, ferries):
        return search_article_list(Article.objects.order_by(*ADMIN_ORDER), "ferry")

    def page(self, listed, page):
        with CaptureQueriesContext(connection) as queries:
            rows = listed[page]
        return [row.pk for row in rows], [query["sql"] for query in queries.captured_queries]

    def test_a_walk_that_takes_too_long_gives_way_to_the_index(self, matches, monkeypatch):
        monkeypatch.setattr(backends, "WALK_SECONDS", 0.05)
        slow_walk = matches.annotate(
            nap=Func(function="pg_sleep", template="pg_sleep(1)::text", output_field=TextField())
        )

        pks, statements = self.page(backends.ListedMatches(matches, walked=slow_walk), slice(2, 5))

        assert pks == list(matches.values_list("pk", flat=True)[2:5])
        assert any("pg_sleep" in sql for sql in statements)  # Tried, and stopped.
        assert any(self.READ_WHOLE in sql for sql in statements)

    def test_a_walk_in_time_is_the_page(self, matches):
        pks, statements = self.page(backends.ListedMatches(matches, walked=matches), slice(0, 3))

        assert pks == list(matches.values_list("pk", flat=True)[:3])
        assert not any(self.READ_WHOLE in sql for sql in statements)

    def test_without_a_walk_the_ids_are_read_whole_then_the_stories(self, matches):
        pks, statements = self.page(backends.ListedMatches(matches), slice(1, 4))

        assert pks == list(matches.values_list("pk", flat=True)[1:4])
        setting, ids, stories = [sql for sql in statements if "SAVEPOINT" not in sql]
        assert self.READ_WHOLE in setting and "enable_indexscan" in setting
        assert ids.startswith('SELECT "articles_article"."id" AS "pk" FROM') and ids.endswith("LIMIT 3 OFFSET 1")
        assert '"articles_article"."id" IN (' in stories

    def test_read_whole_a_tags_matches_are_joined_whole_not_walked(self, make_article):
        for hours in range(4):
            make_article(
                headline=f"Ferry {hours}", tags=["Harbour"], published_at=timezone.now() - timedelta(hours=hours)
            )
        harbour = Tag.objects.get(slug="harbour")
        listed = Article.objects.linked_to("tagged_items", tag=harbour.pk).order_by("-listed_at", "-created_at", "-pk")
        matches = search_article_list(listed, "ferry")
        with backends.matches_read_whole(connection.alias):
            plan = matches.values_list("pk", flat=True)[:2].explain()
        assert "Nested Loop" not in plan and not re.search(r"(?<!Bitmap )Index (Only )?Scan", plan), plan
        assert "Hash Join" in plan or "Merge Join" in plan, plan
