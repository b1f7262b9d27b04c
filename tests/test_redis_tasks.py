"""
With NEWSROOM_TASKS_REDIS_URL set, tasks go through Redis (django-tasks-rq) to an RQ
worker, which machines other than the web server's can run: here a real `manage.py
rqworker` and a real redis-server, each Django process sharing only Redis.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from newsroom.settings.base import tasks_from_environment
from tests.processes import run_django

# The settings of `make serve` with NEWSROOM_TASKS_REDIS_URL set, on top of the test settings.
REDIS_TASK_SETTINGS = """\
from newsroom.settings.base import tasks_from_environment
from newsroom.settings.test import *

TASKS, RQ_QUEUES = tasks_from_environment()
"""
ENQUEUE = """
import json
from tests.background_tasks import fail_at_first
print(json.dumps([fail_at_first.enqueue(path, failures).id for path, failures in json.loads(input())]))
"""
READ_RESULTS = """
import json
from tests.background_tasks import fail_at_first
results = [fail_at_first.get_result(result_id) for result_id in json.loads(input())]
print(json.dumps([
    {
        "backend": type(result.task.get_backend()).__name__,
        "status": result.status,
        "return_value": result.return_value if result.status == "SUCCESSFUL" else None,
        "errors": [error.exception_class_path for error in result.errors],
    }
    for result in results
]))
"""


@pytest.fixture
def redis_tasks(redis_url, tmp_path):
    """Return the environment of a Django process whose tasks go through Redis (the database after the cache's)."""
    parts = urlsplit(redis_url)
    database = int(parts.path.strip("/") or 0) + 1
    (tmp_path / "redis_task_settings.py").write_text(REDIS_TASK_SETTINGS)
    return {
        **{key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "redis_task_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(settings.BASE_DIR)]),
        "NEWSROOM_TASKS_REDIS_URL": urlunsplit(parts._replace(path=f"/{database}")),
    }


def run_json(environment, code, stdin):
    """Run `code` in another process (tests.processes) and return the JSON it printed last."""
    return json.loads(run_django(environment, code, stdin).splitlines()[-1])


def test_a_task_runs_on_an_rq_worker_and_a_failure_is_retried_later(redis_tasks, tmp_path):
    succeeds, recovers = str(tmp_path / "succeeds"), str(tmp_path / "recovers")
    result_ids = run_json(redis_tasks, ENQUEUE, json.dumps([[succeeds, 0], [recovers, 1]]))

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", "--with-scheduler", "--job-class", "django_tasks_rq.Job", "default"],
        env=redis_tasks,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        # The retry is scheduled for later; RQ's scheduler enqueues it when it is due.
        while not (Path(succeeds).exists() and Path(recovers).exists() and Path(recovers).read_text() == "2"):
            assert worker.poll() is None and time.monotonic() < deadline, worker.communicate(timeout=10)[0]
            time.sleep(0.1)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert "Successfully completed tests.background_tasks.fail_at_first" in output

    first, retried = run_json(redis_tasks, READ_RESULTS, json.dumps(result_ids))

    assert first == {"backend": "RQBackend", "status": "SUCCESSFUL", "return_value": 1, "errors": []}
    assert retried["status"] == "FAILED"  # The first attempt of the second task; its retry then succeeded.
    assert retried["errors"] == ["builtins.ConnectionError"]
    assert Path(recovers).read_text() == "2"
    assert not Path(f"{recovers}.gave-up").exists()


class TestSettings:
    def test_tasks_stay_in_the_database_by_default(self, monkeypatch):
        monkeypatch.delenv("NEWSROOM_TASKS_REDIS_URL", raising=False)
        assert tasks_from_environment() == ({"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}, {})

    def test_a_redis_address_sends_them_through_redis(self, monkeypatch):
        monkeypatch.setenv("NEWSROOM_TASKS_REDIS_URL", "redis://10.0.0.5:6379/1")
        tasks, queues = tasks_from_environment()
        assert tasks == {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
        assert queues == {"default": {"URL": "redis://10.0.0.5:6379/1"}}

    def test_anything_else_is_refused_with_the_reason(self, monkeypatch):
        monkeypatch.setenv("NEWSROOM_TASKS_REDIS_URL", "https://queue.example.org/")
        with pytest.raises(ImproperlyConfigured, match="must be a Redis address"):
            tasks_from_environment()
