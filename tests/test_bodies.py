"""A request body that ends before its Content-Length is refused with a 400, whatever reads it."""

import io

import pytest
from django.core.exceptions import BadRequest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from newsroom.bodies import WholeBodyMiddleware

URLENCODED = "application/x-www-form-urlencoded"
FORM = b"headline=Kim+leaves+Russia&body=%3Cp%3EText.%3C%2Fp%3E&is_open_for_comments=on"
UPLOAD = encode_multipart(BOUNDARY, {"caption": "Train", "image": SimpleUploadedFile("t.jpg", b"x" * 100_000)})


def request_receiving(body, length, content_type):
    """Return a request, through the middleware, whose client sent `body` and announced `length` bytes."""
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(length),
            "wsgi.input": io.BytesIO(body),
        }
    )
    return WholeBodyMiddleware(lambda seen: seen)(request)


@pytest.mark.parametrize(("body", "content_type"), [(FORM, URLENCODED), (UPLOAD, MULTIPART_CONTENT)])
def test_a_whole_body_is_read_as_sent(body, content_type):
    request = request_receiving(body, len(body), content_type)
    assert request.POST["headline" if content_type == URLENCODED else "caption"] in {"Kim leaves Russia", "Train"}
    if content_type == MULTIPART_CONTENT:
        assert request.FILES["image"].size == 100_000


@pytest.mark.parametrize(("body", "content_type"), [(FORM, URLENCODED), (UPLOAD, MULTIPART_CONTENT)])
@pytest.mark.parametrize("cut", [0.01, 0.5, 0.99])
def test_a_body_cut_short_is_a_bad_request(body, content_type, cut):
    request = request_receiving(body[: int(len(body) * cut)], len(body), content_type)
    with pytest.raises(BadRequest, match=f"ended after {int(len(body) * cut)} of its {len(body)} bytes"):
        request.POST  # noqa: B018 (reading the form is what must fail)
