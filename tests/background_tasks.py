"""
Tasks for the tests of background work. They live in a module of their own so that a
worker process can import them by name, as it imports the newsroom's own tasks.
"""

import time
from datetime import timedelta
from pathlib import Path

from django.tasks import task

from newsroom.tasks import task_with_retries

# Short waits, so that a real worker gets through every attempt within a second or two.
BACKOFF = timedelta(milliseconds=300)


def note_give_up(error, tally_path, failures):
    """Record, next to the tally, that the task gave up and why."""
    Path(f"{tally_path}.gave-up").write_text(f"{type(error).__name__}: {error}")


@task_with_retries(max_attempts=3, backoff=BACKOFF, on_give_up=note_give_up)
def fail_at_first(tally_path, failures):
    """Count each attempt in a file; fail the first `failures` attempts, then return the count."""
    tally = Path(tally_path)
    attempt = int(tally.read_text() or 0) + 1 if tally.exists() else 1
    tally.write_text(str(attempt))
    if attempt <= failures:
        raise ConnectionError(f"attempt {attempt} of {tally.name} failed")
    return attempt


@task_with_retries(max_attempts=3, backoff=BACKOFF, retry_on=(ConnectionError,), on_give_up=note_give_up)
def refuse_at_once(tally_path, failures):
    """Fail with an error that is not worth retrying."""
    Path(tally_path).write_text("1")
    raise ValueError("this will never work")


@task
def finish_unless_first_run(marker_path):
    """
    The first run notes that it started, then hangs as if stuck, for the test to kill its
    worker; a later run appends "done" to the marker's `.done` file, and returns.
    """
    marker = Path(marker_path)
    if not marker.exists():
        marker.write_text("started")
        time.sleep(600)
    with Path(f"{marker_path}.done").open("a") as done:
        done.write("done\n")
