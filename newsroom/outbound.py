"""
Requests this site makes to addresses that others chose: wire feeds, agency pictures,
webhook endpoints. The one place that guards them against server-side request forgery.

    check_url(url, *, schemes=..., hosts=None)   -> the addresses the host resolves to, or OutboundError
    fetch(url, *, schemes=..., hosts=None, max_bytes=..., timeout=..., method="GET", data=None, headers=None)
                                                  -> Response(url, status, headers, body), or OutboundError

Every connection, the first and each redirect's, resolves the host, refuses it if any of
its addresses is private, loopback, link-local, multicast, reserved or unspecified (unless
NEWSROOM_OUTBOUND_ALLOWED_NETWORKS names it), and then connects to the address it checked,
so a name that resolves differently a moment later (DNS rebinding) gains nothing.
Redirects are followed only to URLs that pass the same scheme and host checks; bodies
longer than `max_bytes` are refused without being read to the end. No proxy from the
environment is used: a proxy would make the address checks meaningless.
"""

import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import partial
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_SCHEMES = ("https", "http")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_TIMEOUT = 10
MAX_REDIRECTS = 5


class OutboundError(Exception):
    """A request refused before it went out, or one that failed; the message says which and why."""

    def __init__(self, message, status=None):
        super().__init__(message)
        # The HTTP status the server answered with, when it answered with an error status.
        self.status = status


@dataclass(frozen=True)
class Response:
    url: str  # The final URL, after redirects.
    status: int
    headers: dict
    body: bytes

    @property
    def content_type(self):
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def allowed_networks():
    """Return the networks that may be reached though they are not public (NEWSROOM_OUTBOUND_ALLOWED_NETWORKS)."""
    return [ipaddress.ip_network(network, strict=False) for network in settings.NEWSROOM_OUTBOUND_ALLOWED_NETWORKS]


def is_public(address):
    """Tell whether `address` (an ip_address) is on the public internet."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved)


def check_address(host, address):
    """Refuse `address` (a string, as getaddrinfo gives it) unless it is public or explicitly allowed."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if is_public(ip) or any(ip in network for network in allowed_networks()):
        return ip
    raise OutboundError(f"{host} resolves to {ip}, a private or local address; requests there are refused.")


def resolve(host, port):
    """Return the checked addresses of `host` as getaddrinfo gives them, refusing the host if any is not allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise OutboundError(f"{host} cannot be resolved ({error}).") from None
    # All of them, not only the first: a name with one public and one private address is refused.
    for *_rest, sockaddr in infos:
        check_address(host, sockaddr[0])
    return infos


def check_url(url, *, schemes=DEFAULT_SCHEMES, hosts=None):
    """
    Refuse `url` unless its scheme is one of `schemes`, its host is one of `hosts`
    (when given; names compared case-insensitively) and every address it resolves to
    is public or allowed; return those addresses (ip_address objects).
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in schemes:
        allowed = ", ".join(schemes) or "none"
        raise OutboundError(f"{url}: the scheme {parts.scheme or '(none)'!r} is not allowed here (allowed: {allowed}).")
    if not parts.hostname:
        raise OutboundError(f"{url}: the address has no host.")
    if parts.username or parts.password:
        raise OutboundError(f"{url}: addresses with a user name or password are refused.")
    if hosts is not None and parts.hostname.lower() not in {host.lower() for host in hosts}:
        raise OutboundError(f"{url}: the host {parts.hostname} is not among the allowed hosts.")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise OutboundError(f"{url}: the port is not a number.") from None
    return [ipaddress.ip_address(sockaddr[0].split("%")[0]) for *_rest, sockaddr in resolve(parts.hostname, port)]


def guarded_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, **kwargs):
    """Connect as socket.create_connection does, but only to addresses `resolve` has checked."""
    host, port = address
    error = None
    for family, socktype, proto, _name, sockaddr in resolve(host, port):
        sock = socket.socket(family, socktype, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as failure:
            error = failure
            sock.close()
    raise error or OSError(f"cannot connect to {host}")


class GuardedHTTPConnection(HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = guarded_connection


class GuardedHTTPSConnection(HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = guarded_connection


class GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, request):
        return self.do_open(GuardedHTTPConnection, request)


class GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, request):
        return self.do_open(GuardedHTTPSConnection, request, context=self._context)


class CheckedRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to a URL that passes the request's own scheme and host checks."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, schemes, hosts):
        super().__init__()
        self.check = partial(check_url, schemes=schemes, hosts=hosts)

    def redirect_request(self, request, fp, code, msg, headers, newurl):
        try:
            self.check(newurl)
        except OutboundError as error:
            raise OutboundError(f"{request.full_url} redirects to a refused address: {error}") from None
        return super().redirect_request(request, fp, code, msg, headers, newurl)


def fetch(
    url,
    *,
    schemes=DEFAULT_SCHEMES,
    hosts=None,
    max_bytes=DEFAULT_MAX_BYTES,
    timeout=DEFAULT_TIMEOUT,
    method="GET",
    data=None,
    headers=None,
):
    """
    Request `url` and return its Response, or raise OutboundError saying why not: a
    refused scheme, host or address (the first or a redirect's), a body over `max_bytes`,
    a time-out, a connection failure, or an HTTP error status (4xx, 5xx; the error
    carries no body). `timeout` is in seconds, for the connection and for each read.
    """
    check_url(url, schemes=schemes, hosts=hosts)
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler({}),
        urllib.request.UnknownHandler(),
        GuardedHTTPHandler(),
        GuardedHTTPSHandler(),
        CheckedRedirectHandler(schemes, hosts),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    request.add_header("User-Agent", f"{settings.NEWSROOM_SITE_NAME} (Newsroom)")
    try:
        with opener.open(request, timeout=timeout) as answer:
            length = answer.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise OutboundError(f"{url}: the response is {int(length)} bytes; the limit is {max_bytes}.")
            body = answer.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise OutboundError(f"{url}: the response is larger than the limit of {max_bytes} bytes.")
            return Response(
                url=answer.geturl(),
                status=answer.status,
                headers={name.lower(): value for name, value in answer.headers.items()},
                body=body,
            )
    except urllib.error.HTTPError as error:
        error.close()
        raise OutboundError(f"{url}: the server answered {error.code} {error.reason}.", status=error.code) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, OutboundError):
            raise error.reason from None
        raise OutboundError(f"{url}: cannot connect ({error.reason}).") from None
    except TimeoutError:
        raise OutboundError(f"{url}: no answer within {timeout} seconds.") from None
    except (HTTPException, OSError) as error:
        raise OutboundError(f"{url}: the request failed ({error}).") from None
