"""`make bench-growth` keeps each page's fastest round (bench.run.fastest_of)."""

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
