from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from authors.models import Author, Organisation


def photo_with_location(size=(60, 40), image_format="JPEG"):
    """A JPEG that says where it was taken and is stored on its side, as phone cameras do."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # Turn a quarter clockwise to stand upright.
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 0.0)
    buffer = BytesIO()
    Image.new("RGB", size, "navy").save(buffer, image_format, exif=exif)
    return SimpleUploadedFile("portrait.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.mark.django_db
def test_author_portrait_loses_its_metadata_and_stands_upright(superuser_client):
    response = superuser_client.post(
        reverse("admin:authors_author_add"),
        {
            "name": "Mridha Shihab Mahmud",
            "slug": "mridha",
            "photo": photo_with_location(),
            "affiliations-TOTAL_FORMS": "0",
            "affiliations-INITIAL_FORMS": "0",
            "links-TOTAL_FORMS": "0",
            "links-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    with Image.open(Author.objects.get().photo) as stored:
        assert dict(stored.getexif()) == {}
        assert stored.size == (40, 60)


@pytest.mark.django_db
def test_logo_keeps_its_transparency(superuser_client):
    buffer = BytesIO()
    Image.new("RGBA", (30, 30), (255, 0, 0, 0)).save(buffer, "PNG")
    response = superuser_client.post(
        reverse("admin:authors_organisation_add"),
        {
            "name": "TASS",
            "slug": "tass",
            "kind": "news_agency",
            "logo": SimpleUploadedFile("logo.png", buffer.getvalue()),
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    with Image.open(Organisation.objects.get().logo) as stored:
        assert stored.mode == "RGBA"
        assert stored.getpixel((0, 0))[3] == 0


@pytest.mark.django_db
def test_a_file_that_is_not_an_image_is_refused_with_a_message(superuser_client):
    response = superuser_client.post(
        reverse("admin:authors_organisation_add"),
        {
            "name": "TASS",
            "slug": "tass",
            "kind": "news_agency",
            "logo": SimpleUploadedFile("logo.png", b"not a picture"),
        },
    )

    assert response.status_code == 200
    assert "logo" in response.context["adminform"].form.errors
    assert 'value="TASS"' in response.content.decode()
    assert not Organisation.objects.exists()
