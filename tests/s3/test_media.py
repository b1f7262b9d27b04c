"""Media on S3: public renditions, portraits and logos; private originals behind short-lived signed addresses."""

from datetime import UTC, datetime, timedelta
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from PIL import ExifTags, Image

from photos.models import Photo
from photos.tests.images import SECRET_LATITUDE, camera_exif, image_upload

from .conftest import fetch

pytestmark = [pytest.mark.s3, pytest.mark.django_db]


def stored_keys(photo, s3):
    """Return where the photo's original and renditions should be: (private keys, public keys)."""
    private_prefix = "private/" if s3.private_bucket == s3.bucket else ""
    return {private_prefix + photo.image.name}, {f"public/{r.file.name}" for r in photo.renditions.all()}


def gps_latitude(data):
    return Image.open(BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo).get(ExifTags.GPS.GPSLatitude)


@pytest.fixture
def camera_photo(make_photo):
    """A photo as a phone takes it: a JPEG whose EXIF holds where it was taken."""
    return make_photo(image=image_upload("source.jpg", size=(1000, 600), image_format="JPEG", exif=camera_exif()))


def test_uploading_a_photo_stores_its_original_and_renditions_in_the_bucket(s3, camera_photo):
    private, public = stored_keys(camera_photo, s3)
    assert len(public) == 6  # 480, 960 and 1000 pixels wide, in WebP and JPEG
    assert s3.keys() == private | public
    original = s3.get_object(next(iter(private)))
    assert original["CacheControl"] == "private, no-store"
    assert gps_latitude(original["Body"].read()) == SECRET_LATITUDE


def test_renditions_are_public_plain_addresses_without_metadata(s3, camera_photo):
    for rendition in camera_photo.renditions.all():
        url = rendition.file.url
        assert url == f"{s3.endpoint}/{s3.bucket}/public/{rendition.file.name}"
        response = fetch(url)
        assert response.status == 200, url
        assert response.headers["Content-Type"] == rendition.mime_type
        assert response.headers["Cache-Control"] == "public, max-age=86400"
        assert gps_latitude(response.body) is None


def test_the_original_is_signed_expires_and_is_refused_unsigned(s3, camera_photo):
    url = camera_photo.image.url
    address = urlsplit(url)
    query = parse_qs(address.query)
    assert address.path == f"/{s3.bucket}/private/{camera_photo.image.name}"
    assert "X-Amz-Signature" in query
    # moto does not enforce the expiry, so check what S3 does enforce: five minutes from signing.
    assert query["X-Amz-Expires"] == ["300"]
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - signed_at) < timedelta(minutes=1)

    signed = fetch(url)
    assert signed.status == 200
    assert gps_latitude(signed.body) == SECRET_LATITUDE
    assert fetch(f"{address.scheme}://{address.netloc}{address.path}").status == 403


def test_signed_addresses_last_as_long_as_the_setting_says(s3_media, make_photo):
    s3_media.configure(NEWSROOM_S3_SIGNED_URL_SECONDS="60")
    assert parse_qs(urlsplit(make_photo().image.url).query)["X-Amz-Expires"] == ["60"]


def test_deleting_a_photo_deletes_its_objects(s3, camera_photo, make_photo, django_capture_on_commit_callbacks):
    other = make_photo()
    with django_capture_on_commit_callbacks(execute=True):
        camera_photo.delete()
    assert s3.keys() == set().union(*stored_keys(other, s3))

    with django_capture_on_commit_callbacks(execute=True):
        Photo.objects.all().delete()
    assert s3.keys() == set()


def test_portraits_and_logos_are_public(s3, client, make_author, make_organisation):
    author = make_author(photo=image_upload("me.jpg", image_format="JPEG"))
    namesake = make_author(photo=image_upload("me.jpg", image_format="JPEG", color="red"))
    organisation = make_organisation(logo=image_upload("logo.png"))
    # Two uploads of the same name do not overwrite each other, as on local disk.
    assert author.photo.name != namesake.photo.name
    assert s3.keys() == {f"public/{name}" for name in (author.photo.name, namesake.photo.name, organisation.logo.name)}
    for image in (author.photo, namesake.photo, organisation.logo):
        assert "?" not in image.url
        assert fetch(image.url).status == 200

    assert f'src="{author.photo.url}"' in client.get(author.get_absolute_url()).content.decode()
    assert f'src="{organisation.logo.url}"' in client.get(organisation.get_absolute_url()).content.decode()


def test_readers_pages_link_renditions_never_the_original(s3, client, camera_photo, make_article):
    article = make_article(photo=camera_photo)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f"{s3.endpoint}/{s3.bucket}/public/photos/renditions/" in html
    assert "/private/" not in html
    assert "X-Amz-" not in html


def test_the_admin_gives_staff_a_signed_link_to_the_original(s3, client, make_user, camera_photo):
    reporter = make_user(username="rita")
    reporter.groups.add(Group.objects.get(name="Reporters"))
    original_url = reverse("admin:photos_photo_original", args=[camera_photo.pk])

    assert client.get(original_url).status_code == 302  # to the login page
    assert "X-Amz-" not in client.get(original_url)["Location"]

    client.force_login(reporter)
    change_form = client.get(reverse("admin:photos_photo_change", args=[camera_photo.pk])).content.decode()
    assert f'<a href="{original_url}">{camera_photo.image.name}</a>' in change_form
    assert "/private/" not in change_form

    response = client.get(original_url)
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    location = urlsplit(response["Location"])
    assert location.path == f"/{s3.bucket}/private/{camera_photo.image.name}"
    assert "X-Amz-Signature" in parse_qs(location.query)
    assert gps_latitude(fetch(response["Location"]).body) == SECRET_LATITUDE


def test_originals_in_a_bucket_of_their_own_and_public_files_by_acl(s3_media, make_photo):
    """For services that make objects public by ACL rather than by a bucket policy."""
    public_bucket, private_bucket = s3_media.new_bucket(policy=False), s3_media.new_bucket(policy=False)
    s3_media.configure(
        NEWSROOM_S3_BUCKET=public_bucket,
        NEWSROOM_S3_PRIVATE_BUCKET=private_bucket,
        NEWSROOM_S3_PUBLIC_ACL="public-read",
    )
    photo = make_photo()
    private, public = stored_keys(photo, s3_media)
    assert s3_media.keys(private_bucket) == private == {photo.image.name}
    assert s3_media.keys(public_bucket) == public
    assert all(fetch(rendition.file.url).status == 200 for rendition in photo.renditions.all())
    assert fetch(photo.image.url).status == 200
    assert fetch(photo.image.url.split("?")[0]).status == 403
