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
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.admin import ArticleAdmin
from articles.models import Article
from articles.tests.test_admin_at_scale import ADMIN_ORDER, CHANGELIST, listing_query, shown
from articles.tests.test_query_plans import explain
from newsroom.pagination import EstimatingPaginator

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
    # its bylines; on PostgreSQL also the count's estimate and how many of the newest
    # stories match, which decides to walk.
    expected_queries = 10 if connection.vendor == "postgresql" else 8
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
