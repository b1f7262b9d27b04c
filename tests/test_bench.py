"""
`make bench-growth` keeps each page's fastest round (bench.run.fastest_of), measures
pages that do the same work at any size of archive (bench.inprocess.choose_pages), and
times SQL to the last row fetched (bench.inprocess.sql_timer).
"""

import io
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.urls import reverse

from bench import run as bench_run
from bench.inprocess import (
    FETCHES,
    Measurement,
    assemble,
    choose_pages,
    measure_search,
    serve_turns,
    sql_timer,
)
from bench.run import fastest_of, in_turns, search_lines


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


def test_search_is_measured_also_narrowed_to_the_busiest_section_and_author(
    make_article, make_author, make_section, monkeypatch
):
    from bench import inprocess

    monkeypatch.setattr(inprocess, "SEARCH_RUNS", 1)
    monkeypatch.setattr(inprocess, "SEARCH_QUERIES", ["council budget", "flood"])
    monkeypatch.setattr(inprocess, "NARROWED_WORDS", ["council budget"])
    busy, world = make_author(slug="busy"), make_section(slug="world")
    for _ in range(3):
        make_article(headline="Council budget", authors=[busy], section=world)
    make_article(headline="Flood")

    search = measure_search()

    narrowed = [query for query in search["queries"] if query["kind"] == "narrowed"]
    assert [query["words"] for query in narrowed] == ["council budget (section world)", "council budget (author busy)"]
    assert all(query["status"] == 200 for query in search["queries"]) and search["narrowed_p50_ms"] > 0
    lines = search_lines(search, search, 10_000, 1_000_000)
    assert f"busiest section or author: {search['narrowed_p50_ms']:.1f} ms at 10,000" in lines[1]
    assert "| `council budget (author busy)` |" in "\n".join(lines)


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


def test_the_archives_take_each_step_in_turn_neither_always_first():
    steps = [["pages", "home"], ["pages", "article"], ["search", "search"]]

    first_round = list(in_turns([10, 200], steps, 1))
    second_round = list(in_turns([10, 200], steps, 2))

    assert first_round == [
        (10, steps[0]),
        (200, steps[0]),
        (200, steps[1]),
        (10, steps[1]),
        (10, steps[2]),
        (200, steps[2]),
    ]
    assert [archive for archive, _step in second_round] == [200, 10, 10, 200, 200, 10]


def test_measurements_taken_in_steps_are_assembled_as_a_whole_run():
    steps = [["pages", "home"], ["admin", "admin list"], ["pages", "feed"], ["search", "search"]]
    results = [{"name": "home"}, {"name": "admin list"}, {"name": "feed"}, {"p50_ms": 30}]

    assert assemble({"database": "SQLite"}, steps, results) == {
        "database": "SQLite",
        "pages": [{"name": "home"}, {"name": "feed"}],
        "admin": [{"name": "admin list"}],
        "search": {"p50_ms": 30},
    }


@pytest.mark.urls("bench.urls")
def test_a_process_taking_turns_measures_each_step_it_is_asked_for(make_article):
    make_article()
    requests = io.StringIO(json.dumps(["pages", "bare view"]) + "\n" + json.dumps(["pages", "home"]) + "\n")
    replies = io.StringIO()

    serve_turns(requests, replies)

    opening, bare, home = (json.loads(line) for line in replies.getvalue().splitlines())
    assert opening["database"]["published_stories"] == 1
    assert opening["steps"] == Measurement().steps()
    assert ["search", "search"] in opening["steps"] and ["pages", "article"] in opening["steps"]
    assert (bare["name"], bare["status"], bare["queries"]) == ("bare view", 200, 0)
    assert (home["name"], home["status"]) == ("home", 200) and home["queries"] > 0 and home["total_ms"] > 0


def test_a_turn_that_gives_no_answer_in_time_stops_the_bench(monkeypatch):
    monkeypatch.setattr(bench_run, "STEP_TIMEOUT", 0.2)
    turns = bench_run.InProcessTurns({})
    # A process that reads its requests and never answers; it ends when its input does.
    turns.process = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        with pytest.raises(RuntimeError, match="no answer in 0.2 s"):
            turns.take(["pages", "home"])
    finally:
        turns.__exit__()
    assert turns.process.returncode == 0
