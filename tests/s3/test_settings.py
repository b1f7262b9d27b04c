"""media_storages(): local disk unless NEWSROOM_S3_BUCKET is set, and one clear line for a wrong variable."""

import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from storages.backends.s3 import S3Storage

from newsroom.settings.base import media_storages

S3 = {
    "NEWSROOM_S3_BUCKET": "newsroom-media",
    "NEWSROOM_S3_ENDPOINT_URL": "https://s3.example.org",
    "NEWSROOM_S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "NEWSROOM_S3_SECRET_ACCESS_KEY": "not-a-real-secret",
}


def storage(environ, alias):
    """Build the storage `alias` from the environment, as Django would (no request is made)."""
    return S3Storage(**media_storages(environ)[alias]["OPTIONS"])


def test_local_disk_by_default():
    local = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media_storages({}) == {"default": local, "private": local}
    assert media_storages({"NEWSROOM_S3_BUCKET": "  "}) == {"default": local, "private": local}


def test_public_files_have_plain_addresses_and_originals_signed_ones():
    public, private = storage(S3, "default"), storage(S3, "private")
    assert public.url("photos/renditions/1/a-480.jpeg") == (
        "https://s3.example.org/newsroom-media/public/photos/renditions/1/a-480.jpeg"
    )
    address = urlsplit(private.url("photos/originals/2026/11/abc.jpg"))
    assert address.path == "/newsroom-media/private/photos/originals/2026/11/abc.jpg"
    query = parse_qs(address.query)
    assert query["X-Amz-Expires"] == ["300"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert "X-Amz-Signature" in query


def test_a_cdn_serves_public_files_but_never_originals():
    environ = {**S3, "NEWSROOM_S3_CUSTOM_DOMAIN": "media.example.org"}
    assert storage(environ, "default").url("authors/me.jpg") == "https://media.example.org/public/authors/me.jpg"
    original = storage(environ, "private").url("photos/originals/x.jpg")
    assert original.startswith("https://s3.example.org/newsroom-media/private/photos/originals/x.jpg?")


def test_originals_may_have_a_bucket_of_their_own():
    environ = {**S3, "NEWSROOM_S3_PRIVATE_BUCKET": "newsroom-originals", "NEWSROOM_S3_SIGNED_URL_SECONDS": "60"}
    address = urlsplit(storage(environ, "private").url("photos/originals/x.jpg"))
    assert address.path == "/newsroom-originals/photos/originals/x.jpg"
    assert parse_qs(address.query)["X-Amz-Expires"] == ["60"]


def test_the_standard_aws_variables_serve_as_credentials():
    environ = {"NEWSROOM_S3_BUCKET": "newsroom-media", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s"}
    options = media_storages(environ)["private"]["OPTIONS"]
    assert (options["access_key"], options["secret_key"]) == ("AKID", "s")
    # Neither: boto3 finds them itself (a machine's role, a profile).
    options = media_storages({"NEWSROOM_S3_BUCKET": "newsroom-media"})["private"]["OPTIONS"]
    assert (options["access_key"], options["secret_key"]) == (None, None)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"NEWSROOM_S3_ENDPOINT_URL": "https://s3.example.org"},
            "NEWSROOM_S3_BUCKET is not set, but NEWSROOM_S3_ENDPOINT_URL is",
        ),
        ({**S3, "NEWSROOM_S3_BUCKET": "Newsroom_Media"}, "NEWSROOM_S3_BUCKET must be a bucket name"),
        ({**S3, "NEWSROOM_S3_PRIVATE_BUCKET": "x"}, "NEWSROOM_S3_PRIVATE_BUCKET must be a bucket name"),
        ({**S3, "NEWSROOM_S3_ENDPOINT_URL": "minio:9000"}, "NEWSROOM_S3_ENDPOINT_URL must be an http:// or https://"),
        ({**S3, "NEWSROOM_S3_ENDPOINT_URL": "https://"}, "NEWSROOM_S3_ENDPOINT_URL must be"),
        ({**S3, "NEWSROOM_S3_REGION": "eu west"}, "NEWSROOM_S3_REGION must be a region name"),
        ({**S3, "NEWSROOM_S3_CUSTOM_DOMAIN": "https://media.example.org"}, "NEWSROOM_S3_CUSTOM_DOMAIN must be"),
        ({**S3, "NEWSROOM_S3_PUBLIC_ACL": "public"}, "NEWSROOM_S3_PUBLIC_ACL must be public-read"),
        ({**S3, "NEWSROOM_S3_SIGNED_URL_SECONDS": "5m"}, "NEWSROOM_S3_SIGNED_URL_SECONDS must be a whole number"),
        ({**S3, "NEWSROOM_S3_SIGNED_URL_SECONDS": "0"}, "NEWSROOM_S3_SIGNED_URL_SECONDS must be a whole number"),
        ({**S3, "NEWSROOM_S3_SIGNED_URL_SECONDS": "604801"}, "NEWSROOM_S3_SIGNED_URL_SECONDS must be"),
        (
            {**S3, "NEWSROOM_S3_ACCESS_KEY_ID": ""},
            "NEWSROOM_S3_ACCESS_KEY_ID is not set, but NEWSROOM_S3_SECRET_ACCESS_KEY is",
        ),
        (
            {"NEWSROOM_S3_BUCKET": "newsroom-media", "AWS_ACCESS_KEY_ID": "AKID"},
            "AWS_SECRET_ACCESS_KEY is not set, but AWS_ACCESS_KEY_ID is",
        ),
    ],
)
def test_a_wrong_or_incomplete_variable_is_one_line_naming_it(environ, message):
    with pytest.raises(ImproperlyConfigured) as error:
        media_storages(environ)
    text = str(error.value)
    assert text.startswith(message)
    assert "\n" not in text
    assert "not-a-real-secret" not in text


def test_start_up_stops_with_one_line_naming_the_variable(tmp_path):
    environ = {
        **{name: value for name, value in os.environ.items() if not name.startswith("NEWSROOM_S3_")},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
        "SECRET_KEY": "start-up-test",
        "NEWSROOM_VAR_DIR": str(tmp_path),
        "NEWSROOM_S3_BUCKET": "newsroom-media",
        "NEWSROOM_S3_ENDPOINT_URL": "s3.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        check=False,
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Configuration error: NEWSROOM_S3_ENDPOINT_URL must be an http:// or https:// address such as "
        "https://s3.example.org, not 's3.example.org'.\n"
    )
