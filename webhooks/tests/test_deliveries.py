"""
Deliveries end to end, to a real HTTP receiver on 127.0.0.1: what each event sends,
the signature, retries until the receiver recovers, and the idempotency of the task.
Tasks run on the immediate backend (newsroom.settings.test): each retry runs at once.
"""

import json
import socket
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from api.tests.conftest import ninjs_validator_for_tests
from articles import workflow
from articles.models import Article, Correction
from articles.signals import article_edited
from newsroom.tasks import retry_delay
from webhooks.delivery import attempt
from webhooks.events import redeliver
from webhooks.models import Delivery, Event
from webhooks.tasks import BACKOFF, MAX_ATTEMPTS, deliver

from .conftest import Receiver, readme_snippet, verify

pytestmark = pytest.mark.django_db


def closed_port():
    """Return a loopback port nothing listens on (a receiver that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def edit(article, editor, **fields):
    """Save the story as the admin's change form does, and tell the apps that follow edits."""
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    article_edited.send(sender=Article, article=article, user=editor, created=False)


class TestPublishing:
    def test_publishing_sends_one_signed_delivery_whose_body_is_the_story_in_ninjs(
        self, receiver, make_endpoint, draft, editor, run_on_commit
    ):
        endpoint = make_endpoint(receiver.url)

        with run_on_commit():
            workflow.publish(draft, editor)

        assert len(receiver.requests) == 1
        request = receiver.requests[0]
        delivery = Delivery.objects.get()
        assert request.headers["webhook-id"] == delivery.key
        assert request.headers["newsroom-event"] == "published"
        assert request.headers["content-type"] == "application/json"
        assert abs(int(request.headers["webhook-timestamp"]) - timezone.now().timestamp()) < 60
        # The check the README gives, and Standard Webhooks' own reference library.
        assert verify(endpoint.secret, request.headers, request.body)
        item = Webhook(endpoint.secret).verify(request.body, request.headers)
        ninjs_validator_for_tests().validate(item)
        assert item["headlines"][0]["value"] == "Ministers agree on the budget"
        assert item["pubStatus"] == "usable"
        assert item["version"] == str(Article.objects.get(pk=draft.pk).version)
        assert item["renditions"][0]["href"].startswith("http://localhost:8000/")  # NEWSROOM_SITE_URL
        assert request.body.decode() == delivery.payload
        assert (delivery.status, delivery.response_code, delivery.attempts, delivery.event) == (
            Delivery.Status.DELIVERED,
            204,
            1,
            Event.PUBLISHED,
        )
        assert delivery.delivered_at is not None

    def test_a_changed_body_or_another_secret_fails_the_signature_check(
        self, receiver, make_endpoint, draft, editor, run_on_commit
    ):
        endpoint = make_endpoint(receiver.url)
        other = make_endpoint(receiver.url, description="another partner")
        with run_on_commit():
            workflow.publish(draft, editor)

        first, second = receiver.requests
        assert first.headers["webhook-id"] != second.headers["webhook-id"]
        mine = first if verify(endpoint.secret, first.headers, first.body) else second
        assert not verify(other.secret, mine.headers, mine.body)
        tampered = mine.body.replace(b"Ministers", b"Minsters")
        assert not verify(endpoint.secret, mine.headers, tampered)
        with pytest.raises(WebhookVerificationError):
            Webhook(endpoint.secret).verify(tampered, mine.headers)

    def test_nothing_is_sent_before_the_change_commits(self, receiver, make_endpoint, draft, editor):
        make_endpoint(receiver.url)
        workflow.publish(draft, editor)  # The test's transaction never commits.
        assert Delivery.objects.get().status == Delivery.Status.PENDING
        assert receiver.requests == []


