"""
Where deliveries may go (guarding against server-side request forgery): https, or http
only to the networks NEWSROOM_OUTBOUND_ALLOWED_NETWORKS names; never a private or
loopback address unless it is named there; never a redirect.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from articles import workflow
from webhooks.models import Delivery
from webhooks.tasks import MAX_ATTEMPTS

pytestmark = pytest.mark.django_db

# example.com's address: public, so only the scheme rule can refuse it. Nothing connects to it.
PUBLIC_ADDRESS = "93.184.215.14"


@pytest.fixture
def production_networks(settings):
    """The production default: no network beyond the public internet is allowed."""
    settings.NEWSROOM_OUTBOUND_ALLOWED_NETWORKS = []


def test_production_settings_allow_no_private_network_unless_told():
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("NEWSROOM_OUTBOUND")},
        "SECRET_KEY": "production-settings-test-key",
        "DEBUG": "1",  # Ignored by prod.py.
    }
    script = "from newsroom.settings import prod; print(prod.NEWSROOM_OUTBOUND_ALLOWED_NETWORKS, prod.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "False"]


def publish(draft, editor, run_on_commit):
    with run_on_commit():
        workflow.publish(draft, editor)
    return Delivery.objects.get()


def test_loopback_is_reached_only_when_the_settings_allow_it(
    receiver, make_endpoint, draft, editor, run_on_commit, settings
):
    make_endpoint(receiver.url.replace("http://", "https://"))
    settings.NEWSROOM_OUTBOUND_ALLOWED_NETWORKS = []

    delivery = publish(draft, editor, run_on_commit)

    assert receiver.requests == []
    assert delivery.status == Delivery.Status.FAILED
    assert "127.0.0.1, a private or local address" in delivery.last_error


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "10.0.0.8", "169.254.169.254", "192.168.1.1"])
def test_private_and_loopback_addresses_are_refused_before_connecting(
    production_networks, make_endpoint, draft, editor, run_on_commit, host
):
    make_endpoint(f"https://{host}/hooks")
    delivery = publish(draft, editor, run_on_commit)
    assert delivery.status == Delivery.Status.FAILED
    assert "private or local address" in delivery.last_error
    assert delivery.response_code is None


@pytest.mark.parametrize("host", [PUBLIC_ADDRESS, "127.0.0.1"])
def test_http_is_refused_in_production_and_not_retried(
    production_networks, make_endpoint, draft, editor, run_on_commit, host
):
    make_endpoint(f"http://{host}/hooks")
    delivery = publish(draft, editor, run_on_commit)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
    assert "http:// is allowed only to the networks the settings allow" in delivery.last_error


def test_http_outside_the_allowed_networks_is_refused(allow_loopback, make_endpoint, draft, editor, run_on_commit):
    make_endpoint(f"http://{PUBLIC_ADDRESS}/hooks")
    delivery = publish(draft, editor, run_on_commit)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)


def test_only_http_and_https_go_out(production_networks, make_endpoint, draft, editor, run_on_commit):
    make_endpoint("ftp://partner.example.org/hooks")
    delivery = publish(draft, editor, run_on_commit)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
    assert "only https://" in delivery.last_error


def test_a_redirect_is_not_followed(receiver, make_endpoint, draft, editor, run_on_commit):
    make_endpoint(receiver.url)
    receiver.redirect_to = f"http://{PUBLIC_ADDRESS}/elsewhere"
    delivery = publish(draft, editor, run_on_commit)
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("failed", 307, MAX_ATTEMPTS)
    assert len(receiver.requests) == MAX_ATTEMPTS  # All to the endpoint's own address.
