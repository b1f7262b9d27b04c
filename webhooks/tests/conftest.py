import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from articles.models import Article
from webhooks.models import Endpoint


def readme_snippet():
    """Return the signature check the README's "Webhooks" section gives receivers, as source."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Webhooks\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, flags=re.DOTALL).group(1)


def load_readme_verify():
    namespace = {}
    exec("import base64, hashlib, hmac\n" + readme_snippet(), namespace)  # noqa: S102  Our own README.
    return namespace["verify"]


# The tests check signatures with the README's own function, as a receiver would copy it.
verify = load_readme_verify()


class Received:
    def __init__(self, headers, body, status):
        self.headers = headers
        self.body = body
        self.status = status

    def json(self):
        return json.loads(self.body)


class Receiver:
    """
    A real webhook receiver on 127.0.0.1. It answers `failures` 503s first (a receiver
    that is down), then 2xx, and keeps each request it got, signature checked or not.
    """

    def __init__(self, port=0):
        self.requests = []
        self.failures = 0
        self.redirect_to = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if receiver.failures:
                    receiver.failures -= 1
                    status = 503
                else:
                    status = 307 if receiver.redirect_to else 204
                headers = {name.lower(): value for name, value in self.headers.items()}
                receiver.requests.append(Received(headers, body, status))
                self.send_response(status)
                if status == 307:
                    self.send_header("Location", receiver.redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_port}/hooks/newsroom"

    def accepted(self):
        """Return the requests answered with a 2xx: the deliveries the receiver took in."""
        return [request for request in self.requests if request.status < 300]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def allow_loopback(settings):
    """Allow deliveries to 127.0.0.1 (and only it), as a server would allow a partner's network."""
    settings.NEWSROOM_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def receiver(allow_loopback):
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture
def make_endpoint(db):
    def make(url, events=None, **fields):
        if events is not None:
            fields["events"] = events
        return Endpoint.objects.create(url=url, **fields)

    return make


@pytest.fixture
def draft(make_article):
    return make_article(status=Article.Status.DRAFT, published_at=None, headline="Ministers agree on the budget")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (enqueueing the deliveries, which the immediate backend then sends)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def now():
    return timezone.now()