class TestRetries:
    def test_a_receiver_that_is_down_then_recovers_gets_one_successful_delivery_per_event(
        self, receiver, make_endpoint, draft, editor, run_on_commit
    ):
        endpoint = make_endpoint(receiver.url)
        receiver.failures = 3
        with run_on_commit():
            workflow.publish(draft, editor)
        receiver.failures = 2
        with run_on_commit():
            workflow.add_correction(draft, editor, "An earlier version misspelt a name.")

        by_event = {}
        for request in receiver.requests:
            assert verify(endpoint.secret, request.headers, request.body)
            by_event.setdefault(request.headers["newsroom-event"], []).append(request)
        assert [request.status for request in by_event["published"]] == [503, 503, 503, 204]
        assert [request.status for request in by_event["corrected"]] == [503, 503, 204]
        for requests in by_event.values():
            # Every attempt of one event is the same message: one id, one body.
            assert len({request.headers["webhook-id"] for request in requests}) == 1
            assert len({request.body for request in requests}) == 1
        assert len(receiver.accepted()) == 2
        published, corrected = Delivery.objects.order_by("pk")
        assert (published.status, published.attempts, published.response_code) == ("delivered", 4, 204)
        assert (corrected.status, corrected.attempts) == ("delivered", 3)
        assert corrected.correction == Correction.objects.get()

        # A retry or a duplicate task for a delivered delivery sends nothing more.
        deliver.enqueue(published.pk)
        assert attempt(corrected.pk) is None
        assert len(receiver.requests) == 7

    def test_a_receiver_down_for_every_attempt_leaves_the_delivery_failed_then_redeliver_sends_it_once(
        self, allow_loopback, make_endpoint, draft, editor, run_on_commit
    ):
        port = closed_port()
        endpoint = make_endpoint(f"http://127.0.0.1:{port}/hooks")
        with run_on_commit():
            workflow.publish(draft, editor)

        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", MAX_ATTEMPTS, None)
        assert "cannot connect" in delivery.last_error

        receiver = Receiver(port=port)  # Back up, on the same address.
        try:
            with run_on_commit():
                redeliver(Delivery.objects.all())
        finally:
            receiver.stop()
        assert len(receiver.requests) == 1
        request = receiver.requests[0]
        assert request.headers["webhook-id"] == delivery.key
        assert request.body.decode() == delivery.payload
        assert verify(endpoint.secret, request.headers, request.body)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", MAX_ATTEMPTS + 1, "")

    def test_an_error_answer_is_logged_with_its_code(self, receiver, make_endpoint, draft, editor, run_on_commit):
        make_endpoint(receiver.url)
        receiver.failures = MAX_ATTEMPTS
        with run_on_commit():
            workflow.publish(draft, editor)
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.response_code, delivery.attempts) == ("failed", 503, MAX_ATTEMPTS)
        assert "503" in delivery.last_error
        assert len(receiver.requests) == MAX_ATTEMPTS

    def test_retries_wait_longer_each_time_for_about_a_day(self):
        waits = [retry_delay(BACKOFF, attempt) for attempt in range(1, MAX_ATTEMPTS)]
        assert waits[0] <= timedelta(minutes=2)
        assert all(later == 2 * earlier for earlier, later in pairwise(waits))
        assert timedelta(hours=20) <= sum(waits, timedelta()) <= timedelta(hours=30)


class TestEvents:
    def test_each_endpoint_gets_only_the_events_it_asked_for(
        self, make_endpoint, draft, editor, run_on_commit, allow_loopback
    ):
        everything, corrections = Receiver(), Receiver()
        try:
            make_endpoint(everything.url)
            make_endpoint(corrections.url, events=[Event.CORRECTED])
            with run_on_commit():
                workflow.publish(draft, editor)
            with run_on_commit():
                edit(draft, editor, standfirst="After a night of talks, a deal.")
            with run_on_commit():
                workflow.add_correction(draft, editor, "The vote was 5 to 4.", kind=Correction.Kind.UPDATE)
            with run_on_commit():
                workflow.unpublish(draft, editor, note="Legal asked us to take it down.")
        finally:
            everything.stop()
            corrections.stop()

        events = [request.headers["newsroom-event"] for request in everything.requests]
        assert events == ["published", "updated", "corrected", "unpublished"]
        assert [request.headers["newsroom-event"] for request in corrections.requests] == ["corrected"]
        validator = ninjs_validator_for_tests()
        items = [request.json() for request in everything.requests]
        for item in items:
            validator.validate(item)
        assert items[1]["descriptions"][0]["value"] == "After a night of talks, a deal."
        assert items[2]["associations"][-1]["rel"] == "update"
        versions = [int(item["version"]) for item in items]
        assert versions == sorted(versions) and versions[0] < versions[-1]
        takedown = items[3]
        assert (takedown["pubStatus"], takedown["representationType"]) == ("canceled", "partial")
        assert "bodies" not in takedown and "headlines" not in takedown

    def test_two_corrections_on_one_version_are_two_deliveries(
        self, receiver, make_endpoint, make_article, editor, run_on_commit
    ):
        story = make_article()
        make_endpoint(receiver.url, events=[Event.CORRECTED])
        with run_on_commit():
            workflow.add_correction(story, editor, "First.")
            workflow.add_correction(story, editor, "Second.")
        assert len({request.headers["webhook-id"] for request in receiver.accepted()}) == 2

    def test_edits_of_drafts_and_disabled_endpoints_send_nothing(
        self, receiver, make_endpoint, draft, make_article, editor, run_on_commit
    ):
        make_endpoint(receiver.url)
        make_endpoint(receiver.url, is_enabled=False)
        with run_on_commit():
            edit(draft, editor, headline="Still a draft")
        assert receiver.requests == []
        with run_on_commit():
            workflow.publish(draft, editor)
        assert len(receiver.requests) == 1

    def test_an_endpoint_disabled_before_its_delivery_goes_out_is_skipped(
        self, receiver, make_endpoint, draft, editor, run_on_commit
    ):
        endpoint = make_endpoint(receiver.url)
        workflow.publish(draft, editor)  # Not committed yet, so not sent.
        endpoint.is_enabled = False
        endpoint.save()
        with run_on_commit():
            pass
        deliver.enqueue(Delivery.objects.get().pk)
        assert Delivery.objects.get().status == Delivery.Status.SKIPPED
        assert receiver.requests == []


