"""
`make bench-growth` keeps each page's fastest round (bench.run.fastest_of), measures
pages that do the same work at any size of archive (bench.inprocess.choose_pages), and
times SQL to the last row fetched (bench.inprocess.sql_timer).
"""

import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.urls import reverse

from bench.inprocess import FETCHES, choose_pages, sql_timer
from bench.run import fastest_of


def measurement(home_ms, article_ms, admin_ms, search_p50_ms):
    return {
        "database": "SQLite",
        "pages": [
            {"name": "home", "path": "/", "total_ms": home_ms},
            {"name": "article", "path": "/a/", "total_ms": article_ms},
            {"name": "live blog", "path": None},
        ],
        "admin": [{"name": "admin list", "total_ms": admin_ms}],
        "search": {"p50_ms": search_p50_ms, "queries": []},
    }


def test_the_first_round_is_kept_whole():
    first = measurement(30, 40, 100, 50)
    assert fastest_of(None, first) is first


def test_each_page_keeps_its_fastest_round_and_search_its_lowest_p50():
    kept = fastest_of(measurement(30, 40, 100, 50), measurement(35, 38, 90, 60))

    assert [page.get("total_ms") for page in kept["pages"]] == [30, 38, None]
    assert kept["admin"][0]["total_ms"] == 90
    assert kept["search"]["p50_ms"] == 50
    assert kept["database"] == "SQLite"


@pytest.mark.urls("bench.urls")
def test_the_date_archive_measured_is_the_last_whole_month(make_article):
    make_article(published_at=datetime(2026, 12, 2, 1, tzinfo=UTC))

    paths = choose_pages()

    assert paths["date archive"] == reverse("articles:archive_month", kwargs={"year": 2026, "month": "11"})


def test_sql_is_timed_to_the_last_row_fetched(monkeypatch):
    clock = SimpleNamespace(now=0.0)
    monkeypatch.setattr(time, "perf_counter", lambda: clock.now)

    class Rows:
        """A database's cursor whose fetches take 2, 3 and 4 seconds, as SQLite's find rows as they are read."""

        def fetchone(self):
            clock.now += 2
            return (1,)

        def fetchmany(self, size):
            clock.now += 3
            return [(1,)] * size

        def fetchall(self):
            clock.now += 4
            return [(1,)]

    with sql_timer() as sql_seconds:
        cursor = CursorWrapper(Rows(), connection)
        assert (cursor.fetchone(), cursor.fetchmany(2), cursor.fetchall()) == ((1,), [(1,), (1,)], [(1,)])
        clock.now += 10  # Not in a fetch: not SQL.

    assert sql_seconds() == 9
    assert not any(name in vars(CursorWrapper) for name in FETCHES)
