"""Say once, at the end of a run, why a kind of test was skipped."""

# The markers of the tests that are skipped when a tool or service is missing, and their names.
KINDS = {"browser": "Browser tests", "s3": "S3 tests"}


def skip_reasons(terminalreporter, marker):
    """
    Return the reasons the tests marked `marker` were skipped for, read from the run's
    reports: under pytest-xdist those come from every worker, while what a worker noted
    while collecting stays in its own process.
    """
    return sorted(
        {
            report.longrepr[2].removeprefix("Skipped: ")
            for report in terminalreporter.stats.get("skipped", ())
            if marker in report.keywords and isinstance(report.longrepr, tuple)
        }
    )


def summary_lines(terminalreporter):
    """Return a line for each reason a kind of test in KINDS was skipped for."""
    return [
        f"{name} skipped: {reason}."
        for marker, name in KINDS.items()
        for reason in skip_reasons(terminalreporter, marker)
    ]
