"""
The S3 tests: media on moto's S3 server, a real HTTP service on a free port of
127.0.0.1, as django-storages tests itself. NEWSROOM_TEST_S3_ENDPOINT_URL names a
server that is already running; otherwise the tests start their own and stop it
afterwards. They run once per CI run, on its SQLite run: the storage does not
depend on the database.
"""

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from email.message import Message

import pytest
from django.conf import settings as django_settings

from newsroom.settings.base import media_storages
from photos.models import Photo, private_storage

ENDPOINT_VARIABLE = "NEWSROOM_TEST_S3_ENDPOINT_URL"
# `make test` sets this, so that there a missing moto fails the run instead of skipping.
REQUIRED = os.environ.get("NEWSROOM_SERVICE_TESTS") == "required"
CREDENTIALS = {"NEWSROOM_S3_ACCESS_KEY_ID": "testing", "NEWSROOM_S3_SECRET_ACCESS_KEY": "testing"}
REGION = "us-east-1"


def missing_tools():
    """Say what the S3 tests lack, or return "" when they can run."""
    if os.environ.get(ENDPOINT_VARIABLE):
        return ""
    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
        return "moto[server] is not installed (requirements-dev.txt)"
    return ""


def skip_reason():
    """Return why the S3 tests are skipped in this run, or ""."""
    if "postgresql" in django_settings.DATABASES["default"]["ENGINE"]:
        return "they run once per CI run, on SQLite (the storage does not depend on the database)"
    return "" if REQUIRED else missing_tools()


def pytest_collection_modifyitems(config, items):
    s3_tests = [item for item in items if item.get_closest_marker("s3")]
    reason = skip_reason() if s3_tests else ""
    for item in s3_tests if reason else []:
        item.add_marker(pytest.mark.skip(reason=reason))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """Return the address of moto's S3 server: the one named in the environment, or one started here."""
    if url := os.environ.get(ENDPOINT_VARIABLE):
        yield url
        return
    if missing := missing_tools():
        pytest.fail(f"The S3 tests cannot run: {missing}. `make test` installs it.")
    port = free_port()
    log_path = tmp_path_factory.mktemp("moto") / "server.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        # Importing moto takes a few seconds on a small machine.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        else:
            pytest.fail(f"moto's S3 server did not start:\n{log_path.read_text(errors='replace')[-2000:]}")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def public_read_policy(bucket):
    """Return the bucket policy the README gives: anyone may read what is under public/, nothing else."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicMedia",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/public/*",
                }
            ],
        }
    )


@dataclass
class Response:
    status: int
    headers: Message  # names in any case
    body: bytes


def fetch(url):
    """GET `url` as a reader's browser would: no credentials, whatever the answer."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


class S3Media:
    """Media on fresh buckets of moto's server, configured through the same variables as production."""

    def __init__(self, endpoint, settings, monkeypatch):
        import boto3

        self.endpoint, self.settings, self.monkeypatch = endpoint, settings, monkeypatch
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        self.bucket = self.private_bucket = ""

    def new_bucket(self, policy=True):
        name = f"newsroom-{uuid.uuid4().hex[:16]}"
        self.client.create_bucket(Bucket=name)
        if policy:
            self.client.put_bucket_policy(Bucket=name, Policy=public_read_policy(name))
        return name

    def configure(self, **environ):
        """Point STORAGES and Photo.image at the buckets, as media_storages() reads the environment."""
        self.bucket = environ.setdefault("NEWSROOM_S3_BUCKET", self.bucket or self.new_bucket())
        self.private_bucket = environ.get("NEWSROOM_S3_PRIVATE_BUCKET", self.bucket)
        environ = {"NEWSROOM_S3_ENDPOINT_URL": self.endpoint, "NEWSROOM_S3_REGION": REGION, **CREDENTIALS, **environ}
        self.settings.STORAGES = {**self.settings.STORAGES, **media_storages(environ)}
        # The field resolved its callable when the model was defined; resolve it again.
        self.monkeypatch.setattr(Photo._meta.get_field("image"), "storage", private_storage())
        return self

    def keys(self, bucket=None):
        """Return the names of every object in the bucket (the public one unless told)."""
        listing = self.client.list_objects_v2(Bucket=bucket or self.bucket)
        return {item["Key"] for item in listing.get("Contents", [])}

    def get_object(self, key, bucket=None):
        return self.client.get_object(Bucket=bucket or self.bucket, Key=key)


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    """Keep media on one new bucket of moto's server, public files readable by the README's policy."""
    return S3Media(s3_endpoint, settings, monkeypatch).configure()


@pytest.fixture
def s3_media(s3_endpoint, settings, monkeypatch):
    """Return an unconfigured S3Media, for tests that set the variables themselves."""
    return S3Media(s3_endpoint, settings, monkeypatch)
