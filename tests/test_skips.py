from types import SimpleNamespace

import pytest

from tests.skips import skip_reasons, summary_lines


def skipped(marker, reason):
    return pytest.TestReport(
        nodeid=f"tests/{marker}/test_x.py::test_x",
        location=(f"tests/{marker}/test_x.py", 1, "test_x"),
        keywords={marker: 1, "test_x": 1},
        outcome="skipped",
        longrepr=(f"tests/{marker}/test_x.py", 1, f"Skipped: {reason}"),
        when="setup",
    )


def test_the_reasons_are_those_of_the_marked_tests_each_once():
    reporter = SimpleNamespace(
        stats={
            "skipped": [
                skipped("browser", "Chromium was not found"),
                skipped("browser", "Chromium was not found"),
                skipped("s3", "moto is not installed"),
            ],
            "passed": [],
        }
    )

    assert skip_reasons(reporter, "browser") == ["Chromium was not found"]
    assert skip_reasons(reporter, "s3") == ["moto is not installed"]


def test_no_reason_when_nothing_was_skipped():
    assert skip_reasons(SimpleNamespace(stats={}), "browser") == []


def test_a_line_for_each_kind_and_reason():
    reporter = SimpleNamespace(
        stats={"skipped": [skipped("s3", "they run once per CI run, on SQLite"), skipped("browser", "no Chromium")]}
    )

    assert summary_lines(reporter) == [
        "Browser tests skipped: no Chromium.",
        "S3 tests skipped: they run once per CI run, on SQLite.",
    ]
