"""
Deliveries on a real worker process (`manage.py db_worker`, the database backend), as
in production: the publish enqueues, the worker sends, and a scheduled story's delivery
waits in the queue for the story's time. The fixtures are tests/test_background_work.py's.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import workflow
from articles.models import Article
from tests import test_background_work as background
from webhooks.models import Delivery

from .conftest import verify

# The worker fixtures of tests/test_background_work.py, found by pytest under these names.
database_tasks = background.database_tasks
start_worker = background.start_worker


@pytest.fixture
def worker_reaches_loopback(monkeypatch):
    """Let the worker (which reads its settings from the environment) deliver to 127.0.0.1."""
    monkeypatch.setenv("NEWSROOM_OUTBOUND_ALLOWED_NETWORKS", "127.0.0.1/32")


def test_the_worker_delivers_now_and_at_a_scheduled_time(
    worker_reaches_loopback,
    start_worker,
    receiver,
    make_endpoint,
    make_article,
    make_user,
):
    editor = make_user(username="edna", groups=["Editors"])
    endpoint = make_endpoint(receiver.url)
    now_story, later_story = (
        make_article(status=Article.Status.DRAFT, published_at=None, headline=headline)
        for headline in ("Out now", "Out in a moment")
    )
    workflow.publish(now_story, editor)  # Committed at once: this test runs outside a transaction.
    at = timezone.now() + timedelta(seconds=3)
    workflow.schedule(later_story, editor, at)
    assert receiver.requests == []  # Nothing is sent in the request...
    assert DBTaskResult.objects.count() == 2  # ...it waits for the worker.

    worker = start_worker()
    background.wait_for(lambda: Delivery.objects.filter(status=Delivery.Status.DELIVERED).count() == 2, worker)
    background.stop_gracefully(worker)

    assert sorted(request.json()["headlines"][0]["value"] for request in receiver.requests) == [
        "Out in a moment",
        "Out now",
    ]
    assert all(verify(endpoint.secret, request.headers, request.body) for request in receiver.requests)
    later = Delivery.objects.get(article=later_story)
    assert later.delivered_at >= at and later.attempts == 1
    # A run of the task before the story's time found it not yet out and queued itself for then.
    runs = list(DBTaskResult.objects.filter(args_kwargs__args=[later.pk]).order_by("enqueued_at"))
    assert runs[-1].started_at >= at
    assert all(run.started_at < at for run in runs[:-1])
