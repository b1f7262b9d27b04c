"""
`make bench-growth` keeps each page's fastest round (bench.run.fastest_of), and measures
pages that do the same work at any size of archive (bench.inprocess.choose_pages).
"""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from bench.inprocess import choose_pages
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
