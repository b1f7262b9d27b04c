"""
The admin's article list reads a page's worth of rows whatever narrows it: its count
stops at EstimatingPaginator.COUNT_UP_TO, and a list narrowed to a tag walks the tag's
index on (tag, date) newest first, as the list's own order says, instead of reading all
the tag's stories and sorting them. Run on both databases; the plans are checked as in
test_query_plans (sequential scans off on PostgreSQL, statistics gathered on SQLite).
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.admin import ArticleAdmin
from articles.models import Article
from articles.tests.test_query_plans import explain
from newsroom.pagination import EstimatingPaginator

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
ADMIN_ORDER = ("-published_at", "-created_at", "-pk")


@pytest.fixture
def tagged(make_article):
    """Six stories and a draft tagged Drones, not made in date order, and stories with another tag."""
    now = timezone.now()
    stories = [make_article(tags=["Drones"], published_at=now - timedelta(hours=n)) for n in (3, 1, 5, 2, 6, 4)]
    stories.append(make_article(tags=["Drones"], status=Article.Status.DRAFT, published_at=None))
    for n in range(4):
        make_article(tags=["Trains"], published_at=now - timedelta(minutes=n + 1))
    return stories


@pytest.fixture
def planner(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As over an archive, where scanning or sorting every story costs far more than
            # walking an index: on a few rows the planner may sort, whatever the query allows.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
        else:
            cursor.execute("ANALYZE")


def listing_query(queries):
    """Return the SQL of the query that read the page of articles (the one with the list's LIMIT)."""
    (sql,) = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "articles_article"."id"')
        and re.search(r"LIMIT \d+( OFFSET \d+)?$", query["sql"])
    ]
    return sql


def column(name):
    """Return the number of a column for `?o=`; the list's first column is the action checkbox."""
    return str(1 + ArticleAdmin.list_display.index(name))


def shown(response):
    return [article.pk for article in response.context["cl"].result_list]


class TestTagFilter:
    def test_pages_hold_the_tags_stories_and_drafts_in_the_lists_order(self, superuser_client, tagged, monkeypatch):
        monkeypatch.setattr(ArticleAdmin, "list_per_page", 3)
        expected = list(Article.objects.filter(tags__slug="drones").order_by(*ADMIN_ORDER).values_list("pk", flat=True))
        pages = [shown(superuser_client.get(CHANGELIST, {"tag": "drones", "p": page})) for page in (1, 2, 3)]
        assert [pk for page in pages for pk in page] == expected
        assert set(expected) == {story.pk for story in tagged}

    def test_sorting_by_the_date_column_keeps_to_the_tags_stories(self, superuser_client, tagged):
        oldest_first = list(
            Article.objects.filter(tags__slug="drones").order_by("published_at", "-pk").values_list("pk", flat=True)
        )
        assert shown(superuser_client.get(CHANGELIST, {"tag": "drones", "o": column("published_at")})) == oldest_first

    def test_sorting_a_short_list_by_another_column_still_works(self, superuser_client, tagged):
        by_headline = list(
            Article.objects.filter(tags__slug="drones").order_by("headline", "-pk").values_list("pk", flat=True)
        )
        response = superuser_client.get(CHANGELIST, {"tag": "drones", "o": column("headline")})
        assert shown(response) == by_headline

    def test_the_page_walks_the_tags_index_and_stops(
        self, superuser_client, tagged, planner, django_assert_num_queries, monkeypatch
    ):
        monkeypatch.setattr(ArticleAdmin, "list_per_page", 3)
        # session, user, the section, author and tag filters' choices, the tag's id, the
        # count, the page and its bylines.
        with django_assert_num_queries(9), CaptureQueriesContext(connection) as queries:
            response = superuser_client.get(CHANGELIST, {"tag": "drones"})
        assert response.status_code == 200
        sql = listing_query(queries)
        # Ordered by the tag link's date (selected as `listed_at`, so named by its position).
        assert '"listing"."published_at" AS "listed_at"' in sql, sql
        assert re.search(
            r'ORDER BY (\d+|"listing"\."published_at") DESC, "articles_article"\."created_at" DESC', sql
        ), sql
        plan = "\n".join(explain(sql))
        assert "tag_listed" in plan, plan
        if connection.vendor == "postgresql":
            # An incremental sort only orders the stories of one date; a plain one would order them all.
            assert not re.search(r"(^|->)\s*Sort\s+\(", plan, re.MULTILINE), plan
        else:
            # "FOR RIGHT PART OF ORDER BY" likewise sorts within one date only.
            assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan


