"""newsroom.outbound: the guard every request to an address others chose goes through."""

import ipaddress
import time

import pytest

from newsroom import outbound


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(url):
    with pytest.raises(outbound.OutboundError, match="private or local address"):
        outbound.check_url(url)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://example.org/"])
def test_schemes_outside_the_allow_list_are_refused(url):
    with pytest.raises(outbound.OutboundError, match="scheme"):
        outbound.check_url(url)


def test_http_can_be_left_out_of_the_allowed_schemes():
    with pytest.raises(outbound.OutboundError, match="'http' is not allowed"):
        outbound.check_url("http://127.0.0.1/", schemes=("https",))


def test_a_host_outside_the_given_hosts_is_refused():
    with pytest.raises(outbound.OutboundError, match="not among the allowed hosts"):
        outbound.check_url("https://evil.example/", hosts=["photos.example"])


def test_credentials_in_the_address_are_refused():
    with pytest.raises(outbound.OutboundError, match="user name or password"):
        outbound.check_url("http://user:secret@127.0.0.1/")


def test_a_network_the_settings_allow_is_reached(settings):
    settings.NEWSROOM_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    assert outbound.check_url("http://127.0.0.1:8080/") == [ipaddress.ip_address("127.0.0.1")]
    # Only that network: other private ranges stay refused.
    with pytest.raises(outbound.OutboundError):
        outbound.check_url("http://10.0.0.1/")


def test_fetch_returns_the_body_from_an_allowed_server(wire_server):
    url = wire_server.serve("/feed.xml", b"<rss/>", "application/rss+xml")
    response = outbound.fetch(url)
    assert (response.status, response.body, response.content_type) == (200, b"<rss/>", "application/rss+xml")


def test_fetch_refuses_a_loopback_server_unless_allowed(wire_server, settings):
    url = wire_server.serve("/feed.xml", b"<rss/>")
    settings.NEWSROOM_OUTBOUND_ALLOWED_NETWORKS = []
    with pytest.raises(outbound.OutboundError, match="private or local"):
        outbound.fetch(url)
    assert wire_server.requests == []


def test_a_body_over_the_limit_is_refused(wire_server):
    url = wire_server.serve("/big", b"x" * 2048)
    with pytest.raises(outbound.OutboundError, match="limit is 1000"):
        outbound.fetch(url, max_bytes=1000)


def test_a_redirect_to_a_private_address_is_refused_before_connecting(wire_server):
    url = wire_server.serve("/moved", b"", status=302, headers={"Location": "http://169.254.169.254/latest/"})
    with pytest.raises(outbound.OutboundError, match="redirects to a refused address.*169.254.169.254"):
        outbound.fetch(url)


def test_a_redirect_to_an_allowed_address_is_followed(wire_server):
    target = wire_server.serve("/new", b"here")
    url = wire_server.serve("/old", b"", status=301, headers={"Location": target})
    response = outbound.fetch(url)
    assert (response.body, response.url) == (b"here", target)


def test_an_error_status_is_an_outbound_error(wire_server):
    with pytest.raises(outbound.OutboundError, match="answered 404"):
        outbound.fetch(wire_server.url("/missing"))


def test_a_slow_server_times_out(wire_server, monkeypatch):
    url = wire_server.serve("/slow", b"late")
    original = wire_server.httpd.RequestHandlerClass.do_GET

    def slow(handler):
        time.sleep(1)
        original(handler)

    monkeypatch.setattr(wire_server.httpd.RequestHandlerClass, "do_GET", slow)
    with pytest.raises(outbound.OutboundError, match="no answer within 0.2 seconds|timed out"):
        outbound.fetch(url, timeout=0.2)
