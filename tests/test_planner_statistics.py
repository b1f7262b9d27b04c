"""SQLite gets the planner statistics PostgreSQL's autovacuum would gather by itself."""

import pytest
from django.core.management import call_command
from django.db import connection

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
