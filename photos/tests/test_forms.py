"""Every refused upload says why, and nothing half-made is kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from photos.forms import PhotoForm
from photos.models import Photo
from photos.tests.images import decompression_bomb_upload, image_upload

pytestmark = pytest.mark.django_db


def photo_form(upload, **data):
    return PhotoForm(data={"alt_text": "A picture", **data}, files={"image": upload})


def image_errors(upload):
    form = photo_form(upload)
    assert not form.is_valid()
    return " ".join(form.errors["image"])


def truncated_jpeg():
    whole = image_upload("cut.jpg", size=(400, 300), image_format="JPEG").read()
    return SimpleUploadedFile("cut.jpg", whole[: len(whole) // 2], content_type="image/jpeg")


def test_a_good_image_is_accepted_and_gets_renditions(django_capture_on_commit_callbacks):
    form = photo_form(image_upload("good.jpg", size=(640, 480), image_format="JPEG"))
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks() as enqueued:
        photo = form.save()
    assert (photo.width, photo.height) == (640, 480)
    assert photo.renditions.count() == 0  # Not in the request that saved it: on the worker, once committed.
    for enqueue in enqueued:
        enqueue()
    assert photo.renditions.count() == 4  # 480 and 640 wide, WebP and JPEG


def test_a_file_that_is_not_an_image_is_refused():
    fake = SimpleUploadedFile("photo.jpg", b"this is not a picture, only text", content_type="image/jpeg")
    assert "not an image that can be used here" in image_errors(fake)


def test_an_image_format_we_do_not_take_is_refused():
    assert "Upload a JPEG, PNG, WebP or GIF" in image_errors(image_upload("scan.tiff", image_format="TIFF"))


def test_a_damaged_image_is_refused():
    assert "damaged or incomplete" in image_errors(truncated_jpeg())


def test_a_decompression_bomb_is_refused_without_being_decoded():
    assert Image.MAX_IMAGE_PIXELS == 40_000_000
    message = image_errors(decompression_bomb_upload())
    assert "far more than 40 megapixels" in message
    assert "cannot be opened safely" in message


def test_an_image_over_the_byte_limit_is_refused(settings):
    settings.NEWSROOM_MAX_IMAGE_BYTES = 100
    assert "the largest allowed is 100\xa0bytes" in image_errors(image_upload(size=(200, 200)))


def test_an_image_over_the_pixel_limit_is_refused_with_its_size(settings):
    settings.NEWSROOM_MAX_IMAGE_PIXELS = 1_000_000
    with pytest.warns(Image.DecompressionBombWarning):  # Pillow's guard warns below twice the limit.
        message = image_errors(image_upload(size=(1250, 1000)))
    assert "1250 × 1000 pixels; the largest allowed is 1 megapixels" in message


def test_pillow_guard_follows_the_setting(settings):
    settings.NEWSROOM_MAX_IMAGE_PIXELS = 1_000_000
    assert Image.MAX_IMAGE_PIXELS == 1_000_000
    message = image_errors(image_upload(size=(2000, 1001)))
    assert "far more than 1 megapixels" in message


def test_alt_text_is_required():
    form = PhotoForm(data={"alt_text": "   "}, files={"image": image_upload()})
    assert not form.is_valid()
    assert "alt_text" in form.errors
    assert not Photo.objects.exists()
