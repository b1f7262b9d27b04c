"""Say once, at the end of a run, why a kind of test was skipped."""


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
