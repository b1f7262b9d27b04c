"""Renditions: the expected sizes and formats, upright, with no metadata, made once."""

from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import ExifTags, Image, ImageCms

from photos.models import Photo, Rendition
from photos.tests.images import XMP_WITH_LOCATION, camera_exif, image_upload, left_red_right_blue

pytestmark = pytest.mark.django_db


def opened(rendition):
    """Return the rendition's stored file, decoded, with its raw bytes."""
    with rendition.file.open("rb") as file:
        data = file.read()
    image = Image.open(BytesIO(data))
    image.load()
    return image, data


def sizes(photo):
    return sorted((r.format, r.width, r.height) for r in photo.renditions.all())


@pytest.mark.parametrize(
    ("original", "widths"),
    [((2400, 1600), [480, 960, 1600]), ((1200, 800), [480, 960, 1200]), ((960, 640), [480, 960]), ((300, 200), [300])],
)
def test_widths_never_enlarge_and_there_is_always_one(original, widths):
    assert Rendition.widths_for(original[0]) == widths


def test_renditions_have_the_expected_sizes_and_formats(make_photo):
    photo = make_photo(size=(2400, 1600))

    assert sizes(photo) == [
        ("jpeg", 480, 320),
        ("jpeg", 960, 640),
        ("jpeg", 1600, 1067),
        ("webp", 480, 320),
        ("webp", 960, 640),
        ("webp", 1600, 1067),
    ]
    for rendition in photo.renditions.all():
        image, _ = opened(rendition)
        assert image.format == {"jpeg": "JPEG", "webp": "WEBP"}[rendition.format]
        assert image.size == (rendition.width, rendition.height)
        assert image.mode == "RGB"


def test_a_small_original_gets_one_rendition_per_format_at_its_own_size(make_photo):
    assert sizes(make_photo(size=(300, 200))) == [("jpeg", 300, 200), ("webp", 300, 200)]


def test_renditions_carry_no_exif_gps_or_xmp(make_photo):
    upload = image_upload("phone.jpg", size=(1000, 750), image_format="JPEG", exif=camera_exif(), xmp=XMP_WITH_LOCATION)
    photo = make_photo(image=upload)
    with photo.image.open("rb"):
        assert Image.open(photo.image).getexif().get_ifd(ExifTags.IFD.GPSInfo), "the original keeps its GPS data"

    assert photo.renditions.count() == 6
    for rendition in photo.renditions.all():
        image, data = opened(rendition)
        assert not image.getexif()
        assert "exif" not in image.info and "xmp" not in image.info and "icc_profile" not in image.info
        for marker in (b"Exif", b"PhoneMaker", b"GPS", b"xmpmeta"):
            assert marker not in data


@pytest.mark.parametrize("orientation", [6, 8])
def test_exif_orientation_is_applied(make_photo, orientation):
    # Stored 600 × 400 on its side; EXIF says turn it a quarter, so it shows 400 × 600.
    upload = image_upload(
        "side.jpg", image=left_red_right_blue((600, 400)), image_format="JPEG", exif=camera_exif(orientation)
    )
    photo = make_photo(image=upload)

    assert (photo.width, photo.height) == (600, 400)  # The original, as stored.
    assert sizes(photo) == [("jpeg", 400, 600), ("webp", 400, 600)]
    image, _ = opened(photo.largest_rendition())
    top, bottom = image.getpixel((200, 20)), image.getpixel((200, 580))
    # Orientation 6 turns the image clockwise (red, once on the left, ends on top); 8 the other way.
    red, blue = (top, bottom) if orientation == 6 else (bottom, top)
    assert red[0] > 200 and red[2] < 60
    assert blue[2] > 200 and blue[0] < 60


def test_colour_profile_is_converted_to_srgb_and_dropped(make_photo):
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo = make_photo(image=image_upload("srgb.png", size=(500, 300), icc_profile=srgb))
    broken = make_photo(image=image_upload("odd.png", size=(500, 300), icc_profile=profile[:40]))

    for rendition in [*photo.renditions.all(), *broken.renditions.all()]:
        image, _ = opened(rendition)
        assert "icc_profile" not in image.info


def test_transparency_becomes_white(make_photo):
    photo = make_photo(image=image_upload("logo.png", image=Image.new("RGBA", (500, 300), (255, 0, 0, 0))))
    image, _ = opened(photo.renditions.get(format="jpeg", width=480))
    assert image.getpixel((10, 10)) == (255, 255, 255)


def test_renditions_are_made_once_and_reused(make_photo):
    photo = make_photo(size=(1000, 600))
    before = sorted(photo.renditions.values_list("pk", "file"))

    photo.caption = "A new caption"
    photo.save()

    assert photo.ensure_renditions() == 0
    assert sorted(photo.renditions.values_list("pk", "file")) == before


