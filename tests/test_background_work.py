"""
Background work: tasks run on a real worker process (`manage.py db_worker`) against the
test database, failing tasks are retried with growing waits and every failure is kept,
photo renditions are made on the worker rather than in the request, and editors (not
reporters) see the worker's record in the admin.
"""

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from newsroom.tasks import ATTEMPT, retry_delay, task_with_retries
from pagecache.state import current_generation
from photos.models import Photo
from photos.tasks import make_renditions
from photos.tests.images import image_upload
from tests.background_tasks import BACKOFF, fail_at_first, finish_unless_first_run, refuse_at_once

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
WORKER_SETTINGS = """\
from newsroom.settings.test import *

DATABASES = {databases!r}
MEDIA_ROOT = Path({media_root!r})
TASKS = {tasks!r}
"""
# How long a worker may take to start and get through the tasks of one test.
WORKER_SECONDS = 60


@pytest.fixture
def database_tasks(settings):
    """Enqueue tasks in the database, for a worker to run, rather than at once."""
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def start_worker(transactional_db, database_tasks, tmp_path):
    """
    Return a function that starts `manage.py db_worker` in a process of its own, on the
    test database (committed rows only, hence transactional_db) and the test's media.
    """
    database = {
        key: str(value) if key == "NAME" else value
        for key, value in connection.settings_dict.items()
        if key in {"ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS"}
    }
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.fail("A worker cannot reach an in-memory test database; newsroom.settings.test keeps it in a file.")
    (tmp_path / "worker_settings.py").write_text(
        WORKER_SETTINGS.format(
            databases={"default": database}, media_root=str(settings.MEDIA_ROOT), tasks=DATABASE_TASKS
        )
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "worker_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(settings.BASE_DIR)]),
    }
    processes = []

    def start(*options):
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
                *options,
            ],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=WORKER_SECONDS)


def wait_for(condition, process, seconds=WORKER_SECONDS):
    """Wait until `condition()` holds, failing with the worker's output if it stops or time runs out."""
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output, _ = process.communicate()
            pytest.fail(f"The worker did not get there (exit status {process.returncode}):\n{output}")
        time.sleep(0.1)


def stop_gracefully(process):
    """Stop a worker as `make run` does, and return its output once it has exited cleanly."""
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=WORKER_SECONDS)
    assert process.returncode == 0, output
    return output


def results_by_first_argument():
    """Return the worker's task results, oldest first, grouped by their first argument."""
    grouped = {}
    for result in DBTaskResult.objects.order_by("enqueued_at"):
        grouped.setdefault(result.args_kwargs["args"][0], []).append(result)
    return grouped


def seconds_between(earlier, later):
    return (later - earlier).total_seconds()