class TestScheduledStories:
    def test_a_scheduled_story_is_announced_when_readers_can_see_it(
        self, receiver, make_endpoint, draft, editor, run_on_commit
    ):
        make_endpoint(receiver.url)
        at = timezone.now() + timedelta(hours=1)
        with run_on_commit():
            workflow.schedule(draft, editor, at)

        delivery = Delivery.objects.get()
        # The task found the story not yet visible, and asks to run again at its time
        # (the database backend waits; the immediate backend of the tests cannot).
        assert attempt(delivery.pk) == at
        assert (delivery.status, delivery.attempts, receiver.requests) == ("pending", 0, [])

        Article.objects.filter(pk=draft.pk).update(published_at=timezone.now() - timedelta(seconds=1))
        deliver.enqueue(delivery.pk)  # As the worker would, at the time.
        assert len(receiver.requests) == 1
        assert receiver.requests[0].json()["pubStatus"] == "usable"

    def test_a_schedule_brought_forward_is_announced_once(self, receiver, make_endpoint, draft, editor, run_on_commit):
        make_endpoint(receiver.url)
        with run_on_commit():
            workflow.schedule(draft, editor, timezone.now() + timedelta(hours=1))
        with run_on_commit():
            workflow.publish(draft, editor)
        first, second = Delivery.objects.order_by("pk")
        assert (first.status, second.status) == ("skipped", "delivered")
        deliver.enqueue(first.pk)
        assert len(receiver.requests) == 1

    def test_a_story_unpublished_before_its_time_is_never_announced(
        self, receiver, make_endpoint, draft, editor, run_on_commit
    ):
        make_endpoint(receiver.url)
        with run_on_commit():
            workflow.schedule(draft, editor, timezone.now() + timedelta(hours=1))
        with run_on_commit():
            workflow.unpublish(draft, editor, note="Not after all.")
        delivery = Delivery.objects.get()  # No unpublished event: readers never saw it.
        deliver.enqueue(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.SKIPPED
        assert receiver.requests == []


def test_the_payload_is_compact_utf8_json(receiver, make_endpoint, make_article, editor, run_on_commit):
    story = make_article(status=Article.Status.DRAFT, published_at=None, headline="Zürich’s budget")
    make_endpoint(receiver.url)
    with run_on_commit():
        workflow.publish(story, editor)
    body = receiver.requests[0].body
    assert "Zürich’s".encode() in body
    assert json.loads(body)["headlines"][0]["value"] == "Zürich’s budget"


def test_the_readme_check_is_five_lines_and_refuses_a_wrong_signature():
    lines = readme_snippet().strip().splitlines()
    assert lines[0].startswith("def verify(") and len(lines) == 5
    secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    headers = {"webhook-id": "msg_1", "webhook-timestamp": "1700000000"}
    signed = Webhook(secret).sign("msg_1", datetime.fromtimestamp(1700000000, tz=UTC), '{"a":1}')
    assert verify(secret, headers | {"webhook-signature": signed}, b'{"a":1}')
    assert verify(secret, headers | {"webhook-signature": f"v1,bm9wZQ== {signed}"}, b'{"a":1}')
    assert not verify(secret, headers | {"webhook-signature": signed}, b'{"a":2}')
    assert not verify(secret, headers | {"webhook-id": "msg_2", "webhook-signature": signed}, b'{"a":1}')