def test_a_new_original_replaces_the_renditions_and_their_files(make_photo, django_capture_on_commit_callbacks):
    photo = make_photo(size=(1000, 600))
    old_files = [Path(r.file.path) for r in photo.renditions.all()]
    assert all(path.exists() for path in old_files)

    photo.image = image_upload(size=(500, 500))
    with django_capture_on_commit_callbacks(execute=True):
        photo.save()

    assert (photo.width, photo.height) == (500, 500)  # A new image is measured.
    assert sizes(photo) == [("jpeg", 480, 480), ("jpeg", 500, 500), ("webp", 480, 480), ("webp", 500, 500)]
    assert set(photo.renditions.values_list("source_name", flat=True)) == {photo.image.name}
    assert not any(path.exists() for path in old_files)


def test_original_is_stored_under_a_name_nobody_can_guess(make_photo):
    first = make_photo(image=image_upload("kim-meets-source.jpg", image_format="JPEG"))
    second = make_photo(image=image_upload("kim-meets-source.jpg", image_format="JPEG"))

    for photo in (first, second):
        assert photo.image.name.startswith("photos/originals/")
        assert photo.image.name.endswith(".jpg")
        assert "kim" not in photo.image.name
    assert first.image.name != second.image.name
    assert not any(Path(first.image.name).stem in r.file.name for r in first.renditions.all())


class TestBuildRenditionsCommand:
    def test_makes_missing_renditions_and_leaves_complete_ones(self, make_photo):
        complete, emptied = make_photo(), make_photo()
        kept = sorted(complete.renditions.values_list("pk", flat=True))
        emptied.renditions.all().delete()
        out = StringIO()

        call_command("build_renditions", stdout=out)

        assert "Checked 2 photos; made 4 renditions." in out.getvalue()
        assert emptied.renditions.count() == 4
        assert sorted(complete.renditions.values_list("pk", flat=True)) == kept

    def test_reports_photos_it_cannot_read_and_goes_on(self, make_photo):
        missing, fine = make_photo(), make_photo()
        missing.image.storage.delete(missing.image.name)
        Rendition.objects.all().delete()
        err = StringIO()

        with pytest.raises(CommandError, match=f"1 photos could not be read: {missing.pk}"):
            call_command("build_renditions", stdout=StringIO(), stderr=err)

        assert f"Photo {missing.pk}" in err.getvalue()
        assert fine.renditions.count() == 4
        assert not missing.renditions.exists()

    def test_only_the_photos_named(self, make_photo):
        first, second = make_photo(), make_photo()
        Rendition.objects.all().delete()

        call_command("build_renditions", str(second.pk), stdout=StringIO())

        assert not first.renditions.exists()
        assert second.renditions.count() == 4


def test_photo_api_for_pages_and_feeds(make_photo, django_assert_num_queries):
    photo = Photo.objects.prefetch_related("renditions").get(pk=make_photo(size=(2000, 1000)).pk)

    with django_assert_num_queries(0):
        largest = photo.largest_rendition()
        assert (largest.format, largest.width, largest.height) == ("jpeg", 1600, 800)
        assert photo.largest_rendition("webp").file.url.endswith("-1600.webp")
        assert photo.fallback_rendition.width == 960
        assert photo.has_renditions
        webp = photo.renditions_by_format["webp"]
        assert photo.webp_srcset == ", ".join(f"{r.file.url} {r.width}w" for r in webp)
        assert [part.split()[1] for part in photo.jpeg_srcset.split(", ")] == ["480w", "960w", "1600w"]


def test_fallback_is_the_only_rendition_of_a_small_photo(make_photo):
    photo = make_photo(size=(300, 200))
    assert photo.fallback_rendition.width == 300
    photo.renditions.all().delete()
    fresh = Photo.objects.get(pk=photo.pk)
    assert fresh.fallback_rendition is None and fresh.largest_rendition() is None and not fresh.has_renditions


def test_editing_a_photo_with_all_its_renditions_does_not_read_the_original(make_photo):
    photo = make_photo()
    photo.image.storage.delete(photo.image.name)  # Reading it now would fail.

    photo.caption = "Only the caption changed"
    photo.save()

    assert Photo.objects.get(pk=photo.pk).caption == "Only the caption changed"


def test_recheck_adds_widths_after_they_change(make_photo, monkeypatch):
    photo = make_photo(size=(2400, 1600))
    monkeypatch.setattr(Rendition, "WIDTHS", (480, 960, 1600, 2400))

    call_command("build_renditions", stdout=StringIO())
    assert photo.renditions.filter(width=2400).count() == 0  # A full set by the old widths is trusted...

    call_command("build_renditions", "--recheck", stdout=StringIO())
    assert sorted(photo.renditions.filter(format="jpeg").values_list("width", flat=True)) == [480, 960, 1600, 2400]
