import errno
import os

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from photos.models import Photo, Rendition
from photos.tests.images import decompression_bomb_upload, image_upload

ADD_URL = reverse("admin:photos_photo_add")
CHANGELIST_URL = reverse("admin:photos_photo_changelist")


@pytest.fixture
def login_as(client, make_user):
    """Log the client in as a staff member of the given group."""

    def login(group_name):
        user = make_user(username=group_name.lower())
        user.groups.add(Group.objects.get(name=group_name))
        client.force_login(user)
        return client

    return login


def photo_form_data(**overrides):
    return {
        "alt_text": "Kim Jong Un waves from his train",
        "caption": "Kim leaves Vladivostok.",
        "credit": "",
        "photographer": "",
        "source_organisation": "",
        "copyright_holder": "",
        "usage_terms": "",
        **overrides,
    }


@pytest.mark.django_db
class TestAddPhoto:
    def test_reporter_uploads_a_photo_with_its_credits(
        self, login_as, make_author, make_organisation, django_capture_on_commit_callbacks
    ):
        client = login_as("Reporters")
        photographer, agency = make_author(name="Jane Doe"), make_organisation(name="Reuters")
        data = photo_form_data(
            image=image_upload("train.jpg", size=(1200, 800), image_format="JPEG"),
            photographer=photographer.pk,
            source_organisation=agency.pk,
            copyright_holder="Reuters",
            usage_terms="Editorial use only.",
        )

        # The renditions are made by the worker once the upload is committed (here, at once).
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(ADD_URL, data)

        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
        photo = Photo.objects.get()
        assert (photo.width, photo.height) == (1200, 800)
        assert (photo.photographer, photo.source_organisation) == (photographer, agency)
        assert photo.credit_line == "Jane Doe/Reuters"
        assert sorted(photo.renditions.values_list("format", "width")) == [
            ("jpeg", 480),
            ("jpeg", 960),
            ("jpeg", 1200),
            ("webp", 480),
            ("webp", 960),
            ("webp", 1200),
        ]

    def test_missing_alt_text_is_refused_and_input_kept(self, login_as):
        response = login_as("Reporters").post(
            ADD_URL, photo_form_data(alt_text="", caption="A caption worth keeping", image=image_upload())
        )
        assert response.status_code == 200
        assert "alt_text" in response.context["adminform"].form.errors
        assert "A caption worth keeping" in response.content.decode()
        assert not Photo.objects.exists()

    @pytest.mark.parametrize(
        ("upload", "message"),
        [
            (lambda: SimpleUploadedFile("photo.jpg", b"not a picture", content_type="image/jpeg"), "not an image"),
            (lambda: SimpleUploadedFile("cut.png", image_upload(size=(300, 300)).read()[:200]), "damaged"),
            (decompression_bomb_upload, "cannot be opened safely"),
        ],
        ids=["not-an-image", "corrupt", "decompression-bomb"],
    )
    def test_bad_files_are_refused_with_a_clear_message(self, login_as, upload, message):
        response = login_as("Reporters").post(ADD_URL, photo_form_data(image=upload()))
        assert response.status_code == 200
        assert message in " ".join(response.context["adminform"].form.errors["image"])
        assert message in response.content.decode()
        assert not Photo.objects.exists()

    def test_limits_come_from_settings(self, login_as, settings):
        settings.NEWSROOM_MAX_IMAGE_BYTES = 100
        response = login_as("Reporters").post(ADD_URL, photo_form_data(image=image_upload(size=(200, 200))))
        assert "largest allowed" in str(response.context["adminform"].form.errors["image"])


@pytest.mark.django_db
class TestPermissions:
    def test_reporters_cannot_delete_photos_but_editors_can(self, login_as, make_photo):
        photo = make_photo()
        delete_url = reverse("admin:photos_photo_delete", args=[photo.pk])

        assert login_as("Reporters").get(delete_url).status_code == 403
        assert login_as("Reporters").get(reverse("admin:photos_photo_change", args=[photo.pk])).status_code == 200

        response = login_as("Editors").post(delete_url, {"post": "yes"})
        assert response.status_code == 302
        assert not Photo.objects.exists()

    def test_staff_without_photo_permissions_are_refused(self, client, make_user):
        client.force_login(make_user())
        assert client.get(ADD_URL).status_code == 403
        assert client.post(ADD_URL, photo_form_data(image=image_upload())).status_code == 403
        assert not Photo.objects.exists()


