import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

DATA = Path(__file__).parent / "data"


def png_bytes(size=(64, 48), colour="navy"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # A client that gave up (the time-out test) is expected here.


class WireServer:
    """A real HTTP server on 127.0.0.1 serving what a test puts in `routes`: path -> (status, headers, body)."""

    def __init__(self):
        self.routes = {}
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                status, headers, body = server.routes.get(self.path, (404, {}, b"not here"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"

    def serve(self, path, body, content_type="application/octet-stream", status=200, headers=None):
        self.routes[path] = (status, {"Content-Type": content_type, **(headers or {})}, body)
        return self.url(path)


@pytest.fixture
def wire_server(settings):
    """Start a loopback HTTP server, and allow requests to 127.0.0.1 (and only it) for the test."""
    settings.NEWSROOM_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    server = WireServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def data_file():
    def read(name):
        return DATA / name

    return read


@pytest.fixture
def png():
    return png_bytes


@pytest.fixture
def make_source(db, make_section, make_organisation):
    """Create a wire source; its agency is "Example Wire Agency" unless told otherwise."""
    from wires.models import WireSource

    def make(**overrides):
        overrides.setdefault("name", "EWA")
        overrides.setdefault("section", make_section(name="World", slug="world"))
        if "organisation" not in overrides:
            overrides["organisation"] = make_organisation(name="Example Wire Agency", short_name="EWA", slug="ewa")
        return WireSource.objects.create(**overrides)

    return make
