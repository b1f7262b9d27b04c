"""The admin: editors configure endpoints and read the delivery log; reporters see neither."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import workflow
from webhooks.models import Delivery, Endpoint, Event

from .conftest import verify

pytestmark = pytest.mark.django_db

ENDPOINTS = reverse("admin:webhooks_endpoint_changelist")
ADD_ENDPOINT = reverse("admin:webhooks_endpoint_add")
DELIVERIES = reverse("admin:webhooks_delivery_changelist")


def endpoint_form(**overrides):
    return {
        "url": "https://partner.example.org/hooks",
        "description": "Partner app",
        "events": ["published"],
    } | overrides


@pytest.fixture
def delivered(receiver, make_endpoint, draft, editor, run_on_commit):
    """A story published to a receiver, which took the delivery in."""
    make_endpoint(receiver.url)
    with run_on_commit():
        workflow.publish(draft, editor)
    return Delivery.objects.get()


class TestEndpoints:
    def test_an_editor_adds_an_endpoint_and_is_shown_its_secret(self, client, editor):
        client.force_login(editor)
        assert client.get(ADD_ENDPOINT).status_code == 200

        response = client.post(ADD_ENDPOINT, endpoint_form(events=["published", "corrected"]), follow=True)

        endpoint = Endpoint.objects.get()
        assert endpoint.events == [Event.PUBLISHED, Event.CORRECTED]
        assert endpoint.created_by == editor
        assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
        assert any(endpoint.secret in str(message) for message in get_messages(response.wsgi_request))
        page = client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])).content.decode()
        assert endpoint.secret in page

    @pytest.mark.parametrize(
        ("url", "message"),
        [
            ("http://partner.example.org/hooks", "http:// is not allowed"),
            ("https://10.1.2.3/hooks", "private or local address"),
            ("https://[::1]/hooks", "private or local address"),
            ("https://user:pw@partner.example.org/", "user name and password"),
            ("ftp://partner.example.org/", "Use an https:// address."),
        ],
    )
    def test_addresses_no_delivery_could_go_to_are_refused_with_the_input_kept(self, client, editor, url, message):
        client.force_login(editor)
        response = client.post(ADD_ENDPOINT, endpoint_form(url=url))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert 'value="Partner app"' in response.content.decode()
        assert not Endpoint.objects.exists()

    def test_an_endpoint_needs_an_event(self, client, editor):
        client.force_login(editor)
        response = client.post(ADD_ENDPOINT, endpoint_form(events=[]))
        assert response.status_code == 200 and not Endpoint.objects.exists()

    def test_http_to_an_allowed_network_is_accepted(self, client, editor, allow_loopback):
        client.force_login(editor)
        client.post(ADD_ENDPOINT, endpoint_form(url="http://127.0.0.1:8080/hooks"))
        assert Endpoint.objects.get().url == "http://127.0.0.1:8080/hooks"

    def test_replacing_the_secret(self, client, editor, make_endpoint):
        endpoint = make_endpoint("https://partner.example.org/hooks")
        old = endpoint.secret
        client.force_login(editor)
        client.post(ENDPOINTS, {"action": "replace_secret", "_selected_action": [endpoint.pk]})
        endpoint.refresh_from_db()
        assert endpoint.secret != old and endpoint.secret.startswith("whsec_")

    def test_reporters_may_not_see_or_add_endpoints(self, client, reporter, make_endpoint):
        endpoint = make_endpoint("https://partner.example.org/hooks")
        client.force_login(reporter)
        assert client.get(ENDPOINTS).status_code == 403
        assert client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])).status_code == 403
        assert client.post(ADD_ENDPOINT, endpoint_form()).status_code == 403
        assert (
            client.post(ENDPOINTS, {"action": "replace_secret", "_selected_action": [endpoint.pk]}).status_code == 403
        )
        assert Endpoint.objects.count() == 1
        assert Endpoint.objects.get().secret == endpoint.secret


class TestDeliveryLog:
    def test_editors_read_status_response_code_and_time(self, client, editor, delivered):
        client.force_login(editor)
        page = client.get(DELIVERIES).content.decode()
        assert "Delivered" in page and "204" in page
        assert reverse("admin:articles_article_change", args=[delivered.article_id]) in page
        endpoints = client.get(ENDPOINTS).content.decode()
        assert f"{DELIVERIES}?endpoint__id__exact={delivered.endpoint_id}" in endpoints
        detail = client.get(reverse("admin:webhooks_delivery_change", args=[delivered.pk]))
        assert detail.status_code == 200 and delivered.key in detail.content.decode()

    def test_the_log_is_read_only(self, client, editor, delivered):
        client.force_login(editor)
        change = reverse("admin:webhooks_delivery_change", args=[delivered.pk])
        assert client.post(change, {"status": "failed"}).status_code == 403
        assert client.get(reverse("admin:webhooks_delivery_add")).status_code == 403
        assert client.post(reverse("admin:webhooks_delivery_delete", args=[delivered.pk])).status_code == 403
        delivered.refresh_from_db()
        assert delivered.status == Delivery.Status.DELIVERED

    def test_an_editor_redelivers_with_the_same_id_and_body(
        self, client, editor, delivered, receiver, django_capture_on_commit_callbacks
    ):
        client.force_login(editor)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(DELIVERIES, {"action": "redeliver_selected", "_selected_action": [delivered.pk]})
        assert response.status_code == 302
        first, again = receiver.requests
        assert again.headers["webhook-id"] == first.headers["webhook-id"]
        assert again.body == first.body
        assert verify(delivered.endpoint.secret, again.headers, again.body)
        delivered.refresh_from_db()
        assert (delivered.status, delivered.attempts) == ("delivered", 2)

    def test_reporters_may_not_see_the_log(self, client, reporter, delivered):
        client.force_login(reporter)
        assert client.get(DELIVERIES).status_code == 403
        assert client.get(reverse("admin:webhooks_delivery_change", args=[delivered.pk])).status_code == 403

    def test_redeliver_needs_its_own_permission(
        self, client, make_user, delivered, receiver, django_capture_on_commit_callbacks
    ):
        reader = make_user(username="auditor")
        reader.user_permissions.add(Permission.objects.get(codename="view_delivery"))
        client.force_login(reader)
        assert client.get(DELIVERIES).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            client.post(DELIVERIES, {"action": "redeliver_selected", "_selected_action": [delivered.pk]})
        assert len(receiver.requests) == 1


def test_the_log_costs_the_same_queries_whatever_its_length(
    client, editor, make_endpoint, make_article, django_assert_max_num_queries
):
    endpoint = make_endpoint("https://partner.example.org/hooks")

    def log(count):
        for _ in range(count):
            story = make_article()
            Delivery.objects.create(
                endpoint=endpoint,
                article=story,
                version=story.version,
                event=Event.PUBLISHED,
                key=Delivery.make_key(endpoint, story, story.version, Event.PUBLISHED),
            )

    client.force_login(editor)
    log(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(DELIVERIES).status_code == 200
    log(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(DELIVERIES).status_code == 200
