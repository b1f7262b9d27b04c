"""SQLite gets the planner statistics PostgreSQL's autovacuum would gather by itself."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Article
from newsroom.statistics import refresh_planner_statistics


def statistics_rows(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_clock_gathers_sqlite_statistics(make_article):
    make_article(tags=["a", "b"])
    if connection.vendor != "sqlite":
        assert refresh_planner_statistics() is False
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone()[0]:
            cursor.execute("DELETE FROM sqlite_stat1")
    assert statistics_rows("articles_taggedarticle") == 0
    call_command("tick")
    assert statistics_rows("articles_taggedarticle") > 0
    assert statistics_rows("articles_article") > 0


@pytest.mark.django_db
def test_sqlite_statistics_count_every_row_not_a_sample(make_section):
    """
    ANALYZE with a sample (`PRAGMA analysis_limit = 2000`) said every status held 2,001
    stories, however many it held: at 200,000 stories "published" looked as selective as
    a tag, and the tag and author pages walked every published story.
    """
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's autovacuum gathers its own statistics.")
    section, now, stories = make_section(), timezone.now(), 2500
    Article.objects.bulk_create(
        Article(
            headline=f"Story {n}",
            slug=f"story-{n}",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=n),
        )
        for n in range(stories)
    )

    refresh_planner_statistics()

    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'article_status_published'")
        rows, rows_per_status, _rows_per_date = cursor.fetchone()[0].split()
    assert (int(rows), int(rows_per_status)) == (stories, stories)