class TestOnARealWorker:
    def test_a_photo_uploaded_in_a_request_gets_its_renditions_from_the_worker(self, start_worker, client, make_user):
        editor = make_user(username="picture-editor")
        editor.groups.add(Group.objects.get(name="Editors"))
        client.force_login(editor)

        response = client.post(
            reverse("admin:photos_photo_add"),
            {"image": image_upload("train.jpg", size=(1000, 700), image_format="JPEG"), "alt_text": "A train"},
        )

        assert response.status_code == 302
        assert not Photo.objects.get().has_renditions  # Not made in the request...
        pending = DBTaskResult.objects.get()
        assert (pending.task_path, pending.status) == ("photos.tasks.make_renditions", TaskResultStatus.READY)

        worker = start_worker("--batch")  # ...but by the worker, which stops once the queue is empty.
        output, _ = worker.communicate(timeout=WORKER_SECONDS)

        assert worker.returncode == 0, output
        pending.refresh_from_db()
        assert pending.status == TaskResultStatus.SUCCESSFUL, pending.traceback or output
        assert pending.return_value == 6
        photo = Photo.objects.get()
        assert photo.has_renditions
        assert sorted(photo.renditions.values_list("format", "width")) == [
            ("jpeg", 480),
            ("jpeg", 960),
            ("jpeg", 1000),
            ("webp", 480),
            ("webp", 960),
            ("webp", 1000),
        ]
        assert all(Path(rendition.file.path).is_file() for rendition in photo.renditions.all())

    def test_failing_tasks_are_retried_after_growing_waits_and_every_failure_is_kept(self, start_worker, tmp_path):
        recovers, never, refused = (str(tmp_path / name) for name in ("recovers", "never", "refused"))
        fail_at_first.enqueue(recovers, 1)
        fail_at_first.enqueue(never, 99)
        refuse_at_once.enqueue(refused, 0)

        worker = start_worker()
        # 2 attempts of the first, 3 of the second (all it is allowed), 1 of the third.
        wait_for(lambda: DBTaskResult.objects.finished().count() == 6, worker)
        stop_gracefully(worker)

        results = results_by_first_argument()
        assert [result.status for result in results[recovers]] == ["FAILED", "SUCCESSFUL"]
        assert [result.status for result in results[never]] == ["FAILED"] * 3
        assert [result.status for result in results[refused]] == ["FAILED"]
        assert DBTaskResult.objects.count() == 6  # Nothing left waiting.

        # Each failure is kept with what went wrong; each retry knows its attempt number.
        first, second, third = results[never]
        assert first.exception_class_path == "builtins.ConnectionError"
        assert "attempt 1 of never failed" in first.traceback
        assert "attempt 3 of never failed" in third.traceback
        assert [result.args_kwargs["kwargs"].get(ATTEMPT, 1) for result in results[never]] == [1, 2, 3]
        assert results[recovers][1].return_value == 2

        # Attempt n + 1 waits backoff * 2 ** (n - 1) after attempt n, and the worker keeps to it.
        slack = 2.0
        for earlier, later, wait in ((first, second, BACKOFF), (second, third, BACKOFF * 2)):
            assert wait.total_seconds() <= seconds_between(earlier.started_at, later.run_after)
            assert seconds_between(earlier.started_at, later.run_after) < wait.total_seconds() + slack
            assert later.started_at >= later.run_after

        # After the last attempt, or an error not worth retrying, the task gives up once.
        assert Path(f"{never}.gave-up").read_text() == "ConnectionError: attempt 3 of never failed"
        assert Path(f"{refused}.gave-up").read_text() == "ValueError: this will never work"
        assert not Path(f"{recovers}.gave-up").exists()
        assert Path(never).read_text() == "3"


class TestRetries:
    """The retry helper itself, on the immediate backend the rest of the suite uses."""

    def test_each_wait_is_twice_the_one_before(self):
        waits = [retry_delay(timedelta(minutes=1), attempt) for attempt in range(1, 5)]
        assert waits == [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8)]

    def test_a_task_that_recovers_is_attempted_until_it_succeeds(self, tmp_path):
        tally = tmp_path / "tally"
        first = fail_at_first.enqueue(str(tally), 2)
        assert first.status == TaskResultStatus.FAILED  # This attempt stays failed...
        assert tally.read_text() == "3"  # ...and the third one succeeded.
        assert not Path(f"{tally}.gave-up").exists()

    def test_a_task_that_never_succeeds_stops_after_its_last_attempt(self, tmp_path):
        tally = tmp_path / "tally"
        fail_at_first.enqueue(str(tally), 99)
        assert tally.read_text() == "3"
        assert Path(f"{tally}.gave-up").read_text() == "ConnectionError: attempt 3 of tally failed"

    def test_an_error_not_worth_retrying_fails_at_once(self, tmp_path):
        tally = tmp_path / "tally"
        result = refuse_at_once.enqueue(str(tally), 0)
        assert result.errors[0].exception_class_path == "builtins.ValueError"
        assert tally.read_text() == "1"
        assert Path(f"{tally}.gave-up").exists()

    def test_at_least_one_attempt(self):
        with pytest.raises(ValueError, match="at least 1"):
            task_with_retries(max_attempts=0, backoff=BACKOFF)