@pytest.mark.django_db
class TestChangelist:
    def test_shows_thumbnails_and_credits_in_constant_queries(
        self, superuser_client, make_photo, make_author, make_organisation, django_assert_max_num_queries
    ):
        agency = make_organisation(name="Reuters", short_name="RTR")
        for n in range(25):
            make_photo(size=(120, 80), photographer=make_author(), source_organisation=agency, credit="")
        with django_assert_max_num_queries(12):
            response = superuser_client.get(CHANGELIST_URL)
        html = response.content.decode()
        assert response.context["cl"].result_count == 25
        assert html.count('<img src="/media/photos/renditions/') == 25
        assert "/RTR</td>" in html

    def test_search_and_filters(self, superuser_client, make_photo, make_organisation, make_author):
        agency, photographer = make_organisation(name="Reuters"), make_author(name="Jane Doe")
        make_photo(alt_text="A train at dawn", source_organisation=agency)
        make_photo(alt_text="A boat", photographer=photographer)

        def listed(query):
            return [p.alt_text for p in superuser_client.get(CHANGELIST_URL + "?" + query).context["cl"].result_list]

        assert listed("q=train") == ["A train at dawn"]
        assert listed("q=jane") == ["A boat"]
        assert listed(f"source_organisation__id__exact={agency.pk}") == ["A train at dawn"]
        assert listed(f"photographer__id__exact={photographer.pk}") == ["A boat"]

    def test_autocomplete_finds_photos_by_alt_text(self, superuser_client, make_photo):
        make_photo(alt_text="Kim waves from the train")
        make_photo(alt_text="A boat")
        response = superuser_client.get(
            reverse("admin:autocomplete"),
            {"term": "kim", "app_label": "articles", "model_name": "article", "field_name": "photo"},
        )
        texts = [result["text"] for result in response.json()["results"]]
        assert texts == ["Kim waves from the train (Newsroom/Staff)"]


@pytest.mark.django_db
class TestOriginal:
    def test_change_form_links_the_original_through_the_admin(self, login_as, make_photo):
        photo = make_photo()
        html = login_as("Reporters").get(reverse("admin:photos_photo_change", args=[photo.pk])).content.decode()
        original_url = reverse("admin:photos_photo_original", args=[photo.pk])
        assert f'<a href="{original_url}">{photo.image.name}</a>' in html
        assert photo.image.url not in html

    def test_staff_are_sent_to_the_original_never_cached(self, login_as, make_photo):
        photo = make_photo()
        response = login_as("Reporters").get(reverse("admin:photos_photo_original", args=[photo.pk]))
        assert response.status_code == 302
        assert response["Location"] == photo.image.url
        assert response["Location"].startswith("/media/photos/originals/")
        assert "no-store" in response["Cache-Control"]

    def test_others_are_not(self, client, make_user, make_photo):
        url = reverse("admin:photos_photo_original", args=[make_photo().pk])
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

        client.force_login(make_user())
        assert client.get(url).status_code == 403

    def test_unknown_photo_is_not_found(self, superuser_client):
        assert superuser_client.get(reverse("admin:photos_photo_original", args=[404])).status_code == 404


class RefusingStorage(FileSystemStorage):
    """A disk that takes no more files: full, or mounted read-only."""

    def __init__(self, error, **kwargs):
        super().__init__(**kwargs)
        self.error = error

    def _save(self, name, content):
        raise OSError(self.error, os.strerror(self.error))


@pytest.mark.django_db
@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EROFS], ids=["full", "read-only"])
def test_storage_that_refuses_the_file_is_a_form_error_that_keeps_what_was_typed(
    login_as, monkeypatch, tmp_path, error
):
    for field in (Photo._meta.get_field("image"), Rendition._meta.get_field("file")):
        monkeypatch.setattr(field, "storage", RefusingStorage(error, location=tmp_path / field.name))
    data = photo_form_data(image=image_upload("train.jpg"), caption="Typed before the disk filled.")

    response = login_as("Reporters").post(ADD_URL, data)

    assert response.status_code == 200
    [message] = response.context["adminform"].form.non_field_errors()
    assert "could not be stored" in message and os.strerror(error) in message
    assert "Typed before the disk filled." in response.content.decode()
    assert not Photo.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


@pytest.mark.django_db
def test_a_photos_words_are_edited_without_reading_its_original(login_as, make_photo):
    """
    Set again from the form, the image would be opened to measure it: the whole original
    fetched from S3 for a caption, and a 500 if it was lost. Here it is lost.
    """
    photo = make_photo()
    size = (photo.width, photo.height)
    photo.image.storage.delete(photo.image.name)
    data = photo_form_data(caption="Kim leaves Vladivostok by train.")

    response = login_as("Editors").post(reverse("admin:photos_photo_change", args=[photo.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    photo.refresh_from_db()
    assert photo.caption == "Kim leaves Vladivostok by train."
    assert (photo.width, photo.height) == size