class TestSortingByAnotherColumn:
    """
    No index holds the list by headline, status, section or time of editing: a list short
    enough to count is sorted whole, as Django's is; a longer one keeps to its date order,
    which an index holds, and says so, rather than sort every story in it.
    """

    SORTED_BY_ANOTHER_COLUMN = re.compile(
        r'ORDER BY "articles_(article"\."(headline|status|updated_at)|section"\."position)"'
    )

    def test_a_list_short_enough_to_count_is_sorted_by_it(self, superuser_client, tagged, monkeypatch):
        monkeypatch.setattr(ArticleAdmin, "list_per_page", 2)
        by_headline = list(Article.objects.order_by("-headline", "-pk").values_list("pk", flat=True)[:2])

        response = superuser_client.get(CHANGELIST, {"o": f"-{column('headline')}"})

        assert shown(response) == by_headline
        assert "too many to sort" not in response.content.decode()

    @pytest.mark.parametrize("name", ["headline", "status", "section", "updated_at"])
    def test_a_list_too_long_to_count_keeps_to_its_date_order_and_says_so(
        self, superuser_client, tagged, monkeypatch, name
    ):
        monkeypatch.setattr(EstimatingPaginator, "COUNT_UP_TO", 4)
        monkeypatch.setattr(ArticleAdmin, "list_per_page", 2)
        newest = list(Article.objects.order_by(*ADMIN_ORDER).values_list("pk", flat=True)[:2])

        with CaptureQueriesContext(connection) as queries:
            response = superuser_client.get(CHANGELIST, {"o": f"-{column(name)}"})

        assert shown(response) == newest
        html = response.content.decode()
        assert "This list holds more than 4 articles, too many to sort by" in html
        assert 'href="?p=2"' in html  # The next page keeps to the date order too.
        assert 'class="sortable column-published_at sorted descending"' in html
        lists = [
            query["sql"] for query in queries.captured_queries if query["sql"].startswith('SELECT "articles_article"')
        ]
        assert lists and not any(self.SORTED_BY_ANOTHER_COLUMN.search(sql) for sql in lists), lists

    def test_a_narrowed_list_too_long_to_count_keeps_to_its_own_order(self, superuser_client, tagged, monkeypatch):
        monkeypatch.setattr(EstimatingPaginator, "COUNT_UP_TO", 4)
        monkeypatch.setattr(ArticleAdmin, "list_per_page", 2)
        tags_newest = list(
            Article.objects.filter(tags__slug="drones").order_by(*ADMIN_ORDER).values_list("pk", flat=True)[:2]
        )

        response = superuser_client.get(CHANGELIST, {"tag": "drones", "o": column("headline")})

        assert shown(response) == tags_newest
        assert "too many to sort by headline" in response.content.decode()

    @pytest.mark.parametrize("order", ["abc", "99", "4", "-", "abc.-99"])
    def test_an_order_that_names_no_column_to_sort_by_is_not_refused(
        self, superuser_client, tagged, monkeypatch, order
    ):
        monkeypatch.setattr(EstimatingPaginator, "COUNT_UP_TO", 4)
        monkeypatch.setattr(ArticleAdmin, "list_per_page", 2)
        response = superuser_client.get(CHANGELIST, {"o": order})
        assert response.status_code == 200
        # Django then orders by id alone, which an index holds.
        assert shown(response) == list(Article.objects.order_by("-pk").values_list("pk", flat=True)[:2])
        assert "too many to sort" not in response.content.decode()


class TestCount:
    def test_a_counted_list_offers_to_select_it_all(self, superuser_client, make_article, monkeypatch):
        monkeypatch.setattr(ArticleAdmin, "list_per_page", 2)
        for _ in range(3):
            make_article()
        assert "Select all 3 articles" in superuser_client.get(CHANGELIST).content.decode()

    def test_a_short_list_is_counted_exactly_by_a_bounded_query(self, make_article):
        for _ in range(3):
            make_article()
        paginator = EstimatingPaginator(Article.objects.all(), 50)
        with CaptureQueriesContext(connection) as queries:
            assert paginator.count == 3
        assert paginator.is_exact
        (count,) = [query["sql"] for query in queries.captured_queries]
        assert f"LIMIT {EstimatingPaginator.COUNT_UP_TO + 1}" in count, count

    def test_a_longer_list_is_counted_only_up_to_the_cap(self, superuser_client, make_article, monkeypatch):
        monkeypatch.setattr(EstimatingPaginator, "COUNT_UP_TO", 2)
        for _ in range(4):
            make_article()
        paginator = EstimatingPaginator(Article.objects.all(), 50)
        with CaptureQueriesContext(connection) as queries:
            assert paginator.count == 2
        assert paginator.is_capped and not paginator.is_exact
        counts = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]
        assert len(counts) == 1 and "LIMIT 3" in counts[0], counts
        html = superuser_client.get(CHANGELIST).content.decode()
        assert "More than 2 articles; the first 2 shown." in html
        # "Select all 2 articles" would act on all four.
        assert "Select all 2 articles" not in html and "Select all 4" not in html and 'class="action-counter"' in html

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
    def test_beyond_the_cap_a_long_list_takes_the_planners_estimate(self, make_article, monkeypatch):
        monkeypatch.setattr(EstimatingPaginator, "COUNT_UP_TO", 1)
        monkeypatch.setattr(EstimatingPaginator, "ESTIMATE_ABOVE", 0)
        for _ in range(3):
            make_article()
        paginator = EstimatingPaginator(Article.objects.all(), 50)
        with CaptureQueriesContext(connection) as queries:
            assert paginator.count >= 1
        assert paginator.is_estimate and not paginator.is_exact
        count, plan = [query["sql"] for query in queries.captured_queries]
        assert "LIMIT 2" in count and plan.startswith("EXPLAIN"), (count, plan)