@pytest.mark.django_db
class TestRenditionsOnTheWorker:
    def test_saving_a_photo_enqueues_its_renditions_once_committed(
        self, database_tasks, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            photo = Photo.objects.create(image=image_upload(size=(500, 300)), alt_text="A field")
            assert not DBTaskResult.objects.exists()  # A rollback now would leave no task behind.
        for callback in callbacks:
            callback()
        pending = DBTaskResult.objects.get()
        assert (pending.task_path, pending.args_kwargs["args"]) == ("photos.tasks.make_renditions", [photo.pk])
        assert not photo.renditions.exists()

    def test_editing_a_photo_that_has_its_renditions_enqueues_nothing(
        self, make_photo, database_tasks, django_capture_on_commit_callbacks
    ):
        photo = make_photo()
        with django_capture_on_commit_callbacks(execute=True):
            photo.caption = "A new caption"
            photo.save()
        assert not DBTaskResult.objects.exists()

    def test_a_new_original_takes_the_old_renditions_offline_at_once(
        self, make_photo, database_tasks, django_capture_on_commit_callbacks
    ):
        photo = make_photo(size=(700, 500))
        old_files = [rendition.file for rendition in photo.renditions.all()]
        with django_capture_on_commit_callbacks(execute=True):
            photo.image = image_upload(size=(300, 200))
            photo.save()
        assert not photo.renditions.exists()
        assert not Photo.objects.get().has_renditions
        assert not any(file.storage.exists(file.name) for file in old_files)
        assert DBTaskResult.objects.get().args_kwargs["args"] == [photo.pk]  # The new ones come from the worker.

    def test_running_the_task_twice_changes_nothing(self, make_photo):
        photo = Photo.objects.create(image=image_upload(size=(500, 300)), alt_text="A field")
        assert make_renditions.enqueue(photo.pk).return_value == 4
        files = sorted(photo.renditions.values_list("file", flat=True))
        assert make_renditions.enqueue(photo.pk).return_value == 0
        assert sorted(photo.renditions.values_list("file", flat=True)) == files

    def test_a_photo_deleted_before_the_worker_came_is_skipped(self):
        assert make_renditions.enqueue(2**31).return_value == 0

    def test_new_renditions_purge_the_cached_pages(self, django_capture_on_commit_callbacks):
        photo = Photo.objects.create(image=image_upload(size=(500, 300)), alt_text="A field")
        before = current_generation().token
        with django_capture_on_commit_callbacks(execute=True):
            photo.ensure_renditions()
        assert current_generation().token != before


@pytest.mark.django_db
class TestFailedTasksInTheAdmin:
    @pytest.fixture
    def results(self, database_tasks, tmp_path):
        failed = DBTaskResult.objects.get(id=refuse_at_once.enqueue(str(tmp_path / "refused"), 0).id)
        failed.set_failed(ValueError("the agency's server is down"))
        succeeded = DBTaskResult.objects.get(id=fail_at_first.enqueue(str(tmp_path / "fine"), 0).id)
        succeeded.set_successful(1)
        return failed, succeeded

    def login(self, client, make_user, role):
        user = make_user(username=role.lower())
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        return client

    def test_editors_see_the_failed_tasks(self, client, make_user, results):
        failed, succeeded = results
        client = self.login(client, make_user, "Editors")

        changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
        response = client.get(changelist, {"status__exact": "FAILED"})

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [failed]
        assert set(client.get(changelist).context["cl"].result_list) == {failed, succeeded}
        detail = client.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk]))
        assert detail.status_code == 200
        assert "the agency&#x27;s server is down" in detail.text

    def test_editors_cannot_change_or_delete_them(self, client, make_user, results):
        failed, _succeeded = results
        client = self.login(client, make_user, "Editors")
        change = reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk])

        assert 'name="_save"' not in client.get(change).text
        assert client.post(change, {"status": "SUCCESSFUL"}).status_code == 403
        delete = reverse("admin:django_tasks_database_dbtaskresult_delete", args=[failed.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        failed.refresh_from_db()
        assert failed.status == TaskResultStatus.FAILED

    def test_reporters_do_not_see_them(self, client, make_user, results):
        client = self.login(client, make_user, "Reporters")
        response = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
        assert response.status_code == 403


def test_a_task_whose_worker_is_killed_is_enqueued_again_by_the_clock_and_done_once(start_worker, tmp_path):
    marker = tmp_path / "stuck"
    result = finish_unless_first_run.enqueue(str(marker))
    worker = start_worker()
    wait_for(marker.exists, worker)
    worker.kill()  # As a machine going down would: no chance to tidy up.
    worker.communicate(timeout=WORKER_SECONDS)
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING

    call_command("tick", stdout=io.StringIO())
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING  # Not abandoned yet.

    with override_settings(NEWSROOM_TASK_ABANDONED_AFTER=0):
        output = io.StringIO()
        call_command("tick", stdout=output)
    assert "Enqueued again 1 task(s)" in output.getvalue()
    abandoned = DBTaskResult.objects.get(pk=result.id)
    assert abandoned.status == TaskResultStatus.FAILED and "stopped before it finished" in abandoned.traceback

    second = start_worker()
    again = DBTaskResult.objects.exclude(pk=result.id).get(task_path__endswith="finish_unless_first_run")
    wait_for(lambda: DBTaskResult.objects.get(pk=again.pk).status == TaskResultStatus.SUCCESSFUL, second)
    stop_gracefully(second)
    assert Path(f"{marker}.done").read_text() == "done\n"
